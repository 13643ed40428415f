//! The response form's state: the team's answer to the focused finding of the review screen
//! (accepted risk with a reason and an owner, won't fix with a reason, fixed), or removing it.
//! `responding` changes it.

use ratatui_textarea::TextArea;

use crate::response::Status;

/// The form's fields, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Status,
    Reason,
    Owner,
}

pub struct RespondForm {
    pub rule: String,
    /// An index into [`RespondForm::choices`].
    pub status: usize,
    pub reason: TextArea<'static>,
    pub owner: TextArea<'static>,
    pub focus: Part,
    /// The finding had a response: the form also offers to remove it.
    pub existing: bool,
    /// Why the last Enter saved nothing.
    pub error: Option<String>,
}

impl RespondForm {
    /// The statuses offered: the three, and "remove" when there is a response to remove.
    pub fn choices(&self) -> Vec<Option<Status>> {
        let mut out: Vec<Option<Status>> = Status::ALL.iter().copied().map(Some).collect();
        if self.existing {
            out.push(None);
        }
        out
    }

    pub fn chosen(&self) -> Option<Status> {
        self.choices().get(self.status).copied().flatten()
    }
}
