//! The built-in files' conditions, compiled by minijinja when kickoff is built (`build.rs`):
//! a condition whose source is one of them is rebuilt from its instructions instead of
//! parsed, which was a third of the work of a `kickoff check`. Any other source (a team's
//! own files, a built-in file edited since) is compiled as before: the result is the same,
//! only slower. The tests compare the instructions of each with minijinja's compile.

use std::collections::BTreeMap;

use minijinja::machinery::{Instruction as I, Instructions};
use minijinja::value::{Kwargs, Value};

/// Pushes a condition's instructions, its jumps counted from its own first instruction.
type Emit = fn(&mut Vec<I<'static>>);

#[allow(clippy::all)]
mod generated {
    use super::*;
    include!(concat!(env!("OUT_DIR"), "/conditions.rs"));
}

#[allow(clippy::all)]
mod generated_templates {
    use super::template::{Built, Loc, Op};
    use minijinja::machinery::{Instruction as I, Span};
    use minijinja::value::{Kwargs, Value};
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

mod template;
pub use template::{Template, template};

/// How many filters and tests one program caches by number (minijinja's `MAX_LOCALS`); the
/// others it looks up by name.
const MAX_LOCALS: usize = 50;

/// The source as the table holds it, and its instructions.
fn find(source: &str) -> Option<(&'static str, Emit)> {
    let table = generated::CONDITIONS;
    let at = table.binary_search_by(|(s, _)| (*s).cmp(source)).ok()?;
    Some(table[at])
}

/// Whether `source` was compiled at build time.
#[cfg(test)]
fn has(source: &str) -> bool {
    find(source).is_some()
}

/// The sources compiled at build time.
#[cfg(test)]
fn sources() -> impl Iterator<Item = &'static str> {
    generated::CONDITIONS.iter().map(|(s, _)| *s)
}

/// `source` compiled, if it was at build time.
pub fn single(source: &str) -> Option<Instructions<'static>> {
    let (source, emit) = find(source)?;
    let mut program = Program::new(source);
    program.append(emit);
    Some(program.instructions)
}

/// The list `[(s1), (s2), ...]` compiled, as minijinja compiles it, if each of `sources` was
/// compiled at build time.
pub fn list(sources: &[&str]) -> Option<Instructions<'static>> {
    let emits: Option<Vec<Emit>> = sources.iter().map(|s| find(s).map(|(_, e)| e)).collect();
    let mut program = Program::new("");
    for emit in emits? {
        program.append(emit);
    }
    program.push(I::BuildList(Some(sources.len())));
    Some(program.instructions)
}

/// Instructions being put together from several conditions' in a row.
struct Program {
    instructions: Instructions<'static>,
    len: u32,
    /// Filters and tests numbered in the order they first appear, as minijinja numbers them
    /// in one program.
    filters: BTreeMap<&'static str, u8>,
    tests: BTreeMap<&'static str, u8>,
    buffer: Vec<I<'static>>,
}

impl Program {
    fn new(source: &'static str) -> Program {
        Program {
            instructions: Instructions::new("<expression>", source),
            len: 0,
            filters: BTreeMap::new(),
            tests: BTreeMap::new(),
            buffer: Vec::new(),
        }
    }

    fn push(&mut self, instruction: I<'static>) {
        self.instructions.add(instruction);
        self.len += 1;
    }

    /// Appends a condition: its jumps moved by where it starts, its filters and tests
    /// numbered in this program.
    fn append(&mut self, emit: Emit) {
        let start = self.len;
        let mut buffer = std::mem::take(&mut self.buffer);
        emit(&mut buffer);
        for instruction in buffer.drain(..) {
            let instruction = match instruction {
                I::Jump(to) => I::Jump(to + start),
                I::JumpIfFalse(to) => I::JumpIfFalse(to + start),
                I::JumpIfFalseOrPop(to) => I::JumpIfFalseOrPop(to + start),
                I::JumpIfTrueOrPop(to) => I::JumpIfTrueOrPop(to + start),
                I::ApplyFilter(name, n, _) => {
                    I::ApplyFilter(name, n, local(&mut self.filters, name))
                }
                I::PerformTest(name, n, _) => I::PerformTest(name, n, local(&mut self.tests, name)),
                other => other,
            };
            self.push(instruction);
        }
        self.buffer = buffer;
    }
}

/// The number of a filter or test in a program (minijinja's `get_local_id`).
fn local(ids: &mut BTreeMap<&'static str, u8>, name: &'static str) -> u8 {
    if let Some(id) = ids.get(name) {
        *id
    } else if ids.len() >= MAX_LOCALS {
        !0
    } else {
        let id = ids.len() as u8;
        ids.insert(name, id);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::machinery::{CodeGenerator, parse_expr};

    /// Each instruction as minijinja prints it.
    fn listing(instructions: &Instructions<'_>) -> Vec<String> {
        (0..)
            .map_while(|i| instructions.get(i))
            .map(|i| format!("{i:?}"))
            .collect()
    }

    /// What minijinja compiles `source` to, as `Environment::compile_expression` does.
    fn compiled(source: &str) -> Vec<String> {
        let ast = parse_expr(source).unwrap();
        let mut generator = CodeGenerator::new("<expression>", source);
        generator.compile_expr(&ast);
        listing(&generator.finish().0)
    }

    #[test]
    fn each_condition_is_what_minijinja_compiles_it_to() {
        for source in sources() {
            assert_eq!(
                listing(&single(source).unwrap()),
                compiled(source),
                "{source}"
            );
        }
    }

    #[test]
    fn a_list_is_what_minijinja_compiles_it_to() {
        // Jumps move with the condition, and filters and tests are numbered across the list.
        let all: Vec<&str> = sources().collect();
        let text = format!("[({})]", all.join("), ("));
        let program = list(&all).unwrap();
        assert_eq!(listing(&program), compiled(&text));
        assert!(listing(&program).iter().any(|i| i.starts_with("JumpIf")));
        assert!(
            listing(&program)
                .iter()
                .any(|i| i.starts_with("PerformTest"))
        );
    }

    #[test]
    fn the_built_in_files_conditions_are_all_there() {
        for text in [
            include_str!("../questionnaires/ml-experiment.toml"),
            include_str!("../questionnaires/ml-experiment.rules.toml"),
            include_str!("../questionnaires/ml-experiment.score.toml"),
        ] {
            let value: toml::Value = toml::from_str(text).unwrap();
            let mut missing = Vec::new();
            find_conditions(&value, &mut missing);
            assert!(!missing.is_empty());
            missing.retain(|s| !has(s));
            assert!(
                missing.is_empty(),
                "not compiled at build time: {missing:?}"
            );
        }
        assert!(has("true"), "a question without a `when`");
        assert!(!has("a condition no file has"));
        assert!(single("a condition no file has").is_none());
        assert!(list(&["true", "a condition no file has"]).is_none());
    }

    fn find_conditions(value: &toml::Value, into: &mut Vec<String>) {
        match value {
            toml::Value::Table(table) => {
                for (key, value) in table {
                    match value {
                        toml::Value::String(s)
                            if ["when", "automated", "manual"].contains(&key.as_str()) =>
                        {
                            into.push(s.clone())
                        }
                        _ => find_conditions(value, into),
                    }
                }
            }
            toml::Value::Array(items) => items.iter().for_each(|v| find_conditions(v, into)),
            _ => {}
        }
    }
}
