//! The interview re-runs only the rules and score tests that read a changed answer. This
//! checks that it always agrees with a full review, over long random walks of edits.

use crate::common;

use common::*;
use kickoff::{Answer, Kind, Question};

/// A few other answers for a question: cleared, and values of its kind.
fn variants(q: &Question) -> Vec<Option<Answer>> {
    let mut out = vec![None];
    match q.kind {
        Kind::Choice => out.extend(
            q.choices
                .iter()
                .map(|c| Some(Answer::Text(c.value.clone()))),
        ),
        Kind::MultiChoice => {
            out.extend(
                q.choices
                    .iter()
                    .map(|c| Some(Answer::List(vec![c.value.clone()]))),
            );
            out.push(Some(Answer::List(
                q.choices.iter().map(|c| c.value.clone()).collect(),
            )));
        }
        Kind::YesNo => out.extend([Some(Answer::Bool(true)), Some(Answer::Bool(false))]),
        Kind::Number => out.extend(
            [
                q.min.unwrap_or(0.0),
                q.max.unwrap_or(100.0),
                0.05,
                3.0,
                30.0,
            ]
            .map(|n| Some(Answer::Number(n))),
        ),
        Kind::Text | Kind::LongText => out.extend([
            Some(Answer::Text("none".into())),
            Some(Answer::Text("nobody owns it".into())),
            Some(Answer::Text("Cut churn by 2 points in Q3; ops team".into())),
            Some(Answer::Text("TBD with legal".into())),
        ]),
        Kind::Records => out.extend([
            Some(Answer::Records(vec![fitting_row(q)])),
            Some(Answer::Records(vec![fitting_row(q), fitting_row(q)])),
        ]),
        Kind::List => out.extend([
            Some(Answer::List(vec!["region".into()])),
            Some(Answer::List(vec!["n/a".into()])),
            Some(Answer::List(vec!["region".into(), "later".into()])),
            Some(Answer::List(vec!["a".into(), "b".into(), "c".into()])),
        ]),
    }
    out
}

#[test]
fn incremental_review_equals_a_full_review_over_random_edits() {
    let bundle = builtin();
    let q = &bundle.questionnaire;
    let mut rng: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    for name in [
        "churn-done-well.toml",
        "fraud-flawed.toml",
        "demand-forecasting.toml",
        "ticket-triage-llm.toml",
    ] {
        let (_, mut session) = kickoff::open(&example(name), None).unwrap();
        let mut review = bundle.review(&session.answers);
        for step in 0..400 {
            let question = q.question(next(q.len()));
            let options = variants(question);
            let answer = options[next(options.len())].clone();
            session.set(&question.id, answer);
            let incremental = bundle.review_after(
                &review,
                &session.answers,
                kickoff::Depth::Full,
                &question.id,
            );
            let full = bundle.review(&session.answers);
            assert_eq!(
                incremental.visible, full.visible,
                "{name} step {step}: {}",
                question.id
            );
            assert_eq!(
                incremental.findings, full.findings,
                "{name} step {step}: {}",
                question.id
            );
            assert_eq!(
                incremental.readiness, full.readiness,
                "{name} step {step}: {}",
                question.id
            );
            assert_eq!(incremental.asked, full.asked);
            review = incremental;
        }
    }
}

/// A placeholder answer ("TBD") is open in the header's count and the review's open questions,
/// and unanswered for the rules, while the doc still has its text.
#[test]
fn a_placeholder_answer_counts_as_open() {
    let bundle = builtin();
    let mut session = kickoff::Session::new_at(&bundle.questionnaire, &kickoff::clock::now());
    session.set("project_name", Some(Answer::Text("Churn".into())));
    let iv = kickoff::interview::Interview::new(bundle, session);
    let open_before = iv.progress().required_open;
    let mut iv = iv;
    iv.set_answer(
        "why_ml",
        Some(Answer::Text("not decided yet, we will see".into())),
    );
    assert_eq!(iv.progress().required_open, open_before, "still open");
    assert!(iv.open_required().any(|q| q.id == "why_ml"));
    iv.set_answer(
        "why_ml",
        Some(Answer::Text(
            "Rules miss 40% of the fraud in the holdout.".into(),
        )),
    );
    assert_eq!(iv.progress().required_open, open_before - 1);
    assert!(!iv.open_required().any(|q| q.id == "why_ml"));
}
