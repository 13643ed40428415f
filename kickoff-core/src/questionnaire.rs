//! The questionnaire: sections of typed questions, loaded from TOML and checked before use.
//! The format is documented in `questionnaires/README.md`.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::answer::{Answer, AnswerContext, Answers, Row};
use crate::expr;
use crate::expr::LazyCondition;
use crate::source::{Checks, FileError, IdSpan, Lines, Problem, parse_toml};

mod check;
mod columns;
mod upgrades;
pub use check::{ID_RULE, NumberSpec, check_answer, is_valid_id};
pub use columns::{CellError, Column, ColumnKind, parse_yes_no};
pub use upgrades::{Upgrade, is_older};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Text,
    LongText,
    Choice,
    MultiChoice,
    Number,
    YesNo,
    List,
    /// Rows with typed columns (an array of tables in the session file).
    Records,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::LongText => "long_text",
            Kind::Choice => "choice",
            Kind::MultiChoice => "multi_choice",
            Kind::Number => "number",
            Kind::YesNo => "yes_no",
            Kind::List => "list",
            Kind::Records => "records",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    #[serde(default)]
    pub label: String,
    /// In a multiple choice: ticked only on its own ("None yet"); ticking it clears the others,
    /// ticking another clears it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exclusive: bool,
    /// A hedge ("Not sure", "Not decided yet"): picking it leaves the question open, so it
    /// counts as unanswered everywhere, as a placeholder does (see `placeholder`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
}

impl Choice {
    pub fn label(&self) -> &str {
        if self.label.is_empty() {
            &self.value
        } else {
            &self.label
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub kind: Kind,
    pub prompt: String,
    /// A short name for the answer where the question itself would read as a form: the design
    /// doc's "**Kill criteria:** ...". Defaults to the prompt.
    #[serde(default)]
    pub label: String,
    /// Why the question matters, in the reviewer's words.
    #[serde(default)]
    pub help: String,
    /// Where the advice comes from, e.g. "MLTS Mon2; RoML 8".
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub placeholder: String,
    #[serde(default)]
    pub default: Option<toml::Value>,
    #[serde(default)]
    pub required: bool,
    /// Asked on the quick path too (`kickoff new --quick`): the few answers a kickoff meeting
    /// needs, and those the blocker rules read.
    #[serde(default)]
    pub essential: bool,
    /// A condition over earlier answers; the question is asked only when it is true.
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub choices: Vec<Choice>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub unit: Option<String>,
    #[serde(default)]
    pub integer: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    /// A regular expression the whole answer must match.
    pub pattern: Option<String>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    /// A secret answer is asked but never written to the session file.
    #[serde(default)]
    pub secret: bool,
    /// The columns of a records question.
    #[serde(default)]
    pub columns: Vec<Column>,
}

/// A unit that agrees with its number: "1 day", "1 model", but "1 ms", "2 days".
fn unit_for(n: f64, unit: &str) -> &str {
    let plural = unit.len() > 3 && unit.ends_with('s') && !unit.ends_with("ss");
    if n == 1.0 && plural {
        &unit[..unit.len() - 1]
    } else {
        unit
    }
}

impl Question {
    pub fn choice(&self, value: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.value == value)
    }

    /// The answer's name in the doc: `label`, or the prompt when there is none.
    pub fn doc_label(&self) -> &str {
        if self.label.is_empty() {
            &self.prompt
        } else {
            &self.label
        }
    }

    /// Ticks `value` in a multiple choice answer, or unticks it if it was ticked. An exclusive
    /// choice stays alone: ticking it clears the others, ticking another clears it. Items keep
    /// the questionnaire's order, so files diff well.
    pub fn toggle_choice(&self, selected: &mut Vec<String>, value: &str) {
        if let Some(p) = selected.iter().position(|s| s == value) {
            selected.remove(p);
            return;
        }
        if self.choice(value).is_some_and(|c| c.exclusive) {
            selected.clear();
        } else {
            selected.retain(|s| !self.choice(s).is_some_and(|c| c.exclusive));
        }
        selected.push(value.to_string());
        selected.sort_by_key(|s| self.choices.iter().position(|c| &c.value == s));
    }

    /// An exclusive choice ticked together with others, if any.
    pub fn exclusive_conflict(&self, items: &[String]) -> Option<&Choice> {
        if items.len() < 2 {
            return None;
        }
        items
            .iter()
            .filter_map(|s| self.choice(s))
            .find(|c| c.exclusive)
    }

    /// The default as an answer, if the question has one.
    pub fn default_answer(&self) -> Option<Answer> {
        self.default.clone().map(Answer::from_toml)
    }

    /// The answer in words, the one way every front end and output shows it: choice labels
    /// rather than values, the unit after a number, list items joined by `LIST_SEPARATOR`
    /// (items may hold commas). Line breaks in text are kept; a one-line view flattens them.
    pub fn answer_text(&self, a: &Answer) -> String {
        match (self.kind, a) {
            (Kind::Choice, Answer::Text(v)) => self.choice_label(v),
            (Kind::Records, Answer::Records(_)) => self.answer_items(a).join(LIST_SEPARATOR),
            (_, Answer::List(_)) => self.answer_items(a).join(LIST_SEPARATOR),
            (Kind::Number, Answer::Number(n)) => {
                let shown = crate::answer::format_grouped(*n);
                match self.unit.as_deref() {
                    // A fraction reads better as a percentage too: "0.002 (0.2%)".
                    Some("fraction") => {
                        let pct = format!("{:.4}", n * 100.0);
                        let pct = pct.trim_end_matches('0').trim_end_matches('.');
                        format!("{shown} ({pct}%)")
                    }
                    Some(u) => format!("{shown} {}", unit_for(*n, u)),
                    None => shown,
                }
            }
            _ => a.to_string(),
        }
    }

    /// A list answer's items in words (choice labels for a multiple choice), a records
    /// answer's rows ("Name: tenure, Known at prediction time: yes"); empty otherwise.
    pub fn answer_items(&self, a: &Answer) -> Vec<String> {
        match (self.kind, a) {
            (Kind::Records, Answer::Records(rows)) => rows
                .iter()
                .filter(|r| !r.is_empty())
                .map(|r| {
                    self.row_cells(r)
                        .into_iter()
                        .filter(|(_, text)| !text.trim().is_empty())
                        .map(|(label, text)| format!("{label}: {text}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .collect(),
            (Kind::MultiChoice, Answer::List(items)) => {
                items.iter().map(|v| self.choice_label(v)).collect()
            }
            (_, Answer::List(items)) => items.clone(),
            _ => Vec::new(),
        }
    }

    /// A row's cells in words with their headings: every column in order (empty text for an
    /// empty cell), then any cell of a column the question does not have, under its id.
    pub fn row_cells(&self, row: &Row) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .columns
            .iter()
            .map(|c| {
                let text = row.get(&c.id).map(|x| c.cell_text(x)).unwrap_or_default();
                (c.label().to_string(), text)
            })
            .collect();
        for (id, cell) in &row.0 {
            if !self.columns.iter().any(|c| &c.id == id) {
                out.push((id.clone(), cell.to_string()));
            }
        }
        out
    }

    /// A choice's label, or the value itself when it is not one of the choices.
    fn choice_label(&self, value: &str) -> String {
        self.choice(value)
            .map_or_else(|| value.to_string(), |c| c.label().to_string())
    }
}

/// How list items are joined when an answer is shown on one line.
pub const LIST_SEPARATOR: &str = "; ";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionnaireFile {
    id: String,
    version: String,
    title: String,
    #[serde(default)]
    description: String,
    /// The question whose answer names the project (header and doc title).
    #[serde(default)]
    title_question: Option<String>,
    #[serde(default)]
    sections: Vec<Section>,
    /// How answers written for older versions read in this one.
    #[serde(default, skip_serializing)]
    upgrades: Vec<Upgrade>,
}

/// A loaded, checked questionnaire with its conditions compiled.
#[derive(Debug)]
pub struct Questionnaire {
    pub id: String,
    pub version: String,
    pub title: String,
    pub description: String,
    pub title_question: Option<String>,
    pub sections: Vec<Section>,
    /// How answers written for older versions read in this one, in the file's order.
    pub upgrades: Vec<Upgrade>,
    /// (section index, question index) in asking order.
    order: Vec<(usize, usize)>,
    /// Shared with the doc's `question_ids`, which a render would otherwise copy.
    by_id: Arc<HashMap<String, usize>>,
    conditions: Vec<Option<LazyCondition>>,
}

impl Questionnaire {
    /// Parses and checks a questionnaire. `path` is only used in messages.
    pub fn from_str(source: &str, path: &Path) -> Result<Questionnaire, FileError> {
        Self::from_str_checked(source, path, Checks::All)
    }

    /// Parses a questionnaire checked as `checks` says: a trusted (built-in) one only has its
    /// conditions compiled.
    pub fn from_str_checked(
        source: &str,
        path: &Path,
        checks: Checks,
    ) -> Result<Questionnaire, FileError> {
        let file: QuestionnaireFile = parse_toml(source, path)?;
        build(file, source, path, checks)
    }

    /// Number of questions.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The question at a flat index (asking order).
    pub fn question(&self, index: usize) -> &Question {
        let (s, q) = self.order[index];
        &self.sections[s].questions[q]
    }

    /// The section a flat index belongs to.
    pub fn section_of(&self, index: usize) -> usize {
        self.order[index].0
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Every question id with its index in asking order, shared (not copied).
    pub fn ids(&self) -> Arc<HashMap<String, usize>> {
        self.by_id.clone()
    }

    pub fn get(&self, id: &str) -> Option<&Question> {
        self.index_of(id).map(|i| self.question(i))
    }

    /// Flat indices of a section's questions.
    pub fn section_range(&self, section: usize) -> std::ops::Range<usize> {
        let start = self.order.partition_point(|&(s, _)| s < section);
        let end = self.order.partition_point(|&(s, _)| s <= section);
        start..end
    }

    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        (0..self.len()).map(|i| self.question(i))
    }

    /// Whether a quick interview can be had: some question is marked `essential`.
    pub fn has_quick_path(&self) -> bool {
        self.questions().any(|q| q.essential)
    }

    /// Which questions are asked, given the answers. A question's condition sees only the
    /// answers of earlier questions that are themselves asked, so a hidden question's stale
    /// answer never shows other questions.
    pub fn visibility(&self, answers: &Answers) -> Vec<bool> {
        self.visibility_in(&AnswerContext::new(answers))
    }

    /// Works out visibility on a context, hiding the answers of questions that are not asked;
    /// afterwards the context holds exactly the asked answers (and those of unknown ids).
    pub fn visibility_in(&self, ctx: &std::sync::Arc<AnswerContext>) -> Vec<bool> {
        let mut visible = vec![true; self.len()];
        let value = minijinja::Value::from_dyn_object(ctx.clone());
        for (i, cond) in self.conditions.iter().enumerate() {
            let Some(cond) = cond else { continue };
            if !cond.is_true(&value) {
                visible[i] = false;
                ctx.hide(&self.question(i).id);
            }
        }
        visible
    }

    /// The answers of asked questions only: what rules and the doc reason on.
    pub fn visible_answers(&self, answers: &Answers, visible: &[bool]) -> Answers {
        answers
            .iter()
            .filter(|(k, a)| !a.is_empty() && self.index_of(k).is_some_and(|i| visible[i]))
            .map(|(k, a)| (k.clone(), a.clone()))
            .collect()
    }
}

/// Where each section and question is defined, for error lines.
#[derive(Deserialize)]
struct QuestionnaireLines {
    id: Option<toml::Spanned<String>>,
    #[serde(default)]
    sections: Vec<SectionLines>,
}

#[derive(Deserialize)]
struct SectionLines {
    id: toml::Spanned<String>,
    #[serde(default)]
    questions: Vec<QuestionLines>,
}

#[derive(Deserialize)]
struct QuestionLines {
    id: toml::Spanned<String>,
    #[serde(default)]
    columns: Vec<IdSpan>,
}

fn build(
    file: QuestionnaireFile,
    source: &str,
    path: &Path,
    checks: Checks,
) -> Result<Questionnaire, FileError> {
    let mut b = Builder {
        lines: Lines::new(source),
        all: checks == Checks::All,
        problems: Vec::new(),
    };
    let (order, by_id) = b.index(&file);
    let conditions = b.conditions(&file, &order, &by_id, checks);
    let questionnaire = Questionnaire {
        id: file.id,
        version: file.version,
        title: file.title,
        description: file.description,
        title_question: file.title_question,
        sections: file.sections,
        upgrades: file.upgrades,
        order,
        by_id: Arc::new(by_id),
        conditions,
    };
    let mut problems = b.problems;
    if checks == Checks::All {
        problems.extend(upgrades::problems_in(&questionnaire, checks));
    }
    if !problems.is_empty() {
        return Err(FileError::Invalid {
            path: path.to_path_buf(),
            problems,
        });
    }
    Ok(questionnaire)
}

/// A questionnaire being built from its file: the problems found so far, each at its line.
/// A trusted file (`all` false, the built-in one) is indexed and not checked.
struct Builder<'a> {
    lines: Lines<'a, QuestionnaireLines>,
    all: bool,
    problems: Vec<Problem>,
}

impl Builder<'_> {
    fn problem(&mut self, line: Option<usize>, subject: String, message: String) {
        self.problems.push(Problem {
            line,
            question: None,
            subject,
            message,
        });
    }

    fn section_line(&self, s: usize) -> Option<usize> {
        self.lines.of(|l| l.sections.get(s).map(|x| &x.id))
    }

    fn question_line(&self, s: usize, q: usize) -> Option<usize> {
        self.lines
            .of(|l| l.sections.get(s)?.questions.get(q).map(|x| &x.id))
    }

    fn column_line(&self, s: usize, q: usize, c: usize) -> Option<usize> {
        self.lines.of(|l| {
            let columns = &l.sections.get(s)?.questions.get(q)?.columns;
            columns.get(c).map(|x| &x.id)
        })
    }

    /// The questions in order (section, index in it) and by id; checks the ids, the sections
    /// and each question's definition.
    fn index(&mut self, file: &QuestionnaireFile) -> (Vec<(usize, usize)>, HashMap<String, usize>) {
        let all = self.all;
        if all && !is_valid_id(&file.id) {
            let message = format!("`id` `{}` is not usable: {ID_RULE}", file.id);
            let line = self.lines.of(|l| l.id.as_ref());
            self.problem(line, "questionnaire".into(), message);
        }
        if all && file.sections.is_empty() {
            self.problem(None, "questionnaire".into(), "has no sections".into());
        }
        let mut order = Vec::new();
        let mut by_id = HashMap::new();
        let mut section_ids = HashSet::new();
        for (s, section) in file.sections.iter().enumerate() {
            if all && !section_ids.insert(section.id.as_str()) {
                let line = self.section_line(s);
                self.problem(
                    line,
                    format!("section `{}`", section.id),
                    "duplicate section id".into(),
                );
            }
            if all && section.questions.is_empty() {
                let line = self.section_line(s);
                self.problem(
                    line,
                    format!("section `{}`", section.id),
                    "has no questions".into(),
                );
            }
            for (q, question) in section.questions.iter().enumerate() {
                let duplicate = by_id.insert(question.id.clone(), order.len()).is_some();
                order.push((s, q));
                if !all {
                    continue;
                }
                let subject = format!("question `{}`", question.id);
                if duplicate {
                    let line = self.question_line(s, q);
                    self.problem(line, subject.clone(), "duplicate question id".into());
                }
                for (column, message) in check::definition(question) {
                    let line = column
                        .and_then(|c| self.column_line(s, q, c))
                        .or_else(|| self.question_line(s, q));
                    self.problem(line, subject.clone(), message);
                }
            }
        }
        if let Some(t) = &file.title_question
            && all
            && !by_id.contains_key(t)
        {
            self.problem(
                None,
                "questionnaire".into(),
                format!("`title_question` names unknown question `{t}`"),
            );
        }
        (order, by_id)
    }

    /// Each question's `when`: compiled and checked (it names only questions asked before),
    /// or, in a trusted file, compiled when first evaluated.
    fn conditions(
        &mut self,
        file: &QuestionnaireFile,
        order: &[(usize, usize)],
        by_id: &HashMap<String, usize>,
        checks: Checks,
    ) -> Vec<Option<LazyCondition>> {
        let mut conditions = Vec::with_capacity(order.len());
        for (i, &(s, q)) in order.iter().enumerate() {
            let question = &file.sections[s].questions[q];
            let Some(when) = question.when.as_deref() else {
                conditions.push(None);
                continue;
            };
            if !self.all {
                conditions.push(Some(LazyCondition::lazy(when)));
                continue;
            }
            let subject = format!("question `{}`", question.id);
            let line = self.question_line(s, q);
            match expr::compile_checked(when, checks) {
                Err(e) => {
                    self.problem(line, subject, format!("`when` does not compile: {e}"));
                    conditions.push(None);
                }
                Ok(cond) => {
                    for name in expr::variables(&cond) {
                        let message = match by_id.get(&name) {
                            None => format!("`when` names `{name}`, which is not a question"),
                            Some(&j) if j >= i => format!(
                                "`when` names `{name}`, which is not asked before this question"
                            ),
                            Some(_) => continue,
                        };
                        self.problem(line, subject.clone(), message);
                    }
                    conditions.push(Some(LazyCondition::compiled(when, cond)));
                }
            }
        }
        conditions
    }
}
