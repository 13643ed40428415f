//! The real binary in a terminal (tmux) on files kept in git: the interview saves only what
//! changed, and a file `kickoff merge` left conflicted is resolved in `kickoff resume`.

use crate::common;

use common::*;

fn changed_lines(before: &str, after: &str) -> Vec<String> {
    let old: std::collections::HashSet<&str> = before.lines().collect();
    after
        .lines()
        .filter(|l| !old.contains(l))
        .map(str::to_string)
        .collect()
}

#[test]
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn the_interview_saves_only_the_answer_typed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.toml");
    let before = format!(
        "# Our plan: comments stay.\n{}",
        read(&example("fraud-flawed.toml")).replacen(
            "updated = ",
            "cursor = \"project_name\"   # where we stopped\nupdated = ",
            1
        )
    );
    std::fs::write(&file, &before).unwrap();
    let t = Tmux::start(dir.path(), "resume plan.toml");
    t.wait_for("What is the project called?");
    t.keys(&["End"]);
    t.text(" v2");
    t.wait_for("detection v2");
    t.keys(&["C-q"]);
    t.wait_exit();
    let after = read(&file);
    let added = changed_lines(&before, &after);
    assert_eq!(added.len(), 2, "{added:?}");
    assert!(added[0].starts_with("updated = \""), "{added:?}");
    assert_eq!(
        added[1],
        "project_name = \"DeepGuard: real-time card fraud detection v2\""
    );
    // The place the user was on, kept by an older version, goes (to the state directory).
    assert_eq!(before.lines().count(), after.lines().count() + 1);
    assert!(after.starts_with("# Our plan: comments stay.\n"));
    assert!(!after.contains("cursor = "));
}

#[test]
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn a_merge_conflict_is_picked_in_resume_and_the_file_then_checks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = format!("# kept\n{}", read(&example("fraud-flawed.toml")));
    std::fs::write(d.join("base.toml"), &base).unwrap();
    std::fs::write(
        d.join("plan.toml"),
        base.replacen("modality = \"tabular\"", "modality = \"images\"", 1),
    )
    .unwrap();
    std::fs::write(
        d.join("theirs.toml"),
        base.replacen("modality = \"tabular\"", "modality = \"text\"", 1),
    )
    .unwrap();
    let run = kickoff(d, &["merge", "base.toml", "plan.toml", "theirs.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(kickoff(d, &["check", "plan.toml"]).code, Some(2));

    let t = Tmux::start(d, "resume plan.toml");
    let screen = t.wait_for("Merge conflicts in the file");
    assert!(screen.contains("ours  : Images / video"), "{screen}");
    assert!(screen.contains("theirs: Text"), "{screen}");
    t.keys(&["t"]);
    t.wait_for("Conflicts decided");
    t.keys(&["C-q"]);
    t.wait_exit();
    let after = read(&d.join("plan.toml"));
    assert!(!after.contains("conflicts"), "{after}");
    assert!(after.starts_with("# kept\n"), "{after}");
    assert!(after.contains("\nmodality = \"text\"\n"), "{after}");
    let check = kickoff(d, &["check", "plan.toml", "--fail-on", "never"]);
    assert_eq!(check.code, Some(0), "{}", check.stderr);
}
