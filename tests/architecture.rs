//! The layering ARCHITECTURE.md describes, checked on the source: no file imports a file that
//! imports it back (directly or round a longer loop), and clap, exit codes and the command
//! line stay in `cli/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every source file as a module path (`tui::app`, `crate` for lib.rs) with its text.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
                    .unwrap();
                let name = rel.with_extension("").to_string_lossy().replace('/', "::");
                let name = if name == "lib" {
                    "crate".to_string()
                } else {
                    name
                };
                if name != "main" {
                    out.insert(name, std::fs::read_to_string(&path).unwrap());
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut out,
    );
    out
}

/// The file a `crate::…`, `super::…` or `self::…` path written in `module` lands in.
fn target(modules: &BTreeMap<String, String>, module: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = path.split("::").collect();
    let mut base: Vec<&str> = if module == "crate" {
        Vec::new()
    } else {
        module.split("::").collect()
    };
    match parts[0] {
        "crate" => base.clear(),
        "super" => {
            while parts.first() == Some(&"super") {
                base.pop();
                parts.remove(0);
            }
            parts.insert(0, "_");
        }
        "self" => {}
        _ => return None,
    }
    parts.remove(0);
    // The longest prefix that is a file: `crate::tui::app::App` is in `tui::app`.
    (0..=parts.len())
        .rev()
        .map(|i| {
            base.iter()
                .chain(&parts[..i])
                .copied()
                .collect::<Vec<_>>()
                .join("::")
        })
        .find(|m| modules.contains_key(m))
}

/// A file's code without its comment lines.
fn code(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Which files each file imports from.
fn imports(modules: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let word = regex::Regex::new(r"\b(?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+").unwrap();
    let mut out = BTreeMap::new();
    for (module, text) in modules {
        let code = code(text);
        let set: BTreeSet<String> = word
            .find_iter(&code)
            .filter_map(|m| target(modules, module, m.as_str()))
            .filter(|t| t != module && t != "crate")
            .collect();
        out.insert(module.clone(), set);
    }
    out
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let modules = modules();
    let graph = imports(&modules);
    // Depth-first search for a path that comes back to where it started.
    fn back_to(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if back_to(graph, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    for module in graph.keys() {
        let mut path = vec![module.clone()];
        let found = back_to(&graph, module, module, &mut path, &mut BTreeSet::new());
        assert!(!found, "import cycle: {} -> {module}", path.join(" -> "));
    }
}

#[test]
fn only_the_command_line_knows_clap_and_exit_codes() {
    for (module, text) in modules() {
        if module == "cli" || module.starts_with("cli::") {
            continue;
        }
        let code = code(&text);
        for forbidden in ["clap", "crate::cli", "ExitCode", "EXIT_"] {
            assert!(
                !code.contains(forbidden),
                "src/{} mentions `{forbidden}`: that belongs in cli/",
                module.replace("::", "/")
            );
        }
    }
}

#[test]
fn the_core_knows_no_terminal_and_no_network() {
    let front = ["tui", "plain", "llm", "cli"];
    for (module, text) in modules() {
        if front
            .iter()
            .any(|f| module == *f || module.starts_with(&format!("{f}::")))
        {
            continue;
        }
        let code = code(&text);
        for forbidden in [
            "ratatui",
            "crossterm",
            "reqwest",
            "crate::tui",
            "crate::llm",
        ] {
            assert!(
                !code.contains(forbidden),
                "src/{}.rs (core) mentions `{forbidden}`",
                module.replace("::", "/")
            );
        }
    }
}
