//! `update`'s part for ^Z and ^Y across the session: after the focused text's own steps, the
//! last answer changed comes back, whatever its kind (a choice or a yes/no just made, a text
//! after the focus left it, an answer ^X cleared), and the focus goes to its question.

use super::super::app::App;
use super::super::field::Field;
use super::super::msg::Cmd;
use crate::answer::Answer;

/// One answer changed: what it was and what it became.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerChange {
    pub question: String,
    pub before: Option<Answer>,
    pub after: Option<Answer>,
}

/// The answers changed this session, to take back and put again.
#[derive(Debug, Default)]
pub struct AnswerHistory {
    undo: Vec<AnswerChange>,
    redo: Vec<AnswerChange>,
    /// The question whose change at the top of `undo` is still being typed: the next change
    /// to it joins that one (a text is one step however many keys made it), until the focus
    /// leaves.
    typing: Option<String>,
}

/// How many answer changes ^Z can take back.
const MOST: usize = 200;

impl AnswerHistory {
    /// An answer changed from `before` to `after`. `typed`: a text, a number, a list or a
    /// grid, whose keys join one change while the focus stays.
    pub fn record(
        &mut self,
        question: &str,
        before: Option<Answer>,
        after: Option<Answer>,
        typed: bool,
    ) {
        self.redo.clear();
        if typed
            && self.typing.as_deref() == Some(question)
            && let Some(top) = self.undo.last_mut()
            && top.question == question
        {
            top.after = after;
            return;
        }
        self.undo.push(AnswerChange {
            question: question.to_string(),
            before,
            after,
        });
        if self.undo.len() > MOST {
            self.undo.remove(0);
        }
        self.typing = typed.then(|| question.to_string());
    }

    /// The focus left a question: its next change is a step of its own.
    pub fn focus_left(&mut self) {
        self.typing = None;
    }
}

/// ^Z (`back`) or ^Y: the focused widget's own step first, else the last answer changed (or
/// undone). Changes that no longer change anything (a text typed back to what it was) are
/// passed over.
pub fn step(app: &mut App, back: bool) -> Vec<Cmd> {
    let q = app.interview.focused();
    let own = if back {
        app.field.undo(q)
    } else {
        app.field.redo(q)
    };
    if own {
        return super::answer_changed(app);
    }
    let history = &mut app.history;
    history.typing = None;
    loop {
        let from = if back {
            &mut history.undo
        } else {
            &mut history.redo
        };
        let Some(change) = from.pop() else {
            app.banner = Some(super::Banner::info(if back {
                "Nothing more to undo."
            } else {
                "Nothing to redo."
            }));
            return Vec::new();
        };
        let want = if back {
            change.before.clone()
        } else {
            change.after.clone()
        };
        if app.interview.session().answers.get(&change.question) == want.as_ref() {
            continue;
        }
        if back {
            history.redo.push(change.clone());
        } else {
            history.undo.push(change.clone());
        }
        return restore(app, &change.question, want, back);
    }
}

/// Puts `answer` back as the answer of `id`, the focus on its question, and says so.
fn restore(app: &mut App, id: &str, answer: Option<Answer>, back: bool) -> Vec<Cmd> {
    app.number_drafts.remove(id);
    app.interview.set_answer(id, answer);
    let mut cmds = vec![Cmd::Save];
    let questionnaire = &app.interview.bundle().questionnaire;
    let prompt = questionnaire
        .get(id)
        .map(|q| q.prompt.clone())
        .unwrap_or_else(|| id.to_string());
    match questionnaire.index_of(id) {
        Some(i) if app.interview.focus() == i => {}
        Some(i) if app.interview.is_asked(i) => cmds.extend(super::focus_on(app, i)),
        _ => {}
    }
    // The widget shows the answer as it now is.
    let q = app.interview.focused();
    if q.id == id {
        app.field = Field::new(q, app.interview.session().answers.get(id));
    }
    app.showing_default = false;
    app.banner = Some(super::Banner::info(format!(
        "{}: \"{}\" (^{} {})",
        if back { "Undone" } else { "Redone" },
        crate::text::truncate(&prompt, 60),
        if back { 'Y' } else { 'Z' },
        if back { "redoes it" } else { "undoes it" },
    )));
    cmds
}
