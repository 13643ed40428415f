//! The plan as a pre-registration: `kickoff freeze` pins the answers that define the
//! experiment (the metric and its target, the effect worth shipping, the unit, the sample, the
//! duration, the guardrails, the kill criteria) in the session file's `[freeze]` table, each
//! with its hash. A later change to one of them is a *deviation*: it fails the gate until the
//! team records why (`[deviations.QUESTION]`), and the doc lists it.
//!
//! ```toml
//! [freeze]
//! at = "2026-12-01T09:00:00Z"
//! by = "Marta Silva"
//! questionnaire = "ml-experiment"
//! questionnaire_version = "4"
//! answers_hash = "3fa2c1d07b9e4a11"   # the seal: the hashes below, the time and the questionnaire
//! commit = "9c1e0f2"                  # when the file was tracked by git
//! [freeze.answers]
//! business_metric = "a1b2c3d4e5f6"
//!
//! [deviations.ab_duration_days]
//! reason = "Stopped at 7 days: the checkout outage on day 8."
//! by = "Marta Silva"
//! date = "2026-12-09T10:00:00Z"
//! answer_hash = "0f1e2d3c4b5a"        # the answer it was about: a later change needs a new one
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::answer::{Answer, Answers};
use crate::critique_findings::answer_hash;
use crate::session::Session;

/// The session file's table of the freeze.
pub const FREEZE_KEY: &str = "freeze";
/// The session file's table of recorded deviations, by question id.
pub const DEVIATIONS_KEY: &str = "deviations";
/// The session file's tables this module and [`crate::readout`] keep (among the keys
/// [`Session`] itself does not read).
pub const KEYS: &[&str] = &[FREEZE_KEY, DEVIATIONS_KEY, "readout"];
/// What `kickoff respond` names a deviation by: `freeze:QUESTION`.
pub const ID_PREFIX: &str = "freeze:";

/// The questions whose answers define the experiment: frozen by `kickoff freeze`. One list,
/// read by the freeze, the deviations and the readout.
pub const FROZEN: &[&str] = &[
    "business_metric",
    "business_target",
    "primary_metric",
    "metric_link",
    "guardrail_metrics",
    "min_improvement",
    "expected_effect_pct",
    "ab_mde",
    "ab_mde_points",
    "ab_unit",
    "ab_units_per_arm",
    "ab_duration_days",
    "ab_base_rate",
    "kill_criteria",
    "kill_date",
];

/// Errors of the freeze and the deviations.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FreezeError {
    #[error("`[{key}]` in the session file cannot be read: {message}")]
    Malformed { key: &'static str, message: String },
    #[error("the plan is already frozen (since {at}); `kickoff freeze --unfreeze` first")]
    AlreadyFrozen { at: String },
    #[error("the plan is not frozen")]
    NotFrozen,
    #[error("an unfreeze needs {0}")]
    Missing(&'static str),
    #[error("`{0}` is not one of the frozen questions ({list})", list = FROZEN.join(", "))]
    NotFrozenQuestion(String),
    #[error("`{0}` has not changed since the plan was frozen: there is no deviation to record")]
    NoDeviation(String),
    #[error("a deviation needs a reason and who records it (--reason, --by/--owner)")]
    Incomplete,
}

/// The freeze as saved in `[freeze]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Freeze {
    /// When the plan was frozen (RFC 3339); empty when it is not frozen now.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub at: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub questionnaire: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub questionnaire_version: String,
    /// The seal: a hash of the per-answer hashes, the time and the questionnaire.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub answers_hash: String,
    /// The git commit of the file when it was frozen, if git tracked it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Each frozen answer's hash, by question id (unanswered questions left out).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answers: BTreeMap<String, String>,
    /// Earlier freezes, ended explicitly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unfrozen: Vec<Unfreeze>,
}

/// A freeze ended by `kickoff freeze --unfreeze`: who, why, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unfreeze {
    pub frozen_at: String,
    pub at: String,
    pub by: String,
    pub reason: String,
}

/// A deviation the team recorded, as saved in `[deviations.QUESTION]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub reason: String,
    pub by: String,
    #[serde(default)]
    pub date: String,
    /// The hash of the answer as it was when recorded ("" for a cleared answer).
    #[serde(default)]
    pub answer_hash: String,
}

/// How a frozen answer differs from the plan as frozen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Changed,
    /// Unanswered when frozen, answered since.
    Answered,
    /// Answered when frozen, cleared since.
    Cleared,
    /// The `[freeze]` table's hashes no longer agree with its seal: edited by hand.
    HandEdited,
}

/// One deviation from the frozen plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deviation {
    /// The question id (`freeze` for a hand-edited `[freeze]` table).
    pub question: String,
    pub change: Change,
    /// The team's record of why, when it is about the answer as it is now.
    pub record: Option<Record>,
    /// A record made for an earlier version of the answer (it no longer counts).
    pub stale_record: bool,
}

impl Deviation {
    /// Whether it fails the gate: no current record of why.
    pub fn unrecorded(&self) -> bool {
        self.record.is_none()
    }

    /// In words, for `check`, `diff` and the TUI.
    pub fn message(&self) -> String {
        match self.change {
            Change::HandEdited => "the `[freeze]` table was edited by hand: its hashes no longer match its seal; unfreeze and freeze again".into(),
            Change::Changed => format!("`{}` changed since the plan was frozen", self.question),
            Change::Answered => format!("`{}` answered since the plan was frozen (it was open then)", self.question),
            Change::Cleared => format!("`{}` cleared since the plan was frozen", self.question),
        }
    }
}

fn table<'a, T: Deserialize<'a>>(
    session: &Session,
    key: &'static str,
) -> Result<Option<T>, FreezeError> {
    match session.extra.get(key) {
        None => Ok(None),
        Some(v) => v
            .clone()
            .try_into()
            .map(Some)
            .map_err(|e: toml::de::Error| FreezeError::Malformed {
                key,
                message: e.message().to_string(),
            }),
    }
}

/// The `[freeze]` table, frozen or not (its history of unfreezes).
pub fn freeze_table(session: &Session) -> Result<Option<Freeze>, FreezeError> {
    table(session, FREEZE_KEY)
}

/// The freeze in force, if the plan is frozen.
pub fn current(session: &Session) -> Result<Option<Freeze>, FreezeError> {
    Ok(freeze_table(session)?.filter(|f| !f.at.is_empty()))
}

/// The recorded deviations, by question id.
pub fn records(session: &Session) -> Result<BTreeMap<String, Record>, FreezeError> {
    Ok(table(session, DEVIATIONS_KEY)?.unwrap_or_default())
}

fn put<T: Serialize>(session: &mut Session, key: &str, value: &T) {
    let v = toml::Value::try_from(value).expect("plain data serialises");
    if v.as_table().is_some_and(|t| t.is_empty()) {
        session.extra.remove(key);
    } else {
        session.extra.insert(key.to_string(), v);
    }
}

/// The hashes of the frozen answers as they are now, by question id.
pub fn frozen_hashes(answers: &Answers) -> BTreeMap<String, String> {
    FROZEN
        .iter()
        .filter_map(|id| {
            let a = answers.get(*id).filter(|a| !a.is_empty())?;
            Some((id.to_string(), answer_hash(a)))
        })
        .collect()
}

fn seal(f: &Freeze) -> String {
    let mut text = format!(
        "{}\n{}\n{}\n",
        f.questionnaire, f.questionnaire_version, f.at
    );
    for (id, h) in &f.answers {
        text.push_str(&format!("{id}={h}\n"));
    }
    crate::answer::short_hash(text.as_bytes())
}

/// Freezes the plan at `now` (RFC 3339, the caller's clock), by `by`, with the file's git
/// commit if the caller found one.
pub fn freeze(
    session: &mut Session,
    now: &str,
    by: &str,
    commit: Option<String>,
) -> Result<Freeze, FreezeError> {
    let mut f = freeze_table(session)?.unwrap_or_default();
    if !f.at.is_empty() {
        return Err(FreezeError::AlreadyFrozen { at: f.at });
    }
    f.at = now.to_string();
    f.by = by.trim().to_string();
    f.questionnaire = session.questionnaire.clone();
    f.questionnaire_version = session.questionnaire_version.clone();
    f.commit = commit;
    f.answers = frozen_hashes(&session.answers);
    f.answers_hash = seal(&f);
    put(session, FREEZE_KEY, &f);
    // Deviations recorded against an earlier freeze do not carry over.
    session.extra.remove(DEVIATIONS_KEY);
    Ok(f)
}

/// Ends the freeze, keeping who ended it, why and when in its history.
pub fn unfreeze(
    session: &mut Session,
    now: &str,
    by: &str,
    reason: &str,
) -> Result<(), FreezeError> {
    if by.trim().is_empty() {
        return Err(FreezeError::Missing("--by (who unfreezes)"));
    }
    if reason.trim().is_empty() {
        return Err(FreezeError::Missing("--reason (why)"));
    }
    let Some(mut f) = current(session)? else {
        return Err(FreezeError::NotFrozen);
    };
    f.unfrozen.push(Unfreeze {
        frozen_at: std::mem::take(&mut f.at),
        at: now.to_string(),
        by: by.trim().to_string(),
        reason: reason.trim().to_string(),
    });
    f.by.clear();
    f.questionnaire.clear();
    f.questionnaire_version.clear();
    f.answers_hash.clear();
    f.commit = None;
    f.answers.clear();
    put(session, FREEZE_KEY, &f);
    session.extra.remove(DEVIATIONS_KEY);
    Ok(())
}

/// The deviations from the frozen plan (none when it is not frozen), with the team's records.
pub fn deviations(session: &Session) -> Result<Vec<Deviation>, FreezeError> {
    let Some(f) = current(session)? else {
        return Ok(Vec::new());
    };
    let records = records(session)?;
    let mut out = Vec::new();
    if seal(&f) != f.answers_hash {
        out.push(Deviation {
            question: FREEZE_KEY.into(),
            change: Change::HandEdited,
            record: None,
            stale_record: false,
        });
    }
    let now = frozen_hashes(&session.answers);
    for id in FROZEN {
        let (then, now) = (f.answers.get(*id), now.get(*id));
        let change = match (then, now) {
            (Some(a), Some(b)) if a == b => continue,
            (None, None) => continue,
            (Some(_), Some(_)) => Change::Changed,
            (None, Some(_)) => Change::Answered,
            (Some(_), None) => Change::Cleared,
        };
        let now_hash = now.cloned().unwrap_or_default();
        let record = records.get(*id);
        let current = record.filter(|r| r.answer_hash == now_hash).cloned();
        out.push(Deviation {
            question: id.to_string(),
            change,
            stale_record: record.is_some() && current.is_none(),
            record: current,
        });
    }
    Ok(out)
}

/// The deviations, or one hand-edited deviation when the tables cannot be read: whatever is
/// wrong in them fails the gate rather than passing it silently.
pub fn deviations_or_broken(session: &Session) -> Vec<Deviation> {
    deviations(session).unwrap_or_else(|_| {
        vec![Deviation {
            question: FREEZE_KEY.into(),
            change: Change::HandEdited,
            record: None,
            stale_record: false,
        }]
    })
}

/// The question a `kickoff respond` id names, if it names a deviation (`freeze:QUESTION`).
pub fn deviation_id(id: &str) -> Option<&str> {
    id.strip_prefix(ID_PREFIX)
}

/// Records why a frozen answer changed, against the answer as it is now.
pub fn record_deviation(
    session: &mut Session,
    question: &str,
    reason: &str,
    by: &str,
    now: &str,
) -> Result<(), FreezeError> {
    if !FROZEN.contains(&question) {
        return Err(FreezeError::NotFrozenQuestion(question.to_string()));
    }
    if current(session)?.is_none() {
        return Err(FreezeError::NotFrozen);
    }
    if !deviations(session)?.iter().any(|d| d.question == question) {
        return Err(FreezeError::NoDeviation(question.to_string()));
    }
    if reason.trim().is_empty() || by.trim().is_empty() {
        return Err(FreezeError::Incomplete);
    }
    let mut all = records(session)?;
    let answer_hash = session
        .answers
        .get(question)
        .filter(|a| !a.is_empty())
        .map(answer_hash)
        .unwrap_or_default();
    all.insert(
        question.to_string(),
        Record {
            reason: reason.trim().to_string(),
            by: by.trim().to_string(),
            date: now.to_string(),
            answer_hash,
        },
    );
    put(session, DEVIATIONS_KEY, &all);
    Ok(())
}

/// Removes the record of a deviation; whether there was one.
pub fn clear_deviation(session: &mut Session, question: &str) -> Result<bool, FreezeError> {
    let mut all = records(session)?;
    let had = all.remove(question).is_some();
    put(session, DEVIATIONS_KEY, &all);
    Ok(had)
}

/// A deviation as the doc's "Changes since the plan was frozen" shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DocDeviation {
    pub question: String,
    pub label: String,
    pub message: String,
    /// The answer as it is now.
    pub now: String,
    pub recorded: bool,
    pub reason: String,
    pub by: String,
    pub date: String,
}

/// The deviations for a template, labelled from the questionnaire.
pub fn doc_deviations(
    session: &Session,
    q: &crate::questionnaire::Questionnaire,
) -> Vec<DocDeviation> {
    deviations_or_broken(session)
        .into_iter()
        .map(|d| {
            let label = q
                .get(&d.question)
                .map(|x| {
                    if x.label.is_empty() {
                        x.prompt.clone()
                    } else {
                        x.label.clone()
                    }
                })
                .unwrap_or_else(|| d.question.clone());
            let now = session
                .answers
                .get(&d.question)
                .map(Answer::to_string)
                .unwrap_or_default();
            let message = d.message().replace('`', "");
            let r = d.record.clone();
            DocDeviation {
                question: d.question,
                label,
                message,
                now,
                recorded: r.is_some(),
                reason: r.as_ref().map(|r| r.reason.clone()).unwrap_or_default(),
                by: r.as_ref().map(|r| r.by.clone()).unwrap_or_default(),
                date: r.map(|r| r.date).unwrap_or_default(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        let mut s: Session = toml::from_str(
            r#"questionnaire = "ml-experiment"
questionnaire_version = "4"
created = "2026-12-01T00:00:00Z"
updated = "2026-12-01T00:00:00Z"
[answers]
business_metric = "checkout conversion"
ab_duration_days = 14
"#,
        )
        .unwrap();
        s.extra.clear();
        s
    }

    #[test]
    fn a_changed_frozen_answer_is_a_deviation_until_recorded() {
        let mut s = session();
        freeze(&mut s, "2026-12-01T09:00:00Z", "Marta", None).unwrap();
        assert!(deviations(&s).unwrap().is_empty());
        s.answers.insert(
            "business_metric".into(),
            Answer::Text("revenue per visitor".into()),
        );
        let d = deviations(&s).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].change, Change::Changed);
        assert!(d[0].unrecorded());
        assert!(d[0].message().contains("changed since the plan was frozen"));
        record_deviation(&mut s, "business_metric", "finance asked", "Marta", "t").unwrap();
        assert!(!deviations(&s).unwrap()[0].unrecorded());
        // Changed again: the record was about the earlier change.
        s.answers
            .insert("business_metric".into(), Answer::Text("orders".into()));
        let d = deviations(&s).unwrap();
        assert!(d[0].unrecorded() && d[0].stale_record);
    }

    #[test]
    fn a_hand_edited_hash_is_named_as_such() {
        let mut s = session();
        freeze(&mut s, "2026-12-01T09:00:00Z", "", None).unwrap();
        let t = s.extra.get_mut(FREEZE_KEY).unwrap().as_table_mut().unwrap();
        let answers = t.get_mut("answers").unwrap().as_table_mut().unwrap();
        answers.insert(
            "ab_duration_days".into(),
            toml::Value::String("000000000000".into()),
        );
        let d = deviations(&s).unwrap();
        assert!(d.iter().any(|d| d.change == Change::HandEdited));
        assert!(d[0].message().contains("edited by hand"));
    }

    #[test]
    fn unfreezing_needs_who_and_why_and_is_kept() {
        let mut s = session();
        freeze(&mut s, "t1", "", None).unwrap();
        assert!(matches!(
            freeze(&mut s, "t2", "", None),
            Err(FreezeError::AlreadyFrozen { .. })
        ));
        assert!(unfreeze(&mut s, "t2", "", "why").is_err());
        unfreeze(&mut s, "t2", "Ana", "new target agreed").unwrap();
        assert!(current(&s).unwrap().is_none());
        let f = freeze_table(&s).unwrap().unwrap();
        assert_eq!(f.unfrozen[0].frozen_at, "t1");
        assert_eq!(f.unfrozen[0].by, "Ana");
    }
}
