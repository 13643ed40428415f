//! `kickoff freeze` end to end: a frozen plan whose primary metric changes fails `check`,
//! naming the change, until the team records why; the doc lists it; unfreezing is recorded.

use crate::common::{self, kickoff};

fn frozen_copy(dir: &std::path::Path) {
    std::fs::copy(common::example("churn-done-well.toml"), dir.join("p.toml")).unwrap();
    let run = kickoff(dir, &["freeze", "p.toml", "--by", "Marta Silva"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("frozen at"), "{}", run.stdout);
}

fn change_primary_metric(dir: &std::path::Path) {
    let path = dir.join("p.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "primary_metric = \"recall_at_precision\"",
        "primary_metric = \"pr_auc\"",
    );
    std::fs::write(&path, text).unwrap();
}

#[test]
fn a_changed_primary_metric_after_the_freeze_fails_check_until_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    frozen_copy(d);
    assert_eq!(
        kickoff(d, &["check", "p.toml"]).code,
        Some(0),
        "frozen, unchanged"
    );
    change_primary_metric(d);
    let run = kickoff(d, &["check", "p.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("`primary_metric` changed since the plan was frozen"),
        "{}",
        run.stdout
    );
    let doc = kickoff(d, &["render", "p.toml"]).stdout;
    assert!(doc.contains("Changes since the plan was frozen"), "{doc}");
    assert!(doc.contains("No reason recorded"), "{doc}");

    let bad = kickoff(
        d,
        &[
            "respond",
            "p.toml",
            "freeze:primary_metric",
            "wont-fix",
            "--reason",
            "x",
        ],
    );
    assert_eq!(bad.code, Some(2), "{}", bad.stdout);
    let run = kickoff(
        d,
        &[
            "respond",
            "p.toml",
            "freeze:primary_metric",
            "accepted-risk",
            "--reason",
            "the model review uses PR-AUC",
            "--owner",
            "Marta",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let run = kickoff(d, &["check", "p.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.stdout.contains("1 recorded deviation"),
        "{}",
        run.stdout
    );
    let doc = kickoff(d, &["render", "p.toml"]).stdout;
    assert!(doc.contains("the model review uses PR-AUC"), "{doc}");
    let diff = kickoff(
        d,
        &[
            "diff",
            "p.toml",
            &common::example("churn-done-well.toml")
                .display()
                .to_string(),
        ],
    );
    assert_eq!(diff.code, Some(0), "{}", diff.stderr);
}

#[test]
fn unfreezing_needs_a_reason_and_a_name_and_ends_the_deviations() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    frozen_copy(d);
    change_primary_metric(d);
    let run = kickoff(d, &["freeze", "p.toml", "--unfreeze"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("--by"), "{}", run.stderr);
    let run = kickoff(
        d,
        &[
            "freeze",
            "p.toml",
            "--unfreeze",
            "--by",
            "Ana",
            "--reason",
            "new target agreed",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(kickoff(d, &["check", "p.toml"]).code, Some(0));
    let text = std::fs::read_to_string(d.join("p.toml")).unwrap();
    assert!(
        text.contains("[[freeze.unfrozen]]") && text.contains("new target agreed"),
        "{text}"
    );
}

#[test]
fn a_hand_edited_freeze_hash_is_named_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    frozen_copy(d);
    let path = d.join("p.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("primary_metric = \"").unwrap();
    let line_end = text[start..].find('\n').unwrap() + start;
    // The second `primary_metric = "` is the hash line under [freeze.answers].
    let hash_at = text[line_end..]
        .find("primary_metric = \"")
        .map(|i| i + line_end)
        .unwrap();
    let mut edited = text.clone();
    edited.replace_range(
        hash_at..hash_at + "primary_metric = \"".len() + 12,
        "primary_metric = \"000000000000",
    );
    std::fs::write(&path, edited).unwrap();
    let run = kickoff(d, &["check", "p.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stdout.contains("edited by hand"), "{}", run.stdout);
}
