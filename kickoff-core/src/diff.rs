//! Two versions of a plan compared (`kickoff diff`): two stakeholders' answers to the same
//! questionnaire, or a file and an earlier revision of it. By section: the answers added,
//! removed and changed (long texts word by word); the critic's findings fixed and new; the
//! readiness and the open required questions before and after. Plain data, drawn as text,
//! markdown or JSON by `diff/show.rs`.

use crate::verdict::{LlmPolicy, Verdict};
use std::collections::BTreeSet;

use serde::Serialize;

use crate::answer::Answer;
use crate::bundle::{Bundle, Review};
use crate::questionnaire::{Kind, Question};
use crate::session::Session;

mod show;
mod words;

pub use show::{answers_by_question, to_markdown, to_text};
pub use words::{Chunk, Op, words};

/// One side of the comparison: a session with the questionnaire and rules it is read with.
pub struct Plan<'a> {
    /// How the side is named in the output (a path, `REV:path`).
    pub label: String,
    pub bundle: &'a Bundle,
    pub session: &'a Session,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PlanDiff {
    pub before: String,
    pub after: String,
    /// Sections with a changed answer, in the questionnaire's order (answers to questions it
    /// does not have last, under "Other answers").
    pub sections: Vec<SectionDiff>,
    /// Findings (a rule on a question) before and not after, and the other way round.
    pub findings_fixed: Vec<FindingRef>,
    pub findings_new: Vec<FindingRef>,
    pub readiness_before: Option<ReadinessRef>,
    pub readiness_after: Option<ReadinessRef>,
    /// Required questions asked and not answered, by id.
    pub open_before: Vec<String>,
    pub open_after: Vec<String>,
    /// The verdict's title on each side ([`crate::verdict::Verdict`]).
    pub verdict_before: String,
    pub verdict_after: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SectionDiff {
    pub title: String,
    pub answers: Vec<AnswerChange>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnswerChange {
    pub question: String,
    pub prompt: String,
    pub change: Change,
    /// The answer in words, as the doc shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// For a long text changed: the words kept, removed and added.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Chunk>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct FindingRef {
    pub rule: String,
    pub severity: String,
    pub question: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReadinessRef {
    pub score: f64,
    pub band: String,
}

/// A text longer than this (or a long-text question's) is compared word by word.
const LONG: usize = 80;

/// Compares `before` with `after`; sections and prompts come from `after`'s questionnaire.
pub fn diff(before: &Plan, after: &Plan) -> PlanDiff {
    let (rb, ra) = (review(before), review(after));
    let q = &after.bundle.questionnaire;
    let changed = |id: &str| {
        let (b, a) = (
            before.session.answers.get(id),
            after.session.answers.get(id),
        );
        (b != a).then_some((b, a))
    };
    let mut sections = Vec::new();
    for (i, section) in q.sections.iter().enumerate() {
        let answers: Vec<AnswerChange> = q
            .section_range(i)
            .map(|k| q.question(k))
            .filter_map(|x| changed(&x.id).map(|(b, a)| change(&x.id, Some(x), b, a)))
            .collect();
        if !answers.is_empty() {
            sections.push(SectionDiff {
                title: section.title.clone(),
                answers,
            });
        }
    }
    let others: BTreeSet<&String> = before
        .session
        .answers
        .keys()
        .chain(after.session.answers.keys())
        .filter(|id| q.get(id).is_none())
        .collect();
    let answers: Vec<AnswerChange> = others
        .into_iter()
        .filter_map(|id| changed(id).map(|(b, a)| change(id, None, b, a)))
        .collect();
    if !answers.is_empty() {
        sections.push(SectionDiff {
            title: "Other answers".into(),
            answers,
        });
    }
    // A finding is the same while its rule fires on the same question, whatever its words.
    let (fb, fa) = (findings(before, &rb), findings(after, &ra));
    let key = |f: &FindingRef| (f.rule.clone(), f.question.clone());
    let only = |x: &BTreeSet<FindingRef>, y: &BTreeSet<FindingRef>| -> Vec<FindingRef> {
        let other: BTreeSet<_> = y.iter().map(key).collect();
        x.iter()
            .filter(|f| !other.contains(&key(f)))
            .cloned()
            .collect()
    };
    PlanDiff {
        before: before.label.clone(),
        after: after.label.clone(),
        sections,
        findings_fixed: only(&fb, &fa),
        findings_new: only(&fa, &fb),
        readiness_before: readiness(&rb),
        readiness_after: readiness(&ra),
        open_before: open(before, &rb),
        open_after: open(after, &ra),
        verdict_before: verdict(before, &rb).title.to_string(),
        verdict_after: verdict(after, &ra).title.to_string(),
    }
}

impl PlanDiff {
    /// Nothing the output would show changed.
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
            && self.findings_fixed.is_empty()
            && self.findings_new.is_empty()
            && self.readiness_before == self.readiness_after
            && self.open_before == self.open_after
            && self.verdict_before == self.verdict_after
    }
}

fn review(plan: &Plan) -> Review {
    plan.bundle.review_of(plan.session)
}

fn change(id: &str, q: Option<&Question>, b: Option<&Answer>, a: Option<&Answer>) -> AnswerChange {
    let text = |x: &Answer| q.map_or_else(|| x.to_string(), |q| q.answer_text(x));
    let (before, after) = (b.map(text), a.map(text));
    let long = |s: &Option<String>| s.as_ref().is_some_and(|s| s.len() > LONG);
    let is_long = q.is_some_and(|q| q.kind == Kind::LongText) || long(&before) || long(&after);
    let words = match (&before, &after) {
        (Some(x), Some(y)) if is_long => words(x, y),
        _ => Vec::new(),
    };
    AnswerChange {
        question: id.to_string(),
        prompt: q.map_or_else(String::new, |q| q.prompt.clone()),
        change: match (b, a) {
            (None, _) => Change::Added,
            (_, None) => Change::Removed,
            _ => Change::Changed,
        },
        before,
        after,
        words,
    }
}

/// The verdict on one side, with the LLM reviewer's findings counted (the default policy).
fn verdict(plan: &Plan, review: &Review) -> Verdict {
    Verdict::of_plan(plan.bundle, plan.session, review, LlmPolicy::Count)
}

/// The findings the verdict counts: the rules' and the LLM reviewer's current ones, not
/// waived (an LLM finding by its id, `llm:QUESTION:HASH`).
fn findings(plan: &Plan, review: &Review) -> BTreeSet<FindingRef> {
    let rules = review
        .findings
        .iter()
        .filter(|f| crate::verdict::rule_counts(f))
        .map(|f| FindingRef {
            rule: f.rule.clone(),
            severity: f.severity.name().to_string(),
            question: f.question.clone(),
            message: f.message.clone(),
        });
    let llm = crate::reviewer::session_findings(plan.session, &review.findings, &review.asked);
    let llm = llm
        .into_iter()
        .filter(|f| crate::verdict::llm_counts(f, LlmPolicy::Count))
        .map(|f| FindingRef {
            rule: f.id,
            severity: f.finding.severity.name().to_string(),
            question: f.finding.question,
            message: f.finding.message,
        });
    rules.chain(llm).collect()
}

fn readiness(review: &Review) -> Option<ReadinessRef> {
    review.readiness.as_ref().map(|r| ReadinessRef {
        score: r.score,
        band: r.band.clone(),
    })
}

fn open(plan: &Plan, review: &Review) -> Vec<String> {
    review
        .open_required(&plan.bundle.questionnaire)
        .map(|q| q.id.clone())
        .collect()
}
