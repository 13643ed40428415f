//! What can go wrong talking to a provider, each as one line a person can act on.
//!
//! Errors hold strings, not `reqwest::Error`s: they cross threads to the TUI (so `Clone`), and
//! every message that came from a server or a URL has been redacted and sanitized on the way in.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LlmError {
    #[error(
        "no LLM provider configured: set OPENAI_API_KEY or ANTHROPIC_API_KEY (no API key is set), or OLLAMA_HOST for a local Ollama, pass --provider, or write `provider` and `api_key_cmd` in the config file (see docs/config.md)"
    )]
    NotConfigured,
    #[error(
        "{provider}: no API key is set: set {env}, or `api_key_cmd` in the config file (see docs/config.md)"
    )]
    MissingKey {
        provider: &'static str,
        env: &'static str,
    },
    #[error("api_key_cmd failed: {0}")]
    KeyCommand(String),
    #[error("invalid base URL `{url}`: {message}")]
    BadUrl { url: String, message: String },
    #[error(
        "cannot connect to {url}: connection refused (is the server running? check the base URL)"
    )]
    ConnectionRefused { url: String },
    #[error("cannot resolve the host of {url} (DNS failure: check the base URL and the network)")]
    Dns { url: String },
    #[error("cannot connect to {url}: {message}")]
    Connect { url: String, message: String },
    #[error("no connection to {url} within {} (connect timeout; raise `timeouts.connect_secs`)", secs(*.after))]
    ConnectTimeout { url: String, after: Duration },
    #[error("the server sent nothing for {} (read timeout; raise `timeouts.read_secs`)", secs(*.after))]
    ReadTimeout { after: Duration },
    #[error("{provider}: 401 unauthorized: the API key was rejected (check {env} or `api_key_cmd`){}", detail(.message))]
    Unauthorized {
        provider: &'static str,
        env: &'static str,
        message: String,
    },
    #[error("{provider}: 403 forbidden: the key may not use model `{model}` or this endpoint{}", detail(.message))]
    Forbidden {
        provider: &'static str,
        model: String,
        message: String,
    },
    #[error("{provider}: 404 not found: no model `{model}` at {url}, or a wrong base URL{}", detail(.message))]
    NotFound {
        provider: &'static str,
        model: String,
        url: String,
        message: String,
    },
    #[error("{provider}: 429 rate limited, still after {attempts} attempt(s){}", detail(.message))]
    RateLimited {
        provider: &'static str,
        attempts: u32,
        message: String,
    },
    #[error("{provider}: 429 quota exhausted: check the plan and billing (not retried){}", detail(.message))]
    Quota {
        provider: &'static str,
        message: String,
    },
    #[error("{provider}: the server asks to wait {} before retrying, longer than `retry.max_wait_secs`{}", wait_text(*.wait), detail(.message))]
    RetryTooLong {
        provider: &'static str,
        wait: Duration,
        message: String,
    },
    #[error("{provider}: server error {status} after {attempts} attempt(s){}", detail(.message))]
    Server {
        provider: &'static str,
        status: u16,
        attempts: u32,
        message: String,
    },
    #[error("{provider}: request rejected ({status}){}", detail(.message))]
    Rejected {
        provider: &'static str,
        status: u16,
        message: String,
    },
    #[error("{provider}: the server reported an error in the stream: {message}")]
    InStream {
        provider: &'static str,
        message: String,
    },
    #[error("malformed stream from {provider}: {message}")]
    Malformed {
        provider: &'static str,
        message: String,
    },
    #[error("the connection broke: {message}")]
    Broken { message: String },
    #[error("the critique reached {} KiB and was cut there (the server kept sending)", .limit / 1024)]
    TooLarge { limit: usize },
    #[error(
        "{provider}: the server answered {status}, sending the request on to {location}; kickoff does not follow redirects, which would carry the API key to another address (set {env} or the base URL to the final address)"
    )]
    Redirect {
        provider: &'static str,
        status: u16,
        location: String,
        env: &'static str,
    },
    #[error(
        "{provider}: the server at {url} answered with {what}, not {expected} — is {env} right?"
    )]
    NotAStream {
        provider: &'static str,
        url: String,
        what: String,
        expected: &'static str,
        env: &'static str,
    },
    #[error("the API key from {source_name} contains {what}; check it (the key is not shown)")]
    BadKey {
        source_name: String,
        what: &'static str,
    },
    #[error(
        "{var} is set to `{value}`, which is not a proxy kickoff can use: {why}; fix it (e.g. {var}=http://proxy.example:3128) or unset it"
    )]
    BadProxy {
        var: &'static str,
        value: String,
        why: &'static str,
    },
    #[error("cancelled")]
    Cancelled,
    #[error("{0}")]
    Other(String),
}

impl LlmError {
    /// Worth another attempt, if no text has arrived yet.
    pub(super) fn is_retryable(&self) -> bool {
        matches!(
            self,
            LlmError::RateLimited { .. } | LlmError::Server { .. } | LlmError::Broken { .. }
        )
    }

    /// Why an attempt is being retried, without the "after N attempts" of the final message.
    pub(super) fn retry_reason(&self) -> String {
        match self {
            LlmError::RateLimited {
                provider, message, ..
            } => {
                format!("{provider}: 429 rate limited{}", detail(message))
            }
            LlmError::Server {
                provider,
                status,
                message,
                ..
            } => {
                format!("{provider}: server error {status}{}", detail(message))
            }
            other => other.to_string(),
        }
    }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// The longest wait a server can ask for; longer ones are clamped to it.
pub(super) const MAX_SERVER_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

fn wait_text(d: Duration) -> String {
    if d >= MAX_SERVER_WAIT {
        "a day or more".into()
    } else {
        secs(d)
    }
}

fn detail(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line() {
        let e = LlmError::Unauthorized {
            provider: "openai",
            env: "OPENAI_API_KEY",
            message: "Invalid key".into(),
        };
        assert_eq!(
            e.to_string(),
            "openai: 401 unauthorized: the API key was rejected (check OPENAI_API_KEY or `api_key_cmd`): Invalid key"
        );
        assert!(
            LlmError::ReadTimeout {
                after: Duration::from_millis(500)
            }
            .to_string()
            .contains("0.5 s")
        );
    }
}
