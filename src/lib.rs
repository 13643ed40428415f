//! kickoff: interview an ML engineer about an experiment, critique the answers like a senior
//! production-ML reviewer, and write the design doc.
//!
//! The layers, each depending only on the ones above it:
//!
//! - **Core** (no terminal, no network, no clap): the questionnaire model, answers and
//!   conditions (`questionnaire`, `answer`, `expr`), the rule engine and readiness score
//!   (`critic`, `score`, `bundle`), the session file (`session`, `workspace`) and its merges
//!   ([`merge`]), two plans compared ([`diff`]), the interview's logic shared by every front
//!   end ([`interview`]), and the design doc (`render`).
//! - **The LLM client** ([`llm`]): providers, prompts, streaming; no terminal, no clap.
//! - **Front ends**: the full-screen interview ([`tui`]) and the line-by-line one ([`plain`]).
//! - **The command line** ([`cli`]): the only place that knows clap and exit codes.
//!
//! What an embedding program or a test uses is re-exported here; the rest is crate-private.

mod answer;
mod bundle;
pub mod cli;
mod config;
mod critic;
mod critique_findings;
pub mod depth;
pub mod diff;
mod expr;
mod init;
pub mod interview;
pub mod llm;
mod locate;
mod markdown;
pub mod merge;
mod placeholder;
pub mod plain;
mod plans;
mod portfolio;
mod questionnaire;
mod render;
pub mod response;
pub mod reviewer;
mod score;
mod session;
mod source;
pub mod store;
mod text;
pub mod tui;
mod workspace;

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
pub use render::{RenderError, render_doc};
pub use score::{Readiness, Scorecard};
pub use session::{AnswerConflict, Critique, Depth, SaveError, Session, answers_hash};
pub use source::{FileError, Problem};
pub use workspace::{Error, Open, open};
