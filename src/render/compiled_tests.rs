//! The built-in templates compiled when kickoff is built (`precompiled::template`) are the
//! program minijinja compiles from them.

use minijinja::machinery::Instructions;

use crate::precompiled::template;
use crate::render;

/// Each instruction as minijinja prints it, with the line and span it reports an error at.
/// The variables a macro encloses are in the order of a hash set, which changes from one
/// compile to the next: each run of them is sorted.
fn listing(instructions: &Instructions<'_>) -> Vec<String> {
    let mut all: Vec<String> = (0..)
        .map_while(|i| instructions.get(i).map(|x| (i, x)))
        .map(|(i, x)| {
            let (line, span) = (instructions.get_line(i), instructions.get_span(i));
            format!("{x:?} {line:?} {span:?}")
        })
        .collect();
    let enclose = |i: &String| i.starts_with("Enclose");
    for run in all.chunk_by_mut(|a, b| enclose(a) == enclose(b)) {
        if enclose(&run[0]) {
            run.sort();
        }
    }
    all
}

#[test]
fn each_built_in_template_is_what_minijinja_compiles_it_to() {
    for name in ["design-doc", "brief"] {
        let (origin, source) = render::builtin_template(name).unwrap();
        let built = template(origin, source).expect("compiled at build time");
        let env = render::environment();
        let compiled = env.template_from_named_str(origin, source).unwrap();
        let compiled = minijinja::machinery::get_compiled_template(&compiled);
        let (ours, theirs) = (
            listing(&built.instructions),
            listing(&compiled.instructions),
        );
        assert_eq!(ours.len(), theirs.len(), "{name}");
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            assert_eq!(a, b, "{name}, instruction {i}");
        }
        assert!(compiled.blocks.is_empty());
        assert_eq!(built.size_hint, compiled.buffer_size_hint);
        assert_eq!(built.instructions.name(), origin);
        assert_eq!(built.instructions.source(), source);
    }
    // The part a table cannot hold as it is.
    let (origin, source) = render::builtin_template("design-doc").unwrap();
    let all = listing(&template(origin, source).unwrap().instructions);
    assert!(all.iter().any(|i| i.starts_with("LoadConst")));
}

#[test]
fn another_template_is_not_built_in() {
    let (origin, source) = render::builtin_template("design-doc").unwrap();
    assert!(template(origin, &format!("{source} ")).is_none());
    assert!(template("design-doc.md.j2", source).is_none());
}
