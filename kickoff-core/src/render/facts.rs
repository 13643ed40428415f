//! Facts the doc works out from answers rather than repeating them: the best of the scored
//! baselines.

use minijinja::value::Value;

/// The metrics (choice values of `primary_metric`) for which lower is better.
const LOWER_IS_BETTER: &[&str] = &["rmse", "mae", "mape", "log_loss"];

/// Words in a score that say it is an error, for which lower is better.
const ERROR_WORDS: &[&str] = &["wape", "mae", "rmse", "mape", "error", "loss", "smape"];

/// The first number of a score as a word of its own ("macro-F1 0.83" is 0.83, "recall 49%"
/// is 49), not a digit inside a word ("F1").
pub fn score_number(score: &str) -> Option<f64> {
    score
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ':' | ','))
        .find_map(|w| {
            let w = w.trim_end_matches(['%', ';', '.']);
            let w = w.strip_prefix('+').unwrap_or(w);
            w.starts_with(|c: char| c.is_ascii_digit())
                .then(|| w.parse::<f64>().ok())
                .flatten()
        })
}

/// The template function `best_baseline(rows, metric)`: of a records answer's rows (name,
/// score, ...), the one with the best score, lower being better for an error metric (`metric`,
/// a `primary_metric` value, or words in the scores); none when no score has a number.
pub(super) fn best_baseline(rows: Vec<Vec<String>>, metric: Option<String>) -> Value {
    let lower = metric
        .as_deref()
        .is_some_and(|m| LOWER_IS_BETTER.contains(&m))
        || rows.iter().any(|r| {
            r.get(1).is_some_and(|s| {
                let s = s.to_lowercase();
                ERROR_WORDS
                    .iter()
                    .any(|w| s.split_whitespace().any(|x| x == *w))
            })
        });
    let scored = rows
        .iter()
        .filter_map(|r| Some((score_number(r.get(1)?)?, r)));
    let best = if lower {
        scored.min_by(|a, b| a.0.total_cmp(&b.0))
    } else {
        scored.max_by(|a, b| a.0.total_cmp(&b.0))
    };
    best.map_or(Value::from(()), |(_, r)| Value::from(r.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_is_its_first_number_standing_alone() {
        assert_eq!(score_number("macro-F1 0.83 (61% correct)"), Some(0.83));
        assert_eq!(score_number("recall 30% (at 33% precision)"), Some(30.0));
        assert_eq!(score_number("WAPE 22.7% (+/- 0.4)"), Some(22.7));
        assert_eq!(score_number("can't rank"), None);
    }

    #[test]
    fn the_best_baseline_is_the_best_not_the_first() {
        let rows = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| vec![a.to_string(), b.to_string()])
                .collect::<Vec<_>>()
        };
        let up = rows(&[
            ("rule", "recall 30%"),
            ("gbm", "recall 49%"),
            ("lr", "recall 41%"),
        ]);
        assert_eq!(
            best_baseline(up, None)
                .get_item_by_index(0)
                .unwrap()
                .as_str(),
            Some("gbm")
        );
        let down = rows(&[("naive", "WAPE 36.1%"), ("gbm", "WAPE 22.7%")]);
        assert_eq!(
            best_baseline(down, None)
                .get_item_by_index(0)
                .unwrap()
                .as_str(),
            Some("gbm")
        );
        assert!(best_baseline(rows(&[("x", "n/a")]), None).is_none());
    }
}
