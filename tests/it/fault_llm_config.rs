//! Settings that parse but cannot be used: absurd, negative or non-numeric durations and token
//! limits, in the config file and on the command line. Each is a clear error, never a panic.

use crate::llm_support;

use llm_support::*;

fn run_with_config(config: &str, args: &[&str]) -> (Fixture, std::process::Output) {
    let fx = Fixture::with_config(config);
    let server = Server::start(vec![Reply::sse(openai_stream(&["no"], (1, 1)))]);
    let (out, _) = kickoff(&fx, &openai_env(&server), args);
    assert!(server.requests().is_empty(), "a request was sent");
    (fx, out)
}

#[test]
fn unusable_durations_in_the_config_name_the_key_and_the_file() {
    for (source, key, says) in [
        (
            "[timeouts]\nread_secs = 1e300\n",
            "`timeouts.read_secs`",
            "too long",
        ),
        (
            "[retry]\nmax_wait_secs = 1e300\n",
            "`retry.max_wait_secs`",
            "too long",
        ),
        (
            "[timeouts]\nconnect_secs = -5\n",
            "`timeouts.connect_secs`",
            "must be more than 0",
        ),
        (
            "[timeouts]\nread_secs = nan\n",
            "`timeouts.read_secs`",
            "is not a number",
        ),
        (
            "[timeouts]\nread_secs = inf\n",
            "`timeouts.read_secs`",
            "too long",
        ),
        (
            "[timeouts]\nread_secs = 0\n",
            "`timeouts.read_secs`",
            "must be more than 0",
        ),
        (
            "[retry]\nbase_delay_ms = 99999999999\n",
            "`retry.base_delay_ms`",
            "too long",
        ),
    ] {
        let (fx, out) = run_with_config(source, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{source}: {err}");
        assert!(
            err.contains(&fx.config.display().to_string())
                && err.contains(key)
                && err.contains(says),
            "{source}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn max_tokens_of_zero_or_absurd_is_rejected_naming_the_flag_or_key() {
    for value in ["0", "1000001"] {
        let (_, out) = run_with_config(CONFIG, &["--max-tokens", value]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("--max-tokens") && err.contains(value), "{err}");
    }
    for (source, key) in [
        ("max_tokens = 0\n", "`max_tokens`"),
        (
            "[providers.openai]\nmax_tokens = 5000000\n",
            "`providers.openai.max_tokens`",
        ),
    ] {
        let (fx, out) = run_with_config(source, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{source}: {err}");
        assert!(
            err.contains(&fx.config.display().to_string())
                && err.contains(key)
                && err.contains("between 1 and 1000000"),
            "{source}: {err}"
        );
    }
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(openai_stream(&["fine"], (1, 1)))]);
    let (out, _) = kickoff(&fx, &openai_env(&server), &["--max-tokens", "1000000"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_proxy_variable_that_cannot_be_read_is_an_error_naming_it() {
    // reqwest skips a proxy variable it cannot parse: the critique went straight to the
    // server, past the proxy the user set.
    for (var, value, says) in [
        ("HTTP_PROXY", "http://[::1", "not a URL"),
        ("http_proxy", "ftp://proxy.example:21", "scheme"),
        ("ALL_PROXY", "socks5://127.0.0.1:1080", "SOCKS"),
    ] {
        let fx = Fixture::with_config(CONFIG);
        let server = Server::start(vec![Reply::sse(openai_stream(&["no"], (1, 1)))]);
        let mut env = openai_env(&server);
        env.push((var, value.to_string()));
        let (out, _) = kickoff(&fx, &env, &[]);
        let err = stderr(&out);
        assert!(
            server.requests().is_empty(),
            "{var}: a request was sent: {err}"
        );
        assert_eq!(out.status.code(), Some(2), "{var}: {err}");
        assert!(
            err.contains(&format!("{var} is set to `{value}`")) && err.contains(says),
            "{var}: {err}"
        );
    }
    // A usable one is used: the request goes to the proxy (here, the server itself).
    let fx = Fixture::with_config(CONFIG);
    let server = Server::start(vec![Reply::sse(openai_stream(&["no"], (1, 1)))]);
    let mut env = openai_env(&server);
    env.push(("HTTP_PROXY", server.url("")));
    let (out, _) = kickoff(&fx, &env, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 1);
}
