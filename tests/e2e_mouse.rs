//! The mouse in a real terminal: the program in tmux, SGR mouse reports typed into it as a
//! terminal sends them (`ESC [ < button ; column ; row M`, 1-based), the answers read back
//! from the file it wrote.

mod common;

use common::*;

/// Where `text` is on the screen, as a mouse report counts (1-based column and row).
fn at(screen: &str, text: &str) -> (usize, usize) {
    for (row, line) in screen.lines().enumerate() {
        if let Some(byte) = line.find(text) {
            return (line[..byte].chars().count() + 1, row + 1);
        }
    }
    panic!("{text:?} is not on the screen:\n{screen}");
}

fn click(t: &Tmux, text: &str) {
    let (x, y) = at(&t.screen(), text);
    t.text(&format!("\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m"));
}

#[test]
fn clicks_go_to_a_section_focus_a_question_and_pick_a_choice() {
    let dir = tempfile::tempdir().unwrap();
    let mini = root().join("tests/fixtures/mini.toml");
    let Some(t) = Tmux::start(dir.path(), &format!("new -q {} s.toml", mini.display())) else {
        return;
    };
    t.wait_for("▶ 1. Project name?");
    click(&t, "2 More");
    t.wait_for("▶ 1. Notes?");
    click(&t, "4. Metrics?");
    t.wait_for("▶ 4. Metrics?");
    click(&t, "PR-AUC");
    t.wait_for("[x] PR-AUC");
    // The wheel over the questions: back to the yes/no above.
    let (x, y) = at(&t.screen(), "4. Metrics?");
    t.text(&format!("\x1b[<64;{x};{y}M"));
    t.wait_for("▶ 3. A/B test?");
    t.keys(&["C-q"]);
    t.wait_exit();
    let text = read(&dir.path().join("s.toml"));
    assert!(text.contains("metrics = [\"pr_auc\"]"), "{text}");
}
