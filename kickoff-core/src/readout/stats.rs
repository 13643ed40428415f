//! The statistics of a readout: the sample ratio mismatch test, and the effect of a rate or a
//! mean with its 95% interval (two proportions with unpooled errors; Welch's t), each also as a
//! relative lift with a delta-method interval. Distributions from `statrs`.

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal, StudentsT};

/// The chi-square goodness-of-fit test of units per arm against the planned split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Srm {
    pub chi_square: f64,
    pub df: usize,
    pub p_value: f64,
}

/// The threshold below which a sample ratio mismatch is flagged (Fabijan et al. 2019).
pub const SRM_ALPHA: f64 = 0.001;

/// A p-value as a reader reads it: three decimals down to 0.001 (`0.552`, `0.049`), and in
/// scientific notation below (`5.8e-22`), where decimals would all be zeros.
pub fn p_text(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.1e}")
    }
}

/// χ² = Σ (observed − expected)² / expected, with k − 1 degrees of freedom; `split` is the
/// planned share of each arm (any scale). `None` with fewer than two arms or no units.
pub fn srm(units: &[f64], split: &[f64]) -> Option<Srm> {
    let total: f64 = units.iter().sum();
    let shares: f64 = split.iter().sum();
    if units.len() < 2 || units.len() != split.len() || total <= 0.0 || shares <= 0.0 {
        return None;
    }
    let chi_square: f64 = units
        .iter()
        .zip(split)
        .map(|(o, s)| {
            let e = total * s / shares;
            (o - e).powi(2) / e
        })
        .sum();
    let df = units.len() - 1;
    let p_value = ChiSquared::new(df as f64).ok()?.sf(chi_square);
    Some(Srm {
        chi_square,
        df,
        p_value,
    })
}

/// One comparison of treatment against control.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Effect {
    pub control: f64,
    pub treatment: f64,
    /// Treatment minus control, with its 95% interval.
    pub diff: f64,
    pub diff_low: f64,
    pub diff_high: f64,
    /// (treatment − control) / control in percent, with its 95% delta-method interval.
    pub lift_pct: f64,
    pub lift_low_pct: f64,
    pub lift_high_pct: f64,
    /// Two-sided p-value of the difference.
    pub p_value: f64,
    /// Welch's degrees of freedom (means), `None` for the normal approximation (rates).
    pub df: Option<f64>,
}

fn z975() -> f64 {
    Normal::new(0.0, 1.0)
        .expect("a standard normal")
        .inverse_cdf(0.975)
}

/// The relative lift t/c − 1 in percent with its interval: var ≈ var_t/c² + t²·var_c/c⁴.
fn lift(t: f64, var_t: f64, c: f64, var_c: f64, q: f64) -> (f64, f64, f64) {
    let r = t / c - 1.0;
    let se = (var_t / c.powi(2) + t.powi(2) * var_c / c.powi(4)).sqrt();
    (100.0 * r, 100.0 * (r - q * se), 100.0 * (r + q * se))
}

/// Two proportions: successes and trials of control, then of treatment. Unpooled standard
/// error √(p_t(1−p_t)/n_t + p_c(1−p_c)/n_c), normal 95% interval.
pub fn two_proportions(sc: f64, nc: f64, st: f64, nt: f64) -> Option<Effect> {
    if nc <= 0.0 || nt <= 0.0 || sc <= 0.0 {
        return None;
    }
    let (pc, pt) = (sc / nc, st / nt);
    let (vc, vt) = (pc * (1.0 - pc) / nc, pt * (1.0 - pt) / nt);
    let se = (vc + vt).sqrt();
    let q = z975();
    let p_value = if se > 0.0 {
        2.0 * Normal::new(0.0, 1.0).ok()?.sf(((pt - pc) / se).abs())
    } else {
        1.0
    };
    Some(effect((pc, vc), (pt, vt), q, p_value, None))
}

/// The comparison of treatment `(value, variance of the estimate)` against control's, with the
/// quantile `q` of its 95% interval.
fn effect(c: (f64, f64), t: (f64, f64), q: f64, p_value: f64, df: Option<f64>) -> Effect {
    let se = (c.1 + t.1).sqrt();
    let diff = t.0 - c.0;
    let (lift_pct, lift_low_pct, lift_high_pct) = lift(t.0, t.1, c.0, c.1, q);
    Effect {
        control: c.0,
        treatment: t.0,
        diff,
        diff_low: diff - q * se,
        diff_high: diff + q * se,
        lift_pct,
        lift_low_pct,
        lift_high_pct,
        p_value,
        df,
    }
}

/// Two means by Welch's t: mean, standard deviation and n of control, then of treatment.
pub fn welch(mc: f64, sdc: f64, nc: f64, mt: f64, sdt: f64, nt: f64) -> Option<Effect> {
    if nc < 2.0 || nt < 2.0 || mc == 0.0 {
        return None;
    }
    let (vc, vt) = (sdc.powi(2) / nc, sdt.powi(2) / nt);
    let se = (vc + vt).sqrt();
    if se <= 0.0 {
        return None;
    }
    let df = (vc + vt).powi(2) / (vc.powi(2) / (nc - 1.0) + vt.powi(2) / (nt - 1.0));
    let t = StudentsT::new(0.0, 1.0, df).ok()?;
    let q = t.inverse_cdf(0.975);
    let p_value = 2.0 * t.sf(((mt - mc) / se).abs());
    Some(effect((mc, vc), (mt, vt), q, p_value, Some(df)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_read_as_decimals_down_to_a_thousandth() {
        assert_eq!(p_text(0.5517), "0.552");
        assert_eq!(p_text(0.049), "0.049");
        assert_eq!(p_text(0.001), "0.001");
        assert_eq!(p_text(5.83e-22), "5.8e-22");
    }

    #[test]
    fn srm_of_50000_against_47000_in_a_50_50_test() {
        // Expected 48,500 each: (1500² / 48500) · 2 = 92.78...
        let expected = 1500.0_f64.powi(2) / 48_500.0 * 2.0;
        let s = srm(&[50_000.0, 47_000.0], &[50.0, 50.0]).unwrap();
        assert!((s.chi_square - expected).abs() < 1e-9, "{}", s.chi_square);
        assert_eq!(s.df, 1);
        // With one degree of freedom, p = erfc(√(χ²/2)) ≈ 5.8e-22.
        assert!(s.p_value < 1e-20 && s.p_value > 1e-23, "{}", s.p_value);
    }

    #[test]
    fn a_balanced_split_is_no_mismatch() {
        let s = srm(&[50_100.0, 49_900.0], &[1.0, 1.0]).unwrap();
        // χ² = 2 · 100² / 50,000 = 0.4, p ≈ 0.527.
        assert!((s.chi_square - 0.4).abs() < 1e-12);
        assert!((s.p_value - 0.5271).abs() < 1e-3, "{}", s.p_value);
    }

    #[test]
    fn two_proportions_interval_by_hand() {
        // 4.0% vs 4.4% on 50,000 each: se = √(.04·.96/5e4 + .044·.956/5e4) = 0.0012649...
        let e = two_proportions(2000.0, 50_000.0, 2200.0, 50_000.0).unwrap();
        let se = (0.04_f64 * 0.96 / 5e4 + 0.044 * 0.956 / 5e4).sqrt();
        assert!((e.diff - 0.004).abs() < 1e-12);
        assert!((e.diff_low - (0.004 - 1.959964 * se)).abs() < 1e-6);
        assert!((e.lift_pct - 10.0).abs() < 1e-9);
        // The relative interval: se_r = √(vt/c² + t²vc/c⁴) ≈ 0.03244 → ±6.36 points.
        let se_r = (0.044_f64 * 0.956 / 5e4 / 0.04_f64.powi(2)
            + 0.044_f64.powi(2) * (0.04 * 0.96 / 5e4) / 0.04_f64.powi(4))
        .sqrt();
        assert!((e.lift_low_pct - 100.0 * (0.1 - 1.959964 * se_r)).abs() < 1e-4);
        assert!(e.p_value < 0.01);
    }

    #[test]
    fn welch_by_hand() {
        // 10 ± 4 (n 100) vs 11 ± 6 (n 80): vc = 0.16, vt = 0.45, se = √0.61,
        // df = 0.61² / (0.16²/99 + 0.45²/79) = 138.4...
        let e = welch(10.0, 4.0, 100.0, 11.0, 6.0, 80.0).unwrap();
        let df = 0.61_f64.powi(2) / (0.16_f64.powi(2) / 99.0 + 0.45_f64.powi(2) / 79.0);
        assert!((e.df.unwrap() - df).abs() < 1e-9);
        // t(0.975, 138) ≈ 1.9773.
        assert!((e.diff_high - (1.0 + 1.9773 * 0.61_f64.sqrt())).abs() < 2e-3);
        assert!(e.p_value > 0.15 && e.p_value < 0.25, "{}", e.p_value);
    }
}
