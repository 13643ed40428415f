//! The comments of a merge: the result is our file as written, and the comments around each
//! answer merge three ways too, so a comment their side added or changed beside an answer
//! (above it, or after it on its line) is kept when ours left that one as it was.

use toml_edit::{Decor, DocumentMut, Item, Table};

/// `merged` (our text with the merged values) with, for each answer, their comments where only
/// they changed them since `base`. `None` if a text is not TOML.
pub fn take_theirs(merged: &str, ours: &str, base: &str, theirs: &str) -> Option<String> {
    let mut doc: DocumentMut = merged.parse().ok()?;
    let ours: DocumentMut = ours.parse().ok()?;
    let base: DocumentMut = base.parse().unwrap_or_default();
    let theirs: DocumentMut = theirs.parse().ok()?;
    let (Some(t), Some(result)) = (answers(&theirs), answers_mut(&mut doc)) else {
        return Some(merged.to_string());
    };
    let (o, b) = (answers(&ours), answers(&base));
    for (id, _) in t.iter() {
        let mine = o.and_then(|o| decor(o, id));
        let was = b.and_then(|b| decor(b, id));
        let Some(their) = decor(t, id) else {
            continue;
        };
        if mine != was || Some(&their) == was.as_ref() {
            continue;
        }
        if let Some((mut key, item)) = result.get_key_value_mut(id) {
            *key.leaf_decor_mut() = their.0;
            if let (Some(value), Some(d)) = (item.as_value_mut(), their.1) {
                *value.decor_mut() = d;
            }
        }
    }
    Some(doc.to_string())
}

fn answers(doc: &DocumentMut) -> Option<&Table> {
    doc.get("answers").and_then(Item::as_table)
}

fn answers_mut(doc: &mut DocumentMut) -> Option<&mut Table> {
    doc.get_mut("answers").and_then(Item::as_table_mut)
}

/// What surrounds an answer: before its key (comment lines above), and around its value (the
/// comment after it on its line).
fn decor(table: &Table, id: &str) -> Option<(Decor, Option<Decor>)> {
    let key = table.key(id)?;
    let item = table.get(id)?;
    Some((
        key.leaf_decor().clone(),
        item.as_value().map(|v| v.decor().clone()),
    ))
}

#[cfg(test)]
mod tests {
    use super::take_theirs;

    #[test]
    fn comments_only_they_changed_come_over() {
        let base = "[answers]\na = 1\nb = 2\nc = 3\n";
        let ours = "[answers]\na = 1  # ours\nb = 2\nc = 3\n";
        let theirs = "[answers]\n# why a\na = 1  # theirs\n# why b\nb = 2\nc = 3  # about c\n";
        let out = take_theirs(ours, ours, base, theirs).unwrap();
        // a: both changed its comments, ours stay; b and c: only theirs did.
        assert_eq!(
            out,
            "[answers]\na = 1  # ours\n# why b\nb = 2\nc = 3  # about c\n"
        );
    }
}
