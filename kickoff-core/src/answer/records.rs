//! The rows of a records answer: cells by column id, each text, a number or yes/no.

use std::collections::BTreeMap;
use std::fmt;

use minijinja::Value;
use serde::Serialize;
use serde::ser::SerializeMap;

use super::{format_number, is_integral};

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Bool(bool),
}

impl Cell {
    /// A blank text is the same as no cell.
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Text(s) if s.trim().is_empty())
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Cell::Text(_) => "text",
            Cell::Number(_) => "a number",
            Cell::Bool(_) => "yes/no",
        }
    }

    fn from_toml(v: &toml::Value) -> Option<Cell> {
        Some(match v {
            toml::Value::String(s) => Cell::Text(s.clone()),
            toml::Value::Integer(i) => Cell::Number(*i as f64),
            toml::Value::Float(f) => Cell::Number(*f),
            toml::Value::Boolean(b) => Cell::Bool(*b),
            _ => return None,
        })
    }

    fn to_value(&self) -> Value {
        match self {
            Cell::Text(s) => Value::from(s.as_str()),
            Cell::Number(n) if is_integral(*n) => Value::from(*n as i64),
            Cell::Number(n) => Value::from(*n),
            Cell::Bool(b) => Value::from(*b),
        }
    }

    /// The cell as a TOML value, written on one line (text with its line breaks escaped).
    pub fn to_toml_inline(&self) -> String {
        match self {
            Cell::Text(s) => basic_string(s),
            Cell::Number(n) if is_integral(*n) => format!("{}", *n as i64),
            Cell::Number(n) => toml::Value::Float(*n).to_string(),
            Cell::Bool(b) => b.to_string(),
        }
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Text(s) => f.write_str(s),
            Cell::Number(n) => f.write_str(&format_number(*n)),
            Cell::Bool(true) => f.write_str("yes"),
            Cell::Bool(false) => f.write_str("no"),
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Text(t) => s.serialize_str(t),
            Cell::Number(n) if is_integral(*n) => s.serialize_i64(*n as i64),
            Cell::Number(n) => s.serialize_f64(*n),
            Cell::Bool(b) => s.serialize_bool(*b),
        }
    }
}

/// A row: cells by column id, in the order of the columns (a file's rows are put in that
/// order when the session is opened with its questionnaire). Two rows are equal when they
/// hold the same cells, whatever the order.
#[derive(Debug, Clone, Default)]
pub struct Row(pub Vec<(String, Cell)>);

impl PartialEq for Row {
    fn eq(&self, other: &Row) -> bool {
        fn sorted(r: &Row) -> BTreeMap<&str, &Cell> {
            r.0.iter().map(|(k, v)| (k.as_str(), v)).collect()
        }
        self.0.len() == other.0.len() && sorted(self) == sorted(other)
    }
}

impl Row {
    pub fn get(&self, id: &str) -> Option<&Cell> {
        self.0.iter().find(|(k, _)| k == id).map(|(_, c)| c)
    }

    /// Sets a cell, or takes it out with `None`; a new cell goes at the end.
    pub fn set(&mut self, id: &str, cell: Option<Cell>) {
        let at = self.0.iter().position(|(k, _)| k == id);
        match (at, cell) {
            (Some(i), Some(c)) => self.0[i].1 = c,
            (None, Some(c)) => self.0.push((id.to_string(), c)),
            (Some(i), None) => {
                self.0.remove(i);
            }
            (None, None) => {}
        }
    }

    /// No cell holds anything.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|(_, c)| c.is_empty())
    }

    /// A TOML table of string, number and yes/no values, as a row; `None` for anything else.
    pub fn from_toml(v: &toml::Value) -> Option<Row> {
        let table = v.as_table()?;
        table
            .iter()
            .map(|(k, v)| Some((k.clone(), Cell::from_toml(v)?)))
            .collect::<Option<Vec<_>>>()
            .map(Row)
    }

    /// The row for conditions and templates: a map of its non-empty cells.
    pub fn to_value(&self) -> Value {
        Value::from(
            self.0
                .iter()
                .filter(|(_, c)| !c.is_empty())
                .map(|(k, c)| (k.clone(), c.to_value()))
                .collect::<BTreeMap<String, Value>>(),
        )
    }

    /// The row as a TOML inline table: `{ name = "tenure", known = true }`.
    pub fn to_toml_inline(&self) -> String {
        let cells: Vec<String> = self
            .0
            .iter()
            .map(|(k, c)| format!("{} = {}", key(k), c.to_toml_inline()))
            .collect();
        if cells.is_empty() {
            "{}".into()
        } else {
            format!("{{ {} }}", cells.join(", "))
        }
    }
}

impl Serialize for Row {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, c) in &self.0 {
            map.serialize_entry(k, c)?;
        }
        map.end()
    }
}

/// An array of tables as rows, when every element is a table of plain values.
pub(super) fn rows_from_toml(items: &[toml::Value]) -> Option<Vec<Row>> {
    if items.is_empty() {
        return None;
    }
    items.iter().map(Row::from_toml).collect()
}

/// Rows as a TOML array of inline tables, one row a line.
pub fn rows_to_toml_inline(rows: &[Row]) -> String {
    let mut out = String::from("[\n");
    for row in rows {
        out.push_str("  ");
        out.push_str(&row.to_toml_inline());
        out.push_str(",\n");
    }
    out.push(']');
    out
}

fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { k.to_string() } else { basic_string(k) }
}

/// A TOML basic string on one line: quotes, backslashes and control characters escaped.
fn basic_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_compare_by_cells_not_order() {
        let a = Row(vec![
            ("a".into(), Cell::Text("x".into())),
            ("b".into(), Cell::Number(1.0)),
        ]);
        let mut b = Row(a.0.iter().rev().cloned().collect());
        assert_eq!(a, b);
        b.set("b", Some(Cell::Number(2.0)));
        assert_ne!(a, b);
        b.set("b", None);
        assert_eq!(b.0.len(), 1);
    }

    #[test]
    fn inline_rows_read_back_as_written() {
        let row = Row(vec![
            (
                "name".into(),
                Cell::Text("a \"quoted\"\nline\\ \u{7}".into()),
            ),
            ("score".into(), Cell::Number(0.31)),
            ("big".into(), Cell::Number(1e300)),
            ("n".into(), Cell::Number(3.0)),
            ("known at".into(), Cell::Bool(false)),
        ]);
        let text = format!("x = {}\n", rows_to_toml_inline(std::slice::from_ref(&row)));
        let back: toml::Table = toml::from_str(&text).unwrap();
        let rows = rows_from_toml(back["x"].as_array().unwrap()).unwrap();
        assert_eq!(rows, [row]);
        assert_eq!(text.lines().count(), 3, "one row a line: {text}");
    }
}
