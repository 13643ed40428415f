//! Control characters in answers (escape sequences, bell, NUL, carriage returns), from a file
//! edited by hand or a hostile change, or pasted into the interview: none reaches a terminal
//! through `check`, `diff`, git's textconv, `report` or the doc, and none is stored.

use crate::common;
use kickoff::Load as _;

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
        app.interview.session().answers.get("project_name"),
        Some(&Answer::Text("v2[31mRED[0m".into()))
    );
    let text = app.interview.session().to_toml(None);
    assert!(controls(&text).is_empty(), "{text}");
}

/// A session whose answers carry bidi controls, written as they are and as TOML escapes: an
/// override that shows `evil` backwards, isolates, marks.
const BIDI: &str = "questionnaire = \"ml-experiment\"
questionnaire_version = \"4\"
created = \"2026-12-01T10:00:00Z\"
updated = \"2026-12-01T10:00:00Z\"

[answers]
project_name = \"Fraud \u{202E}live\u{202C} v2\"
decision = \"Hold orders \\u2066for\\u2069 review\\u200F by two analysts.\u{200E}\u{061C}\"
data_sources = [\"orders\u{202A}\u{202B}\u{202D}\", \"refunds\u{2067}\u{2068}\"]
baseline_scores = [{ name = \"rules\u{202E}\", score = 0.3, split = \"May\" }]

[responses.no-kill-criteria]
status = \"wont_fix\"
reason = \"later\\u202E\"
date = \"2026-12-01T10:00:00Z\"
";

fn bidi(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| kickoff::text::is_bidi_control(c))
        .collect()
}

#[test]
fn no_command_prints_a_bidi_control_from_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    assert!(bidi(BIDI).len() >= 8);
    std::fs::write(dir.path().join("plan.toml"), BIDI).unwrap();
    std::fs::write(
        dir.path().join("other.toml"),
        BIDI.replace("refunds", "chargebacks"),
    )
    .unwrap();
    for args in [
        &["check", "--allow-open", "--lenient", "plan.toml"][..],
        &["check", "--format", "json", "--lenient", "plan.toml"],
        &["check", "--format", "github", "--lenient", "plan.toml"],
        &["check", "--format", "sarif", "--lenient", "plan.toml"],
        &["diff", "plan.toml", "other.toml"],
        &["diff", "--textconv", "plan.toml"],
        &["report", "."],
        &["render", "--lenient", "plan.toml"],
        &["render", "--lenient", "plan.toml", "--template", "brief"],
        &["render", "--lenient", "plan.toml", "-o", "doc.md"],
    ] {
        let run = kickoff(dir.path(), args);
        let out = run.stdout + &run.stderr;
        assert!(bidi(&out).is_empty(), "{args:?}: {:?}\n{out}", bidi(&out));
        // What was between the controls stays, in the order it is stored.
        if matches!(args[0], "diff" | "render") && !args.contains(&"-o") {
            assert!(
                ["live", "review", "orders"].iter().any(|w| out.contains(w)),
                "{args:?}: {out}"
            );
        }
    }
    let doc = std::fs::read_to_string(dir.path().join("doc.md")).unwrap();
    assert!(
        bidi(&doc).is_empty() && doc.contains("Fraud live v2"),
        "{doc}"
    );
    // The line-by-line interview shows none, takes none typed, and saves none.
    let run = kickoff_input(
        dir.path(),
        &["plain", "other.toml"],
        Some("\u{202E}typed\u{2066}\n.\n:q\n"),
    );
    let out = run.stdout + &run.stderr;
    assert!(bidi(&out).is_empty(), "{:?}\n{out}", bidi(&out));
    let saved = kickoff::Session::load(&dir.path().join("other.toml")).unwrap();
    let typed = saved.answers.values().find_map(|a| match a {
        Answer::Text(t) if t.contains("typed") => Some(t.clone()),
        Answer::List(items) => items.iter().find(|t| t.contains("typed")).cloned(),
        _ => None,
    });
    assert_eq!(typed.as_deref(), Some("typed"), "{out}");
    let session = kickoff::Session::from_str(BIDI, "p.toml".as_ref()).unwrap();
    let text = session.to_toml(None);
    assert!(bidi(&text).is_empty(), "{text}");
    assert!(
        text.contains("Hold orders for review by two analysts."),
        "{text}"
    );
}

#[test]
fn a_file_name_with_escapes_and_a_newline_is_shown_escaped_in_every_error() {
    let dir = tempfile::tempdir().unwrap();
    let name = "\u{1b}[31mred\nline.toml";
    // Not a session: every command that reads it says so, naming it.
    std::fs::write(dir.path().join(name), "questionnaire = [\n").unwrap();
    std::fs::create_dir(dir.path().join("plans")).unwrap();
    std::fs::write(
        dir.path().join("plans").join(name),
        "questionnaire_version = [\n",
    )
    .unwrap();
    let shown = "\\x1b[31mred\\nline.toml";
    for args in [
        &["check", name][..],
        &["check", name, "--format", "json"],
        &["check", "plans"],
        &["check", "plans", "--format", "github"],
        &["render", name],
        &["diff", name, name],
        &["plain", name],
        &["critique", name, "--dry-run"],
        &["respond", name, "no-baseline", "fixed"],
        &["init", name],
    ] {
        let run = kickoff(dir.path(), args);
        assert_ne!(run.code, Some(0), "{args:?}");
        let out = run.stdout + &run.stderr;
        assert!(!out.contains('\u{1b}'), "{args:?}: {out:?}");
        assert!(!out.contains("red\nline"), "{args:?}: {out:?}");
        assert!(out.contains(shown), "{args:?}: {out:?}");
    }
}
