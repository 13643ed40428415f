//! `critique --dry-run` shows the request that would be sent; it sends nothing, so it needs
//! no API key.

use std::process::Command;

use crate::common::root;

#[test]
fn a_dry_run_of_the_official_api_needs_no_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("examples/churn-done-well.toml"),
        dir.path().join("plan.toml"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kickoff"))
        .args(["critique", "plan.toml", "--provider", "openai", "--dry-run"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env_remove("KICKOFF_CONFIG")
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env("XDG_CONFIG_HOME", dir.path().join(".no-config"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("churn") || stdout.contains("Churn"),
        "{stdout}"
    );
    assert!(!stdout.contains("none-for-a-dry-run"), "{stdout}");
}
