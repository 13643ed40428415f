//! Reading a reply's body: an error body, a whole JSON reply, or the stream itself, chunk by
//! chunk with the idle timeout, checking first that it is a stream at all.

use std::sync::atomic::AtomicBool;
use std::task::Poll;

use tokio::time::{Instant, sleep};

use super::connect::error_chain;
use super::decode::{Item, Malformed, decode_whole};
use super::error::LlmError;
use super::out::{Failure, Out, apply_items, cancelled, fail_midway};
use super::provider::{ProviderConfig, ProviderKind};
use super::redact::Redactor;
use super::sanitize::one_line;
use super::wire::Decoder;

/// Most of an error body read, for its message.
pub(super) const MAX_ERROR_BODY: usize = 64 * 1024;
/// Most of a whole (not streamed) JSON reply read.
const MAX_WHOLE_BODY: usize = 8 * 1024 * 1024;
/// Most bytes gathered into one batch of events when the client is behind the server.
const MAX_BATCH: usize = 256 * 1024;
/// How much of the first chunk is looked at to tell text from binary data.
const SNIFF: usize = 512;

/// Checks the headers of a 200 reply: a page or a file is not a stream, and retrying will
/// not make it one.
pub(super) fn check_headers(
    p: &ProviderConfig,
    headers: &reqwest::header::HeaderMap,
) -> Result<(), LlmError> {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    let content_type = get("content-type");
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if mime.contains("html") {
        return Err(not_a_stream(
            p,
            "an HTML page (a login page or captive portal?)",
        ));
    }
    if ["image/", "audio/", "video/", "font/"]
        .iter()
        .any(|t| mime.starts_with(t))
    {
        return Err(not_a_stream(p, &format!("a file of type `{mime}`")));
    }
    let encoding = get("content-encoding");
    if !encoding.is_empty() && encoding != "identity" {
        return Err(not_a_stream(
            p,
            &format!(
                "data compressed with `{}`, which kickoff did not ask for",
                one_line(&encoding, 40)
            ),
        ));
    }
    Ok(())
}

/// Binary data where text should be: compressed, or not UTF-8. Looks at the first bytes only.
fn not_text(first: &[u8]) -> Option<&'static str> {
    let head = &first[..first.len().min(SNIFF)];
    if head.starts_with(&[0x1f, 0x8b]) {
        return Some("gzip-compressed data, not text");
    }
    // A character cut at the end of the sample is fine; an invalid one is not text.
    let invalid = matches!(std::str::from_utf8(head), Err(e) if e.error_len().is_some());
    (invalid || head.contains(&0)).then_some("binary data, not text")
}

fn not_a_stream(p: &ProviderConfig, what: &str) -> LlmError {
    LlmError::NotAStream {
        provider: p.kind.name(),
        url: Redactor::new([]).message(&p.base_url),
        what: what.to_string(),
        expected: match p.kind {
            ProviderKind::Ollama => "a stream of JSON lines",
            _ => "an event stream",
        },
        env: p.kind.url_env(),
    }
}

/// A whole JSON reply from a server that ignored `stream: true` (or a proxy's JSON error page
/// with status 200).
pub(super) async fn whole_body(
    p: &ProviderConfig,
    resp: &mut reqwest::Response,
    redactor: &Redactor,
    out: &mut Out<'_>,
) -> Result<(), Failure> {
    let body = read_body(resp, MAX_WHOLE_BODY, p, out.cancel)
        .await
        .map_err(Failure::Final)?;
    let mut items = Vec::new();
    decode_whole(p.kind, &body, &mut items).map_err(|m| Failure::Final(malformed(p, m)))?;
    apply_items(p, &mut items, redactor, out).map(|_| ())
}

/// Reads the body to the end, or to `limit` bytes, with the idle timeout.
pub(super) async fn read_body(
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

pub(super) async fn stream_body(
    p: &ProviderConfig,
    resp: &mut reqwest::Response,
    redactor: &Redactor,
    out: &mut Out<'_>,
) -> Result<(), Failure> {
    let mut decoder = Decoder::new(p.kind);
    let mut items = Vec::new();
    let mut first = true;
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
                if std::mem::take(&mut first)
                    && let Some(what) = not_text(&bytes)
                {
                    return Err(Failure::Final(not_a_stream(p, what)));
                }
                let (parsed, found) = batch(resp, &mut decoder, &bytes, &mut items).await;
                next = found;
                let done = apply_items(p, &mut items, redactor, out)?;
                parsed.map_err(|m| Failure::Final(malformed(p, m)))?;
                done
            }
            Ok(None) => {
                let parsed = decoder.finish(&mut items);
                let done = apply_items(p, &mut items, redactor, out)?;
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
    }
}

fn malformed(p: &ProviderConfig, m: Malformed) -> LlmError {
    LlmError::Malformed {
        provider: p.kind.name(),
        message: m.to_string(),
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
) -> (Result<(), Malformed>, Option<Result<(), reqwest::Error>>) {
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
