//! How answers written for an older version of a questionnaire read in this one: a question
//! that folds an older one in (`[[upgrades]]` in the questionnaire file) takes the answer the
//! first case whose condition holds on the old answers gives it. Nothing is dropped in
//! silence: each upgrade applied is a note naming the answers it read.

use serde::Deserialize;

use crate::answer::{Answer, Answers, context_of};
use crate::expr;
use crate::source::{Checks, Problem};

use super::{Questionnaire, check_answer};

/// One question whose answer is worked out from the answers of an older version.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upgrade {
    /// The version that made the change: sessions written for an older version are upgraded.
    pub version: String,
    /// The question whose answer is set.
    pub question: String,
    /// The first case whose `when` holds on the old answers gives the answer.
    pub cases: Vec<UpgradeCase>,
    /// Answers to questions this version no longer asks, read into `question` and removed.
    #[serde(default)]
    pub retires: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpgradeCase {
    /// A condition on the answers as the older version wrote them.
    pub when: String,
    pub value: Answer,
}

/// Whether version `a` comes before version `b`: dotted numbers compared part by part;
/// versions that are not numbers are only told apart.
pub fn is_older(a: &str, b: &str) -> bool {
    let parts = |v: &str| {
        v.split('.')
            .map(|p| p.trim().parse::<u64>().ok())
            .collect::<Option<Vec<_>>>()
    };
    match (parts(a), parts(b)) {
        (Some(a), Some(b)) => a < b,
        _ => a != b,
    }
}

/// What is wrong with each of questionnaire `q`'s upgrades, each naming its question.
pub(super) fn problems_in(q: &Questionnaire, checks: Checks) -> Vec<Problem> {
    let mut out = Vec::new();
    for upgrade in &q.upgrades {
        for message in upgrade.problems(q, checks) {
            out.push(Problem {
                line: None,
                question: None,
                subject: format!("upgrade of `{}`", upgrade.question),
                message,
            });
        }
    }
    out
}

impl Upgrade {
    /// What is wrong with this upgrade in questionnaire `q`: the question it sets, each
    /// case's condition and value. The conditions may name questions `q` no longer has.
    pub fn problems(&self, q: &Questionnaire, checks: Checks) -> Vec<String> {
        let Some(question) = q.get(&self.question) else {
            return vec![format!("`question` `{}` is not a question", self.question)];
        };
        let mut out = Vec::new();
        if self.cases.is_empty() {
            out.push("has no `cases`".into());
        }
        for (i, case) in self.cases.iter().enumerate() {
            if let Err(e) = expr::compile_checked(&case.when, checks) {
                out.push(format!("case {}: `when` does not compile: {e}", i + 1));
            }
            for message in check_answer(question, &case.value) {
                out.push(format!("case {}: `value` {message}", i + 1));
            }
        }
        for id in &self.retires {
            if q.get(id).is_some() {
                out.push(format!(
                    "`retires` names `{id}`, which this version still asks"
                ));
            }
        }
        out
    }

    /// Applies the upgrade to `answers` (written for an older version): the first case that
    /// holds sets the question's answer, and the retired answers are removed. Returns a note
    /// naming what was read; `None` when there was nothing to read. Retired answers no case
    /// reads are removed too, and the note names them, so the file reads in this version.
    pub fn apply(&self, answers: &mut Answers) -> Option<String> {
        let ctx = context_of(answers.iter());
        let case = self.cases.iter().find(|c| {
            expr::compile(&c.when)
                .map(|cond| expr::is_true(&cond, &ctx))
                .unwrap_or(false)
        });
        let named = |ids: &mut dyn Iterator<Item = &String>| {
            ids.filter_map(|id| {
                let a = answers.get(id).filter(|a| !a.is_empty())?;
                Some(format!("`{id}` ({a})"))
            })
            .collect::<Vec<_>>()
            .join(" and ")
        };
        let note = match case {
            Some(case) => {
                let read = named(&mut std::iter::once(&self.question).chain(&self.retires));
                let note = format!(
                    "version {} asks it differently: read {} as `{}`",
                    self.version,
                    if read.is_empty() {
                        "no answer".into()
                    } else {
                        read
                    },
                    case.value
                );
                answers.insert(self.question.clone(), case.value.clone());
                note
            }
            None => {
                let read = named(&mut self.retires.iter());
                if read.is_empty() {
                    return None;
                }
                format!(
                    "version {} asks it differently, and no longer asks {read}, which says \
                     nothing here without it: answer `{}` again",
                    self.version, self.question
                )
            }
        };
        for id in &self.retires {
            answers.remove(id);
        }
        Some(note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_as_numbers() {
        assert!(is_older("3", "4"));
        assert!(is_older("3.9", "3.10"));
        assert!(!is_older("4", "4"));
        assert!(!is_older("10", "4"));
        assert!(is_older("draft", "4"));
    }
}
