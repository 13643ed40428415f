//! kickoff: interview an ML engineer about an experiment, critique the answers like a senior
//! production-ML reviewer, and write the design doc.
//!
//! The data (questionnaires, rule packs, scorecards, templates) lives in files; this crate
//! loads and checks it ([`questionnaire`], [`critic`], [`score`], [`bundle`]), keeps the answers
//! ([`session`]), renders the doc ([`render`]) and runs the command line ([`cli`]).

pub mod answer;
pub mod bundle;
pub mod cli;
pub mod config;
pub mod critic;
pub mod expr;
pub mod interview;
pub mod llm;
pub mod markdown;
pub mod plain;
pub mod questionnaire;
pub mod render;
pub mod score;
pub mod session;
pub mod source;
pub mod text;
pub mod tui;
pub mod workspace;

pub use answer::{Answer, Answers};
pub use bundle::{Bundle, Review};
pub use critic::{Finding, Severity};
pub use questionnaire::{Kind, Question, Questionnaire};
pub use session::Session;
