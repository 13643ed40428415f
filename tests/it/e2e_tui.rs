//! The real binary in a real terminal (tmux): type like a person, read the screen and the
//! files it wrote.

use crate::common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::*;

fn answers(path: &Path) -> toml::Table {
    let t: toml::Table = toml::from_str(&read(path)).expect("the session file parses");
    t["answers"].as_table().unwrap().clone()
}

#[test]
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn interview_every_kind_go_back_resume_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let mini = root().join("tests/fixtures/mini.toml");
    let t = Tmux::start(dir.path(), &format!("new -q {} s.toml", mini.display()));
    t.wait_for("Project name?");
    t.text("E2E project");
    t.keys(&["Enter"]);
    t.wait_for("▶ 2. Task?");
    t.keys(&["Enter"]); // classification: the positive rate question appears
    t.wait_for("▶ 3. Positive rate?");
    // What is typed stays on screen with the reason it is not an answer yet.
    t.text("180k");
    t.wait_for("180000 is out of range");
    t.keys(&["Enter"]); // stays: not an answer yet
    t.keys(&["BSpace", "BSpace", "BSpace", "BSpace"]);
    t.text("abc");
    t.wait_for("“abc” is not a number");
    t.keys(&["BSpace", "BSpace", "BSpace"]);
    t.text("2%");
    let screen = t.wait_for("= 0.02");
    assert!(screen.contains("│2%"), "the text typed is kept:\n{screen}");
    t.keys(&["Enter"]);
    t.wait_for("▶ 1. Notes?");
    t.text("line one");
    t.keys(&["M-Enter"]); // Alt+Enter: a new line
    t.text("line two");
    t.keys(&["Enter"]); // Enter: the next question
    t.wait_for("▶ 2. Tags?");
    t.text("a");
    t.keys(&["Enter"]);
    t.text("b");
    t.keys(&["Enter", "Enter"]);
    t.wait_for("▶ 3. A/B test?");
    t.keys(&["y"]); // answers and goes on
    t.wait_for("▶ 4. Metrics?");
    t.keys(&["Space", "Down", "Space", "Enter"]);
    t.wait_for("▶ 1. Who owns the model?");
    t.text("Ana");
    t.wait_for("│Ana");
    // ^X clears (and saves); ^Z brings the answer back (and saves it again).
    t.keys(&["C-x"]);
    let start = std::time::Instant::now();
    while t.screen().contains("│Ana") {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "^X did not clear"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    t.keys(&["C-z"]);
    t.wait_for("│Ana");
    // Back two sections, change the task: the positive rate question disappears.
    t.keys(&["PageUp", "PageUp", "PageUp"]);
    t.wait_for("▶ 1. Project name?");
    t.keys(&["Tab", "Down", "Space"]);
    let screen = t.wait_for("(•) Regression");
    assert!(
        !screen.contains("Positive rate?"),
        "hidden after the change:\n{screen}"
    );
    t.keys(&["Tab"]);
    t.wait_for("▶ 1. Notes?");
    t.keys(&["C-q"]);
    t.wait_exit();

    let file = dir.path().join("s.toml");
    let a = answers(&file);
    assert_eq!(a["name"].as_str(), Some("E2E project"));
    assert_eq!(a["task"].as_str(), Some("regression"));
    assert_eq!(
        a["positive_rate"].as_float(),
        Some(0.02),
        "a hidden answer is kept"
    );
    assert_eq!(a["notes"].as_str(), Some("line one\nline two"));
    assert_eq!(a["tags"].as_array().unwrap().len(), 2);
    assert_eq!(a["ab_test"].as_bool(), Some(true));
    assert_eq!(
        a["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect::<Vec<_>>(),
        ["accuracy", "pr_auc"]
    );
    assert_eq!(a["owner"].as_str(), Some("Ana"));
    let session: toml::Table = toml::from_str(&read(&file)).unwrap();
    assert!(!session.contains_key("cursor"), "no place in the plan");
    assert_eq!(
        ui_state(&file).and_then(|s| s.cursor).as_deref(),
        Some("notes"),
        "Tab from the task, with the rate hidden"
    );
    assert!(
        session["questionnaire_path"]
            .as_str()
            .unwrap()
            .ends_with("mini.toml")
    );

    // Resume: back on the task question; export the doc.
    let t = Tmux::start(dir.path(), "resume s.toml");
    t.wait_for("▶ 1. Notes?");
    t.keys(&["C-o"]);
    t.wait_for("Write the design doc to");
    t.keys(&["Enter"]);
    t.wait_for("Wrote s.md");
    t.keys(&["C-q"]);
    t.wait_exit();
    let doc = read(&dir.path().join("s.md"));
    assert!(doc.starts_with("---\ntitle: \"E2E project\"\n"), "{doc}");
    assert!(doc.contains("\n# E2E project: ML design doc\n"), "{doc}");
    assert!(
        !doc.contains("Positive rate?"),
        "hidden questions are not rendered"
    );
    assert!(doc.contains("Who owns the model?"));
}

#[test]
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn sigkill_mid_interview_leaves_a_parseable_file() {
    let dir = tempfile::tempdir().unwrap();
    // A new session asks how deep to go first: the full interview.
    let t = Tmux::start_full(dir.path());
    t.text("Killed mid-sentence");
    t.wait_for("Killed mid-sentence");
    std::thread::sleep(Duration::from_millis(300));
    let status = Command::new("kill")
        .args(["-9", &t.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let file = dir.path().join("kickoff.toml");
    let a = answers(&file);
    let name = a["project_name"].as_str().unwrap();
    assert!(
        "Killed mid-sentence".starts_with(name) && name.len() >= "Killed mid-sentenc".len(),
        "{name}"
    );
    // The lock file stays after a SIGKILL (its lock went with the process); no temporary
    // file does, and the next open is not refused.
    let mut leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    leftovers.sort();
    assert!(
        leftovers == [".kickoff.toml.lock", "kickoff.toml"] || leftovers == ["kickoff.toml"],
        "no temporary files left behind: {leftovers:?}"
    );
    drop(t);
    let t = Tmux::start(dir.path(), "resume kickoff.toml");
    t.wait_for("Killed mid-sentenc");
}

#[test]
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn new_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kickoff.toml"), "keep me").unwrap();
    let t = Tmux::start_shell(dir.path(), "new kickoff.toml");
    let screen = t.wait_for("EXIT=");
    assert!(
        screen.contains("already exists") && screen.contains("EXIT=2"),
        "{screen}"
    );
    assert_eq!(read(&dir.path().join("kickoff.toml")), "keep me");
}

#[test]
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn a_table_typed_as_two_rows_of_the_grid() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = root().join("tests/fixtures/records.toml");
    let t = Tmux::start(dir.path(), &format!("new -q {} s.toml", fixture.display()));
    t.wait_for("Project name?");
    t.text("Grid");
    t.keys(&["Enter"]);
    t.wait_for("row 1 of 1");
    t.text("logistic");
    t.keys(&["Enter"]);
    t.text("0.41");
    t.keys(&["Enter", "y", "Enter", "Space", "Enter"]);
    t.wait_for("row 2 of 2");
    t.text("rules");
    t.keys(&["Enter"]);
    t.text("0.3");
    t.keys(&["Enter", "n", "Enter", "Enter"]); // the role left empty; on to a new row
    t.wait_for("row 3 of 3");
    t.keys(&["Enter"]); // a blank last row ends the table
    t.wait_for("▶ 3. Why were some baselines");
    t.keys(&["C-q"]);
    t.wait_exit();

    let file = dir.path().join("s.toml");
    let text = read(&file);
    assert!(
        text.contains(
            "baselines = [\n  { name = \"logistic\", score = 0.41, same_split = true, role = \"simple\" },\n  { name = \"rules\", score = 0.3, same_split = false },\n]"
        ),
        "{text}"
    );
    let rows = answers(&file)["baselines"].as_array().unwrap().len();
    assert_eq!(rows, 2);
}

/// `resume` on answers that `check` refuses opens them, names the first with its line, keeps
/// each as written on save.
#[test]
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn resume_names_answers_that_do_not_fit_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = read(&example("churn-done-well.toml")).replacen(
        "[answers]\n",
        "[answers]\nnot_a_question = \"hello\"\n",
        1,
    );
    let line = text
        .lines()
        .position(|l| l.starts_with("not_a_question"))
        .unwrap()
        + 1;
    std::fs::write(dir.path().join("s.toml"), &text).unwrap();
    let t = Tmux::start(dir.path(), "resume s.toml");
    t.wait_for(&format!("line {line}: not_a_question: no such question"));
    t.keys(&["C-q"]);
    t.wait_exit();
    assert!(read(&dir.path().join("s.toml")).contains("not_a_question = \"hello\""));
}
