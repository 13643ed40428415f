//! The base URL in one shape, whatever form it was written in.

use super::error::LlmError;
use super::redact::Redactor;

/// Checks the URL and puts it in one shape: scheme, host, port, path without trailing slash.
pub(super) fn normalize_url(raw: &str, ollama: bool) -> Result<String, LlmError> {
    let mut url = raw.trim().trim_end_matches('/').to_string();
    if ollama {
        // OLLAMA_HOST is often `0.0.0.0`, `localhost:11434` or `:11434`: what the server binds.
        if !url.contains("://") {
            url = format!("http://{url}");
        }
        let parsed = reqwest::Url::parse(&url).map_err(|e| bad_url(raw, &e.to_string()))?;
        let host = match parsed.host_str() {
            None | Some("") | Some("0.0.0.0") => "127.0.0.1".to_string(),
            Some(h) => h.to_string(),
        };
        let port = parsed.port().unwrap_or(if parsed.scheme() == "https" {
            443
        } else {
            11434
        });
        let path = parsed.path().trim_end_matches('/');
        return Ok(format!("{}://{host}:{port}{path}", parsed.scheme()));
    }
    let parsed = reqwest::Url::parse(&url).map_err(|e| bad_url(raw, &e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad_url(raw, "the scheme must be http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad_url(raw, "no host"));
    }
    Ok(url)
}

fn bad_url(raw: &str, message: &str) -> LlmError {
    let r = Redactor::new([]);
    LlmError::BadUrl {
        url: r.message(raw),
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ollama_host_forms() {
        let n = |s| normalize_url(s, true).unwrap();
        assert_eq!(n("0.0.0.0"), "http://127.0.0.1:11434");
        assert_eq!(n("localhost:11500"), "http://localhost:11500");
        assert_eq!(
            n("https://ollama.example.com"),
            "https://ollama.example.com:443"
        );
    }
}
