//! The LLM reviewer's findings as the front ends, `check` and the doc show them: beside the
//! rules' findings, a finding that repeats a rule's folded into it, and each marked stale when
//! an answer it cites changed since the critique. Each has a stable id (`llm:QUESTION:HASH`)
//! that the team's responses are keyed by, like a rule's id. Also the team's answers to the
//! reviewer's follow-up questions, kept in the session file's `[followups]` table.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::answer::Answers;
use crate::critic::Finding;
use crate::critique_findings::{FollowUp, GENERAL, LlmFinding, answer_hash};
use crate::response::{FindingResponse, Response, Status};
use crate::session::{Critique, Session};

/// One LLM finding, ready to show.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ShownFinding {
    #[serde(flatten)]
    pub finding: LlmFinding,
    /// Its stable id ([`finding_id`]): what a response is keyed by.
    pub id: String,
    /// The rule (its id) whose finding on the same question says the same thing: show it with
    /// that finding ("the reviewer agrees") rather than a second time.
    pub folded_into: Option<String>,
    /// An answer it cites changed since the critique: show it as stale until the next one.
    pub stale: bool,
    /// The team's response to it, if any (set by [`attach_responses`]).
    pub response: Option<FindingResponse>,
}

impl ShownFinding {
    /// Whether it is about question `id`: its own question, or one whose answer it quotes.
    pub fn is_about(&self, id: &str) -> bool {
        self.finding.question == id || self.finding.cites.iter().any(|c| c == id)
    }
}

/// What every LLM finding's id starts with. Rule ids have no `:` (they are checked at load), so
/// the two never meet.
pub const ID_PREFIX: &str = "llm:";

/// Whether a finding id (as `kickoff respond` and the session's `[responses]` name it) is an
/// LLM finding's rather than a rule's.
pub fn is_llm_id(id: &str) -> bool {
    id.starts_with(ID_PREFIX)
}

/// A finding's stable id: `llm:QUESTION:HASH`, the hash of its message. The same point made
/// again in a later critique, word for word, keeps its id and so its response.
pub fn finding_id(f: &LlmFinding) -> String {
    let hash = crate::answer::short_hash(f.message.trim().as_bytes());
    format!("{ID_PREFIX}{}:{}", f.question, &hash[..6])
}

/// The questions a finding rests on: its `cites`, else its own question; never [`GENERAL`].
fn rests_on(f: &LlmFinding) -> impl Iterator<Item = &str> {
    let own = f.cites.is_empty().then_some(f.question.as_str());
    f.cites
        .iter()
        .map(String::as_str)
        .chain(own)
        .filter(|q| *q != GENERAL)
}

/// The hash of the answers a finding rests on, as they are in `asked`: what a response to it
/// records, and what makes the response stale.
pub fn response_hash(f: &LlmFinding, asked: &Answers) -> String {
    let ids: Vec<&str> = rests_on(f).collect();
    let read: Answers = asked
        .iter()
        .filter(|(id, _)| ids.contains(&id.as_str()))
        .map(|(id, a)| (id.clone(), a.clone()))
        .collect();
    crate::answer::answers_hash(&read)
}

/// A new response to an LLM finding as the answers are now, after checking that the status
/// has what it needs; the date is left for the caller to stamp.
pub fn new_response(
    f: &LlmFinding,
    asked: &Answers,
    status: Status,
    reason: &str,
    owner: &str,
) -> Result<Response, crate::response::Incomplete> {
    Response::new(status, reason, owner, response_hash(f, asked))
}

/// The latest critique's finding with this id, if any.
pub fn find<'a>(session: &'a Session, id: &str) -> Option<&'a LlmFinding> {
    latest_critique(session)?
        .findings
        .iter()
        .find(|f| finding_id(f) == id)
}

/// The latest critique's findings beside the rules' findings (`rules`, from the bundle's
/// review) for the answers as they are now (`asked`: the review's asked answers).
pub fn llm_findings(rules: &[Finding], critique: &Critique, asked: &Answers) -> Vec<ShownFinding> {
    shown(rules, &critique.findings, |f| is_stale(f, critique, asked))
}

/// Findings still streaming in (not saved yet): none is stale.
pub fn streaming_findings(rules: &[Finding], findings: &[LlmFinding]) -> Vec<ShownFinding> {
    shown(rules, findings, |_| false)
}

fn shown(
    rules: &[Finding],
    findings: &[LlmFinding],
    stale: impl Fn(&LlmFinding) -> bool,
) -> Vec<ShownFinding> {
    findings
        .iter()
        .map(|f| ShownFinding {
            id: finding_id(f),
            folded_into: rules.iter().find(|r| repeats(r, f)).map(|r| r.rule.clone()),
            stale: stale(f),
            response: None,
            finding: f.clone(),
        })
        .collect()
}

/// Sets each finding's `response` from the session's responses (keyed by [`finding_id`]).
pub fn attach_responses(
    shown: &mut [ShownFinding],
    responses: &BTreeMap<String, Response>,
    asked: &Answers,
) {
    for f in shown {
        f.response = responses
            .get(&f.id)
            .map(|r| r.shown(&response_hash(&f.finding, asked)));
    }
}

/// A session's LLM findings as the front ends, `check` and the doc show them: the latest
/// critique's, beside the rules' findings, stale or not, with the team's responses.
pub fn session_findings(
    session: &Session,
    rules: &[Finding],
    asked: &Answers,
) -> Vec<ShownFinding> {
    let Some(critique) = latest_critique(session) else {
        return Vec::new();
    };
    let mut out = llm_findings(rules, critique, asked);
    attach_responses(&mut out, &session.responses, asked);
    out
}

/// The latest critique's follow-up questions, each with the team's answer (empty when none).
pub fn followups(session: &Session) -> Vec<(FollowUp, String)> {
    let answers = followup_answers(session);
    latest_critique(session)
        .map(|c| {
            c.follow_up_questions
                .iter()
                .map(|f| (f.clone(), answers.get(&f.ask).cloned().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default()
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
pub use crate::session::FOLLOWUPS_KEY;

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
    use crate::response::Status;

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
    fn a_finding_id_is_stable_and_names_its_question() {
        let a = llm("metrics", "Accuracy hides the minority class.", &[]);
        let id = finding_id(&a);
        assert!(id.starts_with("llm:metrics:"), "{id}");
        assert_eq!(id.len(), "llm:metrics:".len() + 6);
        assert!(is_llm_id(&id) && !is_llm_id("group-leak"));
        // A rule may be about LLMs; its id can never look like a finding's.
        assert!(!is_llm_id("llm-for-non-language"));
        assert!(!crate::questionnaire::is_valid_id(&id));
        // The same words (but for surrounding space) and question: the same id, whatever the
        // severity, evidence or cites; other words or another question: another id.
        let mut again = llm(
            "metrics",
            "  Accuracy hides the minority class.\n",
            &["notes"],
        );
        again.severity = Severity::Blocker;
        again.evidence = "accuracy".into();
        assert_eq!(finding_id(&again), id);
        assert_ne!(finding_id(&llm("metrics", "Accuracy hides it.", &[])), id);
        assert_ne!(
            finding_id(&llm("notes", "Accuracy hides the minority class.", &[])),
            id
        );
    }

    #[test]
    fn a_response_to_an_llm_finding_goes_stale_when_an_answer_it_rests_on_changes() {
        let then = answers(&[("metrics", "accuracy"), ("notes", "x"), ("other", "y")]);
        let f = llm(
            "metrics",
            "Accuracy hides the minority class.",
            &["metrics", "notes"],
        );
        let critique = Critique {
            answer_hashes: answer_hashes(&then, &|_| true),
            findings: vec![f.clone(), llm(GENERAL, "No owner is named.", &[])],
            ..Critique::default()
        };
        let q = crate::questionnaire::Questionnaire::from_str(
            include_str!("../../tests/fixtures/mini.toml"),
            std::path::Path::new("mini.toml"),
        )
        .unwrap();
        let mut session = Session::new_at(&q, "2026-12-07T10:00:00Z");
        session.critiques.push(critique);
        let r = new_response(&f, &then, Status::AcceptedRisk, " shadow only ", "Priya").unwrap();
        assert_eq!(r.reason, "shadow only");
        session.responses.insert(finding_id(&f), r);
        assert!(new_response(&f, &then, Status::AcceptedRisk, "why", "").is_err());
        let general = &session.critiques[0].findings[1];
        let r = new_response(general, &then, Status::WontFix, "later", "").unwrap();
        session.responses.insert(finding_id(general), r);

        let shown = session_findings(&session, &[], &then);
        let response = shown[0].response.as_ref().unwrap();
        assert!(response.waives && !response.stale);
        assert_eq!(find(&session, &shown[1].id), Some(general));
        assert!(find(&session, "llm:metrics:000000").is_none());
        // An answer it does not rest on changes: the response still counts.
        let other = answers(&[("metrics", "accuracy"), ("notes", "x"), ("other", "z")]);
        let shown = session_findings(&session, &[], &other);
        assert!(shown[0].response.as_ref().unwrap().waives);
        // One it cites changes: stale, and it no longer waives. A general finding that
        // cites nothing rests on no answer, so its response stays.
        let notes = answers(&[("metrics", "accuracy"), ("notes", "changed")]);
        let shown = session_findings(&session, &[], &notes);
        let response = shown[0].response.as_ref().unwrap();
        assert!(response.stale && !response.waives && shown[0].stale);
        assert!(shown[1].response.as_ref().unwrap().waives);
    }

    #[test]
    fn streaming_findings_are_never_stale_and_fold_like_saved_ones() {
        let r = rule(
            "accuracy-on-imbalance",
            "metrics",
            &["metrics"],
            "Accuracy rewards the majority class; use PR-AUC.",
        );
        let shown = streaming_findings(
            &[r],
            &[llm(
                "metrics",
                "Accuracy rewards the majority class here.",
                &[],
            )],
        );
        assert!(!shown[0].stale);
        assert_eq!(
            shown[0].folded_into.as_deref(),
            Some("accuracy-on-imbalance")
        );
    }

    #[test]
    fn followup_answers_live_in_their_own_table() {
        let q = crate::questionnaire::Questionnaire::from_str(
            include_str!("../../tests/fixtures/mini.toml"),
            std::path::Path::new("mini.toml"),
        )
        .unwrap();
        let mut s = Session::new_at(&q, "2026-12-07T10:00:00Z");
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
