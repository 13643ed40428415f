//! The readout's checks against its plan: the metric, the split, the duration and looks, the
//! units, the comparisons, the effect against the smallest effect worth shipping, the
//! guardrails and the kill criteria; then the decision.

use super::{
    Chart, Decision, Finding, Guardrail, Outcome, Promise, Readout, Report, outcome, stats,
};
use crate::answer::{Answer, Answers};
use crate::critic::Severity;
use crate::session::Session;

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

/// Checks a (valid) readout against the session's plan: each promise of the plan against what
/// was observed, then the decision that follows from the findings.
pub fn check(session: &Session, r: &Readout) -> Report {
    let answers = &session.answers;
    let freeze = crate::freeze::current(session).ok().flatten();
    let mut c = Checks {
        answers,
        r,
        findings: Vec::new(),
        promises: Vec::new(),
    };
    if freeze.is_none() {
        c.push(
            "not-frozen",
            Severity::Warning,
            "the plan was never frozen (`kickoff freeze`): nothing was pre-registered, so the targets below are the plan as it reads now, not as it was before the data came in".into(),
        );
    }
    let metric_changed = freeze.is_some()
        && crate::freeze::deviations_or_broken(session)
            .iter()
            .any(|d| d.question == "business_metric");
    let better = c.metric(metric_changed);
    let srm = c.split();
    let (planned_days, days, ran_short) = c.duration();
    let stopped_early = c.looks() || ran_short;
    let (planned_units, short_of_units) = c.units();
    let comparisons = c.comparisons();
    let read = c.effect(better, stopped_early || short_of_units);
    let breached = c.guardrails();
    let killed = c.kill_criteria();
    let corrected = comparisons == 1 || plan_names(answers, CORRECTIONS);
    let (decision, reason) = decide(
        &c.findings,
        &killed,
        &breached,
        read.outcome,
        corrected,
        stopped_early,
        short_of_units,
    );
    let blockers = c.count(Severity::Blocker);
    let warnings = c.count(Severity::Warning);
    Report {
        readout: r.clone(),
        frozen: freeze.is_some(),
        frozen_at: freeze.map(|f| f.at).unwrap_or_default(),
        metric_kind: if r.is_rate() { "rate" } else { "mean" },
        better,
        srm,
        effect: read.effect,
        improvement: read.improvement,
        mde_pct: read.mde_pct,
        outcome: read.outcome,
        significant: read.significant,
        stopped_early,
        short_of_units,
        planned_days,
        days,
        planned_units,
        decision,
        decision_title: decision.title(),
        reason: sentence(&reason),
        promises: c.promises,
        findings: c.findings,
        assumptions: assumptions(r, better),
        blockers,
        warnings,
        chart: chart(read.improvement, read.mde_pct),
    }
}

/// The checks of one readout against its plan, a method each: each adds its findings and the
/// promises it judged.
struct Checks<'a> {
    answers: &'a Answers,
    r: &'a Readout,
    findings: Vec<Finding>,
    promises: Vec<Promise>,
}

/// How a guardrail fared: within its limit, past it, or not judged (not measured, or no
/// number to compare with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Judged {
    Kept,
    Breached,
    Unjudged,
}

/// The effect of the first treatment against control, as the plan reads it.
struct EffectRead {
    effect: Option<stats::Effect>,
    improvement: Option<[f64; 3]>,
    mde_pct: Option<f64>,
    outcome: Option<Outcome>,
    significant: bool,
}

impl Checks<'_> {
    fn push(&mut self, check: &'static str, severity: Severity, message: String) {
        self.findings.push(Finding {
            check,
            severity,
            message,
        });
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The metric analysed against the one planned (and frozen). Returns the direction the
    /// plan calls better.
    fn metric(&mut self, metric_changed: bool) -> &'static str {
        let (answers, r) = (self.answers, self.r);
        let planned_metric = text(answers, "business_metric");
        let metrics = plan_metrics(answers);
        let primary_rows: Vec<&[String; 4]> =
            metrics.iter().filter(|m| m[1] == "primary").collect();
        let same = norm(&r.metric) == norm(&planned_metric)
            || primary_rows.iter().any(|p| norm(&p[0]) == norm(&r.metric));
        if !same || metric_changed {
            self.push(
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
        self.promises.push(Promise {
            what: "Primary metric".into(),
            planned: planned_metric.clone(),
            observed: r.metric.clone(),
            kept: same && !metric_changed,
        });
        primary_rows
            .first()
            .map(|p| if p[3] == "lower" { "lower" } else { "higher" })
            .unwrap_or("higher")
    }

    /// Units per arm against the planned split: a sample ratio mismatch.
    fn split(&mut self) -> Option<stats::Srm> {
        let r = self.r;
        let units: Vec<f64> = r.arms.iter().map(|a| a.units as f64).collect();
        let split = if r.split.is_empty() {
            vec![1.0; r.arms.len()]
        } else {
            r.split.clone()
        };
        let srm = stats::srm(&units, &split);
        if let Some(s) = srm.filter(|s| s.p_value < stats::SRM_ALPHA) {
            self.push(
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
        srm
    }

    /// The days run against the days planned: (planned, run, stopped before the end).
    fn duration(&mut self) -> (Option<f64>, Option<i64>, bool) {
        let r = self.r;
        let planned_days = number(self.answers, "ab_duration_days");
        let days = r.days();
        let (Some(p), Some(d)) = (planned_days, days) else {
            return (planned_days, days, false);
        };
        self.promises.push(Promise {
            what: "Duration".into(),
            planned: format!("{} days", fmt(p)),
            observed: format!("{d} days ({} to {})", r.started, r.ended),
            kept: (d as f64) >= p,
        });
        let short = (d as f64) < p;
        if short {
            self.push(
                "stopped-early",
                Severity::Blocker,
                format!(
                    "stopped early: ran {d} of the {} planned days; a fixed-horizon test stopped before its end is not significant whatever its p-value",
                    fmt(p)
                ),
            );
        }
        (planned_days, days, short)
    }

    /// Whether results were looked at before the end with no sequential method in the plan.
    fn looks(&mut self) -> bool {
        let r = self.r;
        if !r.looked_early || plan_names(self.answers, SEQUENTIAL) {
            return false;
        }
        let when = if r.looked_on.is_empty() {
            String::new()
        } else {
            format!(" on {}", r.looked_on)
        };
        self.push(
            "stopped-early",
            Severity::Blocker,
            format!(
                "results were looked at before the end{when} and the plan names no sequential method (group sequential with alpha spending, or always-valid p-values): the interval's 95% is not 95%"
            ),
        );
        true
    }

    /// The smallest arm against the planned units per arm: (planned, short of them).
    fn units(&mut self) -> (Option<f64>, bool) {
        let r = self.r;
        let Some(p) = number(self.answers, "ab_units_per_arm") else {
            return (None, false);
        };
        let fewest = r.arms.iter().map(|a| a.units).min().unwrap_or(0);
        let short = (fewest as f64) < p;
        self.promises.push(Promise {
            what: "Units per arm".into(),
            planned: fmt(p),
            observed: r
                .arms
                .iter()
                .map(|a| format!("{} {}", a.name, a.units))
                .collect::<Vec<_>>()
                .join(", "),
            kept: !short,
        });
        if short {
            self.push(
                "short-of-units",
                Severity::Warning,
                format!(
                    "short of the planned units: the smallest arm has {fewest} of the {} planned; the test has less power than planned and is not called significant",
                    fmt(p)
                ),
            );
        }
        (Some(p), short)
    }

    /// How many primary comparisons the readout makes; several with no correction named in
    /// the plan are flagged.
    fn comparisons(&mut self) -> usize {
        let r = self.r;
        let comparisons = (r.arms.len() - 1) * (1 + r.also_primary.len());
        if comparisons > 1 && !plan_names(self.answers, CORRECTIONS) {
            self.push(
                "multiple-comparisons",
                Severity::Warning,
                format!(
                    "{comparisons} primary comparisons ({} treatment arms, {} primary metrics) and the plan names no correction (Bonferroni, Holm, Benjamini–Hochberg): one of them reaching 95% by chance is likely",
                    r.arms.len() - 1,
                    1 + r.also_primary.len()
                ),
            );
        }
        comparisons
    }

    /// The effect of the first treatment against control, judged against the pre-registered
    /// smallest effect worth shipping. `cut_short`: stopped early or short of units, so never
    /// significant and never worth shipping yet.
    fn effect(&mut self, better: &str, cut_short: bool) -> EffectRead {
        let r = self.r;
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
        let mde = crate::quantities::mde(self.answers);
        let mde_pct = mde.as_ref().and_then(|m| m.relative_pct);
        if mde_pct.is_none() {
            self.push(
                "no-mde",
                Severity::Warning,
                if mde.is_some() {
                    "the plan states its smallest effect worth shipping in percentage points but gives no base rate (`ab_base_rate`) to convert it: the effect is judged against no effect only".into()
                } else {
                    "the plan sets no smallest effect worth shipping (`ab_mde`): the effect is judged against no effect only".into()
                },
            );
        }
        let mut outcome_of =
            improvement.map(|[p, lo, hi]| outcome(p, lo, hi, mde_pct.unwrap_or(0.0)));
        if cut_short && outcome_of == Some(Outcome::WorthShipping) {
            outcome_of = Some(Outcome::Inconclusive);
        }
        let significant = improvement.is_some_and(|[_, lo, hi]| lo > 0.0 || hi < 0.0) && !cut_short;
        if let (Some([p, lo, hi]), Some(m)) = (improvement, mde_pct) {
            self.promises.push(Promise {
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
        EffectRead {
            effect,
            improvement,
            mde_pct,
            outcome: outcome_of,
            significant,
        }
    }

    /// Each of the plan's guardrails against its observed value. Returns those past their
    /// limit.
    fn guardrails(&mut self) -> Vec<String> {
        let r = self.r;
        let metrics = plan_metrics(self.answers);
        let mut breached = Vec::new();
        for g in metrics.iter().filter(|m| m[1] == "guardrail") {
            let seen = r.guardrails.iter().find(|o| norm(&o.name) == norm(&g[0]));
            let judged = self.guardrail(g, seen);
            if judged == Judged::Breached {
                breached.push(g[0].clone());
            }
            let kept = judged == Judged::Kept;
            self.promises.push(Promise {
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
                self.push(
                    "guardrail",
                    Severity::Info,
                    format!(
                        "“{}” is not a guardrail of the plan; shown, not judged",
                        o.name
                    ),
                );
            }
        }
        breached
    }

    /// One of the plan's guardrails (`[name, role, limit, direction]`) against its observed
    /// value, if the readout has it.
    fn guardrail(&mut self, g: &[String; 4], seen: Option<&Guardrail>) -> Judged {
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
        let Some(o) = seen else {
            self.push(
                "guardrail",
                Severity::Warning,
                format!(
                    "guardrail “{}” is not in the readout: a guardrail not measured cannot hold",
                    g[0]
                ),
            );
            return Judged::Unjudged;
        };
        let Some(limit) = limit else {
            let message = if today {
                format!(
                    "guardrail “{}”: its limit is today's value (“{}”), and the readout has no control value to compare with; add `control` to its row",
                    g[0], g[2]
                )
            } else {
                format!(
                    "guardrail “{}”: its limit “{}” has no number to compare with; judge it by hand",
                    g[0], g[2]
                )
            };
            self.push("guardrail", Severity::Warning, message);
            return Judged::Unjudged;
        };
        let past = if upper {
            o.observed > limit
        } else {
            o.observed < limit
        };
        if !past {
            return Judged::Kept;
        }
        self.push(
            "guardrail",
            Severity::Blocker,
            format!(
                "guardrail “{}” is past its limit: {} observed, the plan's limit “{}”{}",
                g[0],
                fmt(o.observed),
                g[2],
                if today {
                    format!(" ({} in control)", fmt(limit))
                } else {
                    String::new()
                }
            ),
        );
        Judged::Breached
    }

    /// Offline holdout results against the plan's kill criteria. Returns the metrics whose
    /// criterion was met.
    fn kill_criteria(&mut self) -> Vec<String> {
        let kill_text = text(self.answers, "kill_criteria").to_lowercase();
        let mut killed = Vec::new();
        for h in &self.r.holdout {
            let met = h.kill_below.is_some_and(|k| h.observed < k)
                || h.kill_above.is_some_and(|k| h.observed > k);
            let threshold = h.kill_below.or(h.kill_above);
            if met {
                killed.push(h.metric.clone());
                self.push(
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
                    self.push(
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
            self.promises.push(Promise {
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
        killed
    }
}

/// Ship, stop or extend, and why, from the findings: a broken split first, then a kill
/// criterion, a guardrail, harm, a switched metric, a test cut short, and only then the effect.
fn decide(
    findings: &[Finding],
    killed: &[String],
    breached: &[String],
    outcome_of: Option<Outcome>,
    corrected: bool,
    stopped_early: bool,
    short_of_units: bool,
) -> (Decision, String) {
    let has = |check: &str| {
        findings
            .iter()
            .any(|f| f.check == check && f.severity == Severity::Blocker)
    };
    if has("srm") {
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
            Some(Outcome::WorthShipping) if corrected => {
                (Decision::Ship, "the effect reaches the smallest effect worth shipping, its interval excludes no effect, and every guardrail holds".to_string())
            }
            Some(Outcome::WorthShipping) => (Decision::Extend, "the effect looks worth shipping, but among several uncorrected primary comparisons: confirm it in a test of its own".to_string()),
            Some(Outcome::TooSmall) => (Decision::Stop, "the effect is real but smaller than the smallest effect worth shipping".to_string()),
            Some(Outcome::NoEffect) => (Decision::Stop, "no effect worth shipping: the interval includes no effect and stays below the smallest effect worth shipping".to_string()),
            Some(Outcome::Inconclusive) => (Decision::Extend, "inconclusive: the interval includes no effect but also reaches the smallest effect worth shipping; the test needs more units".to_string()),
            Some(Outcome::Harm) | None => (Decision::Extend, "the effect could not be computed from the arms given".to_string()),
        }
    }
}

/// `s` with its first letter capitalised.
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The statistics' assumptions in words, for the readout doc.
fn assumptions(r: &Readout, better: &str) -> Vec<String> {
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
    assumptions
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
