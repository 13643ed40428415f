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

/// The proxy variables that apply to a request to `url`, in the order reqwest reads them (the
/// first of each upper- and lower-case pair that is set), each with its value. reqwest reads the
/// scheme's own variable and else `ALL_PROXY`; one it cannot parse it skips without a word, so
/// a request meant to go through a proxy would go straight out.
fn proxy_vars(url: &str, env: &dyn Fn(&str) -> Option<String>) -> Vec<(&'static str, String)> {
    let own: [&'static str; 2] = if url.starts_with("http://") {
        ["HTTP_PROXY", "http_proxy"]
    } else {
        ["HTTPS_PROXY", "https_proxy"]
    };
    // reqwest ignores HTTP_PROXY in a CGI script (it could come from a request's header).
    let cgi = env("REQUEST_METHOD").is_some();
    [own, ["ALL_PROXY", "all_proxy"]]
        .into_iter()
        .filter(|pair| !(cgi && pair[0] == "HTTP_PROXY"))
        .filter_map(|pair| {
            pair.into_iter()
                .find_map(|name| env(name).map(|value| (name, value)))
        })
        .filter(|(_, value)| !value.is_empty())
        .collect()
}

/// A proxy variable that applies to `url` and that reqwest would skip (unparsable, a scheme
/// it cannot use, no host), as an error naming it; the value is shown with any password
/// hidden.
pub(super) fn check_proxy_env(
    url: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), LlmError> {
    for (var, value) in proxy_vars(url, env) {
        if let Some(why) = proxy_problem(&value) {
            return Err(LlmError::BadProxy {
                var,
                value: crate::text::escape_invisible(&without_password(&value)).into_owned(),
                why,
            });
        }
    }
    Ok(())
}

/// What keeps reqwest from using `value` as a proxy (its reading, step by step), if anything.
fn proxy_problem(value: &str) -> Option<&'static str> {
    let Ok(uri) = value.parse::<http::Uri>() else {
        return Some("it is not a URL");
    };
    let scheme = match uri.scheme_str() {
        None | Some("http") => http::uri::Scheme::HTTP,
        Some("https") => http::uri::Scheme::HTTPS,
        Some("socks4" | "socks4a" | "socks5" | "socks5h") => {
            return Some("kickoff is built without SOCKS support (an HTTP proxy works)");
        }
        Some(_) => return Some("its scheme is not http:// or https://"),
    };
    let Some(authority) = uri.authority() else {
        return Some("it names no host");
    };
    let host_port = match authority.as_str().split_once('@') {
        Some((_, host_port)) => host_port,
        None => authority.as_str(),
    };
    if host_port.is_empty() || host_port.starts_with(':') {
        return Some("it names no host");
    }
    let port = host_port
        .rsplit_once(':')
        .map(|(_, p)| p)
        .filter(|p| !p.contains(']'));
    if port.is_some_and(|p| !p.is_empty() && !p.parse::<u16>().is_ok_and(|n| n > 0)) {
        return Some("its port is not a number from 1 to 65535");
    }
    http::Uri::builder()
        .scheme(scheme)
        .authority(host_port)
        .path_and_query("/")
        .build()
        .err()
        .map(|_| "its host and port cannot be read")
}

/// `value` with the password of a `user:password@` part replaced by `***`.
fn without_password(value: &str) -> String {
    let start = value.find("://").map_or(0, |i| i + 3);
    let end = value[start..]
        .find(['/', '?', '#'])
        .map_or(value.len(), |i| start + i);
    match value[start..end].rfind('@') {
        Some(at) => {
            let userinfo = &value[start..start + at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &value[..start], &value[start + at..]),
                None => value.to_string(),
            }
        }
        None => value.to_string(),
    }
}

/// `check_proxy_env` on the process's environment: before a critique is started, so a
/// proxy variable that cannot be read is an input error, not a failed request.
pub fn proxy_env_problem(url: &str) -> Result<(), LlmError> {
    check_proxy_env(url, &|name| std::env::var(name).ok())
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
    // Through a proxy, what failed may be the proxy: say which one was asked.
    let env = |name: &str| std::env::var(name).ok();
    let shown = match proxy_vars(url, &env).first() {
        Some((var, value)) => format!(
            "{url} through the proxy {} ({var})",
            crate::text::escape_invisible(&without_password(value))
        ),
        None => url.to_string(),
    };
    failure.classify(&redactor.message(&shown), p, redactor)
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

    fn proxy_error(url: &str, vars: &[(&str, &str)]) -> Option<String> {
        let env = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        check_proxy_env(url, &env).err().map(|e| e.to_string())
    }

    #[test]
    fn a_proxy_variable_that_cannot_be_read_is_named() {
        let https = "https://api.openai.com/v1";
        let e = proxy_error(https, &[("HTTPS_PROXY", "http://[::1")]).unwrap();
        assert!(
            e.starts_with("HTTPS_PROXY is set to `http://[::1`, which is not a proxy"),
            "{e}"
        );
        let e = proxy_error(https, &[("https_proxy", "ftp://proxy:21")]).unwrap();
        assert!(e.contains("https_proxy") && e.contains("scheme"), "{e}");
        let e = proxy_error(https, &[("ALL_PROXY", "socks5://127.0.0.1:1080")]).unwrap();
        assert!(e.contains("ALL_PROXY") && e.contains("SOCKS"), "{e}");
        let e = proxy_error(
            "http://127.0.0.1:8080/v1",
            &[("HTTP_PROXY", "http://u:pw@")],
        )
        .unwrap();
        assert!(e.contains("HTTP_PROXY is set to `http://u:***@`"), "{e}");
        assert!(!e.contains("pw"), "{e}");
        let e = proxy_error(https, &[("HTTPS_PROXY", "http://proxy:99999999")]).unwrap();
        assert!(e.contains("port"), "{e}");
        let e = proxy_error(https, &[("HTTPS_PROXY", "http://a b\u{1b}[31m")]).unwrap();
        assert!(!e.contains('\u{1b}') && e.contains("\\x1b"), "{e}");
        // The upper-case name is read first, as reqwest does; a lower-case one behind it is
        // not used.
        assert_eq!(
            proxy_error(
                https,
                &[("HTTPS_PROXY", "http://proxy:3128"), ("https_proxy", "::")]
            ),
            None
        );
        // Usable values, empty ones, and variables for the other scheme pass.
        for ok in [
            "http://proxy.example:3128",
            "proxy.example:3128",
            "https://user:pw@proxy.example",
            "http://[::1]:3128/",
            "",
        ] {
            assert_eq!(proxy_error(https, &[("HTTPS_PROXY", ok)]), None, "{ok}");
        }
        assert_eq!(proxy_error(https, &[("HTTP_PROXY", "http://[::1")]), None);
        // A CGI script's HTTP_PROXY is not read (it may come from a request header).
        assert_eq!(
            proxy_error(
                "http://x/v1",
                &[("HTTP_PROXY", "::"), ("REQUEST_METHOD", "GET")]
            ),
            None
        );
    }

    #[test]
    fn a_proxy_password_is_not_shown() {
        assert_eq!(
            without_password("http://me:s3cret@proxy:1/x@y"),
            "http://me:***@proxy:1/x@y"
        );
        assert_eq!(without_password("me:pw@proxy"), "me:***@proxy");
        assert_eq!(without_password("http://proxy:1"), "http://proxy:1");
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
