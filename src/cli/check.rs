//! `kickoff check`: the offline critic as a command, for people and for CI.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use serde::Serialize;

use super::exit::EXIT_FAILED;
use crate::critic::{Finding, Severity, counts};
use crate::score::Readiness;
use crate::text::wrap;
use crate::workspace::{self, Error};

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum FailOn {
    Blocker,
    Warning,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Blocker => Some(Severity::Blocker),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Never => None,
        }
    }
}

/// The JSON document `check --format json` prints. `schema` changes only when a field is removed
/// or changes meaning.
#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    file: String,
    questionnaire: Questionnaire<'a>,
    passed: bool,
    fail_on: &'static str,
    counts: Counts,
    findings: &'a [Finding],
    readiness: Option<&'a Readiness>,
    /// Answers that do not fit the questionnaire (the check still runs on the rest).
    problems: Vec<ProblemOut>,
}

#[derive(Serialize)]
struct Questionnaire<'a> {
    id: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct Counts {
    blocker: usize,
    warning: usize,
    info: usize,
}

#[derive(Serialize)]
struct ProblemOut {
    subject: String,
    message: String,
}

const SCHEMA: &str = "kickoff.check/1";

pub(super) fn run(
    file: &Path,
    format: Format,
    fail_on: FailOn,
    rules: &[PathBuf],
    questionnaire: Option<&str>,
    lenient: bool,
) -> Result<ExitCode, Error> {
    // Answers that do not fit would silently switch rules off: an input error unless asked.
    let (mut bundle, session, problems) = workspace::open_checked(file, questionnaire, lenient)?;
    workspace::add_rule_packs(&mut bundle, rules)?;
    let review = bundle.review(&session.answers);
    let c = counts(&review.findings);
    let n = |s| *c.get(&s).unwrap_or(&0);
    let failed = fail_on
        .threshold()
        .is_some_and(|t| review.findings.iter().any(|f| f.severity >= t));
    match format {
        Format::Json => {
            let report = Report {
                schema: SCHEMA,
                file: file.display().to_string(),
                questionnaire: Questionnaire {
                    id: &bundle.questionnaire.id,
                    version: &bundle.questionnaire.version,
                },
                passed: !failed,
                fail_on: match fail_on {
                    FailOn::Blocker => "blocker",
                    FailOn::Warning => "warning",
                    FailOn::Never => "never",
                },
                counts: Counts {
                    blocker: n(Severity::Blocker),
                    warning: n(Severity::Warning),
                    info: n(Severity::Info),
                },
                findings: &review.findings,
                readiness: review.readiness.as_ref(),
                problems: problems
                    .iter()
                    .map(|p| ProblemOut {
                        subject: p.subject.clone(),
                        message: p.message.clone(),
                    })
                    .collect(),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("serialisable")
            );
        }
        Format::Text => {
            print!("{}", text_report(file, &bundle, &review, &problems, failed));
        }
    }
    Ok(if failed {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

fn text_report(
    file: &Path,
    bundle: &crate::bundle::Bundle,
    review: &crate::bundle::Review,
    problems: &[crate::source::Problem],
    failed: bool,
) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let c = counts(&review.findings);
    let n = |s| *c.get(&s).unwrap_or(&0);
    let _ = writeln!(
        out,
        "{}: {} blocker(s), {} warning(s), {} info: {}",
        file.display(),
        n(Severity::Blocker),
        n(Severity::Warning),
        n(Severity::Info),
        if failed { "FAILED" } else { "passed" }
    );
    if let Some(r) = &review.readiness {
        let parts: Vec<String> = r
            .sections
            .iter()
            .map(|s| format!("{} {}", s.name, s.score))
            .collect();
        let _ = writeln!(
            out,
            "Readiness (ML Test Score): {} ({}); {}",
            r.score,
            r.band,
            parts.join(", ")
        );
    }
    for p in problems {
        let _ = writeln!(out, "problem: {}: {}", p.subject, p.message);
    }
    for (severity, title) in [
        (Severity::Blocker, "Blockers"),
        (Severity::Warning, "Warnings"),
        (Severity::Info, "Worth a thought"),
    ] {
        let group: Vec<&Finding> = review
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}:");
        for f in group {
            let section = bundle
                .questionnaire
                .sections
                .iter()
                .find(|s| s.id == f.section)
                .map_or("", |s| s.title.as_str());
            let _ = writeln!(
                out,
                "  {} [{}] at `{}` ({section})",
                severity.name(),
                f.rule,
                f.question
            );
            for line in wrap(&f.message, 90) {
                let _ = writeln!(out, "      {line}");
            }
            if !f.reference.is_empty() {
                let _ = writeln!(out, "      ref: {}", f.reference);
            }
        }
    }
    out
}
