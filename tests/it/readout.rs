//! The readout checked against the frozen plan, with numbers worked out here by hand: the
//! sample ratio mismatch of 50,000 against 47,000, a test stopped at 7 of 14 days, looks without
//! a sequential method, guardrails, kill criteria, the metric analysed, several comparisons;
//! bad input named by its field; the readout doc with its decision, table and chart.

use crate::common::{self, kickoff, kickoff_input};
use kickoff::Load as _;
use kickoff::critic::Severity;
use kickoff::readout::{self, Arm, Decision, Outcome, Readout};
use kickoff::{Answer, Session};

const EXAMPLE: &str = "churn-offers-frozen.toml";

fn plan() -> Session {
    Session::load(&common::example(EXAMPLE)).unwrap()
}

fn rate_arm(name: &str, units: i64, successes: i64) -> Arm {
    Arm {
        name: name.into(),
        units,
        successes: Some(successes),
        trials: Some(units),
        ..Arm::default()
    }
}

/// The example's readout, to be changed one thing at a time.
fn results() -> Readout {
    readout::load(&plan()).unwrap().unwrap()
}

fn checks(r: &Readout) -> Vec<&'static str> {
    readout::check(&plan(), r)
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Blocker)
        .map(|f| f.check)
        .collect()
}

#[test]
fn the_example_ships_with_its_numbers_worked_by_hand() {
    let report = readout::check(&plan(), &results());
    // 2,941 / 48,210 against 2,613 / 48,395: lift = 0.053993 / 0.061004 − 1 = −11.49%; lower
    // churn is better, so the improvement is +11.49%, above the 10% worth shipping.
    let (pc, pt) = (2941.0 / 48210.0, 2613.0 / 48395.0);
    let [p, lo, hi] = report.improvement.unwrap();
    assert!((p - 100.0 * (1.0 - pt / pc)).abs() < 1e-9, "{p}");
    assert!(lo > 0.0 && lo < 10.0 && hi > 10.0, "{lo} {hi}");
    assert_eq!(report.outcome, Some(Outcome::WorthShipping));
    assert_eq!(report.decision, Decision::Ship, "{}", report.reason);
    // χ² of 48,210 against 48,395 (expected 48,302.5 each) = 2 · 92.5² / 48,302.5 ≈ 0.354.
    let srm = report.srm.unwrap();
    assert!((srm.chi_square - 2.0 * 92.5_f64.powi(2) / 48_302.5).abs() < 1e-9);
    assert_eq!(report.blockers, 0, "{:?}", report.findings);
}

#[test]
fn fifty_thousand_against_forty_seven_thousand_is_a_sample_ratio_mismatch() {
    let mut r = results();
    r.arms = vec![
        rate_arm("control", 50_000, 3_050),
        rate_arm("treatment", 47_000, 2_540),
    ];
    let report = readout::check(&plan(), &r);
    let srm = report.srm.unwrap();
    // Expected 48,500 each: (1500² / 48,500) · 2 = 92.78; p ≈ 5.8e-22.
    assert!((srm.chi_square - 1500.0_f64.powi(2) / 48_500.0 * 2.0).abs() < 1e-9);
    assert!(srm.p_value < 1e-20, "{}", srm.p_value);
    assert!(checks(&r).contains(&"srm"));
    assert_eq!(report.decision, Decision::Stop);
    assert!(
        report.reason.contains("sample ratio mismatch"),
        "{}",
        report.reason
    );
}

#[test]
fn an_unequal_planned_split_is_read_as_planned() {
    let mut r = results();
    // 90/10 planned, 90,000 against 10,000 observed: no mismatch at all.
    r.arms = vec![
        rate_arm("control", 90_000, 5_400),
        rate_arm("treatment", 10_000, 540),
    ];
    r.split = vec![90.0, 10.0];
    let srm = readout::check(&plan(), &r).srm.unwrap();
    assert!(srm.chi_square.abs() < 1e-12);
    assert!(!checks(&r).contains(&"srm"));
}

#[test]
fn a_test_stopped_at_7_of_14_planned_days_is_stopped_early_never_significant() {
    let mut session = plan();
    session
        .answers
        .insert("ab_duration_days".into(), Answer::Number(14.0));
    let mut r = results();
    r.started = "2027-01-18".into();
    r.ended = "2027-01-24".into(); // 7 days, both ends included
    let report = readout::check(&session, &r);
    assert_eq!(report.days, Some(7));
    assert!(report.stopped_early);
    assert!(
        !report.significant,
        "a stopped test is never called significant"
    );
    assert!(report.findings.iter().any(|f| f.check == "stopped-early"
        && f.severity == Severity::Blocker
        && f.message.contains("7 of the 14 planned days")));
    assert_eq!(report.decision, Decision::Extend);
    assert_eq!(report.outcome, Some(Outcome::Inconclusive));
}

#[test]
fn a_look_before_the_end_is_stopping_early_unless_the_plan_named_a_sequential_method() {
    let mut r = results();
    r.looked_early = true;
    r.looked_on = "2027-02-01".into();
    assert!(checks(&r).contains(&"stopped-early"));
    let mut session = plan();
    session.answers.insert(
        "min_improvement".into(),
        Answer::Text("+10% relative; looks weekly under a group sequential design (O'Brien-Fleming alpha spending)".into()),
    );
    let report = readout::check(&session, &r);
    assert!(!report.stopped_early, "{:?}", report.findings);
}

#[test]
fn short_of_the_planned_units_is_marked_and_not_significant() {
    let mut r = results();
    r.arms = vec![
        rate_arm("control", 30_000, 1_830),
        rate_arm("treatment", 30_010, 1_500),
    ];
    let report = readout::check(&plan(), &r);
    assert!(report.short_of_units);
    assert!(!report.significant);
    assert!(report.findings.iter().any(|f| f.check == "short-of-units"));
    assert_eq!(report.decision, Decision::Extend);
}

#[test]
fn a_guardrail_past_its_limit_blocks_shipping() {
    let mut r = results();
    r.guardrails[0].observed = 47.0; // "must stay under $45"
    let report = readout::check(&plan(), &r);
    assert!(checks(&r).contains(&"guardrail"));
    assert_eq!(report.decision, Decision::Stop);
    assert!(report.reason.contains("Offer cost per retained subscriber"));
}

#[test]
fn a_kill_criterion_met_stops() {
    let mut r = results();
    r.holdout[0].observed = 0.41; // below the frozen 45%
    let report = readout::check(&plan(), &r);
    assert!(checks(&r).contains(&"kill-criterion"));
    assert_eq!(report.decision, Decision::Stop);
    // A threshold the plan never wrote is named.
    r.holdout[0].kill_below = Some(0.38);
    let report = readout::check(&plan(), &r);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.message.contains("not in the plan's kill criteria"))
    );
}

#[test]
fn a_primary_metric_other_than_the_frozen_one_is_a_blocker() {
    let mut r = results();
    r.metric = "Offers accepted per week".into();
    assert!(checks(&r).contains(&"metric-switched"));
    assert_ne!(readout::check(&plan(), &r).decision, Decision::Ship);
}

#[test]
fn several_primary_comparisons_without_a_named_correction_are_flagged() {
    let mut r = results();
    r.arms.push(rate_arm("bigger offers", 48_300, 2_600));
    let report = readout::check(&plan(), &r);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.check == "multiple-comparisons")
    );
    let mut session = plan();
    session.answers.insert(
        "min_improvement".into(),
        Answer::Text("10%, Holm-corrected across the two treatment arms".into()),
    );
    let report = readout::check(&session, &r);
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.check == "multiple-comparisons")
    );
}

#[test]
fn the_effect_against_the_mde_in_each_of_its_five_cases() {
    use readout::outcome;
    assert_eq!(outcome(12.0, 4.0, 20.0, 10.0), Outcome::WorthShipping);
    assert_eq!(outcome(3.0, 1.0, 5.0, 10.0), Outcome::TooSmall);
    assert_eq!(outcome(6.0, -2.0, 14.0, 10.0), Outcome::Inconclusive);
    assert_eq!(outcome(1.0, -2.0, 4.0, 10.0), Outcome::NoEffect);
    assert_eq!(outcome(-6.0, -9.0, -3.0, 10.0), Outcome::Harm);
}

#[test]
fn a_mean_is_read_with_welch() {
    let mut r = results();
    // Order value 50 ± 20 (n 10,000) against 50.9 ± 22 (n 10,000): se = √(0.04 + 0.0484),
    // difference 0.9, t = 3.03; relative lift 1.8%.
    r.arms = vec![
        Arm {
            name: "control".into(),
            units: 48_100,
            mean: Some(50.0),
            sd: Some(20.0),
            n: Some(10_000),
            ..Arm::default()
        },
        Arm {
            name: "treatment".into(),
            units: 48_200,
            mean: Some(50.9),
            sd: Some(22.0),
            n: Some(10_000),
            ..Arm::default()
        },
    ];
    r.metric = "Monthly voluntary churn rate of active subscribers".into();
    let report = readout::check(&plan(), &r);
    let e = report.effect.unwrap();
    let se = (0.04_f64 + 0.0484).sqrt();
    assert!(
        (e.diff_low - (0.9 - 1.96 * se)).abs() < 2e-3,
        "{}",
        e.diff_low
    );
    assert!((e.lift_pct - 1.8).abs() < 1e-9);
    assert_eq!(report.metric_kind, "mean");
}

#[test]
fn bad_numbers_are_named_by_their_field() {
    let mut r = results();
    r.arms[1].successes = Some(60_000);
    let e = r.validate().unwrap_err();
    assert_eq!(e.field, "arms[1].successes");
    assert!(e.to_string().contains("more than the 48395 trials"), "{e}");
    let mut r = results();
    r.arms[0].units = -5;
    assert_eq!(r.validate().unwrap_err().field, "arms[0].units");
    let mut r = results();
    r.ended = "2027-01-01".into();
    assert_eq!(r.validate().unwrap_err().field, "ended");
    // Nothing invalid reaches the session.
    let mut session = plan();
    let before = session.extra.get("readout").cloned();
    let mut bad = results();
    bad.arms[1].successes = Some(60_000);
    assert!(readout::store(&mut session, bad, "now").is_err());
    assert_eq!(session.extra.get("readout").cloned(), before);
}

#[test]
fn a_readout_on_a_plan_never_frozen_warns_that_nothing_was_pre_registered() {
    let mut session = plan();
    session.extra.remove("freeze");
    session.extra.remove("deviations");
    let report = readout::check(&session, &results());
    assert!(!report.frozen);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.check == "not-frozen" && f.message.contains("nothing was pre-registered"))
    );
}

#[test]
fn check_fails_on_a_readout_blocker_and_the_plain_readout_names_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(common::example(EXAMPLE), d.join("p.toml")).unwrap();
    let run = kickoff(d, &["check", "p.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let run = kickoff(d, &["readout", "p.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.starts_with("Decision: Ship"), "{}", run.stdout);

    // 50,000 against 47,000, with a typo and successes above trials on the way: each refused
    // by name and asked again.
    let input = "\n2027-01-18\n2027-03-14\nrate\n2\n\n50,000\n\n3050\ntreatment\n-47000\n47000\n\n52000\n2540\nno\n41\n3.4\n0.1\n\n\n";
    let run = kickoff_input(d, &["readout", "p.toml", "--plain"], Some(input));
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("readout `arms[1].units`: -47000: a count cannot be negative"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("readout `arms[1].successes`: 52000 successes is more than the 47000 trials"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("[srm]"), "{}", run.stdout);
    let run = kickoff(d, &["check", "p.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stdout.contains("[readout:srm]"), "{}", run.stdout);

    // Input that ends early writes nothing.
    let before = std::fs::read_to_string(d.join("p.toml")).unwrap();
    let run = kickoff_input(d, &["readout", "p.toml", "--plain"], Some("\n2027-01-18\n"));
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(d.join("p.toml")).unwrap(), before);
}

#[test]
fn the_readout_doc_puts_the_decision_first_with_its_table_and_chart() {
    let dir = tempfile::tempdir().unwrap();
    let run = kickoff(
        dir.path(),
        &[
            "render",
            &common::example(EXAMPLE).display().to_string(),
            "--template",
            "readout",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc = run.stdout;
    let decision = doc.find("## Decision: Ship").expect("the decision");
    assert!(decision < doc.find("## Promises against what was observed").unwrap());
    assert!(
        doc.contains(
            "| Guardrail: Offer cost per retained subscriber | must stay under $45 | 41 | yes |"
        ),
        "{doc}"
    );
    assert!(
        doc.contains("Kill date (`kill_date`)") && doc.contains("Recorded by Marta Silva"),
        "{doc}"
    );
    assert!(doc.contains("```mermaid\nxychart-beta"), "{doc}");
    assert!(doc.contains("line [10.0, 10.0, 10.0]"), "{doc}");
    assert!(doc.contains("What these numbers assume"));
}

#[test]
fn the_readout_brief_gives_the_decision_on_one_page() {
    let dir = tempfile::tempdir().unwrap();
    let example = common::example(EXAMPLE).display().to_string();
    let run = kickoff(
        dir.path(),
        &["render", &example, "--template", "readout-brief"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("**Decision: Ship.**"), "{}", run.stdout);
    assert!(
        run.stdout.contains("(56 of 56 planned days)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("the bar was 10%"), "{}", run.stdout);
    // A plan without results says so, in both.
    for template in ["readout", "readout-brief"] {
        let plain = common::example("churn-done-well.toml")
            .display()
            .to_string();
        let run = kickoff(dir.path(), &["render", &plain, "--template", template]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(run.stdout.contains("No readout yet"), "{}", run.stdout);
    }
}

/// The example with its `[readout]` table replaced by `readout` (the plan stays frozen).
fn write_with(d: &std::path::Path, name: &str, readout: &str) {
    let text = std::fs::read_to_string(common::example(EXAMPLE)).unwrap();
    let cut = text.find("\n[readout]\n").unwrap();
    std::fs::write(d.join(name), format!("{}\n{readout}", &text[..cut])).unwrap();
}

#[test]
fn check_json_has_the_readout_section_with_its_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 50,000 against 47,000 in a 50/50 test, 7 of the 56 planned days.
    write_with(
        d,
        "p.toml",
        r#"[readout]
metric = "Monthly voluntary churn rate of active subscribers"
started = "2027-01-18"
ended = "2027-01-24"

[[readout.arms]]
name = "control"
units = 50000
successes = 3050
trials = 50000

[[readout.arms]]
name = "treatment"
units = 47000
successes = 2540
trials = 47000
"#,
    );
    let run = kickoff(d, &["check", "p.toml", "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let r = &doc["readout"];
    assert_eq!(r["decision"], "stop", "{r:#}");
    assert_eq!(r["frozen"], true);
    assert_eq!(r["metric_kind"], "rate");
    assert_eq!(r["better"], "lower");
    // χ² = Σ (o − e)² / e with e = 48,500: 2 · 1,500² / 48,500.
    let chi = 2.0 * 1500.0_f64.powi(2) / 48_500.0;
    assert!((r["srm"]["chi_square"].as_f64().unwrap() - chi).abs() < 1e-9);
    assert_eq!(r["srm"]["df"], 1);
    assert_eq!(r["srm"]["mismatch"], true);
    // p of χ²(1) = 92.8 is about 5.8e-22 (the reference's figure).
    let p = r["srm"]["p_value"].as_f64().unwrap();
    assert!(p > 5.0e-22 && p < 6.5e-22, "{p}");
    // The effect: two proportions, unpooled error, 95% normal interval.
    let (pc, pt): (f64, f64) = (3050.0 / 50_000.0, 2540.0 / 47_000.0);
    let se = (pt * (1.0 - pt) / 47_000.0 + pc * (1.0 - pc) / 50_000.0).sqrt();
    let e = &r["effect"];
    assert!((e["diff"].as_f64().unwrap() - (pt - pc)).abs() < 1e-12);
    assert!((e["diff_low"].as_f64().unwrap() - (pt - pc - 1.959_963_985 * se)).abs() < 1e-8);
    assert!((e["diff_high"].as_f64().unwrap() - (pt - pc + 1.959_963_985 * se)).abs() < 1e-8);
    // Lower churn is better: the improvement is the lift with its sign flipped.
    let lift = 100.0 * (pt / pc - 1.0);
    assert!((r["improvement"]["point"].as_f64().unwrap() + lift).abs() < 1e-9);
    assert_eq!(r["mde_pct"], 10.0);
    assert_eq!(r["stopped_early"], true);
    assert_eq!(r["significant"], false);
    assert_eq!(
        (r["days"].as_i64(), r["planned_days"].as_f64()),
        (Some(7), Some(56.0))
    );
    let checks: Vec<(&str, &str)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(checks.contains(&("srm", "blocker")), "{checks:?}");
    assert!(checks.contains(&("stopped-early", "blocker")), "{checks:?}");
    assert_eq!(r["blockers"].as_u64().unwrap() as usize, {
        checks.iter().filter(|(_, s)| *s == "blocker").count()
    });
    assert_eq!(doc["verdict"]["readout_blockers"], r["blockers"]);
    // The recorded change since the freeze is listed, and does not fail the check.
    assert_eq!(doc["deviations"][0]["question"], "kill_date");
    assert_eq!(doc["deviations"][0]["recorded"], true);

    // The same blockers in the CI formats, on the `[readout]` table's line.
    let line = std::fs::read_to_string(d.join("p.toml"))
        .unwrap()
        .lines()
        .position(|l| l == "[readout]")
        .unwrap()
        + 1;
    let run = kickoff(d, &["check", "p.toml", "--format", "github"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.contains(&format!("line={line},"))
            && run.stdout.contains("[readout:srm] sample ratio mismatch"),
        "{}",
        run.stdout
    );
    let run = kickoff(d, &["check", "p.toml", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let srm = results
        .iter()
        .find(|x| {
            x["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("[readout:srm]")
        })
        .expect("the SRM in SARIF");
    assert_eq!(srm["ruleId"], "readout");
    assert_eq!(srm["level"], "error");
    assert_eq!(srm["properties"]["failsCheck"], true);
    assert_eq!(
        srm["locations"][0]["physicalLocation"]["region"]["startLine"],
        line
    );
    let run = kickoff(d, &["check", "p.toml", "--format", "junit"]);
    assert!(
        run.stdout.contains("[readout:stopped-early]"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_json_names_a_readout_that_cannot_be_read_and_has_no_section_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_with(
        d,
        "bad.toml",
        "[readout]\nmetric = \"m\"\nstarted = \"2027-01-18\"\nended = \"2027-01-24\"\n\n[[readout.arms]]\nname = \"control\"\nunits = -5\n\n[[readout.arms]]\nname = \"t\"\nunits = 5\n",
    );
    let run = kickoff(d, &["check", "bad.toml", "--format", "json"]);
    assert_eq!(run.code, Some(1));
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let r = &doc["readout"];
    assert!(r["decision"].is_null());
    assert!(
        r["error"].as_str().unwrap().contains("`arms[0].units`"),
        "{r:#}"
    );
    assert_eq!(r["findings"][0]["check"], "unreadable");
    write_with(d, "none.toml", "");
    let run = kickoff(d, &["check", "none.toml", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(doc.get("readout").is_none(), "{doc:#}");
}

/// The readout entered in the full-screen form: 50,000 against 47,000 over 7 of 56 days.
#[test]
#[ignore]
fn e2e_readout_entered_in_the_tui_is_saved_and_decided() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_with(d, "p.toml", "");
    let t = common::Tmux::start(d, "readout p.toml");
    t.wait_for("Checks against the plan");
    // The metric comes from the plan; then the days, the kind, the arms' grid.
    t.keys(&["Tab"]);
    t.text("2027-01-18");
    t.keys(&["Tab"]);
    t.text("2027-01-24");
    t.keys(&["Tab", "Tab", "Enter"]);
    for (i, cell) in ["50000", "3050", "50000", "", "47000", "2540", "47000"]
        .iter()
        .enumerate()
    {
        if i > 0 {
            t.keys(&["Enter"]);
        }
        t.text(cell);
    }
    let screen = t.wait_for("sample ratio mismatch");
    assert!(screen.contains("Decision: Stop"), "{screen}");
    assert!(screen.contains("χ² = 92.78"), "{screen}");
    assert!(screen.contains("Ran 7 of 56 planned days"), "{screen}");
    // ^O: the readout doc, decision first.
    t.keys(&["C-o"]);
    t.wait_for("## Decision: Stop");
    t.keys(&["Escape"]);
    t.keys(&["C-q"]);
    t.wait_exit();
    let session = Session::load(&d.join("p.toml")).unwrap();
    let r = readout::load(&session).unwrap().unwrap();
    assert_eq!(
        (r.started.as_str(), r.ended.as_str()),
        ("2027-01-18", "2027-01-24")
    );
    assert_eq!(
        r.arms
            .iter()
            .map(|a| (a.units, a.successes, a.trials))
            .collect::<Vec<_>>(),
        [
            (50_000, Some(3050), Some(50_000)),
            (47_000, Some(2540), Some(47_000))
        ]
    );
    assert!(!r.entered.is_empty());
    let report = readout::check(&session, &r);
    assert_eq!(report.decision, Decision::Stop);
    let run = kickoff(d, &["check", "p.toml"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.contains("[readout:srm]"), "{}", run.stdout);
}

#[test]
fn a_guardrail_no_worse_than_today_is_compared_with_the_control_arm() {
    use kickoff::answer::{Cell, Row};
    use kickoff::readout::Guardrail;
    let mut session = plan();
    let Some(Answer::Records(rows)) = session.answers.get_mut("guardrail_metrics") else {
        panic!("the example has guardrails");
    };
    let text = |s: &str| Cell::Text(s.into());
    rows.push(Row(vec![
        ("name".into(), text("Refund rate")),
        ("role".into(), text("guardrail")),
        (
            "target".into(),
            text("no worse than today, measured as the 7-day refund rate against control"),
        ),
        ("direction".into(), text("lower")),
    ]));
    let about = |report: &readout::Report| {
        report
            .findings
            .iter()
            .filter(|f| f.message.contains("Refund rate"))
            .map(|f| (f.severity, f.message.clone()))
            .collect::<Vec<_>>()
    };
    // Within today's value: a limit kept, and nothing to judge by hand.
    let mut r = results();
    r.guardrails.push(Guardrail {
        name: "Refund rate".into(),
        observed: 0.021,
        control: Some(0.022),
    });
    let report = readout::check(&session, &r);
    assert_eq!(about(&report), vec![], "{:?}", report.findings);
    let promise = report
        .promises
        .iter()
        .find(|p| p.what == "Guardrail: Refund rate")
        .unwrap();
    assert!(promise.kept, "{promise:?}");
    // Worse than control: past its limit, a blocker naming the control's value.
    r.guardrails.last_mut().unwrap().observed = 0.025;
    let report = readout::check(&session, &r);
    let found = about(&report);
    assert_eq!(found.len(), 1, "{:#?}", report.findings);
    assert_eq!(found[0].0, Severity::Blocker);
    assert!(found[0].1.contains("(0.022 in control)"), "{}", found[0].1);
    assert_eq!(report.decision, Decision::Stop);
    // No control value in the readout: asked for by name, not left to be judged by hand.
    r.guardrails.last_mut().unwrap().control = None;
    let report = readout::check(&session, &r);
    let found = about(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("add `control`"), "{}", found[0].1);
    assert!(!found[0].1.contains("judge it by hand"), "{}", found[0].1);
}

#[test]
fn an_effect_stated_in_absolute_points_is_judged_as_its_relative_change() {
    let mut session = plan();
    // 0.61 points of a 6.1% rate is the example's 10% relative.
    session.answers.remove("ab_mde");
    session
        .answers
        .insert("ab_mde_scale".into(), Answer::Text("absolute".into()));
    session
        .answers
        .insert("ab_mde_points".into(), Answer::Number(0.61));
    let report = readout::check(&session, &results());
    assert_eq!(report.outcome, Some(Outcome::WorthShipping));
    let promise = report
        .promises
        .iter()
        .find(|p| p.what == "Smallest effect worth shipping")
        .unwrap();
    assert_eq!(promise.planned, "0.61 percentage points (10% relative)");
    assert!(!report.findings.iter().any(|f| f.check == "no-mde"));
}
