//! The providers' wire formats, as the test server sends them.

use super::Step;

pub fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// OpenAI chat-completion chunks for `texts`, then a finish reason, usage and `[DONE]`.
pub fn openai_stream(texts: &[&str], usage: (u64, u64)) -> Vec<Step> {
    let mut steps: Vec<Step> = texts
        .iter()
        .map(|t| Step::Send(format!("data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{}}},\"finish_reason\":null}}]}}\n\n", json_str(t)).into_bytes()))
        .collect();
    steps.push(Step::Send(
        b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n".to_vec(),
    ));
    steps.push(Step::Send(
        format!("data: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":{},\"completion_tokens\":{},\"total_tokens\":{}}}}}\n\n", usage.0, usage.1, usage.0 + usage.1)
            .into_bytes(),
    ));
    steps.push(Step::Send(b"data: [DONE]\n\n".to_vec()));
    steps
}

pub fn openai_delta(text: &str) -> Step {
    Step::Send(
        format!(
            "data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{}}}}}]}}\n\n",
            json_str(text)
        )
        .into_bytes(),
    )
}

pub fn anthropic_event(name: &str, data: &str) -> Step {
    Step::Send(format!("event: {name}\ndata: {data}\n\n").into_bytes())
}

pub fn anthropic_start(input: u64) -> Step {
    anthropic_event(
        "message_start",
        &format!(
            "{{\"type\":\"message_start\",\"message\":{{\"id\":\"msg_1\",\"usage\":{{\"input_tokens\":{input},\"output_tokens\":1}}}}}}"
        ),
    )
}

pub fn anthropic_delta(text: &str) -> Step {
    anthropic_event(
        "content_block_delta",
        &format!(
            "{{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":{}}}}}",
            json_str(text)
        ),
    )
}

/// A whole Anthropic stream for `texts`.
pub fn anthropic_stream(texts: &[&str], usage: (u64, u64)) -> Vec<Step> {
    let mut steps = vec![
        anthropic_start(usage.0),
        anthropic_event(
            "content_block_start",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
        ),
        anthropic_event("ping", "{\"type\":\"ping\"}"),
    ];
    steps.extend(texts.iter().map(|t| anthropic_delta(t)));
    steps.push(anthropic_event(
        "content_block_stop",
        "{\"type\":\"content_block_stop\",\"index\":0}",
    ));
    steps.push(anthropic_event(
        "message_delta",
        &format!("{{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\"}},\"usage\":{{\"output_tokens\":{}}}}}", usage.1),
    ));
    steps.push(anthropic_event(
        "message_stop",
        "{\"type\":\"message_stop\"}",
    ));
    steps
}

pub fn ollama_line(text: &str) -> Step {
    Step::Send(format!("{{\"model\":\"m\",\"message\":{{\"role\":\"assistant\",\"content\":{}}},\"done\":false}}\n", json_str(text)).into_bytes())
}

/// A whole Ollama stream for `texts`.
pub fn ollama_stream(texts: &[&str], usage: (u64, u64)) -> Vec<Step> {
    let mut steps: Vec<Step> = texts.iter().map(|t| ollama_line(t)).collect();
    steps.push(Step::Send(
        format!("{{\"model\":\"m\",\"message\":{{\"role\":\"assistant\",\"content\":\"\"}},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":{},\"eval_count\":{}}}\n", usage.0, usage.1)
            .into_bytes(),
    ));
    steps
}
