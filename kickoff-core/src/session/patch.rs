//! Saving a session into the file as the user wrote it: only the values that changed are
//! replaced, so comments, blank lines, key order and the style of every other string stay, and
//! a `git diff` after one answer shows that answer and `updated`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Key, Table, TableLike, Value};

use super::Session;
use crate::answer::Answer;

/// `original` (the file as last read or written) changed into the values of `fresh` (the
/// whole session as kickoff writes it): each value that differs is replaced in place, keeping
/// the comment and spacing around it; keys only `fresh` has are added after the others of
/// their table, and keys it lacks are removed. `None` if `original` is not TOML, or if the
/// result would not read back as exactly `fresh`'s values (then the caller writes `fresh` as
/// is: a lost comment is better than a lost answer).
pub fn patch(original: &str, fresh: &str) -> Option<String> {
    let mut doc: DocumentMut = original.parse().ok()?;
    patch_into(&mut doc, fresh, &mut Cleared::default())
}

/// [`patch`] on the document of the file (changed in place), with the answers cleared by
/// earlier saves in `cleared`: one set again goes back where it was. The new text, or `None`
/// (and `doc` is to be dropped) as [`patch`] says.
pub fn patch_into(doc: &mut DocumentMut, fresh: &str, cleared: &mut Cleared) -> Option<String> {
    let new: DocumentMut = fresh.parse().ok()?;
    if let (Some(Item::Table(old)), Some(Item::Table(new))) =
        (doc.get_mut("answers"), new.get("answers"))
    {
        let gone: Vec<String> = old
            .iter()
            .filter(|(k, _)| !new.contains_key(k))
            .map(|(k, _)| k.to_string())
            .collect();
        for id in gone {
            cleared.remove(old, &id);
        }
        for (id, item) in new.iter() {
            if !old.contains_key(id) {
                cleared.set(old, id, item);
            }
        }
    }
    sync_table(doc.as_table_mut(), new.as_table());
    let out = doc.to_string();
    let values = |text: &str| toml::from_str::<toml::Table>(text).ok();
    (values(&out)? == values(fresh)?).then_some(out)
}

/// Answers a save cleared (removed from the file), each kept as the file had it (its comments,
/// its place after the key before it), so that an answer typed again comes back there, as it
/// was written, rather than at the end without its comment.
#[derive(Debug, Clone, Default)]
pub struct Cleared(std::collections::HashMap<String, ClearedKey>);

#[derive(Debug, Clone)]
struct ClearedKey {
    key: Key,
    item: Item,
    /// The key it came after (`None`: it was the first).
    after: Option<String>,
}

impl Cleared {
    /// Removes `id` from `table`, keeping it here.
    fn remove(&mut self, table: &mut Table, id: &str) {
        let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
        let Some(i) = keys.iter().position(|k| k == id) else {
            return;
        };
        let after = i.checked_sub(1).map(|j| keys[j].clone());
        if let Some((key, item)) = table.remove_entry(id) {
            self.0
                .insert(id.to_string(), ClearedKey { key, item, after });
        }
    }

    /// Sets `id` of `table` to `new`; one cleared earlier comes back in its place, with its
    /// comments.
    fn set(&mut self, table: &mut Table, id: &str, new: &Item) {
        let Some(was) = self.0.remove(id).filter(|_| !table.contains_key(id)) else {
            set_key(table, id, new);
            return;
        };
        let mut item = was.item;
        sync_item(&mut item, new);
        table.insert_formatted(&was.key, item);
        let order: std::collections::HashMap<String, f64> = table
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (k.to_string(), i as f64))
            .collect();
        let place = match &was.after {
            None => -1.0,
            Some(after) => match order.get(after) {
                Some(r) => r + 0.5,
                None => return, // the key before it went too: it stays at the end
            },
        };
        let rank = |k: &Key| {
            if k.get() == id {
                place
            } else {
                order.get(k.get()).copied().unwrap_or(f64::MAX)
            }
        };
        table.sort_values_by(|a, _, b, _| rank(a).total_cmp(&rank(b)));
    }
}

/// `doc` (the file holding `base`) changed in place into holding `ours`, for the changes an
/// interview makes while typing: answers and the session's own strings (`updated`). Only the
/// keys whose values differ are written, each as [`patch`] would write it, with the comment
/// and spacing around it. False (and `doc` untouched) for any other change, such as a response
/// or a critique: the caller then patches with the whole session.
pub fn patch_doc(
    doc: &mut DocumentMut,
    base: &Session,
    ours: &Session,
    secret: &dyn Fn(&str) -> bool,
    cleared: &mut Cleared,
) -> bool {
    let other_changes = base.questionnaire_path != ours.questionnaire_path
        || base.depth != ours.depth
        || base.critiques != ours.critiques
        || base.responses != ours.responses
        || base.conflicts != ours.conflicts
        || base.extra != ours.extra;
    if other_changes || !matches!(doc.get("answers"), None | Some(Item::Table(_))) {
        return false;
    }
    let Some(Written { header, items }) = written(base, ours, secret) else {
        return false;
    };
    for key in [
        "questionnaire",
        "questionnaire_version",
        "created",
        "updated",
    ] {
        if let Some(item) = header.get(key)
            && doc.get(key).is_none_or(|old| !same_item(old, item))
        {
            set_key(doc.as_table_mut(), key, item);
        }
    }
    // Where the user was, as an older version kept it: in the state directory now.
    doc.as_table_mut().remove("cursor");
    if items.is_empty() {
        return true;
    }
    let answers = doc
        .entry("answers")
        .or_insert_with(|| Item::Table(Table::new()));
    let Some(answers) = answers.as_table_mut() else {
        return false; // not reached: checked above
    };
    for (id, item) in items {
        match item {
            Some(item) => cleared.set(answers, id, &item),
            None => cleared.remove(answers, id),
        }
    }
    true
}

/// The keys that differ between `base` and `ours`, each written as the whole session would
/// write it: the session's own strings in `header`, the answers in `items` (`None`: removed).
struct Written<'a> {
    header: DocumentMut,
    items: Vec<(&'a str, Option<Item>)>,
}

fn written<'a>(
    base: &'a Session,
    ours: &'a Session,
    secret: &dyn Fn(&str) -> bool,
) -> Option<Written<'a>> {
    let ids: BTreeSet<&String> = base.answers.keys().chain(ours.answers.keys()).collect();
    let changed: Vec<&String> = ids
        .into_iter()
        .filter(|id| !secret(id) && base.answers.get(*id) != ours.answers.get(*id))
        .collect();
    // The changed values alone, written as the whole session would be.
    #[derive(Serialize)]
    struct Part<'a> {
        questionnaire: &'a str,
        questionnaire_version: &'a str,
        created: &'a str,
        updated: &'a str,
        answers: BTreeMap<&'a str, &'a Answer>,
    }
    let blank = Answer::Text(String::new());
    let part = Part {
        questionnaire: &ours.questionnaire,
        questionnaire_version: &ours.questionnaire_version,
        created: &ours.created,
        updated: &ours.updated,
        answers: changed
            .iter()
            .filter_map(|id| {
                let a = ours.answers.get(*id)?;
                // Rows go inline, one a line, as [`Session::to_toml`] writes them.
                Some((
                    id.as_str(),
                    if matches!(a, Answer::Records(_)) {
                        &blank
                    } else {
                        a
                    },
                ))
            })
            .collect(),
    };
    let text = toml::to_string_pretty(&part).ok()?;
    let new = text.parse::<DocumentMut>().ok()?;
    let mut items: Vec<(&str, Option<Item>)> = Vec::new();
    for id in &changed {
        let item = match ours.answers.get(*id) {
            None => None,
            Some(Answer::Records(rows)) => {
                let line = format!("x = {}\n", crate::answer::rows_to_toml_inline(rows));
                Some(
                    line.parse::<DocumentMut>()
                        .ok()
                        .and_then(|d| d.get("x").cloned())?,
                )
            }
            Some(_) => Some(new.get("answers")?.get(id.as_str())?.clone()),
        };
        items.push((id.as_str(), item));
    }
    Some(Written { header: new, items })
}

fn same_item(a: &Item, b: &Item) -> bool {
    match (a, b) {
        (Item::Value(a), Item::Value(b)) => same(a, b),
        _ => false,
    }
}

/// `key` of `table` set to `item`: synced in place if there, else added after the others.
fn set_key(table: &mut Table, key: &str, item: &Item) {
    match table.get_mut(key) {
        Some(mine) => sync_item(mine, item),
        None => {
            let mut item = item.clone();
            unplace(&mut item);
            table.insert(key, item);
        }
    }
}

/// `text` with the rows of records answers kept in `[conflicts]` written as in `[answers]`: an
/// array of one-line tables, a row a line, rather than a `[[conflicts.ID.ours]]` section a row.
pub fn inline_conflict_rows(text: &str) -> Option<String> {
    let mut doc: DocumentMut = text.parse().ok()?;
    let conflicts = doc.get_mut("conflicts")?.as_table_mut()?;
    for (_, conflict) in conflicts.iter_mut() {
        let Some(sides) = conflict.as_table_mut() else {
            continue;
        };
        for (mut key, side) in sides.iter_mut() {
            if let Item::ArrayOfTables(rows) = side {
                key.leaf_decor_mut().set_suffix(" ");
                let mut array = rows.clone().into_array();
                for row in array.iter_mut() {
                    if let Value::InlineTable(t) = row {
                        t.fmt();
                    }
                    row.decor_mut().set_prefix("\n  ");
                    row.decor_mut().set_suffix("");
                }
                array.set_trailing_comma(true);
                array.set_trailing("\n");
                array.decor_mut().set_prefix(" ");
                *side = Item::Value(Value::Array(array));
            }
        }
    }
    // The blank line that came before the next `[[...]]` section ends the file now.
    Some(format!("{}\n", doc.to_string().trim_end()))
}

/// Removes the keys of `old` that `kept` says are gone.
fn remove_gone(old: &mut dyn TableLike, kept: impl Fn(&str) -> bool) {
    let gone: Vec<String> = old
        .iter()
        .filter(|(k, _)| !kept(k))
        .map(|(k, _)| k.to_string())
        .collect();
    for k in gone {
        old.remove(&k);
    }
}

fn sync_table(old: &mut Table, new: &Table) {
    remove_gone(old, |k| new.contains_key(k));
    for (k, item) in new.iter() {
        match old.get_mut(k) {
            Some(mine) => sync_item(mine, item),
            None => {
                let mut item = item.clone();
                unplace(&mut item);
                old.insert(k, item);
            }
        }
    }
}

fn sync_item(old: &mut Item, new: &Item) {
    match (&mut *old, new) {
        (Item::Table(o), Item::Table(n)) => sync_table(o, n),
        (Item::ArrayOfTables(o), Item::ArrayOfTables(n)) => sync_tables(o, n),
        (Item::Value(o), Item::Value(n)) => sync_value(o, n),
        // A table written inline in the file, or the other way round: the values decide.
        (Item::Table(o), Item::Value(Value::InlineTable(n))) => {
            sync_table(o, &n.clone().into_table());
        }
        (Item::Value(Value::InlineTable(o)), Item::Table(n)) => {
            sync_inline(o, &n.clone().into_inline_table());
        }
        _ => {
            let mut item = new.clone();
            unplace(&mut item);
            *old = item;
        }
    }
}

/// Arrays of tables (`[[critiques]]`) only grow at the end in practice: pairs are synced in
/// place, new ones appended, missing ones cut from the end.
fn sync_tables(old: &mut ArrayOfTables, new: &ArrayOfTables) {
    while old.len() > new.len() {
        old.remove(old.len() - 1);
    }
    for (i, n) in new.iter().enumerate() {
        match old.get_mut(i) {
            Some(o) => sync_table(o, n),
            None => {
                let mut t = n.clone();
                unplace_table(&mut t);
                old.push(t);
            }
        }
    }
}

fn sync_inline(old: &mut InlineTable, new: &InlineTable) {
    remove_gone(old, |k| new.contains_key(k));
    for (k, v) in new.iter() {
        match old.get_mut(k) {
            Some(mine) => sync_value(mine, v),
            None => {
                old.insert(k, v.clone());
            }
        }
    }
}

/// An equal value stays as written (a `'literal'`, a `"""` block, `1_000`); a different one
/// takes the new text with the old one's surrounding spaces and comment. Arrays of the same
/// length and kinds (rows of a records answer, a list) are synced item by item, so one changed
/// row is one changed line; an array that changed shape (a list become rows) is written anew.
fn sync_value(old: &mut Value, new: &Value) {
    if same(old, new) {
        return;
    }
    match (&mut *old, new) {
        (Value::Array(o), Value::Array(n))
            if o.len() == n.len()
                && o.iter()
                    .zip(n.iter())
                    .all(|(a, b)| std::mem::discriminant(a) == std::mem::discriminant(b)) =>
        {
            for (i, nv) in n.iter().enumerate() {
                if let Some(ov) = o.get_mut(i) {
                    sync_value(ov, nv);
                }
            }
        }
        // Keys added to or removed from a one-line table would leave its spacing odd
        // (`{ a = 1 , b = 2 }`): only one with the same keys is synced key by key.
        (Value::InlineTable(o), Value::InlineTable(n))
            if o.iter().map(|(k, _)| k).eq(n.iter().map(|(k, _)| k)) =>
        {
            sync_inline(o, n)
        }
        _ => {
            let decor = old.decor().clone();
            *old = new.clone();
            *old.decor_mut() = decor;
        }
    }
}

/// The same value, however it is written.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(a), Value::String(b)) => a.value() == b.value(),
        (Value::Integer(a), Value::Integer(b)) => a.value() == b.value(),
        (Value::Float(a), Value::Float(b)) => {
            a.value() == b.value() || (a.value().is_nan() && b.value().is_nan())
        }
        (Value::Boolean(a), Value::Boolean(b)) => a.value() == b.value(),
        (Value::Datetime(a), Value::Datetime(b)) => a.value() == b.value(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| same(x, y))
        }
        (Value::InlineTable(a), Value::InlineTable(b)) => {
            a.len() == b.len() && a.iter().all(|(k, x)| b.get(k).is_some_and(|y| same(x, y)))
        }
        _ => false,
    }
}

/// A table taken from the fresh text has that text's place; in the user's file it goes after
/// the table before it.
fn unplace(item: &mut Item) {
    match item {
        Item::Table(t) => unplace_table(t),
        Item::ArrayOfTables(a) => a.iter_mut().for_each(unplace_table),
        _ => {}
    }
}

fn unplace_table(t: &mut Table) {
    t.set_position(None);
    for (_, item) in t.iter_mut() {
        unplace(item);
    }
}

#[cfg(test)]
mod tests {
    use super::patch;
    use toml_edit::DocumentMut;

    const FILE: &str = r#"# Our churn plan: edit by hand or in kickoff.
questionnaire = "ml-experiment"
updated = "2026-01-01T00:00:00Z"   # kickoff stamps this

[answers]
# The name the doc is titled with.
project_name = 'Churn v2'
task = "classification"

why_ml = """
Two paragraphs.

Stay."""
baselines = [
  "constant",   # first
  "linear",
]
"#;

    #[test]
    fn only_changed_values_change() {
        let fresh = "questionnaire = \"ml-experiment\"\nupdated = \"2026-01-02T00:00:00Z\"\n\n[answers]\nproject_name = \"Churn v2\"\ntask = \"regression\"\nwhy_ml = \"\"\"\nTwo paragraphs.\n\nStay.\"\"\"\nbaselines = [\"constant\", \"linear\"]\n";
        let out = patch(FILE, fresh).unwrap();
        let changed: Vec<(&str, &str)> = FILE
            .lines()
            .zip(out.lines())
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(
            changed,
            [
                (
                    "updated = \"2026-01-01T00:00:00Z\"   # kickoff stamps this",
                    "updated = \"2026-01-02T00:00:00Z\"   # kickoff stamps this"
                ),
                ("task = \"classification\"", "task = \"regression\"")
            ]
        );
        assert_eq!(FILE.lines().count(), out.lines().count());
    }

    #[test]
    fn added_and_removed_keys_and_tables() {
        let fresh = "questionnaire = \"ml-experiment\"\nupdated = \"2026-01-01T00:00:00Z\"\n\n[answers]\nproject_name = \"Churn v2\"\nwhy_ml = \"\"\"\nTwo paragraphs.\n\nStay.\"\"\"\nbaselines = [\"constant\", \"linear\", \"gbm\"]\nnew_one = 3\n\n[responses.leak]\nstatus = \"fixed\"\n";
        let out = patch(FILE, fresh).unwrap();
        assert!(!out.contains("task ="), "{out}");
        assert!(out.contains("# The name the doc is titled with.\nproject_name = 'Churn v2'"));
        assert!(out.contains("new_one = 3\n"), "{out}");
        assert!(
            out.ends_with("[responses.leak]\nstatus = \"fixed\"\n"),
            "{out}"
        );
        let back: toml::Value = toml::from_str(&out).unwrap();
        assert_eq!(back, toml::from_str::<toml::Value>(fresh).unwrap());
    }

    #[test]
    fn a_row_with_a_new_cell_is_written_anew_and_a_changed_cell_in_place() {
        let file = "rows = [\n  { a = 1,  b = 'x' },   # the first\n  { a = 2 },\n]\n";
        let fresh = "rows = [\n  { a = 1, b = \"y\" },\n  { a = 2, c = true },\n]\n";
        assert_eq!(
            patch(file, fresh).unwrap(),
            "rows = [\n  { a = 1,  b = \"y\" },   # the first\n  { a = 2, c = true },\n]\n"
        );
    }

    /// The in-place patch of a key press writes what the whole-session patch writes.
    #[test]
    fn patching_the_kept_document_is_patching_the_text() {
        use crate::answer::{Answer, Cell, Row};
        let text = "questionnaire = \"q\"\nquestionnaire_version = \"1\"\ncreated = \"2026-01-01T00:00:00Z\"\nupdated = \"2026-01-01T00:00:00Z\"   # stamped\n\n[answers]\n# The name.\nname = 'Churn'\ngone = \"x\"\nrows = [\n  { a = 1 },\n]\n";
        let base = crate::session::Session::from_str(text, std::path::Path::new("s")).unwrap();
        let mut ours = base.clone();
        ours.updated = "2026-02-01T00:00:00Z".into();
        ours.set("name", Some(Answer::Text("Churn v2\nsecond line".into())));
        ours.set("gone", None);
        ours.set("new", Some(Answer::List(vec!["a".into(), "b".into()])));
        ours.set(
            "rows",
            Some(Answer::Records(vec![Row([(
                "a".to_string(),
                Cell::Number(2.0),
            )]
            .into_iter()
            .collect())])),
        );
        let mut doc: DocumentMut = text.parse().unwrap();
        assert!(super::patch_doc(
            &mut doc,
            &base,
            &ours,
            &|_| false,
            &mut Default::default()
        ));
        let whole = patch(text, &ours.to_toml(None)).unwrap();
        assert_eq!(doc.to_string(), whole);
        // Another kind of change (a response, a key of a newer version) is not done in place.
        let mut other = ours.clone();
        other.extra.insert("newer".into(), toml::Value::Integer(1));
        assert!(!super::patch_doc(
            &mut doc,
            &ours,
            &other,
            &|_| false,
            &mut Default::default()
        ));
    }

    #[test]
    fn not_toml_is_none() {
        assert_eq!(patch("a = ", "a = 1\n"), None);
    }
}
