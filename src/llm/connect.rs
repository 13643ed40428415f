//! Getting to the server: the API key (from the environment or `api_key_cmd`) and what a
//! failed connection means, as one line a person can act on.

use super::error::LlmError;
use super::provider::{ApiKey, KeySource, ProviderConfig};
use super::redact::Redactor;

pub(super) fn resolve_key(source: &KeySource) -> Result<Option<ApiKey>, LlmError> {
    let (from, key) = match source {
        KeySource::None => return Ok(None),
        KeySource::Env(name, k) => (*name, k.clone()),
        KeySource::Command(cmd) => ("api_key_cmd", run_key_command(cmd)?),
    };
    check_key(key.expose()).map_err(|what| LlmError::BadKey {
        source_name: from.to_string(),
        what,
    })?;
    Ok(Some(key))
}

/// A key must fit in an HTTP header as it is: what is wrong with it, never the key itself.
fn check_key(key: &str) -> Result<(), &'static str> {
    if key.contains(['\n', '\r']) {
        Err("a line break")
    } else if key.chars().any(char::is_control) {
        Err("a control character")
    } else if key.chars().any(char::is_whitespace) {
        Err("a space")
    } else if !key.is_ascii() {
        Err("a character that is not ASCII (a typographic quote or dash pasted with it?)")
    } else {
        Ok(())
    }
}

/// Runs `api_key_cmd` through the shell; its standard output is the key. Its standard error
/// and input stay with the terminal, so a password manager can ask for a passphrase.
fn run_key_command(cmd: &str) -> Result<ApiKey, LlmError> {
    let mut command = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", cmd]);
        c
    } else {
        let mut c = std::process::Command::new("sh");
        c.args(["-c", cmd]);
        c
    };
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| LlmError::KeyCommand(format!("cannot run it: {e}")))?;
    if !output.status.success() {
        // Never echo its output: it may hold the key.
        return Err(LlmError::KeyCommand(format!(
            "it exited with {}",
            output.status
        )));
    }
    let key = String::from_utf8(output.stdout)
        .map_err(|_| LlmError::KeyCommand("its output is not UTF-8".into()))?;
    let key = key.trim();
    if key.is_empty() {
        return Err(LlmError::KeyCommand("it printed nothing".into()));
    }
    Ok(ApiKey::new(key.to_string()))
}

/// Names what failed to connect, from the error's chain of causes.
pub(super) fn transport_error(
    e: &reqwest::Error,
    url: &str,
    p: &ProviderConfig,
    redactor: &Redactor,
) -> LlmError {
    let mut refused = false;
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        source = s.source();
    }
    let failure = Transport {
        chain: error_chain(e),
        refused,
        timeout: e.is_timeout(),
        connect: e.is_connect(),
    };
    failure.classify(&redactor.message(url), p, redactor)
}

/// What a transport error says about itself, separated from reqwest so it can be tested.
struct Transport {
    chain: String,
    refused: bool,
    timeout: bool,
    connect: bool,
}

impl Transport {
    fn classify(&self, url: &str, p: &ProviderConfig, redactor: &Redactor) -> LlmError {
        let url = url.to_string();
        let lower = self.chain.to_ascii_lowercase();
        if self.refused || lower.contains("connection refused") {
            return LlmError::ConnectionRefused { url };
        }
        if [
            "dns error",
            "failed to lookup address",
            "name or service not known",
            "no such host",
        ]
        .iter()
        .any(|m| lower.contains(m))
        {
            return LlmError::Dns { url };
        }
        match (self.timeout, self.connect) {
            (true, true) => LlmError::ConnectTimeout {
                url,
                after: p.connect_timeout,
            },
            (true, false) => LlmError::ReadTimeout {
                after: p.read_timeout,
            },
            (false, true) => LlmError::Connect {
                url,
                message: redactor.message(&self.chain),
            },
            (false, false) => LlmError::Broken {
                message: redactor.message(&self.chain),
            },
        }
    }
}

/// The innermost causes, which say what happened; the outer ones repeat the URL.
pub(super) fn error_chain(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p: &String| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    if parts.is_empty() {
        e.to_string()
    } else {
        parts.join(": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::llm::provider::{Env, Flags, resolve};

    fn provider() -> ProviderConfig {
        let env = Env::default().with("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
        resolve(&Config::default(), &env, &Flags::default())
            .unwrap()
            .unwrap()
    }

    fn classify(chain: &str, refused: bool, timeout: bool, connect: bool) -> String {
        let t = Transport {
            chain: chain.into(),
            refused,
            timeout,
            connect,
        };
        t.classify("http://h/v1", &provider(), &Redactor::new([]))
            .to_string()
    }

    #[test]
    fn a_key_that_cannot_be_a_header_says_why_without_the_key() {
        assert_eq!(check_key("sk-abc\ndef"), Err("a line break"));
        assert_eq!(check_key("sk-abc\x07def"), Err("a control character"));
        assert_eq!(check_key("sk-abc def"), Err("a space"));
        assert!(
            check_key("sk-abc\u{2013}def")
                .unwrap_err()
                .contains("not ASCII")
        );
        assert_eq!(check_key("sk-abc_DEF-123"), Ok(()));
        let e = resolve_key(&KeySource::Env(
            "OPENAI_API_KEY",
            ApiKey::new("sk-secret\r\nx".into()),
        ))
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "the API key from OPENAI_API_KEY contains a line break; check it (the key is not shown)"
        );
    }

    #[test]
    fn transport_failures_get_their_own_messages() {
        let dns = classify(
            "client error (Connect): dns error: failed to lookup address information: Name or service not known",
            false,
            false,
            true,
        );
        assert!(
            dns.starts_with("cannot resolve the host of http://h/v1 (DNS failure"),
            "{dns}"
        );
        assert!(classify("tcp connect error", true, false, true).contains("connection refused"));
        assert!(classify("operation timed out", false, true, true).contains("connect timeout"));
        assert!(classify("operation timed out", false, true, false).contains("read timeout"));
        assert!(
            classify(
                "connection closed before message completed",
                false,
                false,
                false
            )
            .starts_with("the connection broke")
        );
    }
}
