//! The layers ARCHITECTURE.md draws. The compiler keeps the main one: `kickoff-core` cannot
//! name the front ends, and these tests check it depends on none of their crates, even
//! through another crate, and that its code touches no file, clock or environment (they reach
//! it as arguments). Inside the `kickoff` crate, clap and exit codes stay in `cli/`.

use std::path::Path;

/// The crates `kickoff-core` is built with (normal dependencies, transitively), from cargo.
fn core_dependencies() -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "tree",
            "-p",
            "kickoff-core",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--format", "{p}", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect()
}

#[test]
fn the_library_knows_no_terminal_network_or_command_line_crate() {
    let deps = core_dependencies();
    assert!(deps.iter().any(|d| d == "minijinja"), "{deps:?}");
    for forbidden in [
        "ratatui",
        "crossterm",
        "reqwest",
        "hyper",
        "tokio",
        "clap",
        "ctrlc",
        "kickoff",
        // What only reading and writing files needs: the binary crate's.
        "rustix",
        "tempfile",
        "ignore",
        "globset",
        "dirs",
    ] {
        assert!(
            !deps.iter().any(|d| d == forbidden),
            "kickoff-core depends on `{forbidden}`: that belongs in the kickoff crate"
        );
    }
}

/// The Rust files under `dir` with their code (comment lines left out), skipping the paths
/// `skip` names.
fn code_files(dir: &Path, skip: &dyn Fn(&Path) -> bool) -> Vec<(String, String)> {
    fn walk(dir: &Path, skip: &dyn Fn(&Path) -> bool, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if skip(&path) {
                continue;
            }
            if path.is_dir() {
                walk(&path, skip, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n");
                out.push((path.to_string_lossy().into_owned(), code));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, skip, &mut out);
    out
}

/// Every source file of the `kickoff` crate but `cli/`, with its code.
fn front_end_files() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    code_files(&src, &|p| {
        p.ends_with("src/cli") || p.ends_with("src/cli.rs")
    })
}

#[test]
fn only_the_command_line_knows_clap_and_exit_codes() {
    let files = front_end_files();
    assert!(files.iter().any(|(n, _)| n.ends_with("/tui/update.rs")));
    for (name, code) in files {
        if name.ends_with("/main.rs") {
            continue;
        }
        for forbidden in ["clap", "crate::cli", "ExitCode", "EXIT_"] {
            assert!(
                !code.contains(forbidden),
                "{name} mentions `{forbidden}`: that belongs in cli/"
            );
        }
    }
}

/// The core's code, file by file, without its unit tests: a `#[cfg(test)]` module, last in its
/// file (they may read the examples from disk). Code after it is refused, so none goes unseen.
fn core_files() -> Vec<(String, String)> {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("kickoff-core/src");
    code_files(&core, &|_| false)
        .into_iter()
        .map(|(name, code)| {
            let Some(at) = code.find("#[cfg(test)]") else {
                return (name, code);
            };
            // rustfmt ends a module at the first column: after the first one's end, only
            // another test module may come.
            let mut rest = code[at..].lines();
            let mut after = None;
            while let Some(line) = rest.next() {
                if line.is_empty() {
                    continue;
                }
                if line == "#[cfg(test)]" && rest.next().is_some_and(|l| l.starts_with("mod ")) {
                    rest.by_ref().find(|l| *l == "}");
                    continue;
                }
                after = Some(line);
                break;
            }
            assert!(
                after.is_none(),
                "{name}: `{}` comes after the unit tests; put the tests last, in a module",
                after.unwrap_or_default()
            );
            (name, code[..at].to_string())
        })
        .collect()
}

#[test]
fn the_core_touches_no_file_and_no_clock() {
    let files = core_files();
    assert!(files.iter().any(|(n, _)| n.ends_with("/session.rs")));
    // The cut at the tests leaves the code before them.
    assert!(
        files
            .iter()
            .any(|(n, c)| n.ends_with("/render.rs") && c.contains("pub fn render_doc"))
    );
    for (name, code) in files {
        for forbidden in [
            "std::fs",
            "File::",
            "SystemTime::now",
            "Instant::now",
            "std::env",
            "rustix",
            "tempfile",
            "dirs::",
        ] {
            assert!(
                !code.contains(forbidden),
                "{name} mentions `{forbidden}`: the file system and the clock are the kickoff \
                 crate's; pass the text, or the time, in"
            );
        }
    }
}

#[test]
fn the_core_reads_no_environment() {
    let files = core_files();
    assert!(files.iter().any(|(n, _)| n.ends_with("/config.rs")));
    for (name, code) in files {
        for forbidden in ["env::var", "env::vars"] {
            assert!(
                !code.contains(forbidden),
                "{name} reads the environment (`{forbidden}`): the front end reads it and passes the value in"
            );
        }
    }
}
