//! Definitions that used to be accepted silently: an id that cannot serve as a name, inverted
//! ranges. Each is an input error naming the file, the line and the field.

use crate::common;

use std::path::Path;

use common::{Run, kickoff};

fn questionnaire(id: &str, question: &str) -> String {
    format!(
        "id = {id:?}\nversion = \"1\"\ntitle = \"T\"\n\n[[sections]]\nid = \"s\"\ntitle = \"S\"\n\n\
         [[sections.questions]]\nid = \"a\"\nkind = \"text\"\nprompt = \"A?\"\n{question}"
    )
}

fn validate(dir: &Path, text: &str) -> Run {
    std::fs::write(dir.join("q.toml"), text).unwrap();
    kickoff(dir, &["questionnaire", "validate", "q.toml"])
}

fn assert_input_error(run: &Run, needles: &[&str]) {
    assert_eq!(
        run.code,
        Some(2),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "no {needle:?} in:\n{}",
            run.stderr
        );
    }
}

#[test]
fn questionnaire_ids_that_are_not_simple_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for id in [
        "../evil",
        "a/b",
        "a\\b",
        "..",
        ".hidden",
        "two words",
        "x`y",
        "a..b",
    ] {
        let run = validate(dir.path(), &questionnaire(id, ""));
        assert_input_error(&run, &["q.toml:1", "questionnaire", "`id`"]);
    }
}

#[test]
fn simple_questionnaire_ids_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    for id in ["ml-experiment", "team_q.v2", "Q1"] {
        let run = validate(dir.path(), &questionnaire(id, ""));
        assert_eq!(run.code, Some(0), "{id}: {}", run.stderr);
    }
}

#[test]
fn a_questionnaire_spec_that_is_neither_a_file_nor_an_id_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::example("fraud-flawed.toml"),
        dir.path().join("s.toml"),
    )
    .unwrap();
    for spec in ["../elsewhere/q", "a/b", "x y", ".hidden"] {
        let run = kickoff(dir.path(), &["check", "s.toml", "-q", spec]);
        assert_input_error(
            &run,
            &[
                &format!("`{spec}`"),
                "no such file",
                "not a questionnaire id",
            ],
        );
    }
    // A simple name that is not built in keeps the usual message.
    let run = kickoff(dir.path(), &["check", "s.toml", "-q", "nosuch"]);
    assert_input_error(&run, &["no built-in questionnaire `nosuch`"]);
}

#[test]
fn min_items_above_max_items_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = questionnaire(
        "q",
        "\n[[sections.questions]]\nid = \"b\"\nkind = \"list\"\nprompt = \"B?\"\nmin_items = 5\nmax_items = 2\n",
    );
    let run = validate(dir.path(), &text);
    assert_input_error(
        &run,
        &[
            "q.toml:15",
            "question `b`",
            "`min_items` 5",
            "`max_items` 2",
        ],
    );
}

#[test]
fn number_bounds_must_be_finite_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let text = questionnaire(
        "q",
        "\n[[sections.questions]]\nid = \"b\"\nkind = \"number\"\nprompt = \"B?\"\nmin = nan\n\n\
         [[sections.questions]]\nid = \"c\"\nkind = \"number\"\nprompt = \"C?\"\nmin = 3\nmax = 1\n",
    );
    let run = validate(dir.path(), &text);
    assert_input_error(
        &run,
        &["question `b`", "`min`", "finite", "question `c`", "`min` 3"],
    );
}

#[test]
fn item_bounds_belong_to_list_questions() {
    let dir = tempfile::tempdir().unwrap();
    let run = validate(dir.path(), &questionnaire("q", "max_items = 3\n"));
    assert_input_error(&run, &["question `a`", "`max_items`", "text"]);
}

#[test]
fn a_rule_message_that_breaks_on_real_answers_fails_its_case() {
    // Rendered on no answers at load, `.get` on a map looks harmless; it fails only where an
    // answer reaches it, so the rule's firing case is where it must show.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("q.rules.toml"),
        "questionnaire = \"q\"\n\n[[rules]]\nid = \"r\"\nseverity = \"warning\"\n\
         questions = [\"a\"]\nwhen = \"answered(a)\"\n\
         message = \"{{ {'x': 'y'}.get(a) }} is wrong\"\n\n\
         [[rules.cases]]\nfires = true\nanswers = { a = \"x\" }\n",
    )
    .unwrap();
    let run = validate(dir.path(), &questionnaire("q", ""));
    assert_ne!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("rule `r` case 1: the message cannot be rendered"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("1 section, 1 question, 1 rule (1 case, 1 failed)"),
        "{}",
        run.stdout
    );
}
