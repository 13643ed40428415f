//! The interview's feel in a real terminal (the program in tmux): the mouse, as SGR mouse
//! reports typed in the way a terminal sends them (`ESC [ < button ; column ; row M`, 1-based),
//! the answers read back from the file it wrote; the messages of a setup without an LLM.

use crate::common;

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
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn clicks_go_to_a_section_focus_a_question_and_pick_a_choice() {
    let dir = tempfile::tempdir().unwrap();
    let mini = root().join("tests/fixtures/mini.toml");
    let t = Tmux::start(dir.path(), &format!("new -q {} s.toml", mini.display()));
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

/// With no provider and no key, ^L says so and where a key goes, instead of offering to ask.
#[test]
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn with_no_key_set_the_critique_screen_says_how_to_set_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let mini = root().join("tests/fixtures/mini.toml");
    let empty = String::new();
    let env = [
        ("OPENAI_API_KEY", empty.clone()),
        ("OPENAI_BASE_URL", empty.clone()),
        ("ANTHROPIC_API_KEY", empty.clone()),
        ("ANTHROPIC_BASE_URL", empty.clone()),
        ("OLLAMA_HOST", empty),
        (
            "KICKOFF_CONFIG",
            dir.path().join("config.toml").display().to_string(),
        ),
    ];
    let args = format!("new -q {} s.toml", mini.display());
    let t = Tmux::start_env(dir.path(), &args, &env);
    t.wait_for("▶ 1. Project name?");
    t.keys(&["C-l"]);
    let screen = t.wait_for("No API key is set");
    assert!(screen.contains("OPENAI_API_KEY"), "{screen}");
    assert!(!screen.contains("a ask"), "nothing to ask:\n{screen}");
    t.keys(&["C-q"]);
    t.wait_exit();
}
