//! The session file's one save path: only the plan goes into it (the place the user is on goes
//! to the state directory), a save with nothing new writes nothing, and what is written keeps
//! the user's file.

use crate::common;
use kickoff::Load as _;

use std::path::PathBuf;

use common::*;
use kickoff::store::{Saved, Store};
use kickoff::{Answer, Session};

const OLD: &str = "questionnaire = \"mini\"\nquestionnaire_version = \"1\"\ncreated = \"2026-01-01T00:00:00Z\"\ncursor = \"task\"\nupdated = \"2026-01-01T00:00:00Z\"\n\n[answers]\n# The name.\nname = \"Churn\"\n";

fn file_with(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn open(path: &std::path::Path, state: &std::path::Path) -> (Store, Session) {
    let (store, session) = Store::open(path, None).unwrap();
    (store.keeping_state_in(Some(state.to_path_buf())), session)
}

#[test]
fn moving_the_focus_leaves_the_file_byte_identical() {
    let (dir, path) = file_with(OLD);
    let state = dir.path().join("state");
    let (mut store, mut ours) = open(&path, &state);
    assert_eq!(
        ours.cursor.as_deref(),
        Some("task"),
        "an old file's place is read"
    );
    for (cursor, stamp) in [
        ("notes", "2026-02-01T00:00:00Z"),
        ("name", "2026-02-02T00:00:00Z"),
    ] {
        ours.cursor = Some(cursor.into());
        ours.updated = stamp.into();
        assert_eq!(store.save(&ours).unwrap(), Saved::Written);
        assert_eq!(
            read(&path),
            OLD,
            "nothing of the plan changed: nothing written"
        );
        assert_eq!(store.updated(), "2026-01-01T00:00:00Z");
        let kept = kickoff::state::load_in(&state, &path).unwrap();
        assert_eq!(
            kept.cursor.as_deref(),
            Some(cursor),
            "the place is kept aside"
        );
    }
}

#[test]
fn the_place_never_reaches_the_file_and_an_old_key_goes_on_the_next_save() {
    let (dir, path) = file_with(OLD);
    let (mut store, mut ours) = open(&path, &dir.path().join("state"));
    ours.set("task", Some(Answer::Text("classification".into())));
    ours.updated = "2026-02-01T00:00:00Z".into();
    store.save(&ours).unwrap();
    let text = read(&path);
    assert!(!text.contains("cursor"), "{text}");
    assert!(
        text.contains("updated = \"2026-02-01T00:00:00Z\""),
        "{text}"
    );
    assert!(text.contains("# The name.\nname = \"Churn\""), "{text}");
    // A session written whole has none either.
    assert!(!ours.to_toml(None).contains("cursor"));
}

#[test]
fn a_change_made_on_disk_with_nothing_new_here_is_taken_in_not_rewritten() {
    let (dir, path) = file_with(OLD);
    let (mut store, mut ours) = open(&path, &dir.path().join("state"));
    let theirs = OLD.replace("name = \"Churn\"", "name = 'Churn'   # an editor's");
    std::fs::write(&path, &theirs).unwrap();
    ours.cursor = Some("notes".into());
    assert!(matches!(store.save(&ours).unwrap(), Saved::Merged(_)));
    assert_eq!(
        read(&path),
        theirs,
        "the editor's file stays as it was written"
    );
}

#[test]
fn plain_resumes_where_the_user_left_with_no_place_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let first = kickoff_input(dir.path(), &["plain", "s.toml"], Some("Churn\n:q\n"));
    assert_eq!(first.code, Some(0), "{}{}", first.stdout, first.stderr);
    let file = dir.path().join("s.toml");
    let before = read(&file);
    assert!(!before.contains("cursor"), "{before}");
    assert!(ui_state(&file).and_then(|s| s.cursor).is_some());
    let again = kickoff_input(dir.path(), &["plain", "s.toml"], Some(":q\n"));
    assert!(
        again.stdout.contains("question 2 of"),
        "resumed at the next question:\n{}",
        again.stdout
    );
    assert_eq!(read(&file), before, "quitting at once writes nothing");
}

/// An editor's save made while kickoff writes (after its new text is on disk, right before
/// the rename) is not replaced: the save starts over and merges it in.
#[test]
fn an_editors_save_during_a_save_is_merged_not_lost() {
    let (dir, path) = file_with(OLD);
    let (mut store, mut ours) = open(&path, &dir.path().join("state"));
    let editor = path.clone();
    let mut once = true;
    store.before_rename(move || {
        if std::mem::take(&mut once) {
            let text = std::fs::read_to_string(&editor).unwrap();
            std::fs::write(&editor, format!("{text}notes = \"from the editor\"\n")).unwrap();
        }
    });
    ours.set("task", Some(Answer::Text("classification".into())));
    let Saved::Merged(merged) = store.save(&ours).unwrap() else {
        panic!("the editor's change must be merged");
    };
    let on_disk = Session::load(&path).unwrap();
    assert!(on_disk.same_content(&merged));
    assert_eq!(
        on_disk.answers.get("notes"),
        Some(&Answer::Text("from the editor".into()))
    );
    assert_eq!(
        on_disk.answers.get("task"),
        Some(&Answer::Text("classification".into()))
    );
    assert!(read(&path).contains("# The name.\nname = \"Churn\""));
}

/// A writer racing the saves for real (an editor saving whole files, without kickoff's lock):
/// every answer it wrote ends in the file, and so do ours once it stops.
#[test]
fn a_racing_writer_loses_nothing() {
    let (dir, path) = file_with(OLD);
    let (mut store, mut ours) = open(&path, &dir.path().join("state"));
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || {
            for i in 0..20 {
                // Read, change, write a new file and rename it over the old one.
                let text = std::fs::read_to_string(&path).unwrap();
                let tmp = path.with_extension(format!("editor{i}"));
                std::fs::write(&tmp, format!("{text}editor_{i} = \"e{i}\"\n")).unwrap();
                std::fs::rename(&tmp, &path).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    let mut save = |ours: &mut Session| loop {
        match store.save(ours).unwrap() {
            Saved::Merged(m) => *ours = m,
            Saved::Written => {}
            // The editor wrote over a save of ours it had not read (its own race, without
            // the lock): our answer is kept, as a user keeping theirs would, and saved again.
            Saved::Conflicts {
                merged,
                theirs,
                disk,
                ..
            } => {
                *ours = merged;
                store.resolved(*theirs, disk);
                continue;
            }
        }
        break;
    };
    for i in 0..60 {
        ours.set("typed", Some(Answer::Text(format!("o{i}"))));
        save(&mut ours);
    }
    writer.join().unwrap();
    ours.set("last", Some(Answer::Text("after the editor".into())));
    save(&mut ours);
    let on_disk = Session::load(&path).unwrap();
    for i in 0..20 {
        assert!(
            on_disk.answers.contains_key(&format!("editor_{i}")),
            "editor_{i} lost:\n{}",
            read(&path)
        );
    }
    assert_eq!(on_disk.answers.get("last"), ours.answers.get("last"));
    assert!(on_disk.same_content(&ours));
}

/// A session file made read-only (0444) is not written over, by a save or an interview: the
/// refusal names the file.
#[test]
fn a_read_only_session_is_refused_by_name() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, path) = file_with(OLD);
    let (mut store, mut ours) = open(&path, &dir.path().join("state"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    ours.set("task", Some(Answer::Text("classification".into())));
    let e = store.save(&ours).unwrap_err().to_string();
    assert!(
        e.contains(&path.display().to_string()) && e.contains("read-only"),
        "{e}"
    );
    assert_eq!(read(&path), OLD);
    drop(store);
    let run = kickoff_input(dir.path(), &["plain", "s.toml"], Some("Renamed\n:q\n"));
    assert_ne!(run.code, Some(0));
    assert!(
        run.stderr.contains("s.toml") && run.stderr.contains("read-only"),
        "{}",
        run.stderr
    );
    assert_eq!(read(&path), OLD);
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["s.toml"], "no lock or temporary file left");
}

/// The commands that write a whole file, `merge` onto the session it merges into and
/// `render -o` onto a doc, refuse a read-only one too: a rename would replace it (and as root,
/// whatever its mode).
#[test]
fn merge_and_render_do_not_rewrite_a_read_only_file() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, path) = file_with(OLD);
    let d = dir.path();
    std::fs::write(d.join("base.toml"), OLD).unwrap();
    std::fs::write(d.join("theirs.toml"), OLD.replace("Churn", "Churn v2")).unwrap();
    std::fs::write(d.join("doc.md"), "kept\n").unwrap();
    for p in [&path, &d.join("doc.md")] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    let mini = root().join("tests/fixtures/mini.toml");
    let mini = mini.to_str().unwrap();
    for args in [
        &["merge", "base.toml", "s.toml", "theirs.toml"][..],
        &["render", "s.toml", "-q", mini, "--lenient", "-o", "doc.md"],
    ] {
        let run = kickoff(d, args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("read-only"), "{args:?}: {}", run.stderr);
    }
    assert_eq!(read(&path), OLD);
    assert_eq!(read(&d.join("doc.md")), "kept\n");
}

const COMMENTED: &str = "questionnaire = \"mini\"\nquestionnaire_version = \"1\"\ncreated = \"2026-01-01T00:00:00Z\"\nupdated = \"2026-01-01T00:00:00Z\"\n\n[answers]\n# The name.\nname = \"Churn\"\n# Decided on Monday: not ranking.\ntask = \"classification\"   # for now\nnotes = \"kept\"\n";

/// An answer cleared (^X, backspace to empty, `-` in plain) and typed again comes back where
/// it was, with its comments: by a key press, or by a save of another kind in between.
#[test]
fn an_answer_cleared_and_typed_again_keeps_its_place_and_comments() {
    for other_change_between in [false, true] {
        let (dir, path) = file_with(COMMENTED);
        let (mut store, mut ours) = open(&path, &dir.path().join("state"));
        ours.set("task", None);
        store.save(&ours).unwrap();
        let cleared = read(&path);
        assert!(!cleared.contains("task ="), "{cleared}");
        assert!(
            cleared.contains("# The name.\nname = \"Churn\"\nnotes = \"kept\""),
            "{cleared}"
        );
        if other_change_between {
            // Not an answer: the whole session is synced into the file.
            ours.extra
                .insert("newer".into(), toml::Value::String("x".into()));
            store.save(&ours).unwrap();
            ours.extra.remove("newer");
        }
        ours.set("task", Some(Answer::Text("regression".into())));
        store.save(&ours).unwrap();
        assert_eq!(
            read(&path),
            COMMENTED.replace("\"classification\"", "\"regression\""),
            "with a save of another kind between: {other_change_between}"
        );
    }
}

/// The same in `plain`: `-` clears the name, `<` goes back to it, and the name typed again is
/// where it was, under its comment.
#[test]
fn plain_clear_then_answer_again_keeps_the_comment() {
    let dir = tempfile::tempdir().unwrap();
    let mini = root().join("tests/fixtures/mini.toml");
    let text = format!(
        "questionnaire = \"mini\"\nquestionnaire_version = \"2\"\nquestionnaire_path = \"{}\"\ncreated = \"2026-01-01T00:00:00Z\"\ncursor = \"name\"\nupdated = \"2026-01-01T00:00:00Z\"\n\n[answers]\n# What the doc is titled.\nname = \"Churn\"   # short\n# Decided on Monday.\ntask = \"classification\"\n",
        mini.display()
    );
    let path = dir.path().join("s.toml");
    std::fs::write(&path, &text).unwrap();
    let run = kickoff_input(
        dir.path(),
        &["plain", "s.toml"],
        Some("-\n<\nChurn v2\n:q\n"),
    );
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let after = read(&path);
    let body = |t: &str| t[t.find("[answers]").unwrap()..].to_string();
    assert_eq!(
        body(&after),
        body(&text).replace("\"Churn\"", "\"Churn v2\""),
        "{}",
        run.stdout
    );
}

/// A lock whose holder line cannot be written (a full disk: the lock file is `/dev/full`
/// here) fails, and leaves no lock file behind.
#[test]
fn a_lock_that_cannot_be_written_leaves_no_lock_file() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    let (dir, path) = file_with(OLD);
    let lock = kickoff::store::lock_path(&path);
    std::os::unix::fs::symlink("/dev/full", &lock).unwrap();
    assert!(kickoff::store::Lock::acquire(&path, "a test").is_err());
    assert!(
        std::fs::symlink_metadata(&lock).is_err(),
        "the lock file is gone"
    );
    assert_eq!(read(&path), OLD);
    drop(dir);
}
