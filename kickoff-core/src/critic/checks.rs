//! What a rule pack is checked for as it loads (a team's: the built-in pack is checked by the
//! tests, see `Checks`), and how a rule's message is rendered: a
//! message that compiles and renders within its limits, `supersedes` lists that name real
//! rules and never go round in a cycle.

use crate::expr::ConditionError;
use std::collections::{HashMap, HashSet};

use minijinja::Value;

use super::{Rule, RuleDef, RuleFile, RuleLines};
use crate::expr::{self, MESSAGE_LIMITS, RenderFailure};
use crate::questionnaire::Questionnaire;
use crate::source::{Lines, Problem};

/// Checks that a message template compiles and can be rendered within [`MESSAGE_LIMITS`];
/// returns the variables it reads other than the helpers and minijinja's own functions (none
/// for plain text, which is not compiled at all). An error reads after "`message` ".
pub(super) fn check_message(source: &str) -> Result<Vec<String>, MessageError> {
    use minijinja::ErrorKind::{OutOfFuel, UnknownFilter, UnknownFunction, UnknownTest};
    if !source.contains("{{") && !source.contains("{%") {
        return Ok(Vec::new());
    }
    expr::check_template_nesting(source)?;
    let template = expr::environment()
        .template_from_str(source)
        .map_err(|e| ConditionError::Syntax(expr::describe_error(&e)))?;
    // In any branch, not only the ones a render on no answers reaches (below).
    let unknown = expr::unknown_in_template(expr::environment(), source);
    if !unknown.is_empty() {
        return Err(ConditionError::Unknown(unknown).into());
    }
    // Unknown filters, tests and functions only show when the template runs, and so does a
    // loop that never ends: try it on no answers at all (an undefined answer renders as nothing).
    if let Err(f) = expr::render_limited(&template, minijinja::context! {}, MESSAGE_LIMITS) {
        let at = message_line(source, f.line);
        match f.kind {
            None | Some(OutOfFuel) => {
                return Err(MessageError::Render {
                    at,
                    message: f.message,
                });
            }
            Some(UnknownFilter | UnknownTest | UnknownFunction) => {
                return Err(MessageError::Unknown {
                    at,
                    message: f.message,
                });
            }
            Some(_) => {}
        }
    }
    Ok(template_variables(&template))
}

/// Why a rule's message is refused; it reads after "`message` ".
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MessageError {
    #[error("does not compile: {0}")]
    Compile(#[from] ConditionError),
    /// `at` is " (line N of the message)" or empty.
    #[error("cannot be rendered{at}: {message}")]
    Render { at: String, message: String },
    #[error("does not compile{at}: {message}")]
    Unknown { at: String, message: String },
}

/// The variables a message reads, as [`check_message`] returns them, for a message known to
/// pass it (a built-in rule's).
pub(super) fn message_variables(source: &str) -> Vec<String> {
    if !source.contains("{{") && !source.contains("{%") {
        return Vec::new();
    }
    expr::environment()
        .template_from_str(source)
        .map(|t| template_variables(&t))
        .unwrap_or_default()
}

/// The variables a template reads other than the helpers and minijinja's own functions, sorted.
fn template_variables(template: &minijinja::Template<'_, '_>) -> Vec<String> {
    let mut names: Vec<String> = template
        .undeclared_variables(false)
        .into_iter()
        .filter(|n| !expr::is_builtin_name(n))
        .collect();
    names.sort();
    names
}

/// What is wrong with a pack as a whole: the questionnaire it names, its placeholder phrases.
pub(super) fn pack_problems(
    file: &RuleFile,
    q: &Questionnaire,
    lines: &Lines<'_, RuleLines>,
    problems: &mut Vec<Problem>,
) {
    if file.questionnaire != q.id {
        problems.push(Problem {
            line: lines.of(|l| Some(&l.questionnaire)),
            question: None,
            subject: "rule pack".into(),
            message: format!(
                "is for questionnaire `{}`, not `{}`",
                file.questionnaire, q.id
            ),
        });
    }
    for phrase in file
        .placeholders
        .iter()
        .filter(|p| !crate::placeholder::is_usable_phrase(p))
    {
        problems.push(Problem {
            line: None,
            question: None,
            subject: "`placeholders`".into(),
            message: format!("`{phrase}` has no letter or digit, so it matches nothing"),
        });
    }
}

/// What is wrong with one rule before its condition is compiled (its id, questions, message
/// and cases), and the variables its message reads. `ids` holds the rule ids seen so far.
pub(super) fn rule_problems(
    def: &RuleDef,
    q: &Questionnaire,
    ids: &mut HashSet<String>,
) -> (Vec<String>, Vec<String>) {
    let mut problems = Vec::new();
    if !ids.insert(def.id.clone()) {
        problems.push("duplicate rule id".into());
    }
    // Rule ids appear in the doc, in CI annotations and on the command line.
    if !crate::questionnaire::is_valid_id(&def.id) {
        problems.push(format!(
            "not a usable rule id: {}",
            crate::questionnaire::ID_RULE
        ));
    }
    if def.questions.is_empty() {
        problems.push("`questions` must name at least one question".into());
    }
    for name in def.questions.iter().filter(|n| q.get(n).is_none()) {
        problems.push(format!(
            "`questions` names `{name}`, which is not a question"
        ));
    }
    let mut message_reads = Vec::new();
    if def.message.trim().is_empty() {
        problems.push("`message` is empty".into());
    } else {
        match check_message(def.message.trim()) {
            Ok(vars) => message_reads = vars,
            Err(e) => problems.push(format!("`message` {e}")),
        }
    }
    for name in message_reads
        .iter()
        .filter(|v| q.get(v).is_none() && !def.lets.contains_key(*v))
    {
        problems.push(format!("`message` names `{name}`, which is not a question"));
    }
    for (c, case) in def.cases.iter().enumerate() {
        for name in case.answers.keys().filter(|n| q.get(n).is_none()) {
            problems.push(format!("case {}: `{name}` is not a question", c + 1));
        }
    }
    (problems, message_reads)
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
/// (index in `added`, rule id, message) for an unknown id, the rule itself, or a cycle. Rules
/// are found by id in a map and cycles in one pass over the graph (its strongly connected
/// components), so a pack of thousands of rules in one long chain loads in linear time.
pub(super) fn supersede_problems(loaded: &[Rule], added: &[Rule]) -> Vec<(usize, String, String)> {
    let all: Vec<&Rule> = loaded.iter().chain(added).collect();
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(all.len());
    for (i, r) in all.iter().enumerate() {
        index.entry(r.def.id.as_str()).or_insert(i);
    }
    let edges: Vec<Vec<usize>> = all
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let targets = r.def.supersedes.iter();
            targets
                .filter_map(|o| index.get(o.as_str()).copied())
                .filter(|&j| j != i)
                .collect()
        })
        .collect();
    let cyclic = on_cycles(&edges);
    let mut out = Vec::new();
    for (n, r) in added.iter().enumerate() {
        let id = &r.def.id;
        for other in &r.def.supersedes {
            if other == id {
                out.push((n, id.clone(), "`supersedes` names the rule itself".into()));
            } else if !index.contains_key(other.as_str()) {
                let message = format!("`supersedes` names `{other}`, which is not a rule");
                out.push((n, id.clone(), message));
            }
        }
        // A cycle through this rule: following `supersedes` from it comes back to it.
        if cyclic[loaded.len() + n] && !r.def.supersedes.iter().any(|o| o == id) {
            let message =
                "`supersedes` goes round in a cycle back to this rule; one must stand for the other, not both".into();
            out.push((n, id.clone(), message));
        }
    }
    out
}

/// Which nodes of a graph lie on a cycle (a strongly connected component of more than one
/// node; the edges hold no self-loops): Tarjan's algorithm, with an explicit stack so that a
/// chain of any length cannot overflow the call stack.
fn on_cycles(edges: &[Vec<usize>]) -> Vec<bool> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut order, mut low) = (vec![UNSEEN; n], vec![0; n]);
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = vec![false; n];
    let mut next = 0;
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        // The walk's own stack: a node, and the next of its edges to follow.
        let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&(v, i)) = calls.last() {
            if order[v] == UNSEEN {
                order[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(i) {
                calls.last_mut().expect("not empty").1 += 1;
                if order[w] == UNSEEN {
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == order[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    for w in component {
                        out[w] = true;
                    }
                }
            }
        }
    }
    out
}
