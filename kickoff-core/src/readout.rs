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

use crate::answer::{Answer, Answers};
use crate::critic::Severity;
use crate::session::Session;

pub mod stats;

/// The session file's table of the readout.
pub const READOUT_KEY: &str = "readout";

/// Words that name a sequential method in a plan (checked against every answer's text).
const SEQUENTIAL: &[&str] = &[
    "sequential",
    "o'brien",
    "obrien",
    "alpha spending",
    "alpha-spending",
    "msprt",
    "always-valid",
    "always valid",
    "pocock",
];
/// Words that name a correction for several comparisons.
const CORRECTIONS: &[&str] = &[
    "bonferroni",
    "holm",
    "benjamini",
    "hochberg",
    "false discovery",
];

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

fn chart(improvement: Option<[f64; 3]>, mde: Option<f64>) -> Option<Chart> {
    let [point, low, high] = improvement?;
    let mde = mde.unwrap_or(0.0);
    let r = |x: f64| (x * 100.0).round() / 100.0;
    let lo = low.min(0.0).min(mde);
    let hi = high.max(0.0).max(mde);
    let pad = ((hi - lo) * 0.1).max(0.5);
    Some(Chart {
        low: r(low),
        point: r(point),
        high: r(high),
        mde: r(mde),
        min: (lo - pad).floor(),
        max: (hi + pad).ceil(),
    })
}

fn number(answers: &Answers, id: &str) -> Option<f64> {
    match answers.get(id)? {
        Answer::Number(n) => Some(*n),
        Answer::Text(t) => first_number(t),
        _ => None,
    }
}

fn text(answers: &Answers, id: &str) -> String {
    answers.get(id).map(Answer::to_string).unwrap_or_default()
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether any answer of the plan names one of `words`.
fn plan_names(answers: &Answers, words: &[&str]) -> bool {
    answers.values().any(|a| {
        let t = a.to_string().to_lowercase();
        words.iter().any(|w| t.contains(w))
    })
}

/// The plan's rows of `guardrail_metrics`: (name, role, target, direction).
fn plan_metrics(answers: &Answers) -> Vec<[String; 4]> {
    let Some(Answer::Records(rows)) = answers.get("guardrail_metrics") else {
        return Vec::new();
    };
    rows.iter()
        .map(|r| {
            let cell = |k: &str| {
                r.0.iter()
                    .find(|(id, _)| id == k)
                    .map(|(_, c)| c.to_string())
                    .unwrap_or_default()
            };
            [
                cell("name"),
                cell("role"),
                cell("target"),
                cell("direction"),
            ]
        })
        .filter(|r| !r[0].trim().is_empty())
        .collect()
}

/// The first number in a text ("must stay under $45" → 45; "1,200" → 1200).
fn first_number(text: &str) -> Option<f64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let neg = text[..start].ends_with('-');
    let digits: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .filter(|c| *c != ',')
        .collect();
    let n: f64 = digits.trim_end_matches('.').parse().ok()?;
    Some(if neg { -n } else { n })
}

/// Whether a limit is today's value, in words and with no number of its own (a number after
/// "measured" says how it is measured): "no worse than today, measured as the 7-day refund
/// rate", "not worse than control", "at least as good as the current model".
pub fn limit_is_today(target: &str) -> bool {
    // What follows "measured" says how, not how much ("measured as the 7-day rate").
    let lower = target.to_lowercase();
    let t = lower.split("measured").next().unwrap_or_default();
    if first_number(t).is_some() {
        return false;
    }
    let relative = [
        "no worse",
        "not worse",
        "not get worse",
        "at least as good",
        "no higher than",
        "no lower than",
        "not above",
        "not below",
        "no more than",
        "no less than",
    ];
    let reference = [
        "today",
        "control",
        "current",
        "baseline",
        "now",
        "status quo",
        "as is",
        "existing",
    ];
    relative.iter().any(|w| t.contains(w)) && reference.iter().any(|w| t.contains(w))
}

/// Whether a limit is an upper one (must stay at or below), from the row's direction or, for
/// a row without one, its words.
fn upper_limit(target: &str, direction: &str) -> bool {
    match direction {
        "lower" => true,
        "higher" => false,
        _ => {
            let t = target.to_lowercase();
            !["above", "at least", "over", "minimum", "no lower", ">"]
                .iter()
                .any(|w| t.contains(w))
        }
    }
}

fn fmt(x: f64) -> String {
    crate::answer::format_number((x * 1e4).round() / 1e4)
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

/// Checks a (valid) readout against the session's plan.
pub fn check(session: &Session, r: &Readout) -> Report {
    let answers = &session.answers;
    let mut findings = Vec::new();
    let mut promises = Vec::new();
    let mut push = |check: &'static str, severity: Severity, message: String| {
        findings.push(Finding {
            check,
            severity,
            message,
        })
    };
    let freeze = crate::freeze::current(session).ok().flatten();
    let deviations = crate::freeze::deviations_or_broken(session);
    if freeze.is_none() {
        push(
            "not-frozen",
            Severity::Warning,
            "the plan was never frozen (`kickoff freeze`): nothing was pre-registered, so the targets below are the plan as it reads now, not as it was before the data came in".into(),
        );
    }

    // The metric analysed against the one planned (and frozen).
    let planned_metric = text(answers, "business_metric");
    let metrics = plan_metrics(answers);
    let primary_rows: Vec<&[String; 4]> = metrics.iter().filter(|m| m[1] == "primary").collect();
    let same = |m: &str| {
        norm(m) == norm(&planned_metric) || primary_rows.iter().any(|p| norm(&p[0]) == norm(m))
    };
    let metric_changed =
        freeze.is_some() && deviations.iter().any(|d| d.question == "business_metric");
    if !same(&r.metric) || metric_changed {
        push(
            "metric-switched",
            Severity::Blocker,
            format!(
                "the primary metric analysed (“{}”) is not the one frozen in the plan (“{}”{})",
                r.metric,
                planned_metric,
                if metric_changed {
                    ", changed since the freeze"
                } else {
                    ""
                }
            ),
        );
    }
    promises.push(Promise {
        what: "Primary metric".into(),
        planned: planned_metric.clone(),
        observed: r.metric.clone(),
        kept: same(&r.metric) && !metric_changed,
    });
    let better = primary_rows
        .first()
        .map(|p| if p[3] == "lower" { "lower" } else { "higher" })
        .unwrap_or("higher");

    // The split.
    let units: Vec<f64> = r.arms.iter().map(|a| a.units as f64).collect();
    let split = if r.split.is_empty() {
        vec![1.0; r.arms.len()]
    } else {
        r.split.clone()
    };
    let srm = stats::srm(&units, &split);
    if let Some(s) = srm.filter(|s| s.p_value < stats::SRM_ALPHA) {
        push(
            "srm",
            Severity::Blocker,
            format!(
                "sample ratio mismatch: units per arm ({}) against the planned split give χ² = {:.1} ({} df), p = {:.1e} < 0.001; assignment, triggering or logging is broken and the effect cannot be trusted",
                units
                    .iter()
                    .map(|u| fmt(*u))
                    .collect::<Vec<_>>()
                    .join(" vs "),
                s.chi_square,
                s.df,
                s.p_value
            ),
        );
    }

    // Duration, units and looks.
    let planned_days = number(answers, "ab_duration_days");
    let days = r.days();
    let mut stopped_early = false;
    if let (Some(p), Some(d)) = (planned_days, days) {
        promises.push(Promise {
            what: "Duration".into(),
            planned: format!("{} days", fmt(p)),
            observed: format!("{d} days ({} to {})", r.started, r.ended),
            kept: (d as f64) >= p,
        });
        if (d as f64) < p {
            stopped_early = true;
            push(
                "stopped-early",
                Severity::Blocker,
                format!(
                    "stopped early: ran {d} of the {} planned days; a fixed-horizon test stopped before its end is not significant whatever its p-value",
                    fmt(p)
                ),
            );
        }
    }
    let sequential = plan_names(answers, SEQUENTIAL);
    if r.looked_early && !sequential {
        stopped_early = true;
        let when = if r.looked_on.is_empty() {
            String::new()
        } else {
            format!(" on {}", r.looked_on)
        };
        push(
            "stopped-early",
            Severity::Blocker,
            format!(
                "results were looked at before the end{when} and the plan names no sequential method (group sequential with alpha spending, or always-valid p-values): the interval's 95% is not 95%"
            ),
        );
    }
    let planned_units = number(answers, "ab_units_per_arm");
    let mut short_of_units = false;
    if let Some(p) = planned_units {
        let fewest = r.arms.iter().map(|a| a.units).min().unwrap_or(0);
        short_of_units = (fewest as f64) < p;
        promises.push(Promise {
            what: "Units per arm".into(),
            planned: fmt(p),
            observed: r
                .arms
                .iter()
                .map(|a| format!("{} {}", a.name, a.units))
                .collect::<Vec<_>>()
                .join(", "),
            kept: !short_of_units,
        });
        if short_of_units {
            push(
                "short-of-units",
                Severity::Warning,
                format!(
                    "short of the planned units: the smallest arm has {fewest} of the {} planned; the test has less power than planned and is not called significant",
                    fmt(p)
                ),
            );
        }
    }

    // Several primary comparisons.
    let comparisons = (r.arms.len() - 1) * (1 + r.also_primary.len());
    if comparisons > 1 && !plan_names(answers, CORRECTIONS) {
        push(
            "multiple-comparisons",
            Severity::Warning,
            format!(
                "{comparisons} primary comparisons ({} treatment arms, {} primary metrics) and the plan names no correction (Bonferroni, Holm, Benjamini–Hochberg): one of them reaching 95% by chance is likely",
                r.arms.len() - 1,
                1 + r.also_primary.len()
            ),
        );
    }

    // The effect: control against the first treatment.
    let (c, t) = (&r.arms[0], &r.arms[1]);
    let effect = if r.is_rate() {
        stats::two_proportions(
            c.successes.unwrap_or(0) as f64,
            c.trials.unwrap_or(0) as f64,
            t.successes.unwrap_or(0) as f64,
            t.trials.unwrap_or(0) as f64,
        )
    } else {
        stats::welch(
            c.mean.unwrap_or(0.0),
            c.sd.unwrap_or(0.0),
            c.n.unwrap_or(0) as f64,
            t.mean.unwrap_or(0.0),
            t.sd.unwrap_or(0.0),
            t.n.unwrap_or(0) as f64,
        )
    };
    let improvement = effect.map(|e| {
        if better == "lower" {
            [-e.lift_pct, -e.lift_high_pct, -e.lift_low_pct]
        } else {
            [e.lift_pct, e.lift_low_pct, e.lift_high_pct]
        }
    });
    // The effect as the plan states it (relative or absolute points), as a relative percent.
    let mde = crate::quantities::mde(answers);
    let mde_pct = mde.as_ref().and_then(|m| m.relative_pct);
    if mde_pct.is_none() {
        push(
            "no-mde",
            Severity::Warning,
            if mde.is_some() {
                "the plan states its smallest effect worth shipping in percentage points but gives no base rate (`ab_base_rate`) to convert it: the effect is judged against no effect only".into()
            } else {
                "the plan sets no smallest effect worth shipping (`ab_mde`): the effect is judged against no effect only".into()
            },
        );
    }
    let mut outcome_of = improvement.map(|[p, lo, hi]| outcome(p, lo, hi, mde_pct.unwrap_or(0.0)));
    if (stopped_early || short_of_units) && outcome_of == Some(Outcome::WorthShipping) {
        outcome_of = Some(Outcome::Inconclusive);
    }
    let significant = improvement.is_some_and(|[_, lo, hi]| lo > 0.0 || hi < 0.0)
        && !stopped_early
        && !short_of_units;
    if let (Some([p, lo, hi]), Some(m)) = (improvement, mde_pct) {
        promises.push(Promise {
            what: "Smallest effect worth shipping".into(),
            planned: match mde.as_ref() {
                Some(x) if !x.as_written.ends_with("% relative") => {
                    format!("{} ({}% relative)", x.as_written, fmt(m))
                }
                _ => format!("{}% relative", fmt(m)),
            },
            observed: format!("{:+.2}% (95% CI {:+.2}% to {:+.2}%)", p, lo, hi),
            kept: outcome_of == Some(Outcome::WorthShipping),
        });
    }

    // Guardrails.
    let mut breached = Vec::new();
    for g in metrics.iter().filter(|m| m[1] == "guardrail") {
        let seen = r.guardrails.iter().find(|o| norm(&o.name) == norm(&g[0]));
        // "No worse than today" is a limit: the control arm's value, when the readout has it.
        let today = limit_is_today(&g[2]);
        let limit = if today {
            seen.and_then(|o| o.control)
        } else {
            first_number(&g[2])
        };
        let upper = if today {
            g[3] != "higher"
        } else {
            upper_limit(&g[2], &g[3])
        };
        let kept = match (seen, limit) {
            (Some(o), Some(l)) => {
                let past = if upper {
                    o.observed > l
                } else {
                    o.observed < l
                };
                if past {
                    breached.push(g[0].clone());
                    push(
                        "guardrail",
                        Severity::Blocker,
                        format!(
                            "guardrail “{}” is past its limit: {} observed, the plan's limit “{}”{}",
                            g[0],
                            fmt(o.observed),
                            g[2],
                            if today {
                                format!(" ({} in control)", fmt(l))
                            } else {
                                String::new()
                            }
                        ),
                    );
                }
                !past
            }
            (Some(_), None) if today => {
                push(
                    "guardrail",
                    Severity::Warning,
                    format!(
                        "guardrail “{}”: its limit is today's value (“{}”), and the readout has no control value to compare with; add `control` to its row",
                        g[0], g[2]
                    ),
                );
                false
            }
            (Some(_), None) => {
                push(
                    "guardrail",
                    Severity::Warning,
                    format!(
                        "guardrail “{}”: its limit “{}” has no number to compare with; judge it by hand",
                        g[0], g[2]
                    ),
                );
                false
            }
            (None, _) => {
                push(
                    "guardrail",
                    Severity::Warning,
                    format!(
                        "guardrail “{}” is not in the readout: a guardrail not measured cannot hold",
                        g[0]
                    ),
                );
                false
            }
        };
        promises.push(Promise {
            what: format!("Guardrail: {}", g[0]),
            planned: g[2].clone(),
            observed: seen
                .map(|o| fmt(o.observed))
                .unwrap_or_else(|| "not measured".into()),
            kept,
        });
    }
    for o in &r.guardrails {
        if !metrics.iter().any(|m| norm(&m[0]) == norm(&o.name)) {
            push(
                "guardrail",
                Severity::Info,
                format!(
                    "“{}” is not a guardrail of the plan; shown, not judged",
                    o.name
                ),
            );
        }
    }

    // Kill criteria on offline holdout results.
    let kill_text = text(answers, "kill_criteria").to_lowercase();
    let mut killed = Vec::new();
    for h in &r.holdout {
        let met = h.kill_below.is_some_and(|k| h.observed < k)
            || h.kill_above.is_some_and(|k| h.observed > k);
        let threshold = h.kill_below.or(h.kill_above);
        if met {
            killed.push(h.metric.clone());
            push(
                "kill-criterion",
                Severity::Blocker,
                format!(
                    "kill criterion met: {} is {} against the threshold {}",
                    h.metric,
                    fmt(h.observed),
                    threshold.map(fmt).unwrap_or_default()
                ),
            );
        }
        if let Some(k) = threshold {
            let named = [fmt(k), fmt(k * 100.0)]
                .iter()
                .any(|n| kill_text.contains(n.as_str()));
            if !named {
                push(
                    "kill-criterion",
                    Severity::Warning,
                    format!(
                        "the threshold {} for {} is not in the plan's kill criteria; a threshold set after the results is not a kill criterion",
                        fmt(k),
                        h.metric
                    ),
                );
            }
        }
        promises.push(Promise {
            what: format!("Kill criterion: {}", h.metric),
            planned: match (h.kill_below, h.kill_above) {
                (Some(k), _) => format!("stop below {}", fmt(k)),
                (_, Some(k)) => format!("stop above {}", fmt(k)),
                _ => "no threshold".into(),
            },
            observed: fmt(h.observed),
            kept: !met,
        });
    }

    // The decision.
    let has = |check: &str| {
        findings
            .iter()
            .any(|f| f.check == check && f.severity == Severity::Blocker)
    };
    let (decision, reason) = if has("srm") {
        (Decision::Stop, "the split does not match the plan (sample ratio mismatch): find the assignment or logging bug and run the test again before reading any effect".to_string())
    } else if !killed.is_empty() {
        (
            Decision::Stop,
            format!("a kill criterion was met ({})", killed.join(", ")),
        )
    } else if !breached.is_empty() {
        (
            Decision::Stop,
            format!(
                "a guardrail is past its limit ({}): it blocks shipping whatever the primary metric says",
                breached.join(", ")
            ),
        )
    } else if outcome_of == Some(Outcome::Harm) {
        (
            Decision::Stop,
            "the treatment made the primary metric worse".to_string(),
        )
    } else if has("metric-switched") {
        (Decision::Extend, "the metric analysed is not the one frozen: read the frozen metric, or record the change and run again".to_string())
    } else if stopped_early || short_of_units {
        (
            Decision::Extend,
            format!(
                "the test {}: run it to the planned {} before deciding",
                if stopped_early {
                    "stopped early"
                } else {
                    "is short of its planned units"
                },
                if stopped_early { "duration" } else { "units" }
            ),
        )
    } else {
        match outcome_of {
            Some(Outcome::WorthShipping) if comparisons == 1 || plan_names(answers, CORRECTIONS) => {
                (Decision::Ship, "the effect reaches the smallest effect worth shipping, its interval excludes no effect, and every guardrail holds".to_string())
            }
            Some(Outcome::WorthShipping) => (Decision::Extend, "the effect looks worth shipping, but among several uncorrected primary comparisons: confirm it in a test of its own".to_string()),
            Some(Outcome::TooSmall) => (Decision::Stop, "the effect is real but smaller than the smallest effect worth shipping".to_string()),
            Some(Outcome::NoEffect) => (Decision::Stop, "no effect worth shipping: the interval includes no effect and stays below the smallest effect worth shipping".to_string()),
            Some(Outcome::Inconclusive) => (Decision::Extend, "inconclusive: the interval includes no effect but also reaches the smallest effect worth shipping; the test needs more units".to_string()),
            Some(Outcome::Harm) | None => (Decision::Extend, "the effect could not be computed from the arms given".to_string()),
        }
    };

    let reason = {
        let mut c = reason.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    };
    let mut assumptions = vec![
        "Units are randomised independently: one unit's outcome does not depend on another's arm (no interference), and each unit is counted once.".to_string(),
        "The planned split is equal across arms unless the readout names one; a sample ratio mismatch is flagged at p < 0.001 (chi-square goodness of fit, k−1 degrees of freedom).".to_string(),
    ];
    assumptions.push(if r.is_rate() {
        "The primary metric is a rate: the difference of two proportions with an unpooled standard error and a normal 95% interval; the relative lift's interval by the delta method. Both need enough successes in each arm (at least a few dozen) for the normal approximation.".into()
    } else {
        "The primary metric is a mean: Welch's t (unequal variances) with its degrees of freedom; the relative lift's interval by the delta method. Heavy tails (revenue) make the interval too narrow; cap or transform them before.".into()
    });
    assumptions.push("Two-sided 95% intervals, fixed horizon: valid only if the test ran its planned duration and units and nobody stopped it on a look, unless the plan named a sequential method.".into());
    assumptions.push(format!(
        "Better is {better}: the improvement is the relative lift{}.",
        if better == "lower" {
            " with its sign flipped"
        } else {
            ""
        }
    ));

    let blockers = findings
        .iter()
        .filter(|f| f.severity == Severity::Blocker)
        .count();
    let warnings = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    Report {
        readout: r.clone(),
        frozen: freeze.is_some(),
        frozen_at: freeze.map(|f| f.at).unwrap_or_default(),
        metric_kind: if r.is_rate() { "rate" } else { "mean" },
        better,
        srm,
        effect,
        improvement,
        mde_pct,
        outcome: outcome_of,
        significant,
        stopped_early,
        short_of_units,
        planned_days,
        days,
        planned_units,
        decision,
        decision_title: decision.title(),
        reason,
        promises,
        findings,
        assumptions,
        blockers,
        warnings,
        chart: chart(improvement, mde_pct),
    }
}

/// The readout for a template: its report, or `None` without a readout (or with one that
/// cannot be read: `check` names why).
pub fn doc_context(session: &Session) -> Option<Report> {
    let r = load(session).ok()??;
    r.validate().ok()?;
    Some(check(session, &r))
}
