//! `kickoff check` as a gate, end to end on the real binary: open required questions fail it
//! unless allowed, placeholders count as open, responses to findings waive (or go stale), and
//! choices marked exclusive are reported when broken.

use crate::common;

use std::path::Path;

use common::{Run, kickoff, root};
use serde_json::Value;

const HEADER: &str = "created = \"2025-01-01T00:00:00Z\"\nupdated = \"2025-01-01T00:00:00Z\"\n";

/// Writes a session of the mini fixture questionnaire with these `[answers]` lines.
fn mini_session(dir: &Path, name: &str, answers: &str) {
    let version = common::mini().questionnaire.version;
    let text = format!(
        "questionnaire = \"mini\"\nquestionnaire_version = \"{version}\"\n{HEADER}\n[answers]\n{answers}"
    );
    std::fs::write(dir.join(name), text).unwrap();
}

/// Writes a session of the built-in questionnaire with these `[answers]` lines.
fn builtin_session(dir: &Path, name: &str, answers: &str) {
    let q = common::builtin().questionnaire;
    let text = format!(
        "questionnaire = \"{}\"\nquestionnaire_version = \"{}\"\n{HEADER}\n[answers]\n{answers}",
        q.id, q.version
    );
    std::fs::write(dir.join(name), text).unwrap();
}

fn mini_check(dir: &Path, file: &str, extra: &[&str]) -> Run {
    let mini = root().join("tests/fixtures/mini.toml");
    let mut args = vec!["check", file, "-q", mini.to_str().unwrap()];
    args.extend_from_slice(extra);
    kickoff(dir, &args)
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr))
}

#[test]
fn an_empty_session_fails_the_check_on_its_open_questions() {
    let dir = tempfile::tempdir().unwrap();
    mini_session(dir.path(), "empty.toml", "");
    for extra in [
        &[][..],
        &["--fail-on", "warning"],
        &["--fail-on", "blocker"],
    ] {
        let run = mini_check(dir.path(), "empty.toml", extra);
        assert_eq!(run.code, Some(1), "{extra:?}: {}", run.stdout);
        assert!(
            run.stdout.starts_with(
                "empty.toml: 0 blockers, 0 warnings, 0 notes, 2 open questions: FAILED"
            ),
            "{}",
            run.stdout
        );
        assert!(run.stdout.contains("open `name` (basics): Project name?"));
        assert!(run.stdout.contains("open `task` (basics): Task?"));
    }
    // A draft may pass with questions open; `--fail-on never` only reports.
    for (extra, status) in [
        (&["--allow-open"][..], "passed"),
        (&["--fail-on", "never"], "not gated (--fail-on never)"),
    ] {
        let run = mini_check(dir.path(), "empty.toml", extra);
        assert_eq!(run.code, Some(0), "{extra:?}: {}", run.stdout);
        assert!(
            run.stdout
                .contains(&format!("2 open questions: {status}\n")),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn open_questions_are_in_the_json_report() {
    let dir = tempfile::tempdir().unwrap();
    mini_session(dir.path(), "half.toml", "task = \"regression\"\n");
    let run = mini_check(dir.path(), "half.toml", &["--format", "json"]);
    assert_eq!(run.code, Some(1));
    let v = json(&run);
    assert_eq!(v["passed"], false);
    assert_eq!(v["allow_open"], false);
    assert_eq!(v["counts"]["open_questions"], 1);
    assert_eq!(
        v["open_questions"],
        serde_json::json!([{"id": "name", "prompt": "Project name?", "section": "basics"}])
    );
    let run = mini_check(
        dir.path(),
        "half.toml",
        &["--format", "json", "--allow-open"],
    );
    assert_eq!(run.code, Some(0));
    let v = json(&run);
    assert_eq!(
        (&v["passed"], &v["allow_open"]),
        (&true.into(), &true.into())
    );
    assert_eq!(v["counts"]["open_questions"], 1, "still reported");
}

#[test]
fn a_required_question_hidden_by_its_condition_is_not_open() {
    let dir = tempfile::tempdir().unwrap();
    // The built-in questionnaire: an empty session has many open questions, a full one none.
    builtin_session(dir.path(), "empty.toml", "");
    let v = json(&kickoff(
        dir.path(),
        &["check", "empty.toml", "--format", "json"],
    ));
    let open: Vec<&str> = v["open_questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert!(open.len() > 10, "{open:?}");
    assert!(open.contains(&"project_name"), "{open:?}");
    let q = common::builtin().questionnaire;
    for id in &open {
        let question = q.get(id).unwrap();
        assert!(question.required, "{id}");
        assert!(question.when.is_none(), "{id} is asked only on a condition");
    }
    // A required follow-up is open only while its condition holds.
    let qfile = dir.path().join("q.toml");
    std::fs::write(
        &qfile,
        "id = \"q\"\nversion = \"1\"\ntitle = \"Q\"\n[[sections]]\nid = \"s\"\ntitle = \"S\"\n\
         [[sections.questions]]\nid = \"gpu\"\nkind = \"yes_no\"\nprompt = \"GPUs?\"\n\
         [[sections.questions]]\nid = \"budget\"\nkind = \"text\"\nprompt = \"Budget?\"\n\
         required = true\nwhen = \"gpu\"\n",
    )
    .unwrap();
    for (gpu, code) in [("false", 0), ("true", 1)] {
        let text = format!(
            "questionnaire = \"q\"\nquestionnaire_version = \"1\"\n{HEADER}\n[answers]\ngpu = {gpu}\n"
        );
        std::fs::write(dir.path().join("g.toml"), text).unwrap();
        let run = kickoff(dir.path(), &["check", "g.toml", "-q", "q.toml"]);
        assert_eq!(run.code, Some(code), "gpu = {gpu}: {}", run.stdout);
    }
    let run = kickoff(
        &root(),
        &["check", "examples/churn-done-well.toml", "--format", "json"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(json(&run)["open_questions"], serde_json::json!([]));
}

#[test]
fn a_placeholder_answer_is_an_open_question_in_the_check_and_the_doc() {
    let dir = tempfile::tempdir().unwrap();
    mini_session(
        dir.path(),
        "tbd.toml",
        "name = \"TBD with legal\"\ntask = \"regression\"\n",
    );
    let run = mini_check(dir.path(), "tbd.toml", &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stdout.contains("open `name` (basics)"),
        "{}",
        run.stdout
    );
    mini_session(
        dir.path(),
        "real.toml",
        "name = \"Churn, later phases too\"\ntask = \"regression\"\n",
    );
    assert_eq!(mini_check(dir.path(), "real.toml", &[]).code, Some(0));
    // The doc shows the answer as written, and lists the question as open.
    let mini = root().join("tests/fixtures/mini.toml");
    let run = kickoff(
        dir.path(),
        &["render", "tbd.toml", "-q", mini.to_str().unwrap()],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let open = run
        .stdout
        .find("Open questions")
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        run.stdout[open..].contains("Project name?"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_team_extends_the_placeholders_in_its_config_or_rule_pack() {
    let dir = tempfile::tempdir().unwrap();
    mini_session(
        dir.path(),
        "s.toml",
        "name = \"parked until the autumn\"\ntask = \"regression\"\n",
    );
    assert_eq!(mini_check(dir.path(), "s.toml", &[]).code, Some(0));
    std::fs::write(
        dir.path().join("team.rules.toml"),
        "questionnaire = \"mini\"\nplaceholders = [\"parked\"]\n",
    )
    .unwrap();
    let run = mini_check(dir.path(), "s.toml", &["--rules", "team.rules.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stdout.contains("open `name`"));
    // The config file's list, with the user's own config.
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "placeholders = [\"parked\"]\n").unwrap();
    let mini = root().join("tests/fixtures/mini.toml");
    let check = || {
        std::process::Command::new(common::bin())
            .args(["check", "s.toml", "-q", mini.to_str().unwrap()])
            .current_dir(dir.path())
            .env("KICKOFF_CONFIG", &config)
            .output()
            .unwrap()
    };
    assert_eq!(check().status.code(), Some(1));
    // A phrase that can match nothing is an error naming the key.
    std::fs::write(&config, "placeholders = [\"--\"]\n").unwrap();
    let out = check();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config.toml") && err.contains("`placeholders`"),
        "{err}"
    );
}

#[test]
fn a_session_that_ticks_an_exclusive_choice_with_others_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    builtin_session(
        dir.path(),
        "s.toml",
        "baselines = [\"none\", \"constant\", \"linear_or_logistic\"]\n",
    );
    let run = kickoff(dir.path(), &["check", "s.toml"]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("answer `baselines`: `none` (None yet) goes alone"),
        "{}",
        run.stderr
    );
    let run = kickoff(
        dir.path(),
        &["check", "s.toml", "--lenient", "--format", "json"],
    );
    let v = json(&run);
    let problems = v["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["subject"] == "answer `baselines`"
            && p["message"].as_str().unwrap().contains("goes alone")),
        "{problems:?}"
    );
}

#[test]
fn exclusive_is_only_for_multiple_choice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("q.toml"),
        "id = \"q\"\nversion = \"1\"\ntitle = \"Q\"\n[[sections]]\nid = \"s\"\ntitle = \"S\"\n\
         [[sections.questions]]\nid = \"task\"\nkind = \"choice\"\nprompt = \"Task?\"\n\
         choices = [{ value = \"a\" }, { value = \"none\", exclusive = true }]\n",
    )
    .unwrap();
    let run = kickoff(dir.path(), &["questionnaire", "validate", "q.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("q.toml:")
            && run.stderr.contains("question `task`")
            && run
                .stderr
                .contains("choice `none`: `exclusive` is only for multi_choice questions"),
        "{}",
        run.stderr
    );
}

const BLOCKER: &str =
    "name = \"Churn\"\ntask = \"classification\"\npositive_rate = 0.02\nmetrics = [\"accuracy\"]\n";

fn respond(dir: &Path, args: &[&str]) -> Run {
    let mini = root().join("tests/fixtures/mini.toml");
    let mut all = vec!["respond", "s.toml"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-q", mini.to_str().unwrap()]);
    kickoff(dir, &all)
}

fn finding<'a>(v: &'a Value, rule: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {v}"))
}

#[test]
fn an_accepted_risk_stays_visible_but_no_longer_fails_the_check() {
    let dir = tempfile::tempdir().unwrap();
    mini_session(dir.path(), "s.toml", BLOCKER);
    assert_eq!(mini_check(dir.path(), "s.toml", &[]).code, Some(1));
    let run = respond(
        dir.path(),
        &[
            "accuracy-on-imbalance",
            "accepted-risk",
            "--reason",
            "Shadow mode only until the PR-AUC report lands",
            "--owner",
            "Priya",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("`accuracy-on-imbalance` marked accepted risk")
    );
    let saved = common::read(&dir.path().join("s.toml"));
    assert!(
        saved.contains("[responses.accuracy-on-imbalance]"),
        "{saved}"
    );
    assert!(saved.contains("status = \"accepted_risk\"") && saved.contains("owner = \"Priya\""));
    assert!(
        saved.contains("positive_rate = 0.02"),
        "the answers are kept: {saved}"
    );

    let run = mini_check(dir.path(), "s.toml", &["--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let v = json(&run);
    assert_eq!(v["counts"]["blocker"], 1, "still counted and listed");
    assert_eq!(v["counts"]["waived"], 1);
    let r = &finding(&v, "accuracy-on-imbalance")["response"];
    assert_eq!(r["status"], "accepted_risk");
    assert_eq!(r["owner"], "Priya");
    assert_eq!(
        r["reason"],
        "Shadow mode only until the PR-AUC report lands"
    );
    assert_eq!((&r["stale"], &r["waives"]), (&false.into(), &true.into()));
    assert!(r["date"].as_str().unwrap().starts_with("20"));
    let text = mini_check(dir.path(), "s.toml", &[]).stdout;
    assert!(text.contains("1 waived by a response: passed"), "{text}");
    assert!(
        text.contains("response: accepted risk, owner Priya"),
        "{text}"
    );

    // The answers the rule read change: the response is stale and the blocker fails again.
    let stale = common::read(&dir.path().join("s.toml")).replace("0.02", "0.03");
    std::fs::write(dir.path().join("s.toml"), stale).unwrap();
    let run = mini_check(dir.path(), "s.toml", &["--format", "json"]);
    assert_eq!(run.code, Some(1));
    let v = json(&run);
    let r = &finding(&v, "accuracy-on-imbalance")["response"];
    assert_eq!((&r["stale"], &r["waives"]), (&true.into(), &false.into()));
    let text = mini_check(dir.path(), "s.toml", &[]).stdout;
    assert!(text.contains("STALE"), "{text}");
    // An answer the rule does not read changes nothing.
    mini_session(dir.path(), "s.toml", BLOCKER);
    respond(
        dir.path(),
        &[
            "accuracy-on-imbalance",
            "wont-fix",
            "--reason",
            "Legacy metric kept for the board",
        ],
    );
    let edited = common::read(&dir.path().join("s.toml")).replace("Churn", "Churn v2");
    std::fs::write(dir.path().join("s.toml"), edited).unwrap();
    assert_eq!(mini_check(dir.path(), "s.toml", &[]).code, Some(0));
}

#[test]
fn fixed_does_not_waive_and_bad_responses_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    mini_session(dir.path(), "s.toml", BLOCKER);
    let before = common::read(&dir.path().join("s.toml"));
    for (args, needle) in [
        (
            &["accuracy-on-imbalance", "wont-fix"][..],
            "won't fix needs a reason",
        ),
        (
            &["accuracy-on-imbalance", "accepted-risk", "--reason", "why"],
            "needs a reason and an owner",
        ),
        (&["no-such-rule", "fixed"], "no rule `no-such-rule`"),
        (
            &["accuracy-on-imbalance", "clear"],
            "no response to `accuracy-on-imbalance`",
        ),
    ] {
        let run = respond(dir.path(), args);
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
        assert_eq!(
            common::read(&dir.path().join("s.toml")),
            before,
            "nothing written"
        );
    }
    // A rule that does not fire has no finding to answer.
    mini_session(
        dir.path(),
        "s.toml",
        "name = \"Churn\"\ntask = \"regression\"\n",
    );
    let run = respond(dir.path(), &["accuracy-on-imbalance", "fixed"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("does not fire"), "{}", run.stderr);

    mini_session(dir.path(), "s.toml", BLOCKER);
    assert_eq!(
        respond(dir.path(), &["accuracy-on-imbalance", "fixed"]).code,
        Some(0)
    );
    let run = mini_check(dir.path(), "s.toml", &["--format", "json"]);
    assert_eq!(
        run.code,
        Some(1),
        "fixed shows in the answers, or it is not fixed"
    );
    assert_eq!(
        finding(&json(&run), "accuracy-on-imbalance")["response"]["status"],
        "fixed"
    );
    assert_eq!(
        respond(dir.path(), &["accuracy-on-imbalance", "clear"]).code,
        Some(0)
    );
    assert!(!common::read(&dir.path().join("s.toml")).contains("[responses"));
}

#[test]
fn responses_the_check_cannot_use_are_listed_as_problems() {
    let dir = tempfile::tempdir().unwrap();
    let answers = format!(
        "{BLOCKER}\n[responses.gone-rule]\nstatus = \"fixed\"\n\n\
         [responses.accuracy-on-imbalance]\nstatus = \"accepted_risk\"\nreason = \"r\"\n"
    );
    mini_session(dir.path(), "s.toml", &answers);
    let run = mini_check(dir.path(), "s.toml", &["--format", "json"]);
    assert_eq!(
        run.code,
        Some(1),
        "an accepted risk without an owner waives nothing"
    );
    let v = json(&run);
    let problems: Vec<String> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "line {}: {}: {}",
                p["line"],
                p["subject"].as_str().unwrap(),
                p["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        problems,
        [
            // In the file's order, each at its `[responses.RULE]` table.
            "line 12: response to `gone-rule`: no such rule in the loaded rule packs (kept as is)",
            "line 15: response to `accuracy-on-imbalance`: an accepted risk needs a reason and an owner",
        ]
    );
    // The CI formats point at the same lines.
    let run = mini_check(dir.path(), "s.toml", &["--format", "github"]);
    for (line, rule) in [(12, "gone-rule"), (15, "accuracy-on-imbalance")] {
        assert!(
            run.stdout.lines().any(|l| l
                .starts_with(&format!("::warning file=s.toml,line={line},"))
                && l.contains(&format!("response to `{rule}`"))),
            "no annotation at line {line}:\n{}",
            run.stdout
        );
    }
    let run = mini_check(dir.path(), "s.toml", &["--format", "junit"]);
    assert!(
        run.stdout
            .contains("s.toml:12: response to `gone-rule`: no such rule in the loaded rule packs"),
        "{}",
        run.stdout
    );
    // A bad status is an input error naming the file and line.
    mini_session(
        dir.path(),
        "bad.toml",
        &format!("{BLOCKER}\n[responses.accuracy-on-imbalance]\nstatus = \"accepted\"\n"),
    );
    let run = mini_check(dir.path(), "bad.toml", &[]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("bad.toml:"), "{}", run.stderr);
}

#[test]
fn the_doc_template_sees_each_findings_response() {
    let dir = tempfile::tempdir().unwrap();
    mini_session(dir.path(), "s.toml", BLOCKER);
    respond(
        dir.path(),
        &[
            "accuracy-on-imbalance",
            "accepted-risk",
            "--reason",
            "shadow only",
            "--owner",
            "Ana",
        ],
    );
    std::fs::write(
        dir.path().join("t.j2"),
        "{% for f in findings %}{{ f.rule }}: {{ f.response.status }} by {{ f.response.owner }} \
         ({{ f.response.reason }}), stale={{ f.response.stale }}, dated={{ f.response.date != '' }}\
         {% endfor %}",
    )
    .unwrap();
    let mini = root().join("tests/fixtures/mini.toml");
    let render = |dir: &Path| {
        kickoff(
            dir,
            &[
                "render",
                "s.toml",
                "-q",
                mini.to_str().unwrap(),
                "--template",
                "t.j2",
            ],
        )
    };
    let run = render(dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout.trim(),
        "accuracy-on-imbalance: accepted_risk by Ana (shadow only), stale=False, dated=True"
    );
    let stale = common::read(&dir.path().join("s.toml")).replace("0.02", "0.01");
    std::fs::write(dir.path().join("s.toml"), stale).unwrap();
    assert!(render(dir.path()).stdout.contains("stale=True"));
}
