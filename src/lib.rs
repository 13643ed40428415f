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

pub use kickoff_core::*;

pub mod cli;
pub mod llm;
pub mod plain;
pub mod settings;
pub mod tui;
