//! One critique request, from the key to the last token: connect, retry before the first token,
//! stream with an idle (not total) timeout, honour cancellation between chunks and while
//! waiting, and report everything as [`StreamEvent`]s.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::task::Poll;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::time::{Instant, sleep};

use super::connect::{error_chain, resolve_key, transport_error};
use super::decode::{Item, decode_whole};
use super::error::{LlmError, Redactor};
use super::event::{StreamEvent, Transcript};
use super::prompt::CritiqueRequest;
use super::provider::{ProviderConfig, ProviderKind};
use super::retry::{next_wait, retry_after, status_error, with_attempts};
use super::sanitize::{Sanitizer, one_line};
use super::wire::{self, Decoder};

/// Most critique text kept; a server that streams forever is cut here.
const MAX_TEXT: usize = 32 * 1024 * 1024;
/// Most of an error body read, for its message.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// Most bytes gathered into one batch of events when the client is behind the server.
const MAX_BATCH: usize = 256 * 1024;
/// How often a wait checks the cancel flag.
const CANCEL_POLL: Duration = Duration::from_millis(20);

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
                Ok(rt) => rt.block_on(run(
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

/// Emits events and keeps the transcript they add up to.
struct Out<'a> {
    emit: &'a mut dyn FnMut(StreamEvent) -> bool,
    cancel: &'a AtomicBool,
    transcript: Transcript,
    /// Bytes of model text received before sanitizing: text made only of escape sequences
    /// still means the model answered (and no retry may pay for it twice).
    raw_bytes: usize,
    /// Text deltas received, for the token estimate when the server reports no usage.
    deltas: u64,
    stop_reason: Option<String>,
}

impl Out<'_> {
    fn send(&mut self, e: StreamEvent) {
        self.transcript.apply(&e);
        // A receiver that hung up wants nothing more: the same as a cancel.
        if !(self.emit)(e) {
            self.cancel.store(true, Ordering::Relaxed);
        }
    }
}

/// Resolves when the flag is set.
async fn cancelled(flag: &AtomicBool) {
    while !flag.load(Ordering::Relaxed) {
        sleep(CANCEL_POLL).await;
    }
}

/// Runs the request to the end and returns what arrived. Every outcome is also emitted: the
/// last event is always `Finished` or `Failed`.
pub(crate) async fn run(
    p: &ProviderConfig,
    system: &str,
    user: &str,
    emit: &mut dyn FnMut(StreamEvent) -> bool,
    cancel: &AtomicBool,
) -> Transcript {
    let mut out = Out {
        emit,
        cancel,
        transcript: Transcript::default(),
        raw_bytes: 0,
        deltas: 0,
        stop_reason: None,
    };
    let result = attempts(p, system, user, &mut out).await;
    if out.transcript.output_tokens.is_none() && out.deltas > 0 {
        let deltas = out.deltas;
        out.send(StreamEvent::Usage {
            input_tokens: None,
            output_tokens: Some(deltas),
            estimated: true,
        });
    }
    match result {
        Ok(()) => {
            let stop_reason = out.stop_reason.take();
            out.send(StreamEvent::Finished {
                interrupted: None,
                stop_reason,
            })
        }
        Err(e) if !out.transcript.text.is_empty() => {
            let stop_reason = out.stop_reason.take();
            out.send(StreamEvent::Finished {
                interrupted: Some(e),
                stop_reason,
            })
        }
        Err(e) => out.send(StreamEvent::Failed(e)),
    }
    out.transcript
}

async fn attempts(
    p: &ProviderConfig,
    system: &str,
    user: &str,
    out: &mut Out<'_>,
) -> Result<(), LlmError> {
    let key = resolve_key(&p.key)?;
    let redactor = Redactor::new(key.iter().map(|k| k.expose().to_string()));
    let req = wire::build(p, key.as_ref(), system, user);
    // ring as the TLS crypto provider: smaller and quicker to start than aws-lc, whose static
    // set-up every kickoff process would pay for. Installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .connect_timeout(p.connect_timeout)
        .read_timeout(p.read_timeout)
        .user_agent(concat!("kickoff/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| LlmError::Other(redactor.message(&format!("cannot set up HTTP: {e}"))))?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (error, asked) = match one_attempt(p, &client, &req, &redactor, attempt, out).await {
            Ok(()) => return Ok(()),
            Err(Failure::Final(e)) => return Err(e),
            Err(Failure::Retryable(e, asked)) => (e, asked),
        };
        let wait = next_wait(p, &error, attempt, asked).map_err(|e| with_attempts(e, attempt))?;
        out.send(StreamEvent::Retrying {
            attempt: attempt + 1,
            wait_ms: wait.as_millis() as u64,
            reason: error.retry_reason(),
        });
        tokio::select! {
            _ = sleep(wait) => {}
            _ = cancelled(out.cancel) => return Err(LlmError::Cancelled),
        }
    }
}

enum Failure {
    /// Worth another attempt (no text yet); the server may have said how long to wait.
    Retryable(LlmError, Option<Duration>),
    Final(LlmError),
}

async fn one_attempt(
    p: &ProviderConfig,
    client: &reqwest::Client,
    req: &wire::HttpRequest,
    redactor: &Redactor,
    attempt: u32,
    out: &mut Out<'_>,
) -> Result<(), Failure> {
    let mut builder = client.post(&req.url).body(req.body.clone());
    for (name, value) in &req.headers {
        builder = builder.header(*name, value);
    }
    // Waiting for the reply's head is bounded too: a server may accept and then say nothing.
    let reply = tokio::select! {
        r = builder.send() => r,
        _ = sleep(p.connect_timeout + p.read_timeout) => return Err(Failure::Final(LlmError::ReadTimeout { after: p.read_timeout })),
        _ = cancelled(out.cancel) => return Err(Failure::Final(LlmError::Cancelled)),
    };
    let mut resp = match reply {
        Ok(r) => r,
        Err(e) => {
            let err = transport_error(&e, &req.url, p, redactor);
            return Err(if err.is_retryable() {
                Failure::Retryable(err, None)
            } else {
                Failure::Final(err)
            });
        }
    };
    let status = resp.status().as_u16();
    if !resp.status().is_success() {
        let asked = retry_after(resp.headers());
        let body = read_body(&mut resp, MAX_ERROR_BODY, p, out.cancel)
            .await
            .unwrap_or_default();
        let err = status_error(p, &req.url, status, &body, attempt, redactor);
        return Err(if err.is_retryable() {
            Failure::Retryable(err, asked)
        } else {
            Failure::Final(err)
        });
    }
    out.send(StreamEvent::Started);
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    // Check the content type before parsing: a server that ignored `stream: true` (or a proxy
    // error page with status 200) sends one JSON document.
    if p.kind != ProviderKind::Ollama && content_type.starts_with("application/json") {
        let body = read_body(&mut resp, MAX_TEXT, p, out.cancel)
            .await
            .map_err(Failure::Final)?;
        let mut items = Vec::new();
        decode_whole(p.kind, &body, &mut items).map_err(|m| Failure::Final(malformed(p, m)))?;
        return apply_items(p, &mut items, &mut Sanitizer::new(), redactor, out).map(|_| ());
    }
    stream_body(p, &mut resp, redactor, out).await
}

/// Reads the body to the end, or to `limit` bytes, with the idle timeout.
async fn read_body(
    resp: &mut reqwest::Response,
    limit: usize,
    p: &ProviderConfig,
    cancel: &AtomicBool,
) -> Result<Vec<u8>, LlmError> {
    let mut body = Vec::new();
    while body.len() < limit {
        let chunk = tokio::select! {
            c = resp.chunk() => c,
            _ = sleep(p.read_timeout) => return Err(LlmError::ReadTimeout { after: p.read_timeout }),
            _ = cancelled(cancel) => return Err(LlmError::Cancelled),
        };
        match chunk {
            Ok(Some(bytes)) => {
                body.extend_from_slice(&bytes[..bytes.len().min(limit - body.len())])
            }
            Ok(None) => break,
            Err(e) => {
                // The inner causes only: the outer error repeats the URL.
                return Err(LlmError::Broken {
                    message: one_line(&error_chain(&e), 300),
                });
            }
        }
    }
    Ok(body)
}

async fn stream_body(
    p: &ProviderConfig,
    resp: &mut reqwest::Response,
    redactor: &Redactor,
    out: &mut Out<'_>,
) -> Result<(), Failure> {
    let mut decoder = Decoder::new(p.kind);
    let mut sanitizer = Sanitizer::new();
    let mut items = Vec::new();
    let idle = sleep(p.read_timeout);
    tokio::pin!(idle);
    // One cancel watcher for the whole stream, not a new timer per chunk.
    let cancel = cancelled(out.cancel);
    tokio::pin!(cancel);
    // The end (`Ok`) or a failure found while batching, handled next time round.
    let mut next: Option<Result<(), reqwest::Error>> = None;
    loop {
        let chunk = match next.take() {
            Some(Ok(())) => Ok(None),
            Some(Err(e)) => Err(e),
            None => tokio::select! {
                biased;
                _ = &mut cancel => return Err(Failure::Final(LlmError::Cancelled)),
                c = resp.chunk() => c,
                _ = &mut idle => return Err(fail_midway(out, LlmError::ReadTimeout { after: p.read_timeout })),
            },
        };
        let at_end = match chunk {
            Ok(Some(bytes)) => {
                idle.as_mut().reset(Instant::now() + p.read_timeout);
                let (parsed, found) = batch(resp, &mut decoder, &bytes, &mut items).await;
                next = found;
                let done = apply_items(p, &mut items, &mut sanitizer, redactor, out)?;
                parsed.map_err(|m| Failure::Final(malformed(p, m)))?;
                done
            }
            Ok(None) => {
                let parsed = decoder.finish(&mut items);
                let done = apply_items(p, &mut items, &mut sanitizer, redactor, out)?;
                parsed.map_err(|m| Failure::Final(malformed(p, m)))?;
                if !done && !decoder.finished {
                    let e = LlmError::Broken {
                        message: "the stream ended before its end marker".into(),
                    };
                    return Err(fail_midway(out, e));
                }
                true
            }
            Err(e) => return Err(fail_midway(out, read_error(p, &e, redactor))),
        };
        if at_end {
            // Don't wait for the server to close the connection: the end marker is the end.
            return Ok(());
        }
        if out.transcript.text.len() > MAX_TEXT {
            return Err(Failure::Final(LlmError::TooLarge { limit: MAX_TEXT }));
        }
    }
}

fn malformed(p: &ProviderConfig, message: String) -> LlmError {
    LlmError::Malformed {
        provider: p.kind.name(),
        message,
    }
}

/// What a failed read in the middle of the stream means.
fn read_error(p: &ProviderConfig, e: &reqwest::Error, redactor: &Redactor) -> LlmError {
    if e.is_timeout() {
        LlmError::ReadTimeout {
            after: p.read_timeout,
        }
    } else {
        LlmError::Broken {
            message: redactor.message(&error_chain(e)),
        }
    }
}

/// Decodes `first` and what has already arrived after it, so a backlog becomes one batch of
/// events (one wake-up of the reader, one write to stdout) rather than one per token.
/// Nothing waits for data: one yield lets hyper's connection task decode what is already in
/// the socket buffer, then the batch ends. Returns the decoding result and, if the batch
/// ran into it, the end of the body (`Ok`) or a failure.
async fn batch(
    resp: &mut reqwest::Response,
    decoder: &mut Decoder,
    first: &[u8],
    items: &mut Vec<Item>,
) -> (Result<(), String>, Option<Result<(), reqwest::Error>>) {
    let mut parsed = decoder.push(first, items);
    let mut size = first.len();
    let mut yielded = false;
    while parsed.is_ok() && size < MAX_BATCH {
        match ready_now(resp.chunk()).await {
            Some(Ok(Some(more))) => {
                size += more.len();
                yielded = false;
                parsed = decoder.push(&more, items);
            }
            Some(Ok(None)) => return (parsed, Some(Ok(()))),
            Some(Err(e)) => return (parsed, Some(Err(e))),
            None if !yielded => {
                tokio::task::yield_now().await;
                yielded = true;
            }
            None => break,
        }
    }
    (parsed, None)
}

/// Polls a future once: its output if it is ready now, else `None` without waiting. Used only
/// on `Response::chunk`, which loses nothing when dropped unfinished.
async fn ready_now<F: Future>(fut: F) -> Option<F::Output> {
    let mut fut = std::pin::pin!(fut);
    std::future::poll_fn(|cx| match fut.as_mut().poll(cx) {
        Poll::Ready(v) => Poll::Ready(Some(v)),
        Poll::Pending => Poll::Ready(None),
    })
    .await
}

/// Before any text, a broken connection may be retried; after, the partial text is kept.
fn fail_midway(out: &Out<'_>, e: LlmError) -> Failure {
    if out.raw_bytes == 0 && e.is_retryable() {
        Failure::Retryable(e, None)
    } else {
        Failure::Final(e)
    }
}

/// Emits the items of one network read as few events as possible; true at the end marker.
fn apply_items(
    p: &ProviderConfig,
    items: &mut Vec<Item>,
    sanitizer: &mut Sanitizer,
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
                sanitizer.push_into(&t, &mut text);
            }
            Item::Usage { input, output } => {
                flush_text(&mut text, out);
                out.send(StreamEvent::Usage {
                    input_tokens: input,
                    output_tokens: output,
                    estimated: false,
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

fn flush_text(text: &mut String, out: &mut Out<'_>) {
    if !text.is_empty() {
        out.send(StreamEvent::Text(std::mem::take(text)));
    }
}
