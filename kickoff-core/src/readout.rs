//! The readout: an experiment's results, kept in the session file's `[readout]` table, checked
//! against the plan as it was frozen ([`crate::freeze`]): the split (sample ratio mismatch), the
//! effect and its interval against the smallest effect worth shipping, the duration and units
//! run, looks before the end, guardrails, kill criteria, the metric analysed and the number of
//! primary comparisons. Each check is a [`Finding`] with a severity the verdict counts; the
//! decision (ship, stop, extend) and its reason come first in the readout doc.
//!
//! ```toml
//! [readout]
//! metric = "Checkout conversion"
//! started = "2026-11-02"
//! ended = "2026-11-15"
//! [[readout.arms]]
//! name = "control"
//! units = 50000
//! successes = 2000     # a rate: successes and trials; a mean: mean, sd, n
//! trials = 50000
//! [[readout.guardrails]]
//! name = "p99 latency"
//! observed = 231
//! control = 229        # the control arm's value: the limit of "no worse than today"
//! ```

use serde::{Deserialize, Serialize};

use crate::critic::Severity;
use crate::session::Session;

mod checks;
pub mod stats;

pub use checks::{check, limit_is_today};

/// The session file's table of the readout.
pub const READOUT_KEY: &str = "readout";

/// A readout that cannot be read or does not make sense, naming its field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("readout `{field}`: {message}")]
pub struct ReadoutError {
    pub field: String,
    pub message: String,
}

fn bad(field: impl Into<String>, message: impl Into<String>) -> ReadoutError {
    ReadoutError {
        field: field.into(),
        message: message.into(),
    }
}

/// One arm's results. The first arm is the control.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    pub name: String,
    /// Randomised units assigned to the arm.
    pub units: i64,
    /// A rate: successes out of trials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trials: Option<i64>,
    /// A mean: its value, standard deviation and n.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<i64>,
}

/// A guardrail's observed value (the treatment arm's, or the difference, in the plan's terms).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Guardrail {
    pub name: String,
    pub observed: f64,
    /// The control arm's value, for a limit the plan states as "no worse than today" (or
    /// than control): the limit it is compared with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<f64>,
}

/// An offline holdout result the plan had a kill criterion on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holdout {
    pub metric: String,
    pub observed: f64,
    /// The kill criterion: stop if the result is below this (or above `kill_above`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kill_below: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kill_above: Option<f64>,
}

/// The results as saved in `[readout]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Readout {
    /// The primary metric as analysed.
    pub metric: String,
    /// The first and last day the test ran (YYYY-MM-DD).
    pub started: String,
    pub ended: String,
    /// Whether the results were looked at before the end, and when.
    #[serde(default)]
    pub looked_early: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub looked_on: String,
    /// The planned share of each arm; equal when left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub split: Vec<f64>,
    /// Other metrics also treated as primary in this readout.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_primary: Vec<String>,
    #[serde(default)]
    pub arms: Vec<Arm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guardrails: Vec<Guardrail>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holdout: Vec<Holdout>,
    /// When it was entered (RFC 3339).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub entered: String,
}

/// A date `YYYY-MM-DD` as a day number (days since 1970-01-01).
pub fn day_number(field: &str, text: &str) -> Result<i64, ReadoutError> {
    let parts: Vec<&str> = text.trim().splitn(3, '-').collect();
    let num = |s: &str| s.parse::<i64>().ok();
    let (Some(y), Some(m), Some(d)) = (
        parts.first().and_then(|s| num(s)),
        parts.get(1).and_then(|s| num(s)),
        parts.get(2).and_then(|s| num(&s[..s.len().min(2)])),
    ) else {
        return Err(bad(field, format!("`{text}` is not a date (YYYY-MM-DD)")));
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad(field, format!("`{text}` is not a date (YYYY-MM-DD)")));
    }
    // Days from the civil date (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok(era * 146_097 + doe - 719_468)
}

impl Readout {
    /// Checks what the results must be to mean anything, naming the field of the first that
    /// does not: counts not negative, successes within trials, dates in order, arms of one kind.
    pub fn validate(&self) -> Result<(), ReadoutError> {
        if self.metric.trim().is_empty() {
            return Err(bad("metric", "name the primary metric analysed"));
        }
        let start = day_number("started", &self.started)?;
        let end = day_number("ended", &self.ended)?;
        if end < start {
            return Err(bad(
                "ended",
                format!("{} is before the start ({})", self.ended, self.started),
            ));
        }
        if self.looked_early && !self.looked_on.trim().is_empty() {
            day_number("looked_on", &self.looked_on)?;
        }
        if self.arms.len() < 2 {
            return Err(bad(
                "arms",
                "a readout needs a control and at least one treatment arm",
            ));
        }
        if !self.split.is_empty() && self.split.len() != self.arms.len() {
            return Err(bad(
                "split",
                format!("{} shares for {} arms", self.split.len(), self.arms.len()),
            ));
        }
        if self.split.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
            return Err(bad("split", "each share must be a positive number"));
        }
        let rate = self.arms[0].successes.is_some();
        for (i, a) in self.arms.iter().enumerate() {
            a.validate(&format!("arms[{i}]"), rate)?;
        }
        for (i, g) in self.guardrails.iter().enumerate() {
            if !g.observed.is_finite() {
                return Err(bad(format!("guardrails[{i}].observed"), "not a number"));
            }
            if g.control.is_some_and(|c| !c.is_finite()) {
                return Err(bad(format!("guardrails[{i}].control"), "not a number"));
            }
        }
        Ok(())
    }

    /// Whether the primary metric is a rate (successes / trials) rather than a mean.
    pub fn is_rate(&self) -> bool {
        self.arms.first().is_some_and(|a| a.successes.is_some())
    }

    /// The days the test ran, first and last included.
    pub fn days(&self) -> Option<i64> {
        let s = day_number("started", &self.started).ok()?;
        let e = day_number("ended", &self.ended).ok()?;
        Some(e - s + 1)
    }
}

impl Arm {
    fn validate(&self, at: &str, rate: bool) -> Result<(), ReadoutError> {
        let f = |name: &str| format!("{at}.{name}");
        if self.name.trim().is_empty() {
            return Err(bad(f("name"), "name the arm"));
        }
        if self.units < 0 {
            return Err(bad(
                f("units"),
                format!("{} units: a count cannot be negative", self.units),
            ));
        }
        if rate {
            let (Some(s), Some(t)) = (self.successes, self.trials) else {
                return Err(bad(
                    f("successes"),
                    "a rate needs successes and trials in every arm",
                ));
            };
            if s < 0 {
                return Err(bad(
                    f("successes"),
                    format!("{s}: a count cannot be negative"),
                ));
            }
            if t <= 0 {
                return Err(bad(f("trials"), format!("{t}: needs at least one trial")));
            }
            if s > t {
                return Err(bad(
                    f("successes"),
                    format!("{s} successes is more than the {t} trials"),
                ));
            }
        } else {
            let (Some(m), Some(sd), Some(n)) = (self.mean, self.sd, self.n) else {
                return Err(bad(
                    f("mean"),
                    "give successes and trials (a rate) or mean, sd and n (a mean) in every arm",
                ));
            };
            if !m.is_finite() {
                return Err(bad(f("mean"), "not a number"));
            }
            if !(sd.is_finite() && sd >= 0.0) {
                return Err(bad(
                    f("sd"),
                    format!("{sd}: a standard deviation cannot be negative"),
                ));
            }
            if n < 2 {
                return Err(bad(
                    f("n"),
                    format!("{n}: a mean needs at least two observations"),
                ));
            }
        }
        Ok(())
    }
}

/// The `[readout]` table, if there is one.
pub fn load(session: &Session) -> Result<Option<Readout>, ReadoutError> {
    let Some(v) = session.extra.get(READOUT_KEY) else {
        return Ok(None);
    };
    v.clone()
        .try_into()
        .map(Some)
        .map_err(|e: toml::de::Error| bad(READOUT_KEY, e.message().to_string()))
}

/// Stores the readout (validated first: nothing half-made reaches the file) and stamps `now`.
pub fn store(session: &mut Session, mut readout: Readout, now: &str) -> Result<(), ReadoutError> {
    readout.validate()?;
    readout.entered = now.to_string();
    let v = toml::Value::try_from(&readout).map_err(|e| bad(READOUT_KEY, e.to_string()))?;
    session.extra.insert(READOUT_KEY.to_string(), v);
    Ok(())
}

/// Stores the readout as typed, valid or not (the interview's way: what is on screen is in the
/// file), stamped `now`: a readout that does not make sense is named by its field when it is
/// read ([`findings`]: `unreadable`), never lost.
pub fn store_as_typed(session: &mut Session, mut readout: Readout, now: &str) {
    readout.entered = now.to_string();
    if let Ok(v) = toml::Value::try_from(&readout) {
        session.extra.insert(READOUT_KEY.to_string(), v);
    }
}

/// One check's finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The check: `srm`, `stopped-early`, `short-of-units`, `guardrail`, `kill-criterion`,
    /// `metric-switched`, `multiple-comparisons`, `not-frozen`, `unreadable`, `no-mde`.
    pub check: &'static str,
    pub severity: Severity,
    pub message: String,
}

/// What the readout says to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Ship,
    Stop,
    Extend,
}

impl Decision {
    pub fn title(self) -> &'static str {
        match self {
            Decision::Ship => "Ship",
            Decision::Stop => "Stop (do not ship)",
            Decision::Extend => "Extend (no decision yet)",
        }
    }
}

/// The effect against the smallest effect worth shipping (reference: "Reading an experiment
/// against its plan"), in the direction the plan calls better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The interval excludes 0 and the estimate reaches the MDE.
    WorthShipping,
    /// Real, but the whole interval is below the MDE.
    TooSmall,
    /// The interval reaches the MDE but cannot rule out nothing (or is stopped early).
    Inconclusive,
    /// The interval includes 0 and lies below the MDE.
    NoEffect,
    /// The interval lies entirely on the worse side of 0.
    Harm,
}

impl Outcome {
    pub fn words(self) -> &'static str {
        match self {
            Outcome::WorthShipping => "an effect worth shipping",
            Outcome::TooSmall => "a real effect, but smaller than the smallest worth shipping",
            Outcome::Inconclusive => {
                "inconclusive: the interval includes no effect and reaches the smallest effect worth shipping"
            }
            Outcome::NoEffect => "no effect worth shipping",
            Outcome::Harm => "harm: the interval lies entirely on the worse side",
        }
    }
}

/// Classifies an improvement interval (`low..high` around `point`, in percent, larger is
/// better) against the MDE (percent).
pub fn outcome(point: f64, low: f64, high: f64, mde: f64) -> Outcome {
    if high < 0.0 {
        Outcome::Harm
    } else if low > 0.0 {
        if point >= mde {
            Outcome::WorthShipping
        } else if high < mde {
            Outcome::TooSmall
        } else {
            Outcome::Inconclusive
        }
    } else if high >= mde {
        Outcome::Inconclusive
    } else {
        Outcome::NoEffect
    }
}

/// A promise of the plan against what was observed: a row of the readout doc's table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Promise {
    pub what: String,
    pub planned: String,
    pub observed: String,
    /// Whether it was kept.
    pub kept: bool,
}

/// Everything the checks found: the readout doc's context and the verdict's counts.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub readout: Readout,
    pub frozen: bool,
    pub frozen_at: String,
    pub metric_kind: &'static str,
    /// "higher" or "lower": the direction the plan calls better.
    pub better: &'static str,
    pub srm: Option<stats::Srm>,
    pub effect: Option<stats::Effect>,
    /// The improvement (the lift, sign-flipped when lower is better) and its interval, percent.
    pub improvement: Option<[f64; 3]>,
    /// The smallest effect worth shipping (percent relative), if the plan set one.
    pub mde_pct: Option<f64>,
    pub outcome: Option<Outcome>,
    /// Whether the interval may be called significant: excludes 0, and neither stopped early
    /// nor short of units.
    pub significant: bool,
    pub stopped_early: bool,
    pub short_of_units: bool,
    pub planned_days: Option<f64>,
    pub days: Option<i64>,
    pub planned_units: Option<f64>,
    pub decision: Decision,
    pub decision_title: &'static str,
    pub reason: String,
    pub promises: Vec<Promise>,
    pub findings: Vec<Finding>,
    pub assumptions: Vec<String>,
    pub blockers: usize,
    pub warnings: usize,
    /// The numbers of the doc's chart, when the effect could be computed.
    pub chart: Option<Chart>,
}

/// The effect and its interval against the threshold, rounded for a Mermaid `xychart-beta`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Chart {
    pub low: f64,
    pub point: f64,
    pub high: f64,
    pub mde: f64,
    /// The y axis, wide enough for every value and 0.
    pub min: f64,
    pub max: f64,
}

/// The findings of a session's readout (none without one), or the reason it cannot be read:
/// what the verdict counts.
pub fn findings(session: &Session) -> Vec<Finding> {
    match load(session) {
        Ok(None) => Vec::new(),
        Ok(Some(r)) => match r.validate() {
            Ok(()) => check(session, &r).findings,
            Err(e) => vec![Finding {
                check: "unreadable",
                severity: Severity::Blocker,
                message: e.to_string(),
            }],
        },
        Err(e) => vec![Finding {
            check: "unreadable",
            severity: Severity::Blocker,
            message: e.to_string(),
        }],
    }
}

/// The readout for a template: its report, or `None` without a readout (or with one that
/// cannot be read: `check` names why).
pub fn doc_context(session: &Session) -> Option<Report> {
    let r = load(session).ok()??;
    r.validate().ok()?;
    Some(check(session, &r))
}
