//! `kickoff diff`: two plans compared by question (text, markdown, JSON), a file against a git
//! revision, and the textconv that makes `git diff` and `git log -p` read by question, with real
//! `git` in temporary repositories.

use crate::common;
use kickoff::Load as _;

use std::path::Path;
use std::process::Command;

use common::*;

/// The flawed example, and a later version of it: a choice changed, a long text changed by a
/// word, an answer removed and a required one too.
fn two_versions(dir: &Path) {
    let before = read(&example("fraud-flawed.toml"));
    std::fs::write(dir.join("a.toml"), &before).unwrap();
    let after = before
        .replacen("task = \"classification\"", "task = \"ranking\"", 1)
        .replacen("DeepGuard will replace", "DeepGuard will assist", 1)
        .replacen("plan_version = \"0.1\"\n", "", 1)
        .replacen("modality = \"tabular\"\n", "", 1);
    assert_ne!(before, after);
    std::fs::write(dir.join("b.toml"), after).unwrap();
}

#[test]
fn text_shows_answers_by_section_findings_readiness_and_open_questions() {
    let dir = tempfile::tempdir().unwrap();
    two_versions(dir.path());
    let run = kickoff(dir.path(), &["diff", "a.toml", "b.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = run.stdout;
    assert!(out.starts_with("a.toml → b.toml\n"), "{out}");
    assert!(!out.contains('\x1b'), "no colour when piped:\n{out}");
    assert!(
        out.contains("\nAbout this document\n  - plan_version (Which version of the plan is this?)\n      - 0.1\n"),
        "{out}"
    );
    assert!(
        out.contains("  ~ task (What kind of prediction is it?)\n      - Classification (a label per item)\n      + Ranking / recommendation (an order of items)\n"),
        "{out}"
    );
    assert!(
        out.contains("DeepGuard will [-replace-]{+assist+} the rules engine"),
        "a long text word by word:\n{out}"
    );
    assert!(
        out.contains("  fixed blocker  accuracy-on-imbalance (primary_metric): "),
        "{out}"
    );
    assert!(
        out.contains("  new   warning  metric-misfits-decision (primary_metric): "),
        "{out}"
    );
    assert!(out.contains("\nReadiness: 0.0 ("), "{out}");
    assert!(
        out.contains("\nOpen questions: 2 → 3\n  newly open: modality\n"),
        "{out}"
    );

    let same = kickoff(dir.path(), &["diff", "a.toml", "a.toml"]);
    assert!(same.stdout.contains("No differences"), "{}", same.stdout);
}

#[test]
fn markdown_and_json() {
    let dir = tempfile::tempdir().unwrap();
    two_versions(dir.path());
    let md = kickoff(
        dir.path(),
        &["diff", "a.toml", "b.toml", "--format", "markdown"],
    )
    .stdout;
    assert!(
        md.starts_with("### Plan changes: `a.toml` → `b.toml`\n"),
        "{md}"
    );
    assert!(md.contains("~~replace~~ **assist**"), "{md}");
    assert!(
        md.contains("(changed): ~~Classification (a label per item)~~ → Ranking / recommendation (an order of items)"),
        "{md}"
    );
    assert!(
        md.contains("| fixed | blocker | `accuracy-on-imbalance` | `primary_metric` |"),
        "{md}"
    );
    assert!(md.contains("- newly open: `modality`"), "{md}");

    let json = kickoff(
        dir.path(),
        &["diff", "a.toml", "b.toml", "--format", "json"],
    )
    .stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let answers: Vec<(String, String)> = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["answers"].as_array().unwrap().iter())
        .map(|a| {
            (
                a["question"].as_str().unwrap().to_string(),
                a["change"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        answers,
        [
            ("plan_version".to_string(), "removed".to_string()),
            ("decision".into(), "changed".into()),
            ("task".into(), "changed".into()),
            ("modality".into(), "removed".into()),
        ]
    );
    assert_eq!(v["findings_fixed"][0]["rule"], "accuracy-on-imbalance");
    assert_eq!(
        v["open_after"],
        serde_json::json!(["modality", "kill_criteria", "privacy_plan"])
    );
    assert!(v["readiness_before"]["score"].is_number(), "{json}");
}

#[test]
fn colour_only_when_asked() {
    let a = kickoff::Session::load(&example("fraud-flawed.toml")).unwrap();
    let mut b = a.clone();
    b.set("task", Some(kickoff::Answer::Text("ranking".into())));
    let bundle = builtin();
    let plan = |label: &str, session| kickoff::diff::Plan {
        label: label.into(),
        bundle: &bundle,
        session,
    };
    let d = kickoff::diff::diff(&plan("a", &a), &plan("b", &b));
    assert!(kickoff::diff::to_text(&d, true).contains("\x1b[31m- Classification"));
    assert!(!kickoff::diff::to_text(&d, false).contains('\x1b'));
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_PAGER", "cat")
        .output()
        .expect("git runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "git {args:?}: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// A repository with the flawed example committed as `plan/kickoff.toml`, then changed and
/// committed again, with the diff driver set up as the README says.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["config", "user.email", "t@example.com"]);
    git(d, &["config", "user.name", "t"]);
    let textconv = format!("{} diff --textconv", bin().display());
    git(d, &["config", "diff.kickoff.textconv", &textconv]);
    git(d, &["config", "diff.kickoff.xfuncname", "^## .*$"]);
    std::fs::write(d.join(".gitattributes"), "kickoff.toml diff=kickoff\n").unwrap();
    std::fs::create_dir(d.join("plan")).unwrap();
    let file = d.join("plan/kickoff.toml");
    std::fs::write(&file, read(&example("fraud-flawed.toml"))).unwrap();
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "first"]);
    let text = read(&file).replacen("task = \"classification\"", "task = \"ranking\"", 1);
    std::fs::write(&file, text).unwrap();
    git(d, &["commit", "-qam", "ranking"]);
    dir
}

#[test]
fn a_file_against_a_git_revision() {
    let repo = repo();
    let d = repo.path();
    // From another directory, with the file's path: git reads it from the file's own one.
    let run = kickoff(d, &["diff", "plan/kickoff.toml", "--rev", "HEAD~1"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("HEAD~1:plan/kickoff.toml → plan/kickoff.toml\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("+ Ranking / recommendation"),
        "{}",
        run.stdout
    );
    let none = kickoff(d, &["diff", "plan/kickoff.toml", "--rev", "HEAD"]);
    assert!(none.stdout.contains("No differences"), "{}", none.stdout);

    let bad = kickoff(d, &["diff", "plan/kickoff.toml", "--rev", "no-such-rev"]);
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr
            .starts_with("kickoff: plan/kickoff.toml: cannot read it at revision `no-such-rev`: "),
        "{}",
        bad.stderr
    );
    // A revision that git would read as an option is refused before git runs.
    let out = d.join("written-by-git");
    let option = format!("--rev=--output={}", out.display());
    let bad = kickoff(d, &["diff", "plan/kickoff.toml", &option]);
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains("is not a git revision"),
        "{}",
        bad.stderr
    );
    assert!(
        std::fs::read_dir(d).unwrap().flatten().all(|e| !e
            .file_name()
            .to_string_lossy()
            .starts_with("written-by-git")),
        "git wrote a file"
    );
    let outside = tempfile::tempdir().unwrap();
    std::fs::copy(example("fraud-flawed.toml"), outside.path().join("k.toml")).unwrap();
    let bad = kickoff(outside.path(), &["diff", "k.toml", "--rev", "HEAD"]);
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains("not a git repository"),
        "{}",
        bad.stderr
    );
    let neither = kickoff(outside.path(), &["diff", "k.toml"]);
    assert_eq!(neither.code, Some(2));
    assert!(
        neither.stderr.contains("compare it with what?"),
        "{}",
        neither.stderr
    );
}

#[test]
fn git_diff_and_log_show_answers_by_question() {
    let repo = repo();
    let d = repo.path();
    let log = git(d, &["log", "-p", "-1"]);
    assert!(
        log.contains(" task: What kind of prediction is it?\n-    Classification (a label per item)\n+    Ranking / recommendation (an order of items)\n"),
        "{log}"
    );
    assert!(!log.contains("task = "), "the TOML is not shown:\n{log}");
    assert!(
        log.contains("@@ ## Problem framing, and why ML at all\n"),
        "the hunk is headed by its section:\n{log}"
    );
    // An uncommitted change to a long text: one wrapped line of it changes.
    let file = d.join("plan/kickoff.toml");
    std::fs::write(
        &file,
        read(&file).replacen("DeepGuard will replace", "DeepGuard will assist", 1),
    )
    .unwrap();
    let diff = git(d, &["diff"]);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('-') || l.starts_with('+'))
                && !l.starts_with("---")
                && !l.starts_with("+++")
        })
        .collect();
    assert_eq!(changed.len(), 2, "{diff}");
    assert!(changed[1].contains("assist"), "{diff}");
    // Not a session (a hand edit gone wrong): shown as it is, git diff still works.
    std::fs::write(&file, "questionnaire = \n").unwrap();
    assert!(git(d, &["diff"]).contains("+questionnaire = "));
}
