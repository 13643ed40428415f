//! Checks of a question's definition (at load) and of an answer against its question.

use regex::Regex;

use super::{Column, ColumnKind, Kind, Question};
use crate::answer::{Answer, Cell, ReadNumber, Row, format_number, read_number};

/// Problems in a question's definition, each as a message with the index of the column it is
/// about, if it is about one (for its line in the file).
pub(super) fn definition(q: &Question) -> Vec<(Option<usize>, String)> {
    let mut out = question_definition(q)
        .into_iter()
        .map(|m| (None, m))
        .collect::<Vec<_>>();
    out.extend(columns_definition(q));
    out
}

// Longer than a screen: one check after another on a question's definition, each a few lines.
fn question_definition(q: &Question) -> Vec<String> {
    let mut out = Vec::new();
    if !is_identifier(&q.id) {
        out.push(
            "id must be lowercase letters, digits and `_`, starting with a letter (it is used in conditions)"
                .into(),
        );
    }
    if q.prompt.trim().is_empty() {
        out.push("`prompt` is empty".into());
    }
    let is_choice = matches!(q.kind, Kind::Choice | Kind::MultiChoice);
    if is_choice && q.choices.is_empty() {
        out.push(format!("a {} question needs `choices`", q.kind.name()));
    }
    if !is_choice && !q.choices.is_empty() {
        out.push(format!(
            "`choices` are only for choice questions, not {}",
            q.kind.name()
        ));
    }
    if q.kind != Kind::MultiChoice
        && let Some(c) = q.choices.iter().find(|c| c.exclusive)
    {
        out.push(format!(
            "choice `{}`: `exclusive` is only for multi_choice questions, not {}",
            c.value,
            q.kind.name()
        ));
    }
    if q.kind != Kind::Choice
        && let Some(c) = q.choices.iter().find(|c| c.open)
    {
        out.push(format!(
            "choice `{}`: `open` is only for choice questions, not {}",
            c.value,
            q.kind.name()
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for c in &q.choices {
        if !seen.insert(c.value.as_str()) {
            out.push(format!("choice `{}` is listed twice", c.value));
        }
    }
    let is_number = q.kind == Kind::Number;
    if !is_number && (q.min.is_some() || q.max.is_some() || q.unit.is_some() || q.integer) {
        out.push(format!(
            "`min`, `max`, `unit` and `integer` are only for numbers, not {}",
            q.kind.name()
        ));
    }
    if let (Some(a), Some(b)) = (q.min, q.max)
        && a > b
    {
        out.push(format!("`min` {a} is greater than `max` {b}"));
    }
    for (name, bound) in [("min", q.min), ("max", q.max)] {
        if bound.is_some_and(|b| !b.is_finite()) {
            out.push(format!("`{name}` must be a finite number"));
        }
    }
    let is_list = matches!(q.kind, Kind::List | Kind::MultiChoice | Kind::Records);
    if !is_list && (q.min_items.is_some() || q.max_items.is_some()) {
        out.push(format!(
            "`min_items` and `max_items` are only for list, multi_choice and records, not {}",
            q.kind.name()
        ));
    }
    for (what, min, max) in [
        ("length", q.min_length, q.max_length),
        ("items", q.min_items, q.max_items),
    ] {
        if let (Some(a), Some(b)) = (min, max)
            && a > b
        {
            out.push(format!("`min_{what}` {a} is greater than `max_{what}` {b}"));
        }
    }
    if let Some(p) = &q.pattern
        && let Err(e) = Regex::new(p)
    {
        out.push(format!("`pattern` is not a valid regular expression: {e}"));
    }
    if let Some(d) = q.default_answer() {
        for m in check_answer(q, &d) {
            out.push(format!("`default` does not fit: {m}"));
        }
    }
    out
}

/// What a questionnaire id may be, for messages.
pub const ID_RULE: &str =
    "an id is letters, digits, `-`, `_` and `.`, not starting with `.` and without `..`";

/// Whether a questionnaire id is a simple name: it names the questionnaire in session files, in
/// the doc and on the command line, so it must not read as a path or as markup.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && !id.contains("..")
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

pub(super) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Problems with an answer to a question (empty list: the answer fits).
pub fn check_answer(q: &Question, a: &Answer) -> Vec<String> {
    let mut out = Vec::new();
    let wrong_type = |expected: &str| format!("expected {expected}, found {} ({a})", a.type_name());
    match (q.kind, a) {
        (Kind::Text | Kind::LongText, Answer::Text(s)) => check_text(q, s, &mut out),
        (Kind::Choice, Answer::Text(s)) => {
            if q.choice(s).is_none() {
                out.push(format!(
                    "`{s}` is not one of the choices ({})",
                    choice_list(q)
                ));
            }
        }
        (Kind::MultiChoice, Answer::List(items)) => {
            for s in items {
                if q.choice(s).is_none() {
                    out.push(format!(
                        "`{s}` is not one of the choices ({})",
                        choice_list(q)
                    ));
                }
            }
            if let Some(c) = q.exclusive_conflict(items) {
                out.push(format!(
                    "`{}` ({}) goes alone, but other choices are ticked with it; keep it alone or untick it",
                    c.value,
                    c.label()
                ));
            }
            check_items(q, items.len(), "items", &mut out);
        }
        (Kind::List, Answer::List(items)) => {
            check_items(q, items.len(), "items", &mut out);
            for s in items {
                check_text(q, s, &mut out);
            }
        }
        (Kind::Number, Answer::Number(n)) => check_number(q, *n, &mut out),
        (Kind::YesNo, Answer::Bool(_)) => {}
        (Kind::Records, Answer::Records(rows)) => check_rows(q, rows, &mut out),
        (Kind::Text | Kind::LongText | Kind::Choice, _) => out.push(wrong_type("text")),
        (Kind::MultiChoice | Kind::List, _) => out.push(wrong_type("a list of text")),
        (Kind::Number, _) => out.push(wrong_type("a number")),
        (Kind::YesNo, _) => out.push(wrong_type("true or false")),
        (Kind::Records, _) => out.push(wrong_type("a table of rows")),
    }
    out
}

fn choice_list(q: &Question) -> String {
    q.choices
        .iter()
        .map(|c| c.value.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_text(q: &Question, s: &str, out: &mut Vec<String>) {
    let len = s.chars().count();
    if let Some(min) = q.min_length
        && len < min
        && len > 0
    {
        out.push(format!("at least {min} characters, please (now {len})"));
    }
    if let Some(max) = q.max_length
        && len > max
    {
        out.push(format!("at most {max} characters (now {len})"));
    }
    if let Some(p) = &q.pattern
        && !s.is_empty()
        && Regex::new(&format!("^(?:{p})$")).is_ok_and(|re| !re.is_match(s))
    {
        out.push(format!("does not match the pattern `{p}`"));
    }
}

fn check_items(q: &Question, n: usize, noun: &str, out: &mut Vec<String>) {
    if let Some(min) = q.min_items
        && n < min
        && n > 0
    {
        out.push(format!("at least {min} {noun}, please (now {n})"));
    }
    if let Some(max) = q.max_items
        && n > max
    {
        out.push(format!("at most {max} {noun} (now {n})"));
    }
}

fn check_number(q: &Question, n: f64, out: &mut Vec<String>) {
    check_range(n, (q.min, q.max), q.unit.as_deref(), q.integer, out);
}

/// What a number question takes: its bounds, unit and whole-number rule, kept by the field
/// that reads what is typed into it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NumberSpec {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub unit: Option<String>,
    pub integer: bool,
}

impl NumberSpec {
    pub fn of(q: &Question) -> NumberSpec {
        NumberSpec {
            min: q.min,
            max: q.max,
            unit: q.unit.clone(),
            integer: q.integer,
        }
    }

    /// Reads a typed answer: `None` for an empty text (no answer), the number when it reads
    /// and fits, else why it is not an answer yet.
    pub fn read(&self, text: &str) -> Result<Option<ReadNumber>, NumberAnswerError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        let n = read_number(text, self.unit.as_deref())?;
        let mut out = Vec::new();
        check_range(
            n.value,
            (self.min, self.max),
            self.unit.as_deref(),
            self.integer,
            &mut out,
        );
        if out.is_empty() {
            Ok(Some(n))
        } else {
            Err(NumberAnswerError::OutOfBounds(out))
        }
    }
}

/// Why a typed number is not an answer yet.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NumberAnswerError {
    #[error(transparent)]
    Unread(#[from] crate::answer::NumberError),
    /// Read, but out of the question's range or not whole: each reason in words.
    #[error("{}", .0.join("; "))]
    OutOfBounds(Vec<String>),
}

/// A number against its bounds (inclusive), unit and whole-number rule.
fn check_range(
    n: f64,
    bounds: (Option<f64>, Option<f64>),
    unit: Option<&str>,
    integer: bool,
    out: &mut Vec<String>,
) {
    let unit = unit.map(|u| format!(" {u}")).unwrap_or_default();
    if !n.is_finite() {
        out.push("must be a finite number".into());
        return;
    }
    if integer && n.fract() != 0.0 {
        out.push(format!("must be a whole number, not {}", format_number(n)));
    }
    match bounds {
        (Some(lo), Some(hi)) if n < lo || n > hi => out.push(format!(
            "{} is out of range: {} to {}{unit}",
            format_number(n),
            format_number(lo),
            format_number(hi)
        )),
        (Some(lo), None) if n < lo => out.push(format!(
            "{} is below the minimum {}{unit}",
            format_number(n),
            format_number(lo)
        )),
        (None, Some(hi)) if n > hi => out.push(format!(
            "{} is above the maximum {}{unit}",
            format_number(n),
            format_number(hi)
        )),
        _ => {}
    }
}

/// Problems in a records question's columns, each with the index of the column it is about
/// (for its line in the file).
fn columns_definition(q: &Question) -> Vec<(Option<usize>, String)> {
    let mut out = Vec::new();
    let is_records = q.kind == Kind::Records;
    if is_records && q.columns.is_empty() {
        out.push((None, "a records question needs `columns`".into()));
    }
    if !is_records && !q.columns.is_empty() {
        let message = format!(
            "`columns` are only for records questions, not {}",
            q.kind.name()
        );
        out.push((None, message));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, c) in q.columns.iter().enumerate() {
        let mut say = |m: String| out.push((Some(i), format!("column `{}`: {m}", c.id)));
        if !is_identifier(&c.id) {
            say("id must be lowercase letters, digits and `_`, starting with a letter (it is used in conditions)".into());
        }
        if !seen.insert(c.id.as_str()) {
            say("duplicate column id".into());
        }
        let is_choice = c.kind == ColumnKind::Choice;
        if is_choice && c.choices.is_empty() {
            say("a choice column needs `choices`".into());
        }
        if !is_choice && !c.choices.is_empty() {
            say(format!(
                "`choices` are only for choice columns, not {}",
                c.kind.name()
            ));
        }
        let mut values = std::collections::HashSet::new();
        for choice in &c.choices {
            if !values.insert(choice.value.as_str()) {
                say(format!("choice `{}` is listed twice", choice.value));
            }
        }
        let has_number_keys = c.min.is_some() || c.max.is_some() || c.unit.is_some() || c.integer;
        if c.kind != ColumnKind::Number && has_number_keys {
            say(format!(
                "`min`, `max`, `unit` and `integer` are only for number columns, not {}",
                c.kind.name()
            ));
        }
        if let (Some(a), Some(b)) = (c.min, c.max)
            && a > b
        {
            say(format!("`min` {a} is greater than `max` {b}"));
        }
        for (name, bound) in [("min", c.min), ("max", c.max)] {
            if bound.is_some_and(|b| !b.is_finite()) {
                say(format!("`{name}` must be a finite number"));
            }
        }
    }
    out
}

/// Problems with the rows of an answer, each naming the row (from 1) and the column. A cell
/// of a column the question does not have is reported, not dropped.
fn check_rows(q: &Question, rows: &[Row], out: &mut Vec<String>) {
    let filled: Vec<(usize, &Row)> = rows
        .iter()
        .filter(|r| !r.is_empty())
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .collect();
    check_items(q, filled.len(), "rows", out);
    for (number, row) in filled {
        for c in &q.columns {
            let mut problems = Vec::new();
            match row.get(&c.id).filter(|cell| !cell.is_empty()) {
                Some(cell) => check_cell(c, cell, &mut problems),
                None if c.required => problems.push("required".into()),
                None => {}
            }
            out.extend(
                problems
                    .into_iter()
                    .map(|m| format!("row {number}, {}: {m}", c.id)),
            );
        }
        for (id, cell) in &row.0 {
            if !q.columns.iter().any(|c| &c.id == id) {
                out.push(format!(
                    "row {number}: `{id}` is not a column ({cell}; kept as is)"
                ));
            }
        }
    }
}

/// Problems with one cell of a column.
fn check_cell(c: &Column, cell: &Cell, out: &mut Vec<String>) {
    let wrong =
        |expected: &str| format!("expected {expected}, found {} ({cell})", cell.type_name());
    match (c.kind, cell) {
        (ColumnKind::Text, Cell::Text(_)) | (ColumnKind::YesNo, Cell::Bool(_)) => {}
        (ColumnKind::Number, Cell::Number(n)) => {
            check_range(*n, (c.min, c.max), c.unit.as_deref(), c.integer, out)
        }
        (ColumnKind::Choice, Cell::Text(s)) => {
            if c.choice(s).is_none() {
                out.push(format!(
                    "`{s}` is not one of the choices ({})",
                    c.choice_list()
                ));
            }
        }
        (ColumnKind::Text | ColumnKind::Choice, _) => out.push(wrong("text")),
        (ColumnKind::Number, _) => out.push(wrong("a number")),
        (ColumnKind::YesNo, _) => out.push(wrong("yes or no")),
    }
}
