//! Bad input on the real binary: each case must exit with code 2, say clearly what is wrong
//! (file and line:column, or the question id), never panic, and leave every file as it was.

use crate::common;
use kickoff::Load as _;
use kickoff::Save as _;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{Run, kickoff, root};
use kickoff::{Answer, Session};

/// Exit code 2, no panic, and a message containing every needle.
fn assert_input_error(run: &Run, needles: &[&str]) {
    assert_eq!(
        run.code,
        Some(2),
        "expected exit code 2\nstdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!run.stderr.contains("RUST_BACKTRACE"), "{}", run.stderr);
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            run.stderr
        );
    }
}

/// `FILE:LINE:COLUMN:` appears in the message, with the given line.
fn assert_line_column(stderr: &str, file: &str, line: usize) {
    let prefix = format!("{file}:{line}:");
    let found = stderr.match_indices(&prefix).any(|(at, _)| {
        let rest = &stderr[at + prefix.len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && rest[digits..].starts_with(':')
    });
    assert!(found, "no {prefix}COLUMN: in:\n{stderr}");
}

/// Every file under `dir` with its bytes, to show that nothing was written.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                stack.push(p.clone());
                out.insert(p, b"<dir>".to_vec());
            } else {
                let bytes = std::fs::read(&p).expect("readable");
                out.insert(p, bytes);
            }
        }
    }
    out
}

/// Runs the command and checks that no file in `dir` was created, changed or removed.
fn run_unchanged(dir: &Path, args: &[&str]) -> Run {
    let before = snapshot(dir);
    let run = kickoff(dir, args);
    assert_eq!(
        before,
        snapshot(dir),
        "files changed by {args:?}; stderr: {}",
        run.stderr
    );
    run
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("writable");
    p
}

fn mini_path() -> String {
    root()
        .join("tests/fixtures/mini.toml")
        .display()
        .to_string()
}

/// A session of the mini fixture with `answers` as the body of its `[answers]` table.
fn mini_session(answers: &str) -> String {
    let version = common::mini().questionnaire.version;
    format!(
        "questionnaire = \"mini\"\nquestionnaire_version = \"{version}\"\n\
         created = \"2025-01-01T00:00:00Z\"\nupdated = \"2025-01-01T00:00:00Z\"\n\n\
         [answers]\n{answers}"
    )
}

const GOOD_ANSWERS: &str = "name = \"Churn\"\ntask = \"classification\"\npositive_rate = 0.2\n";

/// Renders `session_text` with the mini questionnaire to an existing `doc.md`, expecting an
/// input error that leaves both files untouched.
fn render_fails(session_text: &str, needles: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.toml", session_text);
    write(dir.path(), "doc.md", "the old doc\n");
    let mini = mini_path();
    let run = run_unchanged(
        dir.path(),
        &["render", "s.toml", "-q", &mini, "-o", "doc.md"],
    );
    assert_input_error(&run, needles);
    run
}

// ---- questionnaires ----------------------------------------------------------------------

const QUESTIONNAIRE_HEAD: &str = r#"id = "t"
version = "1"
title = "T"

[[sections]]
id = "s"
title = "S"

[[sections.questions]]
id = "a"
kind = "choice"
prompt = "A?"
choices = [{ value = "x" }, { value = "y" }]
"#;

/// `kickoff questionnaire validate q.toml` on the head plus `tail`.
fn validate_fails(tail: &str, needles: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "q.toml", &format!("{QUESTIONNAIRE_HEAD}{tail}"));
    let run = run_unchanged(dir.path(), &["questionnaire", "validate", "q.toml"]);
    assert_input_error(&run, needles);
    run
}

#[test]
fn the_questionnaire_head_alone_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "q.toml", QUESTIONNAIRE_HEAD);
    let run = kickoff(dir.path(), &["questionnaire", "validate", "q.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn malformed_toml_in_a_questionnaire_shows_line_and_column() {
    let run = validate_fails("\n[[sections.questions]\nid = \"b\"\n", &["q.toml:"]);
    assert_line_column(&run.stderr, "q.toml", 15);
}

#[test]
fn malformed_toml_in_a_questionnaire_given_to_render() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "q.toml", "id = \"t\"\nversion = [\n");
    write(dir.path(), "s.toml", &mini_session(GOOD_ANSWERS));
    let run = run_unchanged(dir.path(), &["render", "s.toml", "-q", "q.toml"]);
    assert_input_error(&run, &["q.toml"]);
    assert_line_column(&run.stderr, "q.toml", 2);
}

#[test]
fn unknown_question_kind() {
    let run = validate_fails(
        "\n[[sections.questions]]\nid = \"b\"\nkind = \"essay\"\nprompt = \"B?\"\n",
        &["essay", "long_text"],
    );
    assert_line_column(&run.stderr, "q.toml", 17);
}

#[test]
fn duplicate_question_id() {
    validate_fails(
        "\n[[sections.questions]]\nid = \"a\"\nkind = \"text\"\nprompt = \"Again?\"\n",
        &["q.toml", "question `a`", "duplicate question id"],
    );
}

#[test]
fn unknown_key() {
    let run = validate_fails(
        "\n[[sections.questions]]\nid = \"b\"\nkind = \"text\"\nprompt = \"B?\"\ncolour = \"red\"\n",
        &["colour"],
    );
    assert_line_column(&run.stderr, "q.toml", 19);
}

#[test]
fn choice_question_without_choices() {
    validate_fails(
        "\n[[sections.questions]]\nid = \"b\"\nkind = \"multi_choice\"\nprompt = \"B?\"\n",
        &["q.toml", "question `b`", "choices"],
    );
}

#[test]
fn default_of_the_wrong_type() {
    validate_fails(
        "\n[[sections.questions]]\nid = \"b\"\nkind = \"number\"\nprompt = \"B?\"\ndefault = \"ten\"\n",
        &["q.toml", "question `b`", "default", "number"],
    );
}

#[test]
fn default_out_of_range_and_unknown_default_choice() {
    validate_fails(
        "\n[[sections.questions]]\nid = \"b\"\nkind = \"number\"\nprompt = \"B?\"\nmin = 0\nmax = 1\ndefault = 5\n\n\
         [[sections.questions]]\nid = \"c\"\nkind = \"choice\"\nprompt = \"C?\"\nchoices = [{ value = \"x\" }]\ndefault = \"z\"\n",
        &["question `b`", "out of range", "question `c`", "`z`"],
    );
}

#[test]
fn when_with_a_syntax_error() {
    let run = validate_fails(
        "\n[[sections.questions]]\nid = \"b\"\nkind = \"text\"\nprompt = \"B?\"\nwhen = \"a == \"\n",
        &[
            "q.toml",
            "question `b`",
            "`when` does not compile",
            "syntax error",
        ],
    );
    let line = run
        .stderr
        .split("q.toml:")
        .nth(1)
        .and_then(|r| r.split(':').next())
        .unwrap_or("");
    assert!(
        line.parse::<usize>().is_ok(),
        "the line of the question is named: {}",
        run.stderr
    );
}

#[test]
fn when_naming_an_unknown_question() {
    validate_fails(
        "\n[[sections.questions]]\nid = \"b\"\nkind = \"text\"\nprompt = \"B?\"\nwhen = \"zzz == 'x'\"\n",
        &["q.toml", "question `b`", "`zzz`", "not a question"],
    );
}

#[test]
fn when_naming_a_later_question() {
    validate_fails(
        "\n[[sections.questions]]\nid = \"b\"\nkind = \"text\"\nprompt = \"B?\"\nwhen = \"c == 'x'\"\n\n\
         [[sections.questions]]\nid = \"c\"\nkind = \"text\"\nprompt = \"C?\"\n",
        &["q.toml", "question `b`", "`c`", "not asked before"],
    );
}

#[test]
fn when_naming_the_question_itself() {
    validate_fails(
        "\n[[sections.questions]]\nid = \"b\"\nkind = \"text\"\nprompt = \"B?\"\nwhen = \"b == 'x'\"\n",
        &["question `b`", "`b`", "not asked before"],
    );
}

/// A deeply nested unary operator makes minijinja's parser recurse without its depth guard
/// (minijinja 3.1.0, `Parser::parse_unary_only` and the `not` chain): the process overflows its
/// stack and aborts instead of reporting the bad `when`.
#[test]
fn deeply_nested_when_is_an_error_not_a_crash() {
    let deep = "not ".repeat(5000);
    let run = validate_fails(
        &format!(
            "\n[[sections.questions]]\nid = \"b\"\nkind = \"text\"\nprompt = \"B?\"\nwhen = \"{deep}a\"\n"
        ),
        &["question `b`"],
    );
    assert!(!run.stderr.contains("overflow"), "{}", run.stderr);
}

#[test]
fn every_problem_is_reported_at_once() {
    let run = validate_fails(
        "\n[[sections.questions]]\nid = \"b\"\nkind = \"choice\"\nprompt = \"B?\"\n\n\
         [[sections.questions]]\nid = \"c\"\nkind = \"text\"\nprompt = \"C?\"\nwhen = \"nope\"\n",
        &["question `b`", "question `c`"],
    );
    assert!(run.stderr.lines().count() >= 2, "{}", run.stderr);
}

#[test]
fn empty_questionnaire_file() {
    for text in ["", "  \n\n\t\n"] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "q.toml", text);
        let run = run_unchanged(dir.path(), &["questionnaire", "validate", "q.toml"]);
        assert_input_error(&run, &["q.toml", "empty"]);
    }
}

#[test]
fn missing_questionnaire_file() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_unchanged(dir.path(), &["questionnaire", "validate", "nope.toml"]);
    assert_input_error(&run, &["nope.toml", "cannot read"]);
    let run = run_unchanged(dir.path(), &["questionnaire", "show", "nope.toml"]);
    assert_input_error(&run, &["nope.toml", "cannot read"]);
}

#[test]
fn malformed_rule_pack_beside_a_questionnaire_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "q.toml", QUESTIONNAIRE_HEAD);
    write(
        dir.path(),
        "q.rules.toml",
        "questionnaire = \"t\"\n[[rules]\n",
    );
    let run = run_unchanged(dir.path(), &["questionnaire", "validate", "q.toml"]);
    assert_input_error(&run, &["q.rules.toml"]);
    assert_line_column(&run.stderr, "q.rules.toml", 2);
}

// ---- sessions ----------------------------------------------------------------------------

#[test]
fn the_good_mini_session_renders() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.toml", &mini_session(GOOD_ANSWERS));
    let mini = mini_path();
    let run = kickoff(
        dir.path(),
        &["render", "s.toml", "-q", &mini, "-o", "doc.md"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(common::read(&dir.path().join("doc.md")).contains("Churn"));
}

#[test]
fn malformed_toml_in_a_session_shows_line_and_column() {
    let run = render_fails(
        &mini_session("name = \"Churn\ntask = \"classification\"\n"),
        &["s.toml"],
    );
    assert_line_column(&run.stderr, "s.toml", 7);
}

/// A key path too deep to read (dotted, or a table header) is named at its line, not at 1:1.
#[test]
fn a_key_path_too_deep_to_read_shows_its_line() {
    let parts = vec!["a"; 300].join(".");
    for deep in [format!("{parts} = 1\n"), format!("[{parts}]\nb = 1\n")] {
        let run = render_fails(&mini_session(&format!("{GOOD_ANSWERS}{deep}")), &["s.toml"]);
        assert_line_column(&run.stderr, "s.toml", 10);
    }
}

#[test]
fn session_field_of_the_wrong_type_shows_line_and_column() {
    let text = mini_session(GOOD_ANSWERS)
        .replace("created = \"2025-01-01T00:00:00Z\"", "created = [1, 2]");
    // toml names the type, not the key; the position points at it.
    let run = render_fails(&text, &["s.toml", "expected a string"]);
    assert_line_column(&run.stderr, "s.toml", 3);
}

/// The answer's line comes first (line 9: the third answer under `[answers]` on line 6).
#[test]
fn number_answer_given_as_text() {
    render_fails(
        &mini_session("name = \"Churn\"\ntask = \"classification\"\npositive_rate = \"lots\"\n"),
        &[
            "s.toml",
            "line 9: answer `positive_rate`",
            "expected a number",
            "--lenient",
        ],
    );
}

#[test]
fn out_of_range_number() {
    render_fails(
        &mini_session("name = \"Churn\"\ntask = \"classification\"\npositive_rate = 3\n"),
        &["s.toml", "line 9: answer `positive_rate`", "out of range"],
    );
}

#[test]
fn unknown_choice_value() {
    render_fails(
        &mini_session("name = \"Churn\"\ntask = \"telepathy\"\n"),
        &["s.toml", "answer `task`", "`telepathy`", "classification"],
    );
}

#[test]
fn unknown_multi_choice_value_and_too_many_items() {
    render_fails(
        &mini_session(
            "name = \"Churn\"\nmetrics = [\"accuracy\", \"vibes\"]\ntags = [\"a\", \"b\", \"c\", \"d\"]\n",
        ),
        &["answer `metrics`", "`vibes`", "answer `tags`", "at most 3"],
    );
}

#[test]
fn other_questionnaire_version_is_read_with_a_note() {
    let text = mini_session(GOOD_ANSWERS).replace(
        &format!(
            "questionnaire_version = \"{}\"",
            common::mini().questionnaire.version
        ),
        "questionnaire_version = \"0-old\"",
    );
    // Its answers all fit this version: it renders, and says which version it was written for.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.toml", &text);
    let mini = mini_path();
    let run = kickoff(
        dir.path(),
        &["render", "s.toml", "-q", &mini, "-o", "doc.md"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("written for version 0-old"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.toml")).unwrap(),
        text
    );
    // With an answer that no longer fits, the note comes with the refusal.
    let bad = text.replace(
        GOOD_ANSWERS,
        &format!("{GOOD_ANSWERS}favourite_colour = \"teal\"\n"),
    );
    render_fails(&bad, &["s.toml", "favourite_colour", "version 0-old"]);
}

#[test]
fn unknown_question_id_is_reported_and_lenient_render_goes_on() {
    let text = mini_session(&format!("{GOOD_ANSWERS}favourite_colour = \"teal\"\n"));
    render_fails(
        &text,
        &["s.toml", "answer `favourite_colour`", "no such question"],
    );

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.toml", &text);
    let mini = mini_path();
    let run = kickoff(
        dir.path(),
        &["render", "s.toml", "-q", &mini, "-o", "doc.md", "--lenient"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("favourite_colour"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"));
    assert!(common::read(&dir.path().join("doc.md")).contains("Churn"));
    assert_eq!(
        common::read(&dir.path().join("s.toml")),
        text,
        "render never writes the session"
    );
}

#[test]
fn unknown_answers_and_keys_survive_a_load_and_save() {
    let dir = tempfile::tempdir().unwrap();
    let text = mini_session(&format!(
        "{GOOD_ANSWERS}favourite_colour = \"teal\"\nodd_shape = {{ k = 1, list = [1, 2] }}\n"
    ))
    .replace(
        "created =",
        "future_key = \"from a newer kickoff\"\ncreated =",
    );
    let src = write(dir.path(), "s.toml", &text);
    let mut session = Session::load(&src).expect("loads");
    let q = common::mini().questionnaire;
    let problems = session.problems(&q);
    assert!(
        problems
            .iter()
            .any(|p| p.subject == "answer `favourite_colour`"),
        "{problems:?}"
    );

    let dst = dir.path().join("saved.toml");
    session.save(&dst, Some(&q)).expect("saves");
    let saved = Session::load(&dst).expect("the saved file loads");
    assert_eq!(
        saved.answers.get("favourite_colour"),
        Some(&Answer::Text("teal".into()))
    );
    assert_eq!(
        saved.answers.get("odd_shape"),
        session.answers.get("odd_shape")
    );
    assert!(matches!(
        saved.answers.get("odd_shape"),
        Some(Answer::Other(_))
    ));
    assert_eq!(
        saved.extra.get("future_key").and_then(|v| v.as_str()),
        Some("from a newer kickoff")
    );
    assert_eq!(saved.answers, session.answers);
    assert_eq!(common::read(&src), text, "the source is untouched");
}

/// The interview opens what `check` refuses, so the answers can be fixed there: it names each
/// answer that does not fit with its line, and keeps it, and an unknown key, as written.
#[test]
fn the_plain_interview_names_answers_that_do_not_fit_by_line_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let text = mini_session(&format!("{GOOD_ANSWERS}favourite_colour = \"teal\"\n"))
        .replace("positive_rate = 0.2", "positive_rate = \"lots\"")
        .replace("created =", "future_key = 1\ncreated =");
    write(dir.path(), "s.toml", &text);
    let line_of = |needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    let mini = mini_path();
    let run = common::kickoff_input(dir.path(), &["plain", "s.toml", "-q", &mini], Some(":q\n"));
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    for (key, what) in [
        ("positive_rate", "answer `positive_rate`: expected a number"),
        (
            "favourite_colour",
            "answer `favourite_colour`: no such question",
        ),
    ] {
        let note = format!("Note: line {}: {what}", line_of(key));
        assert!(
            run.stdout.contains(&note),
            "no {note:?} in:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout.contains(&format!(
            "Note: line {}: key `future_key`: unknown",
            line_of("future_key")
        )),
        "{}",
        run.stdout
    );
    let saved = common::read(&dir.path().join("s.toml"));
    for kept in [
        "favourite_colour = \"teal\"",
        "positive_rate = \"lots\"",
        "future_key = 1",
    ] {
        assert!(saved.contains(kept), "{kept:?} lost:\n{saved}");
    }
}

#[test]
fn session_for_a_questionnaire_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        mini_session(GOOD_ANSWERS).replace("questionnaire = \"mini\"", "questionnaire = \"nope\"");
    write(dir.path(), "s.toml", &text);
    write(dir.path(), "doc.md", "old\n");
    let run = run_unchanged(dir.path(), &["render", "s.toml", "-o", "doc.md"]);
    assert_input_error(&run, &["s.toml", "`nope`", "-q"]);
    let run = run_unchanged(dir.path(), &["check", "s.toml"]);
    assert_input_error(&run, &["s.toml", "`nope`"]);
}

#[test]
fn questionnaire_option_naming_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.toml", &mini_session(GOOD_ANSWERS));
    let run = run_unchanged(dir.path(), &["render", "s.toml", "-q", "no-such-builtin"]);
    assert_input_error(&run, &["no-such-builtin", "questionnaire list"]);
    let run = run_unchanged(dir.path(), &["render", "s.toml", "-q", "missing.toml"]);
    assert_input_error(
        &run,
        &["missing.toml", "no such questionnaire file", "--quick"],
    );
}

#[test]
fn session_naming_a_missing_questionnaire_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = mini_session(GOOD_ANSWERS).replace(
        "created =",
        "questionnaire_path = \"gone/mini.toml\"\ncreated =",
    );
    write(dir.path(), "s.toml", &text);
    let run = run_unchanged(dir.path(), &["render", "s.toml"]);
    assert_input_error(&run, &["mini.toml", "cannot read"]);
}

/// A plan in a repository may name a questionnaire of that repository only: a hostile change
/// would otherwise make `check` in CI read a file of the machine and print what of it does not
/// parse as a questionnaire.
#[test]
fn a_questionnaire_path_outside_the_repository_is_refused_and_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("plans")).unwrap();
    std::fs::create_dir_all(repo.join("questionnaires")).unwrap();
    std::fs::copy(mini_path(), repo.join("questionnaires/mini.toml")).unwrap();
    // A secret beside the repository, shaped to be quoted by a parse error.
    write(
        dir.path(),
        "secret.toml",
        "id = \"s3cr3t-t0ken\"\nversion = 7\n",
    );
    std::os::unix::fs::symlink(dir.path().join("secret.toml"), repo.join("link.toml")).unwrap();
    let session = |rel: &str| {
        mini_session(GOOD_ANSWERS).replace(
            "created =",
            &format!("questionnaire_path = \"{rel}\"\ncreated ="),
        )
    };
    for (rel, says) in [
        ("../../secret.toml", "points outside the repository"),
        ("../link.toml", "points outside the repository"),
        ("/etc/passwd", "does not name a .toml file"),
        ("../.git/config", "does not name a .toml file"),
    ] {
        write(&repo.join("plans"), "s.toml", &session(rel));
        for cmd in ["check", "render"] {
            let run = run_unchanged(&repo, &[cmd, "plans/s.toml"]);
            assert_input_error(&run, &["plans/s.toml", "questionnaire_path", says, "-q"]);
            assert!(
                !run.stderr.contains("s3cr3t") && !run.stderr.contains("root:"),
                "{}",
                run.stderr
            );
        }
        let run = kickoff(&repo, &["check", "plans"]);
        assert_eq!(run.code, Some(2), "{}", run.stderr);
        assert!(
            run.stderr.contains(says) && !run.stderr.contains("s3cr3t"),
            "{}",
            run.stderr
        );
    }
    // One of the repository's own, in another directory, is read.
    write(
        &repo.join("plans"),
        "s.toml",
        &session("../questionnaires/mini.toml"),
    );
    let run = kickoff(&repo, &["check", "plans/s.toml", "--allow-open"]);
    assert_ne!(run.code, Some(2), "{}", run.stderr);
    // Named with -q, by the user, any file is read.
    write(&repo.join("plans"), "s.toml", &session("../../secret.toml"));
    let q = repo.join("questionnaires/mini.toml");
    let run = kickoff(
        &repo,
        &[
            "check",
            "plans/s.toml",
            "--allow-open",
            "-q",
            q.to_str().unwrap(),
        ],
    );
    assert_ne!(run.code, Some(2), "{}", run.stderr);
}

#[test]
fn missing_session_file() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["render", "check"] {
        let run = run_unchanged(dir.path(), &[cmd, "nope.toml"]);
        assert_input_error(&run, &["nope.toml", "cannot read"]);
    }
}

#[test]
fn empty_session_file() {
    for text in ["", "\n   \n"] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "s.toml", text);
        for cmd in ["render", "check"] {
            let run = run_unchanged(dir.path(), &[cmd, "s.toml"]);
            assert_input_error(&run, &["s.toml", "empty"]);
        }
    }
}

// ---- output paths ------------------------------------------------------------------------

/// Renders a good session to `out`; expects an input error naming `out` and no file changed.
fn render_to_fails(out: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.toml", &mini_session(GOOD_ANSWERS));
    write(dir.path(), "file.txt", "a regular file\n");
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let mini = mini_path();
    let run = run_unchanged(dir.path(), &["render", "s.toml", "-q", &mini, "-o", out]);
    let mut all = vec![out];
    all.extend_from_slice(needles);
    assert_input_error(&run, &all);
}

#[test]
fn output_in_a_missing_directory() {
    render_to_fails("no/such/dir/doc.md", &["does not exist"]);
}

#[test]
fn output_under_a_regular_file() {
    render_to_fails("file.txt/doc.md", &["file.txt", "not a directory"]);
}

#[test]
fn output_under_a_proc_file() {
    render_to_fails("/proc/version/doc.md", &["not a directory"]);
}

#[test]
fn output_in_a_read_only_file_system() {
    // Root ignores permission bits, but not a read-only or virtual file system.
    for dir in ["/sys", "/proc"] {
        if Path::new(dir).is_dir() {
            render_to_fails(&format!("{dir}/kickoff-doc.md"), &["cannot write"]);
        }
    }
}

#[test]
fn output_is_a_directory() {
    render_to_fails("sub", &["cannot write"]);
}

#[test]
fn output_is_the_session_file_itself() {
    render_to_fails("s.toml", &["session file"]);
}

// ---- the interview without a terminal ----------------------------------------------------

#[test]
fn interview_without_a_terminal_explains_and_creates_nothing() {
    for args in [
        &[][..],
        &["new"],
        &["new", "x.toml"],
        &["resume", "kickoff.toml"],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let run = run_unchanged(dir.path(), args);
        assert_input_error(&run, &["kickoff render", "kickoff check"]);
        assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert!(!dir.path().join("kickoff.toml").exists());
    }
}

#[test]
fn a_session_time_that_is_not_a_time_names_the_field_and_line() {
    let text = mini_session(GOOD_ANSWERS).replace(
        "created = \"2025-01-01T00:00:00Z\"",
        "created = \"yesterday\"",
    );
    let run = render_fails(
        &text,
        &["s.toml:3", "`created`", "`yesterday` is not a time"],
    );
    assert!(!run.stderr.contains("updated"), "{}", run.stderr);
}

#[test]
fn a_hand_written_session_without_times_is_told_which_to_write() {
    let text = mini_session(GOOD_ANSWERS)
        .replace("created = \"2025-01-01T00:00:00Z\"\n", "")
        .replace("updated = \"2025-01-01T00:00:00Z\"\n", "");
    assert!(!text.contains("created"), "{text}");
    let run = render_fails(
        &text,
        &[
            "`created`: is missing",
            "`updated`: is missing",
            "2026-11-20T09:00:00Z",
        ],
    );
    assert!(!run.stderr.contains("missing field"), "{}", run.stderr);
}

#[test]
fn a_rule_id_that_is_not_a_simple_name_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "q.toml", QUESTIONNAIRE_HEAD);
    write(
        dir.path(),
        "q.rules.toml",
        "questionnaire = \"t\"\n\n[[rules]]\nid = \"[x](http://evil)\"\nseverity = \"info\"\nquestions = [\"a\"]\nwhen = \"true\"\nmessage = \"m\"\n",
    );
    let run = run_unchanged(dir.path(), &["questionnaire", "validate", "q.toml"]);
    assert_input_error(&run, &["q.rules.toml:4", "not a usable rule id"]);
}

#[test]
fn a_reader_that_stops_early_is_not_a_crash() {
    // `kickoff check --format json | head -c 100`: the pipe closes before the report is out.
    // The command ends with its own exit code (1: the flawed example fails), not a panic.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kickoff"))
        .args(["check", "--format", "json", "--allow-open"])
        .arg(common::example("fraud-flawed.toml"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A file with thousands of answers that fit no question (generated, or written to flood a CI
/// log): each listed one points at its own line, and the list stops at fifty with a count.
#[test]
fn thousands_of_unknown_answers_are_listed_fifty_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let unknown: String = (0..3000).map(|n| format!("k{n} = \"v\"\n")).collect();
    write(
        dir.path(),
        "s.toml",
        &mini_session(&(unknown + GOOD_ANSWERS)),
    );
    let run = run_unchanged(dir.path(), &["check", "s.toml", "-q", &mini_path()]);
    // The `[answers]` table is on line 6: `k0` on line 7, `k49` on line 56.
    assert_input_error(
        &run,
        &[
            "line 7: answer `k0`: no such question",
            "line 56: answer `k49`: no such question",
            "  ... and 2950 more\n",
        ],
    );
    assert!(!run.stderr.contains("`k50`"), "{}", run.stderr);
    assert!(run.stderr.lines().count() < 60, "{}", run.stderr);
}

/// Output that cannot be written (a full disk) is an error, exit code 2, not a silent pass.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_standard_output_is_an_error() {
    use std::os::unix::fs::FileTypeExt;
    let full = Path::new("/dev/full");
    let kind = std::fs::metadata(full)
        .expect("/dev/full exists on Linux")
        .file_type();
    assert!(kind.is_char_device(), "/dev/full is not the device");
    let example = root().join("examples/churn-done-well.toml");
    for (args, needle) in [
        (
            vec!["render"],
            "standard output: cannot write the doc: No space left",
        ),
        (
            vec!["check"],
            "cannot write to standard output: No space left",
        ),
        (
            vec!["check", "--format", "sarif"],
            "cannot write to standard output",
        ),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kickoff"))
            .args(&args)
            .arg(&example)
            .stdout(std::fs::OpenOptions::new().write(true).open(full).unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert_eq!(
            stderr.matches("cannot write").count(),
            1,
            "{args:?}: {stderr}"
        );
    }
}

/// A session saved by a newer questionnaire version is refused, by `check` and by the
/// interview, and the file is left as it was (it used to be rewritten as the older version).
#[test]
fn a_session_of_a_newer_questionnaire_version_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::root().join("examples/churn-done-well.toml"))
        .unwrap()
        .replace(
            "questionnaire_version = \"5\"",
            "questionnaire_version = \"99\"",
        );
    assert!(text.contains("questionnaire_version = \"99\""));
    let path = dir.path().join("s.toml");
    std::fs::write(&path, &text).unwrap();
    let run = common::kickoff(dir.path(), &["check", "s.toml"]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stderr.contains("newer than the version 5 loaded"),
        "{}",
        run.stderr
    );
    let run = common::kickoff_input(dir.path(), &["plain", "s.toml"], Some("\n"));
    assert_ne!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.stderr.contains("newer than the version 5 loaded"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}
