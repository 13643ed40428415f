//! An incremental reader of one JSON object arriving in pieces: each member of the top-level
//! object, and each element of a top-level member that is an array, is handed out as its own
//! JSON text as soon as it closes. So a finding can be shown while the rest of the reply is
//! still on its way.
//!
//! Written here rather than taken from a crate: the crates that parse JSON incrementally
//! (`struson`, `actson`, `jiter`'s partial mode) give tokens or whole values, and turning
//! tokens back into one element's text costs more code than this scanner, which only follows
//! strings, escapes and nesting, byte by byte (every structural character is ASCII, so UTF-8
//! needs no care), and leaves the values themselves to `serde_json`. It never fails: what is
//! not JSON, or stops halfway, is reported by [`JsonStream::outcome`], and the text is kept.

/// A member or element that closed.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Piece {
    /// The top-level key it belongs to.
    pub(super) key: String,
    /// The JSON text of the value (an element, when `element`).
    pub(super) json: String,
    /// An element of the array under `key`, rather than the whole value of `key`.
    pub(super) element: bool,
}

/// What the text turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Outcome {
    /// Nothing but white space.
    Empty,
    /// It does not start with a JSON object: plain text.
    Text,
    /// An object that has not closed (yet).
    Open,
    /// One whole object: the JSON text, and anything but white space or a code fence after it.
    Complete { json: String, trailing: String },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Container,
    String,
    Scalar,
}

#[derive(Debug, Clone, Copy)]
struct Capture {
    start: usize,
    depth: usize,
    kind: Kind,
}

#[derive(Debug, Default)]
pub(super) struct JsonStream {
    /// Everything pushed so far.
    buf: String,
    /// Bytes of `buf` already scanned.
    pos: usize,
    /// Where the top-level object starts in `buf`, once seen.
    start: Option<usize>,
    /// Where it ends (one past its `}`), once closed.
    end: Option<usize>,
    /// Not JSON: the first thing that was not white space or a code fence was not `{`.
    text: bool,
    /// Inside a code fence line (```json) before the object.
    fence: bool,
    in_string: bool,
    escape: bool,
    string_start: usize,
    /// Open containers: `{` or `[`.
    stack: Vec<u8>,
    /// In the top-level object, the next string is a key.
    expect_key: bool,
    key_is_string: bool,
    key: String,
    member: Option<Capture>,
    element: Option<Capture>,
}

impl JsonStream {
    /// The text pushed so far.
    pub(super) fn raw(&self) -> &str {
        &self.buf
    }

    /// True once the text is known not to be a JSON object.
    pub(super) fn is_text(&self) -> bool {
        self.text
    }

    /// Scans `piece`, appending every member or element that closed in it to `out`.
    pub(super) fn push(&mut self, piece: &str, out: &mut Vec<Piece>) {
        self.buf.push_str(piece);
        if self.text || self.end.is_some() {
            self.pos = self.buf.len();
            return;
        }
        while self.pos < self.buf.len() && !self.text && self.end.is_none() {
            let i = self.pos;
            let b = self.buf.as_bytes()[i];
            self.pos += 1;
            if self.start.is_none() {
                self.before_start(i, b);
            } else if self.in_string {
                self.in_string_byte(i, b, out);
            } else {
                self.structural(i, b, out);
            }
        }
    }

    fn before_start(&mut self, i: usize, b: u8) {
        match b {
            b'{' => {
                self.start = Some(i);
                self.stack.push(b'{');
                self.expect_key = true;
                self.fence = false;
            }
            b'\n' => self.fence = false,
            b'`' => self.fence = true,
            _ if self.fence || b.is_ascii_whitespace() => {}
            _ => self.text = true,
        }
    }

    fn in_string_byte(&mut self, i: usize, b: u8, out: &mut Vec<Piece>) {
        if self.escape {
            self.escape = false;
        } else if b == b'\\' {
            self.escape = true;
        } else if b == b'"' {
            self.in_string = false;
            if self.key_is_string {
                self.key_is_string = false;
                let quoted = &self.buf[self.string_start..=i];
                self.key = serde_json::from_str(quoted).unwrap_or_default();
            } else {
                self.end_capture(Kind::String, self.string_start, i + 1, out);
            }
        }
    }

    fn structural(&mut self, i: usize, b: u8, out: &mut Vec<Piece>) {
        let depth = self.stack.len();
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => self.end_scalar(i, out),
            b'{' | b'[' => {
                self.begin(i, Kind::Container, b);
                self.stack.push(b);
            }
            b'}' | b']' => {
                self.end_scalar(i, out);
                self.stack.pop();
                if self.stack.is_empty() {
                    self.end = Some(i + 1);
                } else {
                    self.end_capture(Kind::Container, usize::MAX, i + 1, out);
                }
            }
            b'"' => {
                self.in_string = true;
                self.string_start = i;
                if depth == 1 && self.expect_key {
                    self.key_is_string = true;
                } else {
                    self.begin(i, Kind::String, b);
                }
            }
            b':' if depth == 1 => self.expect_key = false,
            b',' => {
                self.end_scalar(i, out);
                if depth == 1 {
                    self.expect_key = true;
                }
            }
            b':' => {}
            _ => self.begin(i, Kind::Scalar, b),
        }
    }

    /// A value starts at `i`: a member of the top object, or an element of one of its arrays.
    fn begin(&mut self, i: usize, kind: Kind, first: u8) {
        let depth = self.stack.len();
        let capture = Capture {
            start: i,
            depth,
            kind,
        };
        if depth == 1 && !self.expect_key && self.member.is_none() {
            // An array member is handed out element by element instead.
            if first != b'[' {
                self.member = Some(capture);
            }
        } else if depth == 2 && self.stack[1] == b'[' && self.element.is_none() {
            self.element = Some(capture);
        }
    }

    fn end_scalar(&mut self, i: usize, out: &mut Vec<Piece>) {
        self.end_capture(Kind::Scalar, usize::MAX, i, out);
    }

    /// Ends the capture of `kind` that is at the current depth (for a string: the one that
    /// began at `string_start`), handing out its text up to `end`.
    fn end_capture(&mut self, kind: Kind, string_start: usize, end: usize, out: &mut Vec<Piece>) {
        let depth = self.stack.len();
        for (slot, element) in [(&mut self.element, true), (&mut self.member, false)] {
            let Some(c) = *slot else { continue };
            let ends = c.kind == kind
                && c.depth == depth
                && (kind != Kind::String || c.start == string_start);
            if ends {
                *slot = None;
                out.push(Piece {
                    key: self.key.clone(),
                    json: self.buf[c.start..end].to_string(),
                    element,
                });
                return;
            }
        }
    }

    /// What the text pushed so far is.
    pub(super) fn outcome(&self) -> Outcome {
        match (self.start, self.end) {
            _ if self.text => Outcome::Text,
            (None, _) => Outcome::Empty,
            (Some(_), None) => Outcome::Open,
            (Some(s), Some(e)) => {
                let trailing: String = self.buf[e..]
                    .trim()
                    .trim_start_matches('`')
                    .trim()
                    .to_string();
                Outcome::Complete {
                    json: self.buf[s..e].to_string(),
                    trailing,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"verdict": "Not yet \"ready\".", "findings": [{"question": "task", "severity": "warning", "message": "a {b} [c]", "evidence": "x\\y"}, {"question": "general", "severity": "info", "message": "é\u00e9", "evidence": ""}], "n": 12, "follow_up_questions": []}"#;

    fn pieces(chunks: &[&str]) -> (Vec<Piece>, Outcome) {
        let mut s = JsonStream::default();
        let mut out = Vec::new();
        for c in chunks {
            s.push(c, &mut out);
        }
        (out, s.outcome())
    }

    fn keys(p: &[Piece]) -> Vec<(&str, bool)> {
        p.iter().map(|p| (p.key.as_str(), p.element)).collect()
    }

    #[test]
    fn members_and_elements_come_out_as_they_close() {
        let (p, outcome) = pieces(&[DOC]);
        assert_eq!(
            keys(&p),
            [
                ("verdict", false),
                ("findings", true),
                ("findings", true),
                ("n", false)
            ]
        );
        assert_eq!(p[0].json, r#""Not yet \"ready\".""#);
        assert!(p[1].json.starts_with("{\"question\": \"task\"") && p[1].json.ends_with('}'));
        assert_eq!(p[3].json, "12");
        assert!(matches!(outcome, Outcome::Complete { ref trailing, .. } if trailing.is_empty()));
    }

    #[test]
    fn any_split_gives_the_same_pieces() {
        let (whole, _) = pieces(&[DOC]);
        // Every split point, including inside escapes (`\"`, `\\`, `\u00e9`) and strings.
        for at in 1..DOC.len() {
            if !DOC.is_char_boundary(at) {
                continue;
            }
            let (a, b) = DOC.split_at(at);
            assert_eq!(pieces(&[a, b]).0, whole, "split at {at}");
        }
        // One byte (character) at a time.
        let chars: Vec<String> = DOC.chars().map(String::from).collect();
        let refs: Vec<&str> = chars.iter().map(String::as_str).collect();
        assert_eq!(pieces(&refs).0, whole);
    }

    #[test]
    fn the_first_finding_is_out_before_the_second_arrives() {
        let mut s = JsonStream::default();
        let mut out = Vec::new();
        let cut = DOC.find("}, {").unwrap() + 1;
        s.push(&DOC[..cut], &mut out);
        assert_eq!(keys(&out), [("verdict", false), ("findings", true)]);
        assert_eq!(s.outcome(), Outcome::Open);
    }

    #[test]
    fn text_fences_and_truncation() {
        assert_eq!(pieces(&["  The model wrote prose."]).1, Outcome::Text);
        assert_eq!(pieces(&["", " \n"]).1, Outcome::Empty);
        let (p, o) = pieces(&["```json\n{\"verdict\": \"ok\"}\n```\n"]);
        assert_eq!(keys(&p), [("verdict", false)]);
        assert!(matches!(o, Outcome::Complete { ref trailing, .. } if trailing.is_empty()));
        let (p, o) = pieces(&[r#"{"verdict": "ok", "findings": [{"question": "ta"#]);
        assert_eq!(keys(&p), [("verdict", false)]);
        assert_eq!(o, Outcome::Open);
        let (_, o) = pieces(&["{\"verdict\": \"ok\"} and more"]);
        assert!(matches!(o, Outcome::Complete { ref trailing, .. } if trailing == "and more"));
    }
}
