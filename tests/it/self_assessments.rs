//! A self-assessment never switches a rule off by itself: "the sample is representative", "the
//! arms cannot affect each other", "no feedback loop", "features verified" count only with the
//! check behind them, and a finding quotes the claim beside the answer that contradicts it.

use crate::common;
use crate::common::{answers, text};

use kickoff::{Answer, Answers};

/// The message of `rule` on these answers, if it is shown.
fn message(a: &Answers, rule: &str) -> Option<String> {
    let review = common::builtin().review(a);
    let finding = review.findings.into_iter().find(|f| f.rule == rule);
    finding.map(|f| f.message)
}

#[test]
fn representative_counts_only_with_a_comparison_behind_it() {
    let claim = ("representative_sample", text("yes"));
    // Said, and the check left unanswered: one open question, and no finding speaks for it.
    let bare = answers(std::slice::from_ref(&claim));
    assert_eq!(message(&bare, "unrepresentative-sample"), None);
    let bundle = common::builtin();
    let review = bundle.review(&bare);
    assert!(
        review
            .open_required(&bundle.questionnaire)
            .any(|q| q.id == "representative_check"),
        "the unanswered check is an open question"
    );
    // Said, the check left unanswered, and the decision covers places the data does not:
    // the contradiction is a finding.
    let a = answers(&[
        claim.clone(),
        (
            "decision",
            text("Reorder the chest X-ray worklist across our three sites."),
        ),
        (
            "data_sources",
            Answer::List(vec!["PACS images, Northvale General fixed rooms".into()]),
        ),
    ]);
    let m = message(&a, "unrepresentative-sample").unwrap();
    assert!(m.contains("Northvale General fixed rooms"), "{m}");
    // Said, with a check that compares nothing: the check is quoted.
    let vague = "It is all our customers, so yes.";
    let m = message(
        &answers(&[claim.clone(), ("representative_check", text(vague))]),
        "unrepresentative-sample",
    )
    .unwrap();
    assert!(m.contains(vague), "{m}");
    // Said, and contradicted by where the data comes from: both are quoted.
    let source = "X-ray images from the pilot site's fixed rooms, 2019-2025";
    let check = "Compared age and sex shares with last month's films: within 2 points.";
    let a = answers(&[
        claim.clone(),
        ("representative_check", text(check)),
        ("data_sources", Answer::List(vec![source.into()])),
    ]);
    let m = message(&a, "unrepresentative-sample").unwrap();
    assert!(
        m.contains("looks like the traffic") && m.contains(source),
        "{m}"
    );
    // Said, with a comparison and no narrow source: the claim stands.
    let a = answers(&[
        claim,
        ("representative_check", text(check)),
        (
            "data_sources",
            Answer::List(vec!["orders table (payments team)".into()]),
        ),
    ]);
    assert_eq!(message(&a, "unrepresentative-sample"), None);
}

#[test]
fn no_interference_is_weighed_against_what_the_arms_share() {
    let base = [
        ("serving_mode", text("batch")),
        ("rollout", text("staged")),
        ("task", text("classification")),
        ("automation", text("assist")),
        ("decision_unit", text("event")),
        ("ab_unit", text("event")),
        ("ab_interference", text("no")),
    ];
    let capacity = "Four adjusters review about 150 claims a day";
    let mut a = answers(&base);
    a.insert("capacity_per_period".into(), text(capacity));
    let claim = "Claims are independent of each other";
    a.insert("ab_interference_check".into(), text(claim));
    let m = message(&a, "randomisation-unit-mismatch").unwrap();
    assert!(m.contains(claim) && m.contains(capacity), "{m}");
    // What is split per arm answers it.
    a.insert(
        "ab_interference_check".into(),
        text("Each arm has its own two adjusters and its own queue"),
    );
    assert_eq!(message(&a, "randomisation-unit-mismatch"), None);
    // Shared, but bounded and monitored: the third answer states it, and it is no blocker.
    let mut shared = answers(&base);
    shared.insert("capacity_per_period".into(), text(capacity));
    shared.insert("ab_interference".into(), text("bounded"));
    shared.insert(
        "ab_interference_bound".into(),
        text("Each arm may use at most two of the four adjusters; queue length per arm is on the test dashboard"),
    );
    assert_eq!(message(&shared, "randomisation-unit-mismatch"), None);
    assert_eq!(message(&shared, "interference-bound-unwatched"), None);
    // A bound nobody watches is a warning of its own, not the blocker.
    shared.insert(
        "ab_interference_bound".into(),
        text("Each arm may use at most two of the four adjusters"),
    );
    assert_eq!(message(&shared, "randomisation-unit-mismatch"), None);
    assert!(message(&shared, "interference-bound-unwatched").is_some());
    // Shared with nothing bounding it, randomised by claim: the blocker.
    shared.insert("ab_interference".into(), text("yes"));
    assert!(message(&shared, "randomisation-unit-mismatch").is_some());
    // A marketplace in the decision is shared too.
    let mut a = answers(&base);
    a.insert(
        "decision".into(),
        text("Pick which sellers' listings the marketplace shows first."),
    );
    let m = message(&a, "randomisation-unit-mismatch").unwrap();
    assert!(m.contains("marketplace shows first"), "{m}");
}

#[test]
fn no_feedback_loop_is_weighed_against_who_acts_on_the_predictions() {
    let mut a = answers(&[
        ("task", text("classification")),
        ("automation", text("assist")),
        ("label_source", text("business_outcome")),
        ("feedback_loop", Answer::Bool(false)),
    ]);
    let claim = "The model only ranks; people decide.";
    a.insert("feedback_loop_check".into(), text(claim));
    let m = message(&a, "feedback-loop").unwrap();
    assert!(
        m.contains(claim) && m.contains("people act on the cases"),
        "{m}"
    );
    a.insert(
        "feedback_loop_check".into(),
        text("A random 2% is never acted on, and outcomes are seen for every case."),
    );
    assert_eq!(message(&a, "feedback-loop"), None);
}

#[test]
fn verified_features_are_weighed_against_two_implementations() {
    let mut a = answers(&[
        ("serving_mode", text("online")),
        ("features_at_serving", text("yes_verified")),
        ("shared_feature_code", text("reimplemented")),
        ("skew_check", text("manual")),
    ]);
    let m = message(&a, "skew-risk").unwrap();
    assert!(
        m.contains("verified") && m.contains("Reimplemented for serving"),
        "{m}"
    );
    a.insert("skew_check".into(), text("automated"));
    assert_eq!(message(&a, "skew-risk"), None);
}

#[test]
fn no_people_and_no_personal_data_are_weighed_against_what_a_prediction_is_about() {
    let a = answers(&[
        ("decision_unit", text("person")),
        ("affects_people", Answer::Bool(false)),
        ("personal_data", Answer::Bool(false)),
    ]);
    assert!(message(&a, "people-affected-denied").is_some());
    assert!(message(&a, "personal-data-denied").is_some());
    let a = answers(&[
        ("decision_unit", text("item")),
        ("affects_people", Answer::Bool(false)),
        ("personal_data", Answer::Bool(false)),
    ]);
    assert_eq!(message(&a, "people-affected-denied"), None);
    assert_eq!(message(&a, "personal-data-denied"), None);
}

#[test]
fn an_automated_skew_check_needs_the_served_features() {
    let mut a = answers(&[
        ("serving_mode", text("online")),
        ("skew_check", text("automated")),
        ("serving_features_logged", Answer::Bool(false)),
    ]);
    assert!(message(&a, "skew-check-without-logs").is_some());
    a.insert("serving_features_logged".into(), Answer::Bool(true));
    assert_eq!(message(&a, "skew-check-without-logs"), None);
}
