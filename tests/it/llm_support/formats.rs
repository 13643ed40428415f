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

/// OpenAI chunks for `texts` whose usage reports `cached` prompt tokens read from the cache.
pub fn openai_stream_cached(texts: &[&str], usage: (u64, u64), cached: u64) -> Vec<Step> {
    let mut steps = openai_stream(texts, usage);
    let at = steps.len() - 2;
    steps[at] = Step::Send(
        format!("data: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":{},\"completion_tokens\":{},\"prompt_tokens_details\":{{\"cached_tokens\":{cached}}}}}}}\n\n", usage.0, usage.1)
            .into_bytes(),
    );
    steps
}

/// An Anthropic stream of a forced tool call whose input arrives as `input_json_delta`s.
/// `new_block_per_delta`: as LiteLLM streams it, a new content block (same tool id, next
/// index) for every delta. Usage reports `cache` (read, written) prompt-cache tokens.
pub fn anthropic_tool_stream(
    parts: &[&str],
    usage: (u64, u64),
    cache: (u64, u64),
    new_block_per_delta: bool,
) -> Vec<Step> {
    let start = |index: usize| {
        anthropic_event(
            "content_block_start",
            &format!(
                "{{\"type\":\"content_block_start\",\"index\":{index},\"content_block\":{{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"critique\",\"input\":{{}}}}}}"
            ),
        )
    };
    let mut steps = vec![
        anthropic_event(
            "message_start",
            &format!(
                "{{\"type\":\"message_start\",\"message\":{{\"id\":\"msg_1\",\"usage\":{{\"input_tokens\":{},\"output_tokens\":1,\"cache_read_input_tokens\":{},\"cache_creation_input_tokens\":{}}}}}}}",
                usage.0, cache.0, cache.1
            ),
        ),
        start(0),
    ];
    for (i, part) in parts.iter().enumerate() {
        let index = if new_block_per_delta { i } else { 0 };
        if new_block_per_delta && i > 0 {
            steps.push(start(index));
        }
        steps.push(anthropic_event(
            "content_block_delta",
            &format!(
                "{{\"type\":\"content_block_delta\",\"index\":{index},\"delta\":{{\"type\":\"input_json_delta\",\"partial_json\":{}}}}}",
                json_str(part)
            ),
        ));
    }
    steps.push(anthropic_event(
        "content_block_stop",
        "{\"type\":\"content_block_stop\",\"index\":0}",
    ));
    steps.push(anthropic_event(
        "message_delta",
        &format!("{{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"tool_use\"}},\"usage\":{{\"output_tokens\":{}}}}}", usage.1),
    ));
    steps.push(anthropic_event(
        "message_stop",
        "{\"type\":\"message_stop\"}",
    ));
    steps
}

/// A structured critique as a model writes it, in the pieces a stream might cut it into:
/// through a string, between a backslash and what it escapes, inside a `\u` escape.
pub const CRITIQUE_PARTS: &[&str] = &[
    "{\"verdict\": \"Not ready: the metric hides the minority cl",
    "ass.\", \"findings\": [{\"question\": \"metrics\", \"severity\": \"blocker\", \"message\": \"Accuracy at 2% positives says \\",
    "\"99%\\\" for a model that never flags anyone. Use PR-AUC.\", \"evidence\": \"Accuracy\"}, ",
    "{\"question\": \"Notes\", \"severity\": \"critical\", \"message\": \"A transformer before a baseline caf\\u00",
    "e9 order: fit logistic regression first.\", \"evidence\": \"We will try a transformer first\"}, ",
    "{\"question\": \"budget\", \"severity\": \"info\", \"message\": \"No cost estimate.\", \"evidence\": \"\"}], ",
    "\"follow_up_questions\": [{\"question\": \"positive_rate\", \"ask\": \"How was the 2% measured?\"}]}",
];
