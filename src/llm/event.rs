//! What a critique stream reports, event by event, and the transcript the events add up to.

use super::error::LlmError;
use crate::critique_findings::{FollowUp, LlmFinding};

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
    /// A structured critique's verdict, once it is complete (its text came as `Text` too).
    Verdict(String),
    /// A structured critique's finding, as soon as its object closed in the stream (its text
    /// came as `Text` too). `cites` is filled in by [`to_critique`](super::to_critique).
    Finding(LlmFinding),
    /// A question the reviewer asks back, as soon as it closed (its text came as `Text` too).
    FollowUp(FollowUp),
    /// Something the user should know once: structured output refused and plain text asked
    /// instead, or a reply that broke the schema and is kept as text.
    Notice(String),
    /// Prompt-cache counts, when the provider reports them: input tokens read from its cache,
    /// and written to it (Anthropic).
    CachedTokens {
        read: Option<u64>,
        written: Option<u64>,
    },
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
    /// The stream broke after some text (kept in `text`).
    pub interrupted: Option<LlmError>,
    pub failed: Option<LlmError>,
    /// A structured critique's parts, as they arrived.
    pub verdict: Option<String>,
    pub findings: Vec<LlmFinding>,
    pub follow_ups: Vec<FollowUp>,
    /// The notices, in order.
    pub notes: Vec<String>,
    pub cached_input_tokens: Option<u64>,
    pub cache_write_tokens: Option<u64>,
}

impl Transcript {
    pub fn apply(&mut self, event: &StreamEvent) {
        match event {
            StreamEvent::Started | StreamEvent::Retrying { .. } => {}
            StreamEvent::Text(t) => self.text.push_str(t),
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
                self.interrupted = interrupted.clone();
                self.stop_reason = stop_reason.clone();
            }
            StreamEvent::Failed(e) => self.failed = Some(e.clone()),
            StreamEvent::Verdict(v) => self.verdict = Some(v.clone()),
            StreamEvent::Finding(f) => self.findings.push(f.clone()),
            StreamEvent::FollowUp(f) => self.follow_ups.push(f.clone()),
            StreamEvent::Notice(n) => self.notes.push(n.clone()),
            StreamEvent::CachedTokens { read, written } => {
                self.cached_input_tokens = read.or(self.cached_input_tokens);
                self.cache_write_tokens = written.or(self.cache_write_tokens);
            }
        }
    }

    /// True if the model hit its token limit rather than finishing.
    pub fn is_truncated(&self) -> bool {
        matches!(self.stop_reason.as_deref(), Some("length" | "max_tokens"))
    }
}
