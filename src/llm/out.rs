//! What one critique has produced so far, and how decoded items become [`StreamEvent`]s: every
//! piece of text goes through one [`TextFilter`] (sanitized, key redacted, capped).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::time::sleep;

use super::decode::Item;
use super::error::LlmError;
use super::event::{StreamEvent, Transcript};
use super::filter::{MAX_CRITIQUE, TextFilter};
use super::provider::ProviderConfig;
use super::redact::Redactor;
use super::structured::Reader;

/// How often a wait checks the cancel flag.
const CANCEL_POLL: Duration = Duration::from_millis(20);

/// Emits events and keeps the transcript they add up to.
pub(super) struct Out<'a> {
    pub(super) emit: &'a mut dyn FnMut(StreamEvent) -> bool,
    pub(super) cancel: &'a AtomicBool,
    pub(super) transcript: Transcript,
    /// Bytes of model text received before sanitizing: text made only of escape sequences
    /// still means the model answered (and no retry may pay for it twice).
    pub(super) raw_bytes: usize,
    /// Text deltas received, for the token estimate when the server reports no usage.
    pub(super) deltas: u64,
    pub(super) stop_reason: Option<String>,
    /// The one way model text reaches an event.
    pub(super) filter: TextFilter,
    /// Reads a structured reply into findings as it arrives; `None` for a text request.
    pub(super) reader: Option<Reader>,
}

impl Out<'_> {
    pub(super) fn send(&mut self, e: StreamEvent) {
        self.transcript.apply(&e);
        // A receiver that hung up wants nothing more: the same as a cancel.
        if !(self.emit)(e) {
            self.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// The end of the text: what the filter held back (a possible start of the key) goes out.
    pub(super) fn finish_text(&mut self) {
        let mut rest = String::new();
        self.filter.finish(&mut rest);
        flush_text(&mut rest, self);
    }

    /// The end of a structured reply: what did not fit the schema is noted, and kept as text.
    pub(super) fn finish_reader(&mut self, interrupted: bool) {
        if let Some(mut reader) = self.reader.take() {
            let mut events = Vec::new();
            reader.finish(interrupted, &mut events);
            for e in events {
                self.send(e);
            }
        }
    }
}

pub(super) enum Failure {
    /// Worth another attempt (no text yet); the server may have said how long to wait.
    Retryable(LlmError, Option<Duration>),
    Final(LlmError),
    /// The server does not take the way structured output was asked for (a 400 or 422
    /// naming the field): ask again another way.
    Refused(LlmError),
    /// The server does not take the system prompt as content blocks: ask again with a string.
    SystemBlocksRefused(LlmError),
}

/// Resolves when the flag is set.
pub(super) async fn cancelled(flag: &AtomicBool) {
    while !flag.load(Ordering::Relaxed) {
        sleep(CANCEL_POLL).await;
    }
}

/// Before any text, a broken connection may be retried; after, the partial text is kept.
pub(super) fn fail_midway(out: &Out<'_>, e: LlmError) -> Failure {
    if out.raw_bytes == 0 && e.is_retryable() {
        Failure::Retryable(e, None)
    } else {
        Failure::Final(e)
    }
}

/// Emits the items of one network read as few events as possible; true at the end marker.
/// Text past [`MAX_CRITIQUE`] ends the stream: the server is not read any further.
pub(super) fn apply_items(
    p: &ProviderConfig,
    items: &mut Vec<Item>,
    redactor: &Redactor,
    out: &mut Out<'_>,
) -> Result<bool, Failure> {
    let mut text = String::new();
    let mut done = false;
    let mut failure = None;
    for item in items.drain(..) {
        match item {
            Item::Text(t) => {
                out.raw_bytes += t.len();
                out.deltas += 1;
                out.filter.push(&t, &mut text);
                if out.filter.is_cut() {
                    failure = Some(Failure::Final(LlmError::TooLarge {
                        limit: MAX_CRITIQUE,
                    }));
                    break;
                }
            }
            Item::Usage { input, output } => {
                flush_text(&mut text, out);
                out.send(StreamEvent::Usage {
                    input_tokens: input,
                    output_tokens: output,
                    estimated: false,
                });
            }
            Item::Cache { read, write } => {
                flush_text(&mut text, out);
                out.send(StreamEvent::CachedTokens {
                    read,
                    written: write,
                });
            }
            Item::StopReason(r) => out.stop_reason = Some(redactor.message(&r)),
            Item::Done => done = true,
            Item::Error { message, retryable } => {
                let e = LlmError::InStream {
                    provider: p.kind.name(),
                    message: redactor.message(&message),
                };
                failure = Some(if retryable && out.raw_bytes == 0 {
                    Failure::Retryable(e, None)
                } else {
                    Failure::Final(e)
                });
                break;
            }
        }
    }
    items.clear();
    flush_text(&mut text, out);
    match failure {
        Some(f) => Err(f),
        None => Ok(done),
    }
}

/// Sends the clean text gathered: as it is, or through the structured reader, which sends
/// each finding (and its text) once it is complete.
fn flush_text(text: &mut String, out: &mut Out<'_>) {
    if text.is_empty() {
        return;
    }
    match out.reader.as_mut() {
        None => out.send(StreamEvent::Text(std::mem::take(text))),
        Some(reader) => {
            let mut events = Vec::new();
            reader.push(text, &mut events);
            text.clear();
            for e in events {
                out.send(e);
            }
        }
    }
}
