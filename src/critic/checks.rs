//! What a rule pack is checked for as it loads, and how a rule's message is rendered: a
//! message that compiles and renders within its limits, `supersedes` lists that name real
//! rules and never go round in a cycle.

use std::collections::HashSet;

use minijinja::Value;

use super::Rule;
use crate::expr::{self, MESSAGE_LIMITS, RenderFailure};

/// Checks that a message template compiles and can be rendered within [`MESSAGE_LIMITS`];
/// returns the variables it reads other than the helpers and minijinja's own functions (none
/// for plain text, which is not compiled at all). An error reads after "`message` ".
pub(super) fn check_message(source: &str) -> Result<Vec<String>, String> {
    use minijinja::ErrorKind::{OutOfFuel, UnknownFilter, UnknownFunction, UnknownTest};
    if !source.contains("{{") && !source.contains("{%") {
        return Ok(Vec::new());
    }
    expr::check_template_nesting(source).map_err(|e| format!("does not compile: {e}"))?;
    let template = expr::environment()
        .template_from_str(source)
        .map_err(|e| format!("does not compile: {}", expr::describe_error(&e)))?;
    // Unknown filters, tests and functions only show when the template runs, and so does a
    // loop that never ends: try it on no answers at all (an undefined answer renders as nothing).
    if let Err(f) = expr::render_limited(&template, minijinja::context! {}, MESSAGE_LIMITS) {
        let at = message_line(source, f.line);
        match f.kind {
            None | Some(OutOfFuel) => return Err(format!("cannot be rendered{at}: {}", f.message)),
            Some(UnknownFilter | UnknownTest | UnknownFunction) => {
                return Err(format!("does not compile{at}: {}", f.message));
            }
            Some(_) => {}
        }
    }
    let mut names: Vec<String> = template
        .undeclared_variables(false)
        .into_iter()
        .filter(|n| !expr::is_builtin_name(n))
        .collect();
    names.sort();
    Ok(names)
}

/// ` (line N of the message)` for a message of several lines; nothing otherwise.
pub(super) fn message_line(source: &str, line: Option<usize>) -> String {
    match line {
        Some(l) if source.contains('\n') => format!(" (line {l} of the message)"),
        _ => String::new(),
    }
}

/// Renders a rule's message (a short template quoting answers) within [`MESSAGE_LIMITS`].
pub(super) fn render_message(source: &str, ctx: &Value) -> Result<String, RenderFailure> {
    if !source.contains("{{") && !source.contains("{%") {
        return Ok(source.to_string());
    }
    let template = expr::environment().template_from_str(source)?;
    expr::render_limited(&template, ctx.clone(), MESSAGE_LIMITS).map(|(text, _)| text)
}

/// What is wrong with the `supersedes` lists of `added` (a pack being loaded after `loaded`):
/// (index in `added`, rule id, message) for an unknown id, the rule itself, or a cycle.
pub(super) fn supersede_problems(loaded: &[Rule], added: &[Rule]) -> Vec<(usize, String, String)> {
    let all: Vec<&Rule> = loaded.iter().chain(added).collect();
    let find = |id: &str| all.iter().find(|r| r.def.id == id);
    let mut out = Vec::new();
    for (n, r) in added.iter().enumerate() {
        let id = &r.def.id;
        for other in &r.def.supersedes {
            if other == id {
                out.push((n, id.clone(), "`supersedes` names the rule itself".into()));
            } else if find(other).is_none() {
                let message = format!("`supersedes` names `{other}`, which is not a rule");
                out.push((n, id.clone(), message));
            }
        }
        // A cycle through this rule: following `supersedes` from it comes back to it.
        let mut seen = HashSet::new();
        let mut stack: Vec<&str> = r.def.supersedes.iter().map(String::as_str).collect();
        while let Some(next) = stack.pop() {
            if next == id.as_str() && !r.def.supersedes.iter().any(|o| o == id) {
                let message =
                    "`supersedes` goes round in a cycle back to this rule; one must stand for the other, not both".into();
                out.push((n, id.clone(), message));
                break;
            }
            if seen.insert(next)
                && let Some(rule) = find(next)
            {
                stack.extend(rule.def.supersedes.iter().map(String::as_str));
            }
        }
    }
    out
}
