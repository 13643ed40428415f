//! Where things are in a session file's text: the line of each answer, of the `[answers]`
//! table, from toml's spans, for reports that point into the file (SARIF,
//! GitHub annotations, JUnit).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::Spanned;

use crate::source::line_column;

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
        let line = |start: usize| line_column(source, start).0;
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

/// The line of a `[name]` table header, as written (a comment may follow it).
fn header_line(source: &str, name: &str) -> Option<usize> {
    source
        .lines()
        .position(|l| {
            l.trim()
                .strip_prefix('[')
                .and_then(|r| r.trim_start().strip_prefix(name))
                .is_some_and(|r| r.trim_start().starts_with(']'))
        })
        .map(|i| i + 1)
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
    fn dotted_answers_are_found_too() {
        let lines = Lines::of("questionnaire = \"q\"\nanswers.task = \"x\"\nanswers.rate = 1\n");
        assert_eq!(lines.answer("rate"), 3);
    }
}
