//! Making answers safe to place in markdown: an answer is data, so it must never open a
//! heading, a code fence, a table cell, a link, an image or raw HTML in the design doc (a
//! remote image would be fetched whenever the doc is viewed).

/// For text placed mid-line (table cells, list items, after a label): one line, with every
/// character that could start markup escaped.
pub fn inline(s: &str) -> String {
    if is_plain(s) {
        return escape_line_start(s.to_string());
    }
    inline_escaped(s)
}

/// [`inline`] without its shortcut for text with nothing to escape.
fn inline_escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, word) in s.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let url = is_url(word);
        for c in shown(word).chars() {
            // In a web address `_ # & ! ~` stay as typed: GitHub keeps a backslash inside an
            // autolink, which would break the address.
            let plain_in_url = url && matches!(c, '_' | '#' | '&' | '!' | '~');
            if !plain_in_url
                && matches!(
                    c,
                    '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!'
                )
            {
                out.push('\\');
            }
            out.push(c);
        }
    }
    escape_line_start(out)
}

/// Printable ASCII with nothing to escape and single spaces between words: what [`inline`]
/// keeps as it is (but for the start of the line).
fn is_plain(s: &str) -> bool {
    !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ")
        && s.bytes().all(|b| {
            (0x20..0x7f).contains(&b)
                && !matches!(
                    b,
                    b'\\'
                        | b'`'
                        | b'*'
                        | b'_'
                        | b'['
                        | b']'
                        | b'<'
                        | b'>'
                        | b'|'
                        | b'#'
                        | b'~'
                        | b'&'
                        | b'!'
                )
        })
}

/// A word that GitHub turns into a link by itself (`https://...`, `www.`...).
fn is_url(word: &str) -> bool {
    let starts = |p: &str| {
        word.get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
    };
    starts("http://") || starts("https://") || starts("www.")
}

/// Bidirectional controls (U+202A-U+202E, U+2066-U+2069) can make text read backwards; an
/// answer's are shown as their code instead.
fn shown(word: &str) -> std::borrow::Cow<'_, str> {
    let bidi = |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !word.contains(bidi) {
        return word.into();
    }
    word.chars()
        .map(|c| {
            if bidi(c) {
                format!("(U+{:04X})", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// For paragraphs: line breaks and simple lists and emphasis are kept, but nothing can turn into
/// a heading, a rule, a setext underline, a code fence, a quote, a link, an image, an autolink or
/// raw HTML. A line break inside a paragraph stays a line break (one score per line stays one
/// per line), as a hard break.
pub fn block(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let lines: Vec<&str> = s.trim().lines().collect();
    for (i, raw) in lines.iter().enumerate() {
        if i > 0 {
            let next_is_item = !split_list_markers(lines[i].trim_start()).0.is_empty();
            if !lines[i - 1].trim().is_empty() && !raw.trim().is_empty() && !next_is_item {
                // After a web address, a space first: GitHub would take the backslash into it.
                if lines[i - 1].split_whitespace().last().is_some_and(is_url) {
                    out.push(' ');
                }
                out.push('\\');
            }
            out.push('\n');
        }
        let line = escape_block_chars(raw.trim_end());
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        // List markers are kept, but what follows them is checked like a line of its own: a
        // list item can hold a heading, a quote or a fence too ("- # title").
        let (markers, body) = split_list_markers(body);
        let starts_block = body.starts_with('#')
            || body.starts_with('>')
            || body.starts_with("```")
            || body.starts_with("~~~")
            || (!body.is_empty()
                && body
                    .chars()
                    .all(|c| matches!(c, '-' | '=' | '*' | '_' | ' ')));
        // Indented text could become a code block or a lazy continuation; keep at most 3 spaces
        // (a tab counts as four).
        let indent = if indent.len() > 3 || indent.contains('\t') {
            "   "
        } else {
            indent
        };
        out.push_str(indent);
        out.push_str(markers);
        if starts_block {
            out.push('\\');
        }
        out.push_str(body);
    }
    out
}

/// A YAML double-quoted scalar: safe for any text, on one line. A renderer that does not know
/// front matter shows it as markdown, so what could open a link, an image or HTML there (`[`,
/// `]`, `<`, `>`) is written as a YAML escape, which reads back as the same character.
pub fn yaml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '[' | ']' | '<' | '>'
                ) =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The text of a Mermaid node label, to be placed between `["` and `"]`: one line of at most
/// `max` characters in which nothing can end the label, open a link or HTML, start a comment or
/// close the code fence (the characters that could are written as Mermaid entity codes). Never
/// empty: Mermaid rejects an empty label.
pub fn mermaid_label(s: &str, max: usize) -> String {
    let one_line = crate::text::first_sentence(s, max);
    if one_line.is_empty() {
        return "(blank)".to_string();
    }
    let mut out = String::with_capacity(one_line.len() + 8);
    for c in one_line.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '%' => out.push_str("#37;"),
            '`' => out.push_str("#96;"),
            '\\' => out.push_str("#92;"),
            '|' => out.push_str("#124;"),
            '[' | '{' => out.push('('),
            ']' | '}' => out.push(')'),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escapes, anywhere in a line, what could open a link, an image or a link reference
/// definition (`[`, `]`), an autolink or raw HTML (`<`), an entity (`&`) or a table cell (`|`);
/// and a backslash, so that an answer's own `\<` cannot undo the escape that follows it.
fn escape_block_chars(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let url = is_url(word);
        for c in shown(word).chars() {
            if matches!(c, '\\' | '[' | ']' | '<' | '|') || (c == '&' && !url) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// Splits `- 1. * ` style list markers (each followed by spaces) off the start of a line.
fn split_list_markers(line: &str) -> (&str, &str) {
    let mut rest = line;
    loop {
        let bytes = rest.as_bytes();
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        let marker = match bytes.first() {
            Some(b'-' | b'*' | b'+') => 1,
            _ if digits > 0 && digits < 10 && matches!(bytes.get(digits), Some(b'.' | b')')) => {
                digits + 1
            }
            _ => 0,
        };
        let spaces = bytes[marker.min(bytes.len())..]
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        if marker == 0 || spaces == 0 {
            break;
        }
        rest = &rest[marker + spaces..];
    }
    (&line[..line.len() - rest.len()], rest)
}

fn escape_line_start(mut s: String) -> String {
    let bytes = s.as_bytes();
    // A list marker only counts when followed by a space or the end of the line.
    let marker_end = |at: usize| matches!(bytes.get(at), None | Some(b' ' | b'\t'));
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    // A line of dashes alone is a thematic break, even right after a list marker.
    let is_rule = bytes.first() == Some(&b'-') && bytes.iter().all(|b| b" -\t".contains(b));
    let starts_list = (matches!(bytes.first(), Some(b'-' | b'+')) && marker_end(1))
        || is_rule
        || bytes.first() == Some(&b'=')
        || (digits > 0 && matches!(bytes.get(digits), Some(b'.' | b')')) && marker_end(digits + 1));
    if starts_list {
        s.insert(digits, '\\');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The shortcut for plain text writes what the escaping would.
        #[test]
        fn plain_text_reads_as_escaped(s in "[ -~]{0,24}") {
            proptest::prop_assert_eq!(inline(&s), inline_escaped(&s));
        }
    }

    #[test]
    fn inline_escapes_structure() {
        assert_eq!(inline("a | b"), "a \\| b");
        assert_eq!(
            inline("# not a heading\nsecond"),
            "\\# not a heading second"
        );
        assert_eq!(inline("- item"), "\\- item");
        assert_eq!(inline("1. first"), "1\\. first");
        assert_eq!(inline("<script>"), "\\<script\\>");
        assert_eq!(inline("0.03 positive"), "0.03 positive");
        assert_eq!(inline("-5% churn"), "-5% churn");
        assert_eq!(inline("---"), "\\---");
    }

    #[test]
    fn list_items_cannot_hide_headings_quotes_or_fences() {
        assert_eq!(block("- # Injected"), "- \\# Injected");
        assert_eq!(block("2. ## Another"), "2. \\## Another");
        assert_eq!(block("* > quote"), "* \\> quote");
        assert_eq!(block("- ```"), "- \\```");
        assert_eq!(block("- - # nested"), "- - \\# nested");
        assert_eq!(block("- ---"), "- \\---");
        assert_eq!(block("- plain item"), "- plain item");
        assert_eq!(block("-5% churn"), "-5% churn");
    }

    #[test]
    fn block_keeps_lists_but_not_headings() {
        assert_eq!(block("- a\n- b"), "- a\n- b");
        assert_eq!(block("# title\ntext"), "\\# title\\\ntext");
        assert_eq!(block("text\n---"), "text\\\n\\---");
        assert_eq!(block("```\ncode"), "\\```\\\ncode");
        assert_eq!(block("a\n        deep"), "a\\\n   deep");
        assert_eq!(block("a\n\n\ttab"), "a\n\n   tab");
        assert_eq!(block("[ref]: /url"), "\\[ref\\]: /url");
    }

    #[test]
    fn block_keeps_each_line_of_a_paragraph_on_its_own_line() {
        assert_eq!(block("GBDT: 0.31\nLR: 0.22"), "GBDT: 0.31\\\nLR: 0.22");
        assert_eq!(block("one\n\ntwo"), "one\n\ntwo");
        assert_eq!(block("intro\n- a\n- b"), "intro\n- a\n- b");
        assert_eq!(block("1. a\n2. b"), "1. a\n2. b");
        assert_eq!(block("ends with \\\nnext"), "ends with \\\\\\\nnext");
    }

    #[test]
    fn web_addresses_keep_their_characters() {
        let url = "https://grafana.example.com/d/churn_v1?orgId=1&var-model=lgbm#panel-4";
        assert_eq!(
            inline(&format!("Dashboard: {url}")),
            format!("Dashboard: {url}")
        );
        assert_eq!(block(&format!("See {url}")), format!("See {url}"));
        assert_eq!(block(&format!("{url}\nnext")), format!("{url} \\\nnext"));
        assert_eq!(inline("not_a_url & #tag"), "not\\_a\\_url \\& \\#tag");
        assert_eq!(
            inline("https://x.example/<b>|"),
            "https://x.example/\\<b\\>\\|"
        );
    }

    #[test]
    fn bidi_controls_are_shown_not_obeyed() {
        assert_eq!(inline("a\u{202e}b"), "a(U+202E)b");
        assert_eq!(block("a\u{2066}b"), "a(U+2066)b");
    }

    #[test]
    fn yaml_strings_stay_one_quoted_line() {
        assert_eq!(yaml_string("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
        assert_eq!(yaml_string("x\n---\ny"), "\"x\\n---\\ny\"");
        assert_eq!(yaml_string("\u{7}"), "\"\\u0007\"");
        assert_eq!(
            yaml_string("![x](y) <b>"),
            "\"!\\u005bx\\u005d(y) \\u003cb\\u003e\""
        );
    }

    #[test]
    fn mermaid_labels_cannot_end_the_label_or_the_fence() {
        let l = mermaid_label("a\"] --> B[\"x\" %% end ```<b>&#", 60);
        for bad in ['"', '[', ']', '<', '>', '`', '%'] {
            assert!(!l.contains(bad), "{l}");
        }
        assert_eq!(mermaid_label("Orders (daily)", 60), "Orders (daily)");
        assert_eq!(mermaid_label(" \t ", 60), "(blank)");
    }

    #[test]
    fn block_neutralises_links_images_and_html() {
        assert_eq!(block("a [l](http://x)"), "a \\[l\\](http://x)");
        assert_eq!(block("a ![i](http://x)"), "a !\\[i\\](http://x)");
        assert_eq!(block("a <http://x>"), "a \\<http://x>");
        assert_eq!(block("a \\<img src=x>"), "a \\\\\\<img src=x>");
        assert_eq!(block("- [ ] task"), "- \\[ \\] task");
    }
}
