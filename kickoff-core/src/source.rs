//! Reading TOML files with errors that point at the file, line and column.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// One problem in a file: where (line, if known), what (question/rule id) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: Option<usize>,
    /// What the problem is about, e.g. "question `task`" or "rule `no-baseline`".
    pub subject: String,
    /// The id of the answered question it concerns, for a front end to link to it.
    pub question: Option<String>,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{}: cannot read: {source}", crate::text::path(path))]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: the file is empty", crate::text::path(path))]
    Empty { path: PathBuf },
    /// Malformed TOML or a value of the wrong shape, with toml's position.
    #[error("{}:{line}:{column}: {message}", crate::text::path(path))]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}", render_problems(path, problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

fn render_problems(path: &Path, problems: &[Problem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&p.display_in(path).to_string());
    }
    out
}

impl Problem {
    pub fn display_in<'a>(&'a self, path: &'a Path) -> impl fmt::Display + 'a {
        struct D<'a>(&'a Problem, &'a Path);
        impl fmt::Display for D<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let D(p, path) = self;
                match p.line {
                    Some(l) => write!(
                        f,
                        "{}:{l}: {}: {}",
                        crate::text::path(path),
                        p.subject,
                        p.message
                    ),
                    None => write!(
                        f,
                        "{}: {}: {}",
                        crate::text::path(path),
                        p.subject,
                        p.message
                    ),
                }
            }
        }
        D(self, path)
    }
}

/// How closely a definition file (questionnaire, rule pack, scorecard) is checked as it loads.
/// The built-in files are checked by the test suite before they are built in, so loading them
/// on every start skips the checks that only catch authoring mistakes; a team's files get all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// Every check: a file a person wrote, told back with its line.
    All,
    /// Only what loading needs (the conditions compile): a built-in file, already checked.
    Trusted,
}

/// Parses TOML into `T`, turning toml's byte span into a line and column.
pub fn parse_toml<T: DeserializeOwned>(source: &str, path: &Path) -> Result<T, FileError> {
    if source.trim().is_empty() {
        return Err(FileError::Empty {
            path: path.to_path_buf(),
        });
    }
    toml::from_str(source).map_err(|e| {
        // A key path too deep to read (`a.b.c...` or `[a.b.c...]`) comes without a span.
        let (line, column) = e
            .span()
            .map(|s| line_column(source, s.start))
            .or_else(|| deepest_key(source))
            .unwrap_or((1, 1));
        FileError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })
}

/// The line and column of the key path with the most parts (`a.b.c = 1`, `[a.b.c]`), if any
/// has more than one.
fn deepest_key(source: &str) -> Option<(usize, usize)> {
    let dots = |key: &str| {
        let mut quote = None;
        let mut n = 0;
        for c in key.chars() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '.') => n += 1,
                _ => {}
            }
        }
        n
    };
    source
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let t = l.trim_start();
            let key = match t.strip_prefix('[') {
                Some(header) => header.split(']').next()?,
                None => t.split('=').next()?,
            };
            Some((dots(key), i + 1, l.len() - t.len() + 1))
        })
        .filter(|(n, ..)| *n > 0)
        .max_by_key(|(n, ..)| *n)
        .map(|(_, line, column)| (line, column))
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..source.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Where each line of a text starts: the line of many offsets, each found by a binary search
/// rather than by counting the line breaks before it.
pub struct LineStarts(Vec<usize>);

impl LineStarts {
    pub fn of(text: &str) -> LineStarts {
        let breaks = text.match_indices('\n').map(|(i, _)| i + 1);
        LineStarts(std::iter::once(0).chain(breaks).collect())
    }

    /// The line (1-based) of the byte at `offset`.
    pub fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }
}

/// The lines of a file's definitions, from a second parse that keeps toml's spans. It is
/// made only when a problem needs a line, so loading a good file never pays for it.
pub struct Lines<'a, T> {
    source: &'a str,
    parsed: std::cell::OnceCell<Option<T>>,
    starts: std::cell::OnceCell<LineStarts>,
}

impl<'a, T: DeserializeOwned> Lines<'a, T> {
    pub fn new(source: &'a str) -> Self {
        Lines {
            source,
            parsed: std::cell::OnceCell::new(),
            starts: std::cell::OnceCell::new(),
        }
    }

    /// The line of the value `find` picks out of the spans.
    pub fn of(&self, find: impl FnOnce(&T) -> Option<&toml::Spanned<String>>) -> Option<usize> {
        let parsed = self
            .parsed
            .get_or_init(|| toml::from_str(self.source).ok())
            .as_ref()?;
        let starts = || self.starts.get_or_init(|| LineStarts::of(self.source));
        find(parsed).map(|v| starts().line(v.span().start))
    }
}

/// Where a definition's `id` is, for [`Lines`].
#[derive(serde::Deserialize)]
pub struct IdSpan {
    pub id: toml::Spanned<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let s = "a = 1\nbb = 2\n";
        assert_eq!(line_column(s, 0), (1, 1));
        assert_eq!(line_column(s, 6), (2, 1));
        assert_eq!(line_column(s, 9), (2, 4));
        let starts = LineStarts::of(s);
        for offset in 0..=s.len() {
            assert_eq!(starts.line(offset), line_column(s, offset).0, "{offset}");
        }
    }

    #[test]
    fn lines_point_at_the_definition_not_at_the_first_match() {
        #[derive(serde::Deserialize)]
        struct File {
            items: Vec<IdSpan>,
        }
        // The id text appears first inside a string, then as the second item's id.
        let s = "[[items]]\nid = \"a\"\nnote = 'id = \"b\"'\n\n[[items]]\nid = \"b\"\n";
        let lines = Lines::<File>::new(s);
        assert_eq!(lines.of(|f| f.items.get(1).map(|i| &i.id)), Some(6));
        assert_eq!(lines.of(|f| f.items.get(5).map(|i| &i.id)), None);
    }

    #[test]
    fn syntax_error_names_file_line_and_column() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            a: i64,
        }
        let e = parse_toml::<T>("a = 1\nb = [\n", Path::new("x.toml")).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("x.toml:2:"), "{msg}");
    }
}
