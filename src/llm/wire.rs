//! The three wire formats: how a request is written and how a streamed reply is framed (server-
//! sent events or JSON lines) and handed to [`decode`](super::decode), which turns each frame
//! into the same small [`Item`]s. The providers' API documents are listed in
//! `docs/references.md`.

use serde_json::{Value, json};

use super::decode::{Item, Malformed, ToolBlocks, anthropic_event, ollama_line, openai_data};
use super::lines::{Event, NdjsonParser, SseParser};
use super::provider::{ApiKey, ProviderConfig, ProviderKind};
use super::structured::{Mode, SCHEMA_NAME};

/// An HTTP request ready to send. `headers` may hold the key: never print it.
pub(super) struct HttpRequest {
    pub(super) url: String,
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) body: Vec<u8>,
    /// The system prompt went as content blocks (Anthropic, for `cache_control`): a server
    /// that refuses them is asked again with a plain string.
    pub(super) system_blocks: bool,
}

/// How the system prompt is sent to Anthropic's Messages API: as one text block marked for
/// the prompt cache (the default), or as a plain string, which some proxies in front of other
/// servers need (LiteLLM before an OpenAI-compatible server refuses the block form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SystemForm {
    Blocks,
    Text,
}

/// The request for `mode`; `schema` is the critique schema (used unless the mode is text).
/// The static part (the persona and the schema) comes first, so the providers' prompt caches
/// can reuse it: OpenAI caches a repeated prefix by itself; Anthropic is told to with
/// `cache_control` on the system block (which caches the tools before it as well).
// Longer than a screen: one arm per provider, each the whole of that API's request document.
pub(super) fn build(
    p: &ProviderConfig,
    key: Option<&ApiKey>,
    system: &str,
    user: &str,
    mode: Mode,
    schema: &Value,
    form: SystemForm,
) -> HttpRequest {
    let system_blocks = p.kind == ProviderKind::Anthropic && form == SystemForm::Blocks;
    let mut headers = vec![("content-type", "application/json".to_string())];
    let (url, body) = match p.kind {
        ProviderKind::OpenAi => {
            // OpenAI's own API deprecated `max_tokens` for `max_completion_tokens`; most
            // compatible servers (llama.cpp, LM Studio, older vLLM) only know `max_tokens`.
            let limit = if p.base_url.starts_with("https://api.openai.com") {
                "max_completion_tokens"
            } else {
                "max_tokens"
            };
            let mut body = json!({
                "model": p.model,
                "stream": true,
                "stream_options": {"include_usage": true},
                "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            });
            body[limit] = json!(p.max_tokens);
            match mode {
                Mode::JsonSchema => {
                    body["response_format"] = json!({"type": "json_schema", "json_schema": {
                        "name": SCHEMA_NAME, "strict": true, "schema": without_min_length(schema)}});
                }
                Mode::JsonObject => {
                    body["response_format"] = json!({"type": "json_object", "schema": schema});
                }
                _ => {}
            }
            if let Some(k) = key {
                headers.push(("authorization", format!("Bearer {}", k.expose())));
            }
            (format!("{}/chat/completions", p.base_url), body)
        }
        ProviderKind::Anthropic => {
            headers.push(("anthropic-version", "2023-06-01".to_string()));
            if let Some(k) = key {
                headers.push(("x-api-key", k.expose().to_string()));
            }
            let system = match form {
                SystemForm::Blocks => {
                    json!([{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}])
                }
                SystemForm::Text => json!(system),
            };
            let mut body = json!({
                "model": p.model,
                "system": system,
                "max_tokens": p.max_tokens,
                "stream": true,
                "messages": [{"role": "user", "content": user}],
            });
            if mode == Mode::Tool {
                body["tools"] = json!([{
                    "name": SCHEMA_NAME,
                    "description": "Record the review of the design: the verdict, the findings and the questions for the team.",
                    "input_schema": schema,
                }]);
                body["tool_choice"] = json!({"type": "tool", "name": SCHEMA_NAME});
            }
            (format!("{}/v1/messages", p.base_url), body)
        }
        ProviderKind::Ollama => {
            if let Some(k) = key {
                headers.push(("authorization", format!("Bearer {}", k.expose())));
            }
            let mut body = json!({
                "model": p.model,
                "stream": true,
                "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
                "options": {"num_predict": p.max_tokens},
            });
            if mode == Mode::Format {
                body["format"] = schema.clone();
            }
            (format!("{}/api/chat", p.base_url), body)
        }
    };
    HttpRequest {
        url,
        headers,
        body: serde_json::to_vec(&body).expect("JSON values serialise"),
        system_blocks,
    }
}

/// Turns stream bytes into items. Errors are "malformed stream" descriptions.
pub(super) struct Decoder {
    kind: ProviderKind,
    sse: SseParser,
    ndjson: NdjsonParser,
    events: Vec<Event>,
    lines: Vec<Vec<u8>>,
    tools: ToolBlocks,
    /// The reply carried a finish reason: a close without the end marker still counts as done.
    pub(super) finished: bool,
}

impl Decoder {
    pub(super) fn new(kind: ProviderKind) -> Decoder {
        Decoder {
            kind,
            sse: SseParser::default(),
            ndjson: NdjsonParser::default(),
            events: Vec::new(),
            lines: Vec::new(),
            tools: ToolBlocks::default(),
            finished: false,
        }
    }

    pub(super) fn push(&mut self, bytes: &[u8], out: &mut Vec<Item>) -> Result<(), Malformed> {
        match self.kind {
            ProviderKind::Ollama => self.ndjson.push(bytes, &mut self.lines),
            _ => self.sse.push(bytes, &mut self.events),
        }?;
        self.drain(out)
    }

    pub(super) fn finish(&mut self, out: &mut Vec<Item>) -> Result<(), Malformed> {
        self.sse.finish(&mut self.events);
        self.ndjson.finish(&mut self.lines);
        self.drain(out)
    }

    fn drain(&mut self, out: &mut Vec<Item>) -> Result<(), Malformed> {
        let kind = self.kind;
        let before = out.len();
        let result = (|| {
            for e in self.events.drain(..) {
                match kind {
                    ProviderKind::Anthropic => {
                        anthropic_event(&e.event, &e.data, &mut self.tools, out)?
                    }
                    _ => openai_data(&e.data, out)?,
                }
            }
            for line in self.lines.drain(..) {
                ollama_line(&line, out)?;
            }
            Ok(())
        })();
        self.events.clear();
        self.lines.clear();
        if out[before..]
            .iter()
            .any(|i| matches!(i, Item::StopReason(_)))
        {
            self.finished = true;
        }
        result
    }
}

/// The schema for OpenAI's strict mode, which refuses `minLength` (grammar-based servers honour
/// it, and it keeps a small model from answering with empty strings).
fn without_min_length(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| k.as_str() != "minLength")
                .map(|(k, v)| (k.clone(), without_min_length(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_min_length).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(kind: ProviderKind, s: &str) -> Result<Vec<Item>, Malformed> {
        let mut d = Decoder::new(kind);
        let mut out = Vec::new();
        d.push(s.as_bytes(), &mut out)?;
        d.finish(&mut out)?;
        Ok(out)
    }

    #[test]
    fn openai_text_usage_and_done_with_empty_and_null_choices() {
        let s = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"choices\":null}\n\n\
                 data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n\
                 data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n";
        let got = decode(ProviderKind::OpenAi, s).unwrap();
        assert_eq!(
            got,
            vec![
                Item::Text("Hi".into()),
                Item::StopReason("stop".into()),
                Item::Usage {
                    input: Some(5),
                    output: Some(1)
                },
                Item::Done
            ]
        );
    }

    #[test]
    fn anthropic_events_and_an_error_event() {
        let s = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}\n\n\
                 event: ping\ndata: {\"type\":\"ping\"}\n\n\
                 event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"A\"}}\n\n\
                 event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
        let got = decode(ProviderKind::Anthropic, s).unwrap();
        assert_eq!(
            got[0],
            Item::Usage {
                input: Some(9),
                output: Some(1)
            }
        );
        assert_eq!(got[1], Item::Text("A".into()));
        assert_eq!(
            got[2],
            Item::Error {
                message: "Overloaded".into(),
                retryable: true
            }
        );
    }

    #[test]
    fn ollama_lines_and_error_line() {
        let s =
            "{\"message\":{\"content\":\"He\"},\"done\":false}\n{\"error\":\"model crashed\"}\n";
        let got = decode(ProviderKind::Ollama, s).unwrap();
        assert_eq!(
            got,
            vec![
                Item::Text("He".into()),
                Item::Error {
                    message: "model crashed".into(),
                    retryable: false
                }
            ]
        );
    }

    #[test]
    fn invalid_json_is_malformed() {
        let e = decode(ProviderKind::OpenAi, "data: {\"choices\": [\n\n").unwrap_err();
        assert!(e.to_string().starts_with("invalid JSON in an event"), "{e}");
    }
}
