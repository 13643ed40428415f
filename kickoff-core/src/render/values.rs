//! The template values of a render that are read rather than copied: a question, whose fields
//! are made when the template reads them (a doc reads a few of each question's fields), and the
//! set of the questionnaire's ids.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::sync::Arc;

use minijinja::State;
use minijinja::value::{Enumerator, Object, Serde, Value};
use serde::Serialize;

use crate::markdown;

/// A question as the template sees it (`questions[id]`, `sections[].questions`).
#[derive(Debug)]
pub(super) struct DocQuestion {
    pub id: String,
    pub prompt: String,
    /// The answer's short name in the doc (`label`, or the prompt).
    pub label: String,
    pub kind: &'static str,
    pub required: bool,
    pub answered: bool,
    /// The answer in words (choice labels, "yes"/"no", numbers with their unit).
    pub text: String,
    /// Items of a list or multiple choice answer.
    pub items: Vec<String>,
    /// Paragraph-style answer (long text).
    pub long: bool,
    /// The findings that point at this question, most severe first (a list value).
    pub findings: Value,
    /// The LLM reviewer's findings about this question, but for those folded into a rule's.
    pub llm_findings: Value,
    /// Whether the doc shows it: answered, required, or the subject of a finding.
    pub shown: bool,
    /// A records question's columns (empty for other kinds), and its answer's rows: a cell per
    /// column in words (yes/no, choice labels, numbers with their unit; empty text for an empty
    /// cell), for a table.
    pub columns: Vec<DocColumn>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub(super) struct DocColumn {
    pub id: String,
    pub label: String,
}

const FIELDS: &[&str] = &[
    "id",
    "prompt",
    "label",
    "kind",
    "required",
    "answered",
    "text",
    "items",
    "long",
    "findings",
    "llm_findings",
    "shown",
    "columns",
    "rows",
    "md",
];

impl Object for DocQuestion {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        Some(match key.as_str()? {
            "id" => Value::from(self.id.as_str()),
            "prompt" => Value::from(self.prompt.as_str()),
            "label" => Value::from(self.label.as_str()),
            "kind" => Value::from(self.kind),
            "required" => Value::from(self.required),
            "answered" => Value::from(self.answered),
            "text" => Value::from(self.text.as_str()),
            "items" => self.items.iter().map(String::as_str).collect(),
            "long" => Value::from(self.long),
            "findings" => self.findings.clone(),
            "llm_findings" => self.llm_findings.clone(),
            "shown" => Value::from(self.shown),
            "columns" => Value::from(Serde(&self.columns)),
            "rows" => Value::from(Serde(&self.rows)),
            "md" => Value::from(self.markdown()),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(FIELDS)
    }
}

impl DocQuestion {
    /// The answer as the doc shows it, its anchor first (`#q-ID`): a line `- **Label:** text`,
    /// or for a table, a list or paragraphs, the label in bold on a line of its own and the
    /// answer under it. Empty when the doc does not show the question; the findings' callouts
    /// are the template's.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        if !self.shown {
            return out;
        }
        let anchor = format!("<a id=\"q-{}\"></a>", self.id);
        let label = markdown::inline(&self.label);
        let with_colon = || {
            if self.label.ends_with(['?', '!', ':', '.']) {
                label.clone()
            } else {
                label.clone() + ":"
            }
        };
        if !self.answered {
            let required = if self.required { " (required)" } else { "" };
            let _ = writeln!(
                out,
                "- {anchor}**{}** *not answered yet{required}.*",
                with_colon()
            );
        } else if !self.rows.is_empty() {
            let _ = write!(out, "\n{anchor}**{label}**\n\n{}", self.table());
        } else if !self.items.is_empty() {
            let _ = write!(out, "\n{anchor}**{label}**\n\n");
            for item in &self.items {
                let _ = writeln!(out, "* {}", markdown::inline(item));
            }
            out.push('\n');
        } else if self.long {
            let _ = write!(
                out,
                "\n{anchor}**{label}**\n\n{}\n\n",
                markdown::block(&self.text)
            );
        } else {
            let _ = writeln!(
                out,
                "- {anchor}**{}** {}",
                with_colon(),
                markdown::inline(&self.text)
            );
        }
        out
    }
}

impl DocQuestion {
    /// A records answer as a markdown table (a header row, then a row per record), and a
    /// blank line after it.
    pub fn table(&self) -> String {
        let mut out = String::from("|");
        for c in &self.columns {
            let _ = write!(out, " {} |", markdown::inline(&c.label));
        }
        out.push_str("\n|");
        out.push_str(&"---|".repeat(self.columns.len()));
        out.push('\n');
        for row in &self.rows {
            out.push('|');
            for cell in row {
                let _ = write!(out, " {} |", markdown::inline(cell));
            }
            out.push('\n');
        }
        out.push('\n');
        out
    }

    /// The words that lead into a list, a table or a quote: the team's phrase from `say`,
    /// or the label and a colon.
    pub fn lead(&self, phrase: Option<String>) -> String {
        phrase.unwrap_or_else(|| {
            format!(
                "{}:",
                markdown::inline(&crate::text::without_aside(&self.label))
            )
        })
    }
}

/// An id given to a template function, as text.
fn id_text(id: &Value) -> std::borrow::Cow<'_, str> {
    match id.as_str() {
        Some(s) => s.into(),
        None => id.to_string().into(),
    }
}

/// Whether the doc shows `q`, a value of `questions`: read straight from the question when it
/// is one (it always is, unless a template has replaced it).
fn is_shown(q: &Value) -> bool {
    match q.downcast_object_ref::<DocQuestion>() {
        Some(q) => q.shown,
        None => q.get_attr("shown").is_ok_and(|s| s.is_true()),
    }
}

/// The template function `known(ids)`: the ids of `ids` that are questions of the
/// questionnaire (`question_ids`), asked or not, in that order.
pub(super) fn known(state: &State, ids: Vec<Value>) -> Value {
    let Some(all) = state.lookup("question_ids") else {
        return Value::from(Vec::<Value>::new());
    };
    let ours = all.downcast_object_ref::<QuestionIds>();
    ids.into_iter()
        .filter(|id| match ours {
            Some(ours) => ours.0.contains_key(&*id_text(id)),
            None => all.get_attr(&id_text(id)).is_ok_and(|i| !i.is_undefined()),
        })
        .map(|id| Value::from(id_text(&id).into_owned()))
        .collect()
}

/// The template function `shown(ids)`: the questions of `ids` that the doc shows (`questions`,
/// `shown`), in that order.
pub(super) fn shown(state: &State, ids: Vec<Value>) -> Value {
    let Some(questions) = state.lookup("questions") else {
        return Value::from(Vec::<Value>::new());
    };
    ids.iter()
        .filter_map(|id| questions.get_attr(&id_text(id)).ok())
        .filter(is_shown)
        .collect()
}

/// The template function `unplaced(ids)`: the shown questions of `sections` whose id is not in
/// `ids`, as `[(section title, [questions])]` in the questionnaire's order, for sections that
/// have any.
pub(super) fn unplaced(state: &State, ids: Vec<Value>) -> Value {
    let ids: Vec<std::borrow::Cow<'_, str>> = ids.iter().map(id_text).collect();
    let placed: HashSet<&str> = ids.iter().map(|id| &**id).collect();
    let attr = |v: &Value, name: &str| v.get_attr(name).unwrap_or_default();
    let is_placed = |q: &Value| match q.downcast_object_ref::<DocQuestion>() {
        Some(q) => placed.contains(q.id.as_str()),
        None => attr(q, "id").as_str().is_some_and(|id| placed.contains(id)),
    };
    let mut out = Vec::new();
    for section in state
        .lookup("sections")
        .into_iter()
        .flat_map(|s| s.try_iter().ok())
        .flatten()
    {
        let rest: Vec<Value> = attr(&section, "questions")
            .try_iter()
            .into_iter()
            .flatten()
            .filter(|q| is_shown(q) && !is_placed(q))
            .collect();
        if !rest.is_empty() {
            out.push(Value::from(vec![
                attr(&section, "title"),
                Value::from(rest),
            ]));
        }
    }
    Value::from(out)
}

/// Every question id of the questionnaire, asked or not: a map to their order, so that `in`
/// is a lookup; iterated in asking order.
#[derive(Debug)]
pub(super) struct QuestionIds(pub Arc<HashMap<String, usize>>);

impl Object for QuestionIds {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get(key.as_str()?).map(|&i| Value::from(i))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let mut ids: Vec<(&String, &usize)> = self.0.iter().collect();
        ids.sort_by_key(|(_, i)| **i);
        let ids: Vec<Value> = ids
            .into_iter()
            .map(|(id, _)| Value::from(id.as_str()))
            .collect();
        Enumerator::Values(ids)
    }
}
