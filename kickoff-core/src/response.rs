//! A team's responses to findings: *accepted risk* (with a reason and an owner), *won't fix*
//! (with a reason) or *fixed*. Saved in the session file under `[responses.RULE_ID]` with the
//! hash of the answers the rule read, so a response goes stale when those answers change.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    AcceptedRisk,
    WontFix,
    Fixed,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::AcceptedRisk, Status::WontFix, Status::Fixed];

    /// In words, for reports and the doc.
    pub fn name(self) -> &'static str {
        match self {
            Status::AcceptedRisk => "accepted risk",
            Status::WontFix => "won't fix",
            Status::Fixed => "fixed",
        }
    }

    /// Whether the finding no longer fails `check`: the team took the risk or decided against
    /// the fix. "Fixed" does not: a fix shows in the answers, and then the finding goes away.
    pub fn waives(self) -> bool {
        matches!(self, Status::AcceptedRisk | Status::WontFix)
    }
}

/// A response as saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    /// When it was made (RFC 3339); empty until the interview's next save stamps it.
    #[serde(default)]
    pub date: String,
    /// Hash of the answers the rule read when the response was made.
    #[serde(default)]
    pub answers_hash: String,
    /// Keys this version does not know, kept so that nothing is lost on save.
    #[serde(flatten)]
    pub extra: BTreeMap<String, toml::Value>,
}

/// What a response lacks for its status (a hand-edited file, or a form left half filled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Incomplete {
    #[error("an accepted risk needs a reason and an owner")]
    AcceptedRisk,
    #[error("won't fix needs a reason")]
    WontFix,
}

impl Response {
    /// A new response (undated: the caller stamps `date`), refused when the status lacks what
    /// it needs. `answers_hash`: the hash of the answers the finding rests on, as they are now.
    pub fn new(
        status: Status,
        reason: &str,
        owner: &str,
        answers_hash: String,
    ) -> Result<Response, Incomplete> {
        let response = Response {
            status,
            reason: reason.trim().to_string(),
            owner: owner.trim().to_string(),
            date: String::new(),
            answers_hash,
            extra: BTreeMap::new(),
        };
        match response.missing() {
            Some(m) => Err(m),
            None => Ok(response),
        }
    }

    /// How it stands against the answers now: `answers_hash` is the hash of the answers the
    /// finding rests on today.
    pub fn shown(&self, answers_hash: &str) -> FindingResponse {
        let stale = self.answers_hash != answers_hash;
        FindingResponse {
            status: self.status,
            reason: self.reason.clone(),
            owner: self.owner.clone(),
            date: self.date.clone(),
            stale,
            waives: !stale && self.missing().is_none() && self.status.waives(),
        }
    }

    /// What the status needs and the response lacks (a hand-edited file).
    pub fn missing(&self) -> Option<Incomplete> {
        match self.status {
            Status::AcceptedRisk
                if self.reason.trim().is_empty() || self.owner.trim().is_empty() =>
            {
                Some(Incomplete::AcceptedRisk)
            }
            Status::WontFix if self.reason.trim().is_empty() => Some(Incomplete::WontFix),
            _ => None,
        }
    }
}

/// A finding's response, as `check --format json` and the doc template see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingResponse {
    /// `accepted_risk`, `wont_fix` or `fixed`.
    pub status: Status,
    pub reason: String,
    pub owner: String,
    pub date: String,
    /// The answers the rule reads changed since: the response no longer counts.
    pub stale: bool,
    /// Whether it keeps the finding from failing `check`: not stale, complete, and accepted
    /// risk or won't fix.
    pub waives: bool,
}

/// The three-way merge of responses by rule id: a response changed on one side only is taken
/// from that side; changed on both sides, the later `date` wins (ours on a tie), so no answer
/// to a finding is ever asked about twice.
pub fn merge(
    base: &BTreeMap<String, Response>,
    ours: &BTreeMap<String, Response>,
    theirs: &BTreeMap<String, Response>,
) -> BTreeMap<String, Response> {
    let mut out = ours.clone();
    let ids: std::collections::BTreeSet<&String> = base
        .keys()
        .chain(ours.keys())
        .chain(theirs.keys())
        .collect();
    for id in ids {
        let (b, o, t) = (base.get(id), ours.get(id), theirs.get(id));
        if o == t || t == b {
            continue;
        }
        let take_theirs = o == b
            || match (o, t) {
                (Some(o), Some(t)) => t.date > o.date,
                // Removed on one side, changed on the other: the change is the later act.
                (None, Some(_)) => true,
                _ => false,
            };
        if take_theirs {
            match t {
                Some(t) => out.insert(id.clone(), t.clone()),
                None => out.remove(id),
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: Status, date: &str) -> Response {
        Response {
            status,
            reason: "r".into(),
            owner: "o".into(),
            date: date.into(),
            answers_hash: "h".into(),
            extra: BTreeMap::new(),
        }
    }

    fn map(entries: &[(&str, Response)]) -> BTreeMap<String, Response> {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn responses_merge_by_rule_and_the_later_wins_a_conflict() {
        let early = response(Status::AcceptedRisk, "2026-01-01T00:00:00Z");
        let late = response(Status::WontFix, "2026-02-01T00:00:00Z");
        let fixed = response(Status::Fixed, "2026-03-01T00:00:00Z");
        let base = map(&[("a", early.clone()), ("b", early.clone())]);
        // Each side keeps what only it changed: ours added c, theirs changed b and removed a.
        let ours = map(&[
            ("a", early.clone()),
            ("b", early.clone()),
            ("c", fixed.clone()),
        ]);
        let theirs = map(&[("b", late.clone())]);
        assert_eq!(
            merge(&base, &ours, &theirs),
            map(&[("b", late.clone()), ("c", fixed.clone())])
        );
        // Both changed a: the later date wins, whichever side it is on.
        let ours = map(&[("a", fixed.clone())]);
        let theirs = map(&[("a", late.clone())]);
        assert_eq!(merge(&base, &ours, &theirs)["a"], fixed);
        assert_eq!(merge(&base, &theirs, &ours)["a"], fixed);
        // Removed on one side, changed on the other: the change stays.
        let removed = map(&[]);
        assert_eq!(merge(&base, &removed, &ours)["a"], fixed);
        assert_eq!(merge(&base, &ours, &removed)["a"], fixed);
    }

    #[test]
    fn what_each_status_needs() {
        let mut r = response(Status::AcceptedRisk, "");
        assert_eq!(r.missing(), None);
        r.owner.clear();
        assert!(r.missing().is_some());
        r.status = Status::WontFix;
        assert_eq!(r.missing(), None);
        r.reason = " ".into();
        assert!(r.missing().is_some());
        r.status = Status::Fixed;
        assert_eq!(r.missing(), None);
        assert!(Status::AcceptedRisk.waives() && Status::WontFix.waives());
        assert!(!Status::Fixed.waives());
    }
}
