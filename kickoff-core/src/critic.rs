//! The offline critic: rules over the answers, loaded from TOML rule packs. Runs in
//! microseconds, so the TUI runs it on every key press.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::answer::{AnswerContext, Answers};
use crate::expr;
use crate::expr::LazyCondition;
use crate::placeholder::Placeholders;
use crate::questionnaire::Questionnaire;
use crate::response::FindingResponse;
use crate::source::{FileError, IdSpan, Lines, Problem, parse_toml};
use minijinja::Value;
use minijinja::value::Object;

mod cases;
mod checks;
use checks::{
    message_line, message_variables, pack_problems, render_message, rule_problems,
    supersede_problems,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Blocker,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Blocker => "blocker",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    questionnaire: String,
    /// Phrases added to the shared placeholder list (see `placeholder`).
    #[serde(default)]
    placeholders: Vec<String>,
    #[serde(default)]
    rules: Vec<RuleDef>,
}

/// Where the pack's parts are defined, for error lines.
#[derive(Deserialize)]
struct RuleLines {
    questionnaire: toml::Spanned<String>,
    #[serde(default)]
    rules: Vec<IdSpan>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub severity: Severity,
    pub questions: Vec<String>,
    /// Values the rule computes once from the answers, by name, for its `when` and `message`
    /// to share (a sentence found, a figure read), instead of writing the expression twice.
    #[serde(default, rename = "let")]
    pub lets: BTreeMap<String, String>,
    pub when: String,
    pub message: String,
    #[serde(default)]
    pub reference: String,
    /// Rules this one stands for when both fire: one flaw, one finding (this one's message
    /// carries the whole advice).
    #[serde(default)]
    pub supersedes: Vec<String>,
    #[serde(default)]
    pub cases: Vec<Case>,
}

/// An answer set in which a rule must (or must not) fire.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub fires: bool,
    #[serde(default)]
    pub answers: Answers,
}

#[derive(Debug)]
pub struct Rule {
    pub def: RuleDef,
    /// The file the rule came from, for messages.
    pub origin: PathBuf,
    condition: LazyCondition,
    /// Its `let` values' expressions, by name (shared with each context that reads them).
    lets: Arc<[(String, LazyCondition)]>,
    /// Every answer the rule reads (its values, condition and message): a rule whose answers
    /// did not change keeps its last result. Worked out when first needed for a trusted pack.
    reads: OnceLock<Vec<String>>,
}

impl Rule {
    fn new(
        def: RuleDef,
        origin: &Path,
        condition: LazyCondition,
        lets: Vec<(String, LazyCondition)>,
    ) -> Rule {
        Rule {
            def,
            origin: origin.to_path_buf(),
            condition,
            lets: lets.into(),
            reads: OnceLock::new(),
        }
    }

    fn reads(&self) -> &[String] {
        self.reads.get_or_init(|| {
            let mut reads = self.condition.variables();
            reads.extend(message_variables(self.def.message.trim()));
            self.with_values_read(reads)
        })
    }

    /// `reads` (its condition's and message's names) with what its values read, its values'
    /// own names left out, sorted: the answers the rule depends on.
    fn with_values_read(&self, mut reads: Vec<String>) -> Vec<String> {
        reads.extend(self.lets.iter().flat_map(|(_, e)| e.variables()));
        reads.retain(|v| !self.def.lets.contains_key(v));
        reads.sort();
        reads.dedup();
        reads
    }

    /// What its condition and message read: the answers, and its `let` values, each computed
    /// when first read (a condition that is false before it reads a value never computes it;
    /// an expression that fails leaves the value unanswered).
    fn context(&self, answers: &Value) -> Value {
        if self.lets.is_empty() {
            return answers.clone();
        }
        Value::from_object(WithLets {
            answers: answers.clone(),
            lets: Arc::clone(&self.lets),
            values: Mutex::new(vec![Slot::Empty; self.lets.len()]),
        })
    }

    /// The values that fail to compute on these answers, with why: a value that fails counts
    /// as unanswered in a run, so a rule's cases are where a mistake in one shows.
    fn value_errors(&self, answers: &Value) -> Vec<(String, String)> {
        let ctx = self.context(answers);
        self.lets
            .iter()
            .filter_map(|(name, e)| {
                let c = e.get()?;
                c.eval(ctx.clone())
                    .err()
                    .map(|err| (name.clone(), expr::describe_error(&err)))
            })
            .collect()
    }

    /// Whether its condition holds on the answers.
    fn holds(&self, answers: &Value) -> bool {
        self.condition.is_true(&self.context(answers))
    }

    fn reads_any(&self, changed: &HashSet<String>) -> bool {
        self.reads().iter().any(|v| changed.contains(v))
    }
}

/// The names of a rule's values that read each other in a cycle (a checked pack is refused
/// then): those left once every value whose values are settled is settled, in turn.
fn values_in_a_cycle(lets: &[(String, LazyCondition)]) -> Vec<String> {
    let names: HashSet<&str> = lets.iter().map(|(n, _)| n.as_str()).collect();
    let needs: Vec<Vec<String>> = lets
        .iter()
        .map(|(_, e)| {
            e.variables()
                .into_iter()
                .filter(|v| names.contains(v.as_str()))
                .collect()
        })
        .collect();
    let mut done: HashSet<&str> = HashSet::new();
    while let Some(i) = (0..lets.len()).find(|&i| {
        !done.contains(lets[i].0.as_str()) && needs[i].iter().all(|n| done.contains(n.as_str()))
    }) {
        done.insert(lets[i].0.as_str());
    }
    lets.iter()
        .filter(|(n, _)| !done.contains(n.as_str()))
        .map(|(n, _)| n.clone())
        .collect()
}

/// The answers seen through a rule's `let` values: a value of the rule first, then the answer.
/// One context serves one evaluation on one thread (a rule builds a new one for each run): a
/// value being computed reads as unanswered, which is what a value reading itself should see.
#[derive(Debug)]
struct WithLets {
    answers: Value,
    lets: Arc<[(String, LazyCondition)]>,
    values: Mutex<Vec<Slot>>,
}

/// A value of the rule: not computed yet, being computed, or known.
#[derive(Debug, Clone)]
enum Slot {
    Empty,
    Busy,
    Done(Value),
}

impl Object for WithLets {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let name = key.as_str()?;
        let Some(i) = self.lets.iter().position(|(n, _)| n == name) else {
            return self
                .answers
                .get_item(key)
                .ok()
                .filter(|v| !v.is_undefined());
        };
        {
            let mut slots = self.values.lock().ok()?;
            match &slots[i] {
                Slot::Done(v) => return Some(v.clone()).filter(|v| !v.is_undefined()),
                // A value that reads itself (a cycle a checked pack refuses) is unanswered.
                Slot::Busy => return None,
                Slot::Empty => slots[i] = Slot::Busy,
            }
        }
        let ctx = Value::from_dyn_object(Arc::clone(self));
        let value = self.lets[i].1.get().and_then(|c| c.eval(ctx).ok());
        let value = value.unwrap_or(Value::UNDEFINED);
        if let Ok(mut slots) = self.values.lock() {
            slots[i] = Slot::Done(value.clone());
        }
        Some(value).filter(|v| !v.is_undefined())
    }
}

/// One thing the critic found: stable fields, documented in the README (`check --format json`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    /// The question the finding points at.
    pub question: String,
    /// All the questions the rule reads (the first is `question`).
    pub questions: Vec<String>,
    pub section: String,
    pub message: String,
    pub reference: String,
    /// The team's response to it, if any (set from the session by `response::attach`).
    pub response: Option<FindingResponse>,
}

/// How findings are sorted: severity (highest first), question index, rule index.
type Order = (std::cmp::Reverse<Severity>, usize, usize);

/// All loaded rules, for one questionnaire.
#[derive(Debug, Default)]
pub struct Critic {
    pub rules: Vec<Rule>,
    /// What counts as a placeholder answer: the built-in list and the packs' phrases.
    pub placeholders: Placeholders,
    /// Each rule's place in `rules` by id (the first of an id), built when first asked.
    index: OnceLock<HashMap<String, usize>>,
}

impl Critic {
    /// Adds a rule pack, checked against the questionnaire. Rule ids must be unique across packs.
    pub fn add_pack(
        &mut self,
        source: &str,
        path: &Path,
        q: &Questionnaire,
    ) -> Result<(), FileError> {
        let file: RuleFile = parse_toml(source, path)?;
        let mut problems = Vec::new();
        let lines = Lines::<RuleLines>::new(source);
        pack_problems(&file, q, &lines, &mut problems);
        let mut problem = |n: usize, id: &str, message: String| {
            problems.push(rule_problem(&lines, n, id, message));
        };
        let mut ids: HashSet<String> = self.rules.iter().map(|r| r.def.id.clone()).collect();
        let mut rules = Vec::new();
        for (n, def) in file.rules.into_iter().enumerate() {
            let (messages, message_reads) = rule_problems(&def, q, &mut ids);
            for message in messages {
                problem(n, &def.id, message);
            }
            let mut lets = Vec::new();
            for (name, source) in &def.lets {
                match let_problems(name, source, q, &def.lets) {
                    Ok(value) => lets.push((name.clone(), LazyCondition::compiled(source, value))),
                    Err(message) => problem(n, &def.id, message),
                }
            }
            let cycle = values_in_a_cycle(&lets);
            if !cycle.is_empty() {
                let names = cycle.join("`, `");
                let message = format!("`let` values `{names}` read each other in a cycle");
                problem(n, &def.id, message);
            }
            match expr::compile(&def.when) {
                Err(e) => problem(n, &def.id, format!("`when` does not compile: {e}")),
                Ok(condition) => {
                    let reads = expr::variables(&condition);
                    let unknown = reads
                        .iter()
                        .filter(|v| q.get(v).is_none() && !def.lets.contains_key(*v));
                    for name in unknown {
                        let message = format!("`when` names `{name}`, which is not a question");
                        problem(n, &def.id, message);
                    }
                    // What it reads, worked out from what was compiled here (a trusted pack
                    // works it out from the source when asked: a test holds the two equal).
                    let condition = LazyCondition::compiled(&def.when, condition);
                    let rule = Rule::new(def, path, condition, lets);
                    let reads =
                        rule.with_values_read(reads.into_iter().chain(message_reads).collect());
                    let _ = rule.reads.set(reads);
                    rules.push(rule);
                }
            }
        }
        for (n, id, message) in supersede_problems(&self.rules, &rules) {
            problem(n, &id, message);
        }
        self.extend(path, problems, rules, &file.placeholders)
    }

    /// Adds a trusted rule pack (a built-in one, which the tests hold to every check of
    /// [`Critic::add_pack`]): its conditions are compiled, nothing is checked, and what each
    /// rule reads is worked out when first asked for. It needs no questionnaire, so it can
    /// load beside it.
    /// Its `cases`, which only validation runs, are not even parsed.
    pub fn add_trusted_pack(&mut self, source: &str, path: &Path) -> Result<(), FileError> {
        let file: RuleFile = parse_toml(&cases::without_cases(source), path)?;
        let rules = file
            .rules
            .into_iter()
            .map(|def| {
                let lets = def
                    .lets
                    .iter()
                    .map(|(name, source)| (name.clone(), LazyCondition::lazy(source)))
                    .collect();
                let condition = LazyCondition::lazy(&def.when);
                Rule::new(def, path, condition, lets)
            })
            .collect();
        self.extend(path, Vec::new(), rules, &file.placeholders)
    }

    /// Takes a loaded pack's rules and phrases in, unless it had problems.
    fn extend(
        &mut self,
        path: &Path,
        problems: Vec<Problem>,
        rules: Vec<Rule>,
        placeholders: &[String],
    ) -> Result<(), FileError> {
        if !problems.is_empty() {
            return Err(FileError::Invalid {
                path: path.to_path_buf(),
                problems,
            });
        }
        self.rules.extend(rules);
        self.index = OnceLock::new();
        self.placeholders.add_phrases(placeholders);
        Ok(())
    }

    /// Runs every rule on the answers. Findings come sorted: blockers first, then by the order
    /// of their questions in the questionnaire; a finding another one supersedes is left out.
    pub fn run(&self, q: &Questionnaire, answers: &Answers) -> Vec<Finding> {
        let (answers, _) = self.placeholders.strip(q, answers);
        let ctx = AnswerContext::new(&answers);
        q.visibility_in(&ctx);
        self.shown(&self.run_after(q, &Value::from_dyn_object(ctx), None))
    }

    /// The findings to show: those no other fired finding supersedes.
    pub fn shown(&self, fired: &[Finding]) -> Vec<Finding> {
        let hidden: HashSet<&str> = fired
            .iter()
            .filter_map(|f| self.rule(&f.rule))
            .flat_map(|r| r.def.supersedes.iter().map(String::as_str))
            .collect();
        fired
            .iter()
            .filter(|f| !hidden.contains(f.rule.as_str()))
            .cloned()
            .collect()
    }

    /// The rule of that id: looked up in a map, as the review asks for each finding and the
    /// check for each response (thousands of either must not take time squared).
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        let index = self.index.get_or_init(|| {
            let mut index = HashMap::with_capacity(self.rules.len());
            for (i, r) in self.rules.iter().enumerate() {
                index.entry(r.def.id.clone()).or_insert(i);
            }
            index
        });
        match index.get(id).and_then(|&i| self.rules.get(i)) {
            Some(r) if r.def.id == id => Some(r),
            None if index.len() == self.rules.len() => None,
            // `rules` was changed by hand since the map was built, or holds an id twice.
            _ => self.rules.iter().find(|r| r.def.id == id),
        }
    }

    /// Whether rule `id`'s condition holds on `ctx`; `None` for an unknown rule.
    pub fn fires(&self, id: &str, ctx: &Value) -> Option<bool> {
        self.rule(id).map(|r| r.holds(ctx))
    }

    /// Every question a rule reads (its `questions`, condition, message and values), sorted: what a
    /// response to its finding is about.
    pub fn inputs(&self, id: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .rule(id)
            .map(|r| r.def.questions.iter().chain(r.reads()).cloned().collect())
            .unwrap_or_default();
        out.sort();
        out.dedup();
        out
    }

    /// Runs every rule on a context whose hidden questions are already taken out, and returns
    /// every finding that fired (superseded ones included: see [`Critic::shown`]). With
    /// `previous` (all that fired before), rules that read none of the `changed` answers keep
    /// their earlier finding: after one answer changes, only the rules that read it run again.
    pub fn run_after(
        &self,
        q: &Questionnaire,
        ctx: &Value,
        previous: Option<(&[Finding], &HashSet<String>)>,
    ) -> Vec<Finding> {
        // (severity, question index, rule index): blockers first, then in questionnaire order,
        // then in the order of the packs.
        let mut findings: Vec<(Order, Finding)> = Vec::new();
        for (n, r) in self.rules.iter().enumerate() {
            let finding = match previous {
                Some((before, changed)) if !r.reads_any(changed) => {
                    before.iter().find(|f| f.rule == r.def.id).cloned()
                }
                _ => {
                    let ctx = r.context(ctx);
                    r.condition.is_true(&ctx).then(|| self.finding(q, r, &ctx))
                }
            };
            if let Some(f) = finding {
                let index = q.index_of(&f.question).unwrap_or(usize::MAX);
                findings.push(((std::cmp::Reverse(f.severity), index, n), f));
            }
        }
        findings.sort_by_key(|(key, _)| *key);
        findings.into_iter().map(|(_, f)| f).collect()
    }

    fn finding(&self, q: &Questionnaire, r: &Rule, ctx: &Value) -> Finding {
        let question = r.def.questions[0].clone();
        let section = q
            .index_of(&question)
            .map(|i| q.sections[q.section_of(i)].id.clone())
            .unwrap_or_default();
        Finding {
            rule: r.def.id.clone(),
            severity: r.def.severity,
            question,
            questions: r.def.questions.clone(),
            section,
            message: render_message(r.def.message.trim(), ctx).unwrap_or_else(|f| {
                format!(
                    "[rule `{}` in {}: the message could not be rendered{}: {}]",
                    r.def.id,
                    crate::text::path(&r.origin),
                    message_line(r.def.message.trim(), f.line),
                    f.message
                )
            }),
            reference: r.def.reference.clone(),
            response: None,
        }
    }

    /// Runs each rule's own cases; returns a description of every case that went wrong.
    pub fn run_cases(&self, q: &Questionnaire) -> Vec<String> {
        let mut failures = Vec::new();
        for rule in &self.rules {
            for (n, case) in rule.def.cases.iter().enumerate() {
                let (answers, _) = self.placeholders.strip(q, &case.answers);
                let ctx = AnswerContext::new(&answers);
                q.visibility_in(&ctx);
                let answers = Value::from_dyn_object(ctx);
                for (name, why) in rule.value_errors(&answers) {
                    failures.push(format!(
                        "{}: rule `{}` case {}: the value `{name}` cannot be computed: {why}",
                        crate::text::path(&rule.origin),
                        rule.def.id,
                        n + 1,
                    ));
                }
                let ctx = rule.context(&answers);
                let fired = rule.condition.is_true(&ctx);
                // A message that fails only on real answers (an unknown method, a division by
                // zero) would show as an error in the finding: the case is where it shows first.
                if fired && let Err(e) = render_message(&rule.def.message, &ctx) {
                    failures.push(format!(
                        "{}: rule `{}` case {}: the message cannot be rendered: {}",
                        crate::text::path(&rule.origin),
                        rule.def.id,
                        n + 1,
                        e.message
                    ));
                }
                if fired != case.fires {
                    failures.push(format!(
                        "{}: rule `{}` case {}: expected it to {}, it {}",
                        crate::text::path(&rule.origin),
                        rule.def.id,
                        n + 1,
                        if case.fires { "fire" } else { "stay quiet" },
                        if fired { "fired" } else { "did not fire" },
                    ));
                }
            }
        }
        failures
    }
}

/// A rule's `let` value checked: a name no question or helper has, an expression that
/// compiles and reads only answers and the rule's other values.
fn let_problems(
    name: &str,
    source: &str,
    q: &Questionnaire,
    lets: &BTreeMap<String, String>,
) -> Result<expr::Condition, String> {
    if !crate::questionnaire::is_valid_id(name) || expr::is_builtin_name(name) {
        return Err(format!(
            "`let` name `{name}` is not usable: {}",
            crate::questionnaire::ID_RULE
        ));
    }
    if q.get(name).is_some() {
        return Err(format!(
            "`let` name `{name}` is a question's id; pick another name"
        ));
    }
    let value =
        expr::compile(source).map_err(|e| format!("`let` `{name}` does not compile: {e}"))?;
    let unknown = expr::variables(&value)
        .into_iter()
        .find(|v| q.get(v).is_none() && !lets.contains_key(v));
    if let Some(other) = unknown {
        return Err(format!(
            "`let` `{name}` names `{other}`, which is not a question nor a value of the rule"
        ));
    }
    Ok(value)
}

/// A problem of the `n`th rule of a pack, `id`, at its line.
fn rule_problem(lines: &Lines<'_, RuleLines>, n: usize, id: &str, message: String) -> Problem {
    Problem {
        line: lines.of(|l| l.rules.get(n).map(|r| &r.id)),
        question: None,
        subject: format!("rule `{id}`"),
        message,
    }
}

/// Counts of findings by severity.
pub fn counts(findings: &[Finding]) -> BTreeMap<Severity, usize> {
    let mut out = BTreeMap::new();
    for f in findings {
        *out.entry(f.severity).or_insert(0) += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::checks::check_message;
    use super::*;
    use crate::expr::ConditionError;

    const Q: &str = "id = \"q\"\nversion = \"1\"\ntitle = \"Q\"\n[[sections]]\nid = \"s\"\n\
                     title = \"S\"\n[[sections.questions]]\nid = \"x\"\nkind = \"yes_no\"\n\
                     prompt = \"X?\"\n";

    /// A pack of rules `(id, supersedes)` that all fire when `x` is true.
    fn pack(rules: &[(&str, &[&str])]) -> String {
        let mut out = String::from("questionnaire = \"q\"\n");
        for (id, supersedes) in rules {
            out.push_str(&format!(
                "\n[[rules]]\nid = \"{id}\"\nseverity = \"warning\"\nquestions = [\"x\"]\n\
                 when = \"x\"\nmessage = \"{id} fired\"\nsupersedes = {supersedes:?}\n"
            ));
        }
        out
    }

    /// The packs loaded in order.
    fn load(packs: &[String]) -> Result<Critic, FileError> {
        let q = Questionnaire::from_str(Q, Path::new("q.toml")).unwrap();
        let mut critic = Critic::default();
        for (n, p) in packs.iter().enumerate() {
            critic.add_pack(p, Path::new(&format!("pack{n}.toml")), &q)?;
        }
        Ok(critic)
    }

    #[test]
    fn a_superseded_finding_is_left_out_only_when_the_other_fires() {
        let critic = load(&[pack(&[("wide", &["narrow"]), ("narrow", &[])])]).unwrap();
        let q = Questionnaire::from_str(Q, Path::new("q.toml")).unwrap();
        let yes: Answers = [("x".to_string(), crate::Answer::Bool(true))].into();
        let shown: Vec<String> = critic.run(&q, &yes).into_iter().map(|f| f.rule).collect();
        assert_eq!(shown, ["wide"]);
        let fired = |ids: &[&str]| -> Vec<Finding> {
            ids.iter()
                .map(|id| Finding {
                    rule: id.to_string(),
                    severity: Severity::Warning,
                    question: "x".into(),
                    questions: vec!["x".into()],
                    section: "s".into(),
                    message: String::new(),
                    reference: String::new(),
                    response: None,
                })
                .collect()
        };
        let rules = |f: Vec<Finding>| f.into_iter().map(|f| f.rule).collect::<Vec<_>>();
        assert_eq!(rules(critic.shown(&fired(&["narrow"]))), ["narrow"]);
        assert_eq!(rules(critic.shown(&fired(&["wide", "narrow"]))), ["wide"]);
    }

    #[test]
    fn a_rules_let_values_are_shared_by_its_condition_and_message() {
        let q = format!(
            "{Q}[[sections.questions]]\nid = \"notes\"\nkind = \"text\"\nprompt = \"Notes?\"\n"
        );
        let q = Questionnaire::from_str(&q, Path::new("q.toml")).unwrap();
        let rule = |lets: &str, when: &str| {
            format!(
                "questionnaire = \"q\"\n[[rules]]\nid = \"quoted\"\nseverity = \"warning\"\n\
                 questions = [\"x\"]\nlet = {{ {lets} }}\nwhen = \"{when}\"\n\
                 message = \"It says '{{{{ said }}}}'.\"\n"
            )
        };
        let said = "said = \"sentence_together(notes, ['set the'], ['test set'])\"";
        let mut critic = Critic::default();
        critic
            .add_pack(&rule(said, "x and answered(said)"), Path::new("r.toml"), &q)
            .unwrap();
        let answers = |notes: &str| -> Answers {
            [
                ("x".to_string(), crate::Answer::Bool(true)),
                ("notes".to_string(), crate::Answer::Text(notes.into())),
            ]
            .into()
        };
        let found = critic.run(
            &q,
            &answers("Tuned on validation. Set the margin on the test set."),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "It says 'Set the margin on the test set'."
        );
        assert!(
            critic
                .run(&q, &answers("The test set is read once."))
                .is_empty()
        );
        // The answers behind a value count as the rule's: a change to them runs it again.
        assert_eq!(critic.inputs("quoted"), ["notes", "x"]);
        // A trusted pack computes the same values when first asked.
        let mut trusted = Critic::default();
        trusted
            .add_trusted_pack(&rule(said, "x and answered(said)"), Path::new("r.toml"))
            .unwrap();
        assert_eq!(trusted.inputs("quoted"), ["notes", "x"]);
        let found = trusted.run(&q, &answers("Set the margin on the test set."));
        assert_eq!(
            found[0].message,
            "It says 'Set the margin on the test set'."
        );
        // A value may read another, whichever is written first.
        let mut chained = Critic::default();
        let lets = format!("long = \"said | length > 20\", {said}");
        chained
            .add_pack(&rule(&lets, "x and long"), Path::new("r.toml"), &q)
            .unwrap();
        let long = chained.run(&q, &answers("Set the margin on the test set."));
        assert_eq!(long.len(), 1);
        assert!(chained.run(&q, &answers("Set the test set.")).is_empty());

        // A value that fails on a case's answers is named by the cases, not left quiet.
        let mut failing = Critic::default();
        let pack = rule("said = \"notes + 1\"", "x and answered(said)")
            + "\n[[rules.cases]]\nfires = false\nanswers = { x = true, notes = \"a\" }\n";
        failing.add_pack(&pack, Path::new("r.toml"), &q).unwrap();
        let failures = failing.run_cases(&q);
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(
            failures[0].contains("case 1: the value `said` cannot be computed"),
            "{failures:?}"
        );

        let refused = |lets: &str, when: &str| {
            Critic::default()
                .add_pack(&rule(lets, when), Path::new("r.toml"), &q)
                .unwrap_err()
                .to_string()
        };
        let err = refused("x = \"notes\"", "x");
        assert!(err.contains("`let` name `x` is a question's id"), "{err}");
        let err = refused("a = \"b\", b = \"a\"", "answered(a)");
        assert!(
            err.contains("`let` values `a`, `b` read each other in a cycle"),
            "{err}"
        );
        let err = refused(&format!("{said}, more = \"other\""), "answered(more)");
        assert!(
            err.contains("`let` `more` names `other`, which is not a question nor a value"),
            "{err}"
        );
        let err = refused(said, "answered(other)");
        assert!(
            err.contains("`when` names `other`, which is not a question"),
            "{err}"
        );
    }

    #[test]
    fn supersedes_is_checked_at_load() {
        let err = load(&[pack(&[("a", &["nosuch"])])])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("rule `a`: `supersedes` names `nosuch`, which is not a rule"),
            "{err}"
        );
        let err = load(&[pack(&[("a", &["a"])])]).unwrap_err().to_string();
        assert!(
            err.contains("rule `a`: `supersedes` names the rule itself"),
            "{err}"
        );
        let err = load(&[pack(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"])])])
            .unwrap_err()
            .to_string();
        for id in ["a", "b", "c"] {
            assert!(
                err.contains(&format!("rule `{id}`: `supersedes` goes round in a cycle")),
                "{err}"
            );
        }
        assert!(err.contains("pack0.toml:"), "the line is named: {err}");
        // A team's pack may stand for a built-in rule; not the other way round (it loads first).
        assert!(load(&[pack(&[("built_in", &[])]), pack(&[("team", &["built_in"])])]).is_ok());
        let err = load(&[pack(&[("built_in", &["team"])]), pack(&[("team", &[])])])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`team`, which is not a rule"), "{err}");
    }

    #[test]
    fn messages_are_checked_at_load() {
        assert!(check_message(&"{{ ".repeat(3000)).is_err());
        let err = check_message("{{ task | nosuchfilter }}").unwrap_err();
        assert!(
            matches!(&err, checks::MessageError::Compile(ConditionError::Unknown(names)) if names == &["unknown filter `nosuchfilter`"]),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .starts_with("does not compile: unknown filter")
        );
        assert_eq!(
            check_message("Rate {{ positive_rate }}").unwrap(),
            ["positive_rate"]
        );
        let loops = "{% for x in items %}{{ loop.index }} {{ x }}{% endfor %}{{ range(3) | list }}";
        assert_eq!(check_message(loops).unwrap(), ["items"]);
        let err = check_message(
            "a\n{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
        );
        assert!(
            err.unwrap_err()
                .to_string()
                .contains("(line 2 of the message): it went over the work limit")
        );
    }

    /// A trusted pack works out what each rule reads when asked: the same as a checked one.
    #[test]
    fn trusted_rules_read_what_checked_ones_do() {
        let q = include_str!("../../questionnaires/ml-experiment.toml");
        let q = Questionnaire::from_str(q, Path::new("q")).unwrap();
        let (mut checked, mut trusted) = (Critic::default(), Critic::default());
        let toml = include_str!("../../questionnaires/ml-experiment.rules.toml");
        checked.add_pack(toml, Path::new("r"), &q).unwrap();
        trusted.add_trusted_pack(toml, Path::new("r")).unwrap();
        assert_eq!(checked.rules.len(), trusted.rules.len());
        for (c, t) in checked.rules.iter().zip(&trusted.rules) {
            assert!(c.reads.get().is_some() && t.reads.get().is_none());
            assert_eq!(c.reads(), t.reads(), "{}", c.def.id);
        }
    }

    /// The message limits leave the built-in rules ample room on the examples: the most any
    /// finding's message (or condition, rendered as a template) uses.
    #[test]
    fn the_built_in_rules_use_a_small_part_of_the_limits() {
        let bundle = crate::Bundle::builtin("ml-experiment").unwrap().unwrap();
        let q = &bundle.questionnaire;
        let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
        for path in std::fs::read_dir(examples)
            .unwrap()
            .map(|e| e.unwrap().path())
        {
            let name = path.file_stem().unwrap().to_string_lossy();
            let session =
                crate::Session::from_str(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
            let ctx = AnswerContext::new(&session.answers);
            q.visibility_in(&ctx);
            let ctx = Value::from_dyn_object(ctx);
            let (mut message_fuel, mut condition_fuel, mut bytes) = (0, 0, 0);
            for r in &bundle.critic.rules {
                let env = expr::environment();
                let ctx = r.context(&ctx);
                // A condition that fails to evaluate counts as false; it is not measured.
                let run = |source: &str| {
                    let t = env.template_from_str(source).unwrap();
                    expr::render_limited(&t, ctx.clone(), expr::MESSAGE_LIMITS).ok()
                };
                let when = run(&format!("{{{{ {} }}}}", r.def.when));
                condition_fuel = condition_fuel.max(when.map_or(0, |w| w.1));
                if r.condition.is_true(&ctx) {
                    let (text, fuel) = run(r.def.message.trim()).expect("a finding's message");
                    message_fuel = message_fuel.max(fuel);
                    bytes = bytes.max(text.len());
                }
            }
            eprintln!(
                "{name}: messages {message_fuel} fuel, {bytes} bytes; conditions {condition_fuel} fuel"
            );
            assert!(message_fuel.max(condition_fuel) * 50 < expr::MESSAGE_LIMITS.fuel);
            assert!(bytes * 50 < expr::MESSAGE_LIMITS.output);
        }
    }
}
