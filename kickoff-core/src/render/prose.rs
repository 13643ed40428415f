//! The template function `prose(ids, say)`: a section's answers written as a design doc
//! writes them. Short answers become sentences of one paragraph (the team's phrasing from
//! `say`, choice labels in lower case mid-sentence, lists joined as "a, b and c"), a free list
//! stays a list, a records answer a table, and a long answer is quoted as the team wrote it.
//! Each answer keeps its anchor (`#q-ID`); a paragraph ends after an answer with findings, so
//! the template can place their callouts under it.

use std::fmt::Write;

use minijinja::State;
use minijinja::value::Value;

use super::values::DocQuestion;
use crate::markdown;

/// One block of prose: its markdown, and the question whose callouts follow it (if any).
fn block(md: String, q: Option<Value>) -> Value {
    minijinja::context! { md => md, q => q.unwrap_or_default() }
}

/// "a", "a and b", "a, b and c".
pub fn join_words<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let head: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", head.join(", "), last.as_ref())
        }
    }
}

/// Choice labels as one phrase: "a, b and c", unless a label holds its own comma, "and" or
/// "or" ("Quarter-end or financial year-end", "Latency, errors, throughput"), where commas
/// would blur where one choice ends; then "a; b; and c".
pub fn join_choices<S: AsRef<str>>(items: &[S]) -> String {
    let compound = |s: &str| s.contains(',') || s.contains(" and ") || s.contains(" or ");
    match items {
        [] | [_] => join_words(items),
        _ if !items.iter().any(|i| compound(i.as_ref())) => join_words(items),
        [one, two] => format!("{}; and {}", one.as_ref(), two.as_ref()),
        [rest @ .., last] => {
            let head: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{}; and {}", head.join("; "), last.as_ref())
        }
    }
}

/// A label as it reads mid-sentence: its aside dropped, its first letter in lower case unless
/// the first word is an acronym or a name ("PR-AUC", "LightGBM", "XGBoost").
pub fn mid_sentence(label: &str) -> String {
    let bare = crate::text::without_aside(label);
    let first_word = bare.split_whitespace().next().unwrap_or("");
    let keep = first_word.chars().skip(1).any(|c| c.is_uppercase())
        || (first_word.chars().count() > 1 && first_word.chars().all(|c| !c.is_lowercase()));
    if keep {
        return bare;
    }
    let mut chars = bare.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => bare,
    }
}

/// Words a team's answer may start a sentence with that read in lower case mid-sentence;
/// an answer starting with any other word (a name, a product) keeps its capital.
const COMMON_STARTS: &[&str] = &[
    "a",
    "about",
    "after",
    "all",
    "an",
    "any",
    "approximately",
    "around",
    "at",
    "before",
    "between",
    "by",
    "daily",
    "each",
    "every",
    "for",
    "from",
    "hourly",
    "in",
    "less",
    "monthly",
    "more",
    "most",
    "no",
    "none",
    "on",
    "once",
    "one",
    "only",
    "our",
    "over",
    "quarterly",
    "roughly",
    "some",
    "the",
    "three",
    "to",
    "two",
    "under",
    "up",
    "we",
    "weekly",
    "when",
    "with",
    "within",
    "yearly",
];

/// A team's short answer as it reads mid-sentence: the first letter in lower case when the
/// first word is a common one ("From 6.1% to 5.5%" reads "from 6.1% to 5.5%") or the answer
/// is in sentence case, as written otherwise ("Marta Silva", "LightGBM").
pub fn answer_mid_sentence(text: &str) -> String {
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or("");
    // Sentence case ("Fresh waste as % of sales") reads in lower case too; a name ("Marta
    // Silva") has a second capital.
    let sentence_case = words
        .next()
        .is_some_and(|w| w.starts_with(|c: char| c.is_lowercase()));
    if (COMMON_STARTS.contains(&first.to_lowercase().as_str()) || sentence_case)
        && first.chars().skip(1).all(|c| !c.is_uppercase())
    {
        let mut chars = text.chars();
        if let Some(c) = chars.next() {
            return c.to_lowercase().chain(chars).collect();
        }
    }
    text.to_string()
}

/// `s` with its first letter in upper case: a sentence's start.
pub fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The sentence for a short answer: `pattern` with `{}` replaced by `value` (already escaped
/// for markdown), capitalised and ended; without a pattern, "Label: value.".
fn sentence(pattern: Option<&str>, label: &str, value: &str) -> String {
    let s = match pattern {
        Some(p) if p.contains("{}") => p.replacen("{}", value, 1),
        Some(p) => p.to_string(),
        None => format!(
            "{}: {value}",
            markdown::inline(&crate::text::without_aside(label))
        ),
    };
    crate::text::end_sentence(&capitalised(&s))
}

/// The phrase `say` holds for a question: a string, or for a choice or yes/no answer a map
/// from its value (`"yes"`/`"no"` for yes/no) to a string.
fn phrase(say: &Value, id: &str, key: Option<&str>) -> Option<String> {
    let p = say
        .get_attr(id)
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_none())?;
    if let Some(s) = p.as_str() {
        return Some(s.to_string());
    }
    let key = key?;
    p.get_attr(key)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
}

/// The template function `prose(ids, say)`: the shown questions of `ids` as blocks of prose,
/// `[{md, q}]`, where `q` is the question whose findings' callouts go right after `md`.
/// Long by design: one branch an answer shape, each a call, so the order of the shapes (and
/// when a paragraph is flushed) reads in one place.
pub(super) fn prose(state: &State, ids: Vec<Value>, say: Option<Value>) -> Value {
    let say = say.unwrap_or_default();
    let Some(questions) = state.lookup("questions") else {
        return Value::from(Vec::<Value>::new());
    };
    let answers = state.lookup("answers").unwrap_or_default();
    let mut out = Vec::new();
    let mut para: Vec<String> = Vec::new();
    let flush = |para: &mut Vec<String>, out: &mut Vec<Value>, q: Option<Value>| {
        if !para.is_empty() || q.is_some() {
            let md = if para.is_empty() {
                String::new()
            } else {
                format!("{}\n\n", para.join(" "))
            };
            out.push(block(md, q));
            para.clear();
        }
    };
    for id in &ids {
        let Some(id) = id.as_str() else { continue };
        let Ok(value) = questions.get_attr(id) else {
            continue;
        };
        let Some(q) = value.downcast_object_ref::<DocQuestion>() else {
            continue;
        };
        if !q.shown {
            continue;
        }
        let anchor = format!("<a id=\"q-{}\"></a>", q.id);
        let has_findings =
            q.findings.len().is_some_and(|n| n > 0) || q.llm_findings.len().is_some_and(|n| n > 0);
        let raw = answers.get_attr(id).unwrap_or_default();
        if !q.answered {
            let required = if q.required {
                " (a required question)"
            } else {
                ""
            };
            para.push(format!(
                "{anchor}*{}: not stated yet{required}.*",
                markdown::inline(&crate::text::without_aside(&q.label))
            ));
        } else if !q.rows.is_empty() {
            flush(&mut para, &mut out, None);
            let lead = q.lead(phrase(&say, id, None));
            let md = format!("{anchor}{lead}\n\n{}", q.table());
            out.push(block(md, None));
        } else if q.kind == "multi_choice" && !q.items.is_empty() {
            let words: Vec<String> = q
                .items
                .iter()
                .map(|i| markdown::inline(&mid_sentence(i)))
                .collect();
            let p = phrase(&say, id, None);
            para.push(format!(
                "{anchor}{}",
                sentence(p.as_deref(), &q.label, &join_choices(&words))
            ));
        } else if !q.items.is_empty() {
            flush(&mut para, &mut out, None);
            let lead = q.lead(phrase(&say, id, None));
            out.push(block(format!("{anchor}{}", bullets(q, &lead)), None));
        } else if q.long {
            flush(&mut para, &mut out, None);
            let lead = phrase(&say, id, None).unwrap_or_else(|| {
                format!(
                    "{}, in the team's words:",
                    markdown::inline(&crate::text::without_aside(&q.label))
                )
            });
            out.push(block(format!("{anchor}{}", quoted(q, &lead)), None));
        } else {
            short_answer(&mut para, q, phrase(&say, id, key_of(q, &raw)), &anchor);
        }
        if has_findings {
            flush(&mut para, &mut out, Some(value.clone()));
        }
    }
    flush(&mut para, &mut out, None);
    Value::from(out)
}

/// The key of a choice or yes/no answer that picks its phrase in the template's `say`.
fn key_of<'a>(q: &DocQuestion, raw: &'a Value) -> Option<&'a str> {
    match q.kind {
        "yes_no" => Some(if raw.is_true() { "yes" } else { "no" }),
        "choice" => raw.as_str(),
        _ => None,
    }
}

/// A list answer under its lead, as bullets.
fn bullets(q: &DocQuestion, lead: &str) -> String {
    let mut md = format!("{lead}\n\n");
    for item in &q.items {
        // `*`, not `-`: an item "---" after "- " would read as a rule.
        let _ = writeln!(md, "* {}", markdown::inline(item));
    }
    md.push('\n');
    md
}

/// A long answer under its lead, quoted in the team's words.
fn quoted(q: &DocQuestion, lead: &str) -> String {
    let mut md = format!("{lead}\n\n");
    for line in markdown::block(&q.text).lines() {
        if line.is_empty() {
            md.push_str(">\n");
        } else {
            let _ = writeln!(md, "> {line}");
        }
    }
    md.push('\n');
    md
}

/// A short answer as a sentence of the paragraph: its own, or, for a phrase that starts in
/// lower case or with a comma, the end of the sentence before.
fn short_answer(para: &mut Vec<String>, q: &DocQuestion, p: Option<String>, anchor: &str) {
    let text = match q.kind {
        "choice" => mid_sentence(&q.text),
        "text" => answer_mid_sentence(&q.text),
        _ => q.text.clone(),
    };
    // On its own, a phrase that goes on the sentence before starts a sentence.
    let own = p.as_deref().map(|p| p.trim_start_matches([',', ';', ' ']));
    let said = sentence(own, &q.label, &markdown::inline(&text));
    // A phrase that starts in lower case or with a comma goes on the sentence before:
    // "It is a classification problem on tabular data."
    let goes_on = p
        .as_deref()
        .and_then(|p| p.chars().next())
        .is_some_and(|c| c.is_lowercase() || matches!(c, ',' | ';'));
    match para.last_mut() {
        Some(last) if goes_on && last.ends_with('.') && !last.ends_with("*") => {
            last.pop();
            let rest = crate::text::end_sentence(&p.as_deref().unwrap_or("").replacen(
                "{}",
                &markdown::inline(&text),
                1,
            ));
            let space = if rest.starts_with([',', ';']) {
                ""
            } else {
                " "
            };
            let _ = write!(last, "{space}{anchor}{rest}");
        }
        _ => para.push(format!("{anchor}{said}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_join_as_english() {
        assert_eq!(join_words::<&str>(&[]), "");
        assert_eq!(join_words(&["a"]), "a");
        assert_eq!(join_words(&["a", "b"]), "a and b");
        assert_eq!(join_words(&["a", "b", "c"]), "a, b and c");
        assert_eq!(join_choices(&["daily", "weekly"]), "daily and weekly");
        assert_eq!(
            join_choices(&[
                "quarter-end or financial year-end",
                "yearly, or holidays",
                "daily"
            ]),
            "quarter-end or financial year-end; yearly, or holidays; and daily"
        );
        assert_eq!(
            join_choices(&["latency, errors, throughput", "prediction drift"]),
            "latency, errors, throughput; and prediction drift"
        );
    }

    #[test]
    fn labels_read_in_lower_case_mid_sentence_but_names_keep_theirs() {
        assert_eq!(
            mid_sentence("Classification (a label per item)"),
            "classification"
        );
        assert_eq!(
            mid_sentence("PR-AUC / average precision"),
            "PR-AUC / average precision"
        );
        assert_eq!(mid_sentence("LightGBM"), "LightGBM");
        assert_eq!(
            mid_sentence("Gradient-boosted trees"),
            "gradient-boosted trees"
        );
    }
}
