//! A finished stream as a saved [`Critique`], the cache lookup, and the cost.

use std::path::Path;

use crate::config::Price;
use crate::questionnaire::Questionnaire;
use crate::session::{Critique, Session};
use crate::store::{Lock, Saved, Store};
use crate::workspace::Error;

use super::event::Transcript;
use super::prompt::CritiqueRequest;
use super::provider::ProviderKind;
use crate::critique_findings::{LlmFinding, cited_questions};

/// How a provider bills cached input, as fractions of the input price.
#[derive(Debug, Clone, Copy, PartialEq)]
struct CachePricing {
    /// Tokens read from the cache.
    read: f64,
    /// Tokens written to the cache.
    write: f64,
    /// The input count includes the cached tokens (OpenAI's `prompt_tokens` does;
    /// Anthropic's `input_tokens` does not).
    input_includes_cache: bool,
}

/// OpenAI: cached input at half price (the published discount for the GPT-4o family; newer
/// models discount more, so this is an upper bound), writes free. Anthropic: reads at a
/// tenth, writes at 1.25 times the input price (five-minute cache). Others: no discount.
fn cache_pricing(kind: ProviderKind) -> CachePricing {
    match kind {
        ProviderKind::OpenAi => CachePricing {
            read: 0.5,
            write: 1.0,
            input_includes_cache: true,
        },
        ProviderKind::Anthropic => CachePricing {
            read: 0.1,
            write: 1.25,
            input_includes_cache: false,
        },
        ProviderKind::Ollama => CachePricing {
            read: 1.0,
            write: 1.0,
            input_includes_cache: true,
        },
    }
}

/// Token counts of one critique, as the provider reported them.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Usage {
    pub(super) input: Option<u64>,
    pub(super) output: Option<u64>,
    /// Input tokens read from the prompt cache.
    pub(super) cached: Option<u64>,
    /// Input tokens written to the prompt cache.
    pub(super) cache_write: Option<u64>,
}

/// The cost in USD of a critique, if the model's price is known. A missing count (a stream that
/// broke before the usage arrived) counts as zero, so the cost is a lower bound then. Cached
/// input is priced as the provider prices it ([`cache_pricing`]).
pub(super) fn cost_usd(kind: ProviderKind, price: Option<Price>, u: Usage) -> Option<f64> {
    let Price {
        input: pi,
        output: po,
    } = price?;
    if u.input.is_none() && u.output.is_none() {
        return None;
    }
    let pricing = cache_pricing(kind);
    let (cached, written) = (u.cached.unwrap_or(0), u.cache_write.unwrap_or(0));
    let input = u.input.unwrap_or(0);
    let uncached = if pricing.input_includes_cache {
        input.saturating_sub(cached + written)
    } else {
        input
    };
    let input_usd = uncached as f64 * pi
        + cached as f64 * pi * pricing.read
        + written as f64 * pi * pricing.write;
    let usd = input_usd / 1e6 + u.output.unwrap_or(0) as f64 * po / 1e6;
    // Rounded to a millionth of a cent, so the file shows `0.000105`, not float noise.
    Some((usd * 1e8).round() / 1e8)
}

/// The critique to save for a transcript, made at `created` (RFC 3339; the caller owns the
/// clock). A failed transcript has no text worth saving: check `transcript.failed` first.
pub fn to_critique(request: &CritiqueRequest, t: &Transcript, created: &str) -> Critique {
    let p = &request.provider;
    let usage = Usage {
        input: t.input_tokens,
        output: t.output_tokens,
        cached: t.cached_input_tokens,
        cache_write: t.cache_write_tokens,
    };
    let findings = t
        .findings
        .iter()
        .map(|f| LlmFinding {
            cites: cited_questions(&f.question, &f.evidence, &request.answer_texts),
            ..f.clone()
        })
        .collect();
    Critique {
        provider: p.kind.name().to_string(),
        model: p.model.clone(),
        created: created.to_string(),
        prompt_hash: request.prompt_hash.clone(),
        answers_hash: request.answers_hash.clone(),
        text: t.text.clone(),
        interrupted: t.interrupted.is_some(),
        input_tokens: t.input_tokens,
        output_tokens: t.output_tokens,
        tokens_counted: t.usage_estimated,
        // A cost from a guessed count would look exact in the doc: none rather than a guess.
        cost_usd: if t.usage_estimated {
            None
        } else {
            cost_usd(p.kind, p.price, usage)
        },
        cached_input_tokens: t.cached_input_tokens,
        cache_write_tokens: t.cache_write_tokens,
        verdict: t.verdict.clone(),
        findings,
        follow_up_questions: t.follow_ups.clone(),
        answer_hashes: request.answer_hashes.clone(),
        note: (!t.notes.is_empty()).then(|| t.notes.join("; ")),
    }
}

/// A saved, complete critique of the same answers with the same prompts and model: asking
/// again would pay for the same text.
pub fn cached<'a>(session: &'a Session, request: &CritiqueRequest) -> Option<&'a Critique> {
    session.critiques.iter().rev().find(|c| {
        !c.interrupted
            && c.answers_hash == request.answers_hash
            && c.prompt_hash == request.prompt_hash
            && c.model == request.provider.model
            && !c.text.trim().is_empty()
    })
}

/// Appends the critique to the session file under its lock (`lock`, if the caller took it
/// already, else taken now), merged with whatever was saved meanwhile: the critique is only
/// ever added, so nothing else in the file changes. Written atomically.
pub fn save_critique(
    path: &Path,
    questionnaire: Option<&Questionnaire>,
    critique: Critique,
    lock: Option<Lock>,
) -> Result<Session, Error> {
    let lock = match lock {
        Some(lock) => lock,
        None => Lock::acquire(path, "saving a critique")?,
    };
    let (store, mut session) = Store::open(path, Some(lock))?;
    let mut store = match questionnaire {
        Some(q) => store.hiding_secrets_of(q),
        None => store,
    };
    session.critiques.push(critique);
    match store.save(&session)? {
        Saved::Written => Ok(session),
        Saved::Merged(merged) => Ok(merged),
        // Only a critique was added here, so no answer can be changed on both sides.
        Saved::Conflicts { .. } => Err(Error::Other {
            path: path.to_path_buf(),
            message: "the file changed while the critique was saved; run the critique again".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(input: Option<u64>, output: Option<u64>) -> Usage {
        Usage {
            input,
            output,
            ..Usage::default()
        }
    }

    #[test]
    fn cost_from_price_per_million() {
        let p = Some(Price {
            input: 0.15,
            output: 0.60,
        });
        let oa = ProviderKind::OpenAi;
        assert_eq!(cost_usd(oa, p, usage(Some(1000), Some(100))), Some(0.00021));
        assert_eq!(cost_usd(oa, p, usage(None, None)), None);
        assert_eq!(cost_usd(oa, None, usage(Some(1), Some(1))), None);
    }

    #[test]
    fn cached_input_is_cheaper_as_each_provider_counts_it() {
        let p = Some(Price {
            input: 10.0,
            output: 0.0,
        });
        // OpenAI: 1000 prompt tokens of which 800 cached at half price.
        let oa = Usage {
            cached: Some(800),
            ..usage(Some(1000), Some(0))
        };
        assert_eq!(cost_usd(ProviderKind::OpenAi, p, oa), Some(0.006));
        // Anthropic: 200 uncached, plus 800 read at a tenth and 100 written at 1.25.
        let an = Usage {
            cached: Some(800),
            cache_write: Some(100),
            ..usage(Some(200), Some(0))
        };
        assert_eq!(cost_usd(ProviderKind::Anthropic, p, an), Some(0.00405));
    }
}
