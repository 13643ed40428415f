//! The JSON inside each stream: OpenAI chunks, Anthropic events, Ollama lines, and a whole
//! reply from a server that ignored `stream: true`, each turned into [`Item`]s.

use serde::Deserialize;
use serde_json::Value;

use super::provider::ProviderKind;
use super::wire::{Item, describe_error_value};

fn malformed(what: &str, data: &[u8], e: serde_json::Error) -> String {
    let start = String::from_utf8_lossy(&data[..data.len().min(60)]).into_owned();
    format!(
        "invalid JSON in {what} ({e}): `{}`",
        super::sanitize::one_line(&start, 60)
    )
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
}

pub(crate) fn openai_data(data: &str, out: &mut Vec<Item>) -> Result<(), String> {
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
    }
    Ok(())
}

#[derive(Deserialize)]
struct AnEvent {
    #[serde(rename = "type")]
    kind: Option<String>,
    message: Option<AnMessage>,
    delta: Option<AnDelta>,
    usage: Option<AnUsage>,
    error: Option<Value>,
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
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct AnUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
}

pub(crate) fn anthropic_event(name: &str, data: &str, out: &mut Vec<Item>) -> Result<(), String> {
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
                out.push(Item::Usage {
                    input: u.input_tokens,
                    output: u.output_tokens,
                });
            }
        }
        "content_block_delta" => {
            if let Some(d) = e.delta
                && d.kind.as_deref().is_none_or(|k| k == "text_delta")
                && let Some(text) = d.text
                && !text.is_empty()
            {
                out.push(Item::Text(text));
            }
        }
        "message_delta" => {
            if let Some(r) = e.delta.and_then(|d| d.stop_reason) {
                out.push(Item::StopReason(r));
            }
            if let Some(u) = e.usage {
                out.push(Item::Usage {
                    input: u.input_tokens,
                    output: u.output_tokens,
                });
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

pub(crate) fn ollama_line(line: &[u8], out: &mut Vec<Item>) -> Result<(), String> {
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
pub(crate) fn decode_whole(
    kind: ProviderKind,
    body: &[u8],
    out: &mut Vec<Item>,
) -> Result<(), String> {
    match kind {
        ProviderKind::OpenAi => openai_data(&String::from_utf8_lossy(body), out)?,
        ProviderKind::Ollama => ollama_line(body, out)?,
        ProviderKind::Anthropic => {
            #[derive(Deserialize)]
            struct Whole {
                content: Option<Vec<AnDelta>>,
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
            for block in w.content.into_iter().flatten() {
                if let Some(t) = block.text {
                    out.push(Item::Text(t));
                }
            }
            if let Some(u) = w.usage {
                out.push(Item::Usage {
                    input: u.input_tokens,
                    output: u.output_tokens,
                });
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
    use crate::llm::wire::Decoder;

    fn decode(kind: ProviderKind, s: &str) -> Result<Vec<Item>, String> {
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
        assert!(e.starts_with("invalid JSON in an event"), "{e}");
    }
}
