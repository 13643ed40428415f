//! The text report of one checked file: the counts, the readiness, the open questions, then the
//! findings grouped by severity.

use std::path::Path;

use super::OpenQuestion;
use crate::critic::{Finding, Severity};
use crate::text::wrap;

pub(super) fn text_report(
    file: &Path,
    bundle: &crate::bundle::Bundle,
    review: &crate::bundle::Review,
    verdict: &crate::verdict::Verdict,
    open: &[OpenQuestion],
    problems: &[crate::source::Problem],
    status: &str,
) -> String {
    let mut out = String::new();
    summary(&mut out, file, verdict, open.len(), status);
    notes(&mut out, file, review, open, problems);
    findings(&mut out, bundle, review);
    out
}

/// The first lines: the verdict's counts, what is listed but not counted, who reviewed.
fn summary(
    out: &mut String,
    file: &Path,
    verdict: &crate::verdict::Verdict,
    open: usize,
    status: &str,
) {
    use std::fmt::Write;
    let count = |k: usize, word: &str| crate::text::plural(k, word, None);
    let mut also = Vec::new();
    if verdict.llm_blockers + verdict.llm_warnings > 0 {
        also.push(format!(
            "{} of them the LLM reviewer's",
            verdict.llm_blockers + verdict.llm_warnings
        ));
    }
    if verdict.deviations > 0 {
        let n = count(verdict.deviations, "unrecorded change");
        also.push(format!("{n} since the plan was frozen"));
    }
    if verdict.readout_blockers + verdict.readout_warnings > 0 {
        also.push(format!(
            "readout: {}, {}",
            count(verdict.readout_blockers, "blocker"),
            count(verdict.readout_warnings, "warning")
        ));
    }
    if verdict.recorded_deviations > 0 {
        also.push(count(verdict.recorded_deviations, "recorded deviation"));
    }
    if verdict.waived > 0 {
        also.push(format!("{} waived by a response", verdict.waived));
    }
    if verdict.stale > 0 {
        let stale = count(verdict.stale, "stale LLM finding");
        also.push(format!("{stale} not counted"));
    }
    if verdict.advisory > 0 {
        also.push(count(verdict.advisory, "advisory LLM finding"));
    }
    let also: String = also.iter().map(|a| format!(", {a}")).collect();
    let _ = writeln!(
        out,
        "{}: {}, {}, {}, {}{also}: {}",
        crate::text::path(file),
        count(verdict.blockers, "blocker"),
        count(verdict.warnings, "warning"),
        count(verdict.infos, "note"),
        count(open, "open question"),
        status
    );
    let _ = writeln!(out, "Reviewed by {}.", verdict.reviewed_by());
}

/// The readiness, a quick session's note, the problems with answers and the open questions.
fn notes(
    out: &mut String,
    file: &Path,
    review: &crate::bundle::Review,
    open: &[OpenQuestion],
    problems: &[crate::source::Problem],
) {
    use std::fmt::Write;
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
    if let Some(note) = crate::depth::summary(
        &review.pending,
        &review.deferred,
        &crate::text::path(file).to_string(),
    ) {
        let _ = writeln!(out, "{note}");
    }
    for p in problems {
        // The session's own notes (read as a newer version, a key kept but not read) are not
        // problems with answers.
        let what =
            if p.question.is_none() && (p.subject == "session" || p.subject.starts_with("key `")) {
                "note"
            } else {
                "problem"
            };
        let line = p.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        let _ = writeln!(out, "{what}: {line}{}: {}", p.subject, p.message);
    }
    if !open.is_empty() {
        let _ = writeln!(out, "\nOpen questions (required, not answered yet):");
        for o in open {
            let _ = writeln!(out, "  open `{}` ({}): {}", o.id, o.section, o.prompt);
        }
    }
}

/// The rules' findings grouped by severity, each with its reference and response.
fn findings(out: &mut String, bundle: &crate::bundle::Bundle, review: &crate::bundle::Review) {
    use std::fmt::Write;
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
                // A reason of several lines stays under its finding.
                for line in wrap(&response_line(r), 90) {
                    let _ = writeln!(out, "      {line}");
                }
            }
        }
    }
}

/// A response under its finding: what the team said, and whether it still counts.
pub(super) fn response_line(r: &crate::response::FindingResponse) -> String {
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
