//! A team's plans side by side (`kickoff report`): for each session file, its project, status,
//! owner, readiness, blockers, open questions, when it was last updated and how long ago its
//! last LLM critique was. Plain data; `cli/report.rs` prints it.
//!
//! The project is the answer to the questionnaire's `title_question`; the status and the owner
//! are the answers to `doc_status` and the first of `authors` (the built-in questionnaire's
//! "About this document" questions; a questionnaire of your own with those ids gets them too).

use std::path::Path;
use std::time::SystemTime;

use serde::Serialize;

use crate::verdict::LlmPolicy;

/// One plan of the portfolio.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub path: String,
    pub project: String,
    pub questionnaire: String,
    pub status: String,
    pub owner: String,
    /// The readiness score (ML Test Score), when the questionnaire has a scorecard.
    pub readiness: Option<f64>,
    pub readiness_band: Option<String>,
    /// Blockers not waived by a response.
    pub blockers: usize,
    pub warnings: usize,
    pub open_questions: usize,
    /// When the session was last saved (RFC 3339, as in the file).
    pub updated: String,
    /// Whole days since the latest LLM critique; `None` if it never had one.
    pub days_since_critique: Option<u64>,
}

/// A file that could not be read as a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    pub path: String,
    pub message: String,
}

/// How the plans are ordered: each puts the plans that need attention first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// By path.
    Path,
    /// Least ready first (plans without a score last).
    Readiness,
    /// Most blockers first.
    Blockers,
    /// Most open questions first.
    Open,
    /// Least recently updated first.
    Updated,
    /// Longest since the last critique first (never critiqued first of all).
    Critique,
}

/// The plan a session is, read with its questionnaire and rules (`bundle`) at `now`; `file` is
/// where it was read from.
pub fn plan(
    file: &Path,
    bundle: &crate::bundle::Bundle,
    session: &crate::session::Session,
    now: SystemTime,
    policy: LlmPolicy,
) -> Plan {
    let q = &bundle.questionnaire;
    let review = bundle.review_of(session);
    let answer = |id: &str| {
        let question = q.get(id)?;
        let a = review.asked.get(id)?;
        Some(question.answer_text(a))
    };
    let owner = q
        .get("authors")
        .and_then(|question| Some(question.answer_items(review.asked.get("authors")?)))
        .and_then(|items| items.into_iter().next())
        .unwrap_or_default();
    let verdict = crate::verdict::Verdict::of_plan(bundle, session, &review, policy);
    let days_since_critique = crate::reviewer::latest_critique(session)
        .and_then(|c| humantime::parse_rfc3339_weak(&c.created).ok())
        .map(|at| now.duration_since(at).map_or(0, |d| d.as_secs() / 86_400));
    Plan {
        path: file.to_string_lossy().into_owned(),
        project: q
            .title_question
            .as_deref()
            .and_then(answer)
            .unwrap_or_default(),
        questionnaire: q.id.clone(),
        status: answer("doc_status").unwrap_or_default(),
        owner,
        readiness: review.readiness.as_ref().map(|r| r.score),
        readiness_band: review.readiness.as_ref().map(|r| r.band.clone()),
        blockers: verdict.blockers,
        warnings: verdict.warnings,
        open_questions: verdict.open,
        updated: session.updated.clone(),
        days_since_critique,
    }
}

/// Orders the plans by `sort`; ties keep the order of their paths.
pub fn sort(plans: &mut [Plan], sort: Sort) {
    use std::cmp::Reverse;
    plans.sort_by(|a, b| a.path.cmp(&b.path));
    match sort {
        Sort::Path => {}
        Sort::Readiness => plans.sort_by(|a, b| {
            let key = |p: &Plan| p.readiness.unwrap_or(f64::INFINITY);
            key(a).total_cmp(&key(b))
        }),
        Sort::Blockers => plans.sort_by_key(|p| Reverse(p.blockers)),
        Sort::Open => plans.sort_by_key(|p| Reverse(p.open_questions)),
        Sort::Updated => plans.sort_by_key(|p| {
            humantime::parse_rfc3339_weak(&p.updated).unwrap_or(SystemTime::UNIX_EPOCH)
        }),
        Sort::Critique => plans.sort_by_key(|p| Reverse(p.days_since_critique.unwrap_or(u64::MAX))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(path: &str, readiness: Option<f64>, blockers: usize, critique: Option<u64>) -> Plan {
        Plan {
            path: path.into(),
            project: String::new(),
            questionnaire: "q".into(),
            status: String::new(),
            owner: String::new(),
            readiness,
            readiness_band: None,
            blockers,
            warnings: 0,
            open_questions: 0,
            updated: String::new(),
            days_since_critique: critique,
        }
    }

    fn paths(plans: &[Plan]) -> Vec<&str> {
        plans.iter().map(|p| p.path.as_str()).collect()
    }

    #[test]
    fn each_sort_puts_what_needs_attention_first() {
        let mut plans = vec![
            plan("c", Some(3.0), 0, Some(2)),
            plan("a", None, 2, None),
            plan("b", Some(0.5), 1, Some(40)),
        ];
        sort(&mut plans, Sort::Readiness);
        assert_eq!(paths(&plans), ["b", "c", "a"]);
        sort(&mut plans, Sort::Blockers);
        assert_eq!(paths(&plans), ["a", "b", "c"]);
        sort(&mut plans, Sort::Critique);
        assert_eq!(paths(&plans), ["a", "b", "c"]);
        sort(&mut plans, Sort::Path);
        assert_eq!(paths(&plans), ["a", "b", "c"]);
    }
}
