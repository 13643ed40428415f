//! The LLM reviewer's findings in `check`: the latest critique's, in the JSON report beside the
//! rules' findings (`"source": "llm"`) and in a short block of their own in the text report.
//! They count in the verdict and the gate like the rules' findings (`verdict::llm_counts`),
//! unless stale, waived or made advisory (`--ignore-llm`, or the config file).

use std::fmt::Write;

use serde::Serialize;

use crate::critic::Severity;
use crate::response::FindingResponse;
use crate::reviewer::ShownFinding;
use crate::session::Critique;
use crate::text::wrap;

/// One LLM finding as `check --format json` prints it: the fields of a rule's finding (`rule`
/// is the finding's id, `questions` the answers it rests on), and where it came from.
#[derive(Serialize)]
pub(super) struct LlmOut<'a> {
    rule: &'a str,
    severity: Severity,
    question: &'a str,
    questions: Vec<&'a str>,
    section: &'a str,
    message: &'a str,
    evidence: &'a str,
    reference: &'a str,
    provider: &'a str,
    model: &'a str,
    /// When the critique it came from was made (RFC 3339).
    created: &'a str,
    stale: bool,
    folded_into: Option<&'a str>,
    response: Option<&'a FindingResponse>,
}

pub(super) fn out<'a>(
    f: &'a ShownFinding,
    critique: &'a Critique,
    q: &'a crate::questionnaire::Questionnaire,
) -> LlmOut<'a> {
    let finding = &f.finding;
    let questions = if finding.cites.is_empty() {
        vec![finding.question.as_str()]
    } else {
        // The finding's own question first, as for a rule's.
        let own = finding.cites.iter().filter(|c| **c == finding.question);
        let rest = finding.cites.iter().filter(|c| **c != finding.question);
        own.chain(rest).map(String::as_str).collect()
    };
    LlmOut {
        rule: &f.id,
        severity: finding.severity,
        question: &finding.question,
        questions,
        section: q
            .index_of(&finding.question)
            .map_or("", |i| q.sections[q.section_of(i)].id.as_str()),
        message: &finding.message,
        evidence: &finding.evidence,
        reference: "",
        provider: &critique.provider,
        model: &critique.model,
        created: &critique.created,
        stale: f.stale,
        folded_into: f.folded_into.as_deref(),
        response: f.response.as_ref(),
    }
}

/// The text report's block: the critique it came from, then a finding a few lines each.
pub(super) fn text_block(shown: &[ShownFinding], critique: &Critique, may_fail: bool) -> String {
    let mut out = String::new();
    if shown.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\nLLM reviewer ({} / {}, {}; {}):",
        critique.provider,
        critique.model,
        critique.created,
        if may_fail {
            "counted in the verdict; --ignore-llm makes it advisory"
        } else {
            "advisory: not counted"
        }
    );
    for f in shown {
        let mut tags = Vec::new();
        if f.stale {
            tags.push("STALE: an answer it cites changed since".to_string());
        }
        if let Some(rule) = &f.folded_into {
            tags.push(format!("agrees with [{rule}]"));
        }
        let tags = if tags.is_empty() {
            String::new()
        } else {
            format!(" ({})", tags.join("; "))
        };
        let _ = writeln!(
            out,
            "  {} [{}] at `{}`{tags}",
            f.finding.severity.name(),
            f.id,
            f.finding.question
        );
        for line in wrap(&f.finding.message, 90) {
            let _ = writeln!(out, "      {line}");
        }
        if let Some(r) = &f.response {
            let _ = writeln!(out, "      {}", super::text::response_line(r));
        }
    }
    out
}
