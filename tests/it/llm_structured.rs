//! Structured critiques on the wire: each provider asked for JSON following the schema in its
//! own way, the reply read as it streams (cut anywhere, even inside an escape), findings saved
//! with the answers they rest on, servers that refuse structured output, replies that break
//! the schema, prompt-cache counts, the dry run, the tone and the follow-up questions.

use crate::llm_support;
use kickoff::Load as _;

use kickoff::{GENERAL, Severity};
use llm_support::*;
use serde_json::Value;

fn anthropic_env(server: &Server) -> Vec<(&'static str, String)> {
    vec![
        ("ANTHROPIC_BASE_URL", server.url("")),
        ("ANTHROPIC_API_KEY", KEY.to_string()),
    ]
}

fn body(server: &Server, n: usize) -> Value {
    serde_json::from_str(&server.requests()[n].body).unwrap()
}

/// The saved critique of [`CRITIQUE_PARTS`], read back from the session file.
fn assert_critique_saved(fx: &Fixture) -> kickoff::Critique {
    let c = fx.critiques().pop().expect("a critique saved");
    assert_eq!(
        c.verdict.as_deref(),
        Some("Not ready: the metric hides the minority class.")
    );
    let got: Vec<(&str, Severity)> = c
        .findings
        .iter()
        .map(|f| (f.question.as_str(), f.severity))
        .collect();
    // `Notes` is matched to `notes`; `critical` is not a severity (info); `budget` is no
    // question of this questionnaire (general).
    assert_eq!(
        got,
        [
            ("metrics", Severity::Blocker),
            ("notes", Severity::Info),
            (GENERAL, Severity::Info)
        ]
    );
    assert!(
        c.findings[0]
            .message
            .contains("says \"99%\" for a model that never flags anyone")
    );
    assert!(c.findings[1].message.contains("café order"));
    // The evidence quotes the notes answer: the finding rests on it.
    assert_eq!(c.findings[1].cites, ["notes"]);
    assert_eq!(c.follow_up_questions.len(), 1);
    assert_eq!(c.follow_up_questions[0].question, "positive_rate");
    assert!(c.answer_hashes.contains_key("notes") && c.answer_hashes.contains_key("task"));
    assert!(c.note.is_none(), "{:?}", c.note);
    // The text shows the same, for the doc and the critique screen.
    assert!(
        c.text.starts_with(
            "Not ready: the metric hides the minority class.\n\n- [metrics] blocker: Accuracy"
        ),
        "{}",
        c.text
    );
    assert!(
        c.text
            .contains("Questions from the reviewer:\n- [positive_rate] How was the 2% measured?")
    );
    c
}

#[test]
fn openai_json_schema_streamed_in_pieces_becomes_findings_with_cache_counts() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(openai_stream_cached(
        CRITIQUE_PARTS,
        (1200, 300),
        1024,
    ))]);
    let (out, _) = kickoff(&fx, &openai_env(&server), &["--model", "test-model"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let c = assert_critique_saved(&fx);
    assert_eq!(stdout(&out), c.text);
    assert_eq!(c.cached_input_tokens, Some(1024));
    // 176 uncached at $2, 1024 cached at half price, 300 out at $10 per Mtok.
    assert_eq!(c.cost_usd, Some(0.004376));
    let err = stderr(&out);
    assert!(
        err.contains("1200 + 300 tokens, 1024 input tokens from the prompt cache")
            && err.contains("3 finding(s), 1 question(s) for the team"),
        "{err}"
    );
    let b = body(&server, 0);
    let rf = &b["response_format"];
    assert_eq!(rf["type"], "json_schema");
    assert_eq!(rf["json_schema"]["strict"], true);
    // OpenAI's strict mode refuses `minLength`; grammar-based servers get it (below).
    assert!(!rf.to_string().contains("minLength"), "{rf}");
    let ids = &rf["json_schema"]["schema"]["properties"]["findings"]["items"]["properties"]["question"]
        ["enum"];
    assert!(
        ids.as_array().unwrap().contains(&Value::from("notes"))
            && ids.as_array().unwrap().contains(&Value::from(GENERAL)),
        "{ids}"
    );
    // The static persona first, the answers after it.
    assert!(
        b["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("one JSON object following the schema")
    );
    assert_no_key(&fx, &out);
}

#[test]
fn anthropic_forced_tool_input_is_joined_by_tool_id_even_one_block_per_delta() {
    for litellm in [false, true] {
        let fx = Fixture::new();
        let server = Server::start(vec![Reply::sse(anthropic_tool_stream(
            CRITIQUE_PARTS,
            (200, 300),
            (900, 100),
            litellm,
        ))]);
        let (out, _) = kickoff(&fx, &anthropic_env(&server), &["--model", "test-model"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let c = assert_critique_saved(&fx);
        assert_eq!(
            (c.cached_input_tokens, c.cache_write_tokens),
            (Some(900), Some(100))
        );
        assert!(
            stderr(&out).contains("900 input tokens read from the prompt cache, 100 written to it"),
            "{}",
            stderr(&out)
        );
        let b = body(&server, 0);
        assert_eq!(
            b["tool_choice"],
            serde_json::json!({"type": "tool", "name": "critique"})
        );
        assert_eq!(b["tools"][0]["name"], "critique");
        assert!(b["tools"][0]["input_schema"]["properties"]["verdict"].is_object());
        assert_eq!(b["system"][0]["cache_control"]["type"], "ephemeral");
        assert_no_key(&fx, &out);
    }
}

/// LiteLLM in front of an OpenAI-compatible server forwards the system blocks as a list, which
/// the server refuses (as measured: a 500 with pydantic's "Input should be a valid string").
/// kickoff asks once more with the system prompt as a string, says so, and the critique lands.
#[test]
fn a_proxy_that_refuses_system_blocks_gets_a_plain_system_string() {
    let refusal = r#"{"error":{"message":"litellm.APIConnectionError: Hosted_vllmException - {'detail': [{'type': 'string_type', 'loc': ['body', 'messages', 0, 'content'], 'msg': 'Input should be a valid string'}]}","type":null,"param":null,"code":"500"}}"#;
    let fx = Fixture::new();
    let server = Server::start(vec![
        Reply::json(500, refusal),
        Reply::sse(anthropic_tool_stream(
            CRITIQUE_PARTS,
            (200, 300),
            (0, 0),
            true,
        )),
    ]);
    let (out, _) = kickoff(&fx, &anthropic_env(&server), &["--model", "test-model"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let c = fx.critiques().pop().expect("a critique saved");
    assert_eq!(c.findings.len(), 3, "{c:?}");
    assert_eq!(c.follow_up_questions.len(), 1);
    let err = stderr(&out);
    assert_eq!(
        err.matches("does not take the system prompt as content blocks")
            .count(),
        1,
        "{err}"
    );
    assert!(err.contains("sending it as plain text"), "{err}");
    assert!(
        !err.contains("retrying"),
        "another way of asking is not a retry: {err}"
    );
    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        body(&server, 0)["system"][0]["cache_control"]["type"],
        "ephemeral"
    );
    let second = body(&server, 1);
    let system = second["system"]
        .as_str()
        .expect("a plain string the second time");
    assert_eq!(Some(system), body(&server, 0)["system"][0]["text"].as_str());
    // Still a forced tool call: only the form of the system prompt changed.
    assert_eq!(second["tool_choice"]["name"], "critique");
    assert_no_key(&fx, &out);
}

/// A server that refuses the plain string too is not asked a third time that way.
#[test]
fn the_system_string_is_tried_once() {
    let refusal = r#"{"error":"system: Input should be a valid string"}"#;
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::json(400, refusal), Reply::json(400, refusal)]);
    let (out, _) = kickoff(&fx, &anthropic_env(&server), &["--model", "test-model"]);
    assert!(!out.status.success());
    assert_eq!(server.requests().len(), 2, "{}", stderr(&out));
    assert!(body(&server, 1)["system"].is_string());
}

#[test]
fn ollama_format_carries_the_schema() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::stream(
        "application/x-ndjson",
        ollama_stream(CRITIQUE_PARTS, (50, 40)),
    )]);
    let env = vec![("OLLAMA_HOST", server.url(""))];
    let (out, _) = kickoff(&fx, &env, &["--provider", "ollama", "--model", "m"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_critique_saved(&fx);
    let b = body(&server, 0);
    assert_eq!(b["format"]["type"], "object");
    assert!(
        b["format"]["required"]
            .as_array()
            .unwrap()
            .contains(&Value::from("findings"))
    );
}

#[test]
fn a_server_that_refuses_json_schema_gets_json_object_then_plain_text() {
    // llama-cpp-python's measured reply to `json_schema`, then one that takes nothing.
    let refusal = r#"{"detail":[{"type":"literal_error","loc":["body","response_format","type"],"msg":"Input should be 'text' or 'json_object'"}]}"#;
    let fx = Fixture::new();
    let server = Server::start(vec![
        Reply::json(422, refusal),
        Reply::json(
            400,
            r#"{"error":{"message":"response_format is not supported","type":"invalid_request_error"}}"#,
        ),
        Reply::sse(openai_stream(&["- [task] ", "fine as text\n"], (10, 4))),
    ]);
    let (out, _) = kickoff(&fx, &openai_env(&server), &["--model", "test-model"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("asking with json_object and the schema"),
        "{err}"
    );
    assert_eq!(
        err.matches("asking for plain text instead").count(),
        1,
        "{err}"
    );
    assert_eq!(body(&server, 0)["response_format"]["type"], "json_schema");
    assert_eq!(body(&server, 1)["response_format"]["type"], "json_object");
    let schema = &body(&server, 1)["response_format"]["schema"];
    assert_eq!(
        schema["properties"]["findings"]["items"]["properties"]["message"]["minLength"], 1,
        "a grammar keeps a small model from answering with empty strings: {schema}"
    );
    let text = body(&server, 2);
    assert!(text.get("response_format").is_none());
    // Plain text is asked for in words as well.
    let system = text["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains("Start each point on its own line") && !system.contains("JSON"),
        "{system}"
    );
    let c = &fx.critiques()[0];
    assert_eq!(c.text, "- [task] fine as text\n");
    assert!(c.findings.is_empty());
    assert!(c.note.as_deref().unwrap().contains("plain text instead"));
    assert_eq!(stdout(&out), "- [task] fine as text\n");
}

#[test]
fn llama_cpp_python_takes_json_object_with_the_schema() {
    // As measured against llama-cpp-python 0.3.36: a 500 (not retried) naming the field.
    let refusal = r#"{"error":{"message":"1 validation error: {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}","type":"internal_server_error"}}"#;
    let fx = Fixture::new();
    let server = Server::start(vec![
        Reply::json(500, refusal),
        Reply::sse(openai_stream(CRITIQUE_PARTS, (10, 4))),
    ]);
    let (out, _) = kickoff(&fx, &openai_env(&server), &["--model", "test-model"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let c = fx.critiques().pop().unwrap();
    assert_eq!(c.findings.len(), 3);
    assert!(c.note.as_deref().unwrap().contains("json_object"));
}

#[test]
fn a_truncated_reply_keeps_its_findings_and_the_text_with_a_note() {
    let fx = Fixture::new();
    let cut = &CRITIQUE_PARTS[..4];
    let mut steps: Vec<Step> = cut.iter().map(|p| openai_delta(p)).collect();
    steps.push(Step::Send(
        b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n".to_vec(),
    ));
    let server = Server::start(vec![Reply::sse(steps)]);
    let (out, _) = kickoff(&fx, &openai_env(&server), &["--model", "test-model"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let c = fx.critiques().pop().unwrap();
    assert_eq!(c.findings.len(), 1, "the one finding that closed");
    assert!(
        c.note.as_deref().unwrap().contains("incomplete"),
        "{:?}",
        c.note
    );
    assert!(
        c.text.contains("the reply as it arrived:]\n{\"verdict\""),
        "{}",
        c.text
    );
    assert!(stderr(&out).contains("kickoff: note: the reply's JSON is incomplete"));
}

#[test]
fn a_reply_that_breaks_the_schema_is_kept_as_text_with_a_note() {
    let fx = Fixture::new();
    let reply = r#"{"verdict": 3, "findings": [{"question": "task", "severity": "warning"}, {"question": "task", "severity": "warning", "message": "Say which decision changes.", "evidence": ""}], "follow_up_questions": {"ask": "?"}}"#;
    let server = Server::start(vec![Reply::sse(openai_stream(&[reply], (10, 4)))]);
    let (out, _) = kickoff(&fx, &openai_env(&server), &["--model", "test-model"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let c = fx.critiques().pop().unwrap();
    assert_eq!(c.verdict, None);
    assert_eq!(c.findings.len(), 1);
    let note = c.note.unwrap();
    assert!(
        note.contains("`verdict` is not text")
            && note.contains("a finding has no `message`")
            && note.contains("`follow_up_questions` is not a list"),
        "{note}"
    );
    assert!(c.text.contains(reply), "{}", c.text);
}

#[test]
fn structured_false_asks_for_text_as_before() {
    let fx = Fixture::with_config(&format!("structured = false\n{CONFIG}"));
    let server = Server::start(vec![Reply::sse(openai_stream(&["- [task] a\n"], (10, 4)))]);
    let (out, _) = kickoff(&fx, &openai_env(&server), &["--model", "test-model"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let b = body(&server, 0);
    assert!(b.get("response_format").is_none());
    assert!(!stderr(&out).contains("note:"), "{}", stderr(&out));
    assert_eq!(fx.critiques()[0].note, None);
}

#[test]
fn dry_run_prints_the_prompts_and_the_estimate_and_sends_nothing() {
    let fx = Fixture::new();
    let before = fx.session_text();
    // A base URL where nothing listens: a request would fail.
    let env = vec![
        ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1".to_string()),
        ("OPENAI_API_KEY", KEY.to_string()),
    ];
    let (out, _) = kickoff(&fx, &env, &["--model", "test-model", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let system = text
        .find("=== system prompt (static: sent first, cacheable")
        .unwrap();
    let user = text.find("=== user prompt").unwrap();
    assert!(system < user);
    assert!(
        text.contains("[name] Project name?\nAnswer: Churn radar"),
        "{text}"
    );
    assert!(text.contains(
        "=== reply asked for as JSON following the schema (response_format json_schema)"
    ));
    let err = stderr(&out);
    assert!(
        err.contains("dry run: openai / test-model")
            && err.contains("input tokens, about $0.")
            && err.contains("nothing was sent"),
        "{err}"
    );
    assert!(!text.contains(KEY) && !err.contains(KEY));
    assert_eq!(fx.session_text(), before);
}

#[test]
fn tone_follows_the_answers_or_the_setting() {
    let fx = Fixture::new();
    let env = openai_env(&Server::start(vec![]));
    let (out, _) = kickoff(&fx, &env, &["--model", "test-model", "--dry-run"]);
    assert!(
        stdout(&out).contains("The team writes terse answers (about "),
        "{}",
        stdout(&out)
    );
    let fx = Fixture::with_config(&format!("tone = \"full\"\n{CONFIG}"));
    let (out, _) = kickoff(&fx, &env, &["--model", "test-model", "--dry-run"]);
    assert!(stdout(&out).contains("The team asks for a full review"));
    assert!(stderr(&out).contains("tone full"));
}

#[test]
fn answers_to_the_reviewers_questions_go_with_the_next_critique() {
    let fx = Fixture::new();
    let server = Server::start(vec![
        Reply::sse(openai_stream(CRITIQUE_PARTS, (10, 4))),
        Reply::sse(openai_stream(
            &["{\"verdict\": \"Better.\", \"findings\": [], \"follow_up_questions\": []}"],
            (10, 4),
        )),
    ]);
    let (out, _) = kickoff(&fx, &openai_env(&server), &["--model", "test-model"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The team answers the question (as the interview will), then asks again.
    let mut session = kickoff::Session::load(&fx.session).unwrap();
    kickoff::reviewer::set_followup_answer(
        &mut session,
        "How was the 2% measured?",
        "From 90 days of cancellations.",
    );
    std::fs::write(&fx.session, session.to_toml(None)).unwrap();
    let (out, _) = kickoff(&fx, &openai_env(&server), &["--model", "test-model"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let user = body(&server, 1)["messages"][1]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        user.contains(
            "- [positive_rate] How was the 2% measured?\n  Answer: From 90 days of cancellations."
        ),
        "{user}"
    );
    assert_eq!(fx.critiques().len(), 2);
}
