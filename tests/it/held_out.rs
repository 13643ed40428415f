//! The held-out plans (`tests/held-out/`): nothing is tuned on them, so the only thing a test
//! holds them to is that each still reads as a session of the current questionnaire and
//! reviews without an input error, with its answer key beside it. Their recall is judged by
//! hand (`tests/held-out/README.md`).

use crate::common;

#[test]
fn every_held_out_plan_reads_and_reviews() {
    let root = common::root().join("tests/held-out");
    let mut plans: Vec<_> = std::fs::read_dir(root.join("plans"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    plans.sort();
    assert_eq!(plans.len(), 58, "{plans:?}");
    let dir = tempfile::tempdir().unwrap();
    for plan in plans {
        let name = plan.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            root.join(format!("flaws/{name}.md")).is_file(),
            "{name} has no answer key"
        );
        let path = plan.to_string_lossy().into_owned();
        let run = common::kickoff(
            dir.path(),
            &["check", &path, "--allow-open", "--format", "json"],
        );
        assert!(matches!(run.code, Some(0 | 1)), "{name}: {}", run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert!(
            report["problems"].as_array().unwrap().is_empty(),
            "{name}: {report:#}"
        );
    }
}
