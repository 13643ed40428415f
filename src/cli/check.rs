//! `kickoff check`: the offline critic as a command, for people and for CI.

use std::path::{Path, PathBuf};

use std::process::ExitCode;

mod llm;

use clap::ValueEnum;
use serde::Serialize;

use super::exit::EXIT_FAILED;
use crate::critic::{Finding, Severity, counts};
use crate::score::Readiness;
use crate::text::wrap;
use crate::workspace::{self, Error};

/// `kickoff check`'s arguments.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    pub(super) file: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(super) format: Format,
    /// Lowest severity that makes the check fail (exit code 1); `never` only reports
    #[arg(long, value_enum, default_value_t = FailOn::Blocker)]
    pub(super) fail_on: FailOn,
    /// Pass with required questions still open (for drafts); without it they fail the check
    #[arg(long)]
    pub(super) allow_open: bool,
    /// Extra rule pack (repeatable)
    #[arg(long = "rules")]
    pub(super) rules: Vec<PathBuf>,
    #[arg(short, long)]
    pub(super) questionnaire: Option<String>,
    /// Check even if some answers do not fit the questionnaire (they are listed as
    /// problems); without it such a file is an input error (exit code 2)
    #[arg(long)]
    pub(super) lenient: bool,
    /// Let the LLM reviewer's findings (the latest critique's) fail the check like the rules'
    /// do, at `--fail-on` and above, unless stale or waived; without it they are advisory
    #[arg(long)]
    pub(super) fail_on_llm: bool,
}

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
    /// Whether open questions were allowed (`--allow-open`).
    allow_open: bool,
    /// Whether the LLM reviewer's findings can fail the check (`--fail-on-llm`).
    fail_on_llm: bool,
    counts: Counts,
    findings: Vec<FindingOut<'a>>,
    /// Required questions asked and not answered (or answered with a placeholder).
    open_questions: Vec<OpenQuestion<'a>>,
    readiness: Option<&'a Readiness>,
    /// Answers that do not fit the questionnaire (the check still runs on the rest).
    problems: Vec<ProblemOut>,
}

/// A finding of the report: the rules' or the LLM reviewer's, told apart by `source`.
#[derive(Serialize)]
#[serde(tag = "source", rename_all = "lowercase")]
enum FindingOut<'a> {
    Rules(&'a Finding),
    Llm(llm::LlmOut<'a>),
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
    open_questions: usize,
    /// Findings a response (accepted risk, won't fix) keeps from failing the check.
    waived: usize,
    /// The LLM reviewer's findings, by severity (not in the counts above).
    llm: LlmCounts,
}

#[derive(Serialize)]
struct LlmCounts {
    blocker: usize,
    warning: usize,
    info: usize,
    /// Those an answer they cite changed since: they count for nothing until the next critique.
    stale: usize,
}

#[derive(Serialize)]
struct OpenQuestion<'a> {
    id: &'a str,
    prompt: &'a str,
    section: &'a str,
}

#[derive(Serialize)]
struct ProblemOut {
    subject: String,
    message: String,
}

const SCHEMA: &str = "kickoff.check/1";

fn is_waived(f: &Finding) -> bool {
    f.response.as_ref().is_some_and(|r| r.waives)
}

/// Responses the check can't use: to a rule no loaded pack has, or without what their status
/// needs (a hand-edited file). They are kept in the file, and reported.
fn response_problems(
    bundle: &crate::bundle::Bundle,
    session: &crate::session::Session,
) -> Vec<crate::source::Problem> {
    let mut out = Vec::new();
    for (rule, r) in &session.responses {
        let message = if crate::reviewer::is_llm_id(rule) {
            if crate::reviewer::find(session, rule).is_none() {
                "no such finding in the latest critique (kept as is)"
            } else if let Some(m) = r.missing() {
                m
            } else {
                continue;
            }
        } else if bundle.critic.rule(rule).is_none() {
            "no such rule in the loaded rule packs (kept as is)"
        } else if let Some(m) = r.missing() {
            m
        } else {
            continue;
        };
        out.push(crate::source::Problem {
            line: None,
            subject: format!("response to `{rule}`"),
            question: None,
            message: message.into(),
        });
    }
    out
}

pub(super) fn run(args: CheckArgs) -> Result<ExitCode, Error> {
    let CheckArgs {
        ref file,
        format,
        fail_on,
        allow_open,
        ref rules,
        ref questionnaire,
        lenient,
        fail_on_llm,
    } = args;
    // Answers that do not fit would silently switch rules off: an input error unless asked.
    let (mut bundle, session, problems) =
        workspace::open_checked(file, questionnaire.as_deref(), lenient)?;
    workspace::add_rule_packs(&mut bundle, rules)?;
    let mut review = bundle.review(&session.answers);
    bundle.attach_responses(&mut review, &session.responses);
    let mut problems = problems;
    problems.extend(response_problems(&bundle, &session));
    let q = &bundle.questionnaire;
    let open: Vec<OpenQuestion> = review
        .open_required(q)
        .map(|question| OpenQuestion {
            id: &question.id,
            prompt: &question.prompt,
            section: q
                .index_of(&question.id)
                .map_or("", |i| q.sections[q.section_of(i)].id.as_str()),
        })
        .collect();
    let c = counts(&review.findings);
    let n = |s| *c.get(&s).unwrap_or(&0);
    // An empty session has no findings: open questions fail the gate too, unless allowed.
    // A finding the team accepted (or won't fix), on the answers it was about, stays in the
    // report but no longer fails the gate.
    let waived = review.findings.iter().filter(|f| is_waived(f)).count();
    let llm = crate::reviewer::session_findings(&session, &review.findings, &review.asked);
    let critique = crate::reviewer::latest_critique(&session);
    let failed = fail_on.threshold().is_some_and(|t| {
        let failing = |f: &&Finding| f.severity >= t && !is_waived(f);
        review.findings.iter().any(|f| failing(&f))
            || (!allow_open && !open.is_empty())
            || (fail_on_llm && llm.iter().any(|f| llm::fails(f, t)))
    });
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
                allow_open,
                fail_on: match fail_on {
                    FailOn::Blocker => "blocker",
                    FailOn::Warning => "warning",
                    FailOn::Never => "never",
                },
                counts: Counts {
                    blocker: n(Severity::Blocker),
                    warning: n(Severity::Warning),
                    info: n(Severity::Info),
                    open_questions: open.len(),
                    waived,
                    llm: {
                        let n =
                            |s: Severity| llm.iter().filter(|f| f.finding.severity == s).count();
                        LlmCounts {
                            blocker: n(Severity::Blocker),
                            warning: n(Severity::Warning),
                            info: n(Severity::Info),
                            stale: llm.iter().filter(|f| f.stale).count(),
                        }
                    },
                },
                fail_on_llm,
                findings: review
                    .findings
                    .iter()
                    .map(FindingOut::Rules)
                    .chain(
                        critique.into_iter().flat_map(|c| {
                            llm.iter().map(move |f| FindingOut::Llm(llm::out(f, c, q)))
                        }),
                    )
                    .collect(),
                open_questions: open,
                readiness: review.readiness.as_ref(),
                problems: problems
                    .iter()
                    .map(|p| ProblemOut {
                        subject: p.subject.clone(),
                        message: p.message.clone(),
                    })
                    .collect(),
            };
            crate::outln!(
                "{}",
                serde_json::to_string_pretty(&report).expect("serialisable")
            );
        }
        Format::Text => {
            crate::out!(
                "{}",
                text_report(file, &bundle, &review, &open, &problems, failed)
            );
            if let Some(c) = critique {
                crate::out!("{}", llm::text_block(&llm, c, fail_on_llm));
            }
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
    open: &[OpenQuestion],
    problems: &[crate::source::Problem],
    failed: bool,
) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let c = counts(&review.findings);
    let n = |s| *c.get(&s).unwrap_or(&0);
    let waived = review.findings.iter().filter(|f| is_waived(f)).count();
    let count = |k: usize, word: &str| crate::text::plural(k, word, None);
    let _ = writeln!(
        out,
        "{}: {}, {}, {}, {}{}: {}",
        file.display(),
        count(n(Severity::Blocker), "blocker"),
        count(n(Severity::Warning), "warning"),
        count(n(Severity::Info), "note"),
        count(open.len(), "open question"),
        if waived > 0 {
            format!(", {waived} waived by a response")
        } else {
            String::new()
        },
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
    if !open.is_empty() {
        let _ = writeln!(out, "\nOpen questions (required, not answered yet):");
        for o in open {
            let _ = writeln!(out, "  open `{}` ({}): {}", o.id, o.section, o.prompt);
        }
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
            if let Some(r) = &f.response {
                let _ = writeln!(out, "      {}", response_line(r));
            }
        }
    }
    out
}

/// A response under its finding: what the team said, and whether it still counts.
fn response_line(r: &crate::response::FindingResponse) -> String {
    let mut parts = vec![r.status.name().to_string()];
    if !r.owner.is_empty() {
        parts.push(format!("owner {}", r.owner));
    }
    if !r.date.is_empty() {
        parts.push(r.date.clone());
    }
    let said = if r.reason.is_empty() {
        String::new()
    } else {
        format!(": {}", r.reason)
    };
    let state = if r.stale {
        " (STALE: the answers it was about changed since, so it no longer counts)"
    } else if r.waives {
        " (waived)"
    } else {
        ""
    };
    format!("response: {}{said}{state}", parts.join(", "))
}
