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
        let keys = Keys::new(&self.secrets);
        let out = keys.redact(text);
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
            keys: Keys::new(&self.secrets),
            pending: String::new(),
        }
    }

    /// Redacted, sanitized, one line of at most 300 characters: for server text in messages.
    pub fn message(&self, text: &str) -> String {
        one_line(&self.redact(text), 300)
    }
}

/// The configured secrets as they are looked for: lowercased, without white space. Text
/// matches one where, read the same way (case folded, white space and zero-width characters
/// skipped, `%XX` escapes decoded), it holds [`MIN_SECRET`] or more characters in a row of
/// it: the key itself in any case, spacing or percent-encoding, and any long part of it.
#[derive(Debug, Clone, Default)]
struct Keys {
    keys: Vec<Vec<char>>,
}

/// A character of text as it is compared with the keys, and the bytes it came from.
#[derive(Debug, Clone, Copy)]
struct Unit {
    c: char,
    start: usize,
    end: usize,
}

fn is_skipped(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}'
        )
}

/// The characters of `text` as they are compared with the keys.
fn units(text: &str) -> Vec<Unit> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if is_skipped(c) {
            continue;
        }
        if c == '%'
            && let Some(hex) = text.get(start + 1..start + 3)
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
            && let Ok(b) = u8::from_str_radix(hex, 16)
            && b.is_ascii_graphic()
        {
            chars.next();
            chars.next();
            let c = char::from(b).to_ascii_lowercase();
            out.push(Unit {
                c,
                start,
                end: start + 3,
            });
            continue;
        }
        // A lowercase form of several characters shares the bytes of the one it came from.
        let end = start + c.len_utf8();
        for c in c.to_lowercase() {
            out.push(Unit { c, start, end });
        }
    }
    out
}

impl Keys {
    fn new(secrets: &[String]) -> Keys {
        let keys = secrets
            .iter()
            .map(|s| {
                s.chars()
                    .filter(|c| !is_skipped(*c))
                    .flat_map(char::to_lowercase)
                    .collect::<Vec<char>>()
            })
            .filter(|k| k.len() >= MIN_SECRET)
            .collect();
        Keys { keys }
    }

    fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The byte ranges of `text` that match a key (overlapping matches merged), in order.
    fn regions(&self, units: &[Unit]) -> Vec<(usize, usize)> {
        let windows: std::collections::HashSet<&[char]> = self
            .keys
            .iter()
            .flat_map(|k| k.windows(MIN_SECRET))
            .collect();
        let chars: Vec<char> = units.iter().map(|u| u.c).collect();
        let mut out: Vec<(usize, usize)> = Vec::new();
        for (i, w) in chars.windows(MIN_SECRET).enumerate() {
            if !windows.contains(w) {
                continue;
            }
            let (start, end) = (units[i].start, units[i + MIN_SECRET - 1].end);
            match out.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => out.push((start, end)),
            }
        }
        out
    }

    /// `text` with every match of a key replaced by `[redacted]`.
    fn redact(&self, text: &str) -> String {
        if self.is_empty() {
            return text.to_string();
        }
        replace_regions(text, &self.regions(&units(text)))
    }

    /// Where the end of `units` that could still become a match begins (in bytes): the longest
    /// end of two characters or more that is a part of a key; `len` when none is.
    fn held_from(&self, units: &[Unit], len: usize) -> usize {
        let n = units.len();
        let mut longest = 0;
        for k in &self.keys {
            for e in 1..=k.len() {
                let mut m = 0;
                while m < e && m < n && k[e - 1 - m] == units[n - 1 - m].c {
                    m += 1;
                }
                longest = longest.max(m);
            }
        }
        // One character alone is not held: it is in almost any key, and holding it would
        // keep the end of nearly every piece of a stream off the screen until the next.
        match longest {
            0 | 1 => len,
            m => units[n - m].start,
        }
    }
}

fn replace_regions(text: &str, regions: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for &(start, end) in regions {
        out.push_str(&text[at..start]);
        out.push_str(REDACTED);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// Removes the configured secrets (the API key) from text that arrives in pieces. The end of
/// what it has seen that could be part of a secret is held back until the next piece shows
/// whether it is one, so a key split over two stream deltas is still found.
#[derive(Debug, Clone, Default)]
pub(super) struct KeyFilter {
    keys: Keys,
    /// Text not yet passed on: a tail that may begin a secret.
    pending: String,
}

impl KeyFilter {
    /// Appends to `out` the redacted text that can no longer be part of a secret.
    pub(super) fn push(&mut self, text: &str, out: &mut String) {
        if self.keys.is_empty() {
            out.push_str(text);
            return;
        }
        self.pending.push_str(text);
        let units = units(&self.pending);
        let regions = self.keys.regions(&units);
        let mut held = self.keys.held_from(&units, self.pending.len());
        // A `%` escape not yet whole waits too.
        if let Some(p) = self.pending.get(self.pending.len().saturating_sub(2)..)
            && let Some(i) = p.find('%')
        {
            held = held.min(self.pending.len() - p.len() + i);
        }
        // A match that runs into the held end is redacted whole now.
        let mut done = Vec::new();
        for &(start, end) in &regions {
            if start < held {
                held = held.max(end);
                done.push((start, end));
            }
        }
        let ready = replace_regions(&self.pending[..held], &done);
        out.push_str(&ready);
        self.pending.drain(..held);
    }

    /// The end of the text: what was held back is redacted, and passed on.
    pub(super) fn finish(&mut self, out: &mut String) {
        out.push_str(&self.keys.redact(&self.pending));
        self.pending.clear();
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
            pieces(key, &["sk", "-abcd", "efgh", "12345", " sk-abcdefgh12345"]),
            "[redacted] [redacted]"
        );
    }

    #[test]
    fn a_held_tail_that_is_not_the_key_comes_out_in_order() {
        let key = "sk-abcdefgh12345";
        assert_eq!(pieces(key, &["x sk-ab", "c y"]), "x sk-abc y");
        // Eight characters of it or more are a part of the key, and redacted; fewer are not.
        assert_eq!(
            pieces(key, &["ends with sk-abcdefgh"]),
            "ends with [redacted]"
        );
        assert_eq!(pieces(key, &["ends with sk-abcd"]), "ends with sk-abcd");
        let mut f = Redactor::new([key.to_string()]).key_filter();
        let mut out = String::new();
        f.push("held: sk-abc", &mut out);
        assert_eq!(out, "held: ");
    }

    #[test]
    fn the_key_in_any_spacing_case_or_escape_and_its_long_parts_are_redacted() {
        let key = "sk-Proj-AbCdEf0123456789";
        let r = Redactor::new([key.to_string()]);
        for shown in [
            "SK-PROJ-ABCDEF0123456789",
            "s k - P r o j - A b C d E f 0 1 2 3 4 5 6 7 8 9",
            "sk%2DProj%2dAbCdEf%30123456789",
            "%73%6b%2d%50%72%6f%6a%2d%41%62%43%64%45%66%30%31%32%33%34%35%36%37%38%39",
            "sk-Pro\u{200B}j-AbCdEf0123456789",
        ] {
            let out = r.redact(&format!("key: {shown}."));
            assert!(!out.contains("0123"), "{shown}: {out}");
            assert!(out.contains("[redacted]"), "{shown}: {out}");
        }
        // A long part of it, not a short one.
        assert_eq!(r.redact("the end: Ef012345."), "the end: [redacted].");
        assert_eq!(r.redact("a short bit: 0123."), "a short bit: 0123.");
        // Spaced out over stream pieces.
        let out = pieces(
            key,
            &["x s k - p r", "o j - a b c", " d e f 0 1 2 3 4 5 6 7 8 9 y"],
        );
        assert!(
            !out.contains('0') && out.starts_with("x ") && out.ends_with(" y"),
            "{out}"
        );
        let out = pieces(key, &["x sk%2", "DProj%2DAbCdEf0123", "456789 y"]);
        assert!(!out.contains("0123") && out.ends_with(" y"), "{out}");
    }

    #[test]
    fn without_a_key_nothing_is_held() {
        let mut f = Redactor::new([]).key_filter();
        let mut out = String::new();
        f.push("sk-", &mut out);
        assert_eq!(out, "sk-");
    }
}
