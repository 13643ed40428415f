//! The keys of issue 30 in a real terminal (tmux): a default typed over, ^Z on a choice,
//! keys typed ahead of a question a condition inserts, y/n on a choice worded so, ^G with
//! two digits. Each reads the screen and the file written.

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

fn answers(path: &Path) -> toml::Table {
    let t: toml::Table = toml::from_str(&read(path)).expect("the session file parses");
    t.get("answers")
        .and_then(|a| a.as_table())
        .cloned()
        .unwrap_or_default()
}

/// Waits until the answer `id` in the file is `want` (as TOML shows it; `None`: absent).
fn wait_answer(file: &Path, id: &str, want: Option<&str>) {
    let start = Instant::now();
    loop {
        let now = answers(file).get(id).map(|v| v.to_string());
        if now.as_deref() == want {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{id} is {now:?} in the file, not {want:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until the answer `id` in the file is no longer `was`, and returns it: the screen moves
/// on before the saver thread has written the file.
fn wait_changed(file: &Path, id: &str, was: Option<&str>) -> Option<String> {
    let start = Instant::now();
    loop {
        let now = answers(file).get(id).map(|v| v.to_string());
        if now.as_deref() != was {
            return now;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{id} is still {now:?} in the file"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn e2e_a_default_typed_over_is_replaced_and_undo_takes_back_a_choice() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kickoff.toml");
    let t = Tmux::start_full(dir.path());
    // To "Which version of the plan is this?" (default 0.1).
    t.keys(&["Tab", "Tab", "Tab", "Tab"]);
    t.wait_for("(default: Enter keeps it");
    t.text("0.1");
    t.keys(&["Tab"]);
    wait_answer(&file, "plan_version", Some("\"0.1\""));
    // A choice picked with Enter, then ^Z: the answer is what it was, in the file too.
    t.keys(&["BTab", "BTab"]);
    t.wait_for("▶ 4. Where is this document in its review?");
    let before = answers(&file).get("doc_status").map(|v| v.to_string());
    t.keys(&["Down", "Enter"]);
    t.wait_for("▶ 5. Which version");
    // The choice is saved (the wait fails when it never is).
    let picked = wait_changed(&file, "doc_status", before.as_deref());
    t.keys(&["C-z"]);
    t.wait_for("Undone");
    t.wait_for("▶ 4. Where is this document in its review?");
    wait_answer(&file, "doc_status", before.as_deref());
    t.keys(&["C-y"]);
    wait_answer(&file, "doc_status", picked.as_deref());
}

#[test]
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn e2e_keys_typed_ahead_do_not_land_in_a_question_a_condition_inserted() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    let mini = root().join("tests/fixtures/mini.toml");
    let t = Tmux::start(dir.path(), &format!("new -q {} s.toml", mini.display()));
    t.wait_for("Project name?");
    t.text("Ahead");
    t.keys(&["Enter"]);
    t.wait_for("▶ 2. Task?");
    // Enter (Classification) opens "Positive rate?"; the 5 typed in the same breath was
    // meant for what the user expected next, and is not applied to the new question.
    // (One write, so both arrive before the next frame, as fast typing does.)
    t.text("\r5");
    let screen = t.wait_for("▶ 3. Positive rate?");
    assert!(screen.contains("new: your answer opened it"), "{screen}");
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        answers(&file).get("positive_rate").is_none(),
        "{}",
        read(&file)
    );
    // Now that it shows, keys answer it.
    t.text("0.2");
    wait_answer(&file, "positive_rate", Some("0.2"));
}

#[test]
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn e2e_section_picker_takes_two_digits_and_y_picks_a_yes_worded_choice() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kickoff.toml");
    let t = Tmux::start_full(dir.path());
    // ^G 1 1: the eleventh section; nothing typed into the project's name.
    t.keys(&["C-g"]);
    let screen = t.wait_for("Go to section");
    assert!(
        screen.contains(" 11  Risk and responsible use"),
        "numbered as typed:\n{screen}"
    );
    t.keys(&["1", "1"]);
    let screen = t.wait_for(" 11. Risk");
    assert!(
        !screen.contains("Go to section"),
        "the picker closed:\n{screen}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        answers(&file).get("project_name").is_none(),
        "{}",
        read(&file)
    );
    // ^G 2: the second at once (there is no section 20).
    t.keys(&["C-g"]);
    t.keys(&["2"]);
    t.wait_for(" 2. Problem framing");
    // ^G 1, then a moment: the first.
    t.keys(&["C-g"]);
    t.keys(&["1"]);
    t.wait_for(" 1. About this document");
    // On to "Is every feature available at prediction time...?" (section 5): y picks its
    // choice worded Yes and goes on.
    t.keys(&["C-g"]);
    t.keys(&["5"]);
    t.wait_for(" 5. ");
    let focused = |screen: &str| {
        screen
            .lines()
            .any(|l| l.contains("▶") && l.contains("Is every feature available"))
    };
    for _ in 0..20 {
        if focused(&t.screen()) {
            break;
        }
        t.keys(&["Tab"]);
        std::thread::sleep(Duration::from_millis(150));
    }
    assert!(focused(&t.screen()), "{}", t.screen());
    t.keys(&["y"]);
    wait_answer(&file, "features_at_serving", Some("\"yes_verified\""));
}
