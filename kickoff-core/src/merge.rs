//! A three-way merge of two versions of a session that started from the same one, by question
//! id: an answer changed on one side only is taken from that side; changed on both sides to
//! different values, it is a conflict for the user to decide. Critiques are only ever added,
//! so both sides' are kept. Responses to findings merge by rule id; one changed on both sides
//! is decided by its date (`response::merge`). The reviewer's questions answered
//! (`[followups]`) and answers still in conflict from an earlier merge are unions.
//!
//! [`merge_texts`] is `kickoff merge` (git's merge driver): the result is written into our
//! file as it was (with the comments their side added beside answers, `merge/comments.rs`),
//! true conflicts kept in its `[conflicts]` table for `kickoff resume`.

use std::path::Path;

use crate::answer::Answer;
use crate::session::{AnswerConflict, Session};
use crate::source::FileError;

mod comments;

/// One answer both sides changed, differently.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub question: String,
    /// `None`: cleared on that side.
    pub ours: Option<Answer>,
    pub theirs: Option<Answer>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// Everything that merges cleanly; a conflicting answer holds our side.
    pub session: Session,
    pub conflicts: Vec<Conflict>,
}

/// Merges `ours` and `theirs`, both descended from `base`. Where only the session's own
/// fields differ (the cursor, the times), ours win: they say where this user is. The depth
/// is the plan's: a side that switched to the full interview takes the merge with it.
pub fn merge(base: &Session, ours: &Session, theirs: &Session) -> Merged {
    let mut session = ours.clone();
    if ours.depth == base.depth {
        session.depth = theirs.depth;
    }
    let mut conflicts = Vec::new();
    let ids: std::collections::BTreeSet<&String> = base
        .answers
        .keys()
        .chain(ours.answers.keys())
        .chain(theirs.answers.keys())
        .collect();
    for id in ids {
        let (b, o, t) = (
            base.answers.get(id),
            ours.answers.get(id),
            theirs.answers.get(id),
        );
        if o == t || t == b {
            continue; // ours already holds the result
        }
        if o == b {
            session.set(id, t.cloned());
        } else {
            conflicts.push(Conflict {
                question: id.clone(),
                ours: o.cloned(),
                theirs: t.cloned(),
            });
        }
    }
    // Critiques: theirs, then ours that they do not have, in the order each side added them.
    let mut critiques = theirs.critiques.clone();
    for c in &ours.critiques {
        if !critiques.contains(c) {
            critiques.push(c.clone());
        }
    }
    session.critiques = critiques;
    session.responses = crate::response::merge(&base.responses, &ours.responses, &theirs.responses);
    for (k, v) in &theirs.extra {
        match (session.extra.get_mut(k), v) {
            // Tables such as `[followups]`: the keys of both, ours where both have one.
            (Some(toml::Value::Table(mine)), toml::Value::Table(other)) => {
                for (key, value) in other {
                    mine.entry(key.clone()).or_insert_with(|| value.clone());
                }
            }
            (Some(_), _) => {}
            (None, _) => {
                session.extra.insert(k.clone(), v.clone());
            }
        }
    }
    for (k, c) in &theirs.conflicts {
        session
            .conflicts
            .entry(k.clone())
            .or_insert_with(|| c.clone());
    }
    Merged { session, conflicts }
}

/// What `kickoff merge` did: the text to write over ours, and the questions left in conflict.
#[derive(Debug, Clone, PartialEq)]
pub struct FileMerge {
    pub text: String,
    pub conflicts: Vec<String>,
}

/// A three-way merge of session files' texts (`base` empty: the two were created apart, as in
/// git's add/add). The result is `ours` as written with only the merged values changed; each
/// true conflict is kept in `[conflicts.ID]` with both sides, ours in `[answers]` meanwhile.
/// Errors name the file that is not a session.
pub fn merge_texts(
    (base, base_path): (&str, &Path),
    (ours, ours_path): (&str, &Path),
    (theirs, theirs_path): (&str, &Path),
) -> Result<FileMerge, FileError> {
    let base_text = base;
    let mine = Session::from_str(ours, ours_path)?;
    let other = Session::from_str(theirs, theirs_path)?;
    let base = if base.trim().is_empty() {
        Session {
            answers: Default::default(),
            critiques: Vec::new(),
            responses: Default::default(),
            conflicts: Default::default(),
            extra: Default::default(),
            ..mine.clone()
        }
    } else {
        Session::from_str(base, base_path)?
    };
    let Merged {
        mut session,
        conflicts,
    } = merge(&base, &mine, &other);
    // The later of the two edits is when the merged plan was last changed.
    session.updated = mine.updated.clone().max(other.updated.clone());
    for c in &conflicts {
        session.conflicts.insert(
            c.question.clone(),
            AnswerConflict {
                ours: c.ours.clone(),
                theirs: c.theirs.clone(),
            },
        );
    }
    let fresh = session.to_toml_hiding(&|_| false);
    let text = crate::session::patch(ours, &fresh).unwrap_or(fresh);
    let text = comments::take_theirs(&text, ours, base_text, theirs).unwrap_or(text);
    Ok(FileMerge {
        text,
        conflicts: session.conflicts.keys().cloned().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Critique;

    fn session(answers: &[(&str, &str)]) -> Session {
        let mut s: Session = toml::from_str(
            "questionnaire = \"q\"\nquestionnaire_version = \"1\"\ncreated = \"2026-01-01T00:00:00Z\"\nupdated = \"2026-01-01T00:00:00Z\"\n",
        )
        .unwrap();
        for (k, v) in answers {
            s.set(k, Some(Answer::Text(v.to_string())));
        }
        s
    }

    #[test]
    fn each_side_keeps_what_only_it_changed() {
        let base = session(&[("a", "1"), ("b", "1"), ("c", "1")]);
        let ours = session(&[("a", "ours"), ("b", "1"), ("c", "1"), ("d", "new")]);
        let theirs = session(&[("a", "1"), ("b", "theirs")]); // c cleared there
        let m = merge(&base, &ours, &theirs);
        assert_eq!(m.conflicts, []);
        assert_eq!(
            m.session.answers,
            session(&[("a", "ours"), ("b", "theirs"), ("d", "new")]).answers
        );
    }

    #[test]
    fn the_same_answer_changed_on_both_sides_is_a_conflict_holding_ours() {
        let base = session(&[("a", "1")]);
        let ours = session(&[("a", "mine")]);
        let theirs = session(&[]);
        let m = merge(&base, &ours, &theirs);
        assert_eq!(
            m.conflicts,
            [Conflict {
                question: "a".into(),
                ours: Some(Answer::Text("mine".into())),
                theirs: None,
            }]
        );
        assert_eq!(m.session.answers, ours.answers);
        // The same change on both sides is no conflict.
        assert_eq!(merge(&base, &ours, &ours).conflicts, []);
    }

    #[test]
    fn responses_merge_with_the_answers() {
        use crate::response::{Response, Status};
        let response = |date: &str| Response {
            status: Status::WontFix,
            reason: "r".into(),
            owner: String::new(),
            date: date.into(),
            answers_hash: "h".into(),
            extra: Default::default(),
        };
        let base = session(&[("a", "1")]);
        let mut ours = session(&[("a", "mine")]);
        ours.responses
            .insert("x".into(), response("2026-01-02T00:00:00Z"));
        let mut theirs = base.clone();
        theirs
            .responses
            .insert("x".into(), response("2026-01-01T00:00:00Z"));
        theirs
            .responses
            .insert("y".into(), response("2026-01-01T00:00:00Z"));
        let m = merge(&base, &ours, &theirs);
        assert_eq!(
            m.conflicts,
            [],
            "a response is never a conflict to ask about"
        );
        assert_eq!(
            m.session.responses["x"], ours.responses["x"],
            "the later one"
        );
        assert!(m.session.responses.contains_key("y"));
    }

    #[test]
    fn critiques_from_both_sides_are_kept_once() {
        let critique = |text: &str| Critique {
            text: text.into(),
            ..Critique::default()
        };
        let base = session(&[]);
        let mut ours = base.clone();
        ours.critiques = vec![critique("mine")];
        let mut theirs = base.clone();
        theirs.critiques = vec![critique("theirs")];
        let m = merge(&base, &ours, &theirs);
        let texts: Vec<&str> = m
            .session
            .critiques
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(texts, ["theirs", "mine"]);
        assert_eq!(merge(&base, &m.session, &theirs).session.critiques.len(), 2);
    }

    #[test]
    fn followups_and_earlier_conflicts_are_unions() {
        let base = session(&[]);
        let followups = |pairs: &[(&str, &str)]| {
            let t: toml::Table = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), toml::Value::String(v.to_string())))
                .collect();
            toml::Value::Table(t)
        };
        let mut ours = base.clone();
        ours.extra.insert(
            "followups".into(),
            followups(&[("q1", "ours"), ("q2", "ours")]),
        );
        let mut theirs = base.clone();
        theirs.extra.insert(
            "followups".into(),
            followups(&[("q2", "theirs"), ("q3", "theirs")]),
        );
        theirs
            .conflicts
            .insert("a".into(), crate::session::AnswerConflict::default());
        let m = merge(&base, &ours, &theirs);
        assert_eq!(
            m.session.extra["followups"],
            followups(&[("q1", "ours"), ("q2", "ours"), ("q3", "theirs")])
        );
        assert!(m.session.conflicts.contains_key("a"));
    }

    #[test]
    fn merge_texts_keeps_our_text_and_writes_conflicts_into_it() {
        let head = "questionnaire = \"q\"\nquestionnaire_version = \"1\"\ncreated = \"2026-01-01T00:00:00Z\"\n";
        let file = |updated: &str, answers: &str| {
            format!("{head}updated = \"{updated}\"\n\n[answers]\n{answers}")
        };
        let p = Path::new("x.toml");
        let base = file("2026-01-01T00:00:00Z", "a = \"1\"\nb = \"1\"\n");
        let ours = file("2026-01-02T00:00:00Z", "# mine\na = \"2\"\nb = \"1\"\n");
        let theirs = file("2026-01-03T00:00:00Z", "a = \"3\"\nb = \"3\"\n");
        let m = merge_texts((&base, p), (&ours, p), (&theirs, p)).unwrap();
        assert_eq!(m.conflicts, ["a"]);
        assert_eq!(
            m.text,
            file(
                "2026-01-03T00:00:00Z",
                "# mine\na = \"2\"\nb = \"3\"\n\n[conflicts.a]\nours = \"2\"\ntheirs = \"3\"\n"
            )
        );
        // Created apart (git's add/add): an empty base.
        let m = merge_texts(("", p), (&ours, p), (&ours, p)).unwrap();
        assert_eq!((m.text, m.conflicts), (ours.clone(), Vec::<String>::new()));
        let err = merge_texts((&base, p), (&ours, p), ("a = 1", Path::new("t.toml")));
        assert!(err.unwrap_err().to_string().contains("t.toml"));
    }

    #[test]
    fn a_conflict_on_rows_keeps_both_sides_a_row_a_line() {
        let p = Path::new("x.toml");
        let head = "questionnaire = \"q\"\nquestionnaire_version = \"1\"\ncreated = \"2026-01-01T00:00:00Z\"\nupdated = \"2026-01-01T00:00:00Z\"\n\n[answers]\n";
        let base = format!("{head}s = [{{ a = \"1\" }}]\n");
        let ours = format!("{head}s = [{{ a = \"2\" }}]\n");
        let theirs = format!("{head}s = [{{ a = \"3\" }}, {{ a = \"4\", b = 5 }}]\n");
        let m = merge_texts((&base, p), (&ours, p), (&theirs, p)).unwrap();
        assert!(
            m.text.ends_with(
                "[conflicts.s]\nours = [\n  { a = \"2\" },\n]\ntheirs = [\n  { a = \"3\" },\n  { a = \"4\", b = 5 },\n]\n"
            ),
            "{:?}",
            m.text
        );
        let back = Session::from_str(&m.text, p).unwrap();
        let t = Session::from_str(&theirs, p).unwrap();
        assert_eq!(back.conflicts["s"].theirs.as_ref(), t.answers.get("s"));
    }
}
