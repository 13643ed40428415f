//! One answer, as stored in the session file: text, a number, yes/no, a list of strings or
//! rows of typed cells (an array of tables). Anything else found in a file is kept verbatim
//! (`Other`) so that nothing is lost.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::{Arc, RwLock};

use minijinja::Value;
use minijinja::value::{Enumerator, Object};
use serde::{Deserialize, Serialize};

mod number;
mod records;
pub use number::{NumberError, ReadNumber, notations, read_number};
pub use records::{Cell, Row, rows_to_toml_inline};

/// Answers by question id. Sorted, so files diff well and hashes are stable.
pub type Answers = BTreeMap<String, Answer>;

#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Text(String),
    Number(f64),
    Bool(bool),
    List(Vec<String>),
    /// Rows of a records question.
    Records(Vec<Row>),
    /// A value of a shape no question kind uses (a table, nested arrays...), kept as found.
    Other(toml::Value),
}

/// `text` without control characters other than a newline and a tab: no escape sequence,
/// carriage return, bell or NUL reaches a file, a doc or a terminal through an answer (an ESC
/// goes, so `ESC [31m` shows as the harmless text `[31m`). Bidi controls go too
/// ([`crate::text::is_bidi_control`]): an answer reads in `check`, `diff`, the doc and the
/// interview in the order it is stored, never turned around.
pub fn without_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let control =
        |c: char| (c.is_control() && c != '\n' && c != '\t') || crate::text::is_bidi_control(c);
    if text.chars().any(control) {
        std::borrow::Cow::Owned(text.chars().filter(|&c| !control(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

impl Answer {
    /// The answer with `without_controls` applied to every text in it.
    pub fn strip_controls(&mut self) {
        let clean = |s: &mut String| {
            if let std::borrow::Cow::Owned(c) = without_controls(s) {
                *s = c;
            }
        };
        match self {
            Answer::Text(s) => clean(s),
            Answer::List(items) => items.iter_mut().for_each(clean),
            Answer::Records(rows) => {
                for (_, cell) in rows.iter_mut().flat_map(|r| r.0.iter_mut()) {
                    if let Cell::Text(s) = cell {
                        clean(s);
                    }
                }
            }
            Answer::Number(_) | Answer::Bool(_) | Answer::Other(_) => {}
        }
    }
    /// An empty text or list, or rows with nothing in them, are the same as no answer.
    pub fn is_empty(&self) -> bool {
        match self {
            Answer::Text(s) => s.trim().is_empty(),
            Answer::List(l) => l.iter().all(|s| s.trim().is_empty()),
            Answer::Records(rows) => rows.iter().all(Row::is_empty),
            _ => false,
        }
    }

    /// What kind of value this is, for messages ("expected a number, found text").
    pub fn type_name(&self) -> &'static str {
        match self {
            Answer::Text(_) => "text",
            Answer::Number(_) => "a number",
            Answer::Bool(_) => "yes/no",
            Answer::List(_) => "a list",
            Answer::Records(_) => "a table of rows",
            Answer::Other(_) => "an unsupported value",
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Answer::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn to_value(&self) -> Value {
        match self {
            Answer::Text(s) => Value::from(s.as_str()),
            Answer::Number(n) if is_integral(*n) => Value::from(*n as i64),
            Answer::Number(n) => Value::from(*n),
            Answer::Bool(b) => Value::from(*b),
            Answer::List(l) => Value::from(l.clone()),
            // A list of maps, so `rows | selectattr("col", "false")` and
            // `rows | map(attribute="col")` work; rows with nothing in them are left out.
            Answer::Records(rows) => Value::from(
                rows.iter()
                    .filter(|r| !r.is_empty())
                    .map(Row::to_value)
                    .collect::<Vec<_>>(),
            ),
            Answer::Other(v) => Value::from(minijinja::value::Serde(v)),
        }
    }

    pub fn from_toml(v: toml::Value) -> Answer {
        match v {
            toml::Value::String(s) => Answer::Text(s),
            toml::Value::Integer(i) => Answer::Number(i as f64),
            toml::Value::Float(f) => Answer::Number(f),
            toml::Value::Boolean(b) => Answer::Bool(b),
            toml::Value::Array(a) if a.iter().all(toml::Value::is_str) => Answer::List(
                a.into_iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
            ),
            toml::Value::Array(a) => match records::rows_from_toml(&a) {
                Some(rows) => Answer::Records(rows),
                None => Answer::Other(toml::Value::Array(a)),
            },
            other => Answer::Other(other),
        }
    }
}

/// Human-readable form: lists joined by ", ", numbers without a trailing ".0".
impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Text(s) => f.write_str(s),
            Answer::Number(n) => f.write_str(&format_number(*n)),
            Answer::Bool(true) => f.write_str("yes"),
            Answer::Bool(false) => f.write_str("no"),
            Answer::List(l) => f.write_str(&l.join(", ")),
            Answer::Records(rows) => {
                let rows: Vec<String> = rows
                    .iter()
                    .filter(|r| !r.is_empty())
                    .map(|r| {
                        r.0.iter()
                            .filter(|(_, c)| !c.is_empty())
                            .map(|(k, c)| format!("{k}: {c}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .collect();
                f.write_str(&rows.join("; "))
            }
            Answer::Other(v) => write!(f, "{v}"),
        }
    }
}

pub fn format_number(n: f64) -> String {
    if is_integral(n) {
        format!("{}", n as i64)
    } else if n != 0.0 && !(1e-6..1e16).contains(&n.abs()) {
        // 1e308 is not written out in 309 digits.
        format!("{n:e}")
    } else {
        format!("{n}")
    }
}

/// A number as people read it: whole numbers of five digits or more grouped by thousands
/// ("6,500,000"); others as [`format_number`].
pub fn format_grouped(n: f64) -> String {
    let plain = format_number(n);
    if !is_integral(n) || n.abs() < 10_000.0 {
        return plain;
    }
    let (sign, digits) = plain.split_at(usize::from(n < 0.0));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

fn is_integral(n: f64) -> bool {
    n.fract() == 0.0 && n.abs() < 9.0e15
}

impl Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Answer::Text(t) => s.serialize_str(t),
            Answer::Number(n) if is_integral(*n) => s.serialize_i64(*n as i64),
            Answer::Number(n) => s.serialize_f64(*n),
            Answer::Bool(b) => s.serialize_bool(*b),
            Answer::List(l) => l.serialize(s),
            Answer::Records(rows) => rows.serialize(s),
            Answer::Other(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        toml::Value::deserialize(d).map(Answer::from_toml)
    }
}

/// The variables of conditions and rules: every non-empty answer by id, built once per review.
/// Questions found hidden while visibility is worked out are taken out with [`hide`](Self::hide), so later
/// conditions, the rules and the score never see a stale answer, without rebuilding the map.
#[derive(Debug)]
pub struct AnswerContext {
    values: BTreeMap<String, Value>,
    hidden: RwLock<HashSet<String>>,
}

impl AnswerContext {
    pub fn new(answers: &Answers) -> Arc<AnswerContext> {
        let values = answers
            .iter()
            .filter(|(_, a)| !a.is_empty())
            .map(|(k, a)| (k.clone(), a.to_value()))
            .collect();
        Arc::new(AnswerContext {
            values,
            hidden: RwLock::new(HashSet::new()),
        })
    }

    /// Takes a question's answer out of the context.
    pub fn hide(&self, id: &str) {
        if self.values.contains_key(id)
            && let Ok(mut h) = self.hidden.write()
        {
            h.insert(id.to_string());
        }
    }

    fn is_hidden(&self, id: &str) -> bool {
        self.hidden.read().is_ok_and(|h| h.contains(id))
    }
}

impl Object for AnswerContext {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let id = key.as_str()?;
        if self.is_hidden(id) {
            return None;
        }
        self.values.get(id).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let keys: Vec<Value> = self
            .values
            .keys()
            .filter(|k| !self.is_hidden(k))
            .map(|k| Value::from(k.as_str()))
            .collect();
        Enumerator::Values(keys)
    }
}

/// A short, stable hash of answers: the doc's reproducibility footer, the critique cache key,
/// and what a response to a finding was about.
pub fn answers_hash(answers: &Answers) -> String {
    let canonical = toml::to_string(answers).unwrap_or_default();
    short_hash(canonical.as_bytes())
}

pub fn short_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// A plain minijinja map of every non-empty answer (for templates and tests).
pub fn context_of<'a>(answers: impl IntoIterator<Item = (&'a String, &'a Answer)>) -> Value {
    Value::from(
        answers
            .into_iter()
            .filter(|(_, a)| !a.is_empty())
            .map(|(k, a)| (k.clone(), a.to_value()))
            .collect::<BTreeMap<String, Value>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_without_spurious_fraction() {
        #[derive(Serialize, Deserialize)]
        struct W {
            a: BTreeMap<String, Answer>,
        }
        let src = "[a]\nn = 3\nf = 0.25\nb = true\nl = [\"x\", \"y\"]\nt = \"hi\"\no = { k = 1 }\n";
        let w: W = toml::from_str(src).unwrap();
        assert_eq!(w.a["n"], Answer::Number(3.0));
        assert_eq!(w.a["l"], Answer::List(vec!["x".into(), "y".into()]));
        assert!(matches!(w.a["o"], Answer::Other(_)));
        let out = toml::to_string(&w).unwrap();
        assert!(out.contains("n = 3\n"), "{out}");
        assert!(out.contains("f = 0.25\n"), "{out}");
        assert!(
            out.contains("o = { k = 1 }") || out.contains("[a.o]"),
            "{out}"
        );
    }

    #[test]
    fn huge_and_tiny_numbers_are_written_with_an_exponent() {
        assert_eq!(format_number(1e308), "1e308");
        assert_eq!(format_number(2.5e-9), "2.5e-9");
        assert_eq!(format_number(0.04), "0.04");
        assert_eq!(format_number(626_667.0), "626667");
        assert_eq!(format_number(0.0), "0");
    }

    #[test]
    fn emptiness() {
        assert!(Answer::Text("  ".into()).is_empty());
        assert!(Answer::List(vec![]).is_empty());
        assert!(!Answer::Bool(false).is_empty());
        assert!(!Answer::Number(0.0).is_empty());
    }
}
