//! A rule pack without its `[[rules.cases]]` tables: what a trusted (built-in) pack is parsed
//! from. The cases are two fifths of the built-in pack's text and only `questionnaire
//! validate` and the tests run them, so a start that parsed them would spend a good part of its
//! time on answers it never reads.

/// `source` with the lines of every `[[rules.cases]]` table (its header up to the next header)
/// blanked, so that lines keep their numbers. A small TOML scanner tells headers from text:
/// strings (basic, literal, multi-line), comments and brackets inside values are skipped, so a
/// `[[rules.cases]]` inside a string or a multi-line array is left alone. The built-in pack is
/// held to parsing the same, its cases aside, by `the_built_in_files_pass_every_check`.
pub(super) fn without_cases(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut scan = Scanner::default();
    let mut in_cases = false;
    for line in source.split_inclusive('\n') {
        if scan.at_top() {
            let t = line.trim_start();
            if t.starts_with('[') {
                let header = t.split('#').next().unwrap_or_default();
                let name: String = header.chars().filter(|c| !c.is_whitespace()).collect();
                in_cases = name == "[[rules.cases]]";
                if in_cases {
                    blank(&mut out, line);
                } else {
                    out.push_str(line);
                }
                // A header holds no string nor open bracket to carry on.
                continue;
            }
        }
        scan.line(line);
        if in_cases {
            blank(&mut out, line);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// An empty line in place of `line`, so that the lines after it keep their numbers.
fn blank(out: &mut String, line: &str) {
    if line.ends_with('\n') {
        out.push('\n');
    }
}

/// Where the scanner stands at the end of a line: inside a multi-line string (its delimiter)
/// or inside brackets of a value (their depth).
#[derive(Default)]
struct Scanner {
    multiline: Option<&'static str>,
    depth: usize,
}

impl Scanner {
    /// Whether the next line starts outside any value: a `[` there opens a table header.
    fn at_top(&self) -> bool {
        self.multiline.is_none() && self.depth == 0
    }

    fn line(&mut self, line: &str) {
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if let Some(delim) = self.multiline {
                match find_close(b, i, delim) {
                    Some(end) => {
                        self.multiline = None;
                        i = end;
                    }
                    None => return,
                }
                continue;
            }
            match b[i] {
                b'#' => return,
                b'[' | b'{' => self.depth += 1,
                b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                q @ (b'"' | b'\'') => {
                    let triple = if q == b'"' { "\"\"\"" } else { "'''" };
                    if b[i..].starts_with(triple.as_bytes()) {
                        self.multiline = Some(triple);
                        i += 3;
                        continue;
                    }
                    // A one-line string ends on its line (or the line is malformed anyway).
                    i = find_close(b, i + 1, if q == b'"' { "\"" } else { "'" }).unwrap_or(b.len());
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

/// The offset just past the delimiter `delim` that closes a string, from `from` on; a
/// backslash escapes the next byte in a basic (`"`) string. A closing `"""` may be followed by
/// up to two more quotes, which belong to the string.
fn find_close(b: &[u8], from: usize, delim: &str) -> Option<usize> {
    let basic = delim.starts_with('"');
    let d = delim.as_bytes();
    let mut i = from;
    while i < b.len() {
        // Straight to the next quote (or backslash): most of a string is neither.
        let next = if basic {
            memchr::memchr2(b'\\', d[0], &b[i..])
        } else {
            memchr::memchr(d[0], &b[i..])
        };
        i += next?;
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i..].starts_with(d) {
            let mut end = i + d.len();
            if d.len() == 3 {
                while end < b.len() && b[end] == d[0] && end < i + 5 {
                    end += 1;
                }
            }
            return Some(end);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::without_cases;

    #[test]
    fn case_tables_are_blanked_and_lines_keep_their_numbers() {
        let source = "questionnaire = \"q\"\n\n[[rules]]\nid = \"a\"\n\n[[rules.cases]]\nfires = true\nanswers = { x = 1 }\n\n[[ rules . cases ]] # a comment\nfires = false\n\n[[rules]]\nid = \"b\"\n";
        let out = without_cases(source);
        assert_eq!(out.lines().count(), source.lines().count());
        assert!(!out.contains("fires"), "{out}");
        assert!(
            out.contains("id = \"a\"") && out.contains("id = \"b\""),
            "{out}"
        );
        let a: toml::Table = toml::from_str(&out).unwrap();
        assert_eq!(a["rules"].as_array().unwrap().len(), 2);
    }

    /// A header-like line inside a multi-line string or a multi-line array is text, not a
    /// header: it neither starts nor ends a case table.
    #[test]
    fn headers_inside_values_are_text() {
        let source = r#"[[rules]]
id = "a"
message = """
[[rules.cases]]
quoted \""" still inside
"""
questions = [
[ "not", "a header" ],
]
literal = '''
[[rules]]
'''
[[rules.cases]]
fires = true
note = "a # that is no comment, [[rules]]"
answers = { x = """
[[rules]]
""" }

[[rules]]
id = "b"
"#;
        let out = without_cases(source);
        let kept: toml::Table = toml::from_str(&out).unwrap();
        let full: toml::Table = toml::from_str(source).unwrap();
        let rules = kept["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 2);
        let mut first = full["rules"][0].as_table().unwrap().clone();
        first.remove("cases");
        assert_eq!(rules[0].as_table().unwrap(), &first);
        assert_eq!(rules[1]["id"].as_str(), Some("b"));
        assert!(!out.contains("fires"));
    }
}
