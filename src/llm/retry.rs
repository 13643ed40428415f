//! When to try again, and how long to wait: only before the first token, only on overload and
//! server errors, honouring the server's `retry-after`.

use std::time::Duration;

use reqwest::header::HeaderMap;

use super::decode::describe_error_body;
use super::error::{LlmError, MAX_SERVER_WAIT};
use super::provider::ProviderConfig;
use super::redact::Redactor;

/// Longest backoff between two attempts when the server does not say.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The wait the server asks for: `retry-after-ms` (OpenAI), else `retry-after` in seconds or
/// as an HTTP date (a date past is no wait). A wait longer than a day (`1e300`, a date years
/// ahead) is a day: it is too long to wait for either way.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_at(headers, std::time::SystemTime::now())
}

/// [`retry_after`] at the time `now`.
fn retry_after_at(headers: &HeaderMap, now: std::time::SystemTime) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .get(name)?
            .to_str()
            .ok()?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    let clamped = |secs: f64| {
        Duration::try_from_secs_f64(secs)
            .unwrap_or(MAX_SERVER_WAIT)
            .min(MAX_SERVER_WAIT)
    };
    if let Some(ms) = get("retry-after-ms") {
        return Some(clamped(ms / 1000.0));
    }
    if let Some(secs) = get("retry-after") {
        return Some(clamped(secs));
    }
    let date = headers.get("retry-after")?.to_str().ok()?.trim();
    let at = httpdate::parse_http_date(date).ok()?;
    Some(
        at.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_SERVER_WAIT),
    )
}

/// Exponential backoff with jitter: `base * 2^(attempt-1)`, +/-20%, at most [`MAX_BACKOFF`].
/// Jitter spreads out clients that were rate limited together.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
        .min(MAX_BACKOFF);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let factor = 0.8 + 0.4 * (f64::from(nanos % 1000) / 1000.0);
    exp.mul_f64(factor)
}

/// The error for a non-success status, from the body the server sent.
pub(super) fn status_error(
    p: &ProviderConfig,
    url: &str,
    status: u16,
    body: &[u8],
    attempts: u32,
    redactor: &Redactor,
) -> LlmError {
    let (raw, kind) = describe_error_body(body);
    let message = redactor.message(&raw);
    let provider = p.kind.name();
    let quota = kind.as_deref() == Some("insufficient_quota") || raw.contains("insufficient_quota");
    match status {
        // Nothing was sent to reject: say so, and where a key goes.
        401 if p.key == super::KeySource::None => LlmError::MissingKey {
            provider,
            env: p.kind.key_env(),
        },
        401 => LlmError::Unauthorized {
            provider,
            env: p.kind.key_env(),
            message,
        },
        403 => LlmError::Forbidden {
            provider,
            model: p.model.clone(),
            message,
        },
        404 => LlmError::NotFound {
            provider,
            model: p.model.clone(),
            url: redactor.message(url),
            message,
        },
        429 if quota => LlmError::Quota { provider, message },
        429 => LlmError::RateLimited {
            provider,
            attempts,
            message,
        },
        408 | 500..=599 => LlmError::Server {
            provider,
            status,
            attempts,
            message,
        },
        _ => LlmError::Rejected {
            provider,
            status,
            message,
        },
    }
}

/// How long to wait after failed attempt number `attempt` (from 1) of a retryable error, or
/// the error to give up with.
pub(super) fn next_wait(
    p: &ProviderConfig,
    error: &LlmError,
    attempt: u32,
    asked: Option<Duration>,
) -> Result<Duration, LlmError> {
    if attempt > p.max_retries {
        return Err(error.clone());
    }
    match asked {
        Some(wait) if wait > p.max_retry_wait => Err(LlmError::RetryTooLong {
            provider: p.kind.name(),
            wait,
            message: match error {
                LlmError::RateLimited { message, .. } | LlmError::Server { message, .. } => {
                    message.clone()
                }
                _ => String::new(),
            },
        }),
        Some(wait) => Ok(wait),
        None => Ok(backoff(p.retry_base, attempt)),
    }
}

/// The same error with the final attempt count, for the message.
pub(super) fn with_attempts(error: LlmError, n: u32) -> LlmError {
    match error {
        LlmError::RateLimited {
            provider, message, ..
        } => LlmError::RateLimited {
            provider,
            attempts: n,
            message,
        },
        LlmError::Server {
            provider,
            status,
            message,
            ..
        } => LlmError::Server {
            provider,
            status,
            attempts: n,
            message,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_in_seconds_or_milliseconds() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after-ms", HeaderValue::from_static("150"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(150)));
        let mut d = HeaderMap::new();
        d.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        // A date: the wait until then, none for a date past, at most a day.
        let then = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        let before = then - Duration::from_secs(90);
        assert_eq!(retry_after_at(&d, before), Some(Duration::from_secs(90)));
        assert_eq!(retry_after(&d), Some(Duration::ZERO));
        let years_before = then - Duration::from_secs(5 * 365 * 86_400);
        assert_eq!(retry_after_at(&d, years_before), Some(MAX_SERVER_WAIT));
        d.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&d), None);
        let mut huge = HeaderMap::new();
        huge.insert("retry-after", HeaderValue::from_static("1e300"));
        assert_eq!(retry_after(&huge), Some(MAX_SERVER_WAIT));
        huge.insert("retry-after-ms", HeaderValue::from_static("1e30"));
        assert_eq!(retry_after(&huge), Some(MAX_SERVER_WAIT));
    }

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let b = Duration::from_millis(100);
        for attempt in 1..5 {
            let d = backoff(b, attempt).as_secs_f64();
            let expect = 0.1 * f64::from(1u32 << (attempt - 1));
            assert!(d >= expect * 0.79 && d <= expect * 1.21, "{attempt}: {d}");
        }
        assert!(backoff(b, 40) <= MAX_BACKOFF.mul_f64(1.2));
    }
}
