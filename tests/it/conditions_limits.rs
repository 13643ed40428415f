//! Conditions and rule messages that are too long, or that name a filter, test or function
//! that does not exist, are refused when a file is validated or loaded, naming the file and
//! the line: not a stack overflow, not a condition silently false.

use std::path::Path;
use std::time::Duration;

use crate::common::root;
use crate::guarded::kickoff_within;

const LIMIT: Duration = Duration::from_secs(60);

/// The mini questionnaire with `positive_rate`'s `when` replaced.
fn questionnaire_with_when(dir: &Path, name: &str, when: &str) {
    let text = std::fs::read_to_string(root().join("tests/fixtures/mini.toml")).unwrap();
    let old = "when = \"task == 'classification'\"";
    assert!(text.contains(old));
    let text = text.replace(old, &format!("when = \"{when}\""));
    std::fs::write(dir.join(name), text).unwrap();
}

/// The line of `file` where the question `positive_rate` starts, which problems with its
/// `when` name.
fn question_line(file: &Path) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines()
        .position(|l| l.contains("id = \"positive_rate\""))
        .unwrap()
        + 1
}

fn session(questionnaire_path: &str) -> String {
    let version = crate::common::mini().questionnaire.version;
    format!(
        "questionnaire = \"mini\"\nquestionnaire_version = \"{version}\"\n\
         questionnaire_path = \"{questionnaire_path}\"\n\
         created = \"2025-01-01T00:00:00Z\"\nupdated = \"2025-01-01T00:00:00Z\"\n\n\
         [answers]\nname = \"Churn\"\ntask = \"classification\"\npositive_rate = 0.2\n"
    )
}

#[test]
fn a_when_of_30000_terms_is_refused_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let when = vec!["task == 'classification'"; 30_000].join(" or ");
    questionnaire_with_when(dir.path(), "big.toml", &when);
    let line = question_line(&dir.path().join("big.toml"));
    let (run, _) = kickoff_within(
        dir.path(),
        &["questionnaire", "validate", "big.toml"],
        &[],
        LIMIT,
    );
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains(&format!("big.toml:{line}:")), "{all}");
    assert!(all.contains("too long"), "{all}");
}

#[test]
fn a_rule_pack_with_a_30000_term_when_is_refused_by_check_rules() {
    let dir = tempfile::tempdir().unwrap();
    let when = vec!["task == 'classification'"; 30_000].join(" or ");
    let pack = format!(
        "questionnaire = \"mini\"\n\n[[rules]]\nid = \"long\"\nseverity = \"warning\"\nquestions = [\"task\"]\nwhen = \"{when}\"\nmessage = \"m\"\n"
    );
    std::fs::write(dir.path().join("long.rules.toml"), pack).unwrap();
    std::fs::write(dir.path().join("plan.toml"), session("mini.toml")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/mini.toml"),
        dir.path().join("mini.toml"),
    )
    .unwrap();
    let (run, _) = kickoff_within(
        dir.path(),
        &["check", "plan.toml", "--rules", "long.rules.toml"],
        &[],
        LIMIT,
    );
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("long.rules.toml:4: rule `long`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("too long"), "{}", run.stderr);
}

#[test]
fn one_plan_with_a_bad_questionnaire_does_not_stop_check_of_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join("plans");
    std::fs::create_dir_all(&plans).unwrap();
    let when = vec!["task == 'classification'"; 30_000].join(" or ");
    questionnaire_with_when(dir.path(), "big.toml", &when);
    std::fs::copy(
        root().join("tests/fixtures/mini.toml"),
        dir.path().join("mini.toml"),
    )
    .unwrap();
    std::fs::write(plans.join("a-bad.toml"), session("../big.toml")).unwrap();
    std::fs::write(plans.join("b-good.toml"), session("../mini.toml")).unwrap();
    let (run, _) = kickoff_within(dir.path(), &["check", "plans"], &[], LIMIT);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("b-good.toml"), "{}", run.stdout);
    assert!(run.stderr.contains("big.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("too long"), "{}", run.stderr);
}

#[test]
fn unknown_filters_tests_and_functions_are_refused_at_validation() {
    let dir = tempfile::tempdir().unwrap();
    for (when, unknown) in [
        ("task | lenght > 3", "unknown filter `lenght`"),
        (
            "task is classificationish",
            "unknown test `classificationish`",
        ),
        ("answerd(task)", "unknown function `answerd`"),
    ] {
        questionnaire_with_when(dir.path(), "q.toml", when);
        let line = question_line(&dir.path().join("q.toml"));
        let (run, _) = kickoff_within(
            dir.path(),
            &["questionnaire", "validate", "q.toml"],
            &[],
            LIMIT,
        );
        let all = format!("{}{}", run.stdout, run.stderr);
        assert_eq!(run.code, Some(2), "{all}");
        assert!(all.contains(&format!("q.toml:{line}:")), "{all}");
        assert!(all.contains(unknown), "{all}");
    }
    // A rule message: a filter in a branch that a render on no answers never reaches.
    std::fs::copy(
        root().join("tests/fixtures/mini.toml"),
        dir.path().join("mini.toml"),
    )
    .unwrap();
    let pack = "questionnaire = \"mini\"\n\n[[rules]]\nid = \"r\"\nseverity = \"warning\"\nquestions = [\"task\"]\nwhen = \"answered(task)\"\nmessage = \"{% if task %}{{ task | uper }}{% endif %}\"\n";
    std::fs::write(dir.path().join("r.rules.toml"), pack).unwrap();
    let (run, _) = kickoff_within(
        dir.path(),
        &[
            "questionnaire",
            "validate",
            "mini.toml",
            "--rules",
            "r.rules.toml",
        ],
        &[],
        LIMIT,
    );
    let all = format!("{}{}", run.stdout, run.stderr);
    assert_eq!(run.code, Some(2), "{all}");
    assert!(all.contains("r.rules.toml:4:"), "{all}");
    assert!(all.contains("unknown filter `uper`"), "{all}");
}
