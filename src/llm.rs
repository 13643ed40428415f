//! The LLM persona critique: providers, prompts and streaming. The `kickoff critique` command
//! that uses them belongs to the command line, not here.
//!
//! For a front end (the CLI, the TUI), the flow is:
//! 1. [`resolve`] a [`ProviderConfig`] from the [`Config`](crate::config::Config), the
//!    environment and flags (`Ok(None)`: nothing configured, use the offline critic);
//! 2. [`build_request`] renders the prompts and computes the cache key; [`cached`] finds a
//!    saved critique with the same key;
//! 3. [`spawn_critique`] runs the HTTP on its own thread and sends [`StreamEvent`]s; a pure
//!    `update` can fold them into a [`Transcript`] with [`Transcript::apply`];
//! 4. [`to_critique`] and [`save_critique`] append the result to the session file.

mod body;
mod connect;
mod critique;
mod decode;
mod error;
mod event;
mod filter;
mod json_stream;
mod lines;
mod out;
mod price;
mod prompt;
mod provider;
mod redact;
mod retry;
mod sanitize;
mod stream;
mod structured;
mod url;
mod wire;

pub use connect::proxy_env_problem;
pub use critique::{cached, save_critique, to_critique};
pub use error::LlmError;
pub use event::{StreamEvent, Transcript};
pub use price::estimate_tokens;
pub use prompt::{AnsweredFollowUp, CritiqueRequest, Prompts, build_request, linked_questions};
pub use provider::{Env, Flags, KeySource, ProviderConfig, ProviderKind, UnknownProvider, resolve};
pub use redact::Redactor;
pub use stream::spawn_critique;
pub use structured::{Mode, schema};
