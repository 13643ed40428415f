//! The JSON inside each stream: OpenAI chunks, Anthropic events, Ollama lines, a whole reply
//! from a server that ignored `stream: true`, and error bodies, each turned into [`Item`]s or
//! a message.

use serde::Deserialize;
use serde_json::Value;

use super::provider::ProviderKind;
use super::sanitize::one_line;

/// What a reply says, whatever the provider.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Item {
    Text(String),
    Usage {
        input: Option<u64>,
        output: Option<u64>,
    },
    /// Prompt-cache counts: input tokens read from the cache, and written to it.
    Cache {
        read: Option<u64>,
        write: Option<u64>,
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

/// The message and the type or code of an error value, in any provider's shape:
/// `{"message","type","code"}`, a bare string, or `{"error": ...}` around either.
fn describe_error_value(v: &Value) -> (String, Option<String>) {
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
pub(super) fn describe_error_body(body: &[u8]) -> (String, Option<String>) {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => describe_error_value(&v),
        Err(_) => (
            String::from_utf8_lossy(&body[..body.len().min(2000)]).into_owned(),
            None,
        ),
    }
}

/// A stream that is not what its provider sends.
#[derive(Debug, thiserror::Error)]
pub(super) enum Malformed {
    /// A part that is not JSON: what it was, why, and how it starts (on one line).
    #[error("invalid JSON in {what} ({source}): `{start}`")]
    Json {
        what: &'static str,
        source: serde_json::Error,
        start: String,
    },
    #[error(transparent)]
    Frame(#[from] super::lines::FrameError),
}

fn malformed(what: &'static str, data: &[u8], source: serde_json::Error) -> Malformed {
    let start = String::from_utf8_lossy(&data[..data.len().min(60)]).into_owned();
    Malformed::Json {
        what,
        source,
        start: one_line(&start, 60),
    }
}

#[derive(Deserialize)]
struct OaChunk {
    choices: Option<Vec<OaChoice>>,
    usage: Option<OaUsage>,
    error: Option<Value>,
}

#[derive(Deserialize)]
struct OaChoice {
    delta: Option<Msg>,
    message: Option<Msg>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Msg {
    content: Option<String>,
}

#[derive(Deserialize)]
struct OaUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    prompt_tokens_details: Option<OaPromptDetails>,
}

#[derive(Deserialize)]
struct OaPromptDetails {
    cached_tokens: Option<u64>,
}

pub(super) fn openai_data(data: &str, out: &mut Vec<Item>) -> Result<(), Malformed> {
    let data = data.trim();
    if data == "[DONE]" {
        out.push(Item::Done);
        return Ok(());
    }
    if data.is_empty() {
        return Ok(());
    }
    let chunk: OaChunk =
        serde_json::from_str(data).map_err(|e| malformed("an event", data.as_bytes(), e))?;
    if let Some(err) = chunk.error {
        let (message, kind) = describe_error_value(&err);
        let retryable = matches!(
            kind.as_deref(),
            Some("server_error" | "rate_limit_exceeded" | "overloaded")
        );
        out.push(Item::Error { message, retryable });
        return Ok(());
    }
    // `choices` is `[]` on the usage chunk and `null` on vLLM's: never index it blindly.
    for choice in chunk.choices.into_iter().flatten() {
        if let Some(text) = choice.delta.or(choice.message).and_then(|m| m.content)
            && !text.is_empty()
        {
            out.push(Item::Text(text));
        }
        if let Some(r) = choice.finish_reason {
            out.push(Item::StopReason(r));
        }
    }
    if let Some(u) = chunk.usage {
        out.push(Item::Usage {
            input: u.prompt_tokens,
            output: u.completion_tokens,
        });
        if let Some(read) = u.prompt_tokens_details.and_then(|d| d.cached_tokens) {
            out.push(Item::Cache {
                read: Some(read),
                write: None,
            });
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct AnEvent {
    #[serde(rename = "type")]
    kind: Option<String>,
    message: Option<AnMessage>,
    index: Option<u64>,
    content_block: Option<AnBlock>,
    delta: Option<AnDelta>,
    usage: Option<AnUsage>,
    error: Option<Value>,
}

#[derive(Deserialize)]
struct AnBlock {
    #[serde(rename = "type")]
    kind: Option<String>,
    id: Option<String>,
    text: Option<String>,
    input: Option<Value>,
}

/// Which content blocks are the tool call whose input is the critique. Its input is joined by
/// tool id, not block index: LiteLLM opens a new block (same id, next index) for every delta.
/// Only the first tool call counts; with a forced tool there is one.
#[derive(Debug, Default)]
pub(super) struct ToolBlocks {
    first: Option<String>,
    /// Block indexes of tool calls, with their ids.
    blocks: Vec<(u64, String)>,
}

impl ToolBlocks {
    /// Whether a delta of block `index` belongs to the critique: a text block, or the first
    /// tool call.
    fn counts(&self, index: Option<u64>) -> bool {
        match self.blocks.iter().find(|(i, _)| Some(*i) == index) {
            Some((_, id)) => self.first.as_ref() == Some(id),
            None => true,
        }
    }
}

#[derive(Deserialize)]
struct AnMessage {
    usage: Option<AnUsage>,
}

#[derive(Deserialize)]
struct AnDelta {
    #[serde(rename = "type")]
    kind: Option<String>,
    text: Option<String>,
    partial_json: Option<String>,
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct AnUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
}

impl AnUsage {
    fn push(self, out: &mut Vec<Item>) {
        out.push(Item::Usage {
            input: self.input_tokens,
            output: self.output_tokens,
        });
        if self.cache_read_input_tokens.is_some() || self.cache_creation_input_tokens.is_some() {
            out.push(Item::Cache {
                read: self.cache_read_input_tokens,
                write: self.cache_creation_input_tokens,
            });
        }
    }
}

pub(super) fn anthropic_event(
    name: &str,
    data: &str,
    tools: &mut ToolBlocks,
    out: &mut Vec<Item>,
) -> Result<(), Malformed> {
    if data.trim().is_empty() {
        return Ok(());
    }
    let e: AnEvent =
        serde_json::from_str(data).map_err(|e| malformed("an event", data.as_bytes(), e))?;
    let kind = if name.is_empty() {
        e.kind.as_deref().unwrap_or("")
    } else {
        name
    };
    match kind {
        "message_start" => {
            if let Some(u) = e.message.and_then(|m| m.usage) {
                u.push(out);
            }
        }
        "content_block_start" => {
            if let (Some(b), Some(index)) = (e.content_block, e.index)
                && b.kind.as_deref() == Some("tool_use")
            {
                let id = b.id.unwrap_or_else(|| format!("block {index}"));
                tools.first.get_or_insert_with(|| id.clone());
                tools.blocks.push((index, id));
            }
        }
        "content_block_delta" => {
            if let Some(d) = e.delta
                && tools.counts(e.index)
            {
                let text = match d.kind.as_deref() {
                    None | Some("text_delta") => d.text,
                    Some("input_json_delta") => d.partial_json,
                    Some(_) => None,
                };
                if let Some(text) = text.filter(|t| !t.is_empty()) {
                    out.push(Item::Text(text));
                }
            }
        }
        "message_delta" => {
            if let Some(r) = e.delta.and_then(|d| d.stop_reason) {
                out.push(Item::StopReason(r));
            }
            if let Some(u) = e.usage {
                u.push(out);
            }
        }
        "message_stop" => out.push(Item::Done),
        "error" => {
            let (message, kind) = e
                .error
                .as_ref()
                .map(describe_error_value)
                .unwrap_or_else(|| ("unknown error".into(), None));
            let retryable = matches!(
                kind.as_deref(),
                Some("overloaded_error" | "api_error" | "rate_limit_error")
            );
            out.push(Item::Error { message, retryable });
        }
        // `ping`, `content_block_start`, `content_block_stop` and any future event type.
        _ => {}
    }
    Ok(())
}

#[derive(Deserialize)]
struct OlLine {
    message: Option<Msg>,
    done: Option<bool>,
    done_reason: Option<String>,
    prompt_eval_count: Option<u64>,
    eval_count: Option<u64>,
    error: Option<Value>,
}

pub(super) fn ollama_line(line: &[u8], out: &mut Vec<Item>) -> Result<(), Malformed> {
    let l: OlLine = serde_json::from_slice(line).map_err(|e| malformed("a line", line, e))?;
    if let Some(err) = l.error {
        out.push(Item::Error {
            message: describe_error_value(&err).0,
            retryable: false,
        });
        return Ok(());
    }
    if let Some(text) = l.message.and_then(|m| m.content)
        && !text.is_empty()
    {
        out.push(Item::Text(text));
    }
    if l.done == Some(true) {
        out.push(Item::StopReason(
            l.done_reason.unwrap_or_else(|| "stop".into()),
        ));
        out.push(Item::Usage {
            input: l.prompt_eval_count,
            output: l.eval_count,
        });
        out.push(Item::Done);
    }
    Ok(())
}

/// A reply that is one JSON document: a server that ignored `stream: true`.
pub(super) fn decode_whole(
    kind: ProviderKind,
    body: &[u8],
    out: &mut Vec<Item>,
) -> Result<(), Malformed> {
    match kind {
        ProviderKind::OpenAi => openai_data(&String::from_utf8_lossy(body), out)?,
        ProviderKind::Ollama => ollama_line(body, out)?,
        ProviderKind::Anthropic => {
            #[derive(Deserialize)]
            struct Whole {
                content: Option<Vec<AnBlock>>,
                stop_reason: Option<String>,
                usage: Option<AnUsage>,
                error: Option<Value>,
            }
            let w: Whole =
                serde_json::from_slice(body).map_err(|e| malformed("the reply", body, e))?;
            if let Some(err) = w.error {
                out.push(Item::Error {
                    message: describe_error_value(&err).0,
                    retryable: false,
                });
                return Ok(());
            }
            // Text blocks, and the first tool call's input (the structured critique).
            let mut tool_seen = false;
            for block in w.content.into_iter().flatten() {
                if let Some(t) = block.text {
                    out.push(Item::Text(t));
                }
                if block.kind.as_deref() == Some("tool_use")
                    && !std::mem::replace(&mut tool_seen, true)
                    && let Some(input) = block.input
                {
                    out.push(Item::Text(input.to_string()));
                }
            }
            if let Some(u) = w.usage {
                u.push(out);
            }
            out.push(Item::StopReason(
                w.stop_reason.unwrap_or_else(|| "end_turn".into()),
            ));
        }
    }
    out.push(Item::Done);
    Ok(())
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
