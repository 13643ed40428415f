//! Keeping secrets out of what is shown or saved: the [`Redactor`] for whole messages (errors,
//! URLs) and the [`KeyFilter`] for model text, which arrives in pieces and may split the key
//! over two of them.

use regex::Regex;

use super::sanitize::one_line;

/// Shorter "secrets" would redact ordinary words; real keys are long.
const MIN_SECRET: usize = 8;

const REDACTED: &str = "[redacted]";

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
            secrets: secrets
                .into_iter()
                .filter(|s| s.len() >= MIN_SECRET)
                .collect(),
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
                out = out.replace(s.as_str(), REDACTED);
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

    /// A filter that removes the configured secrets from text arriving in pieces.
    pub(super) fn key_filter(&self) -> KeyFilter {
        KeyFilter {
            secrets: self.secrets.clone(),
            pending: String::new(),
        }
    }

    /// Redacted, sanitized, one line of at most 300 characters: for server text in messages.
    pub fn message(&self, text: &str) -> String {
        one_line(&self.redact(text), 300)
    }
}

/// Removes the configured secrets (the API key) from text that arrives in pieces. The end of
/// what it has seen that could be the start of a secret is held back until the next piece
/// shows whether it is one, so a key split over two stream deltas is still found.
#[derive(Debug, Clone, Default)]
pub(super) struct KeyFilter {
    secrets: Vec<String>,
    /// Text not yet passed on: a tail that may begin a secret.
    pending: String,
}

impl KeyFilter {
    /// Appends to `out` the redacted text that can no longer be part of a secret.
    pub(super) fn push(&mut self, text: &str, out: &mut String) {
        if self.secrets.is_empty() {
            out.push_str(text);
            return;
        }
        self.pending.push_str(text);
        for s in &self.secrets {
            if self.pending.contains(s.as_str()) {
                self.pending = self.pending.replace(s.as_str(), REDACTED);
            }
        }
        let keep = self.held_tail();
        let ready = self.pending.len() - keep;
        out.push_str(&self.pending[..ready]);
        self.pending.drain(..ready);
    }

    /// The end of the text: what was held back is not a secret.
    pub(super) fn finish(&mut self, out: &mut String) {
        out.push_str(&self.pending);
        self.pending.clear();
    }

    /// The length of the longest end of `pending` that is the beginning of a secret.
    fn held_tail(&self) -> usize {
        let p = &self.pending;
        self.secrets
            .iter()
            .filter_map(|s| {
                (1..s.len().min(p.len() + 1))
                    .rev()
                    .find(|&n| s.is_char_boundary(n) && p.ends_with(&s[..n]))
            })
            .max()
            .unwrap_or(0)
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

    fn pieces(key: &str, parts: &[&str]) -> String {
        let mut f = Redactor::new([key.to_string()]).key_filter();
        let mut out = String::new();
        for p in parts {
            f.push(p, &mut out);
        }
        f.finish(&mut out);
        out
    }

    #[test]
    fn a_key_split_over_pieces_is_redacted() {
        let key = "sk-abcdefgh12345";
        assert_eq!(pieces(key, &["a sk-abc", "defgh12345 b"]), "a [redacted] b");
        assert_eq!(
            pieces(key, &["sk", "-abcd", "efgh", "12345", "sk-abcdefgh12345"]),
            "[redacted][redacted]"
        );
    }

    #[test]
    fn a_held_tail_that_is_not_the_key_comes_out_in_order() {
        let key = "sk-abcdefgh12345";
        assert_eq!(pieces(key, &["x sk-ab", "c y"]), "x sk-abc y");
        assert_eq!(
            pieces(key, &["ends with sk-abcdefgh"]),
            "ends with sk-abcdefgh"
        );
        let mut f = Redactor::new([key.to_string()]).key_filter();
        let mut out = String::new();
        f.push("held: sk-abc", &mut out);
        assert_eq!(out, "held: ");
    }

    #[test]
    fn without_a_key_nothing_is_held() {
        let mut f = Redactor::new([]).key_filter();
        let mut out = String::new();
        f.push("sk-", &mut out);
        assert_eq!(out, "sk-");
    }
}
