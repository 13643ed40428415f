//! Where things are in a session file's text: the line of each answer, of the `[answers]`
//! table, from toml's spans, for reports that point into the file (SARIF,
//! GitHub annotations, JUnit).

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::Spanned;

use crate::source::LineStarts;

/// The lines of a session file's answers (1-based).
#[derive(Debug, Default, Clone)]
pub struct Lines {
    answers_table: Option<usize>,
    answers: BTreeMap<String, usize>,
}

#[derive(Deserialize)]
struct Spans {
    #[serde(default)]
    answers: Option<Spanned<BTreeMap<Spanned<String>, IgnoredAny>>>,
}

impl Lines {
    /// Reads the lines from the text of a session file; a file that does not parse has none.
    pub fn of(source: &str) -> Lines {
        let Ok(spans) = toml::from_str::<Spans>(source) else {
            return Lines::default();
        };
        let starts = LineStarts::of(source);
        let line = |start: usize| starts.line(start);
        let key_lines = |m: BTreeMap<Spanned<String>, IgnoredAny>| -> BTreeMap<String, usize> {
            m.into_keys()
                .map(|k| (line(k.span().start), k.into_inner()))
                .map(|(l, k)| (k, l))
                .collect()
        };
        let (answers_table, answers) = match spans.answers {
            Some(t) => (Some(line(t.span().start)), key_lines(t.into_inner())),
            None => (None, BTreeMap::new()),
        };
        Lines {
            answers_table: header_line(source, "answers").or(answers_table),
            answers,
        }
    }

    /// The line of the answer to `question`; for one not answered, the `[answers]` table's
    /// line; for a file without answers, the first line.
    pub fn answer(&self, question: &str) -> usize {
        self.answers
            .get(question)
            .copied()
            .unwrap_or_else(|| self.answers_table())
    }

    /// The line of the answer to `question`, if the file has one.
    pub fn answer_line(&self, question: &str) -> Option<usize> {
        self.answers.get(question).copied()
    }

    /// The `[answers]` table's line (the first line if the file has none).
    pub fn answers_table(&self) -> usize {
        self.answers_table.unwrap_or(1)
    }
}

/// The subject of a problem with a response to rule `rule` (`[responses.RULE]`).
pub fn response_subject(rule: &str) -> String {
    format!("response to `{rule}`")
}

/// The subject of a problem with a key of the session file itself (not an answer).
pub fn key_subject(key: &str) -> String {
    format!("key `{key}`")
}

/// Gives each of `problems` without a line the line of what it is about in `text`, the session
/// file: an answer's line, a response's `[responses.RULE]` table or a key's line (what has
/// none, like the session's version, keeps none); and puts them in the file's order, those
/// without a line last. Called only when there is something to report, so a file that fits
/// pays nothing for it.
pub fn place(text: &str, problems: &mut [crate::source::Problem]) {
    if problems.iter().all(|p| p.line.is_some()) {
        return;
    }
    let lines = Lines::of(text);
    // Every table header's and top-level key's line, read once: a file with thousands of
    // responses, each with a problem, is not read again for each.
    let headers = header_lines(text);
    let keys = key_lines(text);
    let quoted = |subject: &str, before: &str| {
        subject
            .strip_prefix(before)
            .and_then(|r| r.strip_prefix('`'))
            .and_then(|r| r.strip_suffix('`'))
            .map(str::to_string)
    };
    for p in problems.iter_mut().filter(|p| p.line.is_none()) {
        p.line = match &p.question {
            Some(q) => lines.answer_line(q),
            None => quoted(&p.subject, "response to ")
                .and_then(|rule| {
                    headers
                        .get(format!("responses.{rule}").as_str())
                        .or_else(|| headers.get(format!("responses.\"{rule}\"").as_str()))
                        .or_else(|| headers.get("responses"))
                        .copied()
                })
                .or_else(|| quoted(&p.subject, "key ").and_then(|k| keys.get(k.as_str()).copied())),
        };
    }
    problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
}

/// The line of each top-level `key = ...` (before the first table), as written (a quoted key
/// by its name), the first if one is written twice.
fn key_lines(source: &str) -> HashMap<&str, usize> {
    let mut out = HashMap::new();
    let top = source
        .lines()
        .take_while(|l| !l.trim_start().starts_with('['));
    for (i, l) in top.enumerate() {
        if let Some((key, _)) = l.split_once('=') {
            let key = key.trim();
            let key = key
                .strip_prefix('"')
                .and_then(|k| k.strip_suffix('"'))
                .unwrap_or(key);
            out.entry(key).or_insert(i + 1);
        }
    }
    out
}

/// The line of a `[name]` table header, as written (a comment may follow it).
fn header_line(source: &str, name: &str) -> Option<usize> {
    header_lines(source).get(name).copied()
}

/// The line of each `[name]` table header, as written (a comment may follow it), the first if
/// one is written twice.
fn header_lines(source: &str) -> HashMap<&str, usize> {
    let mut out = HashMap::new();
    for (i, l) in source.lines().enumerate() {
        if let Some(name) = l
            .trim()
            .strip_prefix('[')
            .and_then(|r| r.split_once(']'))
            .map(|(name, _)| name.trim())
        {
            out.entry(name).or_insert(i + 1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SESSION: &str = "questionnaire = \"q\"\nquestionnaire_version = \"1\"\n\n# answers below\n[answers] # the team's\ntask = \"classification\"\nwhy = \"\"\"\nbecause\"\"\"\nrate = 0.1\n\n[responses.no-baseline]\nstatus = \"fixed\"\n";

    #[test]
    fn each_answer_has_its_line_and_an_unanswered_one_the_tables() {
        let lines = Lines::of(SESSION);
        assert_eq!(lines.answers_table(), 5);
        assert_eq!(lines.answer("task"), 6);
        assert_eq!(lines.answer("why"), 7);
        assert_eq!(lines.answer("rate"), 9);
        assert_eq!(lines.answer("missing"), 5);
    }

    #[test]
    fn a_file_without_answers_points_at_its_first_line() {
        let lines = Lines::of("questionnaire = \"q\"\n");
        assert_eq!(lines.answer("task"), 1);
        let lines = Lines::of("not toml [");
        assert_eq!(lines.answer("task"), 1);
    }

    #[test]
    fn problems_find_their_answer_response_or_key() {
        use crate::source::Problem;
        let text = format!("odd = 1\n{SESSION}");
        let problem = |subject: String, question: Option<&str>| Problem {
            line: None,
            subject,
            question: question.map(str::to_string),
            message: "m".into(),
        };
        let mut problems = vec![
            problem(response_subject("no-baseline"), None),
            problem("answer `rate`".into(), Some("rate")),
            problem(key_subject("odd"), None),
            problem("session".into(), None),
        ];
        place(&text, &mut problems);
        let lines: Vec<_> = problems
            .iter()
            .map(|p| (p.subject.as_str(), p.line))
            .collect();
        assert_eq!(
            lines,
            [
                ("key `odd`", Some(1)),
                ("answer `rate`", Some(10)),
                ("response to `no-baseline`", Some(12)),
                ("session", None),
            ]
        );
    }

    #[test]
    fn dotted_answers_are_found_too() {
        let lines = Lines::of("questionnaire = \"q\"\nanswers.task = \"x\"\nanswers.rate = 1\n");
        assert_eq!(lines.answer("rate"), 3);
    }
}
