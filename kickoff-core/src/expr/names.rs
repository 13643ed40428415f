//! What a condition or a template's code is made of, read from its tokens before minijinja
//! compiles it: how many operators it has (minijinja's parser builds `a or b or c ...` as a
//! chain its compiler then walks by recursion, so thousands of terms overflow the stack), and
//! the filters, tests and functions it names (minijinja looks them up only when the code runs,
//! so a misspelt one would otherwise be a condition silently false, or a message that fails
//! on the one plan that reaches it).

use minijinja::{Environment, ErrorKind};

/// The most operators (`and`, `or`, `==`, `|`, `.`, a call's or a subscript's bracket...) one
/// condition, or one `{{ }}`/`{% %}` tag of a template, may have: far beyond any real one.
pub const MAX_OPERATORS: usize = 1_000;

/// Words of the language a bracket may follow (`not (a or b)`), which are no function.
const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "is",
    "if",
    "else",
    "elif",
    "for",
    "set",
    "with",
    "call",
    "macro",
    "filter",
    "include",
    "import",
    "from",
    "as",
    "recursive",
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
    "return",
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'a> {
    Ident(&'a str),
    /// A string or number literal.
    Literal,
    Punct(char),
}

/// The tokens of `code` (strings, numbers, names, punctuation); with `stop_at_tag_end`, up to
/// the first `}}` or `%}` outside a string; the bytes read are returned with the tokens.
fn tokens(code: &str, stop_at_tag_end: bool) -> (Vec<Tok<'_>>, usize) {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut braces = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        // `}}` closes a tag only where no `{` of a map is open; `%}` always.
        let closes = (c == b'}' && braces == 0) || c == b'%';
        if stop_at_tag_end && closes && bytes.get(i + 1) == Some(&b'}') {
            return (out, i);
        }
        match c {
            b'{' => braces += 1,
            b'}' => braces = braces.saturating_sub(1),
            _ => {}
        }
        match c {
            b'\'' | b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != c {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.push(Tok::Literal);
            }
            b'0'..=b'9' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                out.push(Tok::Literal);
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                out.push(Tok::Ident(&code[start..i]));
            }
            c if c.is_ascii_whitespace() => i += 1,
            c if c.is_ascii() => {
                out.push(Tok::Punct(c as char));
                i += 1;
            }
            _ => {
                // Any other character: a part of a name minijinja will refuse, or text.
                i += code[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    (out, i.min(code.len()))
}

/// The code of a template's tags, `{{ }}` and `{% %}` (comments and raw blocks left out).
pub fn template_code(source: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = source;
    let mut raw = false;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.as_bytes().first() {
            Some(b'#') if !raw => {
                rest = after.find("#}").map_or("", |e| &after[e + 2..]);
            }
            Some(b'{' | b'%') => {
                let code = &after[1..];
                let (toks, end) = tokens(code, true);
                let tag = &code[..end];
                let is_raw = toks.first() == Some(&Tok::Ident("raw"));
                let is_endraw = toks.first() == Some(&Tok::Ident("endraw"));
                if raw {
                    raw = !is_endraw;
                } else if is_raw {
                    raw = true;
                } else {
                    out.push(tag);
                }
                rest = code.get(end + 2..).unwrap_or("");
            }
            _ => rest = after,
        }
    }
    out
}

/// Rejects code with more than [`MAX_OPERATORS`] operators.
pub fn check_operators(code: &str) -> Result<(), super::ConditionError> {
    let (toks, _) = tokens(code, false);
    let n = toks
        .iter()
        .filter(|t| match t {
            Tok::Ident(w) => matches!(*w, "and" | "or" | "not" | "in" | "is" | "if" | "else"),
            Tok::Punct(c) => !matches!(c, ',' | ':' | ')' | ']' | '}'),
            Tok::Literal => false,
        })
        .count();
    if n > MAX_OPERATORS {
        return Err(super::ConditionError::TooManyOperators(n));
    }
    Ok(())
}

/// The filters, tests and functions named in some code that `env` does not know, each once,
/// as "unknown filter `x`"; `local` names are functions the code defines itself (macros).
fn unknown_in(env: &Environment<'_>, toks: &[Tok<'_>], local: &[&str], out: &mut Vec<String>) {
    let mut add = |what: &str, name: &str| {
        let s = format!("unknown {what} `{name}`");
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for (i, t) in toks.iter().enumerate() {
        let next = |k: usize| toks.get(i + k).copied();
        let prev = i.checked_sub(1).and_then(|p| toks.get(p)).copied();
        match *t {
            // `x | name`, and the block `{% filter name %}` (first in its tag).
            Tok::Punct('|') => {
                if let Some(Tok::Ident(name)) = next(1)
                    && !knows(env, Kind::Filter, name)
                {
                    add("filter", name);
                }
            }
            Tok::Ident("filter") if i == 0 => {
                if let Some(Tok::Ident(name)) = next(1)
                    && !knows(env, Kind::Filter, name)
                {
                    add("filter", name);
                }
            }
            // `x is name`, `x is not name`.
            Tok::Ident("is") => {
                let name = match (next(1), next(2)) {
                    (Some(Tok::Ident("not")), Some(Tok::Ident(n))) => Some(n),
                    (Some(Tok::Ident(n)), _) if n != "not" => Some(n),
                    _ => None,
                };
                if let Some(name) = name
                    && !knows(env, Kind::Test, name)
                {
                    add("test", name);
                }
            }
            // `name(...)`, not `x.name(...)` (a method), `| name(...)` or `is name(...)`,
            // nor the name a macro is given.
            Tok::Ident(name) if next(1) == Some(Tok::Punct('(')) => {
                let after_op = matches!(
                    prev,
                    Some(Tok::Punct('.' | '|') | Tok::Ident("is" | "not" | "macro" | "filter"))
                );
                if !after_op
                    && !KEYWORDS.contains(&name)
                    && !local.contains(&name)
                    && !matches!(name, "loop" | "caller" | "super" | "self" | "varargs")
                    && !knows(env, Kind::Function, name)
                {
                    add("function", name);
                }
            }
            _ => {}
        }
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Filter,
    Test,
    Function,
}

/// Whether `env` has a filter, test or function of that name: asked by running a use of it
/// on nothing, which fails with "unknown ..." only if it has none.
fn knows(env: &Environment<'_>, kind: Kind, name: &str) -> bool {
    if matches!(kind, Kind::Function) {
        return super::HELPER_NAMES.contains(&name) || env.globals().any(|(g, _)| g == name);
    }
    let code = match kind {
        Kind::Filter => format!("none | {name}"),
        _ => format!("none is {name}"),
    };
    let unknown = match kind {
        Kind::Filter => ErrorKind::UnknownFilter,
        _ => ErrorKind::UnknownTest,
    };
    match env.compile_expression(&code) {
        Ok(e) => !e.eval(()).is_err_and(|e| e.kind() == unknown),
        Err(_) => false,
    }
}

/// The filters, tests and functions a condition names that `env` does not have.
pub fn unknown_in_condition(env: &Environment<'_>, source: &str) -> Vec<String> {
    let (toks, _) = tokens(source, false);
    let mut out = Vec::new();
    unknown_in(env, &toks, &[], &mut out);
    out
}

/// The filters, tests and functions a template's tags name that `env` does not have (nor the
/// template defines as a macro).
pub fn unknown_in_template(env: &Environment<'_>, source: &str) -> Vec<String> {
    let tags: Vec<Vec<Tok<'_>>> = template_code(source)
        .into_iter()
        .map(|c| tokens(c, false).0)
        .collect();
    let macros: Vec<&str> = tags
        .iter()
        .filter_map(|t| match (t.first(), t.get(1)) {
            (Some(Tok::Ident("macro")), Some(Tok::Ident(name))) => Some(*name),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for t in &tags {
        unknown_in(env, t, &macros, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_are_counted_outside_strings() {
        assert!(check_operators(&"a or ".repeat(900)).is_ok());
        let err = check_operators(&"a or ".repeat(1001)).unwrap_err();
        assert!(err.to_string().contains("1001 operators"), "{err}");
        assert!(check_operators(&format!("'{}'", "a or ".repeat(2000))).is_ok());
    }

    #[test]
    fn a_condition_at_the_limit_runs_on_a_small_stack_and_one_past_it_is_refused() {
        // 1,000 terms: 999 `or`, the longest chain allowed. Run where `check` runs files: on a
        // thread of its own (2 MiB of stack), in a debug build.
        let at_limit = vec!["x"; 1000].join(" or ");
        let past = vec!["x == 'a'"; 30_000].join(" or ");
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let c = super::super::compile(&at_limit).unwrap();
                assert_eq!(super::super::variables(&c), ["x"]);
                assert!(super::super::is_true(&c, &minijinja::context! { x => "a" }));
                let c = super::super::compile(&format!("not ({})", &at_limit[5..])).unwrap();
                assert!(!super::super::is_true(
                    &c,
                    &minijinja::context! { x => "a" }
                ));
                let err = super::super::compile(&past).unwrap_err();
                assert!(
                    err.to_string().contains("too long: 89999 operators"),
                    "{err}"
                );
                let template = format!("{{{{ {past} }}}}");
                assert!(super::super::check_template_nesting(&template).is_err());
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn unknown_filters_tests_and_functions_are_named() {
        let env = super::super::environment();
        let found = unknown_in_condition(
            env,
            "x | lenght > 1 and y is nonesuch and mentions(z, 'a | b') and frob(z) and z.upper() and y is not defined and y | length",
        );
        assert_eq!(
            found,
            [
                "unknown filter `lenght`",
                "unknown test `nonesuch`",
                "unknown function `frob`"
            ]
        );
        let found = unknown_in_template(
            env,
            "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1) }}{# x | nope #}{% if x %}{{ y | nope2 }}{% endif %}{% raw %}{{ z | nope3 }}{% endraw %}{% filter upperr %}x{% endfilter %}",
        );
        assert_eq!(found, ["unknown filter `nope2`", "unknown filter `upperr`"]);
        let fine = "{{ '}}' | upper }} {{ {'a': {'b': 1}} | length }} {{ range(3) | list }}";
        assert!(unknown_in_template(env, fine).is_empty());
    }
}
