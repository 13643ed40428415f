//! `kickoff critique` against a scripted OpenAI-compatible server: the real binary, real
//! sockets on 127.0.0.1, and each fault the wire format allows.

use crate::llm_support;

use std::time::Duration;

use llm_support::*;

fn run(fx: &Fixture, server: &Server, args: &[&str]) -> (std::process::Output, Duration) {
    let mut a = vec!["--provider", "openai", "--model", "test-model"];
    a.extend_from_slice(args);
    kickoff(fx, &openai_env(server), &a)
}

#[test]
fn streams_to_stdout_and_saves_the_critique_with_usage_and_cost() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(openai_stream(
        &["- [metrics] Accuracy ", "hides the ", "minority class.\n"],
        (1200, 30),
    ))]);
    let (out, _) = run(&fx, &server, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "- [metrics] Accuracy hides the minority class.\n"
    );
    assert!(
        stderr(&out).contains("critique saved to"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("1200 + 30 tokens, $0.0027"),
        "{}",
        stderr(&out)
    );

    let saved = fx.critiques();
    assert_eq!(saved.len(), 1);
    let c = &saved[0];
    assert_eq!(
        (c.provider.as_str(), c.model.as_str()),
        ("openai", "test-model")
    );
    assert_eq!(c.text, "- [metrics] Accuracy hides the minority class.\n");
    assert_eq!((c.input_tokens, c.output_tokens), (Some(1200), Some(30)));
    assert_eq!(c.cost_usd, Some(0.0027));
    assert!(!c.interrupted);
    assert_eq!(c.prompt_hash.len(), 16);
    assert_no_key(&fx, &out);

    // What was sent: the key in a header, the persona, the answers by id, the offline finding.
    let req = &server.requests()[0];
    assert_eq!(req.path, "/v1/chat/completions");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let body: serde_json::Value = serde_json::from_str(&req.body).unwrap();
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
    assert!(
        body["max_tokens"].is_number(),
        "a compatible server gets max_tokens"
    );
    let system = body["messages"][0]["content"].as_str().unwrap();
    let user = body["messages"][1]["content"].as_str().unwrap();
    assert!(system.contains("baseline"), "{system}");
    assert!(
        user.contains("[name] Project name?\nAnswer: Churn radar"),
        "{user}"
    );
    assert!(
        user.contains("[metrics] blocker: Accuracy at a positive rate of 0.02"),
        "{user}"
    );
}

#[test]
fn a_saved_critique_is_reused_without_a_request_unless_fresh() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(openai_stream(&["Cached text."], (10, 2)))]);
    let (first, _) = run(&fx, &server, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    // The server's script is used up: a second request would be refused.
    let (second, _) = run(&fx, &server, &[]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(stdout(&second), "Cached text.\n");
    assert!(
        stderr(&second).contains("not asked again"),
        "{}",
        stderr(&second)
    );
    assert_eq!(fx.critiques().len(), 1);

    let (fresh, _) = run(&fx, &server, &["--fresh"]);
    assert_eq!(fresh.status.code(), Some(1));
    assert!(
        stderr(&fresh).contains("connection refused"),
        "{}",
        stderr(&fresh)
    );
    assert_eq!(fx.critiques().len(), 1, "a failed request saves nothing");
}

#[test]
fn a_429_with_retry_after_is_retried_after_that_wait() {
    let fx = Fixture::new();
    let server = Server::start(vec![
        Reply::json(429, r#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#)
            .header("retry-after", "1"),
        Reply::sse(openai_stream(&["After the wait."], (5, 3))),
    ]);
    let (out, elapsed) = run(&fx, &server, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("429 rate limited") && err.contains("retrying in 1.0 s (attempt 2 of 4)"),
        "{err}"
    );
    assert!(
        elapsed >= Duration::from_secs(1),
        "retry-after honoured: {elapsed:?}"
    );
    assert_eq!(stdout(&out), "After the wait.\n");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn two_500s_then_success() {
    let fx = Fixture::new();
    let server = Server::start(vec![
        Reply::json(500, r#"{"error":{"message":"boom","type":"server_error"}}"#),
        Reply::json(502, "Bad Gateway"),
        Reply::sse(openai_stream(&["Third time lucky."], (5, 3))),
    ]);
    let (out, _) = run(&fx, &server, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("server error 500") && err.contains("attempt 2 of 4"),
        "{err}"
    );
    assert!(
        err.contains("server error 502") && err.contains("attempt 3 of 4"),
        "{err}"
    );
    assert_eq!(fx.critiques()[0].text, "Third time lucky.");
}

#[test]
fn persistent_429_gives_up_after_the_retries() {
    let fx = Fixture::new();
    let busy = || {
        Reply::json(
            429,
            r#"{"error":{"message":"slow down","code":"rate_limit_exceeded"}}"#,
        )
    };
    let server = Server::start(vec![busy(), busy(), busy(), busy()]);
    let (out, _) = run(&fx, &server, &[]);
    assert_eq!(out.status.code(), Some(1));
    let last = stderr(&out).lines().last().unwrap_or_default().to_string();
    assert_eq!(
        last,
        "kickoff: openai: 429 rate limited, still after 4 attempt(s): slow down"
    );
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn a_401_is_not_retried_and_the_key_is_not_shown() {
    let fx = Fixture::new();
    let body = format!(
        r#"{{"error":{{"message":"Incorrect API key provided: {KEY}.","type":"invalid_request_error","code":"invalid_api_key"}}}}"#
    );
    let server = Server::start(vec![
        Reply::json(401, &body),
        Reply::sse(openai_stream(&["never"], (1, 1))),
    ]);
    let (out, _) = run(&fx, &server, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).lines().last().unwrap(),
        "kickoff: openai: 401 unauthorized: the API key was rejected (check OPENAI_API_KEY or `api_key_cmd`): Incorrect API key provided: [redacted]."
    );
    assert_eq!(server.requests().len(), 1, "no retry on 401");
    assert!(fx.critiques().is_empty());
    assert_no_key(&fx, &out);
}

/// A server that wants a key, and none is set: not "the key was rejected", but where to set
/// one.
#[test]
fn a_401_without_a_key_says_no_key_is_set_and_where_to_set_it() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::json(401, r#"{"error":{"message":"no key"}}"#)]);
    let env = [("OPENAI_BASE_URL", server.url("/v1"))];
    let (out, _) = kickoff(&fx, &env, &["--provider", "openai", "--model", "m"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).lines().last().unwrap(),
        "kickoff: openai: no API key is set: set OPENAI_API_KEY, or `api_key_cmd` in the config file (see docs/config.md)"
    );
}

#[test]
fn quota_403_and_404_each_get_a_clear_message_and_no_retry() {
    let cases = [
        (
            429,
            r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#,
            "429 quota exhausted",
        ),
        (
            403,
            r#"{"error":{"message":"Project does not have access"}}"#,
            "403 forbidden: the key may not use model `test-model`",
        ),
        (
            404,
            r#"{"error":{"message":"The model `test-model` does not exist","code":"model_not_found"}}"#,
            "404 not found: no model `test-model` at http://127.0.0.1:",
        ),
        (
            400,
            r#"{"error":{"message":"Unsupported parameter"}}"#,
            "request rejected (400): Unsupported parameter",
        ),
    ];
    for (status, body, expect) in cases {
        let fx = Fixture::new();
        let server = Server::start(vec![
            Reply::json(status, body),
            Reply::sse(openai_stream(&["never"], (1, 1))),
        ]);
        let (out, _) = run(&fx, &server, &[]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(expect), "{status}: {}", stderr(&out));
        assert_eq!(server.requests().len(), 1, "{status} is not retried");
    }
}

#[test]
fn a_connection_dropped_after_some_tokens_keeps_the_partial_text() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(vec![
        openai_delta("Partial "),
        openai_delta("critique"),
        Step::Drop,
    ])]);
    let (out, _) = run(&fx, &server, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "Partial critique\n");
    let err = stderr(&out);
    assert!(
        err.contains("the connection broke") && err.contains("marked interrupted"),
        "{err}"
    );
    let c = &fx.critiques()[0];
    assert!(c.interrupted);
    assert_eq!(c.text, "Partial critique");
    assert_eq!(
        c.output_tokens,
        Some(2),
        "counted from the stream when no usage came"
    );
    assert!(fx.session_text().contains("interrupted = true"));
    assert_eq!(
        server.requests().len(),
        1,
        "never retried after the first token"
    );
}

#[test]
fn a_slow_drip_past_the_read_timeout_is_cut_but_a_steady_one_is_not() {
    // read_secs = 1: a silence after two tokens is a timeout, cut there (a silence the
    // timeout missed would last longer than the test's hang guard).
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(vec![
        openai_delta("Slow "),
        openai_delta("start"),
        Step::Sleep(SILENCE),
        openai_delta(" never seen"),
    ])]);
    let (out, _) = run(&fx, &server, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the server sent nothing for 1 s (read timeout"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fx.critiques()[0].text, "Slow start");
    assert!(fx.critiques()[0].interrupted);

    // Tokens every 0.4 s for 2.4 s in all: longer than the read timeout, never idle that long.
    let fx = Fixture::new();
    let mut steps = Vec::new();
    for i in 0..6 {
        steps.push(Step::Sleep(Duration::from_millis(400)));
        steps.push(openai_delta(&format!("t{i} ")));
    }
    steps.extend(openai_stream(&[], (1, 6)));
    let server = Server::start(vec![Reply::sse(steps)]);
    let (out, _) = run(&fx, &server, &[]);
    assert!(out.status.success(), "no total deadline: {}", stderr(&out));
    assert_eq!(stdout(&out), "t0 t1 t2 t3 t4 t5 \n");
}

#[test]
fn a_server_that_never_answers_times_out_without_a_retry() {
    let fx = Fixture::new();
    let server = Server::start(vec![
        Reply::sse(openai_stream(&["late"], (1, 1))).after(SILENCE),
    ]);
    let (out, _) = run(&fx, &server, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the server sent nothing for 1 s (read timeout"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.requests().len(), 1, "not retried");
    assert!(fx.critiques().is_empty());
}

#[test]
fn invalid_json_in_the_stream_is_a_malformed_stream() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(vec![Step::Send(
        b"data: {\"choices\": [{\"delta\": \n\n".to_vec(),
    )])]);
    let (out, _) = run(&fx, &server, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("kickoff: malformed stream from openai: invalid JSON in an event"),
        "{}",
        stderr(&out)
    );
    assert!(fx.critiques().is_empty());
}

#[test]
fn an_error_object_inside_a_200_stream_is_reported() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(vec![
        openai_delta("Half"),
        Step::Send(b"data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"invalid_request_error\"}}\n\n".to_vec()),
    ])]);
    let (out, _) = run(&fx, &server, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("the server reported an error in the stream: The server had an error"),
        "{}",
        stderr(&out)
    );
    assert!(fx.critiques()[0].interrupted);
}

#[test]
fn empty_and_null_choices_are_skipped() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(vec![
        Step::Send(b"data: {\"choices\":[]}\n\n".to_vec()),
        openai_delta("Still "),
        Step::Send(b"data: {\"choices\":null}\n\n".to_vec()),
        Step::Send(
            b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":null}}]}\n\n".to_vec(),
        ),
        openai_delta("fine."),
        Step::Send(
            b"data: {\"choices\":null,\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}\n\n"
                .to_vec(),
        ),
        Step::Send(b"data: [DONE]\n\n".to_vec()),
    ])]);
    let (out, _) = run(&fx, &server, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Still fine.\n");
    assert_eq!(fx.critiques()[0].output_tokens, Some(2));
}

#[test]
fn a_response_just_under_the_64_kib_limit_arrives_whole() {
    let fx = Fixture::new();
    let line = format!("{}\n", "x".repeat(1023));
    let texts: Vec<&str> = std::iter::repeat_n(line.as_str(), 64).collect();
    let server = Server::start(vec![Reply::sse(openai_stream(&texts, (100, 64)))]);
    let (out, _) = run(&fx, &server, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout.len(), 64 * 1024);
    assert_eq!(fx.critiques()[0].text.len(), 64 * 1024);
    assert!(!fx.critiques()[0].interrupted);
}

#[test]
fn ansi_and_osc_52_sequences_never_reach_stdout_or_the_file() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(openai_stream(
        &[
            "\x1b[31mRed\x1b",
            "[0m text",
            "\x1b]52;c;ZWNobyBoaQ==\x07 and",
            " a \x1b]0;title\x1b\\clean\u{9b}2J end\r\n",
        ],
        (5, 5),
    ))]);
    let (out, _) = run(&fx, &server, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Red text and a clean end\n");
    assert_eq!(fx.critiques()[0].text, "Red text and a clean end\n");
    let file = fx.session_text();
    assert!(
        !file.contains("\\u001b") && !file.contains('\x1b') && !file.contains("ZWNobyBoaQ"),
        "{file}"
    );
}

#[test]
fn a_server_that_ignores_stream_true_still_works() {
    let fx = Fixture::new();
    let body = r#"{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Whole reply."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3}}"#;
    let server = Server::start(vec![Reply::json(200, body)]);
    let (out, _) = run(&fx, &server, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Whole reply.\n");
    assert_eq!(fx.critiques()[0].input_tokens, Some(9));
}

#[test]
fn ctrl_c_stops_the_stream_and_keeps_the_partial_critique() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    // A long read timeout, so only the interrupt can end this stream early.
    let fx = Fixture::with_config("[timeouts]\nconnect_secs = 2\nread_secs = 30\n");
    let server = Server::start(vec![Reply::sse(vec![
        openai_delta("Half a "),
        openai_delta("thought"),
        Step::Sleep(SILENCE),
        openai_delta(" never seen"),
    ])]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_kickoff"))
        .args([
            "critique",
            fx.session.to_str().unwrap(),
            "--provider",
            "openai",
            "--model",
            "test-model",
        ])
        .env("KICKOFF_CONFIG", &fx.config)
        .envs(openai_env(&server))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 64];
    while !String::from_utf8_lossy(&seen).contains("thought") {
        let n = stdout.read(&mut buf).unwrap();
        assert!(n > 0, "stdout closed early");
        seen.extend_from_slice(&buf[..n]);
    }
    let pid = child.id().to_string();
    let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(status.success());
    // Only the interrupt can end it before the hang guard.
    let out = within_hang_guard(
        move || child.wait_with_output().unwrap(),
        move || {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
        },
    );
    assert_eq!(out.status.code(), Some(1));
    let critiques = fx.critiques();
    assert_eq!(
        critiques.len(),
        1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(critiques[0].text, "Half a thought");
    assert!(critiques[0].interrupted);
}
