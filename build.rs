//! What makes a start of `kickoff` fast (`kickoff check` and `render` are whole processes of a
//! few milliseconds, run once per plan in CI):
//! - the built-in questionnaire, rule pack, scorecard and placeholder list, converted from
//!   TOML to JSON: the binary parses JSON several times faster, and these files are parsed on
//!   every start. The TOML files stay the source people read and edit.
//! - their conditions compiled by minijinja ([`conditions`]), so that they are not parsed on
//!   every start;
//! - on Linux, how the binary is linked ([`link_for_a_fast_start`]).

use std::path::Path;

#[path = "build/conditions.rs"]
mod conditions;

const FILES: &[&str] = &[
    "questionnaires/ml-experiment.toml",
    "questionnaires/ml-experiment.rules.toml",
    "questionnaires/ml-experiment.score.toml",
    "questionnaires/placeholders.toml",
];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    link_for_a_fast_start(Path::new(&out));
    // A question without a `when` counts as `true` in the questionnaire's batch.
    let mut whens = vec!["true".to_string()];
    for file in FILES {
        println!("cargo:rerun-if-changed={file}");
        let source = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        // A file that does not parse is left as TOML: the build goes on and loading it reports
        // the error with its line and column, as for any other file.
        let json = match toml::from_str::<toml::Value>(&source) {
            Ok(mut value) => {
                conditions::collect(&value, &mut whens);
                if file.ends_with(".rules.toml") {
                    leave_out_cases(&mut value);
                }
                serde_json::to_string(&value).expect("TOML values are JSON values")
            }
            Err(_) => source,
        };
        let name = Path::new(file).file_name().expect("a file name");
        let name = name.to_string_lossy().replace(".toml", ".json");
        std::fs::write(Path::new(&out).join(name), json).expect("OUT_DIR is writable");
    }
    println!("cargo:rerun-if-changed=build/conditions.rs");
    let code = conditions::generate(whens);
    std::fs::write(Path::new(&out).join("conditions.rs"), code).expect("OUT_DIR is writable");
}

/// On Linux the binary is linked at a fixed address (not position independent): the loader
/// then has no relocations to apply to its 400 KiB of constant tables, each page of which was
/// a copy-on-write page fault on every start, about half a millisecond of a `kickoff check`.
/// The cost is address randomisation of the binary's own code; the libraries, heap and stack
/// are still randomised.
fn link_for_a_fast_start(_out: &Path) {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bin=kickoff=-no-pie");
    }
}

/// Takes each rule's `cases` out of a rule pack: they are run by the tests and by
/// `questionnaire validate`, which read the TOML (`Bundle::builtin_checked`), never on start,
/// and they are two fifths of the file.
fn leave_out_cases(pack: &mut toml::Value) {
    let rules = pack.get_mut("rules").and_then(|r| r.as_array_mut());
    for rule in rules.into_iter().flatten() {
        if let Some(rule) = rule.as_table_mut() {
            rule.remove("cases");
        }
    }
}
