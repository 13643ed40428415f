//! `kickoff init` on the real binary: a repository set up for a team, whose starting plan the
//! team's config and rule pack check; and a second run that refuses, naming the files.

use crate::common;

use common::kickoff;

#[test]
fn init_sets_up_a_repository_and_then_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let run = kickoff(dir.path(), &["init", "repo"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for file in [
        "kickoff.toml",
        "kickoff/config.toml",
        "kickoff/team.rules.toml",
        "kickoff/design-doc.md.j2",
        ".gitattributes",
        ".github/workflows/kickoff.yml",
    ] {
        assert!(repo.join(file).is_file(), "{file}");
        assert!(
            run.stdout.contains(&format!("wrote repo/{file}")),
            "{}",
            run.stdout
        );
    }
    let attributes = std::fs::read_to_string(repo.join(".gitattributes")).unwrap();
    assert!(attributes.contains("\n*.kickoff.toml diff=kickoff merge=kickoff\n"));
    assert!(attributes.contains("git config merge.kickoff.driver \"kickoff merge %O %A %B %P\""));

    // The starting plan is a session the gate finds, with the team's (empty) pack loaded.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kickoff"))
        .args(["check", ".", "--allow-open"])
        .current_dir(&repo)
        .env("KICKOFF_CONFIG", "kickoff/config.toml")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("checked 1 file: 1 passed"), "{stdout}");
    // Rendering with the team's copy of the template works.
    let run = kickoff(
        &repo,
        &[
            "render",
            "kickoff.toml",
            "--template",
            "kickoff/design-doc.md.j2",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);

    // Once a file is there, nothing is written and every existing file is named.
    std::fs::remove_file(repo.join("kickoff/design-doc.md.j2")).unwrap();
    let run = kickoff(dir.path(), &["init", "repo"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert!(run.stderr.contains("repo/.gitattributes"), "{}", run.stderr);
    assert!(!repo.join("kickoff/design-doc.md.j2").exists());
}
