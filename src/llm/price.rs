//! The built-in list prices, for the cost of a critique when the config file gives none.

use crate::config::Price;

const PRICES: &str = include_str!("prices.toml");

/// Built-in list price for a model, matching dated variants (`gpt-4o-mini-2024-07-18`) by the
/// longest known prefix.
pub(super) fn builtin_price(model: &str) -> Option<Price> {
    #[derive(serde::Deserialize)]
    struct Table {
        prices: std::collections::BTreeMap<String, Price>,
    }
    let table: Table = toml::from_str(PRICES).expect("the built-in price table parses");
    let model = model.rsplit('/').next().unwrap_or(model);
    table
        .prices
        .into_iter()
        .filter(|(name, _)| {
            model == name
                || model
                    .strip_prefix(name.as_str())
                    .is_some_and(|r| r.starts_with('-'))
        })
        .max_by_key(|(name, _)| name.len())
        .map(|(_, p)| p)
}

/// A rough count of the tokens in `text` before it is sent (about four characters a token
/// in English prose and JSON), for the dry run's estimate.
pub fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_match_dated_variants_by_longest_prefix() {
        let p = builtin_price("gpt-4o-mini-2024-07-18").unwrap();
        assert_eq!(p.input, 0.15);
        assert!(builtin_price("gpt-4omni").is_none());
    }
}
