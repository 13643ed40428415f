//! The records question kind: its definition, its answers in the session file, their checks,
//! conditions over them, the doc's rows, merges, and sessions of the questionnaire's
//! version 1 whose lists and texts are now rows.

use crate::common;
use crate::records_v1 as v1;
use kickoff::Load as _;

use std::path::Path;

use common::*;
use kickoff::{Answer, Bundle, Cell, Row, Session, check_answer};
use v1::V1_SESSION;

fn fixture() -> Bundle {
    Bundle::load(&root().join("tests/fixtures/records.toml")).expect("the records fixture loads")
}

fn row(cells: &[(&str, Cell)]) -> Row {
    Row(cells
        .iter()
        .map(|(k, c)| (k.to_string(), c.clone()))
        .collect())
}

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn two_rows() -> Answer {
    Answer::Records(vec![
        row(&[
            ("name", text("logistic")),
            ("score", Cell::Number(0.41)),
            ("same_split", Cell::Bool(true)),
            ("role", text("simple")),
        ]),
        row(&[
            ("name", text("rules, \"v3\"")),
            ("score", Cell::Number(0.3)),
            ("same_split", Cell::Bool(false)),
        ]),
    ])
}

#[test]
fn bad_column_definitions_are_all_reported_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.toml");
    std::fs::write(
        &path,
        r#"id = "q"
version = "1"
title = "Q"

[[sections]]
id = "s"
title = "S"

[[sections.questions]]
id = "empty"
kind = "records"
prompt = "No columns?"

[[sections.questions]]
id = "bad"
kind = "records"
prompt = "Bad columns?"
columns = [
  { id = "name" },
  { id = "name", kind = "number", min = 2, max = 1 },
  { id = "Role", kind = "choice" },
  { id = "note", unit = "days", choices = [{ value = "a" }] },
]

[[sections.questions]]
id = "text"
kind = "text"
prompt = "A text with columns?"
columns = [{ id = "x" }]
"#,
    )
    .unwrap();
    let err = Bundle::load(&path).err().expect("refused").to_string();
    for expected in [
        "q.toml:10: question `empty`: a records question needs `columns`",
        "q.toml:20: question `bad`: column `name`: duplicate column id",
        "q.toml:20: question `bad`: column `name`: `min` 2 is greater than `max` 1",
        "q.toml:21: question `bad`: column `Role`: id must be lowercase",
        "q.toml:21: question `bad`: column `Role`: a choice column needs `choices`",
        "q.toml:22: question `bad`: column `note`: `choices` are only for choice columns, not text",
        "q.toml:22: question `bad`: column `note`: `min`, `max`, `unit` and `integer` are only for number columns, not text",
        "q.toml:26: question `text`: `columns` are only for records questions, not text",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    std::fs::write(
        &path,
        "id = \"q\"\nversion = \"1\"\ntitle = \"Q\"\n[[sections]]\nid = \"s\"\ntitle = \"S\"\n\
         [[sections.questions]]\nid = \"r\"\nkind = \"records\"\nprompt = \"R?\"\n\
         columns = [{ id = \"a\", kind = \"date\" }]\n",
    )
    .unwrap();
    let err = Bundle::load(&path).err().expect("refused").to_string();
    assert!(err.contains("q.toml:11:") && err.contains("date"), "{err}");
}

#[test]
fn each_cell_is_checked_against_its_column_and_unknown_cells_are_reported() {
    let b = fixture();
    let q = b.questionnaire.get("baselines").unwrap();
    assert_eq!(check_answer(q, &two_rows()), Vec::<String>::new());
    let bad = Answer::Records(vec![
        row(&[("name", text("a")), ("score", text("high"))]),
        row(&[]), // a blank row is no row: not counted, not numbered
        row(&[
            ("score", Cell::Number(1.5)),
            ("same_split", text("yes")),
            ("role", text("deep")),
            ("owner", text("Ana")),
        ]),
    ]);
    assert_eq!(
        check_answer(q, &bad),
        [
            "row 1, score: expected a number, found text (high)",
            "row 2, name: required",
            "row 2, score: 1.5 is out of range: 0 to 1",
            "row 2, same_split: expected yes or no, found text (yes)",
            "row 2, role: `deep` is not one of the choices (simple, current)",
            "row 2: `owner` is not a column (Ana; kept as is)",
        ]
    );
    let four = Answer::Records(vec![row(&[("name", text("x"))]); 4]);
    assert_eq!(check_answer(q, &four), ["at most 3 rows (now 4)"]);
    let list = Answer::List(vec!["logistic".into()]);
    assert_eq!(
        check_answer(q, &list),
        ["expected a table of rows, found a list (logistic)"]
    );
}

#[test]
fn rows_are_written_one_a_line_and_read_back() {
    let b = fixture();
    let mut s = Session::new_at(&b.questionnaire, &kickoff::clock::now());
    s.set("name", Some(Answer::Text("P".into())));
    s.set("baselines", Some(two_rows()));
    s.set("owner", Some(Answer::Text("Ana".into())));
    let text = s.to_toml(Some(&b.questionnaire));
    assert!(
        text.contains(
            "baselines = [\n  { name = \"logistic\", score = 0.41, same_split = true, role = \"simple\" },\n  { name = \"rules, \\\"v3\\\"\", score = 0.3, same_split = false },\n]\n"
        ),
        "{text}"
    );
    assert!(!text.contains("[[answers"), "{text}");
    let back = Session::from_str(&text, Path::new("s.toml")).unwrap();
    assert_eq!(back.answers, s.answers);
    assert_eq!(back.problems(&b.questionnaire), []);
    // Written as toml writes arrays of tables by hand, the rows read the same.
    let by_hand = "questionnaire = \"records\"\nquestionnaire_version = \"1\"\n\
        created = \"2026-01-01T00:00:00Z\"\nupdated = \"2026-01-01T00:00:00Z\"\n[answers]\n\
        [[answers.baselines]]\nname = \"logistic\"\nscore = 0.41\nsame_split = true\nrole = \"simple\"\n\
        [[answers.baselines]]\nname = 'rules, \"v3\"'\nscore = 0.3\nsame_split = false\n";
    let read = Session::from_str(by_hand, Path::new("s.toml")).unwrap();
    assert_eq!(read.answers["baselines"], two_rows());
    // A table of other shapes stays as it was found.
    let odd = by_hand.replace("score = 0.3\n", "score = [0.3]\n");
    let read = Session::from_str(&odd, Path::new("s.toml")).unwrap();
    assert!(matches!(read.answers["baselines"], Answer::Other(_)));
    assert!(read.to_toml(None).contains("score = [0.3]"));
}

#[test]
fn conditions_and_words_see_the_rows() {
    let b = fixture();
    let mut s = Session::new_at(&b.questionnaire, &kickoff::clock::now());
    s.set("baselines", Some(two_rows()));
    let review = b.review(&s.answers);
    let asked = |id: &str| review.visible[b.questionnaire.index_of(id).unwrap()];
    assert!(asked("why_not_same"), "one baseline is on another split");
    let mut same = two_rows();
    if let Answer::Records(rows) = &mut same {
        rows[1].set("same_split", Some(Cell::Bool(true)));
    }
    s.set("baselines", Some(same));
    assert!(!asked_in(&b, &s, "why_not_same"));
    s.set("baselines", None);
    assert!(!asked_in(&b, &s, "why_not_same"), "no rows: not asked");

    let q = b.questionnaire.get("baselines").unwrap();
    assert_eq!(
        q.answer_items(&two_rows()),
        [
            "Name: logistic, Score: 0.41, Same split?: yes, Role: Simple baseline",
            "Name: rules, \"v3\", Score: 0.3, Same split?: no",
        ]
    );
    assert!(
        q.answer_text(&two_rows())
            .contains("Simple baseline; Name: rules")
    );
    let blank = Answer::Records(vec![row(&[("name", text("  "))]), row(&[])]);
    assert!(blank.is_empty());
}

fn asked_in(b: &Bundle, s: &Session, id: &str) -> bool {
    b.review(&s.answers).visible[b.questionnaire.index_of(id).unwrap()]
}

#[test]
fn the_doc_gets_columns_and_rows_in_words() {
    let b = fixture();
    let mut s = Session::new_at(&b.questionnaire, &kickoff::clock::now());
    s.set("baselines", Some(two_rows()));
    let review = b.review(&s.answers);
    let template = "{% for s in sections %}{% for q in s.questions %}{% if q.kind == 'records' %}\
        {{ q.columns | map(attribute='id') | join(' | ') }}\n\
        {{ q.columns | map(attribute='label') | join(' | ') }}\n\
        {% for r in q.rows %}{{ r | join(' | ') }}\n{% endfor %}\
        {% endif %}{% endfor %}{% endfor %}";
    let doc = kickoff::render_doc(&b, &s, &review, Some(("t", template))).unwrap();
    assert_eq!(
        doc,
        "name | score | same_split | role\n\
         Name | Score | Same split? | Role\n\
         logistic | 0.41 | yes | Simple baseline\n\
         rules, \"v3\" | 0.3 | no | \n"
    );
}

#[test]
fn a_merge_compares_whole_records_answers_whatever_the_order_of_cells() {
    let b = fixture();
    let mut base = Session::new_at(&b.questionnaire, &kickoff::clock::now());
    base.set("baselines", Some(two_rows()));
    let mut reordered = base.clone();
    if let Some(Answer::Records(rows)) = reordered.answers.get_mut("baselines") {
        rows[0].0.reverse();
    }
    let mut theirs = base.clone();
    theirs.set("owner", Some(Answer::Text("Ana".into())));
    let m = kickoff::merge::merge(&base, &reordered, &theirs);
    assert_eq!(m.conflicts, []);
    assert_eq!(m.session.answers["owner"], Answer::Text("Ana".into()));
    let mut changed = base.clone();
    changed.set(
        "baselines",
        Some(Answer::Records(vec![row(&[("name", text("x"))])])),
    );
    let mut other = base.clone();
    other.set("baselines", None);
    let m = kickoff::merge::merge(&base, &changed, &other);
    assert_eq!(m.conflicts.len(), 1);
    assert_eq!(m.conflicts[0].question, "baselines");
}

#[test]
fn a_version_1_session_keeps_every_answer_and_says_what_was_converted() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.toml");
    std::fs::write(&file, V1_SESSION).unwrap();
    let run = kickoff(dir.path(), &["check", "old.toml"]);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    for expected in [
        "written for version 1 of `ml-experiment`, read as version 5 (saved so with the next change)",
        "answer `baseline_scores`: converted 3 lines to rows (into column `name`); check the columns",
        "answer `slices`: converted 2 items to rows (into column `slice`); check the columns",
        "answer `guardrail_metrics`: converted 2 items to rows (into column `name`); check the columns",
        "answer `milestones`: expected a table of rows, found a number (3)",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?}:\n{}",
            run.stderr
        );
    }
    assert_eq!(read(&file), V1_SESSION, "check writes nothing");

    let (bundle, mut session) = kickoff::open(&file, None).unwrap();
    let notes = session.upgrade(&bundle.questionnaire);
    assert_eq!(notes.len(), 4, "{notes:?}");
    assert_eq!(notes[3].subject, "session");
    assert_eq!(session.questionnaire_version, bundle.questionnaire.version);
    assert_eq!(notes[0].question.as_deref(), Some("baseline_scores"));
    let names = |id: &str| match &session.answers[id] {
        Answer::Records(rows) => rows
            .iter()
            .map(|r| r.0[0].1.to_string())
            .collect::<Vec<_>>(),
        other => panic!("{id}: {other:?}"),
    };
    assert_eq!(
        names("baseline_scores"),
        [
            "constant: PR-AUC 0.05",
            "LightGBM: PR-AUC 0.31",
            "rules: PR-AUC 0.12"
        ]
    );
    assert_eq!(names("slices"), ["new customers", "country"]);
    assert_eq!(
        session.answers["milestones"],
        Answer::Number(3.0),
        "kept as is"
    );
    let review = bundle.review(&session.answers);
    assert!(
        !review.findings.iter().any(|f| f.rule == "no-slices"),
        "the converted slices count"
    );
}
