//! The session file: which questionnaire, the answers by question id, where the user was, and
//! the critiques received. Saved atomically; never holds a secret.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::answer::{Answer, Answers};
pub use crate::answer::{answers_hash, short_hash};
use crate::questionnaire::{Questionnaire, check_answer};
use crate::response::Response;
use crate::source::{FileError, Problem, parse_toml};

mod patch;
mod upgrade;

pub use patch::{Cleared, patch, patch_doc, patch_into};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Session {
    /// Id of the questionnaire the answers belong to.
    pub questionnaire: String,
    pub questionnaire_version: String,
    /// Path of a questionnaire file that is not built in, relative to the session file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaire_path: Option<String>,
    /// When the plan was started and last answered (RFC 3339). Missing in a hand-written file,
    /// they read as empty and [`Session::from_str`] says which to write.
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub updated: String,
    /// How much of the questionnaire the interview asks: everything, or only the questions
    /// marked `essential` (`kickoff new --quick`). Written only when quick.
    #[serde(default, skip_serializing_if = "Depth::is_full")]
    pub depth: Depth,
    /// The question the user is on, so a resumed interview starts there. Kept out of the
    /// file (it is not the team's plan, and would make its history noise): in the user's state
    /// directory (the `kickoff` crate's `state`). Read from a file of an older version that still has it; the key
    /// goes with the next save.
    #[serde(default, skip_serializing)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub answers: Answers,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub critiques: Vec<Critique>,
    /// The team's responses to findings, by rule id (`[responses.RULE_ID]`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub responses: BTreeMap<String, Response>,
    /// Answers a merge (`kickoff merge`, git's merge driver) found changed differently on both
    /// sides, by question id (`[conflicts.ID]`): both versions kept until the user picks one in
    /// `kickoff resume`. `answers` holds ours meanwhile; `check` and `render` refuse the file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub conflicts: BTreeMap<String, AnswerConflict>,
    /// Keys this version does not know, kept so that nothing is lost on save.
    #[serde(flatten)]
    pub extra: BTreeMap<String, toml::Value>,
}

/// How much of the questionnaire a session's interview asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Depth {
    /// Every question whose condition holds.
    #[default]
    Full,
    /// Only the questions marked `essential`, and any other already answered: a 15-minute
    /// kickoff. The rest is asked when the session is switched to full; no answer is lost.
    Quick,
}

/// Read from `depth = "quick"` or `"full"`; anything else is named in the error, whatever
/// its type.
impl<'de> Deserialize<'de> for Depth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Depth, D::Error> {
        let v = toml::Value::deserialize(d)?;
        match v.as_str() {
            Some("full") => Ok(Depth::Full),
            Some("quick") => Ok(Depth::Quick),
            _ => Err(serde::de::Error::custom(format!(
                "`depth` is \"quick\" or \"full\", not {v}"
            ))),
        }
    }
}

impl Depth {
    pub fn is_full(&self) -> bool {
        *self == Depth::Full
    }

    pub fn name(self) -> &'static str {
        match self {
            Depth::Full => "full",
            Depth::Quick => "quick",
        }
    }
}

/// One answer changed differently on both sides of a merge, as the file keeps it. A side
/// that cleared the answer has no value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct AnswerConflict {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ours: Option<Answer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theirs: Option<Answer>,
}

/// A critique by an LLM, as saved.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Critique {
    pub provider: String,
    pub model: String,
    pub created: String,
    /// Hash of the rendered prompts; with `answers_hash` and `model` the cache key.
    pub prompt_hash: String,
    pub answers_hash: String,
    pub text: String,
    /// The stream broke after some text arrived; `text` is what arrived.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<u64>,
    /// `output_tokens` was counted from the stream because the server reported no usage.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tokens_counted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
    /// Input tokens the provider read from its prompt cache (OpenAI `cached_tokens`,
    /// Anthropic `cache_read_input_tokens`), when it reports them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input_tokens: Option<u64>,
    /// Input tokens written to the provider's prompt cache (Anthropic
    /// `cache_creation_input_tokens`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_tokens: Option<u64>,
    /// A structured critique's verdict: one or two sentences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    /// A structured critique's findings (`text` shows them too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<crate::critique_findings::LlmFinding>,
    /// The questions the reviewer asked back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_up_questions: Vec<crate::critique_findings::FollowUp>,
    /// The hash of each answer sent, by question id: a finding whose cited answers changed
    /// since is stale.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answer_hashes: BTreeMap<String, String>,
    /// What went differently from the request: structured output refused (plain text asked
    /// instead), or a reply that broke the schema (kept as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Every string and key of `v` without control characters (but newline and tab).
fn clean_value(v: &mut toml::Value) {
    let clean = |s: &str| crate::answer::without_controls(s).into_owned();
    match v {
        toml::Value::String(s) => *s = clean(s),
        toml::Value::Array(items) => items.iter_mut().for_each(clean_value),
        toml::Value::Table(t) => {
            *t = std::mem::take(t)
                .into_iter()
                .map(|(k, mut v)| {
                    clean_value(&mut v);
                    (clean(&k), v)
                })
                .collect();
        }
        _ => {}
    }
}

/// The table of the answers to the LLM reviewer's questions (`[followups]`), kept among the
/// keys this module does not read itself (`crate::reviewer` does).
pub const FOLLOWUPS_KEY: &str = "followups";

impl Session {
    /// A new session of `q`, created at `now`.
    pub fn new_at(q: &Questionnaire, now: &str) -> Session {
        let t = now.to_string();
        Session {
            questionnaire: q.id.clone(),
            questionnaire_version: q.version.clone(),
            questionnaire_path: None,
            created: t.clone(),
            updated: t,
            depth: Depth::Full,
            cursor: None,
            answers: Answers::new(),
            critiques: Vec::new(),
            responses: BTreeMap::new(),
            conflicts: BTreeMap::new(),
            extra: BTreeMap::new(),
        }
    }

    /// Parses a session file; `created` and `updated` must be times (RFC 3339), so a doc's
    /// dates and the file's history mean something.
    pub fn from_str(source: &str, path: &Path) -> Result<Session, FileError> {
        let mut session: Session = parse_toml(source, path)?;
        session.strip_controls(source);
        #[derive(Deserialize)]
        struct TimeLines {
            created: toml::Spanned<String>,
            updated: toml::Spanned<String>,
        }
        let lines = crate::source::Lines::<TimeLines>::new(source);
        let mut problems = Vec::new();
        for (field, value) in [("created", &session.created), ("updated", &session.updated)] {
            if humantime::parse_rfc3339_weak(value).is_err() {
                problems.push(Problem {
                    line: lines.of(|l| {
                        Some(if field == "created" {
                            &l.created
                        } else {
                            &l.updated
                        })
                    }),
                    subject: format!("`{field}`"),
                    question: None,
                    message: if value.is_empty() {
                        format!(
                            "is missing: write when the plan was {}, like 2026-11-20T09:00:00Z",
                            if field == "created" {
                                "started"
                            } else {
                                "last changed"
                            }
                        )
                    } else {
                        format!("`{value}` is not a time; write it like 2026-11-20T09:00:00Z")
                    },
                });
            }
        }
        if problems.is_empty() {
            Ok(session)
        } else {
            Err(FileError::Invalid {
                path: path.to_path_buf(),
                problems,
            })
        }
    }

    /// Takes control characters (escape sequences, carriage returns, NUL) out of every text in
    /// the file, names included: answers and their ids, both sides of a conflict, responses,
    /// saved critiques, unknown keys. A file edited by hand or by a hostile change cannot reach
    /// a terminal through `check`, `diff` or `git diff`'s textconv, nor the doc. A TOML string
    /// holds a control character only through an escape, and a bidi control as it is or
    /// through an escape, so a file with neither is left as is.
    fn strip_controls(&mut self, source: &str) {
        const ESCAPES: [&str; 7] = ["\\u", "\\U", "\\b", "\\f", "\\e", "\\r", "\\x"];
        if !ESCAPES.iter().any(|e| source.contains(e))
            && !source.chars().any(crate::text::is_bidi_control)
        {
            return;
        }
        let cleaned = toml::Value::try_from(&*self).ok().and_then(|mut v| {
            clean_value(&mut v);
            v.try_into::<Session>().ok()
        });
        match cleaned {
            Some(s) => *self = s,
            // Not expected; the answers at least.
            None => self.answers.values_mut().for_each(Answer::strip_controls),
        }
    }

    /// A note for each top-level key kickoff does not read (kept as written, so a newer
    /// version's keys survive a save): a typo such as `dpeth` would otherwise pass unseen.
    pub fn unknown_keys(&self) -> Vec<Problem> {
        const KNOWN: &[&str] = &[
            "questionnaire",
            "questionnaire_version",
            "questionnaire_path",
            "created",
            "updated",
            "depth",
            "cursor",
            "answers",
            "critiques",
            "responses",
            "conflicts",
        ];
        self.extra
            .keys()
            .filter(|k| k.as_str() != FOLLOWUPS_KEY && !crate::freeze::KEYS.contains(&k.as_str()))
            .map(|k| {
                let near = KNOWN.iter().find(|known| crate::text::close(k, known));
                Problem {
                    line: None,
                    subject: crate::locate::key_subject(k),
                    question: None,
                    message: format!(
                        "unknown, kept as written but not read{}",
                        near.map(|n| format!(" (did you mean `{n}`?)"))
                            .unwrap_or_default()
                    ),
                }
            })
            .collect()
    }

    /// Everything in the answers that does not fit the questionnaire, each naming its question.
    /// The answers themselves are left as they are.
    pub fn problems(&self, q: &Questionnaire) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.questionnaire != q.id {
            out.push(Problem {
                line: None,
                subject: "session".into(),
                question: None,
                message: format!(
                    "written for questionnaire `{}`, not `{}`",
                    self.questionnaire, q.id
                ),
            });
        } else if self.questionnaire_version != q.version {
            out.push(Problem {
                line: None,
                subject: "session".into(),
                question: None,
                message: format!(
                    "written for version {} of `{}`, this is version {}",
                    self.questionnaire_version, q.id, q.version
                ),
            });
        }
        for (id, answer) in &self.answers {
            let subject = format!("answer `{id}`");
            match q.get(id) {
                None => out.push(Problem {
                    line: None,
                    subject,
                    question: Some(id.clone()),
                    message: "no such question in this questionnaire (kept as is)".into(),
                }),
                Some(question) if !answer.is_empty() => {
                    for message in check_answer(question, answer) {
                        out.push(Problem {
                            line: None,
                            subject: subject.clone(),
                            question: Some(id.clone()),
                            message,
                        });
                    }
                }
                Some(_) => {}
            }
        }
        out
    }

    /// Whether the two hold the same plan: everything but `updated` and the place the user is
    /// on (`cursor`), which are not the team's content.
    pub fn same_content(&self, other: &Session) -> bool {
        self.questionnaire == other.questionnaire
            && self.questionnaire_version == other.questionnaire_version
            && self.questionnaire_path == other.questionnaire_path
            && self.created == other.created
            && self.depth == other.depth
            && self.answers == other.answers
            && self.critiques == other.critiques
            && self.responses == other.responses
            && self.conflicts == other.conflicts
            && self.extra == other.extra
    }

    /// Gives the responses not yet dated (made in the interview since the last save) this time.
    pub fn stamp_responses(&mut self, stamp: &str) {
        for r in self.responses.values_mut().filter(|r| r.date.is_empty()) {
            r.date = stamp.to_string();
        }
    }

    /// Sets or clears (on an empty answer) one answer.
    pub fn set(&mut self, id: &str, answer: Option<Answer>) {
        match answer {
            Some(a) if !a.is_empty() => {
                self.answers.insert(id.to_string(), a);
            }
            _ => {
                self.answers.remove(id);
            }
        }
    }

    /// The TOML text as saved: secret answers left out.
    pub fn to_toml(&self, q: Option<&Questionnaire>) -> String {
        self.to_toml_hiding(&|id| q.is_some_and(|q| q.get(id).is_some_and(|x| x.secret)))
    }

    /// The TOML text with the answers `secret` names left out. Rows of records answers are
    /// written as an array of inline tables, one row a line, so a file diffs by row.
    pub fn to_toml_hiding(&self, secret: &dyn Fn(&str) -> bool) -> String {
        let text = self.to_toml_answers_inline(secret);
        let rows_in_conflict = self.conflicts.values().any(|c| {
            [&c.ours, &c.theirs]
                .into_iter()
                .any(|a| matches!(a, Some(Answer::Records(_))))
        });
        if rows_in_conflict {
            return patch::inline_conflict_rows(&text).unwrap_or(text);
        }
        text
    }

    fn to_toml_answers_inline(&self, secret: &dyn Fn(&str) -> bool) -> String {
        let has_records = self
            .answers
            .values()
            .any(|a| matches!(a, Answer::Records(_)));
        let mut copy;
        let mut this = self;
        if has_records || self.answers.keys().any(|k| secret(k)) {
            copy = self.clone();
            copy.answers.retain(|k, _| !secret(k));
            // toml writes rows as `[[answers.id]]` sections: they stand in as empty strings,
            // replaced below by the inline array.
            for a in copy.answers.values_mut() {
                if matches!(a, Answer::Records(_)) {
                    *a = Answer::Text(String::new());
                }
            }
            this = &copy;
        }
        let text = toml::to_string_pretty(this).expect("a session always serialises");
        if !has_records {
            return text;
        }
        inline_records(text, &self.answers, secret).unwrap_or_else(|| {
            // Rows as `[[answers.id]]` sections: longer, but the same values.
            let mut copy = self.clone();
            copy.answers.retain(|k, _| !secret(k));
            toml::to_string_pretty(&copy).expect("a session always serialises")
        })
    }
}

/// Puts each records answer, written as an empty string in `text`, back as an array of inline
/// tables, at the place toml put it (found from the spans of a parse of `text`). `None` if one
/// is not where it should be.
fn inline_records(
    mut text: String,
    answers: &Answers,
    secret: &dyn Fn(&str) -> bool,
) -> Option<String> {
    #[derive(Deserialize)]
    struct Spans {
        answers: BTreeMap<String, toml::Spanned<toml::Value>>,
    }
    let spans = toml::from_str::<Spans>(&text).ok()?;
    let places: Option<Vec<(std::ops::Range<usize>, String)>> = answers
        .iter()
        .filter(|(id, _)| !secret(id))
        .filter_map(|(id, a)| match a {
            Answer::Records(rows) => Some(
                spans
                    .answers
                    .get(id)
                    .map(|v| (v.span(), crate::answer::rows_to_toml_inline(rows))),
            ),
            _ => None,
        })
        .collect();
    let mut places = places?;
    places.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    for (span, rows) in places {
        if text.get(span.clone()) != Some("\"\"") {
            return None;
        }
        text.replace_range(span, &rows);
    }
    Some(text)
}
