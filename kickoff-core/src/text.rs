//! Word wrapping and cutting by display width (wide characters count double), for the
//! terminal front ends and the command line's text output alike; and the small wordings the
//! doc's templates use (first sentences, plurals, money).

use unicode_width::UnicodeWidthStr;

/// Greedy word wrap of each paragraph of `text` to `width` columns; words longer than a line
/// are cut.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        let mut line_w = 0;
        for word in para.split_whitespace() {
            let w = word.width();
            if line_w > 0 && line_w + 1 + w > width {
                out.push(std::mem::take(&mut line));
                line_w = 0;
            }
            if w > width {
                for ch in word.chars() {
                    let cw = UnicodeWidthStr::width(ch.encode_utf8(&mut [0; 4]) as &str);
                    if line_w + cw > width {
                        out.push(std::mem::take(&mut line));
                        line_w = 0;
                    }
                    line.push(ch);
                    line_w += cw;
                }
                continue;
            }
            if line_w > 0 {
                line.push(' ');
                line_w += 1;
            }
            line.push_str(word);
            line_w += w;
        }
        out.push(line);
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

/// Cuts `text` to `width` columns, with an ellipsis when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for ch in text.chars() {
        let cw = UnicodeWidthStr::width(ch.encode_utf8(&mut [0; 4]) as &str);
        if w + cw + 1 > width {
            break;
        }
        out.push(ch);
        w += cw;
    }
    out.push('…');
    out
}

/// The first sentence of `text`, on one line, cut at a word boundary to at most `max`
/// characters (with "…" when cut). A sentence ends at ". ", "! ", "? " or a line break.
pub fn first_sentence(text: &str, max: usize) -> String {
    let text = text.trim();
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        if c == '\n' {
            end = i;
            break;
        }
        if matches!(c, '.' | '!' | '?') {
            let next = text[i + 1..].chars().next();
            // "e.g. " and "0.5" do not end a sentence: the next word must start in upper case.
            let after = text[i + 1..].trim_start();
            if next.is_some_and(char::is_whitespace)
                && after
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_numeric())
                && !text[..i].ends_with("e.g")
                && !text[..i].ends_with("i.e")
            {
                end = i + 1;
                break;
            }
        }
    }
    let one_line = text[..end].split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut out = String::new();
    for word in one_line.split(' ') {
        if out.chars().count() + word.chars().count() + 1 > max.saturating_sub(1) {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = one_line.chars().take(max.saturating_sub(1)).collect();
    }
    out.push('…');
    out
}

/// `text` ending as a sentence does: a full stop is added unless it already ends with one (or
/// with "!", "?", "…" or a closing quote after one).
pub fn end_sentence(text: &str) -> String {
    let t = text.trim_end();
    let last = t.trim_end_matches(['"', '”', '\'', ')']).chars().last();
    if t.is_empty() || matches!(last, Some('.' | '!' | '?' | '…')) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// A label without its trailing aside: "Classification (a label per item)" reads
/// "Classification" in a sentence.
pub fn without_aside(label: &str) -> String {
    let label = label.trim();
    match label.rfind(" (") {
        Some(i) if label.ends_with(')') && i > 0 => label[..i].trim_end().to_string(),
        _ => label.to_string(),
    }
}

/// "1 blocker", "2 blockers", "0 open questions": the count and the word that agrees with it.
pub fn plural(n: usize, one: &str, many: Option<&str>) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        match many {
            Some(m) => format!("{n} {m}"),
            None => format!("{n} {one}s"),
        }
    }
}

/// An amount in US dollars as people write it: "$1.25", "$0.0042", "under $0.0001".
pub fn usd(amount: f64) -> String {
    if !amount.is_finite() || amount < 0.0 {
        return "an unknown amount".to_string();
    }
    if amount >= 1.0 {
        return format!("${amount:.2}");
    }
    if amount < 0.00005 {
        return "under $0.0001".to_string();
    }
    let s = format!("{amount:.4}");
    format!("${}", s.trim_end_matches('0'))
}

/// Whether `a` is a slip of `b`: at most two letters inserted, dropped, changed or swapped.
pub fn close(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    // Optimal string alignment distance (a swap of neighbours counts once).
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()] <= 2
}

/// A bidirectional control: an embedding or override (U+202A to U+202E), an isolate (U+2066
/// to U+2069), a mark (U+200E, U+200F, U+061C). Each reorders or turns the text around it as a
/// terminal, a browser or a review page shows it, so that what a reader sees is not what is
/// written ("Trojan Source"). kickoff drops them wherever it drops control characters: from
/// answers ([`crate::answer::without_controls`]) and from what reaches a terminal
/// ([`terminal_safe`]).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// A path as an error message or a report names it: control characters, bidi controls and
/// bytes that are not UTF-8 written as visible escapes (`\x1b`, `\n`, `\u{202e}`, `\xff`), so
/// a file name cannot colour, split or turn around the line that names it, and two names that
/// differ only there do not look the same. The one way every message shows a path.
pub fn path(path: &std::path::Path) -> ShownPath<'_> {
    ShownPath(path)
}

/// What [`path`] returns: shown with `{}`.
pub struct ShownPath<'a>(&'a std::path::Path);

impl std::fmt::Display for ShownPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for chunk in self.0.as_os_str().as_encoded_bytes().utf8_chunks() {
            f.write_str(&escape_invisible(chunk.valid()))?;
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }
}

impl std::fmt::Debug for ShownPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// `text` with control characters (newline and tab too) and bidi controls as visible escapes:
/// for a name, which is one line.
pub fn escape_invisible(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| c.is_control() || is_bidi_control(c);
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && c.is_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if hidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `text` as it may reach a terminal: control characters other than newline and tab are
/// dropped, and escape sequences with them, but for colours (`ESC [ digits ; m`), which
/// kickoff's own output uses; bidi controls ([`is_bidi_control`]) are dropped too. What a file
/// or a name smuggled in cannot clear the screen, move the cursor, set the title, write the
/// clipboard or turn a line around.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c);
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\u{1b}' {
            if !bad(c) {
                out.push(c);
            }
            continue;
        }
        // A colour: ESC [ then digits and `;`, then `m`.
        let rest = &text[i + 1..];
        let params = rest.strip_prefix('[').map(|r| {
            r.len()
                - r.trim_start_matches(|c: char| c.is_ascii_digit() || c == ';')
                    .len()
        });
        if let Some(n) = params
            && rest[1 + n..].starts_with('m')
        {
            out.push_str(&text[i..i + 1 + 1 + n + 1]);
            for _ in 0..n + 2 {
                chars.next();
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slips_are_close_and_other_words_are_not() {
        assert!(close("dpeth", "depth") && close("cursr", "cursor") && close("answer", "answers"));
        assert!(!close("notes", "depth") && !close("followups", "responses"));
    }

    #[test]
    fn only_colours_reach_the_terminal() {
        let text = "ok \u{1b}[31mred\u{1b}[0m \u{1b}]52;c;eA==\u{7}\u{1b}[2J\u{0}\r\u{9b}x\ty\n";
        assert_eq!(
            terminal_safe(text),
            "ok \u{1b}[31mred\u{1b}[0m ]52;c;eA==[2Jx\ty\n"
        );
        assert!(matches!(
            terminal_safe("plain\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn bidi_controls_do_not_reach_the_terminal() {
        assert_eq!(
            terminal_safe("ok \u{202E}evil\u{202C} \u{2066}x\u{2069}\u{200F}\u{061C}"),
            "ok evil x"
        );
    }

    #[test]
    fn a_path_shows_its_escapes() {
        let p = std::path::Path::new("dir/\u{1b}[31mred\nline\u{202E}.toml");
        assert_eq!(path(p).to_string(), "dir/\\x1b[31mred\\nline\\u{202e}.toml");
        assert_eq!(
            path(std::path::Path::new("plain/ä.toml")).to_string(),
            "plain/ä.toml"
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let p = std::path::Path::new(std::ffi::OsStr::from_bytes(b"a\xffb"));
            assert_eq!(path(p).to_string(), "a\\xffb");
        }
    }

    #[test]
    fn wraps_by_display_width() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("日本語テキスト", 6), vec!["日本語", "テキス", "ト"]);
        assert_eq!(wrap("", 5), vec![""]);
        assert_eq!(truncate("abcdef", 4), "abc…");
    }

    #[test]
    fn first_sentence_stops_at_the_end_of_a_sentence_not_at_abbreviations() {
        assert_eq!(
            first_sentence(
                "Hold an order, e.g. a big one. Today 3 analysts review.",
                200
            ),
            "Hold an order, e.g. a big one."
        );
        assert_eq!(
            first_sentence("Scores 0.5 on AUC. Next", 200),
            "Scores 0.5 on AUC."
        );
        assert_eq!(first_sentence("line one\nline two", 200), "line one");
        assert_eq!(first_sentence("no full stop", 200), "no full stop");
        let cut = first_sentence("word ".repeat(100).trim(), 24);
        assert!(cut.ends_with('…') && cut.chars().count() <= 24, "{cut}");
    }

    #[test]
    fn wordings() {
        assert_eq!(end_sentence("Cut losses by 30%"), "Cut losses by 30%.");
        assert_eq!(end_sentence("Done."), "Done.");
        assert_eq!(end_sentence("He said \"go.\""), "He said \"go.\"");
        assert_eq!(
            without_aside("Classification (a label per item)"),
            "Classification"
        );
        assert_eq!(without_aside("(only an aside)"), "(only an aside)");
        assert_eq!(plural(1, "blocker", None), "1 blocker");
        assert_eq!(plural(0, "blocker", None), "0 blockers");
        assert_eq!(plural(2, "open question", None), "2 open questions");
        assert_eq!(plural(3, "entry", Some("entries")), "3 entries");
        assert_eq!(usd(0.0), "under $0.0001");
        assert_eq!(usd(0.0123), "$0.0123");
        assert_eq!(usd(0.5), "$0.5");
        assert_eq!(usd(12.345), "$12.35");
        assert_eq!(usd(f64::NAN), "an unknown amount");
    }
}
