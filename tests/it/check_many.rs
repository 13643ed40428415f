//! `kickoff check` over many files, directories and globs, and its CI formats: SARIF (validated
//! against the SARIF 2.1.0 schema vendored in tests/fixtures), GitHub workflow commands and
//! JUnit XML, each pointing at the line of the answer in the session file.

use crate::common;

use std::path::Path;

use common::{Run, kickoff, root};
use serde_json::Value;

/// A repository with plans in a tree: two examples (one clean of blockers, one flawed), a
/// corpus plan in a subdirectory, a rule pack and a questionnaire that are not plans.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("plans/team")).unwrap();
    for (from, to) in [
        ("examples/churn-done-well.toml", "plans/churn.toml"),
        ("examples/fraud-flawed.toml", "plans/fraud.toml"),
        ("tests/corpus/ad-ctr-flawed.toml", "plans/team/ad ctr.toml"),
        (
            "questionnaires/ml-experiment.rules.toml",
            "plans/team.rules.toml",
        ),
        ("questionnaires/ml-experiment.toml", "plans/team/q.toml"),
    ] {
        std::fs::copy(root().join(from), d.join(to)).unwrap();
    }
    dir
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// The line (1-based) of the first line of `file` that starts with `prefix`.
fn line_of(file: &Path, prefix: &str) -> usize {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in {}", file.display()))
        + 1
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}\nstdout: {}\nstderr: {}", run.stdout, run.stderr))
}

#[test]
fn a_directory_is_searched_for_plans_only_and_the_worst_file_decides() {
    let dir = repo();
    let run = kickoff(dir.path(), &["check", "plans"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    // Every plan reported, the rule pack and the questionnaire not taken for plans.
    for name in [
        "plans/churn.toml: ",
        "plans/fraud.toml: ",
        "plans/team/ad ctr.toml: ",
    ] {
        assert!(run.stdout.contains(name), "{name}\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("rules.toml"), "{}", run.stdout);
    assert!(
        run.stdout
            .ends_with("kickoff check: checked 3 files: 1 passed, 2 failed\n"),
        "{}",
        run.stdout
    );
    // Reported only: no count of passed files that reads as a verdict.
    let run = kickoff(dir.path(), &["check", "plans", "--fail-on", "never"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .ends_with("kickoff check: checked 3 files: not gated (--fail-on never)\n"),
        "{}",
        run.stdout
    );
    // All passing: 0.
    let run = kickoff(
        dir.path(),
        &["check", "plans/churn.toml", "plans/churn.toml"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.stdout.contains("checked 1 file: 1 passed, 0 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_bad_file_or_path_is_named_and_the_others_are_still_checked() {
    let dir = repo();
    let d = dir.path();
    std::fs::create_dir(d.join("empty")).unwrap();
    write(
        d,
        "plans/broken.toml",
        "questionnaire = \"ml-experiment\"\nquestionnaire_version = \"4\"\n[answers\n",
    );
    let run = kickoff(
        d,
        &[
            "check",
            "plans/churn.toml",
            "plans/broken.toml",
            "empty",
            "gone.toml",
        ],
    );
    assert_eq!(run.code, Some(2), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("plans/churn.toml: 0 blockers"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("plans/broken.toml:3:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("empty: no session files"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("gone.toml: cannot read"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("checked 1 file: 1 passed, 0 failed; 3 could not be checked"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_quoted_glob_is_expanded_by_kickoff() {
    let dir = repo();
    let run = kickoff(
        dir.path(),
        &["check", "plans/**/*.toml", "--format", "json"],
    );
    let v = json(&run);
    assert_eq!(v["schema"], "kickoff.check-many/1");
    let files: Vec<&str> = v["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "plans/churn.toml",
            "plans/fraud.toml",
            "plans/team/ad ctr.toml"
        ]
    );
    assert_eq!(v["counts"]["failed"], 2);
    assert_eq!(v["passed"], false);
    let run = kickoff(dir.path(), &["check", "nowhere/*.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("nowhere/*.toml: the pattern matches no session file")
    );
}

/// What the vendored SARIF 2.1.0 schema finds wrong with `v`.
fn sarif_errors(v: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/sarif-2.1.0-rtm.4.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    validator.iter_errors(v).map(|e| e.to_string()).collect()
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0_and_points_at_the_answers() {
    let dir = repo();
    let run = kickoff(dir.path(), &["check", "plans", "--format", "sarif"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let v = json(&run);
    let errors = sarif_errors(&v);
    assert!(errors.is_empty(), "{errors:#?}");

    let run0 = &v["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap();
    assert!(
        rule("no-baseline")["help"]["text"]
            .as_str()
            .unwrap()
            .starts_with("blocker: No baseline")
    );
    let results = run0["results"].as_array().unwrap();
    // A finding sits on the line of its answer, with the URI relative to where check ran.
    let fraud = dir.path().join("plans/fraud.toml");
    let split = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "plans/fraud.toml"
                && r["message"]["text"]
                    .as_str()
                    .is_some_and(|m| m.to_lowercase().contains("split"))
                && r["level"] == "error"
        })
        .expect("a blocker on the split in fraud.toml");
    let question = split["properties"]["title"].as_str().unwrap();
    let question = question.rsplit('`').nth(1).unwrap();
    assert_eq!(
        split["locations"][0]["physicalLocation"]["region"]["startLine"],
        line_of(&fraud, &format!("{question} ="))
    );
    // Each ruleIndex names its rule; a space in a path is encoded.
    for r in results {
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            r["ruleId"]
        );
    }
    assert!(results.iter().any(|r| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "plans/team/ad%20ctr.toml"
    }));
}

#[test]
fn an_open_question_points_at_the_answers_table() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "draft.toml",
        "questionnaire = \"ml-experiment\"\nquestionnaire_version = \"4\"\ncreated = \"2026-11-20T09:00:00Z\"\nupdated = \"2026-11-20T09:00:00Z\"\n\n# what we know so far\n[answers]\nproject_name = \"Churn\"\n",
    );
    let run = kickoff(d, &["check", "draft.toml", "--format", "github"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let open: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("title=open question"))
        .collect();
    assert!(!open.is_empty(), "{}", run.stdout);
    for l in &open {
        assert!(l.starts_with("::error file=draft.toml,line=7,"), "{l}");
    }
    // With --allow-open they are notices, and the check passes.
    let run = kickoff(
        d,
        &["check", "draft.toml", "--format", "github", "--allow-open"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("::notice file=draft.toml,line=7,title=open question")
    );
}

#[test]
fn junit_has_a_suite_per_file_and_a_failure_per_failing_rule() {
    let dir = repo();
    write(
        dir.path(),
        "plans/broken.toml",
        "questionnaire_version = \"4\"\nx = [\n",
    );
    let run = kickoff(dir.path(), &["check", "plans", "--format", "junit"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("kickoff: plans/broken.toml:2:"),
        "{}",
        run.stderr
    );
    let xml = &run.stdout;
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    assert_eq!(xml.matches("<testsuite ").count(), 4, "{xml}");
    assert!(xml.contains(
        "<testsuite name=\"plans/broken.toml\" tests=\"1\" failures=\"0\" errors=\"1\">"
    ));
    assert!(xml.contains("<testsuite name=\"plans/churn.toml\""));
    // The clean plan has test cases and no failure; the flawed one fails its blockers.
    let suite = |name: &str| {
        let start = xml.find(&format!("<testsuite name=\"{name}\"")).unwrap();
        let end = start + xml[start..].find("</testsuite>").unwrap();
        &xml[start..end]
    };
    assert!(!suite("plans/churn.toml").contains("<failure"));
    assert!(suite("plans/churn.toml").matches("<testcase ").count() > 50);
    let fraud = suite("plans/fraud.toml");
    let failures = fraud.matches("<failure").count();
    let declared = format!("failures=\"{failures}\"");
    assert!(failures > 0 && fraud.contains(&declared), "{fraud}");
    // Every element that opens is closed.
    assert_eq!(
        xml.matches("<testcase ").count(),
        xml.matches("/>").count() + xml.matches("</testcase>").count()
    );
}

#[test]
fn one_file_keeps_its_report_as_it_was() {
    let dir = repo();
    // A single file: no summary line and the one-file JSON document.
    let run = kickoff(dir.path(), &["check", "plans/churn.toml"]);
    assert!(
        !run.stdout.contains("kickoff check: checked"),
        "{}",
        run.stdout
    );
    let run = kickoff(
        dir.path(),
        &["check", "plans/churn.toml", "--format", "json"],
    );
    assert_eq!(json(&run)["schema"], "kickoff.check/1");
}

/// A FIFO or a link to /dev/zero named like a plan cannot hang a scan (anyone who can add a
/// file to the repository could otherwise stall CI): they are not regular files, so not plans.
#[test]
fn a_fifo_or_a_device_named_like_a_plan_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("examples/churn-done-well.toml"),
        dir.path().join("good.toml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.toml")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.kickoff.toml"))
        .status();
    assert!(fifo.is_ok_and(|s| s.success()), "mkfifo");
    let run = kickoff(dir.path(), &["check", "."]);
    assert!(
        run.stdout.contains("good.toml"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(!run.stdout.contains("zero.toml") && !run.stdout.contains("pipe"));
    // Named on the command line, it is refused with a reason, not read.
    let run = kickoff(dir.path(), &["render", "zero.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
}

/// GitHub reads an annotation's file as the path, with only the workflow-command escapes: a
/// space or a non-ASCII letter stays as it is (percent-encoding it sent the note nowhere).
#[test]
fn github_annotations_name_a_path_with_spaces_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("my plans")).unwrap();
    std::fs::copy(
        root().join("examples/fraud-flawed.toml"),
        dir.path().join("my plans/café plan.toml"),
    )
    .unwrap();
    let run = kickoff(dir.path(), &["check", "--format", "github", "my plans"]);
    assert!(
        run.stdout.contains("file=my plans/café plan.toml,line="),
        "{}",
        run.stdout
    );
}

/// A quick session says so in every CI format: a note on its first line that names what waits.
#[test]
fn a_quick_session_is_a_note_in_sarif_github_and_junit() {
    let dir = tempfile::tempdir().unwrap();
    common::quick_copy_waiting("churn-done-well.toml", dir.path(), "q.toml");
    let run = kickoff(dir.path(), &["check", "q.toml", "--format", "sarif"]);
    let v = json(&run);
    let errors = sarif_errors(&v);
    assert!(errors.is_empty(), "{errors:#?}");
    let results = v["runs"][0]["results"].as_array().unwrap();
    let note = results
        .iter()
        .find(|r| r["ruleId"] == "quick-kickoff")
        .expect("a quick-kickoff result");
    assert_eq!(note["level"], "note");
    assert!(
        note["message"]["text"]
            .as_str()
            .unwrap()
            .contains("retrain-before-labels")
    );
    let run = kickoff(dir.path(), &["check", "q.toml", "--format", "github"]);
    assert!(
        run.stdout
            .contains("::notice file=q.toml,line=1,title=quick kickoff::Quick kickoff: "),
        "{}",
        run.stdout
    );
    let run = kickoff(dir.path(), &["check", "q.toml", "--format", "junit"]);
    assert!(
        run.stdout.contains("name=\"quick-kickoff: quick kickoff\""),
        "{}",
        run.stdout
    );
}

#[test]
fn a_file_that_cannot_be_read_as_a_session_is_pointed_at_its_line_in_every_format() {
    // A merge's conflict markers left in a plan, line 41: SARIF, GitHub and JSON point there,
    // as the message does, not at line 1.
    let dir = repo();
    let d = dir.path();
    let mut lines: Vec<String> = std::fs::read_to_string(d.join("plans/churn.toml"))
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    lines[40] = "<<<<<<< HEAD".into();
    write(d, "plans/merged.toml", &(lines.join("\n") + "\n"));

    let run = kickoff(d, &["check", "plans", "--format", "sarif"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let v = json(&run);
    let notes = v["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let note = notes
        .iter()
        .find(|n| {
            n["message"]["text"]
                .as_str()
                .unwrap()
                .contains("merged.toml:41:")
        })
        .unwrap_or_else(|| panic!("{notes:?}"));
    let region = &note["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 41, "{note}");

    let run = kickoff(d, &["check", "plans", "--format", "github"]);
    assert!(
        run.stdout
            .contains("::error file=plans/merged.toml,line=41,title=kickoff check::"),
        "{}",
        run.stdout
    );

    let run = kickoff(d, &["check", "plans", "--format", "json"]);
    let errors = json(&run)["errors"].as_array().unwrap().clone();
    let error = errors
        .iter()
        .find(|e| e["path"] == "plans/merged.toml")
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(error["line"], 41, "{error}");

    // A path with nothing to read has no line to point at: line 1, and none in JSON.
    let args = ["check", "gone.toml", "plans/churn.toml", "--format", "json"];
    let run = kickoff(d, &args);
    let errors = json(&run)["errors"].as_array().unwrap().clone();
    assert_eq!(errors[0]["path"], "gone.toml", "{errors:?}");
    assert_eq!(errors[0].get("line"), None, "{errors:?}");
}
