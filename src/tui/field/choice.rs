//! The choice widget's keys: move, filter by typing (fuzzy, best match first), select or
//! toggle.

use std::cell::RefCell;

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::Outcome;
use crate::questionnaire::Question;
use crate::tui::keys::FieldAction;

thread_local! {
    /// The matcher's scratch space, allocated once: the filter runs on every key press and
    /// every frame.
    static MATCHER: RefCell<Matcher> = RefCell::new(Matcher::new(Config::DEFAULT));
}

/// The choices `filter` leaves, best match first (ties in the questionnaire's order), as
/// indices into `q.choices`: a fuzzy match (fzf's rules) of the label or the id, the words of
/// the filter each matching. Every choice, in order, for an empty filter.
pub fn matching(q: &Question, filter: &str) -> Vec<usize> {
    if filter.trim().is_empty() {
        return (0..q.choices.len()).collect();
    }
    let pattern = fuzzy(filter);
    // A choice holding each word of the filter as typed ("ape" in "MAPE") comes before the
    // scattered matches, whatever their scores.
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    let holds = |text: &str| {
        let text = text.to_lowercase();
        words.iter().all(|w| text.contains(w.as_str()))
    };
    MATCHER.with_borrow_mut(|matcher| {
        let mut buf = Vec::new();
        let mut scored: Vec<(bool, u32, usize)> = q
            .choices
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let label = pattern.score(Utf32Str::new(c.label(), &mut buf), matcher);
                let id = pattern.score(Utf32Str::new(&c.value, &mut buf), matcher);
                let exact = holds(c.label()) || holds(&c.value);
                Some((exact, label.max(id)?, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        scored.into_iter().map(|(_, _, i)| i).collect()
    })
}

/// The filter as a pattern: fzf's rules, case ignored, each word matching.
fn fuzzy(filter: &str) -> Pattern {
    Pattern::new(
        filter,
        CaseMatching::Ignore,
        Normalization::Smart,
        AtomKind::Fuzzy,
    )
}

/// The characters of `label` that `filter` matched (char indices, ascending), to highlight.
pub fn matched_chars(label: &str, filter: &str) -> Vec<u32> {
    if filter.trim().is_empty() {
        return Vec::new();
    }
    let pattern = fuzzy(filter);
    MATCHER.with_borrow_mut(|matcher| {
        let mut buf = Vec::new();
        let mut indices = Vec::new();
        pattern.indices(Utf32Str::new(label, &mut buf), matcher, &mut indices);
        indices.sort_unstable();
        indices.dedup();
        indices
    })
}

/// A choice widget's parts, borrowed from the field while it handles a key.
pub(super) struct ChoiceState<'a> {
    pub filter: &'a mut String,
    pub cursor: &'a mut usize,
    pub multi: bool,
    pub selected: &'a mut Vec<String>,
}

impl ChoiceState<'_> {
    /// `shown`: the choices the filter leaves, as indices into `q.choices`; `action`: the key
    /// table's row for `key`.
    pub fn handle(
        &mut self,
        q: &Question,
        shown: &[usize],
        action: FieldAction,
        key: KeyEvent,
    ) -> Outcome {
        let n = shown.len();
        match action {
            FieldAction::Up if n > 0 => *self.cursor = (*self.cursor + n - 1) % n,
            FieldAction::Down if n > 0 => *self.cursor = (*self.cursor + 1) % n,
            FieldAction::Home => *self.cursor = 0,
            FieldAction::End => *self.cursor = n.saturating_sub(1),
            // While a filter is typed, Space is part of it ("pr auc"): picking what happens to
            // be on top would save an answer nobody chose. Enter picks.
            FieldAction::Toggle if !self.filter.is_empty() => {
                if !self.filter.ends_with(' ') {
                    self.filter.push(' ');
                }
            }
            FieldAction::Toggle | FieldAction::Submit if n > 0 => {
                let value = q.choices[shown[(*self.cursor).min(n - 1)]].value.clone();
                let submit = action == FieldAction::Submit;
                // Enter on a filtered multiple choice ticks the match, as Space does unfiltered.
                if submit && !self.filter.is_empty() && self.multi {
                    let outcome = self.pick(q, value, false);
                    self.filter.clear();
                    self.keep_place(q, shown.get(*self.cursor).copied());
                    return outcome;
                }
                return self.pick(q, value, submit);
            }
            FieldAction::Submit => return Outcome::Submit,
            // y / n on a choice worded Yes / No, before any filter is typed: that choice, as on
            // a yes/no question (a multiple choice ticks it). Several so worded ("Yes, and
            // ...", "Yes, but ..."): the cursor goes to the next of them, for Enter to pick.
            FieldAction::Yes | FieldAction::No
                if self.filter.is_empty()
                    && !yes_no_choices(q, action == FieldAction::Yes).is_empty() =>
            {
                let worded = yes_no_choices(q, action == FieldAction::Yes);
                if let [i] = worded[..] {
                    *self.cursor = shown.iter().position(|&s| s == i).unwrap_or(0);
                    return self.pick(q, q.choices[i].value.clone(), !self.multi);
                }
                let at = shown.get(*self.cursor).copied();
                let next = worded
                    .iter()
                    .find(|&&i| at.is_some_and(|a| i > a))
                    .unwrap_or(&worded[0]);
                *self.cursor = shown.iter().position(|s| s == next).unwrap_or(0);
            }
            // A shorter filter keeps the choice under the cursor under it.
            FieldAction::Edit if !self.filter.is_empty() => {
                let at = shown.get(*self.cursor).copied();
                self.filter.pop();
                self.keep_place(q, at);
            }
            // Esc, or ^U as in every other text typed, clears the filter.
            FieldAction::ClearFilter if !self.filter.is_empty() => {
                let at = shown.get(*self.cursor).copied();
                self.filter.clear();
                self.keep_place(q, at);
            }
            // A longer filter: its best match first.
            FieldAction::Type | FieldAction::Yes | FieldAction::No => match key.code {
                KeyCode::Char(c) => {
                    self.filter.push(c);
                    *self.cursor = 0;
                }
                _ => return Outcome::Ignored,
            },
            _ => return Outcome::Ignored,
        }
        Outcome::Moved
    }

    /// Puts the cursor back on choice `at` (an index into `q.choices`) in the list the filter
    /// now leaves; the top if it is not there.
    fn keep_place(&mut self, q: &Question, at: Option<usize>) {
        let shown = matching(q, self.filter);
        *self.cursor = at
            .and_then(|c| shown.iter().position(|&s| s == c))
            .unwrap_or(0);
    }

    /// Space toggles (multiple choice) or selects; Enter selects and moves on (a multiple
    /// choice keeps what is ticked).
    fn pick(&mut self, q: &Question, value: String, submit: bool) -> Outcome {
        if self.multi {
            if submit {
                return Outcome::Submit;
            }
            // An exclusive choice ("None yet") clears the others, and another clears it.
            q.toggle_choice(self.selected, &value);
            return Outcome::Changed;
        }
        // The filter did its job; show the whole list around the choice.
        self.filter.clear();
        *self.cursor = q.choices.iter().position(|c| c.value == value).unwrap_or(0);
        *self.selected = vec![value];
        if submit {
            Outcome::Submit
        } else {
            Outcome::Changed
        }
    }
}

/// The choices worded Yes (or No), as indices into `q.choices`: the label's first word, or
/// the value, is "yes" ("no").
pub fn yes_no_choices(q: &Question, yes: bool) -> Vec<usize> {
    let word = if yes { "yes" } else { "no" };
    let first_word = |t: &str| {
        t.trim_start()
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .map(str::to_lowercase)
    };
    (0..q.choices.len())
        .filter(|&i| {
            let c = &q.choices[i];
            c.value.eq_ignore_ascii_case(word) || first_word(c.label()).as_deref() == Some(word)
        })
        .collect()
}
