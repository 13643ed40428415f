//! The forms version 5 added for plans an honest team could not state in version 4 (each
//! found translating a plan written in prose): a test a gap, on the built-in questionnaire
//! and its rules.

use crate::common::{self, answers, kickoff, text};
use kickoff::{Answer, Answers};

fn fired(a: &Answers) -> Vec<String> {
    common::builtin()
        .review(a)
        .findings
        .into_iter()
        .map(|f| f.rule)
        .collect()
}

fn asked(a: &Answers, id: &str) -> bool {
    let bundle = common::builtin();
    let review = bundle.review(a);
    bundle
        .questionnaire
        .index_of(id)
        .is_some_and(|i| review.visible[i])
}

fn choices(id: &str) -> Vec<String> {
    let bundle = common::builtin();
    let q = bundle.questionnaire.get(id).unwrap().clone();
    q.choices.into_iter().map(|c| c.value).collect()
}

fn ab() -> Answers {
    answers(&[
        ("serving_mode", text("online")),
        ("rollout", text("ab_test")),
    ])
}

#[test]
fn the_ab_design_has_a_text_of_its_own_and_the_doc_quotes_it() {
    assert!(asked(&ab(), "ab_design"));
    assert!(!asked(
        &answers(&[
            ("serving_mode", text("online")),
            ("rollout", text("canary"))
        ]),
        "ab_design"
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = common::example("churn-done-well.toml");
    let doc = kickoff(dir.path(), &["render", path.to_str().unwrap()]).stdout;
    assert!(
        doc.contains("How the test is designed, in the team's words:")
            && doc.contains("stratified by plan size and tenure band"),
        "{doc}"
    );
}

#[test]
fn an_effect_in_absolute_points_is_asked_kept_and_checked() {
    let mut a = ab();
    a.insert("ab_mde_scale".into(), text("absolute"));
    assert!(asked(&a, "ab_mde_points") && !asked(&a, "ab_mde"));
    a.insert("ab_mde_points".into(), Answer::Number(0.1));
    a.insert("ab_base_rate".into(), Answer::Number(0.04));
    a.insert("ab_units_per_arm".into(), Answer::Number(50_000.0));
    // 0.1 points of 4% is a 2.5% relative change: 16 · 0.96 / (0.04 · 0.025²) = 614,400 a
    // side, far above 50,000.
    let review = common::builtin().review(&a);
    let power = review
        .findings
        .iter()
        .find(|f| f.rule == "sample-cannot-power-mde")
        .expect("the power check converts the points");
    assert!(
        power
            .message
            .contains("0.1 percentage points (2.5% relative)")
            && power.message.contains("614,400"),
        "{}",
        power.message
    );
    // Half a point is 12.5% relative: 24,576 a side, which 50,000 covers.
    a.insert("ab_mde_points".into(), Answer::Number(0.5));
    assert!(!fired(&a).contains(&"sample-cannot-power-mde".into()));
    // Shown to the reader as the team wrote it.
    let bundle = common::builtin();
    let q = bundle.questionnaire.get("ab_mde_points").unwrap();
    assert_eq!(q.answer_text(&Answer::Number(0.5)), "0.5 percentage points");
}

#[test]
fn detection_cycles_and_thresholds_have_the_answers_plans_give() {
    assert!(choices("detection_success").contains(&"survey".into()));
    let seasons = choices("seasonality");
    assert!(seasons.contains(&"month_end".into()) && seasons.contains(&"quarter_end".into()));
    // A month-end cycle asks for the training window, and a short one is a finding.
    let mut a = answers(&[
        ("has_timestamps", Answer::Bool(true)),
        ("seasonality", Answer::List(vec!["month_end".into()])),
    ]);
    assert!(asked(&a, "training_window_days"));
    a.insert("training_window_days".into(), Answer::Number(60.0));
    assert!(fired(&a).contains(&"window-misses-period-end".into()));
    // An anomaly detector keeps a threshold question, and an empty budget is its own finding.
    let mut a = answers(&[("task", text("anomaly"))]);
    assert!(asked(&a, "alert_threshold"));
    a.insert("alert_budget_per_day".into(), Answer::Number(0.0));
    a.insert("alert_threshold".into(), text("alert_budget"));
    assert!(fired(&a).contains(&"alert-budget-zero".into()));
    a.insert("detection_success".into(), text("survey"));
    assert!(fired(&a).contains(&"detection-judged-once".into()));
}

#[test]
fn a_system_not_trained_on_labels_says_so_and_is_not_warned() {
    let mut a = answers(&[
        ("task", text("generation")),
        ("model_family", text("llm_prompting")),
        ("label_source", text("user_actions")),
        ("label_delay_days", Answer::Number(30.0)),
        ("retrain_trigger", text("schedule")),
        ("retrain_every_days", Answer::Number(7.0)),
    ]);
    assert!(asked(&a, "labels_matured"));
    assert!(fired(&a).contains(&"retrain-before-labels".into()));
    a.insert("labels_matured".into(), text("not_from_labels"));
    assert!(!fired(&a).contains(&"retrain-before-labels".into()));
    // The wording fits what is not a model trained on labels, a batch pipeline's many calls,
    // and the window the production model learns from.
    let bundle = common::builtin();
    let q = |id: &str| bundle.questionnaire.get(id).unwrap().clone();
    assert!(q("retrain_every_days").prompt.contains("index rebuilt"));
    assert!(
        q("llm_requests_per_month")
            .prompt
            .contains("batch pipeline")
    );
    assert!(
        q("training_window_days")
            .prompt
            .contains("not the evaluation split")
    );
}

#[test]
fn the_providers_standard_terms_are_not_a_data_processing_agreement() {
    let mut a = answers(&[
        ("task", text("generation")),
        ("serving_mode", text("online")),
        ("llm_provider", text("third_party_api")),
        ("personal_data", Answer::Bool(true)),
        ("llm_data_to_provider", text("standard_terms")),
    ]);
    let rules = fired(&a);
    assert!(
        rules.contains(&"llm-provider-standard-terms".into()),
        "{rules:?}"
    );
    assert!(!rules.contains(&"personal-data-to-llm-provider".into()));
    // Grounding is asked for evaluation and for production apart.
    assert!(asked(&a, "llm_grounding_check") && asked(&a, "llm_grounding_live"));
    a.insert("llm_grounding_check".into(), text("automated"));
    a.insert("llm_grounding_live".into(), text("none"));
    assert!(fired(&a).contains(&"llm-answers-unchecked".into()));
    a.insert("llm_grounding_live".into(), text("sampled"));
    assert!(!fired(&a).contains(&"llm-answers-unchecked".into()));
}

#[test]
fn no_worse_than_today_is_a_guardrail_limit() {
    use kickoff::answer::{Cell, Row};
    let row = |target: Option<&str>| {
        let mut cells = vec![
            ("name".to_string(), Cell::Text("refund rate".into())),
            ("role".to_string(), Cell::Text("guardrail".into())),
            ("direction".to_string(), Cell::Text("lower".into())),
        ];
        if let Some(t) = target {
            cells.push(("target".into(), Cell::Text(t.into())));
        }
        Answer::Records(vec![Row(cells)])
    };
    let mut a = ab();
    a.insert("guardrail_metrics".into(), row(None));
    assert!(fired(&a).contains(&"guardrail-without-limit".into()));
    a.insert(
        "guardrail_metrics".into(),
        row(Some(
            "no worse than today, measured as the 7-day refund rate against control",
        )),
    );
    let rules = fired(&a);
    assert!(
        !rules.contains(&"guardrail-without-limit".into()),
        "{rules:?}"
    );
    assert!(!rules.contains(&"no-guardrails".into()), "{rules:?}");
    assert!(kickoff::readout::limit_is_today(
        "no worse than today, measured as the 7-day refund rate against control"
    ));
    assert!(!kickoff::readout::limit_is_today(
        "no higher than the control group's, within 0.3 points"
    ));
}
