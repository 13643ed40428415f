//! The review policy: from the rules' findings, the LLM reviewer's current findings and the
//! open questions, what counts, what is waived, what is stale, and whether the plan passes.
//! Every place that reads the state of a plan (`check` in every format, the doc and the brief,
//! `report`, `diff`, the TUI's header and review screen) asks this one [`Verdict`], so no two
//! of them can count differently.

use serde::{Deserialize, Serialize};

use crate::bundle::Review;
use crate::critic::{Finding, Severity};
use crate::reviewer::ShownFinding;
use crate::session::{Critique, Session};

/// Whether the LLM reviewer's findings count in the verdict and the gate (the default), or are
/// advisory: shown, never counted (`check --ignore-llm`, or `[review] llm = "advisory"` in the
/// config file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LlmPolicy {
    #[default]
    Count,
    Advisory,
}

/// Where the plan stands, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Blockers, or required questions still open.
    NotReady,
    /// A quick kickoff with questions of the full interview still to be written.
    Kickoff,
    /// Warnings only.
    Conditions,
    Ready,
}

impl Status {
    pub fn title(self) -> &'static str {
        match self {
            Status::NotReady => "Not ready",
            Status::Kickoff => "A quick kickoff, not yet a full review",
            Status::Conditions => "Ready with conditions",
            Status::Ready => "Ready for review",
        }
    }
}

/// The LLM review the verdict read, if the plan has one.
#[derive(Debug, Clone, Serialize)]
pub struct LlmReview {
    pub provider: String,
    pub model: String,
    /// When it was made (RFC 3339).
    pub created: String,
    /// Whether its findings count ([`LlmPolicy::Count`]).
    pub counted: bool,
}

/// The one verdict on a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub status: Status,
    pub title: &'static str,
    /// Counted findings by severity: the rules' and (unless advisory) the LLM reviewer's
    /// current ones, neither waived nor stale nor folded into a rule's finding.
    pub blockers: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Of those, the LLM reviewer's.
    pub llm_blockers: usize,
    pub llm_warnings: usize,
    /// Findings the team waived (accepted risk or won't fix, on the answers they were about).
    pub waived: usize,
    /// LLM findings an answer they rest on changed since: shown, not counted until the next
    /// review.
    pub stale: usize,
    /// LLM findings shown but not counted because the LLM review is advisory.
    pub advisory: usize,
    /// Required questions asked and not answered.
    pub open: usize,
    /// A quick session's questions not asked yet.
    pub pending: usize,
    /// `None`: the plan was reviewed by the offline rules only.
    pub llm: Option<LlmReview>,
    /// Frozen answers changed since the plan was frozen with no record of why
    /// ([`crate::freeze`]): they fail the gate like blockers.
    pub deviations: usize,
    /// Deviations the team recorded a reason for: listed, not counted.
    pub recorded_deviations: usize,
    /// The readout's checks ([`crate::readout`]) by severity: a blocker (a sample ratio
    /// mismatch, a test stopped early, a guardrail past its limit...) fails the gate.
    pub readout_blockers: usize,
    pub readout_warnings: usize,
}

/// Whether a response waives the finding it answers.
fn waived(response: Option<&crate::response::FindingResponse>) -> bool {
    response.is_some_and(|r| r.waives)
}

/// Whether a rule's finding counts: it is not waived.
pub fn rule_counts(f: &Finding) -> bool {
    !waived(f.response.as_ref())
}

/// Whether an LLM finding counts under `policy`: current (not stale), not folded into a rule's
/// finding (that one and its response decide), not waived.
pub fn llm_counts(f: &ShownFinding, policy: LlmPolicy) -> bool {
    policy == LlmPolicy::Count
        && !f.stale
        && f.folded_into.is_none()
        && !waived(f.response.as_ref())
}

impl Verdict {
    /// The verdict on a plan: its review and the latest LLM review's findings beside it.
    pub fn of_plan(
        bundle: &crate::bundle::Bundle,
        session: &Session,
        review: &Review,
        policy: LlmPolicy,
    ) -> Verdict {
        let llm = crate::reviewer::session_findings(session, &review.findings, &review.asked);
        let open = review.open_required(&bundle.questionnaire).count();
        Verdict::of_session(session, review, open, &llm, policy)
    }

    /// The verdict on a session: its review (the rules' findings, open and pending questions)
    /// and the latest LLM review's findings as shown beside them
    /// ([`crate::reviewer::session_findings`]).
    pub fn of_session(
        session: &Session,
        review: &Review,
        open: usize,
        llm: &[ShownFinding],
        policy: LlmPolicy,
    ) -> Verdict {
        let pending = review.pending.iter().filter(|p| **p).count();
        Verdict::new(
            &review.findings,
            llm,
            crate::reviewer::latest_critique(session),
            open,
            pending,
            policy,
        )
        .with_session_checks(session)
    }

    /// The verdict with what the session's own tables add: the deviations from the frozen
    /// plan and the readout's checks.
    pub fn with_session_checks(self, session: &Session) -> Verdict {
        self.with_deviations(&crate::freeze::deviations_or_broken(session))
            .with_readout(&crate::readout::findings(session))
    }

    /// The verdict with the readout's findings counted.
    pub fn with_readout(mut self, findings: &[crate::readout::Finding]) -> Verdict {
        let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        self.readout_blockers = n(Severity::Blocker);
        self.readout_warnings = n(Severity::Warning);
        if self.readout_blockers > 0 {
            self.status = Status::NotReady;
            self.title = self.status.title();
        }
        self
    }

    /// The verdict with the deviations from the frozen plan counted: an unrecorded one fails
    /// the gate and makes the plan not ready.
    pub fn with_deviations(mut self, deviations: &[crate::freeze::Deviation]) -> Verdict {
        self.deviations = deviations.iter().filter(|d| d.unrecorded()).count();
        self.recorded_deviations = deviations.len() - self.deviations;
        if self.deviations > 0 {
            self.status = Status::NotReady;
            self.title = self.status.title();
        }
        self
    }

    pub fn new(
        rules: &[Finding],
        llm: &[ShownFinding],
        critique: Option<&Critique>,
        open: usize,
        pending: usize,
        policy: LlmPolicy,
    ) -> Verdict {
        let counted_rules = rules.iter().filter(|f| rule_counts(f));
        let counted_llm: Vec<&ShownFinding> =
            llm.iter().filter(|f| llm_counts(f, policy)).collect();
        let n = |s: Severity| {
            counted_rules.clone().filter(|f| f.severity == s).count()
                + counted_llm
                    .iter()
                    .filter(|f| f.finding.severity == s)
                    .count()
        };
        let n_llm = |s: Severity| {
            counted_llm
                .iter()
                .filter(|f| f.finding.severity == s)
                .count()
        };
        let (blockers, warnings, infos) = (
            n(Severity::Blocker),
            n(Severity::Warning),
            n(Severity::Info),
        );
        let status = if blockers > 0 || open > 0 {
            Status::NotReady
        } else if pending > 0 {
            Status::Kickoff
        } else if warnings > 0 {
            Status::Conditions
        } else {
            Status::Ready
        };
        let current = |f: &&ShownFinding| !f.stale && f.folded_into.is_none();
        Verdict {
            status,
            title: status.title(),
            blockers,
            warnings,
            infos,
            llm_blockers: n_llm(Severity::Blocker),
            llm_warnings: n_llm(Severity::Warning),
            waived: rules.iter().filter(|f| !rule_counts(f)).count()
                + llm
                    .iter()
                    .filter(current)
                    .filter(|f| waived(f.response.as_ref()))
                    .count(),
            stale: llm.iter().filter(|f| f.stale).count(),
            advisory: match policy {
                LlmPolicy::Count => 0,
                LlmPolicy::Advisory => llm
                    .iter()
                    .filter(current)
                    .filter(|f| !waived(f.response.as_ref()))
                    .count(),
            },
            open,
            pending,
            llm: critique.map(|c| LlmReview {
                provider: c.provider.clone(),
                model: c.model.clone(),
                created: c.created.clone(),
                counted: policy == LlmPolicy::Count,
            }),
            deviations: 0,
            recorded_deviations: 0,
            readout_blockers: 0,
            readout_warnings: 0,
        }
    }

    /// Whether the plan fails a gate that fails at `threshold` (`None`: never), with open
    /// questions failing it unless `allow_open`.
    pub fn fails(&self, threshold: Option<Severity>, allow_open: bool) -> bool {
        let Some(t) = threshold else { return false };
        let at_or_above = match t {
            Severity::Blocker => self.blockers + self.readout_blockers,
            Severity::Warning => {
                self.blockers + self.warnings + self.readout_blockers + self.readout_warnings
            }
            Severity::Info => {
                self.blockers
                    + self.warnings
                    + self.infos
                    + self.readout_blockers
                    + self.readout_warnings
            }
        };
        at_or_above + self.deviations > 0 || (!allow_open && self.open > 0)
    }

    /// Who reviewed the plan, in words: "the offline rules and gpt-4o (2026-12-01)".
    pub fn reviewed_by(&self) -> String {
        match &self.llm {
            None => "the offline rules only".into(),
            Some(r) => {
                let day = r.created.get(..10).unwrap_or(&r.created);
                let advisory = if r.counted { "" } else { ", advisory" };
                format!("the offline rules and {} ({day}{advisory})", r.model)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::critique_findings::LlmFinding;
    use crate::response::FindingResponse;

    fn rule(severity: Severity, waives: bool) -> Finding {
        Finding {
            rule: "r".into(),
            severity,
            question: "q".into(),
            questions: vec!["q".into()],
            section: "s".into(),
            message: "m".into(),
            reference: String::new(),
            response: waives.then(|| response(true)),
        }
    }

    fn response(waives: bool) -> FindingResponse {
        FindingResponse {
            status: crate::response::Status::AcceptedRisk,
            reason: "r".into(),
            owner: "o".into(),
            date: String::new(),
            stale: false,
            waives,
        }
    }

    fn llm(severity: Severity, stale: bool, folded: bool, waives: bool) -> ShownFinding {
        ShownFinding {
            finding: LlmFinding {
                question: "q".into(),
                severity,
                message: "m".into(),
                evidence: String::new(),
                cites: Vec::new(),
            },
            id: "llm:q:abcdef".into(),
            folded_into: folded.then(|| "r".into()),
            stale,
            response: waives.then(|| response(true)),
        }
    }

    fn critique() -> Critique {
        Critique {
            provider: "openai".into(),
            model: "m1".into(),
            created: "2026-12-01T10:00:00Z".into(),
            ..Critique::default()
        }
    }

    #[test]
    fn a_current_llm_blocker_makes_a_clean_plan_not_ready_and_fails_the_gate() {
        let llm = [llm(Severity::Blocker, false, false, false)];
        let c = critique();
        let v = Verdict::new(&[], &llm, Some(&c), 0, 0, LlmPolicy::Count);
        assert_eq!(v.status, Status::NotReady);
        assert_eq!((v.blockers, v.llm_blockers), (1, 1));
        assert!(v.fails(Some(Severity::Blocker), false));
        assert_eq!(v.reviewed_by(), "the offline rules and m1 (2026-12-01)");
    }

    #[test]
    fn stale_folded_and_waived_llm_findings_do_not_count() {
        let llm = [
            llm(Severity::Blocker, true, false, false),
            llm(Severity::Blocker, false, true, false),
            llm(Severity::Blocker, false, false, true),
        ];
        let c = critique();
        let v = Verdict::new(&[], &llm, Some(&c), 0, 0, LlmPolicy::Count);
        assert_eq!(v.status, Status::Ready);
        assert_eq!((v.blockers, v.stale, v.waived), (0, 1, 1));
        assert!(!v.fails(Some(Severity::Blocker), false));
    }

    #[test]
    fn advisory_llm_findings_are_shown_not_counted() {
        let llm = [llm(Severity::Blocker, false, false, false)];
        let c = critique();
        let v = Verdict::new(&[], &llm, Some(&c), 0, 0, LlmPolicy::Advisory);
        assert_eq!((v.blockers, v.advisory), (0, 1));
        assert!(!v.fails(Some(Severity::Blocker), false));
        assert!(v.reviewed_by().ends_with("advisory)"));
    }

    #[test]
    fn waived_rule_findings_and_open_questions() {
        let rules = [
            rule(Severity::Blocker, true),
            rule(Severity::Warning, false),
        ];
        let v = Verdict::new(&rules, &[], None, 2, 0, LlmPolicy::Count);
        assert_eq!((v.blockers, v.warnings, v.waived), (0, 1, 1));
        assert_eq!(v.status, Status::NotReady, "open questions");
        assert!(v.fails(Some(Severity::Blocker), false));
        assert!(!v.fails(Some(Severity::Blocker), true));
        assert!(v.fails(Some(Severity::Warning), true));
        assert!(!v.fails(None, false));
        assert_eq!(v.reviewed_by(), "the offline rules only");
    }

    #[test]
    fn a_quick_session_without_blockers_is_a_kickoff() {
        let v = Verdict::new(&[], &[], None, 0, 5, LlmPolicy::Count);
        assert_eq!(v.status, Status::Kickoff);
        let v = Verdict::new(
            &[rule(Severity::Warning, false)],
            &[],
            None,
            0,
            0,
            LlmPolicy::Count,
        );
        assert_eq!(v.status, Status::Conditions);
    }

    #[test]
    fn unrecorded_deviations_and_readout_blockers_fail_the_gate() {
        use crate::freeze::{Change, Deviation};
        let d = |recorded: bool| Deviation {
            question: "ab_mde".into(),
            change: Change::Changed,
            record: recorded.then(|| crate::freeze::Record {
                reason: "r".into(),
                by: "b".into(),
                date: String::new(),
                answer_hash: String::new(),
            }),
            stale_record: false,
        };
        let v = Verdict::new(&[], &[], None, 0, 0, LlmPolicy::Count);
        let v = v.with_deviations(&[d(false), d(true)]);
        assert_eq!((v.deviations, v.recorded_deviations), (1, 1));
        assert_eq!(v.status, Status::NotReady);
        assert!(v.fails(Some(Severity::Blocker), false));
        let v = Verdict::new(&[], &[], None, 0, 0, LlmPolicy::Count).with_deviations(&[d(true)]);
        assert!(!v.fails(Some(Severity::Blocker), false));
        let srm = crate::readout::Finding {
            check: "srm",
            severity: Severity::Blocker,
            message: String::new(),
        };
        let v = Verdict::new(&[], &[], None, 0, 0, LlmPolicy::Count).with_readout(&[srm]);
        assert_eq!(v.status, Status::NotReady);
        assert!(v.fails(Some(Severity::Blocker), false));
    }
}
