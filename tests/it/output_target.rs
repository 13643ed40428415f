//! `-o` writes as a shell redirect would: a regular file is replaced atomically, while a device
//! or a FIFO is written into and stays what it was (it is never renamed over).

use std::os::unix::fs::FileTypeExt;
use std::time::Duration;

use crate::common::root;
use crate::guarded::kickoff_within;

fn plan(dir: &std::path::Path) {
    std::fs::copy(
        root().join("examples/churn-done-well.toml"),
        dir.join("plan.toml"),
    )
    .unwrap();
}

/// A null device of the test's own (`mknod`, where the test may make one): the real
/// `/dev/null` is never a test's target, as a broken `-o` running as root would replace it.
fn own_null(dir: &std::path::Path) -> Option<std::path::PathBuf> {
    let null = dir.join("null");
    let made = std::process::Command::new("mknod")
        .args(["-m", "666"])
        .arg(&null)
        .args(["c", "1", "3"])
        .stderr(std::process::Stdio::null())
        .status();
    made.is_ok_and(|s| s.success()).then_some(null)
}

#[test]
fn render_and_merge_into_a_null_device_leave_it_a_device() {
    let dir = tempfile::tempdir().unwrap();
    plan(dir.path());
    let Some(null) = own_null(dir.path()) else {
        eprintln!("no mknod allowed here; skipped");
        return;
    };
    // A link to it as well: replacing the link would need only the directory.
    std::os::unix::fs::symlink(&null, dir.path().join("link")).unwrap();
    let limit = Duration::from_secs(30);
    for target in ["null", "link"] {
        let (run, _) = kickoff_within(
            dir.path(),
            &["render", "plan.toml", "-o", target],
            &[],
            limit,
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let (run, _) = kickoff_within(
            dir.path(),
            &["merge", "plan.toml", "plan.toml", "plan.toml", "-o", target],
            &[],
            limit,
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    }
    let link = std::fs::symlink_metadata(dir.path().join("link")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    let device = std::fs::symlink_metadata(&null).unwrap();
    assert!(
        device.file_type().is_char_device(),
        "the device was replaced"
    );
}

#[test]
fn render_into_a_fifo_writes_to_its_reader_and_leaves_it_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    plan(dir.path());
    let fifo = dir.path().join("doc.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("no mkfifo here; skipped");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let (run, _) = kickoff_within(
        dir.path(),
        &["render", "plan.toml", "-o", "doc.fifo"],
        &[],
        Duration::from_secs(30),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Checked before the reader is joined: a replaced FIFO never gets a writer, and its
    // reader would wait for ever.
    let meta = std::fs::symlink_metadata(&fifo).unwrap();
    assert!(meta.file_type().is_fifo(), "the FIFO was replaced");
    let doc = reader.join().unwrap();
    assert!(doc.contains("churn"), "{doc}");
}
