//! `kickoff merge` as git's merge driver, with real `git` in temporary repositories: a clean
//! merge of two branches, a conflict written into the file (and refused by `check` and
//! `render`), and its resolution in the TUI's conflicts overlay.

use crate::common;
use kickoff::Load as _;

use std::path::Path;
use std::process::Command;

use common::*;
use kickoff::tui::{Cmd, Overlay};
use kickoff::{Answer, Session};
use ratatui::crossterm::event::KeyCode;

fn git(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code(), text)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, out) = git(dir, args);
    assert_eq!(code, Some(0), "git {args:?}: {out}");
    out
}

/// A repository with the example plan committed on `main`, the driver set up as the README
/// says, and a branch `theirs` from the same commit.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init", "-q", "-b", "main"]);
    ok(d, &["config", "user.email", "t@example.com"]);
    ok(d, &["config", "user.name", "t"]);
    let driver = format!("{} merge %O %A %B %P", bin().display());
    ok(d, &["config", "merge.kickoff.driver", &driver]);
    ok(
        d,
        &["config", "merge.kickoff.name", "kickoff session merge"],
    );
    std::fs::write(d.join(".gitattributes"), "*.kickoff.toml merge=kickoff\n").unwrap();
    let plan = format!(
        "# The fraud plan, kept by the risk team.\n{}",
        read(&example("fraud-flawed.toml"))
    );
    std::fs::write(d.join("my plan.kickoff.toml"), plan).unwrap();
    ok(d, &["add", "-A"]);
    ok(d, &["commit", "-qm", "base"]);
    ok(d, &["branch", "theirs"]);
    dir
}

/// Replaces one line of the plan and commits it on `branch`.
fn edit(dir: &Path, branch: &str, from: &str, to: &str) {
    ok(dir, &["checkout", "-q", branch]);
    let file = dir.join("my plan.kickoff.toml");
    let text = read(&file);
    assert!(text.contains(from), "{from}");
    std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
    ok(dir, &["commit", "-qam", &format!("{branch}: {to}")]);
}

#[test]
fn two_branches_changing_different_answers_merge_cleanly() {
    let repo = repo();
    let d = repo.path();
    edit(
        d,
        "theirs",
        "task = \"classification\"",
        "task = \"ranking\"",
    );
    edit(
        d,
        "theirs",
        "non_goals = [\"None: DeepGuard covers all card fraud\"]",
        "non_goals = [\"Chargeback disputes\"]  # agreed with risk",
    );
    // A comment of theirs above an answer ours changes.
    edit(
        d,
        "theirs",
        "modality = \"tabular\"",
        "# card data only, no images\nmodality = \"tabular\"",
    );
    edit(
        d,
        "main",
        "plan_version = \"0.1\"",
        "plan_version = \"0.2\"",
    );
    // Adjacent to theirs' change: a text merge would conflict here, a merge by question not.
    edit(d, "main", "modality = \"tabular\"", "modality = \"text\"");
    let (code, out) = git(d, &["merge", "-q", "--no-edit", "theirs"]);
    assert_eq!(code, Some(0), "{out}");
    let file = d.join("my plan.kickoff.toml");
    let s = Session::load(&file).unwrap();
    assert_eq!(s.answers["task"], Answer::Text("ranking".into()));
    assert_eq!(s.answers["modality"], Answer::Text("text".into()));
    assert_eq!(s.answers["plan_version"], Answer::Text("0.2".into()));
    assert!(s.conflicts.is_empty());
    let text = read(&file);
    assert!(
        text.starts_with("# The fraud plan, kept by the risk team.\n"),
        "{text}"
    );
    assert!(text.contains("# --- Problem framing ---"), "{text}");
    assert!(
        text.contains("non_goals = [\"Chargeback disputes\"]  # agreed with risk\n"),
        "their comment beside the answer they changed:\n{text}"
    );
    assert!(
        text.contains("# card data only, no images\nmodality = \"text\""),
        "their comment above an answer ours changed:\n{text}"
    );
    assert!(!text.contains("[conflicts"), "{text}");
    let check = kickoff(d, &["check", "my plan.kickoff.toml", "--fail-on", "never"]);
    assert_eq!(check.code, Some(0), "{}", check.stderr);
}

#[test]
fn an_answer_changed_on_both_branches_is_kept_in_the_file_and_check_refuses_it() {
    let repo = repo();
    let d = repo.path();
    edit(d, "theirs", "modality = \"tabular\"", "modality = \"text\"");
    edit(
        d,
        "theirs",
        "task = \"classification\"",
        "task = \"ranking\"",
    );
    edit(d, "main", "modality = \"tabular\"", "modality = \"image\"");
    let (code, out) = git(d, &["merge", "--no-edit", "theirs"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(
            "my plan.kickoff.toml: 1 answer changed differently on both sides: `modality`"
        ),
        "{out}"
    );
    let file = d.join("my plan.kickoff.toml");
    let text = read(&file);
    assert!(
        text.ends_with("\n[conflicts.modality]\nours = \"image\"\ntheirs = \"text\"\n"),
        "{text}"
    );
    assert!(
        !text.contains("<<<<<<<"),
        "no text conflict markers: {text}"
    );
    let s = Session::load(&file).unwrap();
    assert_eq!(
        s.answers["modality"],
        Answer::Text("image".into()),
        "ours meanwhile"
    );
    assert_eq!(s.answers["task"], Answer::Text("ranking".into()), "merged");

    for args in [
        &["check", "my plan.kickoff.toml"][..],
        &["render", "my plan.kickoff.toml"],
        &["plain", "my plan.kickoff.toml"],
        &["critique", "--dry-run", "my plan.kickoff.toml"],
    ] {
        let run = kickoff(d, args);
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(
            run.stderr.contains(
                "my plan.kickoff.toml: a merge left 1 answer in conflict (`modality`; both sides are in its [conflicts] table); pick one side of each with `kickoff resume my plan.kickoff.toml`"
            ),
            "{}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "{args:?}");
    }
}

#[test]
fn bad_input_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.toml"), read(&example("fraud-flawed.toml"))).unwrap();
    std::fs::write(d.join("notes.toml"), "title = \"not a session\"\n").unwrap();
    let run = kickoff(d, &["merge", "a.toml", "a.toml", "missing.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("missing.toml"), "{}", run.stderr);
    let run = kickoff(d, &["merge", "a.toml", "a.toml", "notes.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("notes.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("questionnaire"), "{}", run.stderr);
    assert_eq!(
        read(&d.join("a.toml")),
        read(&example("fraud-flawed.toml")),
        "nothing written"
    );
}

/// A session as `kickoff merge` leaves it: ours in `[answers]`, both sides in `[conflicts]`.
fn conflicted() -> Session {
    let mut s = Session::load(&example("fraud-flawed.toml")).unwrap();
    s.answers
        .insert("modality".into(), Answer::Text("image".into()));
    s.conflicts.insert(
        "modality".into(),
        kickoff::AnswerConflict {
            ours: Some(Answer::Text("image".into())),
            theirs: Some(Answer::Text("text".into())),
        },
    );
    s.conflicts.insert(
        "task".into(),
        kickoff::AnswerConflict {
            ours: Some(Answer::Text("classification".into())),
            theirs: None,
        },
    );
    s
}

#[test]
fn resume_on_a_conflicted_file_opens_the_overlay_and_picking_saves_without_the_table() {
    let mut app = kickoff::tui::App::new(builtin(), conflicted(), "my plan.kickoff.toml".into());
    app.color = false;
    assert_eq!(app.overlay, Some(Overlay::Conflicts));
    let state = app.conflicts.as_ref().unwrap();
    assert_eq!(state.set.conflicts.len(), 2);
    assert!(state.from_file);
    // Esc does not dismiss it; t takes theirs for `modality`, then m keeps ours for `task`.
    press(&mut app, key(KeyCode::Esc));
    assert_eq!(app.overlay, Some(Overlay::Conflicts));
    assert_eq!(press(&mut app, key(KeyCode::Char('t'))), []);
    let cmds = press(&mut app, key(KeyCode::Char('m')));
    assert_eq!(cmds, [Cmd::Save]);
    assert_eq!(app.overlay, None);
    let s = app.interview.session();
    assert!(s.conflicts.is_empty());
    assert_eq!(s.answers["modality"], Answer::Text("text".into()));
    assert_eq!(s.answers["task"], Answer::Text("classification".into()));
}

#[test]
fn quitting_leaves_a_merges_conflicts_in_the_file() {
    let mut app = kickoff::tui::App::new(builtin(), conflicted(), "my plan.kickoff.toml".into());
    let cmds = press(&mut app, ctrl('q'));
    assert_eq!(cmds, [Cmd::Quit]);
    assert_eq!(
        app.interview.session().conflicts.len(),
        2,
        "still to decide"
    );
}

#[test]
fn a_conflict_resolved_through_the_store_leaves_no_table_and_keeps_comments() {
    // What the TUI's runtime does with the `Cmd::Save` above: the store patches the file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("my plan.kickoff.toml");
    let mut text = format!("# kept\n{}", read(&example("fraud-flawed.toml")));
    text.push_str("\n[conflicts.modality]\nours = \"image\"\ntheirs = \"text\"\n");
    std::fs::write(&file, &text).unwrap();
    let (mut store, session) = kickoff::store::Store::open(&file, None).unwrap();
    let mut app = kickoff::tui::App::new(builtin(), session, file.clone());
    press(&mut app, key(KeyCode::Char('t')));
    store.save(app.interview.session()).unwrap();
    let saved = read(&file);
    assert!(!saved.contains("conflicts"), "{saved}");
    assert!(saved.starts_with("# kept\n"), "{saved}");
    assert!(saved.contains("modality = \"text\""), "{saved}");
    let check = kickoff(
        dir.path(),
        &["check", "my plan.kickoff.toml", "--fail-on", "never"],
    );
    assert_eq!(check.code, Some(0), "{}", check.stderr);
}

#[test]
fn a_conflict_on_rows_stays_a_row_a_line_through_a_save() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = read(&example("fraud-flawed.toml"));
    let rows = |r: &str| format!("milestones = [\n  {{ what = \"{r}\" }},\n]");
    let old = "milestones = [{ what = \"First full training run on the GPU cluster\" }]";
    assert!(base.contains(old));
    std::fs::write(d.join("base.toml"), &base).unwrap();
    std::fs::write(d.join("ours.toml"), base.replacen(old, &rows("Ours"), 1)).unwrap();
    std::fs::write(
        d.join("theirs.toml"),
        base.replacen(old, &rows("Theirs"), 1),
    )
    .unwrap();
    let run = kickoff(d, &["merge", "base.toml", "ours.toml", "theirs.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let merged = read(&d.join("ours.toml"));
    let table = "[conflicts.milestones]\nours = [\n  { what = \"Ours\" },\n]\ntheirs = [\n  { what = \"Theirs\" },\n]\n";
    assert!(merged.ends_with(table), "{merged}");
    // A save that leaves the conflict undecided (quitting the interview) keeps it as it is.
    let file = d.join("ours.toml");
    let (mut store, mut session) = kickoff::store::Store::open(&file, None).unwrap();
    session.set("task", Some(Answer::Text("ranking".into())));
    store.save(&session).unwrap();
    assert!(read(&file).ends_with(table), "{}", read(&file));
}
