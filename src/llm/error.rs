//! What can go wrong talking to a provider, each as one line a person can act on.
//!
//! Errors hold strings, not `reqwest::Error`s: they cross threads to the TUI (so `Clone`), and
//! every message that came from a server or a URL has been redacted and sanitized on the way in.

use std::time::Duration;

use regex::Regex;

use super::sanitize::one_line;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LlmError {
    #[error(
        "no LLM provider configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_HOST, pass --provider, or write a config file (see docs/config.md)"
    )]
    NotConfigured,
    #[error(
        "{provider}: no API key: set {env} or `api_key_cmd` in the config file (see docs/config.md)"
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
    #[error("{provider}: the server asks to wait {} before retrying, longer than `retry.max_wait_secs`{}", secs(*.wait), detail(.message))]
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
    #[error("the response exceeded {} MiB and was cut", .limit / (1024 * 1024))]
    TooLarge { limit: usize },
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

fn detail(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

/// Removes secrets from text that may be shown or saved: the key itself, wherever it appears,
/// and anything that looks like a key or a credential in a URL.
#[derive(Clone)]
pub struct Redactor {
    secrets: Vec<String>,
    patterns: Regex,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor")
    }
}

impl Redactor {
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Redactor {
        Redactor {
            // Short "secrets" would redact ordinary words; real keys are long.
            secrets: secrets.into_iter().filter(|s| s.len() >= 8).collect(),
            patterns: Regex::new(concat!(
                r"(?i)(sk-[a-z0-9_\-*]{6,}|bearer\s+[a-z0-9._\-~+/]{6,}=*",
                r"|(?:x-api-key|api-key|authorization)\s*[:=]\s*(?:bearer\s+)?\S+",
                r"|[?&](?:key|api_key|api-key|token|access_token)=[^&\s]+",
                r"|//[^/@\s:]+:[^/@\s]+@)"
            ))
            .expect("the redaction pattern is valid"),
        }
    }

    fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), "[redacted]");
            }
        }
        self.patterns
            .replace_all(&out, |c: &regex::Captures| {
                let m = &c[0];
                if m.starts_with("//") {
                    "//[redacted]@".to_string()
                } else if let Some(i) = m.find(['=', ':']).filter(|_| !m.starts_with("sk-")) {
                    format!("{}[redacted]", &m[..=i])
                } else {
                    "[redacted]".to_string()
                }
            })
            .into_owned()
    }

    /// Redacted, sanitized, one line of at most 300 characters: for server text in messages.
    pub fn message(&self, text: &str) -> String {
        one_line(&self.redact(text), 300)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_the_key_and_key_like_text() {
        let r = Redactor::new(["secret-key-12345".to_string()]);
        assert_eq!(r.redact("bad key secret-key-12345."), "bad key [redacted].");
        assert_eq!(
            r.redact("Incorrect API key sk-proj-abcdef123"),
            "Incorrect API key [redacted]"
        );
        assert_eq!(
            r.redact("authorization: Bearer abcdefgh"),
            "authorization:[redacted]"
        );
        assert_eq!(
            r.redact("http://h/x?key=abc&b=1"),
            "http://h/x?key=[redacted]&b=1"
        );
        assert_eq!(
            r.redact("http://user:pw@host/v1"),
            "http://[redacted]@host/v1"
        );
    }

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
