//! The quick path (`kickoff new --quick`): the essential questions only. On every example and
//! corpus plan, a session holding only the quick path's answers is told nothing the full
//! interview would take back; the commands work on a quick session and say what waits.

use crate::common;
use kickoff::Load as _;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;
use kickoff::{Answer, Answers, Depth, Questionnaire, Session, Severity};

/// Every complete plan: the examples and the corpus.
fn plans() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["examples", "tests/corpus"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap().flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "toml") {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(out.len() >= 20, "{} plans", out.len());
    out
}

/// The plan's answers to the essential questions only: what a quick kickoff would have.
fn quick_answers(bundle: &kickoff::Bundle, session: &Session) -> Answers {
    session
        .answers
        .iter()
        .filter(|(id, _)| bundle.questionnaire.get(id).is_some_and(|q| q.essential))
        .map(|(id, a)| (id.clone(), a.clone()))
        .collect()
}

fn strong(path: &Path) -> bool {
    read(path).contains("strong = true")
}

#[test]
fn a_quick_session_is_told_nothing_the_full_interview_takes_back() {
    let bundle = builtin();
    for path in plans() {
        let session = Session::load(&path).unwrap();
        let full = bundle.review_at(&session.answers, Depth::Full);
        let answers = quick_answers(&bundle, &session);
        let quick = bundle.review_at(&answers, Depth::Quick);
        // A finding the full review superseded by a stronger one is still a true finding.
        let fired: BTreeSet<&str> = full.fired.iter().map(|f| f.rule.as_str()).collect();
        for f in &quick.findings {
            assert!(
                fired.contains(f.rule.as_str()),
                "{}: the quick review shows `{}`, which the whole plan does not raise",
                path.display(),
                f.rule
            );
        }
        if strong(&path) {
            assert!(
                quick.findings.iter().all(|f| f.severity == Severity::Info),
                "{}: a strong plan's quick review raises {:?}",
                path.display(),
                quick.findings.iter().map(|f| &f.rule).collect::<Vec<_>>()
            );
        }
        // Only what the whole plan leaves open is open: the rest waits, it is not missing.
        let open = |r: &kickoff::Review| -> BTreeSet<String> {
            r.open_required(&bundle.questionnaire)
                .map(|q| q.id.clone())
                .collect()
        };
        assert!(open(&quick).is_subset(&open(&full)), "{}", path.display());
    }
}

#[test]
fn the_quick_path_asks_about_twenty_questions_and_keeps_the_blockers_it_can_judge() {
    let bundle = builtin();
    let q = &bundle.questionnaire;
    let mut blockers_kept = 0;
    let mut blockers_full = 0;
    for path in plans() {
        let session = Session::load(&path).unwrap();
        let answers = quick_answers(&bundle, &session);
        let quick = bundle.review_at(&answers, Depth::Quick);
        let asked = quick.visible.iter().filter(|&&v| v).count();
        assert!(
            (15..=26).contains(&asked),
            "{}: the quick path asks {asked} questions",
            path.display()
        );
        let full = bundle.review_at(&session.answers, Depth::Full);
        let blockers = |r: &kickoff::Review| {
            r.findings
                .iter()
                .filter(|f| f.severity == Severity::Blocker)
                .count()
        };
        blockers_full += blockers(&full);
        blockers_kept += blockers(&quick);
    }
    // Most blockers rest on essential answers: the quick kickoff is where they are cheapest.
    assert!(
        blockers_kept * 2 >= blockers_full,
        "the quick path raises {blockers_kept} of {blockers_full} blockers"
    );
    // An essential question with a condition can be reached on the quick path: its condition
    // names an essential question.
    for question in q.questions().filter(|x| x.essential) {
        if let Some(when) = &question.when {
            assert!(
                q.questions()
                    .filter(|x| x.essential)
                    .any(|x| when.contains(x.id.as_str())),
                "`{}` is essential, but its condition ({when}) reads no essential question",
                question.id
            );
        }
    }
}

#[test]
fn switching_a_quick_session_to_full_keeps_every_answer_and_asks_the_rest() {
    let bundle = builtin();
    let session = Session::load(&example("churn-done-well.toml")).unwrap();
    let answers = quick_answers(&bundle, &session);
    let mut quick = Session::new_at(&bundle.questionnaire, &kickoff::clock::now());
    quick.answers = answers.clone();
    quick.depth = Depth::Quick;
    let mut iv = kickoff::interview::Interview::new(builtin(), quick);
    let asked_quick = iv.progress().asked;
    assert_eq!(iv.progress().required_open, 0);
    assert!(iv.set_depth(Depth::Full));
    assert_eq!(iv.session().answers, answers, "every answer stays");
    let p = iv.progress();
    assert!(
        p.asked > asked_quick + 40,
        "{} then {}",
        asked_quick,
        p.asked
    );
    assert!(
        p.required_open > 0,
        "the full interview's required questions are open"
    );
    // The focus is on the first question the quick path left.
    let focused = iv.focused();
    assert!(!focused.essential && !iv.session().answers.contains_key(&focused.id));
}

/// A quick session file of the example's essential answers, in a temporary directory.
fn quick_file(example_name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = quick_copy(example_name, dir.path(), "plan.toml");
    (dir, path)
}

/// The same, with retraining answers that make a finding wait for the full interview.
fn quick_file_waiting(example_name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::quick_copy_waiting(example_name, dir.path(), "plan.toml");
    (dir, path)
}

#[test]
fn check_on_a_quick_session_judges_the_essentials_and_says_what_waits() {
    let (dir, path) = quick_file_waiting("churn-done-well.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("depth = \"quick\""), "{text}");
    let run = kickoff(dir.path(), &["check", "plan.toml"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("passed")
            && run.stdout.contains("Quick kickoff: ")
            && run
                .stdout
                .contains("questions of the full interview are not asked yet")
            && run.stdout.contains("kickoff resume --full plan.toml"),
        "{}",
        run.stdout
    );
    let run = kickoff(dir.path(), &["check", "--format", "json", "plan.toml"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["depth"], "quick");
    assert_eq!(v["counts"]["open_questions"], 0);
    let pending = v["pending_questions"].as_array().unwrap();
    assert!(pending.len() > 40 && pending.iter().any(|p| p == "kill_criteria"));
    let deferred = v["deferred"].as_array().unwrap();
    assert!(
        deferred
            .iter()
            .any(|f| f["rule"] == "retrain-before-labels"),
        "{deferred:?}"
    );
    // The flawed plan's quick session fails on the blockers its essential answers show.
    let (dir, _) = quick_file("fraud-flawed.toml");
    let run = kickoff(dir.path(), &["check", "plan.toml"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.contains("[accuracy-on-imbalance]"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_doc_of_a_quick_session_says_what_is_still_to_be_written() {
    let (dir, _) = quick_file_waiting("churn-done-well.toml");
    let run = kickoff(dir.path(), &["render", "plan.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc = run.stdout;
    assert!(
        doc.contains("**A quick kickoff, not yet a full review.**"),
        "{doc}"
    );
    assert!(doc.contains("**Written at a quick kickoff.**"));
    assert!(
        doc.contains("*To be written:* "),
        "sections with some answers say what is left"
    );
    assert!(
        doc.contains("*To be written: the full interview asks for "),
        "a section with none says what it will hold"
    );
    assert!(doc.contains("Kill criteria"), "the labels of what waits");
    let waiting = doc
        .lines()
        .find(|l| l.starts_with("*Waiting for the full interview: "))
        .expect("the findings that wait are named");
    assert!(
        waiting.contains("`retrain-before-labels` (on Retrains on matured labels only)"),
        "the questions each waits for, not the one it points at: {waiting}"
    );
    // The full plan's doc says none of it.
    let run = kickoff(&root(), &["render", "examples/churn-done-well.toml"]);
    assert!(!run.stdout.contains("To be written") && !run.stdout.contains("quick kickoff"));
}

#[test]
fn plain_starts_a_quick_session_and_switches_it_to_full() {
    let dir = tempfile::tempdir().unwrap();
    let plain = |args: &[&str], input: &str| kickoff_input(dir.path(), args, Some(input)).stdout;
    let out = plain(&["plain", "--quick", "s.toml"], "Quick one\n:q\n");
    assert!(
        out.contains("quick kickoff: the essential questions"),
        "{out}"
    );
    let text = read(&dir.path().join("s.toml"));
    assert!(
        text.contains("depth = \"quick\"") && text.contains("Quick one"),
        "{text}"
    );
    let out = plain(&["plain", "--full", "s.toml"], ":q\n");
    assert!(!out.contains("quick kickoff"), "{out}");
    let text = read(&dir.path().join("s.toml"));
    assert!(
        !text.contains("depth") && text.contains("Quick one"),
        "{text}"
    );
}

#[test]
fn quick_needs_a_questionnaire_that_marks_essentials() {
    let dir = tempfile::tempdir().unwrap();
    let mini = root().join("tests/fixtures/mini.toml");
    let run = kickoff(
        dir.path(),
        &[
            "plain",
            "--quick",
            "-q",
            &mini.display().to_string(),
            "s.toml",
        ],
    );
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("s.toml")
            && run
                .stderr
                .contains("`mini` marks no question `essential = true`"),
        "{}",
        run.stderr
    );
    let run = kickoff(dir.path(), &["new", "--quick", "--full", "x.toml"]);
    assert_eq!(run.code, Some(2), "the two flags exclude each other");
}

// The rules of the quick path, on a questionnaire of four questions.
const QUESTIONS: &str = r#"
id = "t"
version = "1"
title = "T"

[[sections]]
id = "s"
title = "S"

[[sections.questions]]
id = "split"
kind = "choice"
prompt = "Split?"
essential = true
choices = [{ value = "random" }, { value = "time" }]

[[sections.questions]]
id = "timestamps"
kind = "yes_no"
prompt = "Timestamps?"

[[sections.questions]]
id = "why"
kind = "long_text"
prompt = "Why?"

[[sections.questions]]
id = "cost"
kind = "number"
prompt = "Cost?"
when = "split == 'time'"
"#;

const RULES: &str = r#"
questionnaire = "t"

# An explicit answer of an essential question: stands, whatever `why` will say.
[[rules]]
id = "random-split"
severity = "blocker"
questions = ["split", "why"]
when = "split == 'random'"
message = "Random split{% if why %}: {{ why }}{% endif %}."

# Needs a fact the quick path did not ask: "yes" would keep it, "no" make it go away.
[[rules]]
id = "random-on-time"
severity = "blocker"
questions = ["split", "timestamps"]
when = "split == 'random' and timestamps is not false"
message = "Time-ordered data split at random."

# Fires on an empty answer of a question not asked yet.
[[rules]]
id = "no-why"
severity = "warning"
questions = ["why"]
when = "why is empty and answered(split)"
message = "Say why."
"#;

fn bundle() -> kickoff::Bundle {
    let mut b = kickoff::Bundle {
        questionnaire: Questionnaire::from_str(QUESTIONS, Path::new("t.toml")).unwrap(),
        critic: kickoff::Critic::default(),
        scorecard: None,
        path: None,
    };
    b.critic
        .add_pack(RULES, Path::new("t.rules.toml"), &b.questionnaire)
        .unwrap();
    b
}

fn answers(pairs: &[(&str, Answer)]) -> Answers {
    pairs
        .iter()
        .map(|(k, a)| (k.to_string(), a.clone()))
        .collect()
}

fn rules(f: &[kickoff::Finding]) -> Vec<&str> {
    f.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn a_quick_review_shows_only_what_no_later_answer_can_change() {
    let b = bundle();
    let a = answers(&[("split", Answer::Text("random".into()))]);
    let full = b.review_at(&a, Depth::Full);
    assert_eq!(
        rules(&full.findings),
        ["random-split", "random-on-time", "no-why"]
    );
    assert!(full.deferred.is_empty());
    let quick = b.review_at(&a, Depth::Quick);
    assert_eq!(rules(&quick.findings), ["random-split"]);
    assert_eq!(rules(&quick.deferred), ["random-on-time", "no-why"]);
    assert_eq!(
        quick.pending,
        [false, true, true, false],
        "cost's condition is false"
    );
    assert_eq!(quick.visible, [true, false, false, false]);
}

#[test]
fn an_answer_given_to_a_question_off_the_quick_path_counts() {
    let b = bundle();
    let a = answers(&[
        ("split", Answer::Text("random".into())),
        ("timestamps", Answer::Bool(true)),
        ("why", Answer::Text("Because.".into())),
    ]);
    let quick = b.review_at(&a, Depth::Quick);
    assert_eq!(quick.pending, [false; 4]);
    assert_eq!(quick.visible, [true, true, true, false]);
    assert_eq!(rules(&quick.findings), ["random-split", "random-on-time"]);
    assert!(quick.deferred.is_empty());
}

#[test]
fn a_questionnaire_without_essentials_has_no_quick_path() {
    let q = Questionnaire::from_str(
        &QUESTIONS.replace("essential = true\n", ""),
        Path::new("t.toml"),
    )
    .unwrap();
    assert!(!q.has_quick_path());
    assert_eq!(
        kickoff::depth::pending(&q, Depth::Quick, &Answers::new(), &[true; 4]),
        [false; 4]
    );
}

#[test]
fn the_summary_counts_and_names_what_waits() {
    let b = bundle();
    let a = answers(&[("split", Answer::Text("random".into()))]);
    let quick = b.review_at(&a, Depth::Quick);
    let text = kickoff::depth::summary(&quick.pending, &quick.deferred, "p.toml").unwrap();
    assert!(
        text.contains("2 questions of the full interview")
            && text.contains("2 findings wait for their answers (random-on-time, no-why)")
            && text.contains("kickoff resume --full p.toml"),
        "{text}"
    );
    let full = b.review_at(&a, Depth::Full);
    assert_eq!(
        kickoff::depth::summary(&full.pending, &full.deferred, "p.toml"),
        None
    );
    // One of each, in the singular.
    let a = answers(&[
        ("split", Answer::Text("random".into())),
        ("why", Answer::Text("Because.".into())),
    ]);
    let quick = b.review_at(&a, Depth::Quick);
    let text = kickoff::depth::summary(&quick.pending, &quick.deferred, "p.toml").unwrap();
    assert!(
        text.contains("1 question of the full interview is not asked yet, and 1 finding waits"),
        "{text}"
    );
}

#[test]
fn a_misspelt_or_wrong_depth_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let head = "questionnaire = \"ml-experiment\"\nquestionnaire_version = \"4\"\n\
                created = \"2026-12-01T10:00:00Z\"\nupdated = \"2026-12-01T10:00:00Z\"\n";
    let file = |line: &str| {
        let text = format!("{head}{line}\n\n[answers]\nproject_name = \"x\"\n");
        std::fs::write(dir.path().join("s.toml"), text).unwrap();
    };
    // A typo is a note (the key is kept, newer versions' keys must survive), not silence.
    file("dpeth = \"quick\"");
    let run = kickoff(dir.path(), &["check", "--allow-open", "s.toml"]);
    assert!(
        run.stdout.contains(
            "note: line 5: key `dpeth`: unknown, kept as written but not read (did you mean `depth`?)"
        ),
        "{}",
        run.stdout
    );
    for (value, shown) in [("3", "not 3"), ("\"bogus\"", "not \"bogus\"")] {
        file(&format!("depth = {value}"));
        let run = kickoff(dir.path(), &["check", "s.toml"]);
        assert_eq!(run.code, Some(2));
        assert!(
            run.stderr
                .contains("s.toml:5:9: `depth` is \"quick\" or \"full\", ")
                && run.stderr.contains(shown),
            "{}",
            run.stderr
        );
    }
}
