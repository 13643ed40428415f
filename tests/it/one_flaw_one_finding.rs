//! One flaw, one finding: a rule that `supersedes` another stands for it when both fire, and
//! its message carries the other's advice. Each pair of the built-in pack, both ways.

use crate::common;
use crate::common::{answers, list, text};

use kickoff::{Answer, Answers};

/// (rules shown, rules fired) on these answers.
fn review(a: &Answers) -> (Vec<String>, Vec<String>) {
    let review = common::builtin().review(a);
    let ids = |f: &[kickoff::Finding]| f.iter().map(|f| f.rule.clone()).collect();
    (ids(&review.findings), ids(&review.fired))
}

/// Both fire: only `winner` is shown, and its message says `advice`; with `alone`, only the
/// other fires, and it is shown.
fn check_pair(winner: &str, loser: &str, both: Answers, advice: &str, alone: Answers) {
    let (shown, fired) = review(&both);
    assert!(
        fired.iter().any(|r| r == winner) && fired.iter().any(|r| r == loser),
        "{fired:?}"
    );
    assert!(shown.iter().any(|r| r == winner), "{shown:?}");
    assert!(
        !shown.iter().any(|r| r == loser),
        "{loser} is superseded: {shown:?}"
    );
    let findings = common::builtin().review(&both).findings;
    let message = &findings.iter().find(|f| f.rule == winner).unwrap().message;
    assert!(message.contains(advice), "{winner}: {message}");
    let (shown, _) = review(&alone);
    assert!(!shown.iter().any(|r| r == winner), "{shown:?}");
    assert!(
        shown.iter().any(|r| r == loser),
        "{loser} alone is shown: {shown:?}"
    );
}

#[test]
fn a_random_split_of_timestamped_entities_is_one_blocker() {
    for split in ["random", "stratified_random"] {
        check_pair(
            "random-split-on-time",
            "group-leak",
            answers(&[
                ("has_timestamps", Answer::Bool(true)),
                ("multiple_rows_per_entity", Answer::Bool(true)),
                ("split_method", text(split)),
            ]),
            "same entity in train and test",
            answers(&[
                ("has_timestamps", Answer::Bool(false)),
                ("multiple_rows_per_entity", Answer::Bool(true)),
                ("split_method", text(split)),
            ]),
        );
    }
    let one_row_each = common::builtin().review(&answers(&[
        ("has_timestamps", Answer::Bool(true)),
        ("multiple_rows_per_entity", Answer::Bool(false)),
        ("split_method", text("random")),
    ]));
    let f = &one_row_each.findings[0];
    assert_eq!(f.rule, "random-split-on-time");
    assert!(!f.message.contains("same entity"), "{}", f.message);
}

#[test]
fn nothing_versioned_is_one_warning() {
    check_pair(
        "unversioned",
        "no-data-versioning",
        answers(&[
            ("versioning", list(&["code"])),
            ("data_versioning", text("none")),
        ]),
        "training data is not versioned either",
        answers(&[
            ("versioning", list(&["code", "config", "model"])),
            ("data_versioning", text("none")),
        ]),
    );
}

#[test]
fn a_gpu_plan_without_budget_or_owner_is_one_warning() {
    check_pair(
        "no-compute-budget",
        "cost-owner-missing",
        answers(&[
            ("uses_gpu", Answer::Bool(true)),
            ("serving_mode", text("online")),
            ("cost_owner", text("Nobody; the GPU spend is not tracked")),
        ]),
        "Nobody owns the bill either",
        answers(&[
            ("uses_gpu", Answer::Bool(true)),
            ("gpu_hours_per_run", Answer::Number(16.0)),
            ("cost_per_run", Answer::Number(65.0)),
            ("serving_mode", text("online")),
            ("cost_owner", text("Nobody yet")),
        ]),
    );
}

#[test]
fn a_deep_model_first_without_a_simple_baseline_is_one_warning() {
    check_pair(
        "deep-first",
        "no-simple-baseline",
        answers(&[
            ("model_family", text("deep_tabular")),
            ("modality", text("tabular")),
            ("baselines", list(&["random", "deep_model"])),
        ]),
        "no heuristic, linear or boosted-tree model",
        answers(&[
            ("model_family", text("gradient_boosted_trees")),
            ("modality", text("tabular")),
            ("baselines", list(&["random"])),
        ]),
    );
}

fn features(rows: &[(&str, bool)]) -> Answer {
    Answer::Records(
        rows.iter()
            .map(|(name, known)| {
                kickoff::Row(vec![
                    ("name".into(), kickoff::Cell::Text(name.to_string())),
                    ("known_at_prediction".into(), kickoff::Cell::Bool(*known)),
                ])
            })
            .collect(),
    )
}

#[test]
fn a_believed_feature_named_after_the_outcome_is_one_blocker_naming_it() {
    check_pair(
        "feature-after-prediction",
        "serving-features-unverified",
        answers(&[
            ("features_at_serving", text("believed")),
            (
                "features",
                features(&[("final repayment status", true), ("income", true)]),
            ),
        ]),
        "final repayment status: by its description, computed after the prediction",
        answers(&[
            ("features_at_serving", text("believed")),
            (
                "features",
                features(&[("repayments missed in the last 12 months", true)]),
            ),
        ]),
    );
}

#[test]
fn sensitive_features_in_an_automated_decision_without_groups_is_one_blocker() {
    check_pair(
        "sensitive-no-fairness-check",
        "no-subgroup-eval",
        answers(&[
            ("affects_people", Answer::Bool(true)),
            ("automation", text("automate")),
            ("personal_data", Answer::Bool(true)),
            ("subgroup_eval", text("none")),
            ("sensitive_features", list(&["age", "home postcode"])),
        ]),
        "uses age, home postcode",
        answers(&[
            ("affects_people", Answer::Bool(true)),
            ("automation", text("assist")),
            ("personal_data", Answer::Bool(true)),
            ("subgroup_eval", text("none")),
            ("sensitive_features", list(&["none"])),
        ]),
    );
}

#[test]
fn a_short_unbacked_claim_is_one_warning() {
    check_pair(
        "proxy-unlinked",
        "claim-without-evidence",
        answers(&[
            ("primary_metric", text("ndcg")),
            (
                "metric_link",
                text("Obviously better rankings should correlate with more bookings."),
            ),
            ("offline_online_check", text("none")),
        ]),
        "Nothing convincing ties the offline metric",
        answers(&[
            ("primary_metric", text("ndcg")),
            (
                "metric_link",
                text(
                    "When relevant homes rank higher, guests find a place sooner and book more often, which is what the marketplace needs.",
                ),
            ),
            ("offline_online_check", text("none")),
        ]),
    );
}
