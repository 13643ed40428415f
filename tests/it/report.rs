//! `kickoff report`: every plan under a directory in one table, markdown or JSON, sorted.

use crate::common;

use common::{kickoff, root};
use serde_json::Value;

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("plans/team")).unwrap();
    for (from, to) in [
        ("examples/churn-done-well.toml", "plans/churn.toml"),
        ("examples/fraud-flawed.toml", "plans/fraud.toml"),
        ("examples/demand-forecasting.toml", "plans/team/demand.toml"),
        (
            "questionnaires/ml-experiment.rules.toml",
            "plans/team.rules.toml",
        ),
    ] {
        std::fs::copy(root().join(from), dir.path().join(to)).unwrap();
    }
    dir
}

#[test]
fn the_portfolio_in_json_sorted_by_readiness() {
    let dir = repo();
    let run = kickoff(
        dir.path(),
        &["report", "plans", "--format", "json", "--sort", "readiness"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let plans = v["plans"].as_array().unwrap();
    let paths: Vec<&str> = plans.iter().map(|p| p["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), 3, "the rule pack is not a plan: {paths:?}");
    let scores: Vec<f64> = plans
        .iter()
        .map(|p| p["readiness"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{scores:?}");
    let fraud = plans
        .iter()
        .find(|p| p["path"] == "plans/fraud.toml")
        .unwrap();
    assert_eq!(
        fraud["project"],
        "DeepGuard: real-time card fraud detection"
    );
    assert_eq!(fraud["status"], "Draft");
    assert!(fraud["blockers"].as_u64().unwrap() > 0);
    assert_eq!(fraud["days_since_critique"], Value::Null);
    assert_eq!(fraud["updated"], "2026-11-21T11:05:00Z");
}

#[test]
fn a_table_and_markdown_with_a_bad_file_named() {
    let dir = repo();
    std::fs::write(
        dir.path().join("plans/bad.toml"),
        "questionnaire_version = \"4\"\nanswers = [\n",
    )
    .unwrap();
    let run = kickoff(dir.path(), &["report", "plans", "--sort", "blockers"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("plans/bad.toml:2:"), "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("PLAN "), "{}", run.stdout);
    assert!(lines[0].contains("READINESS") && lines[0].contains("LAST CRITIQUE"));
    assert!(
        lines[1].starts_with("plans/fraud.toml "),
        "most blockers first:\n{}",
        run.stdout
    );
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    let run = kickoff(
        dir.path(),
        &["report", "plans/churn.toml", "--format", "markdown"],
    );
    assert_eq!(run.code, Some(0));
    assert!(
        run.stdout.starts_with("| plan | project |"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("| plans/churn.toml | FreshBox churn risk scoring v1 |")
    );
}

/// A project's name cannot inject markup into a PR comment, nor break the terminal table.
#[test]
fn names_are_escaped_in_markdown_and_kept_to_one_line_in_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::root().join("examples/fraud-flawed.toml"))
        .unwrap()
        .replace(
            "project_name = \"DeepGuard: real-time card fraud detection\"",
            "project_name = \"a | b <img src=x onerror=alert(1)> [x](javascript:alert(1))\\n# H\"",
        );
    assert!(text.contains("onerror"), "the example's name changed");
    std::fs::write(dir.path().join("p.toml"), text).unwrap();
    let md = common::kickoff(dir.path(), &["report", "--format", "markdown", "."]).stdout;
    let row = md.lines().find(|l| l.contains("p.toml")).expect("a row");
    assert!(
        row.contains("\\<img") && row.contains("\\[x\\](javascript") && row.contains("\\# H"),
        "markup shows as text: {row}"
    );
    assert_eq!(row.matches(" | ").count(), 9, "ten cells: {row}");
    let table = common::kickoff(dir.path(), &["report", "."]).stdout;
    assert_eq!(
        table.lines().filter(|l| l.contains("p.toml")).count(),
        1,
        "{table}"
    );
    assert!(!table.lines().any(|l| l.starts_with("# H")), "{table}");
}
