//! Every piece of model text on its way to the screen, the session file and the doc: sanitized
//! (escape sequences, controls, invisible characters), with the API key redacted, and cut at
//! [`MAX_CRITIQUE`] so that a server that never stops cannot fill the session file.

use super::redact::{KeyFilter, Redactor};
use super::sanitize::Sanitizer;

/// The most critique text kept, in bytes. A critique is a few pages; more is a server that
/// does not stop.
pub(super) const MAX_CRITIQUE: usize = 64 * 1024;

/// The note that ends a critique cut at [`MAX_CRITIQUE`].
fn cut_note() -> String {
    format!("\n\n[cut at {} KiB]\n", MAX_CRITIQUE / 1024)
}

/// Model text in, clean text out; feed the pieces in order, then [`TextFilter::finish`].
#[derive(Debug, Clone, Default)]
pub(super) struct TextFilter {
    sanitizer: Sanitizer,
    keys: KeyFilter,
    /// Bytes passed on so far.
    kept: usize,
    cut: bool,
    clean: String,
    ready: String,
}

impl TextFilter {
    pub(super) fn new(redactor: &Redactor) -> TextFilter {
        TextFilter {
            keys: redactor.key_filter(),
            ..TextFilter::default()
        }
    }

    /// Appends the clean text of `piece` that is ready to `out`. Once the text is cut,
    /// everything more is dropped.
    pub(super) fn push(&mut self, piece: &str, out: &mut String) {
        if self.cut {
            return;
        }
        self.clean.clear();
        self.ready.clear();
        self.sanitizer.push_into(piece, &mut self.clean);
        self.keys.push(&self.clean, &mut self.ready);
        let ready = std::mem::take(&mut self.ready);
        self.keep(&ready, out);
        self.ready = ready;
    }

    /// The end of the stream: passes on what was held back in case it began the key.
    pub(super) fn finish(&mut self, out: &mut String) {
        if self.cut {
            return;
        }
        let mut rest = String::new();
        let mut clean = String::new();
        self.sanitizer.finish(&mut clean);
        self.keys.push(&clean, &mut rest);
        self.keys.finish(&mut rest);
        self.keep(&rest, out);
    }

    /// The text reached [`MAX_CRITIQUE`] and was cut: nothing more will be passed on.
    pub(super) fn is_cut(&self) -> bool {
        self.cut
    }

    fn keep(&mut self, text: &str, out: &mut String) {
        if self.kept + text.len() <= MAX_CRITIQUE {
            out.push_str(text);
            self.kept += text.len();
            return;
        }
        let end = text.floor_char_boundary(MAX_CRITIQUE - self.kept);
        out.push_str(&text[..end]);
        out.push_str(&cut_note());
        self.kept = MAX_CRITIQUE;
        self.cut = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(key: &str, pieces: &[&str]) -> (String, bool) {
        let mut f = TextFilter::new(&Redactor::new([key.to_string()]));
        let mut out = String::new();
        for p in pieces {
            f.push(p, &mut out);
        }
        f.finish(&mut out);
        (out, f.is_cut())
    }

    #[test]
    fn escapes_and_the_key_are_removed_across_pieces() {
        let (out, cut) = run(
            "sk-abcdefgh12345",
            &["\x1b[3", "1mkey: sk-abc", "defgh12345\u{202E}."],
        );
        assert_eq!(out, "key: [redacted]<U+202E>.");
        assert!(!cut);
    }

    #[test]
    fn a_key_hidden_by_an_escape_sequence_is_still_found() {
        let (out, _) = run("sk-abcdefgh12345", &["sk-abcd\x1b[0m", "efgh12345"]);
        assert_eq!(out, "[redacted]");
    }

    #[test]
    fn text_past_the_limit_is_cut_with_a_note() {
        let line = "é".repeat(1000);
        let pieces: Vec<&str> = std::iter::repeat_n(line.as_str(), 100).collect();
        let (out, cut) = run("sk-abcdefgh12345", &pieces);
        assert!(cut);
        assert!(
            out.ends_with("\n\n[cut at 64 KiB]\n"),
            "{}",
            &out[out.len() - 40..]
        );
        assert!(out.len() <= MAX_CRITIQUE + cut_note().len());
        assert!(out.len() > MAX_CRITIQUE - 2);
    }
}
