//! kickoff's library: everything about a plan that needs no terminal, network or command line.
//!
//! - The questionnaire and its answers: `questionnaire`, `answer`, conditions in `expr`, answers
//!   that say nothing yet in `placeholder`.
//! - The review: the offline rules (`critic`), the readiness score (`score`), both with their
//!   questionnaire in a [`Bundle`]; the LLM reviewer's saved findings (`critique_findings`,
//!   `reviewer`); the team's responses (`response`).
//! - The session file: `session` (the format, saves that change only what changed), `merge`,
//!   `source` and `locate` (errors at their line).
//! - What is made from plans: the design doc (`render`, `markdown`, `text`), two plans compared
//!   (`diff`), a team's plans side by side (`portfolio`).
//! - The interview's logic shared by every front end: `interview`, `depth` (the quick path).
//!
//! The front ends (the TUI, the line-by-line interview, the command line), the LLM client and
//! what reads and writes files (the lock, atomic saves, the state directory) live in the
//! `kickoff` crate; this one depends on none of their crates, so the compiler keeps
//! the layers.

pub mod answer;
pub mod bundle;
pub mod config;
pub mod critic;
pub mod critique_findings;
pub mod depth;
pub mod diff;
pub mod expr;
pub mod freeze;
pub mod interview;
pub mod locate;
pub mod markdown;
pub mod merge;
pub mod newer;
pub mod placeholder;
pub mod portfolio;
pub mod quantities;
pub mod questionnaire;
pub mod readout;
pub mod render;
pub mod response;
pub mod reviewer;
pub mod score;
pub mod session;
pub mod source;
pub mod text;
pub mod verdict;

pub use answer::{Answer, Answers, Cell, Row};
pub use bundle::{BUILTINS, Builtin, Bundle, Review};
pub use config::{Config, Retry, Timeouts};
pub use critic::{Critic, Finding, Severity};
pub use critique_findings::{
    FOLLOW_UPS_HEADING, FollowUp, GENERAL, LlmFinding, answer_hash, answer_hashes, cited_questions,
    finding_text, follow_up_text,
};
pub use questionnaire::{
    Choice, Column, ColumnKind, Kind, Question, Questionnaire, Section, check_answer,
};
pub use render::{RenderError, render_doc, render_doc_as, render_doc_from};
pub use score::{Readiness, Scorecard};
pub use session::{AnswerConflict, Critique, Depth, Session, answers_hash};
pub use source::{FileError, Problem};
pub use verdict::{LlmPolicy, Verdict};
