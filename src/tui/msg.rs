//! What flows through the interview: messages into `update` (user intents from the key table,
//! raw input for the focused widget, results from the runtime) and commands out of it.

use std::path::PathBuf;

use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use crate::llm::{CritiqueRequest, StreamEvent};
use crate::merge::Conflict;
use crate::session::{Critique, Depth, Session};

/// Why work the runtime did for `update` failed (a save, a copy, an export, the external
/// editor, asking the LLM), as the screen says it. An error from below travels as its message:
/// it crosses a thread and a message is compared in tests, which the errors themselves are not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error("that is the session file itself; pick another name")]
    SessionItself,
    #[error("something is already there; pick a new name")]
    Occupied,
    #[error("type a file path first")]
    NoPath,
    #[error("the doc could not be rendered (see the preview)")]
    NotRendered,
    #[error("`{editor}` exited with {status}; answer unchanged")]
    EditorFailed { editor: String, status: String },
    #[error("cannot start `{editor}`: {message}")]
    EditorMissing { editor: String, message: String },
    #[error("cannot write a temporary file: {0}")]
    TempFile(String),
    #[error(
        "the file changed on disk with answers changed on both sides; open it with `kickoff resume` to decide, then enter the readout again"
    )]
    ReadoutConflict,
    #[error("{0}")]
    Other(String),
}

impl Failure {
    /// An error from below, said as it is.
    pub fn of(e: impl std::fmt::Display) -> Failure {
        Failure::Other(e.to_string())
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Failure {
        Failure::Other(message.to_string())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Interview,
    Review,
    Export,
    Critique,
    /// The reviewer's follow-up questions, each answerable.
    Followups,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    /// The key list, scrolled by this many rows (the view stops at its end).
    Help {
        scroll: u16,
    },
    Picker {
        cursor: usize,
    },
    /// Answers changed both here and in the file on disk: pick a side for each.
    Conflicts,
    /// Quitting, and the session file cannot be written: save a copy elsewhere, or not.
    Unsaved,
    /// The team's response to the finding picked on the review screen.
    Respond,
    /// A new session: the quick kickoff (0) or the full interview (1), with the questions
    /// each asks (counted once, when it opens).
    Depth {
        cursor: usize,
        sizes: (usize, usize),
    },
}

/// Whether a pane of the interview screen shows: as room allows, or as the user said
/// (F2, F3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Auto,
    Shown,
    Hidden,
}

/// A move in a list or a scrolled text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
}

/// Everything that can happen.
#[derive(Debug, Clone)]
pub enum Msg {
    NextQuestion,
    PrevQuestion,
    NextSection,
    PrevSection,
    GotoSection(usize),
    GotoQuestion(String),
    OpenPicker,
    OpenHelp,
    CloseOverlay,
    Show(Screen),
    /// Esc away from the interview: cancel a streaming critique, else back to the interview.
    Back,
    OpenEditor,
    Clear,
    /// ^Z: the focused text's last step, else the last answer changed, whatever its kind.
    Undo,
    /// ^Y: what ^Z undid, again.
    Redo,
    /// A digit typed on the section picker (sections 10 and up take two).
    SectionDigit(usize),
    /// The moment asked for with [`Cmd::TickIn`] has come.
    Tick,
    /// A frame was drawn: what the state showed is on screen.
    Drawn,
    Quit,
    /// A move on the current screen or overlay.
    Move(Motion),
    /// Enter on the current screen or overlay.
    Select,
    /// A key for the widget of the current screen (the answer, the export path).
    Input(KeyEvent),
    /// Bracketed paste.
    Paste(String),
    /// A click or a turn of the wheel (the runtime passes no pointer moves).
    Mouse(MouseEvent),
    /// The terminal's size, at start and on every change: where a click lands depends on it.
    Resize {
        width: u16,
        height: u16,
    },
    /// Ask the quick path's questions, or all of them (every answer stays).
    SetDepth(Depth),
    /// F2: show or hide the sections sidebar.
    ToggleSidebar,
    /// F3: show or hide the "Why this matters" pane.
    ToggleHelpPane,
    /// Open the response form on the finding picked on the review screen.
    OpenRespond,
    /// On the response form: the next (or previous) status.
    ResponseStatus {
        forward: bool,
    },
    /// The external editor returned (the new text, or why it failed).
    EditorDone(Result<String, Failure>),
    /// A save finished (what it did), or why it failed.
    Saved(Result<SaveReport, Failure>),
    /// Quitting, and the last save failed even after a retry; `copy_to`: a suggested place
    /// for a copy.
    QuitBlocked {
        copy_to: PathBuf,
    },
    /// A copy of the session was written there (or why not).
    CopySaved(Result<PathBuf, Failure>),
    /// On the conflicts overlay: keep this side for the selected answer, or for all left.
    Keep {
        side: Side,
        all: bool,
    },
    /// The doc was written (its path, or why not).
    Exported(Result<PathBuf, Failure>),
    /// Ask the LLM (`fresh`: even if a critique of the same answers is saved).
    CritiqueAsk {
        fresh: bool,
    },
    /// No LLM can be asked: why, and how to configure one.
    CritiqueUnavailable(String),
    /// A saved critique of the same answers, prompts and model.
    CritiqueCached(Critique),
    CritiqueStarted(Box<CritiqueRequest>),
    /// An event of the critique stream, with the time it arrived (RFC 3339).
    CritiqueEvent {
        event: StreamEvent,
        at: String,
    },
}

/// One side of a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Mine,
    Theirs,
}

/// What a save did: the time stamped into the file, and the file's changes from elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveReport {
    pub stamp: String,
    /// The file had changed on disk and merged cleanly: the session as written.
    pub merged: Option<Session>,
    /// With `merged` or `conflicts`: the session this save was given, so that what was typed since it was
    /// sent is kept when the disk's changes are taken in.
    pub sent: Option<Box<Session>>,
    /// The file had changed on disk, with answers changed on both sides: nothing was written.
    pub conflicts: Option<Box<ConflictSet>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConflictSet {
    pub conflicts: Vec<Conflict>,
    /// The clean part of the merge, ours in the conflicts.
    pub merged: Session,
    /// The version on disk, and its bytes, that the user decides against.
    pub theirs: Session,
    pub disk: Vec<u8>,
}

/// What the runtime must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    /// Save the session file (the runtime stamps the time and writes atomically).
    Save,
    /// The user decided the conflicts against this version of the file: save over it.
    SaveResolved {
        theirs: Box<Session>,
        disk: Vec<u8>,
    },
    /// Write a copy of the session to this path.
    SaveCopy(PathBuf),
    /// Open `$VISUAL`/`$EDITOR` on this text.
    Edit(String),
    /// Write the doc (the runtime refuses the session file itself).
    Export {
        path: PathBuf,
        contents: String,
    },
    /// Resolve the provider, build the request, and stream it (or find it in the cache).
    StartCritique {
        fresh: bool,
    },
    CancelCritique,
    /// Send [`Msg::Tick`] after this long (the section picker waiting for a second digit).
    TickIn(std::time::Duration),
    /// Quit once every save is done; if the last one failed, `update` hears `QuitBlocked`.
    Quit,
}

/// How the interview ended, for the message after the terminal is restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    Saved,
    /// The session file could not be written; a copy was.
    Copied(PathBuf),
    /// The user quit with the last changes unsaved.
    Unsaved,
}

/// A one-line message for the user above the help bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    pub kind: BannerKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BannerKind {
    Info,
    Error,
}

impl Banner {
    pub fn info(text: impl Into<String>) -> Banner {
        Banner {
            kind: BannerKind::Info,
            text: text.into(),
        }
    }

    pub fn error(text: impl Into<String>) -> Banner {
        Banner {
            kind: BannerKind::Error,
            text: text.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.kind != BannerKind::Info
    }
}
