//! Directory scans (`check DIR`, `report DIR`, patterns) over trees with symbolic link loops and
//! links out of the tree: they end, and report only the plans inside the tree.

use std::time::Duration;

use crate::common::root;
use crate::guarded::kickoff_within;

/// A tree with a plan, two `ln -s .` loops, a link to `/` and a link to a directory outside
/// holding a plan.
fn tree() -> (tempfile::TempDir, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let d = dir.path().join("plans");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::copy(
        root().join("examples/churn-done-well.toml"),
        d.join("sub/churn.toml"),
    )
    .unwrap();
    std::fs::copy(
        root().join("examples/fraud-flawed.toml"),
        outside.path().join("secret-outside.toml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(".", d.join("loop1")).unwrap();
    std::os::unix::fs::symlink(".", d.join("sub/loop2")).unwrap();
    std::os::unix::fs::symlink("/", d.join("root")).unwrap();
    std::os::unix::fs::symlink(outside.path(), d.join("out")).unwrap();
    (dir, outside)
}

#[test]
fn check_and_report_of_a_tree_with_link_loops_end_and_stay_inside() {
    let (dir, _outside) = tree();
    for args in [
        &["check", "plans"][..],
        &["report", "plans"],
        &["check", "plans/**/*.toml"],
    ] {
        let (run, took) = kickoff_within(dir.path(), args, &[], Duration::from_secs(20));
        let all = format!("{}{}", run.stdout, run.stderr);
        eprintln!("kickoff {args:?}: {took:?}");
        assert!(all.contains("churn"), "{args:?}: {all}");
        assert!(!all.contains("secret-outside"), "{args:?}: {all}");
        assert!(!all.contains("loop1/"), "{args:?}: {all}");
        assert!(!all.contains("plans/root"), "{args:?}: {all}");
    }
}

#[test]
fn a_tree_too_deep_is_an_error_naming_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = dir.path().join("deep");
    for _ in 0..kickoff::plans::MAX_DEPTH + 2 {
        d.push("d");
    }
    std::fs::create_dir_all(&d).unwrap();
    std::fs::copy(
        root().join("examples/churn-done-well.toml"),
        d.join("p.toml"),
    )
    .unwrap();
    let (run, _) = kickoff_within(dir.path(), &["check", "deep"], &[], Duration::from_secs(20));
    assert_ne!(run.code, Some(0));
    assert!(
        run.stderr.contains("deep: directories nested more than"),
        "{}",
        run.stderr
    );
}
