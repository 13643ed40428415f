//! Big inputs take time in proportion to their size: thousands of responses, a long
//! `supersedes` chain, a template of tens of thousands of expressions. Each run has a hang
//! guard far above what it takes (a second or two in a debug build); none asserts a speed.

use std::path::Path;
use std::time::Duration;

use crate::common::root;
use crate::guarded::kickoff_within;

const GUARD: Duration = Duration::from_secs(60);

fn mini_plan(dir: &Path) {
    std::fs::copy(
        root().join("tests/fixtures/mini.toml"),
        dir.join("mini.toml"),
    )
    .unwrap();
    let version = crate::common::mini().questionnaire.version;
    let plan = format!(
        "questionnaire = \"mini\"\nquestionnaire_version = \"{version}\"\n\
         questionnaire_path = \"mini.toml\"\n\
         created = \"2025-01-01T00:00:00Z\"\nupdated = \"2025-01-01T00:00:00Z\"\n\n\
         [answers]\nname = \"Churn\"\ntask = \"classification\"\npositive_rate = 0.2\n"
    );
    std::fs::write(dir.join("plan.toml"), plan).unwrap();
}

#[test]
fn twenty_thousand_responses_are_checked_and_each_placed_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = std::fs::read_to_string(root().join("examples/fraud-flawed.toml")).unwrap();
    for i in 0..20_000 {
        text.push_str(&format!(
            "\n[responses.\"gone-{i}\"]\nstatus = \"wont_fix\"\nreason = \"r\"\n"
        ));
    }
    std::fs::write(dir.path().join("plan.toml"), &text).unwrap();
    let (run, took) = kickoff_within(
        dir.path(),
        &["check", "plan.toml", "--format", "github"],
        &[],
        GUARD,
    );
    eprintln!("20,000 responses: {took:?}");
    let last = text
        .lines()
        .position(|l| l == "[responses.\"gone-19999\"]")
        .unwrap()
        + 1;
    assert!(
        run.stdout.contains(&format!("line={last},")),
        "{}",
        &run.stdout[run.stdout.len().saturating_sub(2000)..]
    );
}

#[test]
fn a_chain_of_five_thousand_supersedes_loads_and_shows_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    mini_plan(dir.path());
    let n = 5_000;
    let mut pack = String::from("questionnaire = \"mini\"\n");
    for i in 0..n {
        let supersedes = if i + 1 < n {
            format!("supersedes = [\"r{}\"]\n", i + 1)
        } else {
            String::new()
        };
        pack.push_str(&format!(
            "\n[[rules]]\nid = \"r{i}\"\nseverity = \"warning\"\nquestions = [\"task\"]\n\
             when = \"answered(task)\"\nmessage = \"m {i}\"\n{supersedes}"
        ));
    }
    std::fs::write(dir.path().join("chain.rules.toml"), pack).unwrap();
    let (run, took) = kickoff_within(
        dir.path(),
        &["check", "plan.toml", "--rules", "chain.rules.toml"],
        &[],
        GUARD,
    );
    eprintln!("5,000 rules in a chain: {took:?}");
    // r0 stands for every other one.
    assert!(run.stdout.contains("m 0"), "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("m 1\n"), "{}", run.stdout);
}

#[test]
fn a_template_of_forty_thousand_expressions_renders() {
    let dir = tempfile::tempdir().unwrap();
    mini_plan(dir.path());
    let template: String = (0..40_000)
        .map(|i| format!("{{% if true %}}{{{{ {i} }}}}{{% endif %}} {{# c #}}\n"))
        .collect();
    std::fs::write(dir.path().join("big.md.j2"), template).unwrap();
    let (run, took) = kickoff_within(
        dir.path(),
        &[
            "render",
            "plan.toml",
            "--template",
            "big.md.j2",
            "-o",
            "doc.md",
        ],
        &[],
        GUARD,
    );
    eprintln!("40,000 expressions: {took:?}");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc = std::fs::read_to_string(dir.path().join("doc.md")).unwrap();
    assert!(doc.contains("39999"));
}
