//! A finished stream as a saved [`Critique`], the cache lookup, and the cost.

use std::path::Path;

use crate::config::Price;
use crate::questionnaire::Questionnaire;
use crate::session::{Critique, Session};
use crate::store::{Lock, Saved, Store};
use crate::workspace::Error;

use super::event::Transcript;
use super::prompt::CritiqueRequest;

/// The cost in USD of a critique, if the model's price is known. A missing count (a stream that
/// broke before the usage arrived) counts as zero, so the cost is a lower bound then.
fn cost_usd(
    price: Option<crate::config::Price>,
    input: Option<u64>,
    output: Option<u64>,
) -> Option<f64> {
    let Price {
        input: pi,
        output: po,
    } = price?;
    if input.is_none() && output.is_none() {
        return None;
    }
    let usd = input.unwrap_or(0) as f64 * pi / 1e6 + output.unwrap_or(0) as f64 * po / 1e6;
    // Rounded to a millionth of a cent, so the file shows `0.000105`, not float noise.
    Some((usd * 1e8).round() / 1e8)
}

/// The critique to save for a transcript, made at `created` (RFC 3339; the caller owns the
/// clock). A failed transcript has no text worth saving: check `transcript.failed` first.
pub fn to_critique(request: &CritiqueRequest, t: &Transcript, created: &str) -> Critique {
    let p = &request.provider;
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
            cost_usd(p.price, t.input_tokens, t.output_tokens)
        },
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

    #[test]
    fn cost_from_price_per_million() {
        let p = Some(Price {
            input: 0.15,
            output: 0.60,
        });
        assert_eq!(cost_usd(p, Some(1000), Some(100)), Some(0.00021));
        assert_eq!(cost_usd(p, None, None), None);
        assert_eq!(cost_usd(None, Some(1), Some(1)), None);
    }
}
