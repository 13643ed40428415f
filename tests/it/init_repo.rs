//! `kickoff init` on the real binary: a repository set up for a team, whose starting plan the
//! team's config and rule pack check; and a second run that refuses, naming the files.

use crate::common;
use kickoff::Load as _;

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

/// `kickoff init` in `dir` with writes past `blocks` 512-byte blocks in a file failing as on a
/// full disk: the shell's `ulimit -f` (`RLIMIT_FSIZE`), with `SIGXFSZ` ignored so that such a
/// write fails with `EFBIG` instead of killing the process. Set in a shell, not between fork
/// and exec, so the test needs no `unsafe`.
#[cfg(target_os = "linux")]
fn init_with_file_size_limit(dir: &std::path::Path, blocks: u64) -> common::Run {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks} && exec \"$0\" init repo"
        ))
        .arg(env!("CARGO_BIN_EXE_kickoff"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CONFIG_HOME", dir.join(".no-config"))
        .output()
        .unwrap();
    common::Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[cfg(target_os = "linux")]
#[test]
fn init_on_a_full_disk_leaves_nothing_and_runs_again_once_there_is_room() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    // Room for the smaller files (512 bytes), not for the starting session nor the doc template.
    let run = init_with_file_size_limit(dir.path(), 1);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("cannot write"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    // Nothing half-written, nothing left for the next run to refuse.
    let left: Vec<_> = walk(dir.path().join("repo").as_path());
    assert!(left.is_empty(), "{left:?}");
    let run = kickoff(dir.path(), &["init", "repo"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(kickoff::Session::load(&repo.join("kickoff.toml")).is_ok());
    assert!(
        walk(&repo).iter().all(|f| !f.ends_with(".tmp")),
        "{:?}",
        walk(&repo)
    );
}

/// The files under `dir` (none if it does not exist).
fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.to_string_lossy().into_owned());
        }
    }
    out
}
