//! `kickoff check PATHS...`: every session file the paths name, checked in parallel (a thread
//! a core, each loading a questionnaire once), reported in one output with one summary; the
//! exit code is the worst file's (2 for a file or path that could not be checked).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::super::exit::{EXIT_FAILED, EXIT_INPUT};
use super::{CheckArgs, FileReport, Format, Unchecked, check_file, ci, sarif};

/// Checks every plan under `args.paths` and prints the reports; returns the exit code. Text
/// and SARIF are written as the files are checked, in the order given: memory holds the
/// reports still out of order and the rules, not every report (SARIF for thousands of plans).
pub(super) fn run(args: &CheckArgs) -> u8 {
    let found = crate::plans::find(&args.paths);
    let mut errors: Vec<Unchecked> = Vec::new();
    for e in &found.errors {
        errors.push(Unchecked {
            path: path_of(e),
            message: e.to_string(),
            line: None,
        });
    }
    let mut reports = Vec::new();
    let (mut checked, mut failed) = (0, 0);
    let mut sarif = (args.format == Format::Sarif).then(sarif::Sarif::start);
    check_each(&found.files, args, |path, result| match result {
        Ok(r) => {
            checked += 1;
            failed += usize::from(r.failed);
            match (&mut sarif, args.format) {
                (Some(sarif), _) => sarif.report(&r, &uri(&r.path)),
                (None, Format::Text) => crate::out!("{}", r.printed),
                (None, _) => reports.push(r),
            }
        }
        Err((message, line)) => errors.push(Unchecked {
            path: path.to_string_lossy().into_owned(),
            message,
            line,
        }),
    });
    let code = if !errors.is_empty() {
        EXIT_INPUT
    } else if failed > 0 {
        EXIT_FAILED
    } else {
        0
    };
    let gated = args.fail_on != super::FailOn::Never;
    let summary = summary(checked, failed, errors.len(), gated);
    // The documents hold the errors too; standard error has them for the CI log.
    if matches!(args.format, Format::Json | Format::Sarif | Format::Junit) {
        for e in &errors {
            eprintln!("kickoff: {}", e.message);
        }
    }
    match args.format {
        Format::Text => {
            for e in &errors {
                eprintln!("kickoff: {}", e.message);
            }
            crate::outln!("{summary}");
        }
        Format::Github => {
            crate::out!("{}", ci::github(&reports, |r| relative(&r.path)));
            for e in &errors {
                let line = e.line.map(|l| format!(",line={l}")).unwrap_or_default();
                crate::outln!(
                    "::error file={}{line},title=kickoff check::{}",
                    uri(Path::new(&e.path)),
                    e.message.replace('%', "%25").replace('\n', "%0A")
                );
            }
            crate::outln!("{summary}");
        }
        Format::Json => {
            crate::out!("{}", json(&reports, &errors, code == 0, failed));
            eprintln!("{summary}");
        }
        Format::Sarif => {
            if let Some(sarif) = sarif {
                sarif.finish(&errors, |p| uri(Path::new(p)));
            }
            eprintln!("{summary}");
        }
        Format::Junit => {
            crate::out!("{}", ci::junit(&reports, &errors, |r| relative(&r.path)));
            eprintln!("{summary}");
        }
    }
    code
}

fn path_of(e: &crate::plans::PathError) -> String {
    use crate::plans::PathError::*;
    match e {
        Missing(p) | EmptyDir(p) | NoMatch(p) => p.clone(),
        BadPattern { pattern, .. } => pattern.clone(),
        Unreadable { path, .. } | TooMany { path, .. } | TooDeep { path, .. } => path.clone(),
    }
}

fn summary(checked: usize, failed: usize, errors: usize, gated: bool) -> String {
    let files = crate::text::plural(checked, "file", None);
    // With `--fail-on never` nothing can fail: "passed" would read as a verdict on the plans.
    let mut s = if gated {
        format!(
            "kickoff check: checked {files}: {} passed, {failed} failed",
            checked - failed
        )
    } else {
        format!("kickoff check: checked {files}: not gated (--fail-on never)")
    };
    if errors > 0 {
        s.push_str(&format!("; {errors} could not be checked"));
    }
    s
}

/// Each file's report, or why it could not be checked and the line that says so.
type Checked = Result<FileReport, (String, Option<usize>)>;

/// Checks each file, a thread a core (each with bundles of its own: a questionnaire is not
/// shared across threads), and hands each result to `each` as it comes, in the order given:
/// only the results that came before an earlier file's wait here.
fn check_each(files: &[PathBuf], args: &CheckArgs, mut each: impl FnMut(&Path, Checked)) {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, files.len().max(1));
    let (done, results) = std::sync::mpsc::channel::<(usize, Checked)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let done = done.clone();
            let next = &next;
            scope.spawn(move || {
                let mut bundles = crate::workspace::Bundles::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    let result = check_file(file, args, &mut bundles)
                        .map_err(|e| (e.to_string(), e.line_in(file)));
                    if done.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done);
        let mut waiting = std::collections::BTreeMap::new();
        let mut due = 0;
        for (i, result) in results {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&due) {
                each(&files[due], result);
                due += 1;
            }
        }
    });
}

/// A path relative to the directory kickoff runs in (the repository root in CI), with `/`
/// separators: what GitHub's annotations and JUnit name a file by (they escape it their own
/// way).
fn relative(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let relative = match (path.is_absolute(), &cwd) {
        (true, Some(cwd)) => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let text = relative.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").unwrap_or(&text).to_string()
}

/// [`relative`] as a URI (SARIF): the characters a URI can't hold percent-encoded.
fn uri(path: &Path) -> String {
    let text = relative(path);
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The JSON of several files: each file's report as `check FILE --format json` prints it, the
/// paths that could not be checked, and the counts.
fn json(reports: &[FileReport], errors: &[Unchecked], passed: bool, failed: usize) -> String {
    let indent = |s: &str| {
        s.trim_end()
            .lines()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let reports: Vec<String> = reports.iter().map(|r| indent(&r.printed)).collect();
    let errors: Vec<String> = errors
        .iter()
        .map(|e| {
            let mut error = serde_json::json!({ "path": e.path, "message": e.message });
            if let Some(line) = e.line {
                error["line"] = line.into();
            }
            indent(&serde_json::to_string_pretty(&error).expect("serialisable"))
        })
        .collect();
    let list = |items: Vec<String>| {
        if items.is_empty() {
            "[]".to_string()
        } else {
            format!("[\n{}\n  ]", items.join(",\n"))
        }
    };
    let checked = reports.len();
    let unchecked = errors.len();
    format!(
        "{{\n  \"schema\": \"kickoff.check-many/1\",\n  \"passed\": {passed},\n  \"counts\": {{\n    \"files\": {checked},\n    \"passed\": {},\n    \"failed\": {failed},\n    \"not_checked\": {unchecked}\n  }},\n  \"reports\": {},\n  \"errors\": {}\n}}\n",
        checked - failed,
        list(reports),
        list(errors)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(uri(&cwd.join("plans/a b.toml")), "plans/a%20b.toml");
        assert_eq!(uri(Path::new("./x/y.toml")), "x/y.toml");
    }
}
