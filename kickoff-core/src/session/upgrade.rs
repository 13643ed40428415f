//! Answers of an older shape read into the shape their question has now: a list or a text
//! where a records question now stands becomes rows, each noted once; the questionnaire's own
//! `[[upgrades]]` read the answers of an older version into the questions of this one. Nothing
//! is dropped in silence.

use super::Session;
use crate::answer::{Answer, Cell, Row};
use crate::questionnaire::{Kind, Question, Questionnaire, is_older};
use crate::source::Problem;

impl Session {
    /// Converts the answers whose question became a records question: a list becomes a row
    /// an item, a text a row a non-empty line, each in the first column. Rows already there
    /// are put in the order of the columns. Returns a note for each conversion; answers of
    /// any other shape are left as they are (and reported by [`Session::problems`]). A session
    /// written for another version of the questionnaire takes this version, with a note.
    /// Long by design: each conversion is a few lines with its note beside it, in the order
    /// they are applied.
    pub fn upgrade(&mut self, q: &Questionnaire) -> Vec<Problem> {
        let mut notes = Vec::new();
        for (id, answer) in self.answers.iter_mut() {
            let Some(question) = q.get(id).filter(|x| x.kind == Kind::Records) else {
                continue;
            };
            let (what, pieces): (&str, Vec<&str>) = match answer {
                Answer::Records(rows) => {
                    for row in rows.iter_mut() {
                        order_cells(question, row);
                    }
                    continue;
                }
                Answer::List(items) => ("items", items.iter().map(String::as_str).collect()),
                Answer::Text(text) => ("lines", text.lines().collect()),
                _ => continue,
            };
            let Some(first) = question.columns.first() else {
                continue;
            };
            let rows: Vec<Row> = pieces
                .into_iter()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    // A piece that does not fit the column stays as text, to be reported.
                    let cell = match first.parse_cell(p) {
                        Ok(Some(cell)) => cell,
                        _ => Cell::Text(p.to_string()),
                    };
                    Row(vec![(first.id.clone(), cell)])
                })
                .collect();
            let n = rows.len();
            *answer = Answer::Records(rows);
            notes.push(Problem {
                line: None,
                subject: format!("answer `{id}`"),
                question: Some(id.clone()),
                message: format!(
                    "converted {n} {} to rows (into column `{}`); check the columns",
                    if n == 1 {
                        &what[..what.len() - 1]
                    } else {
                        what
                    },
                    first.id
                ),
            });
        }
        if self.questionnaire == q.id {
            for upgrade in &q.upgrades {
                if !is_older(&self.questionnaire_version, &upgrade.version) {
                    continue;
                }
                // The questionnaire says how: a note, like the version's, and no reason to
                // refuse the file.
                if let Some(message) = upgrade.apply(&mut self.answers) {
                    notes.push(Problem {
                        line: None,
                        subject: "session".into(),
                        question: None,
                        message: format!("answer `{}`: {message}", upgrade.question),
                    });
                }
            }
        }
        if self.questionnaire == q.id && self.questionnaire_version != q.version {
            notes.push(Problem {
                line: None,
                subject: "session".into(),
                question: None,
                message: format!(
                    "written for version {} of `{}`, read as version {} (saved so with the next change)",
                    self.questionnaire_version, q.id, q.version
                ),
            });
            self.questionnaire_version = q.version.clone();
        }
        notes
    }
}

/// The cells of the question's columns first, in their order; any other cell after them.
fn order_cells(question: &Question, row: &mut Row) {
    let rank = |id: &str| {
        question
            .columns
            .iter()
            .position(|c| c.id == id)
            .unwrap_or(usize::MAX)
    };
    row.0.sort_by_key(|(id, _)| rank(id));
}
