//! Incremental parsers for the two stream framings: server-sent events (OpenAI, Anthropic) and
//! newline-delimited JSON (Ollama). Bytes go in as they arrive from the socket, complete frames
//! come out; a frame split across reads (or a UTF-8 character split across reads) is buffered.
//!
//! A hostile server could send one endless line: lines are capped at [`MAX_LINE`].

/// Longest line accepted (a 5 MB critique in one event still fits).
const MAX_LINE: usize = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq)]
pub(super) enum FrameError {
    #[error("a line longer than {} MiB", MAX_LINE / (1024 * 1024))]
    LineTooLong,
}

/// Splits bytes into lines ending in `\n`, `\r\n` or `\r`.
#[derive(Debug, Default)]
struct LineSplitter {
    /// The start of a line whose end has not arrived yet; never holds a line end, so each
    /// byte is scanned once, however long the line.
    buf: Vec<u8>,
    /// The previous line ended with `\r`: a `\n` right after it is part of that line end.
    after_cr: bool,
}

fn line_end(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n' || b == b'\r')
}

impl LineSplitter {
    /// Appends bytes and calls `line` for each complete line (without its line end).
    fn push(&mut self, mut bytes: &[u8], mut line: impl FnMut(&[u8])) -> Result<(), FrameError> {
        if bytes.is_empty() {
            return Ok(());
        }
        if self.after_cr && bytes[0] == b'\n' {
            bytes = &bytes[1..];
        }
        self.after_cr = false;
        if !self.buf.is_empty() {
            let Some(end) = line_end(bytes) else {
                return self.keep(bytes);
            };
            self.buf.extend_from_slice(&bytes[..end]);
            line(&self.buf);
            self.buf.clear();
            bytes = &bytes[self.skip_line_end(bytes, end)..];
        }
        while let Some(end) = line_end(bytes) {
            line(&bytes[..end]);
            bytes = &bytes[self.skip_line_end(bytes, end)..];
        }
        self.keep(bytes)
    }

    fn keep(&mut self, bytes: &[u8]) -> Result<(), FrameError> {
        if self.buf.len() + bytes.len() > MAX_LINE {
            return Err(FrameError::LineTooLong);
        }
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    /// Index after the line end at `end`; remembers a `\r` at the very end of the input.
    fn skip_line_end(&mut self, bytes: &[u8], end: usize) -> usize {
        match (bytes[end], bytes.get(end + 1)) {
            (b'\r', Some(b'\n')) => end + 2,
            (b'\r', None) => {
                self.after_cr = true;
                end + 1
            }
            _ => end + 1,
        }
    }

    /// What is left after the stream ended: a last line with no line end.
    fn finish(&mut self) -> Option<Vec<u8>> {
        if self.buf.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.buf))
        }
    }
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Event {
    /// The `event:` field; empty for the default `message` type.
    pub(super) event: String,
    pub(super) data: String,
}

/// Server-sent events parser (the WHATWG framing): `event:` and `data:` fields, a blank line
/// dispatches, `:` starts a comment, unknown fields are ignored.
#[derive(Debug, Default)]
pub(super) struct SseParser {
    lines: LineSplitter,
    current: Event,
    has_data: bool,
}

impl SseParser {
    pub(super) fn push(&mut self, bytes: &[u8], out: &mut Vec<Event>) -> Result<(), FrameError> {
        let Self {
            lines,
            current,
            has_data,
        } = self;
        lines.push(bytes, |line| Self::field(current, has_data, line, out))
    }

    fn field(current: &mut Event, has_data: &mut bool, line: &[u8], out: &mut Vec<Event>) {
        if line.is_empty() {
            if *has_data {
                out.push(std::mem::take(current));
            } else {
                current.event.clear();
            }
            *has_data = false;
            return;
        }
        if line[0] == b':' {
            return;
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        let value = String::from_utf8_lossy(value);
        match name {
            b"data" => {
                if *has_data {
                    current.data.push('\n');
                }
                current.data.push_str(&value);
                *has_data = true;
            }
            b"event" => current.event = value.into_owned(),
            _ => {}
        }
    }

    /// An event not followed by a blank line before the stream ended still counts: some
    /// servers close right after the last `data:` line.
    pub(super) fn finish(&mut self, out: &mut Vec<Event>) {
        if let Some(rest) = self.lines.finish() {
            Self::field(&mut self.current, &mut self.has_data, &rest, out);
        }
        if self.has_data {
            out.push(std::mem::take(&mut self.current));
            self.has_data = false;
        }
    }
}

/// Newline-delimited JSON: each non-blank line is one value.
#[derive(Debug, Default)]
pub(super) struct NdjsonParser {
    lines: LineSplitter,
}

impl NdjsonParser {
    pub(super) fn push(&mut self, bytes: &[u8], out: &mut Vec<Vec<u8>>) -> Result<(), FrameError> {
        self.lines.push(bytes, |line| {
            if !line.iter().all(u8::is_ascii_whitespace) {
                out.push(line.to_vec());
            }
        })
    }

    pub(super) fn finish(&mut self, out: &mut Vec<Vec<u8>>) {
        if let Some(rest) = self.lines.finish()
            && !rest.iter().all(u8::is_ascii_whitespace)
        {
            out.push(rest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sse(parts: &[&[u8]]) -> Vec<Event> {
        let mut p = SseParser::default();
        let mut out = Vec::new();
        for part in parts {
            p.push(part, &mut out).unwrap();
        }
        p.finish(&mut out);
        out
    }

    fn ev(event: &str, data: &str) -> Event {
        Event {
            event: event.into(),
            data: data.into(),
        }
    }

    #[test]
    fn sse_events_with_names_comments_and_multiline_data() {
        let got = sse(&[b": ping\n\nevent: a\ndata: 1\ndata:2\nid: 7\n\ndata: x\n\n"]);
        assert_eq!(got, vec![ev("a", "1\n2"), ev("", "x")]);
    }

    #[test]
    fn sse_split_anywhere_and_crlf_or_cr_line_ends() {
        let whole = b"event: e\r\ndata: {\"t\":\"\xc3\xa9\"}\r\n\r\ndata: b\r\rdata: c\n\n";
        let expect = vec![ev("e", "{\"t\":\"é\"}"), ev("", "b"), ev("", "c")];
        for cut in 0..whole.len() {
            assert_eq!(sse(&[&whole[..cut], &whole[cut..]]), expect, "cut at {cut}");
        }
        let bytes: Vec<&[u8]> = whole.chunks(1).collect();
        assert_eq!(sse(&bytes), expect);
    }

    #[test]
    fn sse_last_event_without_blank_line_counts() {
        assert_eq!(sse(&[b"data: [DONE]"]), vec![ev("", "[DONE]")]);
    }

    #[test]
    fn ndjson_lines() {
        let mut p = NdjsonParser::default();
        let mut out = Vec::new();
        p.push(b"{\"a\":1}\n\n{\"b\"", &mut out).unwrap();
        p.push(b":2}\n{\"c\":3}", &mut out).unwrap();
        p.finish(&mut out);
        assert_eq!(
            out,
            vec![
                b"{\"a\":1}".to_vec(),
                b"{\"b\":2}".to_vec(),
                b"{\"c\":3}".to_vec()
            ]
        );
    }

    #[test]
    fn an_endless_line_is_refused() {
        let mut p = NdjsonParser::default();
        let mut out = Vec::new();
        let block = vec![b'x'; 1024 * 1024];
        let mut result = Ok(());
        for _ in 0..=MAX_LINE / block.len() {
            result = p.push(&block, &mut out);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(FrameError::LineTooLong));
    }
}
