//! The LLM reviewer's structured output as data: a verdict, findings and follow-up questions,
//! in the shape `templates/critique-schema.json` asks for; how each reads as text; and what a
//! finding rests on (the answers it cites, and their hashes when it was made).
//!
//! Plain data for the session file, `check`, the doc and the front ends: the LLM client builds
//! it, nothing here knows about HTTP.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::answer::{Answer, Answers};
use crate::critic::Severity;

/// The question id of a finding or follow-up about the whole design (or one the model named
/// that the questionnaire does not have).
pub const GENERAL: &str = "general";

/// One point the LLM reviewer made, as saved in the session file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LlmFinding {
    /// A question id of the questionnaire, or [`GENERAL`].
    pub question: String,
    pub severity: Severity,
    /// What is wrong, why it matters in production, what to do.
    pub message: String,
    /// The words of the answer(s) the finding rests on, as the model quoted them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
    /// The questions whose answers it rests on: its own, and those its evidence quotes.
    /// Computed when the critique is made; a change to one of them makes the finding stale.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<String>,
}

/// A question the reviewer asks back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FollowUp {
    /// The question it is about, or [`GENERAL`].
    pub question: String,
    pub ask: String,
}

/// The start of the follow-up questions in a structured critique's text.
pub const FOLLOW_UPS_HEADING: &str = "Questions from the reviewer:\n";

/// A finding as one markdown bullet (and its evidence under it), the way a structured
/// critique's text shows it: `- [question] severity: message`.
pub fn finding_text(f: &LlmFinding) -> String {
    let mut s = format!("- [{}] {}: {}\n", f.question, f.severity.name(), f.message);
    if !f.evidence.is_empty() {
        s.push_str(&format!("  Evidence: \"{}\"\n", one_line(&f.evidence)));
    }
    s
}

/// A follow-up question as one markdown bullet.
pub fn follow_up_text(f: &FollowUp) -> String {
    format!("- [{}] {}\n", f.question, f.ask)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The hash of one answer as it was sent, for telling later whether it changed.
pub fn answer_hash(answer: &Answer) -> String {
    let canonical = serde_json::to_string(answer).unwrap_or_default();
    let digest = Sha256::digest(canonical.as_bytes());
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash of each answer in `answers` whose id `sent` accepts (the questions the prompt
/// showed: asked and not secret), by question id.
pub fn answer_hashes(answers: &Answers, sent: &dyn Fn(&str) -> bool) -> BTreeMap<String, String> {
    answers
        .iter()
        .filter(|(id, a)| sent(id) && !a.is_empty())
        .map(|(id, a)| (id.clone(), answer_hash(a)))
        .collect()
}

/// Lower case, every run of characters that are not letters or digits one space, with a
/// space at each end, so that `contains` matches whole words.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// The questions a finding rests on: `question` (unless [`GENERAL`]) and every question whose
/// answer text (`answers`: id to the words sent) its `evidence` quotes: a quoted fragment of
/// three words or more found in the answer, or a distinctive answer (two words or more, or
/// eight letters) found in the evidence. Sorted, without repeats.
pub fn cited_questions(
    question: &str,
    evidence: &str,
    answers: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut cites = Vec::new();
    if question != GENERAL {
        cites.push(question.to_string());
    }
    let whole = normalize(evidence);
    let fragments: Vec<String> = evidence
        .split(['"', '\u{201c}', '\u{201d}', '\u{2026}', ';', '\n', '|'])
        .flat_map(|f| f.split("..."))
        .map(normalize)
        .filter(|f| f.split_whitespace().count() >= 3)
        .collect();
    for (id, text) in answers {
        let answer = normalize(text);
        let words = answer.split_whitespace().count();
        if words == 0 {
            continue;
        }
        let distinctive = words >= 2 || answer.trim().len() >= 8;
        if fragments.iter().any(|f| answer.contains(f.as_str()))
            || (distinctive && whole.contains(answer.as_str()))
        {
            cites.push(id.clone());
        }
    }
    cites.sort();
    cites.dedup();
    cites
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn evidence_cites_the_answers_it_quotes() {
        let a = answers(&[
            ("metrics", "Accuracy"),
            ("notes", "We will try a transformer first, then see."),
            ("task", "Classification"),
            ("ab_test", "Yes"),
        ]);
        let got = cited_questions(
            "metrics",
            "\"we will try a transformer\" ... task: classification",
            &a,
        );
        assert_eq!(got, ["metrics", "notes", "task"]);
        // A short answer ("Yes") is not cited just because the word occurs.
        assert_eq!(
            cited_questions(GENERAL, "yes, we will", &a),
            Vec::<String>::new()
        );
        // Case and punctuation do not matter; two-word fragments are too weak on their own.
        assert_eq!(
            cited_questions(GENERAL, "TRANSFORMER FIRST, THEN", &a),
            ["notes"]
        );
        assert!(cited_questions(GENERAL, "transformer first", &a).is_empty());
    }

    #[test]
    fn answer_hashes_change_with_the_answer_and_skip_unsent_ones() {
        let mut a = Answers::new();
        a.insert("task".into(), Answer::Text("classification".into()));
        a.insert("secret".into(), Answer::Text("hunter2".into()));
        a.insert("empty".into(), Answer::Text(" ".into()));
        let h = answer_hashes(&a, &|id| id != "secret");
        assert_eq!(h.keys().collect::<Vec<_>>(), ["task"]);
        assert_eq!(h["task"].len(), 12);
        assert_ne!(
            answer_hash(&Answer::Text("classification".into())),
            answer_hash(&Answer::Text("regression".into()))
        );
    }

    #[test]
    fn findings_read_as_bullets_with_their_evidence() {
        let f = LlmFinding {
            question: "metrics".into(),
            severity: Severity::Warning,
            message: "Accuracy hides the minority class.".into(),
            evidence: "Accuracy\n at 2%".into(),
            cites: vec![],
        };
        assert_eq!(
            finding_text(&f),
            "- [metrics] warning: Accuracy hides the minority class.\n  Evidence: \"Accuracy at 2%\"\n"
        );
    }
}
