//! The session file stays the user's: every command that writes it changes only the values that
//! changed. Comments, blank lines, key order and string styles elsewhere survive, so a
//! `git diff` after one answer is that answer's line and `updated`.

use crate::common;
use crate::records_v1 as v1;
use kickoff::Load as _;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;
use kickoff::store::Store;
use kickoff::{Answer, Critique};

/// An example as a person keeps it: comments above and beside answers, blank lines, `updated`
/// before `created`, a literal string.
fn hand_kept() -> String {
    let text = read(&example("fraud-flawed.toml"));
    let text = text.replacen(
        "created = \"2026-11-20T09:00:00Z\"\nupdated = \"2026-11-21T11:05:00Z\"\n",
        "updated = \"2026-11-21T11:05:00Z\"   # kickoff stamps this\n\ncreated = \"2026-11-20T09:00:00Z\"\n",
        1,
    );
    let text = text.replacen(
        "project_name = \"DeepGuard: real-time card fraud detection\"\n",
        "# Named by the risk team, keep it.\nproject_name = 'DeepGuard: real-time card fraud detection'\n\n",
        1,
    );
    let text = text.replacen(
        "task = \"classification\"\n",
        "task = \"classification\"   # not ranking: decided 2026-11-19\n",
        1,
    );
    assert_eq!(text.matches("keep it").count(), 1, "the example changed");
    assert!(text.contains("# not ranking"), "the example changed");
    format!("# Reviewed in the kickoff of 2026-11-20.\n{text}\n# end of file\n")
}

/// Lines removed and lines added from `a` to `b` (a longest-common-subsequence line diff, as
/// `git diff` shows them).
fn line_changes(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push(b[j].to_string());
            j += 1;
        } else {
            removed.push(a[i].to_string());
            i += 1;
        }
    }
    (removed, added)
}

fn comments(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.starts_with('#')).collect()
}

fn plain(dir: &Path, args: &[&str], input: &str) -> String {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join(".no-config"))
        .env_remove("KICKOFF_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_save_through_the_store_changes_the_answer_and_updated_only() {
    // The TUI's saves, `plain`'s, `respond`'s and `critique`'s all go through the store.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.toml");
    let before = hand_kept();
    std::fs::write(&file, &before).unwrap();
    let (mut store, mut session) = Store::open(&file, None).unwrap();
    session.set("task", Some(Answer::Text("ranking".into())));
    session.updated = "2026-12-01T10:00:00Z".into();
    store.save(&session).unwrap();
    let after = read(&file);
    assert_eq!(
        line_changes(&before, &after),
        (
            vec![
                "updated = \"2026-11-21T11:05:00Z\"   # kickoff stamps this".to_string(),
                "task = \"classification\"   # not ranking: decided 2026-11-19".to_string(),
            ],
            vec![
                "updated = \"2026-12-01T10:00:00Z\"   # kickoff stamps this".to_string(),
                "task = \"ranking\"   # not ranking: decided 2026-11-19".to_string(),
            ]
        )
    );

    // A cleared answer is its line gone; a new one a line added to `[answers]`.
    session.set("task", None);
    session.set("notes_extra", Some(Answer::Text("new".into())));
    store.save(&session).unwrap();
    let (removed, added) = line_changes(&after, &read(&file));
    assert_eq!(
        removed,
        ["task = \"ranking\"   # not ranking: decided 2026-11-19"]
    );
    assert_eq!(added, ["notes_extra = \"new\""]);
    assert_eq!(kickoff::Session::load(&file).unwrap(), session);
}

#[test]
fn a_save_that_merges_a_change_on_disk_keeps_both_sides_comments() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.toml");
    std::fs::write(&file, hand_kept()).unwrap();
    let (mut store, mut session) = Store::open(&file, None).unwrap();
    // Meanwhile someone edits the file by hand: a comment and another answer.
    let edited = read(&file).replacen(
        "modality = \"tabular\"",
        "# asked again on Monday\nmodality = \"text\"",
        1,
    );
    std::fs::write(&file, &edited).unwrap();
    session.set("task", Some(Answer::Text("ranking".into())));
    store.save(&session).unwrap();
    let after = read(&file);
    let (removed, added) = line_changes(&edited, &after);
    assert_eq!(
        removed,
        ["task = \"classification\"   # not ranking: decided 2026-11-19"]
    );
    assert_eq!(
        added,
        ["task = \"ranking\"   # not ranking: decided 2026-11-19"]
    );
    assert!(after.contains("# asked again on Monday\nmodality = \"text\""));
}

#[test]
fn plain_keeps_comments_and_layout() {
    let dir = tempfile::tempdir().unwrap();
    let before = hand_kept().replacen("updated = ", "cursor = \"project_name\"\nupdated = ", 1);
    std::fs::write(dir.path().join("plan.toml"), &before).unwrap();
    plain(dir.path(), &["plain", "plan.toml"], "Renamed\n:q\n");
    let after = read(&dir.path().join("plan.toml"));
    let (removed, added) = line_changes(&before, &after);
    assert_eq!(
        removed,
        [
            "cursor = \"project_name\"",
            "updated = \"2026-11-21T11:05:00Z\"   # kickoff stamps this",
            "project_name = 'DeepGuard: real-time card fraud detection'",
        ]
    );
    // The place the user is on goes to the state directory, not the plan.
    assert_eq!(added.len(), 2, "{added:?}");
    assert!(added[0].ends_with("   # kickoff stamps this"), "{added:?}");
    assert_eq!(added[1], "project_name = \"Renamed\"");
}

#[test]
fn respond_adds_its_table_and_touches_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let before = hand_kept();
    std::fs::write(dir.path().join("plan.toml"), &before).unwrap();
    let run = kickoff(
        dir.path(),
        &["respond", "plan.toml", "random-split-on-time", "fixed"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let after = read(&dir.path().join("plan.toml"));
    let (removed, added) = line_changes(&before, &after);
    assert_eq!(
        removed,
        ["updated = \"2026-11-21T11:05:00Z\"   # kickoff stamps this"]
    );
    assert!(
        added.contains(&"[responses.random-split-on-time]".to_string()),
        "{added:?}"
    );
    assert_eq!(comments(&before), comments(&after));
    assert!(
        after.contains("[responses.random-split-on-time]\nstatus = \"fixed\"\n"),
        "{after}"
    );
}

#[test]
fn a_saved_critique_is_lines_added_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.toml");
    let before = hand_kept();
    std::fs::write(&file, &before).unwrap();
    let critique = Critique {
        provider: "openai".into(),
        model: "m".into(),
        created: "2026-12-01T10:00:00Z".into(),
        text: "Split by time.".into(),
        ..Critique::default()
    };
    kickoff::llm::save_critique(&file, None, critique, None).unwrap();
    let after = read(&file);
    let (removed, added) = line_changes(&before, &after);
    assert_eq!(removed, Vec::<String>::new());
    assert!(added.contains(&"[[critiques]]".to_string()), "{added:?}");
    assert!(
        added.contains(&"text = \"Split by time.\"".to_string()),
        "{added:?}"
    );
}

#[test]
fn an_upgraded_session_keeps_its_comments() {
    let dir = tempfile::tempdir().unwrap();
    let before = format!(
        "# the old plan, still ours\n{}",
        v1::V1_SESSION.replacen(
            "milestones = 3",
            "# three phases\nmilestones = 3   # see the roadmap",
            1
        )
    );
    std::fs::write(dir.path().join("old.toml"), &before).unwrap();
    plain(dir.path(), &["plain", "old.toml"], ":q\n");
    let after = read(&dir.path().join("old.toml"));
    assert!(after.starts_with("# the old plan, still ours\n"), "{after}");
    assert!(
        after.contains("# three phases\nmilestones = 3   # see the roadmap"),
        "{after}"
    );
    assert!(after.contains("questionnaire_version = \"5\""), "{after}");
    assert!(
        after.contains(
            "slices = [\n  { slice = \"new customers\" },\n  { slice = \"country\" },\n]"
        ),
        "{after}"
    );
    let (removed, _) = line_changes(&before, &after);
    assert!(
        removed.iter().all(|l| !l.contains('#')),
        "no comment removed: {removed:?}"
    );
}

/// Every answer of every example, changed on its own through the store: the lines that go are
/// that answer's own (and `updated`), every other line of the file stays as written.
#[test]
fn any_one_answer_changed_touches_only_its_own_lines() {
    #[derive(serde::Deserialize)]
    struct Spans {
        answers: std::collections::BTreeMap<String, toml::Spanned<toml::Value>>,
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.toml");
    let mut checked = 0;
    for name in [
        "churn-done-well.toml",
        "fraud-flawed.toml",
        "demand-forecasting.toml",
        "ticket-triage-llm.toml",
    ] {
        let original = read(&example(name));
        let spans: Spans = toml::from_str(&original).unwrap();
        let session = kickoff::Session::load(&example(name)).unwrap();
        for (id, answer) in &session.answers {
            let changed = match answer {
                Answer::Text(t) => Answer::Text(format!("{t} (changed)")),
                Answer::Number(n) => Answer::Number(n + 1.0),
                Answer::Bool(b) => Answer::Bool(!b),
                Answer::List(items) => {
                    Answer::List(items.iter().cloned().chain(["added".into()]).collect())
                }
                Answer::Records(rows) => {
                    Answer::Records(rows.iter().cloned().chain(rows.first().cloned()).collect())
                }
                Answer::Other(_) => continue,
            };
            std::fs::write(&file, &original).unwrap();
            let (mut store, mut s) = Store::open(&file, None).unwrap();
            s.set(id, Some(changed));
            s.updated = "2026-12-01T10:00:00Z".into();
            store.save(&s).unwrap();
            let after = read(&file);
            assert_eq!(kickoff::Session::load(&file).unwrap(), s, "{name}: {id}");
            let span = spans.answers[id].span();
            let start = original[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let own = &original[start..span.end];
            let (removed, _) = line_changes(&original, &after);
            for line in &removed {
                assert!(
                    line.starts_with("updated = ") || own.contains(line.as_str()),
                    "{name}: changing `{id}` removed `{line}`"
                );
            }
            assert_eq!(comments(&original), comments(&after), "{name}: {id}");
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked}");
}
