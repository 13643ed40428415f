//! A built-in template's name means the built-in template, whatever files stand in the
//! working directory; `./NAME` names the file.

use std::time::Duration;

use crate::common::root;
use crate::guarded::kickoff_within;

#[test]
fn a_file_named_brief_does_not_shadow_the_built_in_brief() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("examples/churn-done-well.toml"),
        dir.path().join("plan.toml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("brief"), "SHADOWED {{ 1 + 1 }}\n").unwrap();
    let limit = Duration::from_secs(30);
    let (run, _) = kickoff_within(
        dir.path(),
        &["render", "plan.toml", "--template", "brief"],
        &[],
        limit,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stdout.contains("SHADOWED"), "{}", run.stdout);
    assert!(run.stdout.contains("churn"), "{}", run.stdout);
    // Said, so that one who meant the file knows how to name it.
    assert!(
        run.stderr
            .contains("the file brief here was not used (./brief names it)"),
        "{}",
        run.stderr
    );
    let (run, _) = kickoff_within(
        dir.path(),
        &["render", "plan.toml", "--template", "./brief"],
        &[],
        limit,
    );
    assert_eq!(run.stdout, "SHADOWED 2\n", "{}", run.stderr);
    assert!(!run.stderr.contains("not used"), "{}", run.stderr);
}
