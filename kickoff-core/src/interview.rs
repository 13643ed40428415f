//! The interview itself, the same for every front end (the full-screen TUI and `kickoff plain`):
//! which questions are asked, where to start and where to go next, defaults, storing an answer
//! (the critic re-runs on what it reads) and the progress counts. No I/O: a front end reads
//! keys or lines, calls these, and saves the session when told something changed.

use crate::answer::Answer;
use crate::bundle::{Bundle, Review};
use crate::questionnaire::{Question, check_answer};
use crate::response::Response;
use crate::session::{Depth, Session};

/// A session being answered against its questionnaire and rules, with the question in focus.
///
/// The fields are read through methods and changed only through the ones that keep them in
/// step: the review is always of the session's current answers, and the focus on an asked
/// question.
pub struct Interview {
    bundle: Bundle,
    session: Session,
    /// The critic's view of the current answers: visibility, asked answers, findings, score.
    review: Review,
    /// Flat index of the focused question; always an asked (visible) one if any is.
    focus: usize,
}

/// How an interview ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Every answer is in the session file.
    Saved,
    /// The session file could not be written (a copy may have been, as the front end said).
    NotSaved,
}

/// How far the interview is: questions asked (visible), answered, and required ones open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub answered: usize,
    pub asked: usize,
    pub required_open: usize,
}

impl Interview {
    /// Opens the interview where the user was (the saved cursor, if that question is still
    /// asked), else at the first question asked and not answered, else at the first asked.
    pub fn new(bundle: Bundle, session: Session) -> Interview {
        let review = bundle.review_of(&session);
        let mut interview = Interview {
            bundle,
            session,
            review,
            focus: 0,
        };
        interview.focus = interview.start();
        interview
    }

    fn start(&self) -> usize {
        let q = &self.bundle.questionnaire;
        self.session
            .cursor
            .as_deref()
            .and_then(|id| q.index_of(id))
            .filter(|&i| self.is_asked(i))
            .or_else(|| (0..q.len()).find(|&i| self.is_asked(i) && !self.is_answered(i)))
            .or_else(|| (0..q.len()).find(|&i| self.is_asked(i)))
            .unwrap_or(0)
    }

    /// The questionnaire and rules.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// The answers and responses, as they will be saved.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The critic's view of the current answers: visibility, asked answers, findings, score.
    pub fn review(&self) -> &Review {
        &self.review
    }

    /// Flat index of the focused question.
    pub fn focus(&self) -> usize {
        self.focus
    }

    /// Changes the session through `f` (a follow-up's answer, a save that may merge in the
    /// file's changes), then re-runs the review, so that what the critic read is the session's
    /// answers.
    pub fn edit_session<R>(&mut self, f: impl FnOnce(&mut Session) -> R) -> R {
        let out = f(&mut self.session);
        self.review = self.bundle.review_of(&self.session);
        self.attach_responses();
        out
    }

    /// After a save stamped `stamp`: the responses made since carry it, and so does the
    /// session's `updated`.
    pub fn stamp_saved(&mut self, stamp: &str) {
        self.session.stamp_responses(stamp);
        self.session.updated = stamp.to_string();
    }

    /// Remembers `id` as where the user is (state kept outside the tracked file).
    pub fn remember_cursor(&mut self, id: String) {
        self.session.cursor = Some(id);
    }

    pub fn focused(&self) -> &Question {
        self.bundle.questionnaire.question(self.focus)
    }

    /// The section of the focused question.
    pub fn section(&self) -> usize {
        self.bundle.questionnaire.section_of(self.focus)
    }

    /// Whether question `i` is asked, given the answers so far (its `when` holds).
    pub fn is_asked(&self, i: usize) -> bool {
        self.review.visible[i]
    }

    /// Whether question `i` is asked and has a non-empty answer.
    pub fn is_answered(&self, i: usize) -> bool {
        let id = &self.bundle.questionnaire.question(i).id;
        self.is_asked(i) && self.review.is_answered(id)
    }

    /// The next (or previous) asked question after `from`.
    pub fn step_from(&self, from: usize, forward: bool) -> Option<usize> {
        let n = self.bundle.questionnaire.len();
        if forward {
            (from + 1..n).find(|&i| self.is_asked(i))
        } else {
            (0..from).rev().find(|&i| self.is_asked(i))
        }
    }

    /// The first asked question of a section.
    pub fn first_in(&self, section: usize) -> Option<usize> {
        self.bundle
            .questionnaire
            .section_range(section)
            .find(|&i| self.is_asked(i))
    }

    /// Moves the focus and remembers it in the session (so a resume comes back here).
    /// False if it was already there.
    pub fn focus_on(&mut self, index: usize) -> bool {
        if index == self.focus {
            return false;
        }
        self.focus = index;
        self.session.cursor = Some(self.focused().id.clone());
        true
    }

    /// A question reached for the first time takes its default as its answer. True if it did.
    pub fn take_default(&mut self) -> bool {
        let q = self.focused();
        if self.session.answers.contains_key(&q.id) {
            return false;
        }
        let Some(default) = q.default_answer() else {
            return false;
        };
        let id = q.id.clone();
        self.set_answer(&id, Some(default))
    }

    /// Stores (or clears, with `None` or an empty answer) the answer to `id` and re-runs what
    /// the critic reads of it. False if nothing changed.
    pub fn set_answer(&mut self, id: &str, mut answer: Option<Answer>) -> bool {
        // Whatever typed, pasted or edited it, no control character is stored.
        if let Some(a) = answer.as_mut() {
            a.strip_controls();
        }
        if self.session.answers.get(id) == answer.as_ref() {
            return false;
        }
        self.session.set(id, answer);
        self.review =
            self.bundle
                .review_after(&self.review, &self.session.answers, self.session.depth, id);
        self.attach_responses();
        true
    }

    /// Asks the quick path's questions or all of them, keeping every answer. Focuses the
    /// first question asked and not answered (switching to full: the first the quick path
    /// left). True if the depth changed.
    pub fn set_depth(&mut self, depth: Depth) -> bool {
        if self.session.depth == depth {
            return false;
        }
        self.session.depth = depth;
        self.review = self.bundle.review_of(&self.session);
        self.focus_first_open();
        true
    }

    /// Focuses the first question asked and not answered (else the first asked).
    pub fn focus_first_open(&mut self) {
        let n = self.bundle.questionnaire.len();
        let to = (0..n)
            .find(|&i| self.is_asked(i) && !self.is_answered(i))
            .or_else(|| (0..n).find(|&i| self.is_asked(i)))
            .unwrap_or(0);
        self.focus = usize::MAX;
        self.focus_on(to);
    }

    /// How many questions each depth asks with the answers as they are: (quick, full).
    pub fn depth_sizes(&self) -> (usize, usize) {
        let count = |depth| {
            self.bundle
                .review_at(&self.session.answers, depth)
                .visible
                .iter()
                .filter(|&&v| v)
                .count()
        };
        (count(Depth::Quick), count(Depth::Full))
    }

    /// Sets (or with `None` removes) the team's response to a rule's finding.
    pub fn respond(&mut self, rule: &str, response: Option<Response>) {
        match response {
            Some(r) => self.session.responses.insert(rule.to_string(), r),
            None => self.session.responses.remove(rule),
        };
        self.attach_responses();
    }

    /// Each finding's response, stale or not, after the review changed.
    fn attach_responses(&mut self) {
        self.bundle
            .attach_responses(&mut self.review, &self.session.responses);
    }

    /// Takes in the session as merged with the file on disk. Secret answers are never on disk,
    /// so the ones typed here are kept. True if the focused question's answer changed.
    pub fn take_merged(&mut self, mut merged: Session) -> bool {
        let q = &self.bundle.questionnaire;
        for (id, answer) in &self.session.answers {
            if q.get(id).is_some_and(|x| x.secret) {
                merged.answers.insert(id.clone(), answer.clone());
            }
        }
        let focused = &self.focused().id;
        let changed = merged.answers.get(focused) != self.session.answers.get(focused);
        self.session = merged;
        self.review = self.bundle.review_of(&self.session);
        changed
    }

    /// Problems with the stored answer to a question (wrong kind, out of range, unknown choice).
    pub fn answer_problems(&self, question: &Question) -> Vec<String> {
        match self.session.answers.get(&question.id) {
            Some(a) if !a.is_empty() => check_answer(question, a),
            _ => Vec::new(),
        }
    }

    /// The asked, required questions without an answer, in asking order.
    pub fn open_required(&self) -> impl Iterator<Item = &Question> + '_ {
        self.review.open_required(&self.bundle.questionnaire)
    }

    /// One pass over the questions (the header draws this on every key press).
    pub fn progress(&self) -> Progress {
        let q = &self.bundle.questionnaire;
        let mut p = Progress {
            answered: 0,
            asked: 0,
            required_open: 0,
        };
        for i in (0..q.len()).filter(|&i| self.is_asked(i)) {
            p.asked += 1;
            let question = q.question(i);
            if self.review.is_answered(&question.id) {
                p.answered += 1;
            } else if question.required {
                p.required_open += 1;
            }
        }
        p
    }

    /// The project's name, from the questionnaire's title question.
    pub fn project(&self) -> Option<String> {
        let t = self.bundle.questionnaire.title_question.as_ref()?;
        self.review.asked.get(t).map(|a| a.to_string())
    }
}
