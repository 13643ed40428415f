//! The example sessions in `examples/` and the built-in rule pack: each example loads cleanly,
//! answers every question it is asked, and gets the findings a senior reviewer would give; every
//! built-in rule passes its own cases.

use std::collections::BTreeSet;
use std::path::PathBuf;

use kickoff::Finding;
use kickoff::{Answers, Bundle, Severity};

const EXAMPLES: &[&str] = &[
    "churn-done-well.toml",
    "fraud-flawed.toml",
    "demand-forecasting.toml",
    "ticket-triage-llm.toml",
];

fn example_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn builtin() -> Bundle {
    Bundle::builtin("ml-experiment")
        .expect("built in")
        .expect("the built-in questionnaire and its rules load")
}

/// Loads an example and returns its findings, after checking that it is a clean, fully answered
/// session.
fn findings_of(name: &str) -> Vec<Finding> {
    let path = example_path(name);
    let (bundle, session) =
        kickoff::open(&path, None).unwrap_or_else(|e| panic!("{name} does not open: {e}"));
    let problems = session.problems(&bundle.questionnaire);
    assert!(
        problems.is_empty(),
        "{name}: answers that don't fit: {:?}",
        problems
            .iter()
            .map(|p| format!("{}: {}", p.subject, p.message))
            .collect::<Vec<_>>()
    );
    let review = bundle.review(&session.answers);
    let q = &bundle.questionnaire;
    let unanswered: Vec<&str> = (0..q.len())
        .filter(|&i| review.visible[i] && !review.asked.contains_key(&q.question(i).id))
        .map(|i| q.question(i).id.as_str())
        .collect();
    assert!(
        unanswered.is_empty(),
        "{name}: asked but not answered: {unanswered:?}"
    );
    let hidden: Vec<&String> = session
        .answers
        .keys()
        .filter(|id| q.index_of(id).is_some_and(|i| !review.visible[i]))
        .collect();
    assert!(
        hidden.is_empty(),
        "{name}: answers to questions that are not asked: {hidden:?}"
    );
    for f in &review.findings {
        assert!(
            !f.message.contains("{{") && !f.message.contains("{%"),
            "{name}: rule `{}` message did not render: {}",
            f.rule,
            f.message
        );
    }
    review.findings
}

fn ids(findings: &[Finding], severity: Severity) -> BTreeSet<&str> {
    findings
        .iter()
        .filter(|f| f.severity == severity)
        .map(|f| f.rule.as_str())
        .collect()
}

fn set<'a>(ids: &[&'a str]) -> BTreeSet<&'a str> {
    ids.iter().copied().collect()
}

#[test]
fn every_example_is_clean_and_fully_answered() {
    for name in EXAMPLES {
        findings_of(name);
    }
}

#[test]
fn churn_done_well_has_no_blocker_and_one_warning() {
    let findings = findings_of("churn-done-well.toml");
    assert_eq!(ids(&findings, Severity::Blocker), set(&[]), "{findings:#?}");
    // The one gap a reviewer would raise: every number comes from a single run.
    assert_eq!(
        ids(&findings, Severity::Warning),
        set(&["no-variance"]),
        "{findings:#?}"
    );
    assert_eq!(ids(&findings, Severity::Info), set(&[]), "{findings:#?}");
}

#[test]
fn fraud_flawed_gets_the_blockers_a_reviewer_would_give() {
    let findings = findings_of("fraud-flawed.toml");
    assert_eq!(
        ids(&findings, Severity::Blocker),
        set(&[
            "accuracy-on-imbalance", // accuracy at a 0.2% positive rate
            "fit-before-split",      // SMOTE and scaling on all data
            "no-monitoring",         // nothing watched once it serves
            "no-rollback",           // no way back to the previous model
            "pii-no-plan",           // cardholder data, privacy plan "TBD"
            "random-split-on-time",  // random split of timestamped transactions (and cards)
            "test-set-reused",       // threshold picked on the test set
            // age and postcode in an automated decision, no results per group
            "sensitive-no-fairness-check",
        ]),
        "{findings:#?}"
    );
    // One flaw, one finding: the random split's blocker also says what group-leak would.
    let split = findings
        .iter()
        .find(|f| f.rule == "random-split-on-time")
        .unwrap();
    assert!(
        split.message.contains("same entity in train and test"),
        "{}",
        split.message
    );
    let warnings = ids(&findings, Severity::Warning);
    for expected in [
        "deep-first", // which also says there is no simple baseline
        "not-an-ml-problem",
        "no-kill-criteria",
        "proxy-unlinked",
        "serving-features-unverified",
        "no-data-versioning",
        "notebook-production",
        "cost-owner-missing",
        "skew-risk",
        "big-bang-rollout",
        "no-retrain-plan",
        "feedback-loop",
        "delayed-labels", // 60 days, and nothing monitored at all
    ] {
        assert!(
            warnings.contains(expected),
            "fraud-flawed: expected warning `{expected}`, got {warnings:?}"
        );
    }
    let info = ids(&findings, Severity::Info);
    assert!(info.contains("overbuilt") && info.contains("feature-store-premature"));
    // The message quotes the answer and does the arithmetic.
    let accuracy = findings
        .iter()
        .find(|f| f.rule == "accuracy-on-imbalance")
        .unwrap();
    assert!(accuracy.message.contains("0.002"), "{}", accuracy.message);
    assert!(accuracy.message.contains("99.8%"), "{}", accuracy.message);
}

#[test]
fn demand_forecasting_gets_a_few_realistic_findings() {
    let findings = findings_of("demand-forecasting.toml");
    // Weather actuals in training, only forecasts at serving time: said in the answer to
    // the question, and in the features' table; one flaw, so one finding, the one that names
    // the feature.
    assert_eq!(
        ids(&findings, Severity::Blocker),
        set(&["feature-known-later"]),
        "{findings:#?}"
    );
    let known_later = findings
        .iter()
        .find(|f| f.rule == "feature-known-later")
        .unwrap();
    assert!(
        known_later
            .message
            .starts_with("daily weather actuals: not known"),
        "{}",
        known_later.message
    );
    assert_eq!(
        ids(&findings, Severity::Warning),
        set(&["feedback-loop", "skew-risk"]),
        "{findings:#?}"
    );
    assert_eq!(
        ids(&findings, Severity::Info),
        set(&["feature-store-premature"]),
        "{findings:#?}"
    );
}

#[test]
fn llm_ticket_triage_is_a_language_problem_and_passes() {
    let findings = findings_of("ticket-triage-llm.toml");
    assert_eq!(ids(&findings, Severity::Blocker), set(&[]), "{findings:#?}");
    assert_eq!(
        ids(&findings, Severity::Warning),
        set(&["duplicates-unchecked"]),
        "{findings:#?}"
    );
    assert!(!findings.iter().any(|f| f.rule == "llm-for-non-language"));
}

#[test]
fn every_builtin_rule_passes_its_cases_and_has_both_kinds() {
    // The cases are in the TOML files, not in what the binary loads on start.
    let bundle = Bundle::builtin_checked("ml-experiment").unwrap().unwrap();
    let failures = bundle.critic.run_cases(&bundle.questionnaire);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        bundle.critic.rules.len() >= 45,
        "{} rules",
        bundle.critic.rules.len()
    );
    for rule in &bundle.critic.rules {
        let cases = &rule.def.cases;
        assert!(
            cases.iter().any(|c| c.fires),
            "rule `{}` has no case where it fires",
            rule.def.id
        );
        assert!(
            cases.iter().any(|c| !c.fires),
            "rule `{}` has no case where it stays quiet",
            rule.def.id
        );
        // Where it fires, the message renders (no template left over) and names the rule.
        for case in cases.iter().filter(|c| c.fires) {
            // Every finding that fired, also one another rule supersedes.
            let fired = bundle.review(&case.answers).fired;
            let f = fired.iter().find(|f| f.rule == rule.def.id).expect("fires");
            assert!(
                !f.message.contains("{{") && !f.message.contains("{%") && f.message.len() > 60,
                "rule `{}`: {}",
                rule.def.id,
                f.message
            );
            assert!(
                !f.reference.is_empty(),
                "rule `{}` has no reference",
                rule.def.id
            );
        }
    }
}

#[test]
fn every_rubric_check_is_a_rule_with_the_rubric_severity() {
    use Severity::*;
    let rubric = [
        ("no-baseline", Blocker),
        ("baseline-unscored", Warning),
        ("no-simple-baseline", Warning),
        ("no-success-target", Blocker),
        ("proxy-unlinked", Warning),
        ("accuracy-on-imbalance", Blocker),
        ("no-error-costs", Warning),
        ("no-guardrails", Warning),
        ("random-split-on-time", Blocker),
        ("group-leak", Blocker),
        ("fit-before-split", Blocker),
        ("duplicates-unchecked", Warning),
        ("test-set-reused", Blocker),
        ("future-feature", Blocker),
        ("no-slices", Warning),
        ("no-variance", Warning),
        ("labels-unaudited", Warning),
        ("delayed-labels", Warning),
        ("no-monitoring", Blocker),
        ("ops-only-monitoring", Warning),
        ("alert-no-owner", Warning),
        ("skew-risk", Warning),
        ("no-retrain-plan", Warning),
        ("no-rollback", Blocker),
        ("big-bang-rollout", Warning),
        ("no-predeploy-gate", Warning),
        ("no-fallback", Warning),
        ("unversioned", Warning),
        ("no-compute-budget", Warning),
        ("feedback-loop", Warning),
        ("pii-no-plan", Blocker),
        ("no-subgroup-eval", Warning),
        ("no-kill-criteria", Warning),
        ("deep-first", Warning),
        ("notebook-production", Warning),
        ("feature-store-premature", Info),
        ("overbuilt", Info),
    ];
    let bundle = builtin();
    for (id, severity) in rubric {
        let rule = bundle
            .critic
            .rules
            .iter()
            .find(|r| r.def.id == id)
            .unwrap_or_else(|| panic!("no rule `{id}`"));
        assert_eq!(rule.def.severity, severity, "rule `{id}`");
    }
}

#[test]
fn a_fresh_session_gets_no_findings() {
    let bundle = builtin();
    let findings = bundle.critic.run(&bundle.questionnaire, &Answers::new());
    assert!(findings.is_empty(), "{findings:#?}");
}

/// A half-filled session only hears about what the user has seen: no finding points past the
/// last answered section.
#[test]
fn a_half_filled_session_gets_no_findings_ahead_of_the_user() {
    let bundle = builtin();
    let q = &bundle.questionnaire;
    let cut = q.index_of("data_sources").unwrap();
    let (_, session) = kickoff::open(&example_path("fraud-flawed.toml"), None).unwrap();
    let partial: Answers = session
        .answers
        .into_iter()
        .filter(|(id, _)| q.index_of(id).is_some_and(|i| i < cut))
        .collect();
    let findings = bundle.critic.run(q, &partial);
    assert!(!findings.is_empty());
    for f in &findings {
        let at = q.index_of(&f.question).unwrap();
        assert!(at < cut, "`{}` points ahead, at `{}`", f.rule, f.question);
    }
    let rules: BTreeSet<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(rules.contains("accuracy-on-imbalance") && rules.contains("deep-first"));
}
