//! The LLM reviewer's findings as the front ends, `check` and the doc show them: beside the
//! rules' findings, a finding that repeats a rule's folded into it, and each marked stale when
//! an answer it cites changed since the critique. Also the team's answers to the reviewer's
//! follow-up questions, kept in the session file's `[followups]` table.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::answer::Answers;
use crate::critic::Finding;
use crate::critique_findings::{GENERAL, LlmFinding, answer_hash};
use crate::session::{Critique, Session};

/// One LLM finding, ready to show.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ShownFinding {
    #[serde(flatten)]
    pub finding: LlmFinding,
    /// The rule (its id) whose finding on the same question says the same thing: show it with
    /// that finding ("the reviewer agrees") rather than a second time.
    pub folded_into: Option<String>,
    /// An answer it cites changed since the critique: show it as stale until the next one.
    pub stale: bool,
}

/// The latest critique's findings beside the rules' findings (`rules`, from the bundle's
/// review) for the answers as they are now (`asked`: the review's asked answers).
pub fn llm_findings(rules: &[Finding], critique: &Critique, asked: &Answers) -> Vec<ShownFinding> {
    critique
        .findings
        .iter()
        .map(|f| ShownFinding {
            folded_into: rules.iter().find(|r| repeats(r, f)).map(|r| r.rule.clone()),
            stale: is_stale(f, critique, asked),
            finding: f.clone(),
        })
        .collect()
}

/// The latest critique of a session, if any.
pub fn latest_critique(session: &Session) -> Option<&Critique> {
    session.critiques.last()
}

/// Words that say nothing about a topic.
const STOP_WORDS: &[&str] = &[
    "about", "above", "after", "again", "also", "answer", "because", "been", "before", "being",
    "could", "does", "doing", "each", "even", "every", "first", "from", "have", "here", "into",
    "just", "make", "more", "most", "much", "must", "need", "only", "other", "over", "same",
    "should", "some", "such", "than", "that", "their", "them", "then", "there", "these", "they",
    "this", "those", "very", "what", "when", "where", "which", "while", "will", "with", "without",
    "would", "your",
];

/// The content words of a text: lower case, four letters or more, no stop words, a plural
/// `s` dropped so `metrics` meets `metric`.
fn topic_words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 4 && !STOP_WORDS.contains(&w.as_str()))
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() >= 4 && !stem.ends_with('s') => stem.to_string(),
            _ => w,
        })
        .collect()
}

/// Whether an LLM finding says what a rule finding already says: on the same question (the
/// rule's own or one it reads), and either sharing a third of their content words (at least
/// two), or naming the rule's topic (the words of its id, at least two of them).
pub fn repeats(rule: &Finding, llm: &LlmFinding) -> bool {
    let same_question = rule.question == llm.question || rule.questions.contains(&llm.question);
    if !same_question || llm.question == GENERAL {
        return false;
    }
    let ours = topic_words(&format!("{} {}", llm.message, llm.evidence));
    let theirs = topic_words(&rule.message);
    let shared = ours.intersection(&theirs).count();
    let smaller = ours.len().min(theirs.len()).max(1);
    if shared >= 2 && shared * 3 >= smaller {
        return true;
    }
    let topic = topic_words(&rule.rule.replace(['-', '_'], " "));
    let named = topic.iter().filter(|w| ours.contains(*w)).count();
    named >= 2 || (named == 1 && topic.len() == 1)
}

/// Whether an answer the finding cites (its `cites`, else its question) changed since the
/// critique: its hash now differs from the one saved with the critique, or it was answered or
/// cleared since. A critique saved without per-answer hashes (before they were kept) is stale
/// when any answer changed.
pub fn is_stale(f: &LlmFinding, critique: &Critique, asked: &Answers) -> bool {
    if critique.answer_hashes.is_empty() {
        return critique.answers_hash != crate::session::answers_hash(asked);
    }
    let own = [f.question.clone()];
    let cites = if f.cites.is_empty() {
        &own[..]
    } else {
        &f.cites[..]
    };
    cites.iter().filter(|q| q.as_str() != GENERAL).any(|q| {
        let now = asked.get(q).filter(|a| !a.is_empty()).map(answer_hash);
        now.as_ref() != critique.answer_hashes.get(q)
    })
}

/// The session file's table of answers to the reviewer's follow-up questions, by the text of
/// the question asked:
///
/// ```toml
/// [followups]
/// "How was the 2% positive rate measured?" = "On the last 90 days of orders."
/// ```
pub const FOLLOWUPS_KEY: &str = "followups";

/// The team's answers to follow-up questions, by the question's text; empty answers left out.
pub fn followup_answers(session: &Session) -> BTreeMap<String, String> {
    let Some(toml::Value::Table(t)) = session.extra.get(FOLLOWUPS_KEY) else {
        return BTreeMap::new();
    };
    t.iter()
        .filter_map(|(ask, v)| Some((ask.clone(), v.as_str()?.to_string())))
        .filter(|(_, a)| !a.trim().is_empty())
        .collect()
}

/// Sets (or, with an empty answer, removes) the answer to a follow-up question.
pub fn set_followup_answer(session: &mut Session, ask: &str, answer: &str) {
    let entry = session
        .extra
        .entry(FOLLOWUPS_KEY.to_string())
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if !entry.is_table() {
        *entry = toml::Value::Table(toml::Table::new());
    }
    let table = entry.as_table_mut().expect("made a table above");
    if answer.trim().is_empty() {
        table.remove(ask);
    } else {
        table.insert(ask.to_string(), toml::Value::String(answer.to_string()));
    }
    if table.is_empty() {
        session.extra.remove(FOLLOWUPS_KEY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Answer;
    use crate::critic::Severity;
    use crate::critique_findings::answer_hashes;

    fn rule(id: &str, question: &str, reads: &[&str], message: &str) -> Finding {
        Finding {
            rule: id.into(),
            severity: Severity::Blocker,
            question: question.into(),
            questions: reads.iter().map(|s| s.to_string()).collect(),
            section: "s".into(),
            message: message.into(),
            reference: String::new(),
            response: None,
        }
    }

    fn llm(question: &str, message: &str, cites: &[&str]) -> LlmFinding {
        LlmFinding {
            question: question.into(),
            severity: Severity::Warning,
            message: message.into(),
            evidence: String::new(),
            cites: cites.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Answer::Text(v.to_string())))
            .collect()
    }

    #[test]
    fn a_finding_that_repeats_a_rule_on_the_same_question_is_folded() {
        let r = rule(
            "accuracy-on-imbalance",
            "metrics",
            &["metrics", "positive_rate"],
            "Accuracy at a positive rate of 0.02 rewards predicting the majority class; use PR-AUC or recall at a fixed precision.",
        );
        // Same words.
        let same = llm(
            "metrics",
            "With 2% positives, accuracy rewards the majority class. Report PR-AUC instead.",
            &[],
        );
        assert!(repeats(&r, &same));
        // Same topic by the rule's id words, on a question the rule reads.
        let topic = llm(
            "positive_rate",
            "The imbalance makes plain accuracy useless here.",
            &[],
        );
        assert!(repeats(&r, &topic));
        // Same question, another topic.
        let other = llm(
            "metrics",
            "Nobody owns the metric dashboard; name an owner and an alert threshold.",
            &[],
        );
        assert!(!repeats(&r, &other));
        // Same words, another question.
        let elsewhere = llm(
            "notes",
            "Accuracy rewards the majority class; use PR-AUC.",
            &[],
        );
        assert!(!repeats(&r, &elsewhere));
        assert!(!repeats(&r, &llm(GENERAL, &same.message, &[])));

        let critique = Critique {
            findings: vec![same, other],
            ..Critique::default()
        };
        let shown = llm_findings(&[r], &critique, &Answers::new());
        assert_eq!(
            shown[0].folded_into.as_deref(),
            Some("accuracy-on-imbalance")
        );
        assert_eq!(shown[1].folded_into, None);
    }

    #[test]
    fn a_finding_is_stale_when_an_answer_it_cites_changed() {
        let then = answers(&[("metrics", "accuracy"), ("notes", "transformer first")]);
        let critique = Critique {
            answers_hash: crate::session::answers_hash(&then),
            answer_hashes: answer_hashes(&then, &|_| true),
            findings: vec![
                llm("metrics", "a", &["metrics", "notes"]),
                llm("metrics", "b", &[]),
                llm(GENERAL, "c", &[]),
                llm("tags", "d", &["tags"]),
            ],
            ..Critique::default()
        };
        let stale = |now: &Answers| -> Vec<bool> {
            llm_findings(&[], &critique, now)
                .iter()
                .map(|s| s.stale)
                .collect()
        };
        assert_eq!(stale(&then), [false, false, false, false]);
        // `notes` changed: only the finding that cites it.
        let notes = answers(&[("metrics", "accuracy"), ("notes", "trees first")]);
        assert_eq!(stale(&notes), [true, false, false, false]);
        // `tags` answered since (it was empty): the finding about it is stale.
        let mut tags = then.clone();
        tags.insert("tags".into(), Answer::List(vec!["x".into()]));
        assert_eq!(stale(&tags), [false, false, false, true]);
        // `metrics` cleared.
        let cleared = answers(&[("notes", "transformer first")]);
        assert_eq!(stale(&cleared), [true, true, false, false]);
    }

    #[test]
    fn an_old_critique_without_answer_hashes_is_stale_when_any_answer_changed() {
        let then = answers(&[("metrics", "accuracy")]);
        let critique = Critique {
            answers_hash: crate::session::answers_hash(&then),
            findings: vec![llm("metrics", "a", &[])],
            ..Critique::default()
        };
        assert!(!llm_findings(&[], &critique, &then)[0].stale);
        let now = answers(&[("metrics", "accuracy"), ("x", "y")]);
        assert!(llm_findings(&[], &critique, &now)[0].stale);
    }

    #[test]
    fn followup_answers_live_in_their_own_table() {
        let q = crate::questionnaire::Questionnaire::from_str(
            include_str!("../tests/fixtures/mini.toml"),
            std::path::Path::new("mini.toml"),
        )
        .unwrap();
        let mut s = Session::new(&q);
        set_followup_answer(&mut s, "How was \"2%\" measured?", "On 90 days.");
        set_followup_answer(&mut s, "Who owns it?", "  ");
        let text = s.to_toml(Some(&q));
        assert!(text.contains("[followups]"), "{text}");
        let back = Session::from_str(&text, std::path::Path::new("s.toml")).unwrap();
        assert_eq!(
            followup_answers(&back),
            BTreeMap::from([("How was \"2%\" measured?".into(), "On 90 days.".into())])
        );
        let mut back = back;
        set_followup_answer(&mut back, "How was \"2%\" measured?", "");
        assert!(!back.to_toml(Some(&q)).contains("followups"));
    }
}
