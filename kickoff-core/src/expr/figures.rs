//! Figures written in prose: the first amount of a text, the count before a word, a rate per
//! day, a cadence in days, a share. Lets a rule do the arithmetic a reviewer does across answers.

/// The first figure a text gives, as a number ("under $2,000 a month" is 2000, "about 1.2k" is
/// 1200), a percentage as a fraction ("95%" is 0.95, as a score of 0.95 is written), or none:
/// lets a rule compare a figure written in prose with a number answered elsewhere.
pub fn amount(text: &str) -> Option<f64> {
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let word = word.trim_start_matches(['~', '<', '>', '=', '≤', '≥', '(', '+']);
        if !word.starts_with(|c: char| c.is_ascii_digit() || c == '$' || c == '€' || c == '£') {
            continue;
        }
        let bare = word.trim_end_matches([',', '.', ';', ':', ')']);
        let percent = bare.ends_with('%');
        let token: String = bare
            .trim_end_matches('%')
            .chars()
            .filter(|c| !matches!(c, '$' | '€' | '£'))
            .collect();
        // "1.2 million" is one figure written in two words.
        let joined = match words.peek() {
            Some(next)
                if matches!(
                    next.trim_end_matches([',', '.', ';', ':']),
                    "million" | "thousand" | "billion"
                ) =>
            {
                format!("{token} {}", next.trim_end_matches([',', '.', ';', ':']))
            }
            _ => token,
        };
        if let Ok(read) = crate::answer::read_number(&joined, None) {
            return Some(if percent {
                read.value / 100.0
            } else {
                read.value
            });
        }
    }
    None
}

/// The number written just before one of `words` ("60 trials", "a 60-trial search", "5-fold",
/// "300 runs", "six months"), read as [`amount`] reads a figure; the first such number, or none. Lets a rule
/// multiply what the plan counts in prose with a figure answered elsewhere.
pub fn count_before(text: &str, words: &[&str]) -> Option<f64> {
    let lower = text.to_lowercase();
    // "60-trial" and "six-month" are a number and its word; "GPT-4" stays one name, and
    // "twenty-four" one number.
    let tokens: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .flat_map(|t| match t.rsplit_once('-') {
            Some((n, w))
                if !n.is_empty()
                    && number_word(w).is_none()
                    && (n.chars().all(|c| c.is_ascii_digit() || c == ',')
                        || number_word(n).is_some()) =>
            {
                vec![n, w]
            }
            _ => vec![t],
        })
        .filter(|t| !t.is_empty())
        .collect();
    tokens.windows(2).find_map(|pair| {
        let noun = pair[1].trim_end_matches([',', '.', ';', ':']);
        let named = words.iter().any(|w| match w.strip_suffix('*') {
            Some(stem) => noun.starts_with(stem),
            None => noun == *w,
        });
        if !named {
            return None;
        }
        if let Some(n) = number_word(pair[0]) {
            return Some(n);
        }
        if !pair[0].starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        amount(pair[0]).filter(|n| *n >= 1.0)
    })
}

/// A count written in words: "six", "twelve", "thirty", "twenty-four".
fn number_word(word: &str) -> Option<f64> {
    const UNITS: &[&str] = &[
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: &[&str] = &[
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    let unit = |w: &str| UNITS.iter().position(|u| *u == w).map(|at| (at + 1) as f64);
    let tens = |w: &str| {
        TENS.iter()
            .position(|t| *t == w)
            .map(|at| (at as f64 + 2.0) * 10.0)
    };
    match word.split_once('-') {
        Some((t, u)) => Some(tens(t)? + unit(u).filter(|u| *u < 10.0)?),
        None => unit(word).or_else(|| tens(word)),
    }
}

/// How many figures a text holds: numbers that stand on their own ("42", "+4%", "$40k",
/// "0.25" counts once, "2024"), not digits that are part of a name ("F1", "NDCG@10", "top-5",
/// "GPT-4"). A claim backed by evidence usually relates two of them ("+5% NDCG came with +4%
/// applies"); one alone is often a budget or a capacity.
pub fn figure_count(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let glued = |i: usize| {
        i > 0 && {
            let before = chars[i - 1];
            before.is_alphabetic()
                || before == '@'
                || (before == '-' && i > 1 && chars[i - 2].is_alphabetic())
        }
    };
    // A number's parts ("0.25", "150,000") are one figure: a digit run continues one that
    // ends in '.' or ',' right before it.
    let continues =
        |i: usize| i > 1 && matches!(chars[i - 1], '.' | ',') && chars[i - 2].is_ascii_digit();
    (0..chars.len())
        .filter(|&i| {
            chars[i].is_ascii_digit()
                && (i == 0 || !chars[i - 1].is_ascii_digit())
                && !glued(i)
                && !continues(i)
        })
        .count()
}

/// The period a word names, as one name ("secs" and "/s" are "second", "wk" is "week").
fn unit_name(word: &str) -> Option<&'static str> {
    let word = word.trim_end_matches([',', '.', ';', ':', ')', ']']);
    let singular = word
        .strip_suffix('s')
        .filter(|w| w.len() > 1)
        .unwrap_or(word);
    Some(match singular {
        "second" | "sec" | "s" => "second",
        "minute" | "min" => "minute",
        "hour" | "hr" | "h" => "hour",
        "day" | "d" | "night" => "day",
        "weekday" | "workday" | "working-day" | "business-day" => "weekday",
        "week" | "wk" => "week",
        "fortnight" => "fortnight",
        "month" | "mo" => "month",
        "quarter" => "quarter",
        "year" | "yr" => "year",
        _ => return None,
    })
}

/// Days in one period a rate or a cadence is written in ("a week", "/month").
fn unit_days(word: &str) -> Option<f64> {
    Some(match unit_name(word)? {
        "second" => 1.0 / 86_400.0,
        "minute" => 1.0 / 1_440.0,
        "hour" => 1.0 / 24.0,
        // Five working days a week: "500 a weekday" is about 357 a calendar day.
        "weekday" => 1.4,
        "week" => 7.0,
        "fortnight" => 14.0,
        "month" => 365.0 / 12.0,
        "quarter" => 365.0 / 4.0,
        "year" => 365.0,
        _ => 1.0,
    })
}

/// The cadence an adverb names: "weekly" is 7 days.
fn adverb_days(word: &str) -> Option<f64> {
    Some(
        match word.trim_end_matches([',', '.', ';', ':', ')', ']']) {
            "hourly" => 1.0 / 24.0,
            "daily" | "nightly" => 1.0,
            "weekly" => 7.0,
            "fortnightly" | "biweekly" => 14.0,
            "monthly" => 365.0 / 12.0,
            "quarterly" => 365.0 / 4.0,
            "yearly" | "annually" => 365.0,
            _ => return None,
        },
    )
}

/// A text's words in lower case, with "(" and ")" as spaces.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// A word that ends a clause ("peak," "day;"): a figure before it counts something else.
fn ends_clause(word: &str) -> bool {
    word.ends_with([',', ';', '.', ':'])
}

/// The figure a word is, as people write it: "9,000", "~400", "$3.4k", "four", and a range at
/// its low end ("14-20k" is 14,000, "5.7–8.2k" is 5,700). A year ("2026") is a figure too; the
/// words around it decide whether it counts.
fn figure(word: &str) -> Option<f64> {
    let word = word
        .trim_start_matches(['~', '<', '>', '=', '≤', '≥', '+'])
        .trim_end_matches([',', '.', ';', ':', ']']);
    if let Some(n) = number_word(word) {
        return Some(n);
    }
    if !word.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '$' | '€' | '£')) {
        return None;
    }
    let range = word
        .split_once('–')
        .or_else(|| word.split_once('-'))
        .filter(|(low, high)| {
            !low.is_empty() && high.starts_with(|c: char| c.is_ascii_digit() || c == '$')
        });
    let word = match range {
        // The high end's suffix belongs to both ends: "14-20k".
        Some((low, high)) => {
            let suffix: String = high
                .chars()
                .rev()
                .take_while(|c| c.is_alphabetic() || *c == '%')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if low.ends_with(|c: char| c.is_ascii_digit()) {
                format!("{low}{suffix}")
            } else {
                low.to_string()
            }
        }
        None => word.to_string(),
    };
    let mut bare: String = word
        .chars()
        .filter(|c| !matches!(c, '$' | '€' | '£'))
        .collect();
    // Words are read in lower case; "4m" is 4 million, as "4M" is.
    if bare.ends_with('m') && bare[..bare.len() - 1].ends_with(|c: char| c.is_ascii_digit()) {
        bare.pop();
        bare.push('M');
    }
    let percent = bare.ends_with('%');
    let read = crate::answer::read_number(bare.trim_end_matches('%'), None).ok()?;
    Some(if percent {
        read.value / 100.0
    } else {
        read.value
    })
}

/// Whether `word` is one of `words` (a trailing `*` matches a word's start), its closing
/// punctuation aside.
fn named(word: &str, words: &[&str]) -> bool {
    let word = word.trim_end_matches([',', ';', '.', ':', ']']);
    words.iter().any(|x| match x.strip_suffix('*') {
        Some(stem) => word.starts_with(stem),
        None => word == *x,
    })
}

/// The figure that ends just before `at` in `words` (at most `reach` words back, not across a
/// clause's end), with a "million" or "thousand" after it: "9 million" and "about 14,000
/// conversations" each give their figure. None when a word between names one of `unless`
/// ("30,000 calls a day" when calls are not what is counted).
fn figure_before(words: &[String], at: usize, reach: usize, unless: &[&str]) -> Option<f64> {
    let mut scale = 1.0;
    for j in (at.saturating_sub(reach)..at).rev() {
        let word = words[j].as_str();
        if ends_clause(word) {
            return None;
        }
        if named(word, unless) {
            return None;
        }
        match word.trim_end_matches([',', ';', '.', ':']) {
            "thousand" => scale *= 1e3,
            "million" => scale *= 1e6,
            "billion" => scale *= 1e9,
            w => {
                if let Some(n) = figure(w) {
                    // A year before a rate ("in 2025 a day") is a date, not a count.
                    return (!(1900.0..2200.0).contains(&n) || n.fract() != 0.0 || w.contains(','))
                        .then_some(n * scale);
                }
            }
        }
    }
    None
}

/// A rate the text states, as a number a day: "9 million a day" is 9,000,000, "9,000 offers
/// a week" about 1,286, "620k scores/day" 620,000, "about 12,000 datasheets a month" about
/// 395, "40 new chats a second" 3,456,000. A rate a day is preferred to one a week, a month or
/// a year, and those to one an hour or a second (often a peak); the first of its kind; or none.
/// A rate of one of `unless` ("calls", "tokens"), or in one of its periods ("second": a peak
/// rate), is passed over.
pub fn per_day(text: &str, unless: &[&str]) -> Option<f64> {
    let words = words(text);
    // (rank, rate): the lowest rank wins, then the first.
    let mut best: Option<(u8, f64)> = None;
    for (i, word) in words.iter().enumerate() {
        let found = if let Some((head, unit)) = word.rsplit_once('/') {
            // "620k/day", "scores/day", "400 requests/s".
            unit_days(unit)
                .filter(|_| {
                    !named(head, unless) && !unit_name(unit).is_some_and(|u| named(u, unless))
                })
                .and_then(|days| {
                    figure(head)
                        .filter(|_| !head.is_empty())
                        .or_else(|| figure_before(&words, i, 3, unless))
                        .map(|n| (n, days))
                })
        } else if let Some(days) = adverb_days(word) {
            // "620k scores daily", not "scored daily" nor "1.2 million weekly advisories".
            let adjective = i > 0 && {
                let before = words[i - 1].trim_end_matches([',', ';', '.', ':']);
                figure(before).is_some() || matches!(before, "thousand" | "million" | "billion")
            };
            (!adjective)
                .then(|| figure_before(&words, i, 3, unless).map(|n| (n, days)))
                .flatten()
        } else if i > 0 && matches!(words[i - 1].as_str(), "a" | "an" | "per" | "each") {
            // "400 cases a day", "1.2 million card transactions per day".
            unit_days(word)
                .filter(|_| !word.trim_end_matches([',', '.', ';', ':']).ends_with('s'))
                .filter(|_| !unit_name(word).is_some_and(|u| named(u, unless)))
                .and_then(|days| figure_before(&words, i - 1, 4, unless).map(|n| (n, days)))
        } else {
            None
        };
        let Some((n, days)) = found else { continue };
        let rank = match days {
            d if (d - 1.0).abs() < 1e-9 => 0,
            d if d > 1.0 => 1,
            _ => 2,
        };
        if best.is_none_or(|(r, _)| rank < r) {
            best = Some((rank, n / days));
        }
    }
    best.map(|(_, rate)| rate)
}

/// How often the text says a thing happens, in days: "every 90 days" is 90, "each tax year"
/// 365, "every quarter" about 91, "weekly" 7, "several times a week" about 2.3, "most weeks" 7,
/// "every 15 minutes" about 0.01; the first cadence written, or none.
pub fn every_days(text: &str) -> Option<f64> {
    let words = words(text);
    for (i, word) in words.iter().enumerate() {
        if let Some(days) = adverb_days(word) {
            return Some(days);
        }
        let lead = word.as_str();
        if matches!(lead, "every" | "each" | "most" | "once" | "twice") || lead == "times" {
            // "every 3 months", "each tax year", "every two weeks", "twice a week",
            // "several times a week", "3 times per month".
            let per = match lead {
                "once" => Some(1.0),
                "twice" => Some(2.0),
                "times" => i
                    .checked_sub(1)
                    .and_then(|j| match words[j].as_str() {
                        "several" | "few" => Some(3.0),
                        "many" => Some(5.0),
                        w => figure(w),
                    })
                    .or(Some(3.0)),
                _ => None,
            };
            let rest = &words[i + 1..words.len().min(i + 4)];
            let mut count = 1.0;
            let mut skipped = 0;
            for w in rest {
                if matches!(w.as_str(), "a" | "an" | "per") && per.is_some() {
                    continue;
                }
                if let Some(days) = unit_days(w) {
                    return Some(match per {
                        Some(times) if times > 0.0 => days / times,
                        _ => days * count,
                    });
                }
                if lead == "most" {
                    break;
                }
                if let Some(n) = figure(w).filter(|_| per.is_none()) {
                    count = n;
                    continue;
                }
                // One word between: "each tax year", "every financial quarter".
                if w.chars().all(|c| c.is_alphabetic() || c == '-') && skipped == 0 {
                    skipped += 1;
                    continue;
                }
                break;
            }
        }
    }
    None
}

/// The first share of something a text writes as a percentage ("41% of questions", "12
/// percent of calls", "30-40% go to a person"), as a fraction, or none. A percentage that is a
/// bar to meet ("a precision of 98%", "at 90% recall", "above 5%") is not a share.
pub fn share(text: &str) -> Option<f64> {
    let words = words(text);
    words.iter().enumerate().find_map(|(i, w)| {
        let bare = w.trim_end_matches([',', ';', '.', ':', ']']);
        let (n, next) = if bare.ends_with('%') {
            (figure(bare)?, i + 1)
        } else if matches!(
            words.get(i + 1).map(String::as_str),
            Some("percent" | "percent,")
        ) {
            (figure(bare)? / 100.0, i + 2)
        } else {
            return None;
        };
        let bar = i.checked_sub(1).is_some_and(|j| {
            matches!(
                words[j].as_str(),
                "of" | "at"
                    | "than"
                    | "to"
                    | "above"
                    | "below"
                    | "over"
                    | "under"
                    | "least"
                    | "most"
                    | "≥"
                    | ">="
                    | "≤"
                    | "<="
                    | ">"
                    | "<"
                    | "target"
                    | "reach"
            )
        });
        let ends = ends_clause(w) || next >= words.len();
        (!bar
            && !ends
            && !named(
                &words[next],
                &["precision", "recall", "accuracy", "confidence"],
            ))
        .then_some(n)
    })
}

/// The numbers written just before each time one of `words` appears, added up, a word (a
/// compound such as "attribute-group") allowed between: "six attribute-group calls plus one
/// consistency-check call" is 7, "2 calls per draft" 2; or none.
pub fn sum_before(text: &str, words_: &[&str]) -> Option<f64> {
    let words = words(text);
    let counts: Vec<f64> = (0..words.len())
        .filter(|&i| named(&words[i], words_))
        .filter_map(|i| {
            // A figure that ends a clause ("2, then calls") counts something else.
            let count = |j: usize| {
                Some(&words[j])
                    .filter(|w| !ends_clause(w))
                    .and_then(|w| figure(w))
            };
            let direct = i.checked_sub(1).and_then(count);
            direct.or_else(|| {
                let between = i.checked_sub(1).map(|j| words[j].as_str())?;
                (!ends_clause(between) && figure(between).is_none())
                    .then(|| i.checked_sub(2).and_then(count))
                    .flatten()
            })
        })
        .filter(|n| *n >= 1.0 && n.fract() == 0.0)
        .collect();
    (!counts.is_empty()).then(|| counts.iter().sum())
}

/// The latest year a text names, a four-digit number from 1900 to 2199 standing as a word
/// ("2021-2026" gives 2026, "Jan 2024 - Dec 2026" 2026, "FY2025" nothing), or none.
pub fn last_year(text: &str) -> Option<f64> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|w| w.parse::<u16>().ok())
        .filter(|y| (1900..2200).contains(y))
        .max()
        .map(f64::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_year_reads_the_end_of_a_span() {
        assert_eq!(
            last_year("Surgeon x procedure mean (2021-2026, all cases)"),
            Some(2026.0)
        );
        assert_eq!(last_year("computed over Jan 2024 - Dec 2026"), Some(2026.0));
        assert_eq!(last_year("2,300 cases a year; 12345 rows"), None);
        assert_eq!(last_year("FY2025 budget"), None);
    }

    fn per_day_(text: &str) -> Option<f64> {
        per_day(text, &[])
    }

    fn near(got: Option<f64>, want: f64) -> bool {
        got.is_some_and(|g| (g - want).abs() <= want.abs() * 1e-3)
    }

    #[test]
    fn per_day_reads_a_rate_in_any_period_and_prefers_the_daily_one() {
        assert!(near(
            per_day_("400 requests/s at peak, 9 million a day"),
            9e6
        ));
        assert!(near(
            per_day_("About 14,000 conversations a day on average, 20,000 at the peak"),
            14_000.0
        ));
        assert!(near(
            per_day_("3 analysts review about 400 cases a day"),
            400.0
        ));
        assert!(near(per_day_("620k scores/day"), 620_000.0));
        assert!(near(per_day_("9,000 offers a week"), 9_000.0 / 7.0));
        assert!(near(
            per_day_("About 12,000 datasheets a month"),
            12_000.0 * 12.0 / 365.0
        ));
        assert!(near(per_day_("14-20k chats a day"), 14_000.0));
        assert!(near(
            per_day_("1.2 million card transactions per day"),
            1.2e6
        ));
        assert!(near(
            per_day_("up to 40 new chats a second"),
            40.0 * 86_400.0
        ));
        assert!(near(per_day_("about 4M scores daily"), 4e6));
        assert!(near(
            per_day_("1.2 million weekly advisories a month"),
            1.2e6 * 12.0 / 365.0
        ));
        assert!(near(
            per_day_("11,000 requests a month, 500 on a weekday"),
            11_000.0 * 12.0 / 365.0
        ));
        assert!(near(per_day_("500 on a weekday"), 500.0 / 1.4));
        // No count, or a count of something else before the period.
        assert_eq!(per_day_("scored daily, retrained every 7 days"), None);
        assert_eq!(per_day_("In 2025 a day of data was lost"), None);
        assert_eq!(per_day_("the 12 pumps, a day apart"), None);
        let calls = ["call*"];
        assert_eq!(per_day("30,000 LLM calls a day", &calls), None);
        assert_eq!(per_day("30,000 calls/day", &calls), None);
        assert!(near(
            per_day("30,000 LLM calls a day; 9,000 tickets a day", &calls),
            9_000.0
        ));
    }

    #[test]
    fn every_days_reads_a_cadence() {
        assert!(near(every_days("the index is rebuilt every 90 days"), 90.0));
        assert!(near(
            every_days("rebuilt at the start of each tax year"),
            365.0
        ));
        assert!(near(every_days("reviewed every quarter"), 365.0 / 4.0));
        assert!(near(every_days("updated several times a week"), 7.0 / 3.0));
        assert!(near(every_days("tariffs change most weeks"), 7.0));
        assert!(near(every_days("every two weeks"), 14.0));
        assert!(near(every_days("twice a day"), 0.5));
        assert!(near(every_days("retrained weekly"), 7.0));
        assert!(near(every_days("scored every 15 minutes"), 15.0 / 1_440.0));
        assert_eq!(every_days("the most recent 3 months"), None);
        assert_eq!(every_days("once the case closes"), None);
        assert_eq!(every_days("each of the 5 regions"), None);
    }

    #[test]
    fn share_reads_the_first_percentage() {
        assert!(near(
            share("In the pilot, 41% of questions were routed to an agent"),
            0.41
        ));
        assert!(near(share("about 12 percent of calls"), 0.12));
        assert!(near(share("30-40% go to a person"), 0.30));
        assert_eq!(share("routed to an agent when unsure"), None);
        assert_eq!(share("In 2025, 300 cases"), None);
        assert_eq!(
            share("when confident enough to meet a precision of 98%, and send the rest"),
            None
        );
        assert_eq!(share("routed at 90% confidence to an agent"), None);
        assert_eq!(share("we aim for 95% precision"), None);
    }

    #[test]
    fn sum_before_adds_every_count_of_a_word() {
        let calls = ["call", "calls"];
        assert_eq!(
            sum_before(
                "sent as six attribute-group calls plus one consistency-check call",
                &calls
            ),
            Some(7.0)
        );
        assert_eq!(
            sum_before("2 calls per draft (retrieval, then draft)", &calls),
            Some(2.0)
        );
        assert_eq!(sum_before("one call per document", &calls), Some(1.0));
        assert_eq!(
            sum_before("the calls are cached; 2, then calls", &calls),
            None
        );
        assert_eq!(sum_before("no calls at all", &calls), None);
    }
}
