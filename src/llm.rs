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

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;

mod connect;
mod critique;
mod decode;
mod error;
mod lines;
mod prompt;
mod provider;
mod retry;
mod sanitize;
mod stream;
mod wire;

pub use critique::{cached, cost_usd, save_critique, to_critique};
pub use error::{LlmError, Redactor};
pub use lines::{Event, NdjsonParser, SseParser};
pub use prompt::{CritiqueRequest, Prompts, build_request, linked_questions};
pub use provider::{
    ApiKey, Env, Flags, KeySource, ProviderConfig, ProviderKind, UnknownProvider, builtin_price,
    normalize_url, resolve,
};
pub use sanitize::{Sanitizer, sanitize};

/// What the critique thread reports: `Started` when a server accepts the request, `Text` and
/// `Usage` as they arrive, `Retrying` when an attempt failed before any text (a `Started` may
/// come again after it), and always last exactly one `Finished` or `Failed`.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// The server accepted the request; text follows.
    Started,
    /// Model text, already sanitized (no control or escape sequences).
    Text(String),
    /// An attempt failed before any text; the next one (`attempt`, from 2) starts after the wait.
    Retrying {
        attempt: u32,
        wait_ms: u64,
        reason: String,
    },
    /// Token counts so far; a `None` leaves the previous count as it was. `estimated`: the
    /// server sent no usage (llama-cpp-python's server, a broken stream), so `output_tokens`
    /// is the number of text deltas streamed, one token each on llama.cpp-style servers.
    Usage {
        input_tokens: Option<u64>,
        output_tokens: Option<u64>,
        estimated: bool,
    },
    /// The stream is over. With `interrupted`, it broke (or was cancelled) after some text
    /// arrived: the partial text is kept and the error says why. `stop_reason`: why the model
    /// stopped, if it said (`stop`, `length`, `end_turn`, `max_tokens`...).
    Finished {
        interrupted: Option<LlmError>,
        stop_reason: Option<String>,
    },
    /// Nothing usable arrived; the error says why.
    Failed(LlmError),
}

/// The events of one critique added up. The TUI can keep one in its state and `apply` each
/// event as it arrives; the critique thread returns the same.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transcript {
    pub text: String,
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    /// Why the model stopped, if it said (`stop`, `length`, `end_turn`, `max_tokens`...).
    pub stop_reason: Option<String>,
    /// `output_tokens` was counted from the stream, not reported by the server.
    pub usage_estimated: bool,
    pub started: bool,
    /// Retries so far.
    pub retries: u32,
    /// Set by `Finished`/`Failed`.
    pub finished: bool,
    /// The stream broke after some text (kept in `text`).
    pub interrupted: Option<LlmError>,
    pub failed: Option<LlmError>,
}

impl Transcript {
    pub fn apply(&mut self, event: &StreamEvent) {
        match event {
            StreamEvent::Started => self.started = true,
            StreamEvent::Text(t) => self.text.push_str(t),
            StreamEvent::Retrying { .. } => self.retries += 1,
            StreamEvent::Usage {
                input_tokens,
                output_tokens,
                estimated,
            } => {
                self.input_tokens = input_tokens.or(self.input_tokens);
                self.output_tokens = output_tokens.or(self.output_tokens);
                self.usage_estimated = *estimated;
            }
            StreamEvent::Finished {
                interrupted,
                stop_reason,
            } => {
                self.finished = true;
                self.interrupted = interrupted.clone();
                self.stop_reason = stop_reason.clone();
            }
            StreamEvent::Failed(e) => {
                self.finished = true;
                self.failed = Some(e.clone());
            }
        }
    }

    /// True if the model hit its token limit rather than finishing.
    pub fn is_truncated(&self) -> bool {
        matches!(self.stop_reason.as_deref(), Some("length" | "max_tokens"))
    }
}

/// Runs the request on a new thread (a single-threaded tokio runtime inside it) and sends
/// events to `sender`. Set `cancel` to stop it: it is checked between chunks and every 20 ms
/// while waiting. Dropping the receiver also stops it. The thread returns the transcript.
pub fn spawn_critique(
    request: CritiqueRequest,
    sender: Sender<StreamEvent>,
    cancel: Arc<AtomicBool>,
) -> JoinHandle<Transcript> {
    std::thread::Builder::new()
        .name("kickoff-critique".into())
        .spawn(move || {
            let mut emit = |e: StreamEvent| sender.send(e).is_ok();
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt.block_on(stream::run(
                    &request.provider,
                    &request.system,
                    &request.user,
                    &mut emit,
                    &cancel,
                )),
                Err(e) => {
                    let event = StreamEvent::Failed(LlmError::Other(format!(
                        "cannot start the I/O runtime: {e}"
                    )));
                    let mut t = Transcript::default();
                    t.apply(&event);
                    emit(event);
                    t
                }
            }
        })
        .expect("the OS can start a thread")
}
