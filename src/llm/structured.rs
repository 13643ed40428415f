//! Structured output: the critique schema sent to each provider in its own way, which way to
//! try next when a server refuses one, and the reply read back into findings as it streams.

use serde_json::{Value, json};

use super::event::StreamEvent;
use super::filter::TextFilter;
use super::json_stream::{JsonStream, Outcome, Piece};
use super::provider::ProviderKind;
use super::redact::Redactor;
use crate::config::Structured;
use crate::critic::Severity;
use crate::critique_findings::{
    FOLLOW_UPS_HEADING, FollowUp, GENERAL, LlmFinding, finding_text, follow_up_text,
};

const SCHEMA: &str = include_str!("../../templates/critique-schema.json");
/// The name of the schema (OpenAI) and of the forced tool (Anthropic).
pub(super) const SCHEMA_NAME: &str = "critique";

/// How a request asks for its reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Plain text, as before structured output.
    Text,
    /// OpenAI `response_format: {type: json_schema, json_schema: {name, strict, schema}}`.
    JsonSchema,
    /// `response_format: {type: json_object, schema}`: llama-cpp-python's dialect.
    JsonObject,
    /// Anthropic: a forced tool whose `input_schema` is the schema.
    Tool,
    /// Ollama: `format` set to the schema.
    Format,
}

impl Mode {
    /// The first way to ask, from the provider and the `structured` setting.
    pub fn first(kind: ProviderKind, setting: Structured) -> Mode {
        match (setting, kind) {
            (Structured::Off, _) => Mode::Text,
            (_, ProviderKind::Anthropic) => Mode::Tool,
            (_, ProviderKind::Ollama) => Mode::Format,
            (Structured::JsonObject, ProviderKind::OpenAi) => Mode::JsonObject,
            (_, ProviderKind::OpenAi) => Mode::JsonSchema,
        }
    }

    /// The way to try after a server refused this one (`auto` only goes from `json_schema`
    /// to `json_object`; a dialect the config names falls back to text directly).
    pub(super) fn next(self, setting: Structured) -> Mode {
        match self {
            Mode::JsonSchema if setting == Structured::Auto => Mode::JsonObject,
            _ => Mode::Text,
        }
    }

    pub fn is_structured(self) -> bool {
        self != Mode::Text
    }

    /// How the dry run and notes name it.
    pub fn describe(self) -> &'static str {
        match self {
            Mode::Text => "plain text",
            Mode::JsonSchema => "JSON following the schema (response_format json_schema)",
            Mode::JsonObject => "JSON following the schema (response_format json_object)",
            Mode::Tool => "JSON following the schema (a forced tool call)",
            Mode::Format => "JSON following the schema (format)",
        }
    }

    /// Whether an error body says the server does not take this way of asking: a 400 or 422
    /// that names the request field, or a 500 that names it in a validation error (measured:
    /// llama-cpp-python 0.3.36 answers `json_schema` with a 500 "1 validation error ...
    /// 'response_format', 'type' ... Input should be 'text' or 'json_object'").
    pub(super) fn is_refused_by(self, status: u16, body: &[u8]) -> bool {
        let body = String::from_utf8_lossy(body).to_ascii_lowercase();
        let rejected = match status {
            400 | 422 => true,
            500 => [
                "validation error",
                "input should be",
                "not supported",
                "unsupported",
            ]
            .iter()
            .any(|w| body.contains(w)),
            _ => false,
        };
        if !rejected {
            return false;
        }
        let names: &[&str] = match self {
            Mode::Text => &[],
            Mode::JsonSchema | Mode::JsonObject => {
                &["response_format", "json_schema", "json_object"]
            }
            Mode::Tool => &["tool"],
            Mode::Format => &["format"],
        };
        names.iter().any(|n| body.contains(n))
    }
}

/// The critique schema, with the question ids as the `enum` of every `question` field (and
/// `general`), so a constrained decoder can only name real questions.
pub fn schema(question_ids: &[String]) -> Value {
    let mut schema: Value = serde_json::from_str(SCHEMA).expect("the built-in schema is JSON");
    let mut ids: Vec<&str> = question_ids.iter().map(String::as_str).collect();
    ids.push(GENERAL);
    for list in ["findings", "follow_up_questions"] {
        if let Some(q) = schema
            .pointer_mut(&format!("/properties/{list}/items/properties/question"))
            .and_then(Value::as_object_mut)
        {
            q.insert("enum".into(), json!(ids));
        }
    }
    schema
}

/// Parses JSON, forgiving one thing small models do under a grammar: a line break or tab
/// written as it is inside a string, where JSON wants `\n` or `\t`.
fn parse_lenient(json: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(json).or_else(|e| {
        if !json.contains(['\n', '\t', '\r']) {
            return Err(e);
        }
        let mut fixed = String::with_capacity(json.len() + 16);
        let (mut in_string, mut escape) = (false, false);
        for c in json.chars() {
            match c {
                '\n' if in_string => fixed.push_str("\\n"),
                '\t' if in_string => fixed.push_str("\\t"),
                '\r' if in_string => fixed.push_str("\\r"),
                _ => {
                    if in_string && !escape && c == '"' {
                        in_string = false;
                    } else if !in_string && c == '"' {
                        in_string = true;
                    }
                    escape = in_string && !escape && c == '\\';
                    fixed.push(c);
                }
            }
        }
        serde_json::from_str(&fixed)
    })
}

/// The reply of a structured request, read as it arrives: each piece of model text (already
/// sanitized and redacted) goes in; events for the verdict, each finding and each follow-up
/// question come out as soon as they close, with their text for the transcript.
#[derive(Debug, Default)]
pub(super) struct Reader {
    stream: JsonStream,
    known: Vec<String>,
    /// Cleans the strings decoded from the JSON: an escape (`\u001b`) becomes a control
    /// character only there.
    redactor: Option<Redactor>,
    pieces: Vec<Piece>,
    follow_ups: usize,
    /// What did not fit the schema.
    problems: Vec<String>,
    /// Plain text passed through (the model did not answer in JSON).
    passed: usize,
}

impl Reader {
    pub(super) fn new(known: Vec<String>, redactor: Redactor) -> Reader {
        Reader {
            known,
            redactor: Some(redactor),
            ..Reader::default()
        }
    }

    pub(super) fn push(&mut self, text: &str, events: &mut Vec<StreamEvent>) {
        self.stream.push(text, &mut self.pieces);
        for piece in std::mem::take(&mut self.pieces) {
            self.piece(piece, events);
        }
        if self.stream.is_text() {
            // Not JSON: shown as it arrives, like a text critique.
            let raw = self.stream.raw();
            if raw.len() > self.passed {
                events.push(StreamEvent::Text(raw[self.passed..].to_string()));
                self.passed = raw.len();
            }
        }
    }

    /// The end of the reply: a note (and the reply as it arrived, appended to the text) if it
    /// was not one whole object following the schema.
    pub(super) fn finish(&mut self, interrupted: bool, events: &mut Vec<StreamEvent>) {
        let note = match self.stream.outcome() {
            Outcome::Empty => return,
            Outcome::Text => {
                events.push(StreamEvent::Notice(
                    "the model answered in plain text, not JSON; it is kept as text".into(),
                ));
                return;
            }
            Outcome::Open if interrupted => {
                "the reply broke off before its JSON was complete".to_string()
            }
            Outcome::Open => "the reply's JSON is incomplete (cut at the token limit?)".into(),
            Outcome::Complete { json, trailing } => {
                if let Err(e) = parse_lenient(&json) {
                    self.problems.insert(0, format!("invalid JSON ({e})"));
                }
                if !trailing.is_empty() {
                    self.problems.push("text after the JSON".into());
                }
                if self.problems.is_empty() {
                    return;
                }
                format!("the reply broke the schema: {}", self.problems.join("; "))
            }
        };
        events.push(StreamEvent::Notice(format!(
            "{note}; the findings read from it are kept, and the reply is kept as text"
        )));
        events.push(StreamEvent::Text(format!(
            "\n[kickoff: {note}; the reply as it arrived:]\n{}\n",
            self.stream.raw().trim()
        )));
    }

    fn piece(&mut self, piece: Piece, events: &mut Vec<StreamEvent>) {
        let value: Value = match parse_lenient(&piece.json) {
            Ok(v) => v,
            Err(e) => {
                self.problems
                    .push(format!("invalid JSON in `{}` ({e})", piece.key));
                return;
            }
        };
        match (piece.key.as_str(), piece.element) {
            ("verdict", false) => match value.as_str().map(|v| self.clean(v)) {
                Some(v) if !v.trim().is_empty() => {
                    events.push(StreamEvent::Text(format!("{}\n\n", v.trim())));
                    events.push(StreamEvent::Verdict(v.trim().to_string()));
                }
                _ => self.problems.push("`verdict` is not text".into()),
            },
            ("findings", true) => match self.finding(&value) {
                Ok(f) => {
                    events.push(StreamEvent::Text(finding_text(&f)));
                    events.push(StreamEvent::Finding(f));
                }
                Err(e) => self.problems.push(format!("a finding {e}")),
            },
            ("follow_up_questions", true) => match self.follow_up(&value) {
                Ok(f) => {
                    let mut text = String::new();
                    if self.follow_ups == 0 {
                        text.push('\n');
                        text.push_str(FOLLOW_UPS_HEADING);
                    }
                    self.follow_ups += 1;
                    text.push_str(&follow_up_text(&f));
                    events.push(StreamEvent::Text(text));
                    events.push(StreamEvent::FollowUp(f));
                }
                Err(e) => self.problems.push(format!("a follow-up question {e}")),
            },
            (key @ ("findings" | "follow_up_questions"), false) => {
                self.problems.push(format!("`{key}` is not a list"));
            }
            (key, _) => self.problems.push(format!("unexpected `{key}`")),
        }
    }

    fn finding(&self, v: &Value) -> Result<LlmFinding, ItemError> {
        let message = self.text_field(v, "message")?;
        if message.trim().is_empty() {
            return Err(ItemError::Empty("has no message"));
        }
        Ok(LlmFinding {
            question: self.question(v),
            severity: match v.get("severity").and_then(Value::as_str).map(str::trim) {
                Some(s) if s.eq_ignore_ascii_case("blocker") => Severity::Blocker,
                Some(s) if s.eq_ignore_ascii_case("warning") => Severity::Warning,
                // Outside the enum (`critical`, `low`, missing): the mildest.
                _ => Severity::Info,
            },
            message: message.trim().to_string(),
            evidence: self.text_field(v, "evidence").unwrap_or_default(),
            cites: Vec::new(),
        })
    }

    fn follow_up(&self, v: &Value) -> Result<FollowUp, ItemError> {
        let ask = self.text_field(v, "ask")?;
        if ask.trim().is_empty() {
            return Err(ItemError::Empty("asks nothing"));
        }
        Ok(FollowUp {
            question: self.question(v),
            ask: ask.trim().to_string(),
        })
    }

    fn text_field(&self, v: &Value, name: &'static str) -> Result<String, ItemError> {
        match v.get(name) {
            Some(Value::String(s)) => Ok(self.clean(s)),
            Some(_) => Err(ItemError::NotText(name)),
            None if v.is_object() => Err(ItemError::Missing(name)),
            None => Err(ItemError::NotObject),
        }
    }

    /// The question id, if the questionnaire has it (matched leniently), else `general`.
    fn question(&self, v: &Value) -> String {
        let raw = v.get("question").and_then(Value::as_str).unwrap_or("");
        let norm: String = raw
            .trim()
            .trim_matches(['[', ']', '`', '*'])
            .chars()
            .map(|c| match c {
                '-' | ' ' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        self.known
            .iter()
            .find(|k| **k == norm)
            .cloned()
            .unwrap_or_else(|| GENERAL.to_string())
    }

    /// A decoded string, sanitized and redacted like streamed text.
    fn clean(&self, s: &str) -> String {
        let mut f = self
            .redactor
            .as_ref()
            .map_or_else(TextFilter::default, TextFilter::new);
        let mut out = String::with_capacity(s.len());
        f.push(s, &mut out);
        f.finish(&mut out);
        out
    }
}

/// Why one element of `findings` or `follow_up_questions` was left out. Its message completes
/// "a finding …" or "a follow-up question …" in the notice that lists the schema breaks.
#[derive(Debug, thiserror::Error)]
enum ItemError {
    #[error("{0}")]
    Empty(&'static str),
    #[error("has a `{0}` that is not text")]
    NotText(&'static str),
    #[error("has no `{0}`")]
    Missing(&'static str),
    #[error("is not an object")]
    NotObject,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(chunks: &[&str]) -> Vec<StreamEvent> {
        let mut r = Reader::new(
            vec!["task".into(), "metrics".into()],
            Redactor::new(["sk-secret".to_string()]),
        );
        let mut events = Vec::new();
        for c in chunks {
            r.push(c, &mut events);
        }
        r.finish(false, &mut events);
        events
    }

    fn findings(events: &[StreamEvent]) -> Vec<&LlmFinding> {
        events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::Finding(f) => Some(f),
                _ => None,
            })
            .collect()
    }

    fn notices(events: &[StreamEvent]) -> Vec<&str> {
        events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::Notice(n) => Some(n.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn ids_and_severities_outside_the_schema_are_mended() {
        let e = read(&[
            r#"{"verdict":"Go.","findings":[{"question":"Task","severity":"critical","message":"m1","evidence":"e"},"#,
            r#"{"question":"nope","severity":"blocker","message":"m2","evidence":""}],"follow_up_questions":[{"question":"metrics","ask":"Why?"}]}"#,
        ]);
        let f = findings(&e);
        assert_eq!(
            (f[0].question.as_str(), f[0].severity),
            ("task", Severity::Info)
        );
        assert_eq!(
            (f[1].question.as_str(), f[1].severity),
            ("general", Severity::Blocker)
        );
        assert!(notices(&e).is_empty(), "{e:?}");
        assert!(e.contains(&StreamEvent::Verdict("Go.".into())));
        assert!(e.contains(&StreamEvent::FollowUp(FollowUp {
            question: "metrics".into(),
            ask: "Why?".into()
        })));
    }

    #[test]
    fn decoded_strings_are_cleaned_and_redacted() {
        let e = read(&[
            r#"{"verdict":"a\u001b[31mred\u001b[0m sk-secret","findings":[],"follow_up_questions":[]}"#,
        ]);
        assert!(
            e.contains(&StreamEvent::Verdict("ared [redacted]".into())),
            "{e:?}"
        );
    }

    #[test]
    fn schema_violations_keep_the_good_parts_and_the_reply() {
        let e = read(&[
            r#"{"verdict":"x","findings":[{"question":"task","severity":"info"},{"question":"task","severity":"info","message":"ok","evidence":""}],"follow_up_questions":"none","extra":1}"#,
        ]);
        assert_eq!(findings(&e).len(), 1);
        let n = notices(&e);
        assert_eq!(n.len(), 1);
        assert!(
            n[0].contains("a finding has no `message`")
                && n[0].contains("`follow_up_questions` is not a list")
                && n[0].contains("unexpected `extra`"),
            "{n:?}"
        );
        let StreamEvent::Text(last) = e.last().unwrap() else {
            panic!()
        };
        assert!(last.contains("\"extra\":1"), "{last}");
    }

    #[test]
    fn truncated_and_plain_text_replies_are_kept_with_a_note() {
        let e = read(&[
            r#"{"verdict":"x","findings":[{"question":"task","severity":"info","message":"ok","evidence":""},{"quest"#,
        ]);
        assert_eq!(findings(&e).len(), 1);
        assert!(notices(&e)[0].contains("incomplete"), "{e:?}");
        let e = read(&["- [task] fine\n", "more"]);
        assert_eq!(
            e[..2],
            [
                StreamEvent::Text("- [task] fine\n".into()),
                StreamEvent::Text("more".into())
            ]
        );
        assert!(notices(&e)[0].contains("plain text"));
    }

    #[test]
    fn line_breaks_written_inside_strings_are_forgiven() {
        let e = read(&[
            "{\"verdict\": \"Two\nlines\",\n\"findings\": [], \"follow_up_questions\": []}",
        ]);
        assert!(
            e.contains(&StreamEvent::Verdict("Two\nlines".into())),
            "{e:?}"
        );
        assert!(notices(&e).is_empty(), "{e:?}");
    }

    #[test]
    fn question_ids_become_the_enum_of_every_question_field() {
        let s = schema(&["task".into()]);
        assert_eq!(
            s.pointer("/properties/findings/items/properties/question/enum"),
            Some(&json!(["task", "general"]))
        );
        assert_eq!(
            s.pointer("/properties/follow_up_questions/items/properties/question/enum"),
            Some(&json!(["task", "general"]))
        );
    }

    #[test]
    fn a_refusal_names_the_field() {
        let body = br#"{"detail":[{"loc":["body","response_format","type"],"msg":"Input should be 'text' or 'json_object'"}]}"#;
        assert!(Mode::JsonSchema.is_refused_by(422, body));
        let measured = br#"1 validation error: {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': "Input should be 'text' or 'json_object'"}"#;
        assert!(Mode::JsonSchema.is_refused_by(500, measured));
        assert!(!Mode::JsonSchema.is_refused_by(500, b"response_format: out of memory"));
        assert!(!Mode::JsonSchema.is_refused_by(401, body));
        assert!(!Mode::JsonSchema.is_refused_by(400, b"{\"error\":\"context too long\"}"));
        assert_eq!(Mode::JsonSchema.next(Structured::Auto), Mode::JsonObject);
        assert_eq!(Mode::JsonObject.next(Structured::Auto), Mode::Text);
        assert_eq!(
            Mode::first(ProviderKind::Ollama, Structured::Off),
            Mode::Text
        );
    }
}
