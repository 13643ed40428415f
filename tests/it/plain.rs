//! The plain, line-by-line interview: the real binary with piped standard input.

use crate::common;
use crate::records_v1 as v1;
use kickoff::Load as _;

use common::*;
use kickoff::Answer;
use kickoff::plain::{Reply, parse_reply};
use v1::V1_SESSION;

fn run(dir: &std::path::Path, args: &[&str], input: &str) -> (Option<i32>, String) {
    let r = kickoff_input(dir, args, Some(input));
    (r.code, r.stdout + &r.stderr)
}

#[test]
fn replies_parse_by_kind() {
    let b = mini();
    let q = |id: &str| b.questionnaire.get(id).unwrap().clone();
    assert_eq!(
        parse_reply(&q("task"), "2"),
        Ok(Reply::Answer(Answer::Text("regression".into())))
    );
    assert_eq!(
        parse_reply(&q("task"), "Classification"),
        Ok(Reply::Answer(Answer::Text("classification".into())))
    );
    assert!(
        parse_reply(&q("task"), "9")
            .unwrap_err()
            .to_string()
            .contains("1 to 2")
    );
    assert_eq!(
        parse_reply(&q("metrics"), "1, pr_auc"),
        Ok(Reply::Answer(Answer::List(vec![
            "accuracy".into(),
            "pr_auc".into()
        ])))
    );
    assert_eq!(
        parse_reply(&q("positive_rate"), " 0.05 "),
        Ok(Reply::Answer(Answer::Number(0.05)))
    );
    assert!(
        parse_reply(&q("positive_rate"), "five")
            .unwrap_err()
            .to_string()
            .contains("“five” is not a number")
    );
    assert_eq!(
        parse_reply(&q("positive_rate"), "14%"),
        Ok(Reply::Answer(Answer::Number(0.14)))
    );
    assert_eq!(
        parse_reply(&q("ab_test"), "Yes"),
        Ok(Reply::Answer(Answer::Bool(true)))
    );
    assert_eq!(parse_reply(&q("name"), ""), Ok(Reply::Keep));
    assert_eq!(parse_reply(&q("name"), "-"), Ok(Reply::Clear));
    assert_eq!(parse_reply(&q("name"), "<"), Ok(Reply::Back));
    assert_eq!(parse_reply(&q("name"), ":q"), Ok(Reply::Quit));
    assert_eq!(
        parse_reply(&q("name"), "q"),
        Ok(Reply::Answer(Answer::Text("q".into()))),
        "q is a fine project name"
    );
}

#[test]
fn a_whole_interview_on_piped_input() {
    let dir = tempfile::tempdir().unwrap();
    let mini = root().join("tests/fixtures/mini.toml");
    let input = [
        "Plain churn",  // name
        "1",            // task: classification, so the positive rate is asked
        "lots",         // not a number: asked again
        "5",            // out of range: asked again
        "2%",           // positive rate: 0.02
        "first line\\", // notes (long text): a \ at the end goes on to a new line...
        "second\x1b",   // ...and so does Alt+Enter (an escape before the newline)...
        "third line",   // ...and Enter ends it
        "<",            // back to the notes...
        "",             // ...kept as they are
        "a",            // tags (list)
        "b",
        ".",
        "y", // A/B test
        "1", // metrics: accuracy, which the mini rule pack flags
        ":q",
    ]
    .join("\n");
    let (code, out) = run(
        dir.path(),
        &["plain", "-q", mini.to_str().unwrap(), "s.toml"],
        &input,
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("“lots” is not a number"), "{out}");
    assert!(out.contains("5 is out of range"), "{out}");
    assert!(out.contains("14% reads as 0.14"), "the notations:\n{out}");
    assert!(out.contains("(read as 0.02)"), "{out}");
    assert!(
        out.contains("reviewer, blocker: [accuracy-on-imbalance]"),
        "findings as you go:\n{out}"
    );
    let s = kickoff::Session::load(&dir.path().join("s.toml")).unwrap();
    assert_eq!(s.answers["positive_rate"], Answer::Number(0.02));
    assert_eq!(
        s.answers["notes"],
        Answer::Text("first line\nsecond\nthird line".into())
    );
    assert_eq!(
        s.answers["tags"],
        Answer::List(vec!["a".into(), "b".into()])
    );
    assert_eq!(s.answers["ab_test"], Answer::Bool(true));
    assert_eq!(s.answers["metrics"], Answer::List(vec!["accuracy".into()]));
    assert!(
        !s.answers.contains_key("owner"),
        "quit before the last question"
    );

    // Resumed, it starts at the question after the last one answered.
    let (code, out) = run(dir.path(), &["plain", "s.toml"], "");
    assert_eq!(code, Some(0));
    assert!(
        out.contains("Who owns the model?") && !out.contains("Metrics?"),
        "{out}"
    );
}

#[test]
fn a_lone_dot_first_ends_a_list_with_nothing_typed() {
    // Read as the list's end, as the prompt says, not as an item ".": the answer there is
    // stays, and an unanswered list stays unanswered.
    let dir = tempfile::tempdir().unwrap();
    let mini = root().join("tests/fixtures/mini.toml");
    let fresh = ["Plain churn", "1", "2%", "", ".", "y", ":q"].join("\n");
    let args = ["plain", "-q", mini.to_str().unwrap(), "s.toml"];
    let (code, out) = run(dir.path(), &args, &fresh);
    assert_eq!(code, Some(0), "{out}");
    let s = kickoff::Session::load(&dir.path().join("s.toml")).unwrap();
    assert!(
        !s.answers.contains_key("tags"),
        "{:?}",
        s.answers.get("tags")
    );
    assert_eq!(s.answers["ab_test"], Answer::Bool(true), "went on past it");

    // Typed, then back to it: a lone dot keeps the items.
    let typed = [
        "Plain churn",
        "1",
        "2%",
        "",
        "a",
        "b",
        ".",
        "<",
        ".",
        "y",
        ":q",
    ]
    .join("\n");
    let args = ["plain", "-q", mini.to_str().unwrap(), "t.toml"];
    let (code, out) = run(dir.path(), &args, &typed);
    assert_eq!(code, Some(0), "{out}");
    let s = kickoff::Session::load(&dir.path().join("t.toml")).unwrap();
    assert_eq!(
        s.answers.get("tags"),
        Some(&Answer::List(vec!["a".into(), "b".into()])),
        "{out}"
    );
    assert_eq!(s.answers["ab_test"], Answer::Bool(true));
}

#[test]
fn a_table_is_asked_row_by_row_and_a_bad_cell_again() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = root().join("tests/fixtures/records.toml");
    let input = [
        "P",        // name
        "logistic", // row 1, name
        "high",     // score: not a number, asked again
        "0.41",     // score
        "maybe",    // same split: asked again
        "y",        // same split
        "2",        // role: the second choice
        "rules",    // row 2, name
        "",         // score left empty
        "n",        // same split: no, so the next question is asked
        "",         // role left empty
        "",         // row 3: an empty first cell ends the table
        "another split, sadly",
        ":q",
    ]
    .join("\n");
    let (code, out) = run(
        dir.path(),
        &["plain", "-q", fixture.to_str().unwrap(), "s.toml"],
        &input,
    );
    assert_eq!(code, Some(0), "{out}");
    for expected in [
        "(a table: each row's cells are asked in turn (Name, Score, Same split?, Role); an empty first cell ends it)",
        "row 1, Score (a number): ",
        "✗ row 1, Score: “high” is not a number",
        "✗ row 1, Same split?: answer y or n",
        "row 1, Role (1 Simple baseline, 2 Today's system): ",
        "row 3, Name: ",
        "Why were some baselines scored on another split?",
    ] {
        assert!(out.contains(expected), "missing {expected:?}:\n{out}");
    }
    let s = kickoff::Session::load(&dir.path().join("s.toml")).unwrap();
    let b = kickoff::Bundle::load(&fixture).unwrap();
    let q = b.questionnaire.get("baselines").unwrap();
    assert_eq!(
        q.answer_items(&s.answers["baselines"]),
        [
            "Name: logistic, Score: 0.41, Same split?: yes, Role: Today's system",
            "Name: rules, Same split?: no"
        ]
    );
    assert_eq!(
        s.answers["why_not_same"],
        Answer::Text("another split, sadly".into())
    );

    // Input that ends mid-row keeps what was typed.
    let args = ["plain", "-q", fixture.to_str().unwrap(), "s2.toml"];
    let (_, out) = run(dir.path(), &args, "P\nxgboost\n0.5\n");
    assert!(out.contains("row 1, Same split? (y/n): "), "{out}");
    let s = kickoff::Session::load(&dir.path().join("s2.toml")).unwrap();
    assert_eq!(
        q.answer_items(&s.answers["baselines"]),
        ["Name: xgboost, Score: 0.5"]
    );
}

#[test]
fn a_version_1_session_is_converted_said_once_and_saved_as_rows() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.toml");
    std::fs::write(&file, V1_SESSION).unwrap();
    let (_, out) = run(dir.path(), &["plain", "old.toml"], ":q\n");
    assert!(
        out.contains("Note: answer `slices`: converted 2 items to rows"),
        "{out}"
    );
    let saved = read(&file);
    assert!(
        saved.contains(
            "slices = [\n  { slice = \"new customers\" },\n  { slice = \"country\" },\n]"
        ),
        "{saved}"
    );
    assert!(saved.contains("milestones = 3"), "kept as is:\n{saved}");
    assert!(
        saved.contains("questionnaire_version = \"5\""),
        "saved as the version it was read as:\n{saved}"
    );
    let (_, again) = run(dir.path(), &["plain", "old.toml"], ":q\n");
    assert!(!again.contains("converted"), "said once:\n{again}");
    // What is kept as is is named, with its line, each time the file is opened.
    let line = saved
        .lines()
        .position(|l| l.starts_with("milestones"))
        .unwrap()
        + 1;
    let kept = format!("Note: line {line}: answer `milestones`: expected a table of rows");
    assert!(again.contains(&kept), "{again}");
}

#[test]
fn an_exclusive_choice_goes_alone_in_a_reply() {
    let b = builtin();
    let q = b.questionnaire.get("baselines").unwrap();
    let err = match parse_reply(q, "1, 2") {
        Err(e) => e,
        Ok(_) => panic!("`None yet` with a baseline is refused"),
    };
    assert!(
        err.to_string().contains("`None yet` goes on its own"),
        "{err}"
    );
    assert!(matches!(
        parse_reply(q, "1"),
        Ok(Reply::Answer(Answer::List(v))) if v == ["none"]
    ));
    assert!(matches!(
        parse_reply(q, "2, 5"),
        Ok(Reply::Answer(Answer::List(v))) if v == ["constant", "linear_or_logistic"]
    ));
}

/// The reviewed churn session, resumed at its last question.
fn reviewed_at_the_end(dir: &std::path::Path) {
    let session = common::reviewed_session();
    let bundle = common::builtin();
    let review = bundle.review(&session.answers);
    let q = &bundle.questionnaire;
    let last = (0..q.len()).rev().find(|&i| review.visible[i]).unwrap();
    // As an older version kept it: in the file.
    let text = session.to_toml(None).replacen(
        "updated = ",
        &format!("cursor = \"{}\"\nupdated = ", q.question(last).id),
        1,
    );
    std::fs::write(dir.join("s.toml"), text).unwrap();
}

#[test]
fn the_reviewers_open_questions_are_asked_after_the_questionnaire() {
    let dir = tempfile::tempdir().unwrap();
    reviewed_at_the_end(dir.path());
    // Enter keeps the last answer; then the one open follow-up, over two lines.
    let (code, out) = run(
        dir.path(),
        &["plain", "s.toml"],
        "\nThe growth lead\\\n(Maya).\n",
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("The LLM reviewer asked 1 question back"),
        "{out}"
    );
    assert!(out.contains("about the whole design\nWho decides whether the model launches?"));
    // The answered one is not asked again.
    assert!(
        !out.contains("How was the 6.1% churn rate measured?"),
        "{out}"
    );
    let saved = kickoff::Session::load(&dir.path().join("s.toml")).unwrap();
    let answers = kickoff::reviewer::followup_answers(&saved);
    assert_eq!(
        answers["Who decides whether the model launches?"],
        "The growth lead\n(Maya)."
    );
    assert_eq!(answers.len(), 2);
    // Nothing left open: not asked again; an empty line would have skipped it.
    let (_, out) = run(dir.path(), &["plain", "s.toml"], "\n");
    assert!(!out.contains("The LLM reviewer asked"), "{out}");
}

#[test]
fn an_empty_line_skips_a_reviewers_question() {
    let dir = tempfile::tempdir().unwrap();
    reviewed_at_the_end(dir.path());
    let (code, out) = run(dir.path(), &["plain", "s.toml"], "\n\n");
    assert_eq!(code, Some(0), "{out}");
    let saved = kickoff::Session::load(&dir.path().join("s.toml")).unwrap();
    assert_eq!(kickoff::reviewer::followup_answers(&saved).len(), 1);
}

/// ^D at a question ends the prompt's line: "Saved…" starts a line of its own.
#[test]
fn end_of_input_ends_the_prompts_line_before_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mini = root().join("tests/fixtures/mini.toml");
    let (code, out) = run(
        dir.path(),
        &["plain", "-q", mini.to_str().unwrap(), "s.toml"],
        "Churn\n",
    );
    assert_eq!(code, Some(0), "{out}");
    let saved = out
        .lines()
        .find(|l| l.contains("Saved"))
        .unwrap_or_default();
    assert!(saved.starts_with("Saved"), "{out}");
}
