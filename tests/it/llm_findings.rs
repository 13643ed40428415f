//! The LLM reviewer's findings outside the interview, on the real binary: `check` reports them
//! beside the rules' (`"source": "llm"`, the model and time of the critique, stale, folded), the
//! current ones count in the one verdict (check, the doc, the brief, report, diff) unless the
//! LLM review is made advisory, and `kickoff respond` answers them like a rule's finding.

use crate::common;

use std::path::{Path, PathBuf};

use common::{Run, kickoff, reviewed_session};
use serde_json::Value;

/// The reviewed churn session, written into `dir`.
fn write_reviewed(dir: &Path) -> PathBuf {
    let path = dir.join("s.toml");
    std::fs::write(&path, reviewed_session().to_toml(None)).unwrap();
    path
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn llm_findings(report: &Value) -> Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["source"] == "llm")
        .cloned()
        .collect()
}

#[test]
fn check_json_tells_the_rules_findings_from_the_llm_reviewers() {
    let dir = tempfile::tempdir().unwrap();
    write_reviewed(dir.path());
    let run = kickoff(dir.path(), &["check", "s.toml", "--format", "json"]);
    let report = json(&run);
    let findings = report["findings"].as_array().unwrap();
    // The rules' finding first, marked as such, its shape as before.
    assert_eq!(findings[0]["source"], "rules");
    assert_eq!(findings[0]["rule"], "no-variance");
    let llm = llm_findings(&report);
    assert_eq!(llm.len(), 4, "{report:#}");
    for f in &llm {
        assert_eq!(f["model"], "gpt-4o-mini");
        assert_eq!(f["provider"], "openai");
        assert_eq!(f["created"], "2026-11-20T10:15:02Z");
        assert!(f["rule"].as_str().unwrap().starts_with("llm:"), "{f}");
    }
    let by_question = |q: &str| llm.iter().find(|f| f["question"] == q).unwrap();
    assert_eq!(by_question("num_runs")["folded_into"], "no-variance");
    assert_eq!(by_question("positive_rate")["folded_into"], Value::Null);
    assert_eq!(by_question("positive_rate")["severity"], "blocker");
    assert_eq!(by_question("positive_rate")["section"], "metrics");
    assert_eq!(by_question("positive_rate")["stale"], false);
    assert_eq!(by_question("label_delay_days")["stale"], true);
    assert_eq!(by_question("general")["section"], "");
    assert_eq!(
        report["counts"]["llm"],
        serde_json::json!({"blocker": 1, "warning": 2, "info": 1, "stale": 1})
    );
    // `counts` are the rules' alone; the verdict counts the LLM reviewer's current blocker
    // beside them (its stale warning and the one folded into a rule's do not count).
    assert_eq!(report["counts"]["blocker"], 0);
    assert_eq!(report["fail_on_llm"], true);
    assert_eq!(report["verdict"]["blockers"], 1);
    assert_eq!(report["verdict"]["llm_blockers"], 1);
    assert_eq!(report["verdict"]["stale"], 1);
    assert_eq!(report["verdict"]["llm"]["model"], "gpt-4o-mini");
    assert_eq!(report["passed"], false);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
}

#[test]
fn llm_findings_fail_the_check_only_when_current() {
    let dir = tempfile::tempdir().unwrap();
    write_reviewed(dir.path());
    // The blocker on positive_rate fails the gate with --fail-on-llm.
    let run = kickoff(dir.path(), &["check", "s.toml", "--fail-on-llm"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let run = kickoff(
        dir.path(),
        &["check", "s.toml", "--fail-on-llm", "--format", "json"],
    );
    assert_eq!(json(&run)["passed"], false);
    // --fail-on never still only reports.
    let run = kickoff(
        dir.path(),
        &["check", "s.toml", "--fail-on-llm", "--fail-on", "never"],
    );
    assert_eq!(run.code, Some(0));
    // Without the blocker, warnings fail only at --fail-on warning, and the stale one and the
    // one folded into a rule's finding never do: only the rules' own warning is left.
    let mut session = reviewed_session();
    session.critiques[0]
        .findings
        .retain(|f| f.question != "positive_rate");
    std::fs::write(dir.path().join("s.toml"), session.to_toml(None)).unwrap();
    let run = kickoff(dir.path(), &["check", "s.toml", "--fail-on-llm"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    session.critiques[0]
        .findings
        .retain(|f| f.question == "label_delay_days" || f.question == "num_runs");
    std::fs::write(dir.path().join("s.toml"), session.to_toml(None)).unwrap();
    waive_no_variance(dir.path());
    let args = ["check", "s.toml", "--fail-on-llm", "--fail-on", "warning"];
    let run = kickoff(dir.path(), &[&args[..], &["--format", "json"]].concat());
    // The LLM's two warnings are stale or folded into the (waived) rules' one.
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(llm_findings(&json(&run)).len(), 2);
}

/// Writes the user's config file, where `kickoff` (run with XDG_CONFIG_HOME in `dir`) finds
/// it, with the LLM reviewer made advisory.
fn make_the_llm_advisory(dir: &Path) {
    let config = dir.join(".no-config/kickoff");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[review]\nllm = \"advisory\"\n").unwrap();
}

/// The rules' one warning on the churn example, waived by a won't-fix.
fn waive_no_variance(dir: &Path) {
    let reason = "one run is all we can pay for";
    let args = [
        "respond",
        "s.toml",
        "no-variance",
        "wont-fix",
        "--reason",
        reason,
    ];
    let run = kickoff(dir, &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn a_current_llm_warning_fails_at_fail_on_warning_unless_the_llm_is_advisory() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = reviewed_session();
    // The rules' warning is waived, so only the LLM's can fail the check.
    session.critiques[0]
        .findings
        .retain(|f| f.question == "label_delay_days");
    session.set("label_delay_days", Some(kickoff::Answer::Number(30.0)));
    std::fs::write(dir.path().join("s.toml"), session.to_toml(None)).unwrap();
    waive_no_variance(dir.path());
    let args = ["check", "s.toml", "--fail-on", "warning"];
    // The LLM reviewer's findings count by default, and with --fail-on-llm.
    let run = kickoff(dir.path(), &args);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let run = kickoff(dir.path(), &[&args[..], &["--fail-on-llm"]].concat());
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    // --ignore-llm, or the config file's `[review] llm = "advisory"`, keeps them advisory.
    let run = kickoff(dir.path(), &[&args[..], &["--ignore-llm"]].concat());
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.stdout.contains("1 advisory LLM finding"),
        "{}",
        run.stdout
    );
    make_the_llm_advisory(dir.path());
    let run = kickoff(dir.path(), &args);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let run = kickoff(dir.path(), &[&args[..], &["--fail-on-llm"]].concat());
    assert_eq!(
        run.code,
        Some(1),
        "--fail-on-llm wins over the config: {}",
        run.stdout
    );
}

#[test]
fn check_text_lists_the_llm_findings_in_a_block_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    write_reviewed(dir.path());
    let run = kickoff(dir.path(), &["check", "s.toml"]);
    let out = &run.stdout;
    let block = out
        .split("\nLLM reviewer (openai / gpt-4o-mini, 2026-11-20T10:15:02Z; counted in the verdict")
        .nth(1)
        .unwrap_or_else(|| panic!("{out}"));
    assert!(block.contains("blocker [llm:positive_rate:"), "{out}");
    assert!(block.contains("(agrees with [no-variance])"), "{out}");
    assert!(
        block.contains("(STALE: an answer it cites changed since)"),
        "{out}"
    );
    // The first line is the one verdict: the LLM reviewer's current blocker counts, its
    // stale finding does not, and it says who reviewed.
    assert!(
        out.starts_with("s.toml: 1 blocker, 1 warning, 1 note, 0 open questions, 1 of them the LLM reviewer's, 1 stale LLM finding not counted: FAILED\n"),
        "{out}"
    );
    assert!(
        out.contains("Reviewed by the offline rules and gpt-4o-mini (2026-11-20)."),
        "{out}"
    );
}

#[test]
fn respond_answers_an_llm_finding_by_its_id_and_the_check_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    write_reviewed(dir.path());
    let report = json(&kickoff(
        dir.path(),
        &["check", "s.toml", "--format", "json"],
    ));
    let id = llm_findings(&report)
        .iter()
        .find(|f| f["question"] == "positive_rate")
        .unwrap()["rule"]
        .as_str()
        .unwrap()
        .to_string();
    let run = kickoff(
        dir.path(),
        &[
            "respond",
            "s.toml",
            &id,
            "accepted-risk",
            "--reason",
            "counted as finance does",
            "--owner",
            "Priya",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = common::read(&dir.path().join("s.toml"));
    assert!(text.contains(&format!("[responses.\"{id}\"]")), "{text}");
    // Waived: --fail-on-llm passes now, and the report carries the response.
    let run = kickoff(
        dir.path(),
        &["check", "s.toml", "--fail-on-llm", "--format", "json"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let report = json(&run);
    let f = llm_findings(&report)
        .into_iter()
        .find(|f| f["rule"] == id.as_str())
        .unwrap();
    assert_eq!(f["response"]["status"], "accepted_risk");
    assert_eq!(f["response"]["waives"], true);
    assert!(
        report["problems"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    // An id that names no finding of the latest critique is refused, and nothing is written.
    let before = common::read(&dir.path().join("s.toml"));
    let run = kickoff(
        dir.path(),
        &["respond", "s.toml", "llm:positive_rate:000000", "fixed"],
    );
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("no finding `llm:positive_rate:000000` in the latest critique"),
        "{}",
        run.stderr
    );
    assert_eq!(common::read(&dir.path().join("s.toml")), before);
    // Cleared like any response.
    let run = kickoff(dir.path(), &["respond", "s.toml", &id, "clear"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!common::read(&dir.path().join("s.toml")).contains("[responses."));
}

#[test]
fn a_response_to_a_finding_no_critique_has_any_more_is_a_problem_kept_as_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_reviewed(dir.path());
    let mut text = common::read(&path);
    text.push_str("\n[responses.\"llm:task:abcdef\"]\nstatus = \"fixed\"\n");
    std::fs::write(&path, text).unwrap();
    let report = json(&kickoff(
        dir.path(),
        &["check", "s.toml", "--format", "json"],
    ));
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{report:#}");
    assert_eq!(problems[0]["subject"], "response to `llm:task:abcdef`");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("latest critique")
    );
}

/// A plan the rules pass and the LLM reviewer blocks: every place that reads the state of the
/// plan says "not ready" and names the LLM's blocker, and never "nothing to flag".
#[test]
fn the_llm_reviewers_blocker_makes_the_doc_the_brief_and_report_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    write_reviewed(dir.path());
    waive_no_variance(dir.path());
    let doc = kickoff(dir.path(), &["render", "s.toml"]);
    assert_eq!(doc.code, Some(0), "{}", doc.stderr);
    let verdict = doc.stdout.split("## kickoff's review").nth(1).unwrap();
    let verdict = verdict.split("## Contents").next().unwrap();
    assert!(verdict.contains("**Not ready.**"), "{verdict}");
    assert!(
        verdict.contains("the LLM reviewer (gpt-4o-mini, 2026-11-20) raises 1 blocker"),
        "{verdict}"
    );
    assert!(verdict.contains("[`llm:positive_rate:"), "{verdict}");
    assert!(verdict.contains(", LLM reviewer):"), "{verdict}");
    assert!(
        verdict.contains("rests on answers changed since"),
        "{verdict}"
    );
    assert!(!verdict.contains("nothing to flag"), "{verdict}");
    let brief = kickoff(dir.path(), &["render", "s.toml", "--template", "brief"]);
    assert!(
        brief.stdout.contains("**Verdict: Not ready** (1 blocker"),
        "{}",
        brief.stdout
    );
    assert!(
        brief.stdout.contains("; raised by the LLM reviewer)*"),
        "{}",
        brief.stdout
    );
    let report = kickoff(dir.path(), &["report", ".", "--format", "json"]);
    assert!(
        report.stdout.contains("\"blockers\": 1"),
        "{}",
        report.stdout
    );
    // Advisory: the rules alone decide, and the doc says the LLM's findings are not counted.
    make_the_llm_advisory(dir.path());
    let doc = kickoff(dir.path(), &["render", "s.toml"]);
    assert!(
        doc.stdout.contains("**Ready for review.**"),
        "{}",
        doc.stdout
    );
    assert!(
        doc.stdout.contains("are advisory here and not counted"),
        "{}",
        doc.stdout
    );
}

/// A plan no model has reviewed says so, instead of "nothing to flag".
#[test]
fn a_plan_never_reviewed_by_a_model_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = reviewed_session();
    session.critiques.clear();
    std::fs::write(dir.path().join("s.toml"), session.to_toml(None)).unwrap();
    let run = kickoff(dir.path(), &["check", "s.toml"]);
    assert!(
        run.stdout.contains("Reviewed by the offline rules only."),
        "{}",
        run.stdout
    );
    let doc = kickoff(dir.path(), &["render", "s.toml"]);
    assert!(
        doc.stdout.contains("No LLM review has been run"),
        "{}",
        doc.stdout
    );
}
