//! The readout form's state: one item a part of `[readout]`, each edited with the interview's
//! own widget ([`Field`]: a line of text, yes/no, a list, the records grid), and the readout
//! read back from them. A cell that is not a number yet (or a count left blank) is a *draft*:
//! shown, named by its field, and not saved until it is one; anything else typed is saved as it
//! is, and the checks name what does not make sense.

use crate::answer::{Answer, Cell, Row};
use crate::questionnaire::Question;
use crate::readout::{Arm, Guardrail, Holdout, Readout};
use crate::session::Session;

use super::super::field::Field;

/// The parts of the readout, in the order the form asks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Metric,
    Started,
    Ended,
    /// A rate (successes / trials) or a mean (mean, sd, n): the arms' columns follow it.
    Kind,
    Arms,
    Split,
    LookedEarly,
    LookedOn,
    Guardrails,
    Holdout,
    AlsoPrimary,
}

pub const ITEMS: [Item; 11] = [
    Item::Metric,
    Item::Started,
    Item::Ended,
    Item::Kind,
    Item::Arms,
    Item::Split,
    Item::LookedEarly,
    Item::LookedOn,
    Item::Guardrails,
    Item::Holdout,
    Item::AlsoPrimary,
];

impl Item {
    pub fn label(self) -> &'static str {
        match self {
            Item::Metric => "Primary metric analysed",
            Item::Started => "First day of the test",
            Item::Ended => "Last day of the test",
            Item::Kind => "The metric is",
            Item::Arms => "Arms (the first is the control)",
            Item::Split => "Planned split",
            Item::LookedEarly => "Results looked at before the last day?",
            Item::LookedOn => "First looked at on",
            Item::Guardrails => "Guardrails observed",
            Item::Holdout => "Offline holdout results under a kill criterion",
            Item::AlsoPrimary => "Other metrics also read as primary",
        }
    }
}

/// The fields' questions, one table an item (the `kind` item is drawn as a toggle).
const FORM: &str = include_str!("form.toml");

/// The question the widget of an item edits (its kind, columns and placeholders).
fn question(item: Item, rate: bool) -> Question {
    let key = match item {
        Item::Metric => "metric",
        Item::Started | Item::Ended | Item::LookedOn => "date",
        Item::Kind => "kind",
        Item::Arms if rate => "arms_rate",
        Item::Arms => "arms_mean",
        Item::Split => "split",
        Item::LookedEarly => "looked_early",
        Item::Guardrails => "guardrails",
        Item::Holdout => "holdout",
        Item::AlsoPrimary => "also_primary",
    };
    let form: toml::Table = toml::from_str(FORM).expect("the built-in readout form");
    form[key]
        .clone()
        .try_into()
        .expect("a built-in readout question")
}

/// A value typed that cannot be saved yet, named by its field.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for Draft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "readout `{}`: {}", self.field, self.message)
    }
}

/// The form: a question and a widget per item, the focused item.
#[derive(Debug)]
pub struct Form {
    pub questions: Vec<Question>,
    pub fields: Vec<Field>,
    pub rate: bool,
    pub focus: usize,
}

fn text_answer(s: &str) -> Option<Answer> {
    (!s.trim().is_empty()).then(|| Answer::Text(s.to_string()))
}

fn row(cells: Vec<(&str, Option<Cell>)>) -> Row {
    Row(cells
        .into_iter()
        .filter_map(|(k, c)| c.map(|c| (k.to_string(), c)))
        .collect())
}

fn num(x: Option<f64>) -> Option<Cell> {
    x.map(Cell::Number)
}

fn int(x: Option<i64>) -> Option<Cell> {
    x.map(|n| Cell::Number(n as f64))
}

/// The plan's guardrails by name (the rows of `guardrail_metrics` whose role is `guardrail`).
fn plan_guardrails(session: &Session) -> Vec<String> {
    let Some(Answer::Records(rows)) = session.answers.get("guardrail_metrics") else {
        return Vec::new();
    };
    rows.iter()
        .filter(|r| matches!(r.get("role"), Some(Cell::Text(t)) if t == "guardrail"))
        .filter_map(|r| match r.get("name") {
            Some(Cell::Text(t)) if !t.trim().is_empty() => Some(t.clone()),
            _ => None,
        })
        .collect()
}

impl Form {
    /// The form for `session`: its saved readout, or the plan's metric, two arms and the plan's
    /// guardrails to fill in. Long by design, as is [`Form::readout`], its inverse: one line a
    /// field of the readout, so the two directions of the mapping read side by side.
    pub fn new(session: &Session, saved: Option<&Readout>) -> Form {
        let fresh;
        let r = match saved {
            Some(r) => r,
            None => {
                fresh = Readout {
                    metric: session
                        .answers
                        .get("business_metric")
                        .map(|a| a.to_string())
                        .unwrap_or_default(),
                    arms: vec![
                        Arm {
                            name: "control".into(),
                            ..Arm::default()
                        },
                        Arm {
                            name: "treatment".into(),
                            ..Arm::default()
                        },
                    ],
                    ..Readout::default()
                };
                &fresh
            }
        };
        let rate = saved.is_none_or(|r| r.is_rate() || r.arms.iter().all(|a| a.mean.is_none()));
        let fresh_arms = saved.is_none();
        let arms: Vec<Row> = r
            .arms
            .iter()
            .map(|a| {
                let units = (!fresh_arms).then_some(a.units);
                row(vec![
                    ("name", Some(Cell::Text(a.name.clone()))),
                    ("units", int(units)),
                    ("successes", int(a.successes)),
                    ("trials", int(a.trials)),
                    ("mean", num(a.mean)),
                    ("sd", num(a.sd)),
                    ("n", int(a.n)),
                ])
            })
            .collect();
        let mut guardrails: Vec<Row> = r
            .guardrails
            .iter()
            .map(|g| {
                row(vec![
                    ("name", Some(Cell::Text(g.name.clone()))),
                    ("observed", Some(Cell::Number(g.observed))),
                    ("control", num(g.control)),
                ])
            })
            .collect();
        // Every guardrail of the plan has its row, measured or not.
        for name in plan_guardrails(session) {
            let have = guardrails.iter().any(
                |g| matches!(g.get("name"), Some(Cell::Text(t)) if t.eq_ignore_ascii_case(&name)),
            );
            if !have {
                guardrails.push(row(vec![("name", Some(Cell::Text(name)))]));
            }
        }
        let holdout: Vec<Row> = r
            .holdout
            .iter()
            .map(|h| {
                row(vec![
                    ("metric", Some(Cell::Text(h.metric.clone()))),
                    ("observed", Some(Cell::Number(h.observed))),
                    ("kill_below", num(h.kill_below)),
                    ("kill_above", num(h.kill_above)),
                ])
            })
            .collect();
        let split = r
            .split
            .iter()
            .map(|s| crate::answer::format_number(*s))
            .collect::<Vec<_>>()
            .join("/");
        let records = |rows: Vec<Row>| (!rows.is_empty()).then_some(Answer::Records(rows));
        let answers: Vec<Option<Answer>> = ITEMS
            .iter()
            .map(|item| match item {
                Item::Metric => text_answer(&r.metric),
                Item::Started => text_answer(&r.started),
                Item::Ended => text_answer(&r.ended),
                Item::Kind => None,
                Item::Arms => records(arms.clone()),
                Item::Split => text_answer(&split),
                Item::LookedEarly => saved.map(|r| Answer::Bool(r.looked_early)),
                Item::LookedOn => text_answer(&r.looked_on),
                Item::Guardrails => records(guardrails.clone()),
                Item::Holdout => records(holdout.clone()),
                Item::AlsoPrimary => {
                    (!r.also_primary.is_empty()).then(|| Answer::List(r.also_primary.clone()))
                }
            })
            .collect();
        let questions: Vec<Question> = ITEMS.iter().map(|i| question(*i, rate)).collect();
        let fields = questions
            .iter()
            .zip(&answers)
            .map(|(q, a)| Field::new(q, a.as_ref()))
            .collect();
        Form {
            questions,
            fields,
            rate,
            focus: 0,
        }
    }

    pub fn item(&self) -> Item {
        ITEMS[self.focus]
    }

    pub fn index(item: Item) -> usize {
        ITEMS.iter().position(|i| *i == item).unwrap_or(0)
    }

    pub fn field(&self, item: Item) -> &Field {
        &self.fields[Form::index(item)]
    }

    pub fn question(&self, item: Item) -> &Question {
        &self.questions[Form::index(item)]
    }

    /// Rate or mean: the arms' columns change, the cells typed stay (by column id).
    pub fn set_rate(&mut self, rate: bool) {
        if rate == self.rate {
            return;
        }
        self.rate = rate;
        let i = Form::index(Item::Arms);
        let answer = self.fields[i].answer();
        self.questions[i] = question(Item::Arms, rate);
        self.fields[i] = Field::new(&self.questions[i], answer.as_ref());
    }

    fn text(&self, item: Item) -> String {
        self.field(item)
            .answer()
            .map(|a| a.to_string())
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    fn rows(&self, item: Item) -> Vec<Row> {
        match self.field(item).answer() {
            Some(Answer::Records(rows)) => rows,
            _ => Vec::new(),
        }
    }

    /// The readout as typed, or the first value that cannot be saved yet. Long by design:
    /// the inverse of [`Form::new`], one line a field.
    pub fn readout(&self) -> Result<Readout, Draft> {
        let draft = |field: String, message: String| Draft { field, message };
        let number = |cell: Option<&Cell>, field: &str| -> Result<Option<f64>, Draft> {
            match cell {
                None => Ok(None),
                Some(Cell::Number(n)) => Ok(Some(*n)),
                Some(Cell::Text(t)) if t.trim().is_empty() => Ok(None),
                Some(c) => Err(draft(
                    field.to_string(),
                    format!("`{}` is not a number", c.to_string().trim()),
                )),
            }
        };
        let count = |cell: Option<&Cell>, field: &str| -> Result<Option<i64>, Draft> {
            match number(cell, field)? {
                Some(n) if n.fract() != 0.0 || !n.is_finite() => Err(draft(
                    field.to_string(),
                    format!("{} is not a whole number", crate::answer::format_number(n)),
                )),
                n => Ok(n.map(|n| n as i64)),
            }
        };
        let name_of = |row: &Row, id: &str| match row.get(id) {
            Some(c) => c.to_string().trim().to_string(),
            None => String::new(),
        };
        let mut r = Readout {
            metric: self.text(Item::Metric),
            started: self.text(Item::Started),
            ended: self.text(Item::Ended),
            looked_early: matches!(
                self.field(Item::LookedEarly).answer(),
                Some(Answer::Bool(true))
            ),
            looked_on: self.text(Item::LookedOn),
            ..Readout::default()
        };
        if !r.looked_early {
            r.looked_on.clear();
        }
        for (i, row) in self.rows(Item::Arms).iter().enumerate() {
            let f = |x: &str| format!("arms[{i}].{x}");
            let Some(units) = count(row.get("units"), &f("units"))? else {
                return Err(draft(
                    f("units"),
                    "give the units assigned to this arm".into(),
                ));
            };
            let mut arm = Arm {
                name: name_of(row, "name"),
                units,
                ..Arm::default()
            };
            if self.rate {
                arm.successes = count(row.get("successes"), &f("successes"))?;
                arm.trials = count(row.get("trials"), &f("trials"))?;
            } else {
                arm.mean = number(row.get("mean"), &f("mean"))?;
                arm.sd = number(row.get("sd"), &f("sd"))?;
                arm.n = count(row.get("n"), &f("n"))?;
            }
            r.arms.push(arm);
        }
        let split = self.text(Item::Split);
        for piece in split
            .split(['/', ',', ':', ' '])
            .filter(|p| !p.trim().is_empty())
        {
            let share = piece.trim().trim_end_matches('%');
            let x: f64 = share.parse().map_err(|_| {
                draft(
                    "split".into(),
                    format!("`{piece}` is not a share (write 50/50, or 90/10)"),
                )
            })?;
            r.split.push(x);
        }
        for (i, row) in self.rows(Item::Guardrails).iter().enumerate() {
            let observed = number(row.get("observed"), &format!("guardrails[{i}].observed"))?;
            let control = number(row.get("control"), &format!("guardrails[{i}].control"))?;
            // A guardrail with no value is not measured: the checks say so.
            if let Some(observed) = observed {
                r.guardrails.push(Guardrail {
                    name: name_of(row, "name"),
                    observed,
                    control,
                });
            }
        }
        for (i, row) in self.rows(Item::Holdout).iter().enumerate() {
            let f = |x: &str| format!("holdout[{i}].{x}");
            let Some(observed) = number(row.get("observed"), &f("observed"))? else {
                return Err(draft(
                    f("observed"),
                    "give the result on the holdout".into(),
                ));
            };
            r.holdout.push(Holdout {
                metric: name_of(row, "metric"),
                observed,
                kill_below: number(row.get("kill_below"), &f("kill_below"))?,
                kill_above: number(row.get("kill_above"), &f("kill_above"))?,
            });
        }
        if let Some(Answer::List(items)) = self.field(Item::AlsoPrimary).answer() {
            r.also_primary = items;
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each item's field reads from the form file, the arms with the columns of their kind.
    #[test]
    fn every_item_has_its_question() {
        for rate in [true, false] {
            for item in ITEMS {
                let q = question(item, rate);
                assert!(!q.prompt.is_empty(), "{item:?}");
            }
            let columns: Vec<String> = question(Item::Arms, rate)
                .columns
                .iter()
                .map(|c| c.id.clone())
                .collect();
            let expected = if rate { "successes" } else { "mean" };
            assert!(columns.iter().any(|c| c == expected), "{columns:?}");
        }
    }
}
