//! Quantities worked out from a plan's numbers: what a reviewer would compute by comparing two
//! answers (the units an A/B test needs for the effect it is sized for, the effect its units
//! can detect, the positives in the labelled data, how late labels are against the retrain
//! cadence, a month of LLM calls). The LLM reviewer gets them as a sheet beside the answers, so
//! that it does not do arithmetic in its head; each names the answers it comes from.

use serde::Serialize;

use crate::answer::{Answer, Answers, format_grouped};

/// z for a two-sided test at the 5% level.
const Z_ALPHA: f64 = 1.959_963_984_540_054;
/// z for 80% power.
const Z_POWER: f64 = 0.841_621_233_572_914_3;

/// One computed quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantity {
    /// What it is, in words, with its value: "units per arm needed to detect a 2% relative
    /// change at a base rate of 4% (5% two-sided, 80% power): 944,000".
    pub text: String,
    /// The question ids it is computed from.
    pub from: Vec<&'static str>,
}

fn number(answers: &Answers, id: &str) -> Option<f64> {
    match answers.get(id)? {
        Answer::Number(n) if n.is_finite() => Some(*n),
        _ => None,
    }
}

/// The smallest effect an A/B test is powered for, as the plan states it: relative percent
/// (`ab_mde`) or absolute percentage points of a rate (`ab_mde_points`, with `ab_mde_scale` =
/// `absolute`).
#[derive(Debug, Clone, PartialEq)]
pub struct Mde {
    /// The effect as a relative percent of the base rate (2 for 2%): what the power checks
    /// use. `None` for absolute points without a base rate to convert them with.
    pub relative_pct: Option<f64>,
    /// The effect as the team wrote it: "2% relative", "0.5 percentage points".
    pub as_written: String,
    /// The answers it comes from.
    pub from: &'static [&'static str],
}

/// The plan's detectable effect (see [`Mde`]), converting absolute points with the base rate
/// `ab_base_rate` (a fraction): 0.5 points at a rate of 4% is a 12.5% relative change.
pub fn mde(answers: &Answers) -> Option<Mde> {
    let absolute = matches!(answers.get("ab_mde_scale"), Some(Answer::Text(s)) if s == "absolute");
    if absolute {
        let points = number(answers, "ab_mde_points")?;
        let rate = number(answers, "ab_base_rate").filter(|p| *p > 0.0 && *p < 1.0);
        Some(Mde {
            relative_pct: rate.map(|p| points / p),
            as_written: format!("{} percentage points", format_grouped(points)),
            from: &["ab_mde_scale", "ab_mde_points", "ab_base_rate"],
        })
    } else {
        let pct = number(answers, "ab_mde")?;
        Some(Mde {
            relative_pct: Some(pct),
            as_written: format!("{}% relative", format_grouped(pct)),
            from: &["ab_mde"],
        })
    }
}

/// Units per arm a two-proportion test needs to detect a relative change `mde` (0.02 for 2%)
/// from a base rate `p` (5% two-sided, 80% power), by the normal approximation.
pub fn units_per_arm_needed(p: f64, mde: f64) -> Option<f64> {
    let p2 = p * (1.0 + mde);
    if !(0.0 < p && p < 1.0 && 0.0 < p2 && p2 < 1.0 && mde != 0.0) {
        return None;
    }
    let variance = p * (1.0 - p) + p2 * (1.0 - p2);
    Some(((Z_ALPHA + Z_POWER).powi(2) * variance / (p2 - p).powi(2)).ceil())
}

/// The smallest relative change from base rate `p` that `n` units per arm detect (5%
/// two-sided, 80% power), by the normal approximation with the base rate's variance.
pub fn detectable_relative_effect(p: f64, n: f64) -> Option<f64> {
    if !(0.0 < p && p < 1.0 && n >= 1.0) {
        return None;
    }
    Some((Z_ALPHA + Z_POWER) * (2.0 * p * (1.0 - p) / n).sqrt() / p)
}

/// A fraction as a percent for a sentence: "4%", "0.25%".
fn percent(f: f64) -> String {
    let pct = f * 100.0;
    let digits = if pct.abs() >= 10.0 {
        0
    } else if pct.abs() >= 1.0 {
        1
    } else {
        2
    };
    let s = format!("{pct:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    format!("{s}%")
}

fn whole(n: f64) -> String {
    format_grouped(n.round())
}

/// The quantities `answers` (the asked answers) allow, in a fixed order.
pub fn sheet(answers: &Answers) -> Vec<Quantity> {
    // The power checks read the effect as a relative percent, whichever way it was stated.
    let effect = mde(answers);
    let n = |id: &str| match id {
        "ab_mde" => effect.as_ref().and_then(|m| m.relative_pct),
        _ => number(answers, id),
    };
    let stated = |text: String| match &effect {
        Some(m) if m.from[0] == "ab_mde_scale" => text.replacen(
            "{mde}",
            &format!(" ({} as the plan states it)", m.as_written),
            1,
        ),
        _ => text.replacen("{mde}", "", 1),
    };
    let mut out: Vec<Quantity> = [
        units_needed,
        detectable_effect,
        units_a_day,
        expected_against_sized,
        positives,
        label_delay,
        llm_cost,
        training_cost,
    ]
    .iter()
    .filter_map(|quantity| quantity(&n))
    .collect();
    // A sentence about the effect says it as the team wrote it, and names the answers read.
    for q in &mut out {
        if q.from.contains(&"ab_mde") {
            q.text = stated(std::mem::take(&mut q.text));
            if let Some(m) = &effect
                && m.from[0] == "ab_mde_scale"
            {
                q.from.retain(|id| *id != "ab_mde");
                for id in m.from {
                    if !q.from.contains(id) {
                        q.from.push(id);
                    }
                }
            }
        } else {
            q.text = q.text.replacen("{mde}", "", 1);
        }
    }
    out
}

/// An answer read as a number, if it is one.
type Read<'a> = dyn Fn(&str) -> Option<f64> + 'a;

fn quantity(text: String, from: &[&'static str]) -> Option<Quantity> {
    Some(Quantity {
        text,
        from: from.to_vec(),
    })
}

fn units_needed(n: &Read) -> Option<Quantity> {
    let (p, mde) = (n("ab_base_rate")?, n("ab_mde")?);
    let need = units_per_arm_needed(p, mde / 100.0)?;
    let have = n("ab_units_per_arm")
        .map(|u| {
            format!(
                "; the plan has {} per arm ({:.2}x what is needed)",
                whole(u),
                u / need
            )
        })
        .unwrap_or_default();
    quantity(
        format!(
            "Units per arm needed to detect a {}% relative change{{mde}} at a base rate of {} (5% two-sided, 80% power): {}{have}",
            format_grouped((mde * 100.0).round() / 100.0),
            percent(p),
            whole(need)
        ),
        &["ab_base_rate", "ab_mde", "ab_units_per_arm"],
    )
}

fn detectable_effect(n: &Read) -> Option<Quantity> {
    let (p, units) = (n("ab_base_rate")?, n("ab_units_per_arm")?);
    let effect = detectable_relative_effect(p, units)?;
    let expected = n("expected_effect_pct")
        .map(|e| format!("; the plan expects {}%", format_grouped(e)))
        .unwrap_or_default();
    quantity(
        format!(
            "Smallest relative change {} units per arm can detect at a base rate of {} (5% two-sided, 80% power): {}{expected}",
            whole(units),
            percent(p),
            percent(effect)
        ),
        &["ab_base_rate", "ab_units_per_arm", "expected_effect_pct"],
    )
}

fn units_a_day(n: &Read) -> Option<Quantity> {
    let (units, days) = (n("ab_units_per_arm")?, n("ab_duration_days")?);
    (days > 0.0).then_some(())?;
    quantity(
        format!(
            "Units per arm per day the test needs to reach its {} units in {} days: {}",
            whole(units),
            format_grouped(days),
            whole(units / days)
        ),
        &["ab_units_per_arm", "ab_duration_days"],
    )
}

fn expected_against_sized(n: &Read) -> Option<Quantity> {
    let (mde, expected) = (n("ab_mde")?, n("expected_effect_pct")?);
    (mde > 0.0).then_some(())?;
    quantity(
        format!(
            "Expected effect against the effect the test is sized for: {}% expected, {}% detectable{{mde}} ({:.2}x)",
            format_grouped(expected),
            format_grouped((mde * 100.0).round() / 100.0),
            expected / mde
        ),
        &["expected_effect_pct", "ab_mde"],
    )
}

fn positives(n: &Read) -> Option<Quantity> {
    let (examples, rate) = (n("n_examples")?, n("positive_rate")?);
    (0.0..=1.0).contains(&rate).then_some(())?;
    quantity(
        format!(
            "Positive examples in the labelled data: {} of {} at a positive rate of {}",
            whole(examples * rate),
            whole(examples),
            percent(rate)
        ),
        &["n_examples", "positive_rate"],
    )
}

fn label_delay(n: &Read) -> Option<Quantity> {
    let (delay, every) = (n("label_delay_days")?, n("retrain_every_days")?);
    (every > 0.0 && delay > 0.0).then_some(())?;
    quantity(
        format!(
            "Label delay against the retrain cadence: labels arrive {} days after a prediction, retraining every {} days ({:.2} retrains before the labels of a prediction are in)",
            format_grouped(delay),
            format_grouped(every),
            delay / every
        ),
        &["label_delay_days", "retrain_every_days"],
    )
}

fn llm_cost(n: &Read) -> Option<Quantity> {
    let (cost, requests) = (n("llm_cost_per_request")?, n("llm_requests_per_month")?);
    quantity(
        format!(
            "LLM cost a month at today's prices: {} requests x ${cost} = ${}",
            whole(requests),
            whole(cost * requests)
        ),
        &["llm_cost_per_request", "llm_requests_per_month"],
    )
}

fn training_cost(n: &Read) -> Option<Quantity> {
    let (runs, cost) = (n("num_runs")?, n("cost_per_run")?);
    let hours = n("gpu_hours_per_run")
        .map(|h| format!(", {} GPU-hours", format_grouped(h * runs)))
        .unwrap_or_default();
    quantity(
        format!(
            "Training cost of one reported result: {} runs x ${} = ${}{hours}",
            format_grouped(runs),
            format_grouped(cost),
            whole(runs * cost)
        ),
        &["num_runs", "cost_per_run", "gpu_hours_per_run"],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, f64)]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Answer::Number(*v)))
            .collect()
    }

    #[test]
    fn sample_size_matches_the_textbook_formula() {
        // p1 = 0.10, p2 = 0.11: (1.96 + 0.8416)^2 * (0.09 + 0.0979) / 0.0001 = 14,749 (rounded
        // up), as power calculators give for 80% power and a two-sided 5% test.
        assert_eq!(units_per_arm_needed(0.10, 0.10), Some(14_749.0));
        // The inverse: with 14,749 per arm the detectable change is close to 10% (the base
        // rate's variance on both arms makes it a little smaller).
        let e = detectable_relative_effect(0.10, 14_749.0).unwrap();
        assert!((0.095..0.10).contains(&e), "{e}");
        assert_eq!(units_per_arm_needed(0.0, 0.1), None);
        assert_eq!(units_per_arm_needed(0.5, 1.5), None, "p2 over 1");
    }

    #[test]
    fn the_sheet_compares_units_with_what_the_effect_needs() {
        let a = answers(&[
            ("ab_base_rate", 0.04),
            ("ab_mde", 2.0),
            ("ab_units_per_arm", 50_000.0),
            ("ab_duration_days", 14.0),
            ("expected_effect_pct", 3.0),
        ]);
        let sheet = sheet(&a);
        let text: Vec<&str> = sheet.iter().map(|q| q.text.as_str()).collect();
        // p1 = 0.04, p2 = 0.0408: 7.849 * (0.0384 + 0.03913) / 0.00000064 = 950,884.
        assert!(
            text[0].contains("a 2% relative change at a base rate of 4%")
                && text[0].contains(": 950,884; the plan has 50,000 per arm (0.05x"),
            "{text:?}"
        );
        // 2.8016 * sqrt(2 * 0.04 * 0.96 / 50,000) / 0.04 = 8.68%.
        assert!(text[1].contains(": 8.7%; the plan expects 3%"), "{text:?}");
        assert!(text[2].ends_with(": 3571"), "{text:?}");
        assert!(text[3].contains("(1.50x)"), "{text:?}");
        assert_eq!(sheet.len(), 4);
    }

    #[test]
    fn an_effect_in_absolute_points_is_converted_with_the_base_rate_and_shown_as_written() {
        let mut a = answers(&[
            ("ab_base_rate", 0.04),
            ("ab_mde_points", 0.5),
            ("ab_units_per_arm", 50_000.0),
            ("expected_effect_pct", 25.0),
        ]);
        a.insert("ab_mde_scale".into(), Answer::Text("absolute".into()));
        let m = mde(&a).unwrap();
        // 0.5 points of 4% is 4.0% -> 4.5%, a 12.5% relative change.
        assert_eq!(m.relative_pct, Some(12.5));
        assert_eq!(m.as_written, "0.5 percentage points");
        let sheet = sheet(&a);
        let needed = &sheet[0];
        assert!(
            needed.text.contains(
                "detect a 12.5% relative change (0.5 percentage points as the plan states it) at a base rate of 4%"
            ),
            "{sheet:?}"
        );
        // p1 = 0.04, p2 = 0.045: 7.849 * (0.0384 + 0.042975) / 0.000025 = 25,549 (rounded up).
        assert!(
            needed.text.contains(": 25,549; the plan has 50,000"),
            "{sheet:?}"
        );
        assert!(needed.from.contains(&"ab_mde_points") && !needed.from.contains(&"ab_mde"));
        let against = sheet
            .iter()
            .find(|q| q.text.starts_with("Expected effect"))
            .unwrap();
        assert!(
            against.text.contains("25% expected, 12.5% detectable"),
            "{against:?}"
        );
        assert!(against.text.contains("(2.00x)"), "{against:?}");
        // Without a base rate the points cannot be converted: no power sentence.
        a.remove("ab_base_rate");
        assert_eq!(mde(&a).unwrap().relative_pct, None);
        assert!(sheet_texts(&a).iter().all(|t| !t.contains("detect a")));
        // A relative effect reads as before, with no word added.
        let r = answers(&[("ab_base_rate", 0.04), ("ab_mde", 2.0)]);
        assert!(!sheet_texts(&r)[0].contains("as the plan states"));
    }

    fn sheet_texts(a: &Answers) -> Vec<String> {
        sheet(a).into_iter().map(|q| q.text).collect()
    }

    #[test]
    fn labels_costs_and_positives() {
        let a = answers(&[
            ("n_examples", 200_000.0),
            ("positive_rate", 0.002),
            ("label_delay_days", 60.0),
            ("retrain_every_days", 7.0),
            ("llm_cost_per_request", 0.012),
            ("llm_requests_per_month", 3_000_000.0),
        ]);
        let text: Vec<String> = sheet(&a).into_iter().map(|q| q.text).collect();
        assert!(
            text[0].contains(": 400 of 200,000 at a positive rate of 0.2%"),
            "{text:?}"
        );
        assert!(text[1].contains("(8.57 retrains"), "{text:?}");
        assert!(text[2].ends_with("= $36,000"), "{text:?}");
    }

    #[test]
    fn nothing_without_both_numbers() {
        assert!(sheet(&answers(&[("ab_base_rate", 0.04)])).is_empty());
        assert!(sheet(&Answers::new()).is_empty());
    }
}
