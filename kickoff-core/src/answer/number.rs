//! A number as people type it: `180k`, `1.2M`, `1.2 million`, `12,000`, `12 000`, `1e5`,
//! `~180k`, `about 2,000`, `30 days` (in a days answer), `14%` (in a fraction, 0.14). One
//! reader for the TUI, `plain`, and the cells of tables, so a notation works the same
//! everywhere and a text that is not a number says what is wrong with it.

use super::format_grouped;

/// A number read from text.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadNumber {
    pub value: f64,
    /// How the text was read, when it was not written out as plain digits (`180k` →
    /// `180,000`), so the user sees what will be saved.
    pub read_as: Option<String>,
}

/// The notations [`read_number`] takes, for the hint beside a number's field: the large
/// numbers' shorthands only where large numbers make sense (not in days or minutes).
pub fn notations(unit: Option<&str>) -> String {
    let large = "180k, 1.2M, 12,000, ~2,000 also work";
    match unit.map(str::trim) {
        _ if is_fraction(unit) => "14% reads as 0.14".into(),
        None | Some("") => large.into(),
        Some(u) if is_usd(u) => "$1.2k, 180k, 12,000 also work".into(),
        Some(u) if is_large(u) => format!("{large}, with or without “{u}”"),
        Some(u) if is_percent(unit) => format!("2, 2% and 2{} all work", u.trim_start_matches('%')),
        Some(u) => format!("the number alone, or with “{u}” after it"),
    }
}

/// Units counted in thousands and millions: examples, units of a test, calls, money.
fn is_large(unit: &str) -> bool {
    const LARGE: &[&str] = &[
        "examples",
        "units",
        "calls",
        "requests",
        "items",
        "rows",
        "users",
        "tokens",
        "events",
        "predictions",
        "conversations",
        "documents",
    ];
    is_usd(unit) || LARGE.contains(&unit.trim().to_lowercase().as_str())
}

fn is_usd(unit: &str) -> bool {
    let u = unit.trim();
    u.eq_ignore_ascii_case("usd") || u == "$"
}

/// The words that may follow a number in `unit` and say the unit itself: the unit
/// (`days`, `alerts a day`), its singular (`day`), its first word (`alerts`), and the usual
/// short forms (`min`, `pp`, `dollars`). Longest first, lower case.
fn unit_words(unit: Option<&str>) -> Vec<String> {
    let Some(u) = unit
        .map(|u| u.trim().to_lowercase())
        .filter(|u| !u.is_empty())
    else {
        return Vec::new();
    };
    let mut words = vec![u.clone()];
    let singular = |w: &str| {
        w.strip_suffix('s')
            .filter(|s| s.len() > 2)
            .map(String::from)
    };
    words.extend(singular(&u));
    if let Some((first, _)) = u.split_once(' ') {
        words.push(first.to_string());
        words.extend(singular(first));
    }
    let extra: &[&str] = match u.as_str() {
        "usd" => &["dollars", "dollar", "us$"],
        "minutes" => &["min", "mins"],
        "ms" => &["milliseconds", "millisecond"],
        "days" => &["calendar days"],
        "percentage points" => &["pp", "points", "point", "percentage point", "% points"],
        "% relative" => &["% relative", "percent relative", "relative"],
        "calls" => &["llm calls", "requests", "request"],
        _ => &[],
    };
    words.extend(extra.iter().map(|w| w.to_string()));
    // A percent sign is read as a percentage, not stripped as a word.
    words.retain(|w| !w.is_empty() && w != "%");
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.dedup();
    words
}

/// `rest` without the unit's own word at its end (`30 days` → `30`), and whether one was cut.
fn strip_unit<'a>(rest: &'a str, unit: Option<&str>) -> (&'a str, bool) {
    let lower = rest.to_lowercase();
    if lower.len() != rest.len() {
        return (rest, false);
    }
    for w in unit_words(unit) {
        if let Some(head) = lower.strip_suffix(w.as_str()) {
            let boundary = !head.ends_with(|c: char| c.is_alphabetic());
            // A word that starts with a letter needs a space or a digit before it; "% relative"
            // and the like may follow the digits directly.
            if boundary && !head.trim().is_empty() {
                return (rest[..head.len()].trim_end(), true);
            }
        }
    }
    (rest, false)
}

/// `t` without a leading word that says the number is approximate (`~`, `about`, `roughly`,
/// `approximately`): the number is stored as meant.
fn strip_approximate(t: &str) -> (&str, bool) {
    for sign in ['~', '≈'] {
        if let Some(rest) = t.strip_prefix(sign) {
            return (rest.trim_start(), true);
        }
    }
    let lower = t.to_lowercase();
    for word in [
        "approximately",
        "approx.",
        "approx",
        "roughly",
        "around",
        "about",
        "circa",
        "ca.",
    ] {
        if lower.len() == t.len()
            && let Some(rest) = lower.strip_prefix(word)
            && (rest.starts_with(char::is_whitespace) || word.ends_with('.'))
        {
            return (t[word.len()..].trim_start(), true);
        }
    }
    (t, false)
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
/// to write it, quoting it as a person would (no markup).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("type a number")]
    Empty,
    #[error("“{0}” is not a number (digits, with a dot for decimals)")]
    NotANumber(String),
    #[error("“{0}” needs the exponent's digits after the e")]
    ExponentDigits(String),
    #[error("“{0}” has more than one decimal dot")]
    TwoDots(String),
    #[error("“{0}” is too large a number")]
    TooLarge(String),
    #[error("“{0}”: an exponent and a suffix together are one too many; write one of them")]
    ExponentAndSuffix(String),
    #[error("“{text}”: a percentage fits a fraction or a percent answer{}; type the number alone", unit.as_ref().map_or(String::new(), |u| format!(" (this one is in {u})")))]
    Percentage { text: String, unit: Option<String> },
    #[error("“{0}”: m could be milli or million; write M for a million")]
    Milli(String),
    #[error(
        "“{text}”: “{word}” is not a suffix kickoff reads (k, M, thousand, million, bn, or % in a fraction)"
    )]
    Suffix { text: String, word: String },
    /// A unit other than the answer's own: named, not converted.
    #[error("“{text}”: this answer is in {unit}, not “{word}”; type the number of {unit}")]
    OtherUnit {
        text: String,
        word: String,
        unit: String,
    },
    #[error("“{0}”: separators and an exponent together; write one of them")]
    SeparatorsAndExponent(String),
    #[error("“{0}”: one kind of separator, please (12,000 or 12 000)")]
    MixedSeparators(String),
    #[error("“{0}”: a comma only groups thousands (12,000); write decimals with a dot (0.05)")]
    DecimalComma(String),
    #[error("“{0}”: group the digits by three (12,000 or 12 000)")]
    Grouping(String),
}

/// For a front end still reporting problems as text.
impl From<NumberError> for String {
    fn from(e: NumberError) -> String {
        e.to_string()
    }
}

/// Reads `text` as a number for an answer in `unit`: a word that says it is approximate first
/// (`~`, `about`, `roughly`, `approximately`), a sign, digits with a dot for decimals, thousands
/// grouped by commas, spaces or `_` (`12,000`, `12 000`), an exponent (`1e5`), a suffix `k`,
/// `M`, `B`/`bn` or the words `thousand`, `million`, `billion`, or `%` (divided by 100 in a
/// fraction, as typed in a percent unit), and the answer's own unit after it (`30 days`; `$`
/// before money in USD). Another unit is refused, naming the answer's. The error names the
/// problem and the way to write it.
pub fn read_number(text: &str, unit: Option<&str>) -> Result<ReadNumber, NumberError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(NumberError::Empty);
    }
    let (t_num, approximate) = strip_approximate(t);
    let (negative, rest) = match t_num.chars().next() {
        Some('-' | '−') => (
            true,
            t_num[t_num.chars().next().map_or(1, char::len_utf8)..].trim_start(),
        ),
        Some('+') => (false, t_num[1..].trim_start()),
        _ => (false, t_num),
    };
    let (rest, dollar) = match rest.strip_prefix('$') {
        Some(r) => (r.trim_start(), true),
        None => (rest, false),
    };
    if dollar && !unit.is_some_and(is_usd) {
        return Err(other_unit(t, "$", unit));
    }
    let (rest, unit_named) = strip_unit(rest, unit);
    let (body, power, percent) = split_suffix(t, rest, unit)?;
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
    let plain = !grouped
        && exponent == 0
        && !has_exponent
        && !percent
        && !approximate
        && !unit_named
        && !dollar;
    Ok(ReadNumber {
        value,
        read_as: (!plain).then(|| format_grouped(value)),
    })
}

fn not_a_number(t: &str) -> NumberError {
    NumberError::NotANumber(t.into())
}

/// A unit `word` that is not the answer's own: named with the one expected, or, for an answer
/// with no unit, as a suffix kickoff does not read.
fn other_unit(t: &str, word: &str, unit: Option<&str>) -> NumberError {
    match unit
        .map(str::trim)
        .filter(|u| !u.is_empty() && !is_fraction(Some(u)))
    {
        Some(u) => NumberError::OtherUnit {
            text: t.into(),
            word: word.into(),
            unit: u.into(),
        },
        None => NumberError::Suffix {
            text: t.into(),
            word: word.into(),
        },
    }
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
fn split_suffix<'a>(
    t: &str,
    rest: &'a str,
    unit: Option<&str>,
) -> Result<(&'a str, i32, bool), NumberError> {
    let lower = rest.to_lowercase();
    let cut = |n: usize| rest[..rest.len() - n].trim_end();
    // A one- or two-letter suffix follows the digits ("180k", "12 k"), not a word ("week").
    let after_digit =
        |n: usize| rest.len() > n && cut(n).ends_with(|c: char| c.is_ascii_digit() || c == '.');
    let word = |w: &str| {
        lower.len() == rest.len()
            && lower.ends_with(w)
            && !lower[..lower.len() - w.len()].ends_with(char::is_alphabetic)
            && starts_numeric(rest)
    };
    Ok(if lower.ends_with('%') {
        (cut(1), 0, true)
    } else if (is_percent(unit) || is_fraction(unit)) && word("percent") {
        (cut(7), 0, true)
    } else if word("thousand") {
        (cut(8), 3, false)
    } else if word("million") {
        (cut(7), 6, false)
    } else if word("billion") {
        (cut(7), 9, false)
    } else if word("mn") {
        (cut(2), 6, false)
    } else if lower.ends_with("bn") && after_digit(2) {
        (cut(2), 9, false)
    } else if rest.ends_with(['k', 'K']) && after_digit(1) {
        (cut(1), 3, false)
    } else if rest.ends_with('M') && after_digit(1) {
        (cut(1), 6, false)
    } else if rest.ends_with(['B', 'b']) && after_digit(1) {
        (cut(1), 9, false)
    } else if rest.ends_with('m') && after_digit(1) && starts_numeric(rest) {
        return Err(NumberError::Milli(t.into()));
    } else if rest.ends_with(char::is_alphabetic)
        && !rest.ends_with(['e', 'E'])
        && starts_numeric(rest)
    {
        // The words after the number: another unit than the answer's (named), or a suffix
        // kickoff does not read.
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '_' | ' ')))
            .unwrap_or(rest.len());
        let mut word = rest[number_end..].trim();
        // "200k rows": the multiplier is read; the unit after it is what is named.
        if let Some((first, after)) = word.split_once(' ')
            && ["k", "m", "b", "bn", "mn", "thousand", "million", "billion"]
                .contains(&first.to_lowercase().as_str())
        {
            word = after.trim();
        }
        return Err(other_unit(t, word, unit));
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
    // Words ("two weeks", "not sure") are not a number with separators.
    if body
        .chars()
        .any(|c| c.is_alphabetic() && !matches!(c, 'e' | 'E'))
    {
        return Err(not_a_number(t));
    }
    if body.contains(['e', 'E']) {
        // "1 000e3" is digits with an exponent; "see notes" is words.
        let digits_and_exponent = body.chars().all(|c| {
            c.is_ascii_digit()
                || is_space(c)
                || matches!(c, ',' | '_' | '.' | 'e' | 'E' | '+' | '-')
        });
        if !digits_and_exponent {
            return Err(not_a_number(t));
        }
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
    fn words_are_not_a_number_whatever_letters_they_hold() {
        for t in [
            "two years of daily sales",
            "not sure",
            "two weeks",
            "ten thousand",
            "see notes",
        ] {
            assert!(
                error(t, None).contains("is not a number"),
                "{t}: {}",
                error(t, None)
            );
        }
        assert!(error("1 000e3", None).contains("exponent"));
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
        assert_eq!(value("2% relative", Some("% relative")), 2.0);
    }

    #[test]
    fn rejections_name_the_problem() {
        assert!(error("abc", None).contains("“abc” is not a number"));
        assert!(error("", None).contains("type a number"));
        assert!(error("14%", Some("days")).contains("a percentage fits a fraction"));
        assert!(error("14%", None).contains("type the number alone"));
        assert!(error("0,05", None).contains("a comma only groups thousands"));
        assert!(error("1,5", None).contains("write decimals with a dot"));
        assert!(error("2,5000", None).contains("group the digits by three"));
        assert!(error("1,00,000", None).contains("group the digits by three"));
        assert!(error("12x", None).contains("“x” is not a suffix"));
        assert!(error("5m", None).contains("write M for a million"));
        assert!(error("1e", None).contains("exponent's digits"));
        assert!(error("1.2.3", None).contains("more than one decimal dot"));
        assert!(error("1e999", None).contains("too large"));
        assert!(error("inf", None).contains("is not a number"));
        assert!(error("NaN", None).contains("is not a number"));
        assert!(error("-", None).contains("is not a number"));
        assert!(error("1e3k", None).contains("an exponent and a suffix"));
        assert!(error("12,000 000", None).contains("one kind of separator"));
        assert!(error("12abc", None).contains("“abc” is not a suffix"));
    }

    #[test]
    fn numbers_as_people_write_them() {
        // Approximately: the number meant is stored, and what it was read as is shown.
        assert_eq!(value("~180k", Some("units")), 180_000.0);
        assert_eq!(value("about 2,000", None), 2_000.0);
        assert_eq!(value("roughly 1.5M", None), 1_500_000.0);
        assert_eq!(value("approximately 40", Some("days")), 40.0);
        assert_eq!(value("≈ 12", None), 12.0);
        assert_eq!(
            read_number("~180k", Some("units"))
                .unwrap()
                .read_as
                .as_deref(),
            Some("180,000")
        );
        assert_eq!(
            read_number("about 40", None).unwrap().read_as.as_deref(),
            Some("40")
        );
        // Thousands and millions in words.
        assert_eq!(value("1.2 million", None), 1_200_000.0);
        assert_eq!(value("2 thousand", None), 2_000.0);
        assert_eq!(value("3 billion", None), 3e9);
        assert_eq!(value("2 000", None), 2_000.0);
        assert_eq!(value("1.2 million requests", Some("calls")), 1_200_000.0);
        // The answer's own unit after the number.
        assert_eq!(value("30 days", Some("days")), 30.0);
        assert_eq!(value("1 day", Some("days")), 1.0);
        assert_eq!(value("30days", Some("days")), 30.0);
        assert_eq!(value("5%", Some("% relative")), 5.0);
        assert_eq!(value("5 percent", Some("% relative")), 5.0);
        assert_eq!(value("14 percent", Some("fraction")), 0.14);
        assert_eq!(value("0.5 pp", Some("percentage points")), 0.5);
        assert_eq!(value("15 alerts a day", Some("alerts a day")), 15.0);
        assert_eq!(value("15 alerts", Some("alerts a day")), 15.0);
        assert_eq!(value("250 ms", Some("ms")), 250.0);
        assert_eq!(value("12 GPU-hours", Some("GPU-hours")), 12.0);
        assert_eq!(value("$0.004", Some("USD")), 0.004);
        assert_eq!(value("$1.2k", Some("USD")), 1_200.0);
        assert_eq!(value("12,000 USD", Some("USD")), 12_000.0);
        assert_eq!(value("200k examples", Some("examples")), 200_000.0);
        assert_eq!(
            read_number("30 days", Some("days"))
                .unwrap()
                .read_as
                .as_deref(),
            Some("30")
        );
    }

    #[test]
    fn another_unit_is_refused_naming_the_answers_own() {
        let e = read_number("4 weeks", Some("days")).unwrap_err();
        assert_eq!(
            e,
            NumberError::OtherUnit {
                text: "4 weeks".into(),
                word: "weeks".into(),
                unit: "days".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "“4 weeks”: this answer is in days, not “weeks”; type the number of days"
        );
        assert!(error("3 week", Some("days")).contains("this answer is in days"));
        assert!(error("200k rows", Some("examples")).contains("in examples, not “rows”"));
        assert!(error("$40", Some("days")).contains("in days, not “$”"));
        assert!(error("12 apples", None).contains("“apples” is not a suffix"));
        // No message quotes with backticks: they are markup, and show as such in a terminal.
        for (t, unit) in [
            ("abc", None),
            ("4 weeks", Some("days")),
            ("12x", None),
            ("5m", None),
            ("1,5", None),
            ("14%", Some("days")),
            ("1e", None),
        ] {
            assert!(!error(t, unit).contains('`'), "{t}: {}", error(t, unit));
        }
    }

    #[test]
    fn hints_offer_large_numbers_only_where_they_make_sense() {
        assert!(!notations(Some("days")).contains("180k"));
        assert!(notations(Some("days")).contains("days"));
        assert!(!notations(Some("minutes")).contains("1.2M"));
        assert!(notations(Some("units")).contains("180k"));
        assert!(notations(Some("examples")).contains("1.2M"));
        assert!(notations(Some("USD")).contains("$1.2k"));
        assert!(notations(None).contains("180k"));
        assert!(notations(Some("% relative")).contains("2%"));
    }
}
