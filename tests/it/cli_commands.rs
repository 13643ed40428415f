//! The commands that need no terminal, end to end on the real binary: version, help,
//! completions, `questionnaire list|show|validate`, and `check` (exit codes and the JSON schema
//! documented in docs/check-json.md).

use crate::common;

use std::path::Path;
use std::process::Command;

use clap::CommandFactory;
use common::{Run, kickoff, root};
use serde_json::Value;

fn ok(run: &Run) -> &str {
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    &run.stdout
}

// ---- version, help, completions ----------------------------------------------------------

#[test]
fn version() {
    let run = kickoff(&root(), &["--version"]);
    assert_eq!(
        ok(&run).trim(),
        format!("kickoff {}", env!("CARGO_PKG_VERSION"))
    );
}

/// Every command path, e.g. `["questionnaire", "validate"]`, from the clap definition itself,
/// so a new subcommand is covered without editing this test.
fn command_paths(cmd: &clap::Command, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    for sub in cmd.get_subcommands() {
        let mut path = prefix.clone();
        path.push(sub.get_name().to_string());
        command_paths(sub, path, out);
    }
}

#[test]
fn help_on_every_command() {
    let mut paths = Vec::new();
    command_paths(&kickoff::cli::Cli::command(), Vec::new(), &mut paths);
    let names: Vec<String> = paths.iter().map(|p| p.join(" ")).collect();
    for expected in [
        "",
        "new",
        "resume",
        "render",
        "check",
        "questionnaire",
        "questionnaire list",
        "questionnaire show",
        "questionnaire validate",
        "completions",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "no `{expected}` in {names:?}"
        );
    }
    for path in &paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let run = kickoff(&root(), &args);
        let out = ok(&run);
        assert!(out.contains("Usage: kickoff"), "{args:?}:\n{out}");
        if let Some(last) = path.last() {
            assert!(out.contains(last.as_str()), "{args:?}:\n{out}");
        }
        let short = kickoff(&root(), &[&args[..args.len() - 1], &["-h"]].concat());
        assert!(ok(&short).contains("Usage:"), "{args:?} -h");
    }
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let run = kickoff(&root(), &["frobnicate"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("frobnicate"), "{}", run.stderr);
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let run = kickoff(&root(), &["completions", shell]);
        let out = ok(&run);
        assert!(out.len() > 200, "{shell}: {out}");
        assert!(out.contains("kickoff"), "{shell}");
        assert!(out.contains("render"), "{shell}: subcommands are completed");
    }
    let run = kickoff(&root(), &["completions", "cmd.exe"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}

#[test]
fn provider_names_in_help_completions_and_errors() {
    let help = ok(&kickoff(&root(), &["critique", "--help"])).to_string();
    for line in [
        "- openai:    OpenAI-compatible chat completions",
        "- anthropic: Anthropic Messages",
        "- ollama:    Ollama's native /api/chat",
    ] {
        assert!(help.contains(line), "{help}");
    }
    let bash = ok(&kickoff(&root(), &["completions", "bash"])).to_string();
    assert!(bash.contains("openai anthropic ollama"), "{bash}");
    let wrong = kickoff(&root(), &["critique", "--provider", "x", "s.toml"]);
    assert_eq!(wrong.code, Some(2));
    assert!(
        wrong.stderr.contains(
            "invalid value 'x' for '--provider <PROVIDER>'\n  [possible values: openai, anthropic, ollama]"
        ),
        "{}",
        wrong.stderr
    );
}

/// Every reference code the built-in questionnaire and rules cite is explained in
/// docs/references.md; a rule of thumb without a source says so (`principle: ...`).
#[test]
fn every_reference_code_is_in_the_legend() {
    let legend = std::fs::read_to_string(root().join("docs/references.md")).unwrap();
    for b in kickoff::BUILTINS {
        let bundle = kickoff::Bundle::builtin(b.id).unwrap().unwrap();
        let q = &bundle.questionnaire;
        let questions = (0..q.len()).map(|i| q.question(i).reference.as_str());
        let rules = bundle.critic.rules.iter().map(|r| r.def.reference.as_str());
        for reference in questions.chain(rules) {
            if reference.is_empty() || reference.starts_with("principle: ") {
                continue;
            }
            for part in reference.split(';') {
                let code = part.split_whitespace().next().unwrap_or_default();
                assert!(
                    legend.contains(&format!("| **{code}** |")),
                    "`{code}` (in `{reference}`) is not in docs/references.md"
                );
            }
        }
    }
}
// ---- questionnaire list | show | validate -----------------------------------------------------

#[test]
fn questionnaire_list() {
    let run = kickoff(&root(), &["questionnaire", "list"]);
    let out = ok(&run);
    let line = out
        .lines()
        .find(|l| l.starts_with("ml-experiment"))
        .unwrap_or_else(|| panic!("no ml-experiment in:\n{out}"));
    let q = common::builtin().questionnaire;
    assert!(line.contains(&format!("{} questions", q.len())), "{line}");
}

#[test]
fn questionnaire_show_prints_the_toml() {
    let run = kickoff(&root(), &["questionnaire", "show", "ml-experiment"]);
    let out = ok(&run);
    let value: toml::Value = toml::from_str(out).expect("show prints TOML");
    assert_eq!(value["id"].as_str(), Some("ml-experiment"));
    assert_eq!(
        out,
        common::read(&root().join("questionnaires/ml-experiment.toml"))
    );
    let q = kickoff::Questionnaire::from_str(out, Path::new("shown.toml")).expect("it loads");
    assert_eq!(q.len(), common::builtin().questionnaire.len());
}

#[test]
fn questionnaire_show_a_file() {
    let run = kickoff(
        &root(),
        &["questionnaire", "show", "tests/fixtures/mini.toml"],
    );
    assert_eq!(
        ok(&run),
        common::read(&root().join("tests/fixtures/mini.toml"))
    );
}

#[test]
fn questionnaire_validate_the_built_in_one() {
    let run = kickoff(
        &root(),
        &[
            "questionnaire",
            "validate",
            "questionnaires/ml-experiment.toml",
        ],
    );
    let out = ok(&run);
    assert!(out.contains("`ml-experiment`"), "{out}");
    assert!(out.contains("0 failed"), "{out}");
}

#[test]
fn questionnaire_validate_the_mini_fixture() {
    let run = kickoff(
        &root(),
        &["questionnaire", "validate", "tests/fixtures/mini.toml"],
    );
    let out = ok(&run);
    assert!(out.contains("`mini`") && out.contains("0 failed"), "{out}");
}

// ---- check -------------------------------------------------------------------------------

const BLOCKER: &str =
    "name = \"Churn\"\ntask = \"classification\"\npositive_rate = 0.02\nmetrics = [\"accuracy\"]\n";
const CLEAN: &str = "name = \"Churn\"\ntask = \"classification\"\npositive_rate = 0.02\nmetrics = [\"pr_auc\"]\nnotes = \"Thresholds from the cost of a missed churner.\"\n";

/// A team's pack for the mini questionnaire: one warning and one info rule.
const EXTRA_RULES: &str = r#"questionnaire = "mini"

[[rules]]
id = "team-owner-missing"
severity = "warning"
questions = ["name"]
when = "name is defined and not answered(tags)"
message = "Tag the project so the platform team can find it."
reference = "TEAM 1"

[[rules]]
id = "team-ab-test"
severity = "info"
questions = ["ab_test"]
when = "not ab_test"
message = "Say whether an A/B test is planned."
"#;

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let version = common::mini().questionnaire.version;
        for (name, answers) in [("blocker.toml", BLOCKER), ("clean.toml", CLEAN)] {
            let text = format!(
                "questionnaire = \"mini\"\nquestionnaire_version = \"{version}\"\n\
                 created = \"2025-01-01T00:00:00Z\"\nupdated = \"2025-01-01T00:00:00Z\"\n\n\
                 [answers]\n{answers}"
            );
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        std::fs::write(dir.path().join("extra.rules.toml"), EXTRA_RULES).unwrap();
        Fixture { dir }
    }

    fn check(&self, file: &str, extra: &[&str]) -> Run {
        let mini = root().join("tests/fixtures/mini.toml");
        let mut args = vec!["check", file, "-q", mini.to_str().unwrap()];
        args.extend_from_slice(extra);
        kickoff(self.dir.path(), &args)
    }

    fn json(&self, file: &str, extra: &[&str]) -> (Option<i32>, Value) {
        let run = self.check(file, &[&["--format", "json"], extra].concat());
        let v: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr));
        assert_schema(&v);
        (run.code, v)
    }
}

#[test]
fn check_exit_codes_follow_fail_on() {
    let f = Fixture::new();
    let cases: &[(&str, &[&str], i32)] = &[
        ("blocker.toml", &[], 1),
        ("blocker.toml", &["--fail-on", "blocker"], 1),
        ("blocker.toml", &["--fail-on", "warning"], 1),
        ("blocker.toml", &["--fail-on", "never"], 0),
        ("clean.toml", &[], 0),
        ("clean.toml", &["--fail-on", "blocker"], 0),
        ("clean.toml", &["--fail-on", "warning"], 0),
        ("clean.toml", &["--fail-on", "never"], 0),
        // The team pack adds a warning and an info finding to the clean session.
        ("clean.toml", &["--rules", "extra.rules.toml"], 0),
        (
            "clean.toml",
            &["--rules", "extra.rules.toml", "--fail-on", "warning"],
            1,
        ),
        (
            "clean.toml",
            &["--rules", "extra.rules.toml", "--fail-on", "never"],
            0,
        ),
        // Input and usage errors.
        ("missing.toml", &[], 2),
        ("clean.toml", &["--fail-on", "sometimes"], 2),
        ("clean.toml", &["--format", "yaml"], 2),
        ("clean.toml", &["--rules", "missing.rules.toml"], 2),
    ];
    for (file, extra, code) in cases {
        let run = f.check(file, extra);
        assert_eq!(
            run.code,
            Some(*code),
            "check {file} {extra:?}\nstdout: {}\nstderr: {}",
            run.stdout,
            run.stderr
        );
        if *code == 2 {
            assert!(!run.stderr.is_empty());
        }
    }
}

#[test]
fn check_text_report_groups_findings_by_severity() {
    let f = Fixture::new();
    let run = f.check("blocker.toml", &["--rules", "extra.rules.toml"]);
    assert_eq!(run.code, Some(1));
    let out = &run.stdout;
    assert!(
        out.starts_with("blocker.toml: 1 blocker, 1 warning, 1 note, 0 open questions: FAILED"),
        "{out}"
    );
    let at = |needle: &str| {
        out.find(needle)
            .unwrap_or_else(|| panic!("no {needle} in {out}"))
    };
    assert!(at("Blockers:") < at("[accuracy-on-imbalance] at `metrics`"));
    assert!(at("[accuracy-on-imbalance]") < at("Warnings:"));
    assert!(at("Warnings:") < at("[team-owner-missing] at `name`"));
    assert!(at("[team-owner-missing]") < at("Worth a thought:"));
    assert!(at("Worth a thought:") < at("[team-ab-test] at `ab_test`"));
    assert!(
        out.contains("positive rate of 0.02"),
        "the message quotes the answer: {out}"
    );
    assert!(out.contains("ref: DMLS 6"), "{out}");
}

#[test]
fn check_json_for_a_blocker() {
    let f = Fixture::new();
    let (code, v) = f.json("blocker.toml", &[]);
    assert_eq!(code, Some(1));
    assert_eq!(v["schema"], "kickoff.check/1");
    assert_eq!(v["file"], "blocker.toml");
    assert_eq!(v["questionnaire"]["id"], "mini");
    assert_eq!(
        v["questionnaire"]["version"],
        common::mini().questionnaire.version.as_str()
    );
    assert_eq!(v["passed"], false);
    assert_eq!(v["fail_on"], "blocker");
    assert_eq!(
        v["counts"],
        serde_json::json!({"blocker": 1, "warning": 0, "info": 0, "open_questions": 0, "waived": 0,
            "llm": {"blocker": 0, "warning": 0, "info": 0, "stale": 0}})
    );
    assert_eq!(
        v["findings"],
        serde_json::json!([{
            "source": "rules",
            "rule": "accuracy-on-imbalance",
            "severity": "blocker",
            "question": "metrics",
            "questions": ["metrics", "positive_rate"],
            "section": "more",
            "message": "Accuracy at a positive rate of 0.02 rewards saying no to everyone.",
            "reference": "DMLS 6",
            "response": null,
        }])
    );
    assert_eq!(
        v["readiness"],
        Value::Null,
        "the mini fixture has no scorecard"
    );
    assert_eq!(v["problems"], serde_json::json!([]));

    let (code, v) = f.json("blocker.toml", &["--fail-on", "never"]);
    assert_eq!(
        (code, &v["passed"], &v["fail_on"]),
        (Some(0), &Value::Bool(true), &"never".into())
    );
}

#[test]
fn check_json_for_a_clean_session_with_a_team_pack() {
    let f = Fixture::new();
    let (code, v) = f.json("clean.toml", &[]);
    assert_eq!(code, Some(0));
    assert_eq!(v["passed"], true);
    assert_eq!(v["findings"], serde_json::json!([]));

    let (code, v) = f.json(
        "clean.toml",
        &["--rules", "extra.rules.toml", "--fail-on", "warning"],
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        (&v["passed"], &v["fail_on"]),
        (&Value::Bool(false), &"warning".into())
    );
    assert_eq!(
        v["counts"],
        serde_json::json!({"blocker": 0, "warning": 1, "info": 1, "open_questions": 0, "waived": 0,
            "llm": {"blocker": 0, "warning": 0, "info": 0, "stale": 0}})
    );
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["team-owner-missing", "team-ab-test"],
        "sorted by severity"
    );
    assert_eq!(
        v["findings"][1]["reference"], "",
        "no reference is an empty string"
    );
}

#[test]
fn check_json_reports_problems_and_still_checks() {
    let f = Fixture::new();
    let path = f.dir.path().join("odd.toml");
    let text = common::read(&f.dir.path().join("blocker.toml")) + "ghost = \"boo\"\n";
    std::fs::write(&path, text).unwrap();
    let run = f.check("odd.toml", &[]);
    assert_eq!(
        run.code,
        Some(2),
        "answers that do not fit are an input error"
    );
    assert!(
        run.stderr.contains("ghost") && run.stderr.contains("--lenient"),
        "{}",
        run.stderr
    );
    let (code, v) = f.json("odd.toml", &["--lenient"]);
    assert_eq!(code, Some(1), "the blocker still counts");
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["subject"], "answer `ghost`");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("no such question")
    );
}

#[test]
fn check_json_readiness_on_the_built_in_questionnaire() {
    let dir = tempfile::tempdir().unwrap();
    let q = common::builtin().questionnaire;
    let text = format!(
        "questionnaire = \"{}\"\nquestionnaire_version = \"{}\"\n\
         created = \"2025-01-01T00:00:00Z\"\nupdated = \"2025-01-01T00:00:00Z\"\n\n\
         [answers]\nproject_name = \"Churn\"\ndata_schema = \"automated\"\n",
        q.id, q.version
    );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let run = kickoff(
        dir.path(),
        &["check", "s.toml", "--format", "json", "--fail-on", "never"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_schema(&v);
    let r = &v["readiness"];
    assert!(r.is_object(), "the built-in questionnaire has a scorecard");
    let names: Vec<&str> = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Data", "Model", "Infra", "Monitor"]);
    let mut min = f64::INFINITY;
    let mut total_tests = 0;
    for s in r["sections"].as_array().unwrap() {
        let tests = s["tests"].as_array().unwrap();
        total_tests += tests.len();
        let sum: f64 = tests.iter().map(|t| t["score"].as_f64().unwrap()).sum();
        assert_eq!(s["score"].as_f64().unwrap(), sum, "{s}");
        min = min.min(sum);
        for t in tests {
            assert!(
                [0.0, 0.5, 1.0].contains(&t["score"].as_f64().unwrap()),
                "{t}"
            );
            assert!(
                t["id"]
                    .as_str()
                    .unwrap()
                    .starts_with(s["name"].as_str().unwrap()),
                "{t}"
            );
        }
    }
    assert_eq!(total_tests, 28, "the ML Test Score has 28 tests");
    assert_eq!(
        r["score"].as_f64().unwrap(),
        min,
        "the score is the weakest section"
    );
    let data1 = r["sections"][0]["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "Data 1")
        .expect("Data 1");
    assert_eq!(data1["score"], 1.0, "an automated schema check scores 1");
    assert_eq!(data1["question"], "data_schema");
}

#[test]
fn duplicate_rule_id_in_a_team_pack_is_an_input_error() {
    let f = Fixture::new();
    let dup = common::read(&root().join("tests/fixtures/mini.rules.toml"));
    std::fs::write(f.dir.path().join("dup.rules.toml"), dup).unwrap();
    let run = f.check("blocker.toml", &["--rules", "dup.rules.toml"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stdout.is_empty(),
        "no report on an input error: {}",
        run.stdout
    );
    for needle in [
        "dup.rules.toml",
        "accuracy-on-imbalance",
        "duplicate rule id",
    ] {
        assert!(run.stderr.contains(needle), "no {needle} in {}", run.stderr);
    }
    let two = f.check(
        "blocker.toml",
        &["--rules", "extra.rules.toml", "--rules", "extra.rules.toml"],
    );
    assert_eq!(two.code, Some(2), "the same pack twice: {}", two.stderr);
    assert!(two.stderr.contains("team-owner-missing"), "{}", two.stderr);
}

#[test]
fn a_team_pack_with_a_bad_rule_is_an_input_error() {
    let f = Fixture::new();
    let bad = EXTRA_RULES.replace("not ab_test", "not ab_tset");
    std::fs::write(f.dir.path().join("bad.rules.toml"), bad).unwrap();
    let run = f.check("clean.toml", &["--rules", "bad.rules.toml"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    for needle in ["bad.rules.toml", "rule `team-ab-test`", "`ab_tset`"] {
        assert!(run.stderr.contains(needle), "no {needle} in {}", run.stderr);
    }
}

// ---- the JSON schema, field by field -------------------------------------------------------

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

fn sorted(mut k: Vec<&str>) -> Vec<&str> {
    k.sort_unstable();
    k
}

fn is_str(v: &Value) -> bool {
    v.is_string()
}

fn str_array(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
}

/// The documented shape of `kickoff check --format json` (docs/check-json.md).
fn assert_schema(v: &Value) {
    assert_eq!(
        keys(v),
        sorted(vec![
            "schema",
            "file",
            "questionnaire",
            "passed",
            "depth",
            "fail_on",
            "fail_on_llm",
            "allow_open",
            "counts",
            "findings",
            "open_questions",
            "readiness",
            "problems",
            "verdict"
        ])
    );
    assert_eq!(v["schema"], "kickoff.check/1");
    // The one verdict: counts that agree with `passed`.
    let verdict = &v["verdict"];
    assert!(
        ["not_ready", "kickoff", "conditions", "ready"]
            .contains(&verdict["status"].as_str().unwrap()),
        "{verdict}"
    );
    for k in ["blockers", "warnings", "infos", "waived", "stale", "open"] {
        assert!(verdict[k].is_u64(), "verdict.{k}: {verdict}");
    }
    if v["fail_on"] == "blocker" && v["allow_open"] == false {
        let holds = verdict["blockers"].as_u64() > Some(0) || verdict["open"].as_u64() > Some(0);
        assert_eq!(v["passed"], !holds, "{verdict}");
    }
    assert!(is_str(&v["file"]));
    assert_eq!(keys(&v["questionnaire"]), ["id", "version"]);
    assert!(is_str(&v["questionnaire"]["id"]) && is_str(&v["questionnaire"]["version"]));
    assert!(v["passed"].is_boolean());
    assert!(["full", "quick"].contains(&v["depth"].as_str().unwrap()));
    assert!(["blocker", "warning", "never"].contains(&v["fail_on"].as_str().unwrap()));
    assert!(v["fail_on_llm"].is_boolean());
    assert_eq!(
        keys(&v["counts"]),
        [
            "blocker",
            "info",
            "llm",
            "open_questions",
            "waived",
            "warning"
        ]
    );
    for sev in ["blocker", "warning", "info", "open_questions", "waived"] {
        assert!(v["counts"][sev].is_u64(), "{sev}");
    }
    assert_eq!(
        keys(&v["counts"]["llm"]),
        ["blocker", "info", "stale", "warning"]
    );
    assert!(v["allow_open"].is_boolean());
    let open = v["open_questions"].as_array().expect("open_questions");
    assert_eq!(
        v["counts"]["open_questions"].as_u64(),
        Some(open.len() as u64)
    );
    for o in open {
        assert_eq!(keys(o), ["id", "prompt", "section"]);
        assert!(is_str(&o["id"]) && is_str(&o["prompt"]) && is_str(&o["section"]));
    }
    assert_findings_schema(v);
    assert_readiness_schema(&v["readiness"]);
    let passed = v["passed"].as_bool().unwrap();
    let open_fails = if v["allow_open"] == true {
        0
    } else {
        open.len() as u64
    };
    let failing_findings = |severities: &[&str]| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| severities.contains(&f["severity"].as_str().unwrap()))
            .filter(|f| f["response"]["waives"] != true)
            // An LLM finding counts only with fail_on_llm, and only when current and not
            // folded into a rules' finding.
            .filter(|f| {
                f["source"] == "rules"
                    || (v["fail_on_llm"] == true
                        && f["stale"] == false
                        && f["folded_into"].is_null())
            })
            .count() as u64
    };
    let failing = match v["fail_on"].as_str().unwrap() {
        "blocker" => failing_findings(&["blocker"]) + open_fails,
        "warning" => failing_findings(&["blocker", "warning"]) + open_fails,
        _ => 0,
    };
    assert_eq!(
        passed,
        failing == 0,
        "passed agrees with fail_on and counts"
    );
    for p in v["problems"].as_array().expect("problems") {
        // `line` where the problem has one in the file (not the session's version).
        match p.get("line") {
            Some(line) => {
                assert!(line.as_u64().is_some_and(|l| l > 0), "{p}");
                assert_eq!(keys(p), ["line", "message", "subject"]);
            }
            None => assert_eq!(keys(p), ["message", "subject"]),
        }
        assert!(is_str(&p["subject"]) && is_str(&p["message"]));
    }
}

/// `findings`: each finding's fields, the rules' sorted by severity and agreeing with
/// `counts`, then the LLM reviewer's, agreeing with `counts.llm`.
fn assert_findings_schema(v: &Value) {
    let all = v["findings"].as_array().expect("findings is an array");
    let rules_end = all
        .iter()
        .position(|f| f["source"] != "rules")
        .unwrap_or(all.len());
    let (findings, llm) = all.split_at(rules_end);
    for f in llm {
        assert_llm_finding_schema(f);
    }
    for sev in ["blocker", "warning", "info"] {
        let n = findings.iter().filter(|f| f["severity"] == sev).count() as u64;
        assert_eq!(v["counts"][sev].as_u64(), Some(n), "counts.{sev}");
        let n = llm.iter().filter(|f| f["severity"] == sev).count() as u64;
        assert_eq!(
            v["counts"]["llm"][sev].as_u64(),
            Some(n),
            "counts.llm.{sev}"
        );
    }
    let stale = llm.iter().filter(|f| f["stale"] == true).count() as u64;
    assert_eq!(v["counts"]["llm"]["stale"].as_u64(), Some(stale));
    let rank = |s: &Value| match s.as_str() {
        Some("blocker") => 0,
        Some("warning") => 1,
        Some("info") => 2,
        other => panic!("unknown severity {other:?}"),
    };
    for pair in findings.windows(2) {
        assert!(
            rank(&pair[0]["severity"]) <= rank(&pair[1]["severity"]),
            "sorted"
        );
    }
    for f in findings {
        assert_eq!(f["source"], "rules");
        assert_finding_fields(f, &[]);
    }
}

/// The fields every finding has, the rules' or the LLM's, and `extra` ones.
fn assert_finding_fields(f: &Value, extra: &[&str]) {
    let mut expected = vec![
        "source",
        "rule",
        "severity",
        "question",
        "questions",
        "section",
        "message",
        "reference",
        "response",
    ];
    expected.extend_from_slice(extra);
    assert_eq!(keys(f), sorted(expected));
    assert_response_schema(&f["response"]);
    for k in ["rule", "question", "section", "message", "reference"] {
        assert!(is_str(&f[k]), "{k}: {f}");
    }
    assert!(str_array(&f["questions"]));
    assert_eq!(
        f["questions"][0], f["question"],
        "question is the first of questions"
    );
}

/// An LLM finding: a rules' finding's fields, and where it came from.
fn assert_llm_finding_schema(f: &Value) {
    assert_eq!(
        f["source"], "llm",
        "the LLM's findings come after the rules': {f}"
    );
    let extra = [
        "evidence",
        "provider",
        "model",
        "created",
        "stale",
        "folded_into",
    ];
    assert_finding_fields(f, &extra);
    for k in &extra[..4] {
        assert!(is_str(&f[*k]), "{k}: {f}");
    }
    assert!(f["rule"].as_str().unwrap().starts_with("llm:"));
    assert!(["blocker", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
    assert!(f["stale"].is_boolean());
    assert!(f["folded_into"].is_null() || is_str(&f["folded_into"]));
}

/// A finding's `response`: null, or the team's answer.
fn assert_response_schema(r: &Value) {
    {
        if !r.is_null() {
            assert_eq!(
                keys(r),
                ["date", "owner", "reason", "stale", "status", "waives"]
            );
            assert!(
                ["accepted_risk", "wont_fix", "fixed"].contains(&r["status"].as_str().unwrap())
            );
            assert!(r["stale"].is_boolean() && r["waives"].is_boolean());
        }
    }
}

#[test]
fn check_json_with_the_llm_reviewers_findings_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        common::reviewed_session().to_toml(None),
    )
    .unwrap();
    for extra in [
        &[][..],
        &["--fail-on-llm"],
        &["--fail-on-llm", "--fail-on", "warning"],
    ] {
        let mut args = vec!["check", "s.toml", "--format", "json"];
        args.extend_from_slice(extra);
        let run = common::kickoff(dir.path(), &args);
        let v: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_schema(&v);
        assert_eq!(run.code, Some(if v["passed"] == true { 0 } else { 1 }));
        assert!(
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["source"] == "llm")
        );
    }
}

/// `readiness`: null, or the score, its band and each section's tests.
fn assert_readiness_schema(r: &Value) {
    if !r.is_null() {
        assert_eq!(keys(r), ["band", "score", "sections"]);
        assert!(r["score"].is_number() && is_str(&r["band"]));
        for s in r["sections"].as_array().expect("sections") {
            assert_eq!(keys(s), ["name", "score", "tests"]);
            assert!(is_str(&s["name"]) && s["score"].is_number());
            for t in s["tests"].as_array().expect("tests") {
                assert_eq!(keys(t), ["id", "question", "score", "title"]);
                assert!(is_str(&t["id"]) && is_str(&t["title"]) && t["score"].is_number());
                assert!(t["question"].is_null() || is_str(&t["question"]));
            }
        }
    }
}

#[test]
fn rule_packs_listed_in_the_config_file_join_check_and_render() {
    let f = Fixture::new();
    let config = f.dir.path().join("config.toml");
    // Relative to the config file, not to the working directory.
    std::fs::write(&config, "rules = [\"extra.rules.toml\"]\n").unwrap();
    let mini = root().join("tests/fixtures/mini.toml");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_kickoff"))
            .args(args)
            .current_dir(std::env::temp_dir())
            .env("KICKOFF_CONFIG", &config)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let clean = f.dir.path().join("clean.toml");
    let (code, out) = run(&[
        "check",
        clean.to_str().unwrap(),
        "-q",
        mini.to_str().unwrap(),
        "--fail-on",
        "warning",
    ]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("team-owner-missing"), "{out}");
    let (code, doc) = run(&[
        "render",
        clean.to_str().unwrap(),
        "-q",
        mini.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0));
    assert!(doc.contains("team-owner-missing"), "{doc}");
}

#[test]
fn check_refuses_a_wrongly_typed_answer_that_would_switch_a_rule_off() {
    let f = Fixture::new();
    let text = common::read(&f.dir.path().join("blocker.toml"))
        .replace("positive_rate = 0.02", "positive_rate = \"0.02\"");
    std::fs::write(f.dir.path().join("typed.toml"), text).unwrap();
    let run = f.check("typed.toml", &[]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stderr.contains("positive_rate") && run.stderr.contains("expected a number"),
        "{}",
        run.stderr
    );
}
