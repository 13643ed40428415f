//! A three-way merge of two versions of a session that started from the same one, by question
//! id: an answer changed on one side only is taken from that side; changed on both sides to
//! different values, it is a conflict for the user to decide. Critiques are only ever added,
//! so both sides' are kept. Responses to findings merge by rule id; one changed on both sides
//! is decided by its date (`response::merge`).

use crate::answer::Answer;
use crate::session::Session;

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
/// fields differ (the cursor, the times), ours win: they say where this user is.
pub fn merge(base: &Session, ours: &Session, theirs: &Session) -> Merged {
    let mut session = ours.clone();
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
        session.extra.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Merged { session, conflicts }
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
}
