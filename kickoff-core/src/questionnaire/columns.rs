//! The columns of a records question: their definition, a cell read from text and a cell in
//! words. The checks of a definition and of rows are in `check.rs`.

use serde::{Deserialize, Serialize};

use super::Choice;
use crate::answer::{Cell, format_number, read_number};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    #[default]
    Text,
    Number,
    YesNo,
    Choice,
}

impl ColumnKind {
    pub fn name(self) -> &'static str {
        match self {
            ColumnKind::Text => "text",
            ColumnKind::Number => "number",
            ColumnKind::YesNo => "yes_no",
            ColumnKind::Choice => "choice",
        }
    }
}

/// One column of a records question.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// The key of the cell in each row; `[a-z][a-z0-9_]*`, so conditions can name it.
    pub id: String,
    /// The heading; the id when empty.
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub kind: ColumnKind,
    /// A row with anything in it must fill this column.
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub choices: Vec<Choice>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub unit: Option<String>,
    #[serde(default)]
    pub integer: bool,
    #[serde(default)]
    pub placeholder: String,
    #[serde(default)]
    pub help: String,
}

impl Column {
    pub fn label(&self) -> &str {
        if self.label.is_empty() {
            &self.id
        } else {
            &self.label
        }
    }

    pub fn choice(&self, value: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.value == value)
    }

    /// A cell in words: yes/no, the choice's label, a number with its unit.
    pub fn cell_text(&self, cell: &Cell) -> String {
        match (self.kind, cell) {
            (ColumnKind::Choice, Cell::Text(v)) => self
                .choice(v)
                .map_or_else(|| v.clone(), |c| c.label().to_string()),
            (ColumnKind::Number, Cell::Number(n)) => match &self.unit {
                Some(u) => format!("{} {u}", format_number(*n)),
                None => format_number(*n),
            },
            _ => cell.to_string(),
        }
    }

    /// Reads a typed cell: a number (`180k`, `12,000`, `14%` in a fraction...), yes/no (y, yes, true, n, no, false), a choice by its
    /// value, its label or its number (from 1). An empty text is no cell.
    pub fn parse_cell(&self, text: &str) -> Result<Option<Cell>, CellError> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        let cell = match self.kind {
            ColumnKind::Text => Cell::Text(t.to_string()),
            ColumnKind::Number => Cell::Number(read_number(t, self.unit.as_deref())?.value),
            ColumnKind::YesNo => Cell::Bool(parse_yes_no(t)?),
            ColumnKind::Choice => {
                let by_number = t
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| self.choices.get(i));
                let found = by_number.or_else(|| {
                    self.choices.iter().find(|c| {
                        c.value.eq_ignore_ascii_case(t) || c.label().eq_ignore_ascii_case(t)
                    })
                });
                match found {
                    Some(c) => Cell::Text(c.value.clone()),
                    None => {
                        return Err(CellError::Choice {
                            text: t.into(),
                            choices: self.choice_list(),
                        });
                    }
                }
            }
        };
        Ok(Some(cell))
    }

    pub(super) fn choice_list(&self) -> String {
        self.choices
            .iter()
            .map(|c| c.value.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Yes or no as typed: y, yes, true, n, no, false (any case).
pub fn parse_yes_no(t: &str) -> Result<bool, CellError> {
    match t.to_lowercase().as_str() {
        "y" | "yes" | "true" => Ok(true),
        "n" | "no" | "false" => Ok(false),
        _ => Err(CellError::YesNo),
    }
}

/// Why a typed cell (or a yes/no answer) is not read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CellError {
    #[error(transparent)]
    Number(#[from] crate::answer::NumberError),
    #[error("answer y or n")]
    YesNo,
    #[error("`{text}` is not one of the choices ({choices})")]
    Choice { text: String, choices: String },
}

/// For a front end still reporting problems as text.
impl From<CellError> for String {
    fn from(e: CellError) -> String {
        e.to_string()
    }
}
