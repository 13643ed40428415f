//! The three wire formats: how a request is written and how a streamed reply is read.
//! See `reference/llm-wire-formats.md`. Each reply is decoded into the same small [`Item`]s.

use serde_json::{Value, json};

use super::decode::{anthropic_event, ollama_line, openai_data};
use super::lines::{Event, NdjsonParser, SseParser};
use super::provider::{ApiKey, ProviderConfig, ProviderKind};

/// An HTTP request ready to send. `headers` may hold the key: never print it.
pub(crate) struct HttpRequest {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

pub(crate) fn build(
    p: &ProviderConfig,
    key: Option<&ApiKey>,
    system: &str,
    user: &str,
) -> HttpRequest {
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
            let body = json!({
                "model": p.model,
                "system": system,
                "max_tokens": p.max_tokens,
                "stream": true,
                "messages": [{"role": "user", "content": user}],
            });
            (format!("{}/v1/messages", p.base_url), body)
        }
        ProviderKind::Ollama => {
            if let Some(k) = key {
                headers.push(("authorization", format!("Bearer {}", k.expose())));
            }
            let body = json!({
                "model": p.model,
                "stream": true,
                "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
                "options": {"num_predict": p.max_tokens},
            });
            (format!("{}/api/chat", p.base_url), body)
        }
    };
    HttpRequest {
        url,
        headers,
        body: serde_json::to_vec(&body).expect("JSON values serialise"),
    }
}

/// What a reply says, whatever the provider.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Text(String),
    Usage {
        input: Option<u64>,
        output: Option<u64>,
    },
    /// Why the model stopped (`stop`, `length`, `end_turn`, `max_tokens`...).
    StopReason(String),
    /// The provider's end-of-stream marker.
    Done,
    /// An error reported inside a 200 stream.
    Error {
        message: String,
        retryable: bool,
    },
}

/// Turns stream bytes into items. Errors are "malformed stream" descriptions.
pub(crate) struct Decoder {
    kind: ProviderKind,
    sse: SseParser,
    ndjson: NdjsonParser,
    events: Vec<Event>,
    lines: Vec<Vec<u8>>,
    /// The reply carried a finish reason: a close without the end marker still counts as done.
    pub finished: bool,
}

impl Decoder {
    pub fn new(kind: ProviderKind) -> Decoder {
        Decoder {
            kind,
            sse: SseParser::default(),
            ndjson: NdjsonParser::default(),
            events: Vec::new(),
            lines: Vec::new(),
            finished: false,
        }
    }

    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<Item>) -> Result<(), String> {
        match self.kind {
            ProviderKind::Ollama => self.ndjson.push(bytes, &mut self.lines),
            _ => self.sse.push(bytes, &mut self.events),
        }
        .map_err(|e| e.to_string())?;
        self.drain(out)
    }

    pub fn finish(&mut self, out: &mut Vec<Item>) -> Result<(), String> {
        self.sse.finish(&mut self.events);
        self.ndjson.finish(&mut self.lines);
        self.drain(out)
    }

    fn drain(&mut self, out: &mut Vec<Item>) -> Result<(), String> {
        let kind = self.kind;
        let before = out.len();
        let result = (|| {
            for e in self.events.drain(..) {
                match kind {
                    ProviderKind::Anthropic => anthropic_event(&e.event, &e.data, out)?,
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

/// The message and the type or code of an error value, in any provider's shape:
/// `{"message","type","code"}`, a bare string, or `{"error": ...}` around either.
pub(crate) fn describe_error_value(v: &Value) -> (String, Option<String>) {
    match v {
        Value::String(s) => (s.clone(), None),
        Value::Object(o) => {
            if let Some(inner) = o.get("error") {
                return describe_error_value(inner);
            }
            let text = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
            let kind = text("code")
                .filter(|c| c == "insufficient_quota")
                .or_else(|| text("type"))
                .or_else(|| text("code"));
            let message = text("message")
                .or_else(|| text("detail"))
                .or_else(|| o.get("detail").map(Value::to_string));
            (message.unwrap_or_else(|| v.to_string()), kind)
        }
        other => (other.to_string(), None),
    }
}

/// The message and kind from an error response body; plain text bodies are used as they are.
pub(crate) fn describe_error_body(body: &[u8]) -> (String, Option<String>) {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => describe_error_value(&v),
        Err(_) => (
            String::from_utf8_lossy(&body[..body.len().min(2000)]).into_owned(),
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_of_each_provider() {
        let oa = br#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#;
        assert_eq!(
            describe_error_body(oa).1.as_deref(),
            Some("insufficient_quota")
        );
        let an = br#"{"type":"error","error":{"type":"not_found_error","message":"model: x"}}"#;
        assert_eq!(
            describe_error_body(an),
            ("model: x".into(), Some("not_found_error".into()))
        );
        assert_eq!(
            describe_error_body(br#"{"error":"model 'x' not found"}"#).0,
            "model 'x' not found"
        );
        assert_eq!(describe_error_body(b"Bad Gateway").0, "Bad Gateway");
    }
}
