//! What makes a start of `kickoff` fast (`kickoff check` and `render` are whole processes of a
//! few milliseconds, run once per plan in CI):
//! - the built-in questionnaire, rule pack, scorecard and placeholder list, converted from
//!   TOML to JSON: the binary parses JSON several times faster, and these files are parsed on
//!   every start. The TOML files stay the source people read and edit.
//! - their conditions compiled by minijinja ([`conditions`]), so that they are not parsed on
//!   every start, and the built-in doc templates too ([`templates`]);
//! - on Linux, how the binary is linked ([`link_for_a_fast_start`]).

use std::path::Path;

#[path = "build/conditions.rs"]
mod conditions;
#[path = "build/templates.rs"]
mod templates;

/// The built-in doc templates, and the names the program gives them.
const TEMPLATES: &[(&str, &str)] = &[
    ("templates/design-doc.md.j2", "<built-in>/design-doc.md.j2"),
    ("templates/brief.md.j2", "<built-in>/brief.md.j2"),
];

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
    println!("cargo:rerun-if-changed=build/templates.rs");
    for (path, _) in TEMPLATES {
        println!("cargo:rerun-if-changed={path}");
    }
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let code = templates::generate(&manifest, TEMPLATES);
    std::fs::write(Path::new(&out).join("templates.rs"), code).expect("OUT_DIR is writable");
}

/// `kickoff check` and `render` are whole processes of a few milliseconds, run once per plan
/// in CI and by editors; on Linux with glibc the `kickoff` binary (not the tests) is linked
/// for a fast start:
/// - at a fixed address (not position independent): the loader then has no relocations to
///   apply to its 400 KiB of constant tables, each page of which was a copy-on-write page
///   fault on every start. The cost is address randomisation of the binary's own code; the
///   heap and stack are still randomised.
/// - statically, when the C library's static archive is installed (`libc.a`, in Debian's
///   `libc6-dev`, which linking needs anyway): no shared libraries to find, map and relocate,
///   a third of a millisecond per start. The binary then reads `/etc/nsswitch.conf` modules
///   other than `files` and `dns` (user and host lookups) from the glibc it was built with,
///   as any static glibc program does. `KICKOFF_LINK=dynamic` keeps the usual linking.
fn link_for_a_fast_start(out: &Path) {
    println!("cargo:rerun-if-env-changed=KICKOFF_LINK");
    println!("cargo:rerun-if-env-changed=CC");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    // A build asked to be static already (`+crt-static`) is left as asked.
    if var("CARGO_CFG_TARGET_OS") != "linux"
        || var("CARGO_CFG_TARGET_ENV") != "gnu"
        || var("CARGO_CFG_TARGET_FEATURE").contains("crt-static")
    {
        return;
    }
    println!("cargo:rustc-link-arg-bin=kickoff=-no-pie");
    if var("KICKOFF_LINK") == "dynamic" {
        return;
    }
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let archive = |name: &str| {
        std::process::Command::new(&cc)
            .arg(format!("-print-file-name={name}"))
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|path| Path::new(path).is_absolute() && Path::new(path).exists())
    };
    // Rust asks for the C library and the unwinder by name (`-lc`, `-lgcc_s`, ...), to link
    // dynamically. A linker script of each name, in a directory searched first, stands for
    // the static archive instead (the shared unwinder's is `libgcc_eh`, and libc's refers to
    // it: they go in one group).
    let (Some(libc), Some(unwinder), Some(libgcc)) = (
        archive("libc.a"),
        archive("libgcc_eh.a"),
        archive("libgcc.a"),
    ) else {
        return;
    };
    let mut scripts = vec![
        ("c", format!("GROUP({libc} {unwinder} {libgcc})")),
        ("gcc_s", format!("INPUT({unwinder})")),
    ];
    for name in ["m", "rt", "pthread", "dl", "util"] {
        match archive(&format!("lib{name}.a")) {
            Some(path) => scripts.push((name, format!("INPUT({path})"))),
            None => return,
        }
    }
    for (name, script) in scripts {
        std::fs::write(out.join(format!("lib{name}.so")), script + "\n")
            .expect("OUT_DIR is writable");
    }
    println!("cargo:rustc-link-arg-bin=kickoff=-static");
    println!("cargo:rustc-link-arg-bin=kickoff=-L{}", out.display());
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
