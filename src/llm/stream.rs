//! One critique request, from the key to the last token: connect, retry before the first token,
//! stream with an idle (not total) timeout, honour cancellation between chunks and while
//! waiting, and report everything as [`StreamEvent`]s.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;

use tokio::time::sleep;

use super::body::{MAX_ERROR_BODY, check_headers, read_body, stream_body, whole_body};
use super::connect::{resolve_key, transport_error};
use super::error::LlmError;
use super::event::{StreamEvent, Transcript};
use super::filter::TextFilter;
use super::out::{Failure, Out, cancelled};
use super::prompt::CritiqueRequest;
use super::provider::{ProviderConfig, ProviderKind};
use super::redact::Redactor;
use super::retry::{next_wait, retry_after, status_error, with_attempts};
use super::structured::{self, Mode, Reader};
use super::wire::{self, SystemForm};

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
                Ok(rt) => rt.block_on(run(&request, &mut emit, &cancel)),
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

/// Runs the request to the end and returns what arrived. Every outcome is also emitted: the
/// last event is always `Finished` or `Failed`.
pub(crate) async fn run(
    request: &CritiqueRequest,
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
        filter: TextFilter::default(),
        reader: None,
    };
    let result = attempts(request, &mut out).await;
    out.finish_text();
    out.finish_reader(result.is_err());
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

/// The request, tried again after a failure that may pass (a dropped connection, 429, 5xx)
/// within the retry budget; asked another way (a lesser structured mode, or the system prompt
/// as a plain string) when a server refuses the way it was asked. Long by design: the retry
/// policy is one loop, read top to bottom.
async fn attempts(request: &CritiqueRequest, out: &mut Out<'_>) -> Result<(), LlmError> {
    let p = &request.provider;
    let key = resolve_key(&p.key)?;
    let redactor = Redactor::new(key.iter().map(|k| k.expose().to_string()));
    out.filter = TextFilter::new(&redactor);
    let schema = structured::schema(&request.question_ids);
    let mut mode = Mode::first(p.kind, p.structured);
    let mut form = SystemForm::Blocks;
    let mut req = wire::build(
        p,
        key.as_ref(),
        &request.system,
        &request.user,
        mode,
        &schema,
        form,
    );
    // ring as the TLS crypto provider: smaller and quicker to start than aws-lc, whose static
    // set-up every kickoff process would pay for. Installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // reqwest skips a proxy variable it cannot read: the request would go out directly.
    super::connect::proxy_env_problem(&p.base_url)?;
    let client = reqwest::Client::builder()
        .connect_timeout(p.connect_timeout)
        .read_timeout(p.read_timeout)
        .user_agent(concat!("kickoff/", env!("CARGO_PKG_VERSION")))
        // A redirect would carry the key and the prompt to wherever it points: never follow.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| LlmError::Other(redactor.message(&format!("cannot set up HTTP: {e}"))))?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        // Nothing has arrived before an attempt (or there would be no other), so the reader
        // starts afresh.
        out.reader = mode
            .is_structured()
            .then(|| Reader::new(request.question_ids.clone(), redactor.clone()));
        let (error, asked) =
            match one_attempt(p, &client, &req, &redactor, attempt, mode, out).await {
                Ok(()) => return Ok(()),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Retryable(e, asked)) => (e, asked),
                Err(Failure::Refused(e)) => {
                    let next = mode.next(p.structured);
                    out.send(StreamEvent::Notice(refusal_notice(p, mode, next, &e)));
                    mode = next;
                    // Plain text is asked for in words too, not only without the schema.
                    let system = match (&request.system_text, mode) {
                        (Some(text), Mode::Text) => text,
                        _ => &request.system,
                    };
                    req = wire::build(p, key.as_ref(), system, &request.user, mode, &schema, form);
                    // Another way of asking is not a retry of the same request.
                    attempt -= 1;
                    continue;
                }
                Err(Failure::SystemBlocksRefused(e)) => {
                    out.send(StreamEvent::Notice(blocks_notice(p, &e)));
                    form = SystemForm::Text;
                    let system = match (&request.system_text, mode) {
                        (Some(text), Mode::Text) => text,
                        _ => &request.system,
                    };
                    req = wire::build(p, key.as_ref(), system, &request.user, mode, &schema, form);
                    attempt -= 1;
                    continue;
                }
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

/// What the user is told, once, when a server refused the system prompt as content blocks.
fn blocks_notice(p: &ProviderConfig, e: &LlmError) -> String {
    let reason = match e {
        LlmError::Rejected { status, .. } => format!("{status}: {e}"),
        _ => e.to_string(),
    };
    format!(
        "{} does not take the system prompt as content blocks ({}); sending it as plain text, without prompt caching",
        p.kind.name(),
        super::sanitize::one_line(&reason, 160)
    )
}

/// Whether an error reply says the server does not take the system prompt as a list of
/// content blocks: a validation error (400, 422, or the 500 a proxy turns it into) that says
/// a string was expected, or names `system`. LiteLLM in front of llama-cpp-python answers 500
/// with "Input should be a valid string".
fn refuses_system_blocks(status: u16, body: &[u8]) -> bool {
    let body = String::from_utf8_lossy(body).to_ascii_lowercase();
    matches!(status, 400 | 422 | 500) && (body.contains("valid string") || body.contains("system"))
}

/// What the user is told, once, when a server refused a way of asking for structured output.
fn refusal_notice(p: &ProviderConfig, refused: Mode, next: Mode, e: &LlmError) -> String {
    let reason = match e {
        LlmError::Rejected { status, .. } => format!("{status}: {e}"),
        _ => e.to_string(),
    };
    let what = match refused {
        Mode::JsonSchema => "response_format json_schema",
        Mode::JsonObject => "response_format json_object",
        Mode::Tool => "a forced tool call",
        Mode::Format => "a format schema",
        Mode::Text => "plain text",
    };
    let how = match next {
        Mode::JsonObject => {
            "asking with json_object and the schema (`structured = \"json_object\"` in the config skips the first try)"
        }
        _ => {
            "asking for plain text instead (`structured = false` in the config skips the first try)"
        }
    };
    format!(
        "{} does not take structured output as {what} ({}); {how}",
        p.kind.name(),
        super::sanitize::one_line(&reason, 160)
    )
}

#[allow(clippy::too_many_arguments)]
async fn one_attempt(
    p: &ProviderConfig,
    client: &reqwest::Client,
    req: &wire::HttpRequest,
    redactor: &Redactor,
    attempt: u32,
    mode: Mode,
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
    if resp.status().is_redirection() {
        return Err(Failure::Final(redirect_error(p, &req.url, &resp, redactor)));
    }
    if !resp.status().is_success() {
        let asked = retry_after(resp.headers());
        let body = read_body(&mut resp, MAX_ERROR_BODY, p, out.cancel)
            .await
            .unwrap_or_default();
        let err = status_error(p, &req.url, status, &body, attempt, redactor);
        if req.system_blocks && refuses_system_blocks(status, &body) {
            return Err(Failure::SystemBlocksRefused(err));
        }
        if mode.is_refused_by(status, &body) {
            return Err(Failure::Refused(err));
        }
        return Err(if err.is_retryable() {
            Failure::Retryable(err, asked)
        } else {
            Failure::Final(err)
        });
    }
    check_headers(p, resp.headers()).map_err(Failure::Final)?;
    out.send(StreamEvent::Started);
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    // A server that ignored `stream: true` (or a proxy's error page with status 200) sends
    // one JSON document.
    if p.kind != ProviderKind::Ollama && content_type.starts_with("application/json") {
        return whole_body(p, &mut resp, redactor, out).await;
    }
    stream_body(p, &mut resp, redactor, out).await
}

/// A 3xx: where the server wanted the request to go (resolved against the URL asked).
fn redirect_error(
    p: &ProviderConfig,
    url: &str,
    resp: &reqwest::Response,
    redactor: &Redactor,
) -> LlmError {
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(|l| {
            reqwest::Url::parse(url)
                .and_then(|base| base.join(l))
                .map_or_else(|_| l.to_string(), String::from)
        });
    LlmError::Redirect {
        provider: p.kind.name(),
        status: resp.status().as_u16(),
        location: location.map_or_else(|| "nowhere (no location)".into(), |l| redactor.message(&l)),
        env: p.kind.url_env(),
    }
}
