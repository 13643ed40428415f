//! A number as people type it: `180k`, `1.2M`, `12,000`, `12 000`, `1e5`, `14%` (in a
//! fraction, 0.14). One reader for the TUI, `plain`, and the cells of tables, so a notation
//! works the same everywhere and a text that is not a number says what is wrong with it.

use super::format_grouped;

/// A number read from text.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadNumber {
    pub value: f64,
    /// How the text was read, when it was not written out as plain digits (`180k` →
    /// `180,000`), so the user sees what will be saved.
    pub read_as: Option<String>,
}

/// The notations [`read_number`] takes, for the hint beside a number's field.
pub fn notations(unit: Option<&str>) -> &'static str {
    if is_fraction(unit) {
        "14% reads as 0.14"
    } else {
        "180k, 1.2M, 12,000, 1e5 also work"
    }
}

/// A fraction (0..1) takes a percentage divided by 100.
fn is_fraction(unit: Option<&str>) -> bool {
    unit.is_some_and(|u| u.trim().eq_ignore_ascii_case("fraction"))
}

/// A unit that is itself a percentage takes `14%` as 14.
fn is_percent(unit: Option<&str>) -> bool {
    unit.is_some_and(|u| {
        let u = u.trim_start();
        u.starts_with('%') || u.to_lowercase().starts_with("percent")
    })
}

/// Why a text is not read as a number: each says what is wrong with `text` (as typed) and how
/// to write it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("type a number")]
    Empty,
    #[error("`{0}` is not a number (digits, with a dot for decimals)")]
    NotANumber(String),
    #[error("`{0}` needs the exponent's digits after the e")]
    ExponentDigits(String),
    #[error("`{0}` has more than one decimal dot")]
    TwoDots(String),
    #[error("`{0}` is too large a number")]
    TooLarge(String),
    #[error("`{0}`: an exponent and a suffix together are one too many; write one of them")]
    ExponentAndSuffix(String),
    #[error("`{text}`: a percentage fits a fraction or a percent answer{}; type the number alone", unit.as_ref().map_or(String::new(), |u| format!(" (this one is in {u})")))]
    Percentage { text: String, unit: Option<String> },
    #[error("`{0}`: `m` could be milli or million; write M for a million")]
    Milli(String),
    #[error("`{text}`: `{word}` is not a suffix kickoff reads (k, M, B, or % in a fraction)")]
    Suffix { text: String, word: String },
    #[error("`{0}`: separators and an exponent together; write one of them")]
    SeparatorsAndExponent(String),
    #[error("`{0}`: one kind of separator, please (12,000 or 12 000)")]
    MixedSeparators(String),
    #[error("`{0}`: a comma only groups thousands (12,000); write decimals with a dot (0.05)")]
    DecimalComma(String),
    #[error("`{0}`: group the digits by three (12,000 or 12 000)")]
    Grouping(String),
}

/// For a front end still reporting problems as text.
impl From<NumberError> for String {
    fn from(e: NumberError) -> String {
        e.to_string()
    }
}

/// Reads `text` as a number for an answer in `unit`: a sign, digits with a dot for decimals,
/// thousands grouped by commas, spaces or `_` (`12,000`, `12 000`), an exponent (`1e5`), a
/// suffix `k`, `M` or `B` (thousand, million, billion), or `%` (divided by 100 in a fraction,
/// as typed in a percent unit). The error names the problem and the way to write it.
pub fn read_number(text: &str, unit: Option<&str>) -> Result<ReadNumber, NumberError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(NumberError::Empty);
    }
    let (negative, rest) = match t.chars().next() {
        Some('-' | '−') => (
            true,
            t[t.chars().next().map_or(1, char::len_utf8)..].trim_start(),
        ),
        Some('+') => (false, t[1..].trim_start()),
        _ => (false, t),
    };
    let (body, power, percent) = split_suffix(t, rest)?;
    let (digits, grouped) = ungroup(t, body)?;
    if digits.is_empty() || !digits.chars().any(|c| c.is_ascii_digit()) {
        return Err(not_a_number(t));
    }
    let has_exponent = digits.contains(['e', 'E']);
    if has_exponent && (power != 0 || percent) {
        return Err(NumberError::ExponentAndSuffix(t.into()));
    }
    let mut exponent = power;
    if percent {
        if is_fraction(unit) {
            exponent -= 2;
        } else if !is_percent(unit) {
            return Err(NumberError::Percentage {
                text: t.into(),
                unit: unit.map(String::from),
            });
        }
    }
    let literal = if exponent != 0 {
        format!("{digits}e{exponent}")
    } else {
        digits.clone()
    };
    let value = literal.parse::<f64>().map_err(|_| incomplete(t, &digits))?;
    if !value.is_finite() {
        return Err(NumberError::TooLarge(t.into()));
    }
    let value = if negative { -value } else { value };
    let plain = !grouped && exponent == 0 && !has_exponent && !percent;
    Ok(ReadNumber {
        value,
        read_as: (!plain).then(|| format_grouped(value)),
    })
}

fn not_a_number(t: &str) -> NumberError {
    NumberError::NotANumber(t.into())
}

/// What is missing from a number that does not parse yet (`1e`, `1.2.3`).
fn incomplete(t: &str, digits: &str) -> NumberError {
    if digits.ends_with(['e', 'E', '+', '-']) {
        NumberError::ExponentDigits(t.into())
    } else if digits.matches('.').count() > 1 {
        NumberError::TwoDots(t.into())
    } else {
        not_a_number(t)
    }
}

/// Splits a suffix off `rest` (the text after the sign): the body, the power of ten it
/// multiplies by, and whether it was a percentage.
fn split_suffix<'a>(t: &str, rest: &'a str) -> Result<(&'a str, i32, bool), NumberError> {
    let lower = rest.to_lowercase();
    let cut = |n: usize| rest[..rest.len() - n].trim_end();
    Ok(if lower.ends_with('%') {
        (cut(1), 0, true)
    } else if lower.ends_with("bn") {
        (cut(2), 9, false)
    } else if rest.ends_with(['k', 'K']) {
        (cut(1), 3, false)
    } else if rest.ends_with('M') {
        (cut(1), 6, false)
    } else if rest.ends_with(['B', 'b']) {
        (cut(1), 9, false)
    } else if rest.ends_with('m') && starts_numeric(rest) {
        return Err(NumberError::Milli(t.into()));
    } else if rest.ends_with(char::is_alphabetic)
        && !rest.ends_with(['e', 'E'])
        && starts_numeric(rest)
    {
        let word = rest.trim_end_matches(char::is_alphabetic);
        let word = &rest[word.len()..];
        return Err(NumberError::Suffix {
            text: t.into(),
            word: word.into(),
        });
    } else {
        (rest, 0, false)
    })
}

fn starts_numeric(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit() || c == '.')
}

/// Takes out the thousands separators (`,`, a space, `_`): the digits left, and whether
/// there were any. A comma that does not group thousands is refused rather than guessed:
/// `0,05` and `1,000` mean different things in different places.
fn ungroup(t: &str, body: &str) -> Result<(String, bool), NumberError> {
    let is_space = |c: char| c == ' ' || c == '\u{a0}' || c == '\u{202f}';
    let seps: Vec<char> = body
        .chars()
        .filter(|&c| c == ',' || c == '_' || is_space(c))
        .collect();
    if seps.is_empty() {
        return body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
            .then(|| (body.to_string(), false))
            .ok_or_else(|| not_a_number(t));
    }
    if body.contains(['e', 'E']) {
        return Err(NumberError::SeparatorsAndExponent(t.into()));
    }
    let (whole, decimals) = body.split_once('.').unwrap_or((body, ""));
    let groups: Vec<&str> = whole
        .split(|c: char| c == ',' || c == '_' || is_space(c))
        .collect();
    let underscores_only = seps.iter().all(|&c| c == '_');
    let kinds = seps
        .iter()
        .map(|&c| if is_space(c) { ' ' } else { c })
        .collect::<std::collections::BTreeSet<_>>();
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let thousands = groups
        .iter()
        .enumerate()
        .all(|(i, g)| all_digits(g) && (if i == 0 { g.len() <= 3 } else { g.len() == 3 }));
    let decimals_ok = decimals.is_empty() || all_digits(decimals);
    let underscored = underscores_only && groups.iter().all(|g| all_digits(g));
    if kinds.len() > 1 {
        return Err(NumberError::MixedSeparators(t.into()));
    }
    if !decimals_ok || !(thousands || underscored) {
        let last = groups.last().copied().unwrap_or("");
        return Err(
            if groups.iter().any(|g| g.chars().any(char::is_alphabetic)) {
                not_a_number(t)
            } else if seps.contains(&',') && decimals.is_empty() && last.len() < 3 {
                NumberError::DecimalComma(t.into())
            } else {
                NumberError::Grouping(t.into())
            },
        );
    }
    let mut digits: String = groups.concat();
    if !decimals.is_empty() || body.contains('.') {
        digits.push('.');
        digits.push_str(decimals);
    }
    Ok((digits, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(t: &str, unit: Option<&str>) -> f64 {
        read_number(t, unit)
            .unwrap_or_else(|e| panic!("{t}: {e}"))
            .value
    }

    fn error(t: &str, unit: Option<&str>) -> String {
        match read_number(t, unit) {
            Ok(n) => panic!("{t} read as {}", n.value),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn plain_numbers_read_as_typed_and_say_nothing_more() {
        let n = read_number(" 42 ", None).unwrap();
        assert_eq!(
            n,
            ReadNumber {
                value: 42.0,
                read_as: None
            }
        );
        assert_eq!(value("-0.5", None), -0.5);
        assert_eq!(value("+3", None), 3.0);
        assert_eq!(value(".25", None), 0.25);
        assert_eq!(read_number("0.06", Some("fraction")).unwrap().read_as, None);
    }

    #[test]
    fn suffixes_multiply_exactly() {
        assert_eq!(value("180k", None), 180_000.0);
        assert_eq!(value("180K", None), 180_000.0);
        assert_eq!(value("1.2M", None), 1_200_000.0);
        assert_eq!(value("3B", None), 3e9);
        assert_eq!(value("2.5bn", None), 2.5e9);
        assert_eq!(value("-1.5k", None), -1500.0);
        assert_eq!(value("12 k", None), 12_000.0);
        assert_eq!(
            read_number("180k", None).unwrap().read_as.as_deref(),
            Some("180,000")
        );
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(value("12,000", None), 12_000.0);
        assert_eq!(value("12 000", None), 12_000.0);
        assert_eq!(value("1,234,567.5", None), 1_234_567.5);
        assert_eq!(value("12\u{202f}000", None), 12_000.0);
        assert_eq!(value("1_000_0", None), 10_000.0);
        assert_eq!(value("1,200k", None), 1_200_000.0);
        assert_eq!(
            read_number("12,000", None).unwrap().read_as.as_deref(),
            Some("12,000")
        );
    }

    #[test]
    fn exponents() {
        assert_eq!(value("1e5", None), 100_000.0);
        assert_eq!(value("2.5E-3", None), 0.0025);
        assert_eq!(
            read_number("1e5", None).unwrap().read_as.as_deref(),
            Some("100,000")
        );
    }

    #[test]
    fn a_percentage_in_a_fraction_is_divided_by_100_and_shown() {
        let n = read_number("14%", Some("fraction")).unwrap();
        assert_eq!(n.value, 0.14);
        assert_eq!(n.read_as.as_deref(), Some("0.14"));
        assert_eq!(value("0.5 %", Some("fraction")), 0.005);
        assert_eq!(value("14%", Some("% relative")), 14.0);
        assert!(notations(Some("fraction")).contains("14% reads as 0.14"));
        assert!(!notations(Some("days")).contains('%'));
    }

    #[test]
    fn rejections_name_the_problem() {
        assert!(error("abc", None).contains("`abc` is not a number"));
        assert!(error("", None).contains("type a number"));
        assert!(error("14%", Some("days")).contains("a percentage fits a fraction"));
        assert!(error("14%", None).contains("type the number alone"));
        assert!(error("0,05", None).contains("a comma only groups thousands"));
        assert!(error("1,5", None).contains("write decimals with a dot"));
        assert!(error("2,5000", None).contains("group the digits by three"));
        assert!(error("1,00,000", None).contains("group the digits by three"));
        assert!(error("12x", None).contains("`x` is not a suffix"));
        assert!(error("5m", None).contains("write M for a million"));
        assert!(error("1e", None).contains("exponent's digits"));
        assert!(error("1.2.3", None).contains("more than one decimal dot"));
        assert!(error("1e999", None).contains("too large"));
        assert!(error("inf", None).contains("is not a number"));
        assert!(error("NaN", None).contains("is not a number"));
        assert!(error("-", None).contains("is not a number"));
        assert!(error("1e3k", None).contains("an exponent and a suffix"));
        assert!(error("12,000 000", None).contains("one kind of separator"));
        assert!(error("12abc", None).contains("`abc` is not a suffix"));
    }
}
