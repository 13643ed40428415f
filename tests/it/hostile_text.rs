//! Control characters in answers (escape sequences, bell, NUL, carriage returns), from a file
//! edited by hand or a hostile change, or pasted into the interview: none reaches a terminal
//! through `check`, `diff`, git's textconv, `report` or the doc, and none is stored.

use crate::common;

use common::*;
use kickoff::Answer;
use kickoff::tui::Msg;

/// A session whose answers and response carry terminal escapes and other controls.
const HOSTILE: &str = r#"questionnaire = "ml-experiment"
questionnaire_version = "4"
created = "2026-12-01T10:00:00Z"
updated = "2026-12-01T10:00:00Z"

[answers]
project_name = "v2\u0007\u001B]52;c;cHduZWQ=\u0007\u001B[31mRED\u001B[0m\u0000\r"
decision = "Hold orders\u001B[2J for review\r\nby two analysts."
data_sources = ["orders\u001B[1A table", "refunds"]
baseline_scores = [{ name = "rules\u001B[5m", score = 0.3, split = "May" }]

"evil\u001B[31mkey" = "x"

[responses.no-kill-criteria]
status = "wont_fix"
reason = "later\u001B[31m"
date = "2026-12-01T10:00:00Z"

[responses."split-random\u001B[31m"]
status = "fixed"
date = "2026-12-01T10:00:00Z"

[[critiques]]
provider = "openai\u001B[31m"
model = "gpt\u001B]0;X\u0007"
created = "2026-12-01T10:00:00Z"
prompt_hash = "a"
answers_hash = "b"
text = "Looks fine.\u001B[2J"
"#;

fn controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| c.is_control() && c != '\n' && c != '\t')
        .collect()
}

#[test]
fn no_command_prints_a_control_character_from_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.toml"), HOSTILE).unwrap();
    std::fs::write(
        dir.path().join("other.toml"),
        HOSTILE.replace("refunds", "chargebacks"),
    )
    .unwrap();
    for args in [
        &["check", "--allow-open", "--lenient", "plan.toml"][..],
        &["check", "--format", "json", "--lenient", "plan.toml"],
        &["check", "--format", "github", "--lenient", "plan.toml"],
        &["diff", "plan.toml", "other.toml"],
        &["diff", "--textconv", "plan.toml"],
        &["report", "."],
        &["render", "--lenient", "plan.toml"],
    ] {
        let run = kickoff(dir.path(), args);
        let out = run.stdout + &run.stderr;
        assert!(
            controls(&out).is_empty(),
            "{args:?}: {:?}\n{out}",
            controls(&out)
        );
        assert!(!out.contains("RED\u{1b}"), "{args:?}");
    }
    // Read, the session holds none anywhere (names, critiques, responses), and saves none.
    let session = kickoff::Session::from_str(HOSTILE, "p.toml".as_ref()).unwrap();
    let text = session.to_toml(None);
    assert!(controls(&text).is_empty(), "{text}");
    assert!(
        text.contains("evil[31mkey") && text.contains("gpt]0;X"),
        "{text}"
    );
    // What the escapes tried to say stays visible as text.
    let run = kickoff(dir.path(), &["diff", "--textconv", "plan.toml"]);
    assert!(run.stdout.contains("[31mRED[0m"), "{}", run.stdout);
}

#[test]
fn a_paste_with_controls_is_shown_and_saved_without_them() {
    let mut app = app_with(builtin());
    send(
        &mut app,
        Msg::Paste("v2\u{7}\u{1b}[31mRED\u{1b}[0m\u{0}\r".into()),
    );
    assert_eq!(
        app.interview.session.answers.get("project_name"),
        Some(&Answer::Text("v2[31mRED[0m".into()))
    );
    let text = app.interview.session.to_toml(None);
    assert!(controls(&text).is_empty(), "{text}");
}
