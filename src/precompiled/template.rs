//! The built-in doc templates, compiled by minijinja when kickoff is built
//! (`build/templates.rs`): compiling the design doc's template was a quarter of a `kickoff
//! render`. A template is rebuilt from its table only when its name and source are those the
//! build compiled; any other (a team's template, an edited copy) is compiled as before.

use minijinja::machinery::{Instruction as I, Instructions, Span};
use minijinja::value::Value;

/// One instruction of a built-in template, as the build writes it.
pub enum Op {
    I(I<'static>),
    /// `LoadConst` of the template's constant number `k` (a value cannot be made in a static).
    Const(u16),
}

/// Where an instruction came from, for the line and span of an error.
pub enum Loc {
    Line(u16),
    Span(Span),
}

/// A template as the build compiled it.
pub struct Built {
    pub name: &'static str,
    pub source: &'static str,
    pub size_hint: usize,
    pub ops: &'static [(Op, Loc)],
    pub consts: fn(u16) -> Value,
}

/// A built-in template's instructions, and how much output to make room for.
pub struct Template {
    pub instructions: Instructions<'static>,
    pub size_hint: usize,
}

/// The template named `name` with `source`, if the build compiled it.
pub fn template(name: &str, source: &str) -> Option<Template> {
    let built = super::generated_templates::TEMPLATES
        .iter()
        .find(|b| b.name == name && b.source == source)?;
    let mut instructions = Instructions::new(built.name, built.source);
    for (op, loc) in built.ops {
        let instruction = match op {
            Op::I(i) => i.clone(),
            Op::Const(k) => I::LoadConst((built.consts)(*k)),
        };
        match loc {
            Loc::Line(line) => instructions.add_with_line(instruction, *line),
            Loc::Span(span) => instructions.add_with_span(instruction, *span),
        };
    }
    Some(Template {
        instructions,
        size_hint: built.size_hint,
    })
}
