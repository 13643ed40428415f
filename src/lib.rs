//! kickoff: interview an ML engineer about an experiment, critique the answers like a senior
//! production-ML reviewer, and write the design doc.
//!
//! This crate holds what talks to people and servers; everything about a plan itself (the
//! questionnaire, answers, the review, the session file, the doc) is `kickoff-core`,
//! re-exported here whole:
//!
//! - **The LLM client** ([`llm`]): providers, prompts, streaming; no terminal, no clap.
//! - **Front ends**: the full-screen interview ([`tui`]) and the line-by-line one ([`plain`]).
//! - **The command line** ([`cli`]): the only place that knows clap and exit codes.
//! - **Files and the clock**: the core is given text and the time; this crate reads and
//!   writes ([`files`]: a file read, loaded, written atomically) and tells the time
//!   ([`clock`]). On them: a session opened with its questionnaire ([`workspace`]), its lock
//!   and saves ([`store`]), what every interview does with it ([`editing`]), where the user
//!   was ([`state`]), `-o` ([`output`]), the plans a path names ([`plans`]), `kickoff init`
//!   ([`init`]).

pub use kickoff_core::*;

pub mod cli;
pub mod clock;
pub mod editing;
pub mod files;
pub mod init;
pub mod llm;
pub mod output;
pub mod plain;
pub mod plans;
pub mod settings;
pub mod state;
pub mod store;
pub mod tui;
pub mod workspace;

pub use files::{Load, Save, SaveError};
pub use workspace::{Error, Open, open};
