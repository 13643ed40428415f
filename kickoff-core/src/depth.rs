//! The quick path (`kickoff new --quick`): a session that asks only the questions marked
//! `essential`. The others, while unanswered, are *pending*: not asked, not open, and a finding
//! that rests on one waits for the full interview instead of being shown. A finding rests on a
//! pending question when it points at it, or when some answer to it would make the finding go
//! away: a quick session is told only what no later answer can change.

use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object};

use crate::answer::{Answer, AnswerContext, Answers, Cell, Row};
use crate::critic::{Critic, Finding};
use crate::questionnaire::{ColumnKind, Kind, Question, Questionnaire};
use crate::session::Depth;

/// Which questions wait for the full interview: asked by their condition, not essential, and
/// without an answer. All false for a full session, or a questionnaire with no essentials.
pub fn pending(q: &Questionnaire, depth: Depth, answers: &Answers, visible: &[bool]) -> Vec<bool> {
    if depth.is_full() || !q.has_quick_path() {
        return vec![false; visible.len()];
    }
    (0..q.len())
        .map(|i| {
            let question = q.question(i);
            visible[i]
                && !question.essential
                && answers.get(&question.id).is_none_or(Answer::is_empty)
        })
        .collect()
}

/// What a quick session leaves for the full interview, in a sentence: how many questions are
/// not asked yet, which findings wait for them, and how to go on. `None` when nothing waits.
pub fn summary(pending: &[bool], deferred: &[Finding], file: &str) -> Option<String> {
    let questions = pending.iter().filter(|&&p| p).count();
    if questions == 0 && deferred.is_empty() {
        return None;
    }
    let waiting = match deferred.len() {
        0 => String::new(),
        n => {
            let mut names: Vec<String> = deferred.iter().take(5).map(|f| f.rule.clone()).collect();
            if n > names.len() {
                names.push(format!("{} more", n - names.len()));
            }
            format!(
                ", and {} {} for their answers ({})",
                crate::text::plural(n, "finding", None),
                if n == 1 { "waits" } else { "wait" },
                names.join(", ")
            )
        }
    };
    Some(format!(
        "Quick kickoff: {} of the full interview {} not asked yet{waiting}. Go on with \
         `kickoff resume --full {file}`.",
        crate::text::plural(questions, "question", None),
        if questions == 1 { "is" } else { "are" }
    ))
}

/// Splits `findings` into those that stand and those that wait for answers the quick path
/// did not ask (see the module's doc). `ctx` holds the answers the rules ran on.
pub fn defer(
    critic: &Critic,
    q: &Questionnaire,
    ctx: &Arc<AnswerContext>,
    pending: &[bool],
    findings: Vec<Finding>,
) -> (Vec<Finding>, Vec<Finding>) {
    let is_pending = |id: &str| q.index_of(id).is_some_and(|i| pending[i]);
    if !pending.iter().any(|&p| p) {
        return (findings, Vec::new());
    }
    findings.into_iter().partition(|f| {
        if is_pending(&f.question) {
            return false;
        }
        // Findings of a team's rule that reads no question are kept as they are.
        let waits = critic.inputs(&f.rule).iter().any(|id| {
            is_pending(id)
                && q.get(id).is_some_and(|question| {
                    probes(question).into_iter().any(|value| {
                        let probe = Value::from_object(Probe {
                            base: ctx.clone(),
                            id: id.clone(),
                            value,
                        });
                        critic.fires(&f.rule, &probe) == Some(false)
                    })
                })
        });
        !waits
    })
}

/// The pending questions a deferred finding waits for: its own question if pending, and the
/// pending ones its rule reads, in the questionnaire's order.
pub fn waits_on<'a>(
    critic: &Critic,
    q: &'a Questionnaire,
    pending: &[bool],
    finding: &Finding,
) -> Vec<&'a Question> {
    let inputs = critic.inputs(&finding.rule);
    (0..q.len())
        .filter(|&i| pending.get(i).copied().unwrap_or(false))
        .map(|i| q.question(i))
        .filter(|x| x.id == finding.question || inputs.contains(&x.id))
        .collect()
}

/// A few answers of `question`'s kind, enough to tell whether a finding depends on it being
/// empty or on the value it will get: every choice, both yes and no, the ends of a number's
/// range, and a plain written answer with figures in it.
fn probes(question: &Question) -> Vec<Value> {
    const TEXT: &str = "A considered answer, written out with the figures that back it: 12 \
                        units, 3 teams, 30 days, 0.5 of the budget.";
    let answers = match question.kind {
        Kind::Text | Kind::LongText => vec![Answer::Text(TEXT.into())],
        Kind::List => vec![Answer::List(vec![TEXT.into()])],
        Kind::YesNo => vec![Answer::Bool(true), Answer::Bool(false)],
        Kind::Choice => question
            .choices
            .iter()
            .map(|c| Answer::Text(c.value.clone()))
            .collect(),
        Kind::MultiChoice => question
            .choices
            .iter()
            .map(|c| Answer::List(vec![c.value.clone()]))
            .collect(),
        Kind::Number => {
            let low = question.min.unwrap_or(0.0);
            let high = question.max.unwrap_or(low.max(0.0) + 1e6);
            vec![
                Answer::Number(low),
                Answer::Number((low + high) / 2.0),
                Answer::Number(high),
            ]
        }
        Kind::Records => [true, false]
            .into_iter()
            .map(|yes| {
                let row = question.columns.iter().map(|c| {
                    let cell = match c.kind {
                        ColumnKind::Text => Cell::Text(TEXT.into()),
                        ColumnKind::Number => Cell::Number(c.min.unwrap_or(1.0)),
                        ColumnKind::YesNo => Cell::Bool(yes),
                        ColumnKind::Choice => Cell::Text(
                            c.choices
                                .first()
                                .map(|c| c.value.clone())
                                .unwrap_or_default(),
                        ),
                    };
                    (c.id.clone(), cell)
                });
                Answer::Records(vec![Row(row.collect())])
            })
            .collect(),
    };
    answers.iter().map(Answer::to_value).collect()
}

/// The answers the rules ran on, with one pending question answered.
#[derive(Debug)]
struct Probe {
    base: Arc<AnswerContext>,
    id: String,
    value: Value,
}

impl Object for Probe {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        if key.as_str() == Some(self.id.as_str()) {
            return Some(self.value.clone());
        }
        self.base.get_value(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let Enumerator::Values(mut keys) = self.base.enumerate() else {
            return Enumerator::NonEnumerable;
        };
        keys.push(Value::from(self.id.as_str()));
        Enumerator::Values(keys)
    }
}
