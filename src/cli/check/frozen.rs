//! The deviations from the frozen plan in `check`'s text report (each changed answer, named,
//! and what the team recorded about it), and the readout's checks.

use crate::freeze::Deviation;
use crate::text::wrap;

/// The block of the report, empty when the plan has no deviation.
pub(super) fn text_block(deviations: &[Deviation], file: &std::path::Path) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if deviations.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\nChanges since the plan was frozen:");
    for d in deviations {
        match &d.record {
            None => {
                let _ = writeln!(out, "  deviation [freeze:{}] {}", d.question, d.message());
                let how = if d.stale_record {
                    "its record was about an earlier change; record this one"
                } else {
                    "not recorded"
                };
                let _ = writeln!(
                    out,
                    "      {how}: kickoff respond {} freeze:{} accepted-risk --reason ... --owner ...",
                    crate::text::path(file),
                    d.question
                );
            }
            Some(r) => {
                let _ = writeln!(out, "  recorded [freeze:{}] {}", d.question, d.message());
                for line in wrap(
                    &format!("{} ({}, {}): {}", "recorded", r.by, r.date, r.reason),
                    90,
                ) {
                    let _ = writeln!(out, "      {line}");
                }
            }
        }
    }
    out
}

/// The readout's checks, empty without a readout.
pub(super) fn readout_block(session: &crate::session::Session) -> String {
    use std::fmt::Write;
    let findings = crate::readout::findings(session);
    let mut out = String::new();
    if findings.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\nReadout (`kickoff readout` for the decision):");
    for f in findings {
        let _ = writeln!(out, "  {} [readout:{}]", f.severity.name(), f.check);
        for line in wrap(&f.message, 90) {
            let _ = writeln!(out, "      {line}");
        }
    }
    out
}

/// A deviation from the frozen plan in `check --format json`.
#[derive(serde::Serialize)]
pub(super) struct DeviationOut {
    /// The question id, or `freeze` for a `[freeze]` table edited by hand.
    question: String,
    message: String,
    /// Whether the team recorded why (then it does not fail the check).
    recorded: bool,
    /// A record made for an earlier change, that no longer counts.
    stale_record: bool,
}

pub(super) fn deviations_json(deviations: &[Deviation]) -> Vec<DeviationOut> {
    deviations
        .iter()
        .map(|d| DeviationOut {
            question: d.question.clone(),
            message: d.message(),
            recorded: !d.unrecorded(),
            stale_record: d.stale_record,
        })
        .collect()
}

/// The sample ratio test as `check --format json` gives it.
#[derive(serde::Serialize)]
pub(super) struct SrmOut {
    chi_square: f64,
    df: usize,
    p_value: f64,
    /// `p_value` below 0.001: the split does not match the plan.
    mismatch: bool,
}

/// The improvement in the direction the plan calls better, percent relative.
#[derive(serde::Serialize)]
pub(super) struct ImprovementOut {
    point: f64,
    low: f64,
    high: f64,
}

/// The readout's section of `check --format json`: the decision, the statistics and each
/// check. Without a valid readout only `error` and `findings` say why.
#[derive(serde::Serialize)]
pub(super) struct ReadoutOut {
    frozen: bool,
    /// When the plan was frozen (RFC 3339); `""` when never.
    frozen_at: String,
    /// Why the readout cannot be read (the field named); `null` when it can.
    error: Option<String>,
    /// `"ship"`, `"stop"` or `"extend"`; `null` when the readout cannot be read.
    decision: Option<crate::readout::Decision>,
    decision_title: Option<&'static str>,
    reason: Option<String>,
    metric: Option<String>,
    /// `"rate"` or `"mean"`.
    metric_kind: Option<&'static str>,
    /// `"higher"` or `"lower"`: the direction the plan calls better.
    better: Option<&'static str>,
    srm: Option<SrmOut>,
    effect: Option<crate::readout::stats::Effect>,
    improvement: Option<ImprovementOut>,
    mde_pct: Option<f64>,
    outcome: Option<crate::readout::Outcome>,
    significant: bool,
    stopped_early: bool,
    short_of_units: bool,
    days: Option<i64>,
    planned_days: Option<f64>,
    planned_units: Option<f64>,
    promises: Vec<crate::readout::Promise>,
    findings: Vec<crate::readout::Finding>,
    blockers: usize,
    warnings: usize,
}

/// The readout's section, `None` without a readout. Long by design: one line a field of the
/// JSON documented in docs/check-json.md, in its order.
pub(super) fn readout_json(session: &crate::session::Session) -> Option<ReadoutOut> {
    use crate::critic::Severity;
    let frozen = crate::freeze::current(session).ok().flatten();
    let mut out = ReadoutOut {
        frozen: frozen.is_some(),
        frozen_at: frozen.map(|f| f.at).unwrap_or_default(),
        error: None,
        decision: None,
        decision_title: None,
        reason: None,
        metric: None,
        metric_kind: None,
        better: None,
        srm: None,
        effect: None,
        improvement: None,
        mde_pct: None,
        outcome: None,
        significant: false,
        stopped_early: false,
        short_of_units: false,
        days: None,
        planned_days: None,
        planned_units: None,
        promises: Vec::new(),
        findings: Vec::new(),
        blockers: 0,
        warnings: 0,
    };
    let readout = crate::readout::load(session).and_then(|r| {
        if let Some(r) = &r {
            r.validate()?;
        }
        Ok(r)
    });
    match readout {
        Ok(None) => return None,
        Err(e) => {
            out.error = Some(e.to_string());
            out.findings = crate::readout::findings(session);
        }
        Ok(Some(r)) => {
            let rep = crate::readout::check(session, &r);
            out.decision = Some(rep.decision);
            out.decision_title = Some(rep.decision_title);
            out.reason = Some(rep.reason);
            out.metric = Some(r.metric.clone());
            out.metric_kind = Some(rep.metric_kind);
            out.better = Some(rep.better);
            out.srm = rep.srm.map(|s| SrmOut {
                chi_square: s.chi_square,
                df: s.df,
                p_value: s.p_value,
                mismatch: s.p_value < crate::readout::stats::SRM_ALPHA,
            });
            out.effect = rep.effect;
            out.improvement =
                rep.improvement
                    .map(|[point, low, high]| ImprovementOut { point, low, high });
            out.mde_pct = rep.mde_pct;
            out.outcome = rep.outcome;
            out.significant = rep.significant;
            out.stopped_early = rep.stopped_early;
            out.short_of_units = rep.short_of_units;
            out.days = rep.days;
            out.planned_days = rep.planned_days;
            out.planned_units = rep.planned_units;
            out.promises = rep.promises;
            out.findings = rep.findings;
        }
    }
    out.blockers = out
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Blocker)
        .count();
    out.warnings = out
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    Some(out)
}

/// The readout's findings and the deviations for SARIF, GitHub and JUnit: the readout's at
/// the `[readout]` table's line, a deviation at its answer's (the `[freeze]` table's for one
/// edited by hand). `threshold`: the lowest severity that fails the check.
pub(super) fn ci_items(
    session: &crate::session::Session,
    source: &str,
    lines: &crate::locate::Lines,
    threshold: Option<crate::critic::Severity>,
) -> Vec<super::ci::Item> {
    use super::ci::{DEVIATION, Item, Level, READOUT};
    use crate::critic::Severity;
    let table = |name: &str| {
        source
            .lines()
            .position(|l| l.trim() == format!("[{name}]"))
            .map_or(1, |i| i + 1)
    };
    let mut out = Vec::new();
    for d in crate::freeze::deviations_or_broken(session) {
        let line = if d.question == crate::freeze::FREEZE_KEY {
            table(crate::freeze::FREEZE_KEY)
        } else {
            lines.answer(&d.question)
        };
        out.push(Item {
            rule: DEVIATION.into(),
            level: if d.unrecorded() {
                Level::Error
            } else {
                Level::Note
            },
            title: format!("deviation [freeze:{}]", d.question),
            message: d.message(),
            line,
            waived: d
                .record
                .as_ref()
                .map(|r| format!("recorded by {} ({}): {}", r.by, r.date, r.reason)),
            fails: d.unrecorded() && threshold.is_some(),
        });
    }
    let line = table(crate::readout::READOUT_KEY);
    for f in crate::readout::findings(session) {
        let level = match f.severity {
            Severity::Blocker => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Info => Level::Note,
        };
        out.push(Item {
            rule: READOUT.into(),
            level,
            title: format!("readout {} [readout:{}]", f.severity.name(), f.check),
            message: format!("[readout:{}] {}", f.check, f.message),
            line,
            waived: None,
            fails: threshold.is_some_and(|t| f.severity >= t),
        });
    }
    out
}
