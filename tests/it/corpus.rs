//! The realistic-plan corpus in `tests/corpus/`: complete session files written as an ML team
//! would write them, each with the findings a senior reviewer expects (`[expected]`). Measures
//! the built-in critic on them: recall of the expected findings and false alarms (a rule the plan
//! was written not to trigger, or any blocker or warning on a strong plan). Run with
//! `cargo test --test it corpus -- --nocapture` to see the table; `tests/corpus/README.md` explains it.

use kickoff::Load as _;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use kickoff::{Bundle, Finding, Severity};

/// The share of expected findings the critic must raise across the corpus.
const MIN_RECALL: f64 = 0.9;

/// Rule ids the plans may name before the rule pack has them: rules being written. Empty it as
/// they land (the test says which ones already exist).
const PLANNED: &[&str] = &[];

/// The smallest corpus the figures mean anything on.
const MIN_PLANS: usize = 10;
const MIN_STRONG: usize = 3;

/// What a plan's `[expected]` table says.
struct Expected {
    strong: bool,
    findings: BTreeSet<String>,
    /// Questions a reviewer expects left open (a "TBD", a hedge, an answer missing): an open
    /// question is how the critic raises them, not a finding.
    open: BTreeSet<String>,
    quiet: BTreeSet<String>,
    note: String,
}

/// One plan, reviewed.
struct Outcome {
    name: String,
    expected: Expected,
    /// Findings shown (after supersedes).
    shown: Vec<Finding>,
    /// The required questions left open.
    open: BTreeSet<String>,
}

impl Outcome {
    fn shown_ids(&self) -> BTreeSet<&str> {
        self.shown.iter().map(|f| f.rule.as_str()).collect()
    }

    /// Everything expected: the findings by rule id, and the open questions as `open:ID`.
    fn expected_items(&self) -> Vec<String> {
        let open = self.expected.open.iter().map(|id| format!("open:{id}"));
        self.expected.findings.iter().cloned().chain(open).collect()
    }

    fn is_raised(&self, item: &str) -> bool {
        match item.strip_prefix("open:") {
            Some(id) => self.open.contains(id),
            None => self.shown_ids().contains(item),
        }
    }

    fn caught(&self) -> Vec<String> {
        let items = self.expected_items().into_iter();
        items.filter(|item| self.is_raised(item)).collect()
    }

    fn missed(&self) -> Vec<String> {
        let items = self.expected_items().into_iter();
        items.filter(|item| !self.is_raised(item)).collect()
    }

    /// A `quiet` rule that fired, or, on a strong plan, any blocker or warning.
    fn false_alarms(&self) -> Vec<String> {
        self.shown
            .iter()
            .filter(|f| {
                self.expected.quiet.contains(&f.rule)
                    || (self.expected.strong && f.severity >= Severity::Warning)
            })
            .map(|f| format!("{} ({})", f.rule, severity(f.severity)))
            .collect()
    }

    /// Blockers and warnings shown on a flawed plan that it does not expect: not counted, but
    /// worth a look when the figures move.
    fn unexpected(&self) -> Vec<&str> {
        if self.expected.strong {
            return Vec::new();
        }
        self.shown
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .map(|f| f.rule.as_str())
            .filter(|id| {
                !self.expected.findings.contains(*id) && !self.expected.quiet.contains(*id)
            })
            .collect()
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Blocker => "blocker",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn plan_paths() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/corpus exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
}

fn strings(table: &toml::Table, key: &str, name: &str) -> BTreeSet<String> {
    match table.get(key) {
        None => BTreeSet::new(),
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .unwrap_or_else(|| panic!("{name}: expected.{key} holds a non-string: {v}"))
                    .to_string()
            })
            .collect(),
        Some(other) => panic!("{name}: expected.{key} is not a list of rule ids: {other}"),
    }
}

fn expected_of(name: &str, session: &kickoff::Session) -> Expected {
    let table = match session.extra.get("expected") {
        Some(toml::Value::Table(t)) => t,
        Some(other) => panic!("{name}: [expected] is not a table: {other}"),
        None => panic!("{name}: no [expected] table"),
    };
    for key in table.keys() {
        assert!(
            ["strong", "findings", "open", "quiet", "note"].contains(&key.as_str()),
            "{name}: unknown key expected.{key}"
        );
    }
    let strong = match table.get("strong") {
        None => false,
        Some(toml::Value::Boolean(b)) => *b,
        Some(other) => panic!("{name}: expected.strong is not true or false: {other}"),
    };
    let note = match table.get("note") {
        Some(toml::Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => {
            panic!("{name}: expected.note must say, in one line, what the plan gets wrong or right")
        }
    };
    Expected {
        strong,
        findings: strings(table, "findings", name),
        open: strings(table, "open", name),
        quiet: strings(table, "quiet", name),
        note,
    }
}

/// Loads a plan, checks that it is a clean session (answers fit the questionnaire, none to a
/// question that is not asked), and reviews it with the bundle's critic.
fn review(path: &Path) -> (Bundle, Outcome) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let (bundle, mut session) =
        kickoff::open(path, None).unwrap_or_else(|e| panic!("{name} does not open: {e}"));
    // A plan written for an older version reads as `check` reads it: upgraded, each
    // conversion a note.
    session.upgrade(&bundle.questionnaire);
    let problems = session.problems(&bundle.questionnaire);
    assert!(
        problems.is_empty(),
        "{name}: answers that don't fit: {:?}",
        problems
            .iter()
            .map(|p| format!("{}: {}", p.subject, p.message))
            .collect::<Vec<_>>()
    );
    let review = bundle.review(&session.answers);
    let q = &bundle.questionnaire;
    let hidden: Vec<&String> = session
        .answers
        .keys()
        .filter(|id| q.index_of(id).is_some_and(|i| !review.visible[i]))
        .collect();
    assert!(
        hidden.is_empty(),
        "{name}: answers to questions that are not asked: {hidden:?}"
    );
    let expected = expected_of(&name, &session);
    if expected.strong {
        let open: Vec<&str> = review
            .open_required(q)
            .map(|question| question.id.as_str())
            .collect();
        assert!(
            open.is_empty(),
            "{name}: a strong plan leaves {open:?} open"
        );
        assert!(
            expected.findings.is_empty() && expected.open.is_empty(),
            "{name}: a strong plan expects no findings and no open question, not {:?} {:?}",
            expected.findings,
            expected.open
        );
    }
    for id in &expected.open {
        assert!(
            q.get(id).is_some_and(|question| question.required),
            "{name}: expected.open names `{id}`, which is not a required question"
        );
    }
    let open = review
        .open_required(q)
        .map(|question| question.id.clone())
        .collect();
    let outcome = Outcome {
        name,
        expected,
        shown: review.findings,
        open,
    };
    (bundle, outcome)
}

fn review_all() -> (Bundle, Vec<Outcome>) {
    let mut bundle = None;
    let mut outcomes = Vec::new();
    for path in plan_paths() {
        let (b, o) = review(&path);
        bundle.get_or_insert(b);
        outcomes.push(o);
    }
    (bundle.expect("tests/corpus has plans"), outcomes)
}

fn join(items: &[impl AsRef<str>]) -> String {
    if items.is_empty() {
        "-".to_string()
    } else {
        items
            .iter()
            .map(|s| s.as_ref())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The table printed by the figures test.
fn table(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    let width = outcomes.iter().map(|o| o.name.len()).max().unwrap_or(4);
    writeln!(
        out,
        "{:width$}  {:6}  {:>6}  missed | false alarms | unexpected (not counted)",
        "plan", "kind", "caught"
    )
    .unwrap();
    for o in outcomes {
        writeln!(
            out,
            "{:width$}  {:6}  {:>6}  {} | {} | {}",
            o.name,
            if o.expected.strong {
                "strong"
            } else {
                "flawed"
            },
            format!("{}/{}", o.caught().len(), o.expected_items().len()),
            join(&o.missed()),
            join(&o.false_alarms()),
            join(&o.unexpected()),
        )
        .unwrap();
    }
    out
}

struct Totals {
    expected: usize,
    caught: usize,
    false_alarms: usize,
    /// Missed expected findings, by rule id, with how many plans missed each.
    missed: Vec<(String, usize)>,
}

impl Totals {
    fn of(outcomes: &[Outcome]) -> Self {
        let mut missed: std::collections::BTreeMap<String, usize> = Default::default();
        for o in outcomes {
            for id in o.missed() {
                *missed.entry(id).or_default() += 1;
            }
        }
        Totals {
            expected: outcomes.iter().map(|o| o.expected_items().len()).sum(),
            caught: outcomes.iter().map(|o| o.caught().len()).sum(),
            false_alarms: outcomes.iter().map(|o| o.false_alarms().len()).sum(),
            missed: missed.into_iter().collect(),
        }
    }

    fn recall(&self) -> f64 {
        if self.expected == 0 {
            1.0
        } else {
            self.caught as f64 / self.expected as f64
        }
    }

    fn summary(&self) -> String {
        let missed: Vec<String> = self
            .missed
            .iter()
            .map(|(id, n)| {
                let planned = if PLANNED.contains(&id.as_str()) {
                    " (planned)"
                } else {
                    ""
                };
                format!("{id} x{n}{planned}")
            })
            .collect();
        format!(
            "recall {}/{} = {:.2} (floor {MIN_RECALL}); false alarms {}; missed: {}",
            self.caught,
            self.expected,
            self.recall(),
            self.false_alarms,
            join(&missed)
        )
    }
}

#[test]
fn the_corpus_is_large_and_varied_enough() {
    let (_, outcomes) = review_all();
    let strong = outcomes.iter().filter(|o| o.expected.strong).count();
    assert!(
        outcomes.len() >= MIN_PLANS,
        "{} plans; the figures need at least {MIN_PLANS}",
        outcomes.len()
    );
    assert!(
        strong >= MIN_STRONG,
        "{strong} strong plans, at least {MIN_STRONG} needed"
    );
    for o in outcomes.iter().filter(|o| !o.expected.strong) {
        assert!(
            !o.expected_items().is_empty(),
            "{}: a flawed plan names the findings (or open questions) it expects",
            o.name
        );
    }
}

#[test]
fn every_rule_id_named_by_a_plan_exists_or_is_planned() {
    let (bundle, outcomes) = review_all();
    let known: BTreeSet<&str> = bundle
        .critic
        .rules
        .iter()
        .map(|r| r.def.id.as_str())
        .collect();
    let landed: Vec<&str> = PLANNED
        .iter()
        .copied()
        .filter(|id| known.contains(id))
        .collect();
    assert!(
        landed.is_empty(),
        "{landed:?} are in the rule pack now: take them out of PLANNED"
    );
    for o in &outcomes {
        for id in o.expected.findings.iter().chain(&o.expected.quiet) {
            assert!(
                known.contains(id.as_str()) || PLANNED.contains(&id.as_str()),
                "{}: `{id}` is neither a rule of the pack nor a planned one",
                o.name
            );
        }
        let both: Vec<&String> = o
            .expected
            .findings
            .intersection(&o.expected.quiet)
            .collect();
        assert!(
            both.is_empty(),
            "{}: {both:?} both expected and quiet",
            o.name
        );
    }
}

#[test]
fn no_false_alarms_on_strong_plans_and_no_quiet_rule_fires() {
    let (_, outcomes) = review_all();
    let alarms: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.false_alarms().is_empty())
        .map(|o| {
            let messages: Vec<String> = o
                .shown
                .iter()
                .filter(|f| {
                    o.expected.quiet.contains(&f.rule)
                        || (o.expected.strong && f.severity >= Severity::Warning)
                })
                .map(|f| format!("  {}: {}", f.rule, f.message))
                .collect();
            format!(
                "{} ({}): {}\n{}",
                o.name,
                o.expected.note,
                join(&o.false_alarms()),
                messages.join("\n")
            )
        })
        .collect();
    assert!(alarms.is_empty(), "false alarms:\n{}", alarms.join("\n"));
}

#[test]
fn recall_of_expected_findings_meets_the_floor() {
    let (_, outcomes) = review_all();
    let totals = Totals::of(&outcomes);
    println!("\n{}\n{}", table(&outcomes), totals.summary());
    assert!(
        totals.recall() >= MIN_RECALL,
        "recall below MIN_RECALL = {MIN_RECALL}: {}",
        totals.summary()
    );
}

/// The questions for other kinds of plans than a supervised one on tabular data, each with the
/// kind of plan it is for, read from the plan's answers here rather than from the
/// questionnaire's conditions: a condition widened by mistake makes every plain tabular plan's
/// interview longer, and this test says which question and which plan.
#[test]
fn questions_for_other_kinds_of_plans_stay_out_of_a_tabular_plans_interview() {
    let bundle = kickoff::Bundle::builtin("ml-experiment").unwrap().unwrap();
    let q = &bundle.questionnaire;
    let mut paths: Vec<PathBuf> = plan_paths();
    paths.extend(
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    let mut tabular = 0;
    for path in paths {
        let session = kickoff::Session::load(&path).unwrap();
        let text = |id: &str| {
            session
                .answers
                .get(id)
                .map(|a| a.to_string())
                .unwrap_or_default()
        };
        let yes = |id: &str| text(id) == "yes";
        let llm = text("task") == "generation" || text("model_family").starts_with("llm_");
        let unlabelled = text("task") == "anomaly" || text("label_source") == "none_yet";
        let no_threshold =
            text("task") == "anomaly" || text("threshold_method") == "not_applicable";
        let probability =
            text("scores_used_as") == "probability" || text("threshold_method") == "cost_based";
        let neural = [
            "deep_tabular",
            "cnn",
            "transformer",
            "llm_prompting",
            "llm_finetune",
        ]
        .contains(&text("model_family").as_str());
        let special_hardware = text("serving_mode") == "edge" || yes("uses_gpu") || neural;
        let cycles = text("seasonality");
        let for_kind: &[(&str, bool)] = &[
            ("llm_eval_set", llm),
            ("llm_grounding_check", llm),
            ("llm_provider", llm),
            ("prompt_injection", llm),
            ("llm_live_review", llm),
            ("detection_success", unlabelled),
            ("alert_budget_per_day", unlabelled),
            ("training_contamination", unlabelled),
            ("scores_used_as", no_threshold),
            ("calibration_checked", probability),
            ("training_resampled", probability),
            ("latency_measured_on", special_hardware),
            (
                "new_segments",
                text("representative_sample") == "new_segments",
            ),
            (
                "ab_units_per_arm",
                ["ab_test", "staged"].contains(&text("rollout").as_str()),
            ),
            (
                "training_window_days",
                ["weekly", "yearly", "month_end", "quarter_end"]
                    .iter()
                    .any(|c| cycles.contains(c)),
            ),
        ];
        let review = bundle.review(&session.answers);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for &(id, applies) in for_kind {
            let asked = q.index_of(id).is_some_and(|i| review.visible[i]);
            assert!(
                !asked || applies,
                "{name}: `{id}` is asked, but the plan is not of the kind it is for"
            );
        }
        if !llm && !unlabelled && !no_threshold && !probability && !special_hardware {
            tabular += 1;
        }
    }
    assert!(tabular >= 8, "only {tabular} plain tabular plans to check");
}
