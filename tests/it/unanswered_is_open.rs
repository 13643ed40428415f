//! An unanswered question is an open question, never a finding that says the plan lacks the
//! thing: no rule of the built-in pack fires on an answer left empty (or a placeholder, or a
//! hedge), and each rule that reads such a question fires on the answer that states the absence.

use kickoff::Load as _;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common;
use crate::common::{answers, list, text};

use kickoff::{Answer, Answers, Bundle};

fn one_row(column: &str, cell: &str) -> Answer {
    let row = kickoff::Row(vec![(column.to_string(), kickoff::Cell::Text(cell.into()))]);
    Answer::Records(vec![row])
}

fn fired(bundle: &Bundle, a: &Answers) -> BTreeSet<String> {
    bundle.review(a).fired.into_iter().map(|f| f.rule).collect()
}

fn plans() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["examples", "tests/corpus"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
}

#[test]
fn an_empty_session_fires_no_rule() {
    let bundle = common::builtin();
    let fired = fired(&bundle, &Answers::new());
    assert!(fired.is_empty(), "{fired:?}");
}

/// Every required question unanswered, and every yes/no that is not required answered "yes",
/// so that the follow-ups it asks (GPU figures, the reason for distributed training, ...) are
/// asked and left empty too.
#[test]
fn a_session_with_every_required_question_unanswered_fires_no_rule() {
    let bundle = common::builtin();
    let q = &bundle.questionnaire;
    let session: Answers = q
        .questions()
        .filter(|question| !question.required && question.kind == kickoff::Kind::YesNo)
        .map(|question| (question.id.clone(), Answer::Bool(true)))
        .collect();
    let review = bundle.review(&session);
    let fired: Vec<&str> = review.fired.iter().map(|f| f.rule.as_str()).collect();
    assert!(fired.is_empty(), "{fired:?}");
    assert!(
        review.open_required(q).count() >= 30,
        "required questions are open"
    );
}

/// On every example and corpus plan: taking out the answers to the required questions (one at
/// a time, and all at once) never makes a rule fire that did not fire before. The open-question
/// count says what is missing; a rule would say it twice, and as a fact.
#[test]
fn taking_a_required_answer_out_fires_no_new_rule() {
    let bundle = common::builtin();
    let q = &bundle.questionnaire;
    for path in plans() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let session = kickoff::Session::load(&path).unwrap();
        let before = fired(&bundle, &session.answers);
        let required: Vec<&str> = session
            .answers
            .keys()
            .filter(|id| q.get(id).is_some_and(|question| question.required))
            .map(String::as_str)
            .collect();
        assert!(!required.is_empty(), "{name}");
        let mut all = session.answers.clone();
        for id in &required {
            let mut one = session.answers.clone();
            one.remove(*id);
            all.remove(*id);
            let new: Vec<String> = fired(&bundle, &one).difference(&before).cloned().collect();
            assert!(new.is_empty(), "{name} without `{id}`: {new:?} fire");
        }
        let new: Vec<String> = fired(&bundle, &all).difference(&before).cloned().collect();
        assert!(
            new.is_empty(),
            "{name} without its required answers: {new:?} fire"
        );
    }
}

/// Each rule that once fired on an empty answer fires on the answer that states the absence
/// ("none", "no", "nobody"), and not when that answer is taken out, or is only a placeholder
/// or a hedge.
#[test]
fn each_rule_fires_on_the_answer_that_states_the_absence_and_not_on_an_empty_one() {
    let bundle = common::builtin();
    let online = ("serving_mode", text("online"));
    let cases: Vec<(&str, &str, Answers)> = vec![
        (
            "not-an-ml-problem",
            "why_ml",
            answers(&[("why_ml", text("None, really."))]),
        ),
        (
            "no-kill-criteria",
            "kill_criteria",
            answers(&[("kill_criteria", text("None yet."))]),
        ),
        (
            "no-kill-criteria",
            "kill_date",
            answers(&[
                (
                    "kill_criteria",
                    text("Stop below 0.5 recall at 90% precision."),
                ),
                ("kill_date", text("No date set")),
            ]),
        ),
        (
            "no-success-target",
            "business_target",
            answers(&[("business_target", text("None"))]),
        ),
        (
            "proxy-unlinked",
            "metric_link",
            answers(&[
                ("primary_metric", text("f1")),
                ("metric_link", text("None.")),
            ]),
        ),
        (
            "no-error-costs",
            "error_costs",
            answers(&[("error_costs", text("None known."))]),
        ),
        (
            "no-guardrails",
            "guardrail_metrics",
            answers(&[
                online.clone(),
                ("rollout", text("staged")),
                ("guardrail_metrics", one_row("name", "none")),
            ]),
        ),
        (
            "no-baseline",
            "baselines",
            answers(&[("baselines", list(&["none"]))]),
        ),
        (
            "label-source-missing",
            "label_source",
            answers(&[
                ("task", text("classification")),
                ("label_source", text("none_yet")),
            ]),
        ),
        (
            "labels-unaudited",
            "agreement_measured",
            answers(&[
                ("label_source", text("human_annotation")),
                ("annotators_per_item", Answer::Number(1.0)),
                ("agreement_measured", Answer::Bool(false)),
            ]),
        ),
        (
            "unseen-population",
            "new_segments",
            answers(&[
                ("representative_sample", text("new_segments")),
                (
                    "new_segments",
                    text("The new northern sites, which are like ours"),
                ),
            ]),
        ),
        (
            "detection-unmeasured",
            "detection_success",
            answers(&[
                ("task", text("anomaly")),
                ("detection_success", text("none")),
            ]),
        ),
        (
            "no-data-versioning",
            "data_versioning",
            answers(&[("data_versioning", text("none"))]),
        ),
        (
            "no-slices",
            "slices",
            answers(&[("slices", one_row("slice", "none"))]),
        ),
        (
            "cost-owner-missing",
            "cost_owner",
            answers(&[
                ("uses_gpu", Answer::Bool(true)),
                ("cost_owner", text("Nobody yet")),
            ]),
        ),
        (
            "skew-risk",
            "skew_check",
            answers(&[
                online.clone(),
                ("shared_feature_code", text("reimplemented")),
                ("skew_check", text("none")),
            ]),
        ),
        (
            "no-predeploy-gate",
            "predeploy_gate",
            answers(&[online.clone(), ("predeploy_gate", text("none"))]),
        ),
        (
            "big-bang-rollout",
            "rollout",
            answers(&[online.clone(), ("rollout", text("all_at_once"))]),
        ),
        (
            "no-rollback",
            "rollback_path",
            answers(&[online.clone(), ("rollback_path", text("none"))]),
        ),
        (
            "no-fallback",
            "fallback",
            answers(&[online.clone(), ("fallback", text("none"))]),
        ),
        (
            "no-monitoring",
            "monitoring",
            answers(&[online.clone(), ("monitoring", list(&["none"]))]),
        ),
        (
            "drift-no-threshold",
            "drift_thresholds",
            answers(&[
                ("monitoring", list(&["feature_drift"])),
                ("drift_thresholds", text("The tool's defaults")),
            ]),
        ),
        (
            "alert-no-owner",
            "alert_owner",
            answers(&[
                ("monitoring", list(&["prediction_drift"])),
                ("alert_owner", text("Nobody yet")),
            ]),
        ),
        (
            "no-retrain-plan",
            "retrain_trigger",
            answers(&[online.clone(), ("retrain_trigger", text("none"))]),
        ),
        (
            "feedback-loop",
            "unfiltered_holdout",
            answers(&[
                ("feedback_loop", Answer::Bool(true)),
                ("unfiltered_holdout", Answer::Bool(false)),
            ]),
        ),
        (
            "no-subgroup-eval",
            "subgroup_eval",
            answers(&[
                ("affects_people", Answer::Bool(true)),
                ("subgroup_eval", text("none")),
            ]),
        ),
        (
            "pii-no-plan",
            "privacy_plan",
            answers(&[
                ("personal_data", Answer::Bool(true)),
                ("privacy_plan", text("No plan yet.")),
            ]),
        ),
    ];
    for (rule, question, with) in cases {
        let on = fired(&bundle, &with);
        assert!(on.contains(rule), "`{rule}` on {with:?}: {on:?}");
        let mut without = with.clone();
        without.remove(question);
        let off = fired(&bundle, &without);
        assert!(
            !off.contains(rule),
            "`{rule}` fires with `{question}` unanswered"
        );
        for hedge in ["TBD", "Not sure yet", "Check with legal"] {
            let mut hedged = with.clone();
            if matches!(hedged.get(question), Some(Answer::Text(_))) {
                let kind = bundle.questionnaire.get(question).map(|q| q.kind);
                if matches!(kind, Some(kickoff::Kind::Text | kickoff::Kind::LongText)) {
                    hedged.insert(question.to_string(), text(hedge));
                    let off = fired(&bundle, &hedged);
                    assert!(
                        !off.contains(rule),
                        "`{rule}` fires on `{question}` = {hedge:?}"
                    );
                }
            }
        }
    }
}
