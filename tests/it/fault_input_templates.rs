//! Templates that would never end, or never stop writing: a rule's message and a doc template
//! are bounded, and going over the bound is a clear error naming the rule or template, not a
//! hang.

use crate::common;

use std::path::{Path, PathBuf};

use common::{Run, example, kickoff};

/// A rule pack for the built-in questionnaire with one rule.
fn rule_pack(dir: &Path, id: &str, message: &str) -> PathBuf {
    let path = dir.join("extra.rules.toml");
    let text = format!(
        "questionnaire = \"ml-experiment\"\n\n[[rules]]\nid = \"{id}\"\nseverity = \"warning\"\n\
         questions = [\"decision\"]\nwhen = \"answered(decision)\"\nmessage = '''{message}'''\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// The biggest example session, copied into `dir`.
fn session(dir: &Path) -> PathBuf {
    let path = dir.join("s.toml");
    std::fs::copy(example("fraud-flawed.toml"), &path).unwrap();
    path
}

fn assert_says(run: &Run, code: i32, needles: &[&str]) {
    assert_eq!(
        run.code,
        Some(code),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    let all = format!("{}{}", run.stdout, run.stderr);
    for needle in needles {
        assert!(all.contains(needle), "no {needle:?} in:\n{all}");
    }
}

const NESTED_LOOPS: &str =
    "{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}";

#[test]
fn a_rule_message_with_nested_loops_is_refused_when_the_pack_loads() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path());
    let rules = rule_pack(dir.path(), "loops-forever", NESTED_LOOPS);
    let run = kickoff(
        dir.path(),
        &[
            "check",
            s.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
        ],
    );
    assert_says(
        &run,
        2,
        &[
            "extra.rules.toml",
            "rule `loops-forever`",
            "`message`",
            "work limit",
        ],
    );
}

#[test]
fn a_rule_message_that_writes_too_much_is_refused_when_the_pack_loads() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path());
    let message = "{% for i in range(5000) %}{{ '0123456789' * 10 }}{% endfor %}";
    let rules = rule_pack(dir.path(), "too-long", message);
    let run = kickoff(
        dir.path(),
        &[
            "check",
            s.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
        ],
    );
    assert_says(&run, 2, &["extra.rules.toml", "rule `too-long`", "KiB"]);
}

#[test]
fn a_rule_message_that_explodes_only_on_real_answers_is_reported_for_that_rule() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path());
    // Empty when nothing is answered; a few hundred characters cubed on the example.
    let message = "{% for a in decision %}{% for b in decision %}{% for c in decision %}x{% endfor %}{% endfor %}{% endfor %}";
    let rules = rule_pack(dir.path(), "cubic", message);
    let run = kickoff(
        dir.path(),
        &[
            "check",
            s.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
        ],
    );
    // The check itself finishes with its findings; the rule's message says what went wrong.
    assert_says(
        &run,
        1,
        &[
            "cubic",
            "extra.rules.toml",
            "could not be rendered",
            "work limit",
        ],
    );
}

#[test]
fn a_doc_template_with_nested_loops_stops_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path());
    let t = dir.path().join("loops.md.j2");
    std::fs::write(&t, format!("# Doc\n\n{NESTED_LOOPS}\n")).unwrap();
    let run = kickoff(
        dir.path(),
        &[
            "render",
            s.to_str().unwrap(),
            "--template",
            t.to_str().unwrap(),
        ],
    );
    assert_says(&run, 2, &["loops.md.j2:3", "work limit"]);
}

#[test]
fn a_doc_template_that_writes_too_much_stops_with_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path());
    let t = dir.path().join("big.md.j2");
    std::fs::write(
        &t,
        "# Doc\n{% for i in range(100000) %}{{ 'x' * 1000 }}\n{% endfor %}\n",
    )
    .unwrap();
    let out = dir.path().join("doc.md");
    let run = kickoff(
        dir.path(),
        &[
            "render",
            s.to_str().unwrap(),
            "--template",
            t.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_says(&run, 2, &["big.md.j2", "MiB"]);
    assert!(!out.exists(), "no partial doc is written");
}

#[test]
fn the_built_in_template_still_renders_the_biggest_example() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path());
    let run = kickoff(dir.path(), &["render", s.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("DeepGuard"));
}

#[test]
fn a_rule_message_naming_an_unknown_answer_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path());
    let rules = rule_pack(
        dir.path(),
        "typo",
        "The positive rate {{ positve_rate }} is low; see {{ decision }}.",
    );
    let run = kickoff(
        dir.path(),
        &[
            "check",
            s.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
        ],
    );
    assert_says(
        &run,
        2,
        &[
            "extra.rules.toml:4",
            "rule `typo`",
            "`message`",
            "`positve_rate`",
        ],
    );
    assert!(!run.stderr.contains("`decision`"), "{}", run.stderr);
}

#[test]
fn a_rule_message_may_use_loop_variables_and_built_in_functions() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path());
    let rules = rule_pack(
        dir.path(),
        "fine",
        "{% for src in data_sources %}{{ loop.index }}. {{ src | upper }} {% endfor %}{{ range(2) | length }}",
    );
    let run = kickoff(
        dir.path(),
        &[
            "check",
            s.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
        ],
    );
    assert_ne!(run.code, Some(2), "{}", run.stderr);
}
