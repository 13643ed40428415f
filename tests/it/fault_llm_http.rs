//! Servers that misbehave at the HTTP level: a redirect elsewhere, a page or binary data where
//! a stream should be, absurd waits, a stream that never ends, and a key that cannot be sent.

use crate::llm_support;

use std::time::Duration;

use llm_support::*;

fn anthropic_env(server: &Server) -> Vec<(&'static str, String)> {
    vec![
        ("ANTHROPIC_BASE_URL", server.url("")),
        ("ANTHROPIC_API_KEY", KEY.to_string()),
    ]
}

fn ollama_env(server: &Server) -> Vec<(&'static str, String)> {
    vec![
        ("OLLAMA_HOST", server.url("")),
        ("OLLAMA_API_KEY", KEY.to_string()),
    ]
}

#[test]
fn a_redirect_to_another_host_is_not_followed_by_any_provider() {
    type Setup = fn(&Server) -> Vec<(&'static str, String)>;
    let cases: [(&str, Setup, &str, &str); 3] = [
        (
            "openai",
            openai_env,
            "/v1/chat/completions",
            "OPENAI_BASE_URL",
        ),
        (
            "anthropic",
            anthropic_env,
            "/v1/messages",
            "ANTHROPIC_BASE_URL",
        ),
        ("ollama", ollama_env, "/api/chat", "OLLAMA_HOST"),
    ];
    for (provider, env, path, var) in cases {
        let fx = Fixture::new();
        let elsewhere = Server::start(vec![Reply::sse(openai_stream(&["stolen"], (1, 1)))]);
        let target = elsewhere.url(path);
        let first = Server::start(vec![Reply::redirect(307, &target)]);
        let (out, _) = kickoff(&fx, &env(&first), &["--provider", provider]);
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            elsewhere.requests().is_empty(),
            "{provider}: the request reached the other server"
        );
        assert_eq!(first.requests().len(), 1, "{provider}: retried");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{provider}: {err}");
        assert!(
            err.contains(&format!("answered 307, sending the request on to {target}"))
                && err.contains("does not follow redirects")
                && err.contains(var),
            "{provider}: {err}"
        );
        assert_no_key(&fx, &out);
        assert!(fx.critiques().is_empty());
    }
}

#[test]
fn an_html_page_with_status_200_is_named_and_not_retried() {
    let fx = Fixture::new();
    let page = b"<!DOCTYPE html><html><body>Please log in to the hotel Wi-Fi</body></html>";
    let server = Server::start(vec![
        Reply::body("text/html; charset=utf-8", page),
        Reply::body("text/html; charset=utf-8", page),
    ]);
    let (out, _) = kickoff(&fx, &openai_env(&server), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(server.requests().len(), 1, "retried: {err}");
    assert!(
        err.contains("answered with an HTML page") && err.contains("is OPENAI_BASE_URL right?"),
        "{err}"
    );
    assert!(!err.contains("end marker"), "{err}");
}

#[test]
fn gzip_garbage_is_said_to_be_binary_and_not_retried() {
    let gzip = vec![
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff, 0xfe, 0x00,
    ];
    for (reply, expect) in [
        (
            Reply::stream("text/event-stream", vec![Step::Send(gzip.clone())]),
            "gzip-compressed data, not text",
        ),
        (
            Reply::stream(
                "text/event-stream",
                vec![Step::Send(vec![0xc3, 0x28, 0xff, 0x00, b'\n'])],
            ),
            "binary data, not text",
        ),
        (
            Reply::stream("text/event-stream", vec![Step::Send(gzip.clone())])
                .header("content-encoding", "gzip"),
            "data compressed with `gzip`",
        ),
    ] {
        let fx = Fixture::new();
        let server = Server::start(vec![reply, Reply::sse(openai_stream(&["no"], (1, 1)))]);
        let (out, _) = kickoff(
            &fx,
            &[
                ("ANTHROPIC_BASE_URL", server.url("")),
                ("ANTHROPIC_API_KEY", KEY.into()),
            ],
            &[],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(server.requests().len(), 1, "retried: {err}");
        assert!(
            err.contains(expect) && err.contains("is ANTHROPIC_BASE_URL right?"),
            "{expect}: {err}"
        );
    }
}

#[test]
fn a_key_with_a_line_break_is_an_error_before_anything_is_sent() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(openai_stream(&["no"], (1, 1)))]);
    let key = format!("{KEY}\nX-Injected: 1");
    let env = [
        ("OPENAI_BASE_URL", server.url("/v1")),
        ("OPENAI_API_KEY", key),
    ];
    let (out, _) = kickoff(&fx, &env, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the API key from OPENAI_API_KEY contains a line break"),
        "{err}"
    );
    assert!(!err.contains("header value"), "{err}");
    assert!(server.requests().is_empty());
    assert_no_key(&fx, &out);
}

#[test]
fn absurd_retry_waits_from_the_server_do_not_panic() {
    for (header, value) in [("retry-after", "1e300"), ("retry-after-ms", "1e30")] {
        let fx = Fixture::new();
        let server = Server::start(vec![
            Reply::json(
                429,
                r#"{"error":{"message":"slow down","code":"rate_limit_exceeded"}}"#,
            )
            .header(header, value),
        ]);
        let (out, _) = kickoff(&fx, &openai_env(&server), &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{header}: {err}");
        assert!(
            err.contains(
                "asks to wait a day or more before retrying, longer than `retry.max_wait_secs`"
            ),
            "{header}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            !err.contains("retrying in"),
            "{header}: not waited for: {err}"
        );
        assert_eq!(server.requests().len(), 1, "{header}: not retried");
    }
}

#[test]
fn an_endless_stream_is_cut_at_64_kib_and_the_cut_is_said() {
    let fx = Fixture::new();
    let mut chunk = Vec::new();
    for _ in 0..50 {
        chunk.extend_from_slice(
            b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"all work and no play \"}}]}\n\n",
        );
    }
    let server = Server::start(vec![Reply::sse(vec![Step::Forever(chunk)])]);
    // An endless stream that is not cut would trip the fixture's hang guard.
    let (out, _) = kickoff(&fx, &openai_env(&server), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the critique reached 64 KiB and was cut there")
            && err.contains("marked interrupted"),
        "{err}"
    );
    let critiques = fx.critiques();
    let text = &critiques[0].text;
    assert!(critiques[0].interrupted);
    assert!(
        text.ends_with("[cut at 64 KiB]\n"),
        "{}",
        &text[text.len() - 60..]
    );
    assert!(text.len() <= 64 * 1024 + 40, "{}", text.len());
    assert!(text.starts_with("all work and no play all work"));
    assert!(stdout(&out).ends_with("[cut at 64 KiB]\n"));
    assert!(fx.session_text().len() < 100 * 1024);
}
