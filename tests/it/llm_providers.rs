//! `kickoff critique` against scripted Anthropic and Ollama servers, and what happens with no
//! provider, no server, a key command and `--list-providers`.

use crate::llm_support;

use llm_support::*;

fn anthropic_env(server: &Server) -> Vec<(&'static str, String)> {
    vec![
        ("ANTHROPIC_BASE_URL", server.url("")),
        ("ANTHROPIC_API_KEY", KEY.to_string()),
    ]
}

fn ollama_env(server: &Server) -> Vec<(&'static str, String)> {
    vec![("OLLAMA_HOST", format!("127.0.0.1:{}", server.port))]
}

#[test]
fn anthropic_streams_and_saves_with_usage() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(anthropic_stream(
        &["- [task] ", "Say which decision changes."],
        (321, 12),
    ))]);
    let (out, _) = kickoff(
        &fx,
        &anthropic_env(&server),
        &["--model", "claude-sonnet-4-5"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "- [task] Say which decision changes.\n");
    let c = &fx.critiques()[0];
    assert_eq!(
        (c.provider.as_str(), c.input_tokens, c.output_tokens),
        ("anthropic", Some(321), Some(12))
    );
    assert_eq!(
        c.cost_usd,
        Some(0.001143),
        "built-in price: 321 * $3 + 12 * $15 per Mtok"
    );
    let req = &server.requests()[0];
    assert_eq!(req.path, "/v1/messages");
    assert_eq!(req.header("x-api-key"), Some(KEY));
    assert_eq!(req.header("anthropic-version"), Some("2023-06-01"));
    let body: serde_json::Value = serde_json::from_str(&req.body).unwrap();
    // The persona is the static, cacheable prefix.
    let system = &body["system"][0];
    assert!(system["text"].as_str().unwrap().contains("baseline"));
    assert_eq!(system["cache_control"]["type"], "ephemeral");
    assert_no_key(&fx, &out);
}

#[test]
fn anthropic_error_event_mid_stream_keeps_the_partial_text() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(vec![
        anthropic_start(50),
        anthropic_delta("Before the "),
        anthropic_delta("overload"),
        anthropic_event(
            "error",
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        ),
    ])]);
    let (out, _) = kickoff(&fx, &anthropic_env(&server), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "Before the overload\n");
    assert!(
        stderr(&out).contains("anthropic: the server reported an error in the stream: Overloaded; the partial critique was saved"),
        "{}",
        stderr(&out)
    );
    let c = &fx.critiques()[0];
    assert!(c.interrupted);
    assert_eq!(c.input_tokens, Some(50));
}

#[test]
fn anthropic_overload_before_the_first_token_is_retried() {
    let fx = Fixture::new();
    let server = Server::start(vec![
        Reply::json(
            529,
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        ),
        Reply::sse(vec![
            anthropic_start(5),
            anthropic_event(
                "error",
                r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
            ),
        ]),
        Reply::sse(anthropic_stream(&["Made it."], (5, 2))),
    ]);
    let (out, _) = kickoff(&fx, &anthropic_env(&server), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("server error 529"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "Made it.\n");
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn ollama_streams_ndjson_and_saves_counts() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::stream(
        "application/x-ndjson",
        ollama_stream(&["Local ", "critique."], (40, 3)),
    )]);
    let (out, _) = kickoff(&fx, &ollama_env(&server), &["--model", "llama3.2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Local critique.\n");
    let c = &fx.critiques()[0];
    assert_eq!(
        (
            c.provider.as_str(),
            c.input_tokens,
            c.output_tokens,
            c.cost_usd
        ),
        ("ollama", Some(40), Some(3), None)
    );
    let req = &server.requests()[0];
    assert_eq!(req.path, "/api/chat");
    assert!(req.header("authorization").is_none());
}

#[test]
fn ollama_error_line_mid_stream_is_reported() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::stream(
        "application/x-ndjson",
        vec![
            ollama_line("Some "),
            Step::Send(
                b"{\"error\":\"an error was encountered while running the model\"}\n".to_vec(),
            ),
        ],
    )]);
    let (out, _) = kickoff(&fx, &ollama_env(&server), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "ollama: the server reported an error in the stream: an error was encountered"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(fx.critiques()[0].text, "Some ");
}

#[test]
fn ollama_404_names_the_model() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::json(
        404,
        r#"{"error":"model \"nope\" not found, try pulling it first"}"#,
    )]);
    let (out, _) = kickoff(&fx, &ollama_env(&server), &["--model", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("404 not found: no model `nope`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn no_provider_runs_the_offline_critic_and_says_how_to_configure() {
    let fx = Fixture::new();
    let (out, _) = kickoff(&fx, &[], &[]);
    // No LLM critique was made: not a success a script could take for one.
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("accuracy-on-imbalance"),
        "{}",
        stdout(&out)
    );
    // The verdict is `kickoff check`'s: blockers fail, never a "passed" beside them.
    assert!(stdout(&out).lines().next().unwrap().ends_with(": FAILED"));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("kickoff: no LLM provider configured: set OPENAI_API_KEY"),
        "{err}"
    );
}

#[test]
fn connection_refused_is_one_clear_line() {
    let fx = Fixture::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = [("OPENAI_BASE_URL", format!("http://127.0.0.1:{port}/v1"))];
    let (out, _) = kickoff(&fx, &env, &["--provider", "openai"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).lines().last().unwrap(),
        format!(
            "kickoff: cannot connect to http://127.0.0.1:{port}/v1/chat/completions: connection refused (is the server running? check the base URL)"
        )
    );
    assert!(
        !stderr(&out).contains("retrying in"),
        "refused is not retried: {}",
        stderr(&out)
    );
}

#[test]
fn an_explicit_provider_without_its_key_is_a_usage_error() {
    let fx = Fixture::new();
    let (out, _) = kickoff(&fx, &[], &["--provider", "anthropic"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("anthropic: no API key is set: set ANTHROPIC_API_KEY, or `api_key_cmd`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_key_can_come_from_a_command_and_is_never_saved() {
    let fx = Fixture::with_config(&format!(
        "{CONFIG}\n[providers.openai]\napi_key_cmd = \"echo {KEY}\"\n"
    ));
    let server = Server::start(vec![Reply::sse(openai_stream(&["ok"], (1, 1)))]);
    let env = [("OPENAI_BASE_URL", server.url("/v1"))];
    let (out, _) = kickoff(
        &fx,
        &env,
        &["--provider", "openai", "--model", "test-model"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_no_key(&fx, &out);

    let fx = Fixture::with_config("[providers.openai]\napi_key_cmd = \"exit 3\"\n");
    let (out, _) = kickoff(&fx, &env, &["--provider", "openai"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("api_key_cmd failed: it exited with exit status: 3"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn list_providers_redacts_keys() {
    let fx = Fixture::with_config(&format!("provider = \"ollama\"\n{CONFIG}"));
    let env = [
        ("OPENAI_API_KEY", KEY.to_string()),
        ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1".to_string()),
    ];
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kickoff"));
    let out = cmd
        .args(["critique", "--list-providers"])
        .env("KICKOFF_CONFIG", &fx.config)
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("OLLAMA_HOST")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains(KEY), "{text}");
    assert!(text.contains("default provider: ollama"), "{text}");
    assert!(text.contains("openai     model gpt-4o-mini, http://127.0.0.1:9/v1, key from OPENAI_API_KEY (redacted)"), "{text}");
    assert!(
        text.contains("anthropic  not usable: anthropic: no API key"),
        "{text}"
    );
    assert!(
        text.contains("timeouts: connect 2.0 s, read (idle) 1.0 s"),
        "{text}"
    );
}

#[test]
fn the_standard_proxy_variables_are_honoured() {
    // The scripted server plays the proxy: the request reaches it in absolute form, and the
    // `.invalid` host is never looked up.
    let fx = Fixture::new();
    let proxy = Server::start(vec![Reply::sse(openai_stream(&["Via the proxy."], (3, 3)))]);
    let env = [
        (
            "OPENAI_BASE_URL",
            "http://kickoff-test.invalid/v1".to_string(),
        ),
        ("OPENAI_API_KEY", KEY.to_string()),
        ("HTTP_PROXY", proxy.url("")),
        ("NO_PROXY", String::new()),
    ];
    let (out, _) = kickoff(&fx, &env, &["--provider", "openai"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Via the proxy.\n");
    assert_eq!(
        proxy.requests()[0].path,
        "http://kickoff-test.invalid/v1/chat/completions"
    );
}
