//! Strips control and escape sequences from model text before it reaches a terminal or a file.
//!
//! A model (or a hostile server) can emit CSI sequences (colours, cursor moves, screen clears),
//! OSC sequences (OSC 52 writes the user's clipboard, OSC 8 hides link targets), C1 controls and
//! other C0 controls. Only `\n` and `\t` survive. The sanitizer is stateful because a sequence
//! can be split across two stream chunks: `"\x1b["` in one delta and `"31m"` in the next.
//!
//! Invisible format characters are not removed but shown: a bidi override (U+202E) can make
//! text read differently from what it is, and zero-width characters can hide words from a
//! reviewer. Each becomes a visible `<U+202E>`, so the reader sees that something was there.

/// Where the parser is inside an escape sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
    Ground,
    /// After ESC.
    Escape,
    /// After ESC and intermediate bytes (`ESC ( B`): waiting for the final byte.
    EscapeIntermediate,
    /// Inside a CSI sequence (`ESC [` or U+009B): parameters until a final byte.
    Csi,
    /// Inside a control string (OSC, DCS, SOS, PM, APC): until BEL or ST.
    ControlString,
    /// ESC seen inside a control string: `\` ends it (ST), anything else starts a new escape.
    ControlStringEscape,
}

/// Incremental sanitizer: feed chunks in order, get clean text back.
#[derive(Debug, Clone, Default)]
pub(super) struct Sanitizer {
    state: State,
    /// The text of the control string being read: dropped when it ends (BEL, ST or a
    /// newline), shown as text past [`MAX_CONTROL_STRING`] or at the end of the text.
    swallowed: String,
}

/// The longest control string taken for one: real ones (a title, a link, a clipboard write)
/// are short, and an unterminated one must not swallow the rest of a critique.
const MAX_CONTROL_STRING: usize = 512;

impl Sanitizer {
    pub(super) fn new() -> Sanitizer {
        Sanitizer::default()
    }

    /// Cleans one chunk; state carries over to the next call.
    fn push(&mut self, chunk: &str) -> String {
        let mut out = String::with_capacity(chunk.len());
        self.push_into(chunk, &mut out);
        out
    }

    /// Cleans one chunk, appending to `out`.
    pub(super) fn push_into(&mut self, chunk: &str, out: &mut String) {
        // Fast path: plain text with nothing to strip, outside any sequence.
        if self.state == State::Ground && !chunk.chars().any(|c| is_control(c) || is_invisible(c)) {
            out.push_str(chunk);
            return;
        }
        for c in chunk.chars() {
            self.step(c, out);
        }
    }

    fn step(&mut self, c: char, out: &mut String) {
        match self.state {
            State::Ground => self.ground(c, out),
            State::Escape => match c {
                '[' => self.state = State::Csi,
                // OSC, DCS, SOS, PM, APC: strings ended by ST or BEL.
                ']' | 'P' | 'X' | '^' | '_' => self.state = State::ControlString,
                '\x20'..='\x2f' => self.state = State::EscapeIntermediate,
                '\x30'..='\x7e' => self.state = State::Ground,
                '\x1b' => {}
                // Not a valid sequence: drop the ESC, treat the character as text.
                _ => {
                    self.state = State::Ground;
                    self.ground(c, out);
                }
            },
            State::EscapeIntermediate => match c {
                '\x20'..='\x2f' => {}
                '\x30'..='\x7e' => self.state = State::Ground,
                _ => {
                    self.state = State::Ground;
                    self.ground(c, out);
                }
            },
            State::Csi => match c {
                // Parameter and intermediate bytes.
                '\x20'..='\x3f' => {}
                // Final byte ends the sequence.
                '\x40'..='\x7e' => self.state = State::Ground,
                // Controls inside CSI are dropped (a terminal would execute them).
                c if (c as u32) < 0x20 && c != '\n' => {
                    if c == '\x1b' {
                        self.state = State::Escape;
                    }
                }
                // Anything else (a newline, non-ASCII text) cannot belong to a CSI: give up on
                // the sequence and keep the text.
                _ => {
                    self.state = State::Ground;
                    self.ground(c, out);
                }
            },
            State::ControlString => match c {
                '\x07' | '\u{9c}' => {
                    self.state = State::Ground;
                    self.swallowed.clear();
                }
                '\x1b' => self.state = State::ControlStringEscape,
                // An unterminated OSC would otherwise swallow the rest of the critique. Nothing
                // dangerous can leak by ending it at a newline or past a length, since controls
                // are stripped anyway: at worst the payload shows as text.
                '\n' => {
                    self.state = State::Ground;
                    self.swallowed.clear();
                    out.push('\n');
                }
                c => {
                    self.swallowed.push(c);
                    if self.swallowed.len() > MAX_CONTROL_STRING {
                        self.release(out);
                    }
                }
            },
            State::ControlStringEscape => {
                self.swallowed.clear();
                if c == '\\' {
                    self.state = State::Ground;
                } else {
                    self.state = State::Escape;
                    self.step(c, out);
                }
            }
        }
    }

    /// The control string read so far was none: its text is shown (cleaned), from the ground.
    fn release(&mut self, out: &mut String) {
        self.state = State::Ground;
        let text = std::mem::take(&mut self.swallowed);
        for c in text.chars() {
            self.step(c, out);
        }
    }

    /// The end of the text: a control string still open was none, and shows as text.
    pub(super) fn finish(&mut self, out: &mut String) {
        if self.state == State::ControlString {
            self.release(out);
        }
        self.state = State::Ground;
    }

    fn ground(&mut self, c: char, out: &mut String) {
        match c {
            '\n' | '\t' => out.push(c),
            '\x1b' => self.state = State::Escape,
            '\u{9b}' => self.state = State::Csi,
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => {
                self.state = State::ControlString
            }
            c if is_control(c) => {}
            c if is_invisible(c) => {
                use std::fmt::Write as _;
                let _ = write!(out, "<U+{:04X}>", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// C0 (but newline and tab), DEL and C1 controls.
fn is_control(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}')
}

/// Bidi controls, zero-width and other invisible format characters (Unicode's `Cf`, but the
/// soft hyphen, which shows where it breaks a line), and the line and paragraph separators.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{0600}'..='\u{0605}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// Sanitizes a complete string in one go (server error messages, cached text).
fn sanitize(text: &str) -> String {
    let mut s = Sanitizer::new();
    let mut out = s.push(text);
    s.finish(&mut out);
    out
}

/// One line for an error message: sanitized, whitespace collapsed, cut to `max` characters.
pub(super) fn one_line(text: &str, max: usize) -> String {
    let clean = sanitize(text);
    let mut out = String::new();
    for word in clean.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().count() > max {
        out = out.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unterminated_osc_does_not_swallow_the_rest() {
        let rest = "the rest of the critique, ".repeat(40);
        let mut s = Sanitizer::new();
        let mut out = s.push(&format!("Before. \x1b]8;;http://x{rest}"));
        s.finish(&mut out);
        assert!(out.starts_with("Before. "), "{out}");
        assert!(out.contains(rest.trim_end()), "{out}");
        // A terminated one is still dropped whole.
        assert_eq!(sanitize("a\x1b]0;title\x07b \x1b]8;;u\x1b\\c"), "ab c");
    }

    fn chunks(parts: &[&str]) -> String {
        let mut s = Sanitizer::new();
        parts.iter().map(|p| s.push(p)).collect()
    }

    #[test]
    fn plain_text_passes_through() {
        assert_eq!(
            sanitize("Hello, world.\n\tÜnïcödé ✓"),
            "Hello, world.\n\tÜnïcödé ✓"
        );
    }

    #[test]
    fn csi_colour_and_cursor_sequences_are_removed() {
        assert_eq!(
            sanitize("\x1b[31mred\x1b[0m and \x1b[2J\x1b[1;1Hclear"),
            "red and clear"
        );
        assert_eq!(sanitize("a\x1b[?25lb"), "ab");
    }

    #[test]
    fn osc_52_clipboard_write_is_removed_with_bel_or_st() {
        assert_eq!(sanitize("x\x1b]52;c;ZWNobyBwd25lZA==\x07y"), "xy");
        assert_eq!(sanitize("x\x1b]52;c;ZWNobyBwd25lZA==\x1b\\y"), "xy");
        assert_eq!(
            sanitize("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\"),
            "link"
        );
    }

    #[test]
    fn c1_controls_and_other_c0_are_removed() {
        assert_eq!(sanitize("a\u{9b}31mb\u{9d}0;title\u{9c}c\u{85}d"), "abcd");
        assert_eq!(sanitize("a\rb\x08c\x07d\x00e\x7f"), "abcde");
    }

    #[test]
    fn sequences_split_across_chunks_are_removed() {
        assert_eq!(
            chunks(&["red \x1b", "[3", "1mtext\x1b[0", "m."]),
            "red text."
        );
        assert_eq!(chunks(&["a\x1b]52;c;", "Zm9v", "\x07b"]), "ab");
        assert_eq!(chunks(&["a\x1b]0;t\x1b", "\\b"]), "ab");
    }

    #[test]
    fn an_unterminated_osc_ends_at_a_newline() {
        assert_eq!(sanitize("a\x1b]52;c;Zm9v\nnext line"), "a\nnext line");
    }

    #[test]
    fn two_character_escapes_and_charset_selection_are_removed() {
        assert_eq!(sanitize("a\x1bcb\x1b(Bc\x1b7d"), "abcd");
    }

    #[test]
    fn an_escape_before_non_ascii_keeps_the_text() {
        assert_eq!(sanitize("a\x1béb"), "aéb");
    }

    #[test]
    fn bidi_and_invisible_characters_are_shown_not_kept() {
        assert_eq!(
            sanitize("a\u{202E}txt.exe\u{202C} b"),
            "a<U+202E>txt.exe<U+202C> b"
        );
        assert_eq!(
            chunks(&["x\u{200B}", "\u{2066}y\u{2069}", "\u{FEFF}\u{061C}"]),
            "x<U+200B><U+2066>y<U+2069><U+FEFF><U+061C>"
        );
        assert_eq!(sanitize("tag\u{E0041}"), "tag<U+E0041>");
        assert_eq!(
            sanitize("plain ünïcode ✓ soft\u{AD}hyphen"),
            "plain ünïcode ✓ soft\u{AD}hyphen"
        );
    }

    #[test]
    fn one_line_collapses_and_cuts() {
        assert_eq!(
            one_line("bad\n\x1b[31mkey\x1b[0m   here", 100),
            "bad key here"
        );
        assert_eq!(one_line("abcdefgh", 5), "abcd…");
    }
}
