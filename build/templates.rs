//! Compiles the built-in doc templates with minijinja's own compiler, and writes them as
//! tables that `src/precompiled.rs` turns back into instructions: compiling the design doc's
//! template was a quarter of a `kickoff render`. A template this cannot write (a part minijinja
//! does not let a program name, blocks) is left out: the program compiles it on first use, as
//! it does any other, and a test says so.

use minijinja::machinery::{CodeGenerator, Instruction, Instructions, Span, parse};
use minijinja::syntax::SyntaxConfig;

/// Rust source of a table `TEMPLATES: &[Built]`, one entry for each `(path, name)` it could
/// write: `path` the file in the package, `name` what the program names it.
pub fn generate(manifest_dir: &str, templates: &[(&str, &str)]) -> String {
    let mut code = String::new();
    let mut table = String::from("pub static TEMPLATES: &[Built] = &[\n");
    for (n, (path, name)) in templates.iter().enumerate() {
        let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let Some((ops, consts, size_hint)) = compile(name, &source) else {
            continue;
        };
        code.push_str(&format!(
            "static OPS_{n}: &[(Op, Loc)] = &[\n{ops}];\n\n\
             fn consts_{n}(k: u16) -> Value {{\n    match k {{\n{consts}        _ => unreachable!(),\n    }}\n}}\n\n"
        ));
        table.push_str(&format!(
            "    Built {{ name: {name:?}, source: include_str!({:?}), size_hint: {size_hint}, ops: OPS_{n}, consts: consts_{n} }},\n",
            format!("{manifest_dir}/{path}")
        ));
    }
    table.push_str("];\n");
    code + &table
}

/// The instructions' table, the arms of the constants' `match`, and the output size hint.
fn compile(name: &str, source: &str) -> Option<(String, String, usize)> {
    // As `render::environment` sets it.
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .ok()?;
    let ast = parse(source, name, syntax).ok()?;
    let mut generator = CodeGenerator::new(name, source);
    generator.compile_stmt(&ast);
    let size_hint = generator.buffer_size_hint();
    let (instructions, blocks) = generator.finish();
    if !blocks.is_empty() {
        return None;
    }
    let (mut ops, mut consts) = (String::new(), String::new());
    let mut k = 0;
    let mut i = 0;
    while let Some(instruction) = instructions.get(i) {
        let op = match instruction {
            Instruction::LoadConst(value) => {
                let code = crate::conditions::value_code(value)?;
                consts.push_str(&format!("        {k} => {code},\n"));
                k += 1;
                format!("Op::Const({})", k - 1)
            }
            // The argument's type of a capture (`{% set x %}...{% endset %}`) or a chained
            // comparison is not one a program can name.
            Instruction::BeginCapture(_) | Instruction::CompareAndPreserve(_) => return None,
            other => format!("Op::I(I::{other:?})"),
        };
        ops.push_str(&format!("    ({op}, {}),\n", location(&instructions, i)?));
        i += 1;
    }
    Some((ops, consts, size_hint))
}

/// Where instruction `i` came from, as minijinja looks it up: a span, or else a line (each
/// instruction of a template has one).
fn location(instructions: &Instructions<'_>, i: u32) -> Option<String> {
    Some(match (instructions.get_span(i), instructions.get_line(i)) {
        (Some(span), _) => {
            let Span {
                start_line,
                start_col,
                start_offset,
                end_line,
                end_col,
                end_offset,
            } = span;
            format!(
                "Loc::Span(Span {{ start_line: {start_line}, start_col: {start_col}, start_offset: {start_offset}, end_line: {end_line}, end_col: {end_col}, end_offset: {end_offset} }})"
            )
        }
        (None, Some(line)) => format!("Loc::Line({line})"),
        (None, None) => return None,
    })
}
