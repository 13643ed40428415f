//! The user's config file: LLM provider settings, prices, timeouts and extra rule packs.
//!
//! Where it is looked for is the front end's to say (the binary's `settings`: `$KICKOFF_CONFIG`
//! if set, else `<platform config dir>/kickoff/config.toml`); the core reads the file it is
//! given and never the environment. A missing or empty file is an empty config.
//! Documented in `docs/config.md`, with an example in `docs/config.example.toml`. It holds no
//! keys: `api_key_cmd` names a command that prints one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::source::{FileError, Problem, parse_toml};

/// The longest duration a setting may hold, in seconds: a day. More is a typo, and would not
/// fit the clock.
pub const MAX_SECS: f64 = 24.0 * 60.0 * 60.0;

/// The most tokens a critique may ask for (`max_tokens`, `--max-tokens`).
pub const MAX_TOKENS: u32 = 1_000_000;

/// Why a number in the config (or on the command line) cannot be used. Its message completes
/// a sentence that starts with the key: "`timeouts.read_secs` must be more than 0 seconds".
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LimitError {
    #[error("is not a number")]
    NotANumber,
    #[error("must be more than 0 seconds, not {}", number(*.0))]
    NotPositive(f64),
    #[error("{} seconds is too long (at most {MAX_SECS} s, a day)", number(*.0))]
    TooLong(f64),
    #[error("must be a finite number of USD per million tokens")]
    Infinite,
    #[error("must not be negative, not {}", number(*.0))]
    Negative(f64),
    #[error("must be between 1 and {MAX_TOKENS}, not {0}")]
    Tokens(u32),
    #[error("must be at most {MAX_RETRIES}, not {0}")]
    Retries(u32),
    #[error("`{0}` has no letter or digit, so it matches nothing")]
    UnusablePhrase(String),
}

/// What is wrong with a duration in seconds, if anything.
pub fn check_secs(secs: f64) -> Result<(), LimitError> {
    if secs.is_nan() {
        Err(LimitError::NotANumber)
    } else if secs <= 0.0 {
        Err(LimitError::NotPositive(secs))
    } else if secs > MAX_SECS {
        Err(LimitError::TooLong(secs))
    } else {
        Ok(())
    }
}

/// A number as written in a config file: `1e300`, not three hundred digits.
fn number(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e9 {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

/// The most retries a critique may make after its first attempt (`retry.max_retries`).
pub const MAX_RETRIES: u32 = 10;

/// What is wrong with a price in USD per million tokens, if anything.
pub fn check_price(usd: f64) -> Result<(), LimitError> {
    if usd.is_nan() {
        Err(LimitError::NotANumber)
    } else if usd.is_infinite() {
        Err(LimitError::Infinite)
    } else if usd < 0.0 {
        Err(LimitError::Negative(usd))
    } else {
        Ok(())
    }
}

/// What is wrong with a token limit, if anything.
pub fn check_max_tokens(n: u32) -> Result<(), LimitError> {
    if (1..=MAX_TOKENS).contains(&n) {
        Ok(())
    } else {
        Err(LimitError::Tokens(n))
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Provider used when `--provider` is not given: `openai`, `anthropic` or `ollama`.
    pub provider: Option<String>,
    /// `model`, `base_url`, `api_key_cmd`, `max_tokens` at the top level: settings for the
    /// default provider; `[providers.NAME]` settings win over these.
    pub model: Option<String>,
    pub base_url: Option<String>,
    pub api_key_cmd: Option<String>,
    pub max_tokens: Option<u32>,
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderSettings>,
    #[serde(default)]
    pub timeouts: Timeouts,
    #[serde(default)]
    pub retry: Retry,
    /// USD per million tokens, by model name.
    #[serde(default)]
    pub prices: BTreeMap<String, Price>,
    /// Critique prompt templates to use instead of the built-in ones.
    pub system_template: Option<PathBuf>,
    pub user_template: Option<PathBuf>,
    /// Extra offline rule packs, used by `check`, `render` and `critique`.
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    /// Phrases added to the built-in placeholder list ("TBD", "later"...): answers that are
    /// only one of them count as unanswered.
    #[serde(default)]
    pub placeholders: Vec<String>,
    /// Ask for the critique as JSON following the schema (the default), or as plain text.
    /// `[providers.NAME]` may say otherwise for one provider.
    pub structured: Option<Structured>,
    /// How much the reviewer writes: matched to the answers' length (`auto`), or fixed.
    pub tone: Option<Tone>,
    /// How the review is judged: `[review] llm = "advisory"` keeps the LLM reviewer's
    /// findings out of the verdict and the gate (they count by default).
    #[serde(default)]
    pub review: ReviewSettings,
    /// The file this came from, if any.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    pub model: Option<String>,
    pub base_url: Option<String>,
    /// A command whose standard output is the API key (`pass show openai`, `op read ...`).
    pub api_key_cmd: Option<String>,
    pub max_tokens: Option<u32>,
    pub structured: Option<Structured>,
}

/// How a critique asks for structured output (`structured` in the config file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Structured {
    /// JSON following the schema, in the provider's own way; on an OpenAI-compatible server,
    /// `json_schema` first, then `json_object` with the schema if that is refused, then text.
    #[default]
    Auto,
    /// Plain text (`structured = false`).
    Off,
    /// OpenAI-compatible only: `response_format` type `json_schema` (OpenAI, vLLM, llama.cpp).
    JsonSchema,
    /// OpenAI-compatible only: `response_format` type `json_object` with a `schema`
    /// (llama-cpp-python's server).
    JsonObject,
}

impl<'de> Deserialize<'de> for Structured {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Structured, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bool(bool),
            Name(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bool(true) => Ok(Structured::Auto),
            Raw::Bool(false) => Ok(Structured::Off),
            Raw::Name(n) => match n.as_str() {
                "auto" => Ok(Structured::Auto),
                "off" | "text" => Ok(Structured::Off),
                "json_schema" => Ok(Structured::JsonSchema),
                "json_object" => Ok(Structured::JsonObject),
                other => Err(serde::de::Error::custom(format!(
                    "`structured` is true, false, \"json_schema\" or \"json_object\", not \"{other}\""
                ))),
            },
        }
    }
}

/// How much the reviewer writes (`tone` in the config file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    /// From the team's answers: short answers get a terse review, long ones a full one.
    #[default]
    Auto,
    Terse,
    Normal,
    Full,
}

impl Tone {
    pub fn name(self) -> &'static str {
        match self {
            Tone::Auto => "auto",
            Tone::Terse => "terse",
            Tone::Normal => "normal",
            Tone::Full => "full",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Timeouts {
    /// Time to open the connection (DNS, TCP, TLS). Default 10 s.
    pub connect_secs: Option<f64>,
    /// Longest silence from the server, waiting for the reply or between chunks. There is no
    /// total deadline: a long critique that keeps arriving is never cut. Default 120 s.
    pub read_secs: Option<f64>,
}

/// The config file's `[review]` table.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReviewSettings {
    /// `count` (the default) or `advisory`.
    #[serde(default)]
    pub llm: crate::verdict::LlmPolicy,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// Retries after the first attempt (before the first token only). Default 4.
    pub max_retries: Option<u32>,
    /// First backoff delay, doubled each time, when the server gives no `retry-after`.
    /// Default 1000 ms.
    pub base_delay_ms: Option<u64>,
    /// Give up rather than wait longer than this for one retry. Default 60 s.
    pub max_wait_secs: Option<f64>,
}

/// USD per million tokens.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input: f64,
    pub output: f64,
}

impl Config {
    /// The config file `path`, its text `source`: its paths resolved (`~/x` in `home`, a
    /// relative one beside the file), its values checked.
    pub fn from_file(source: &str, path: &Path, home: Option<&Path>) -> Result<Config, FileError> {
        let mut config: Config = if source.trim().is_empty() {
            Config::default()
        } else {
            parse_toml(source, path)?
        };
        let base = path.parent().unwrap_or(Path::new("."));
        for p in config
            .rules
            .iter_mut()
            .chain(config.system_template.as_mut())
            .chain(config.user_template.as_mut())
        {
            *p = resolve_path(base, home, p);
        }
        config.path = Some(path.to_path_buf());
        let problems = config.problems();
        if !problems.is_empty() {
            return Err(FileError::Invalid {
                path: path.to_path_buf(),
                problems,
            });
        }
        Ok(config)
    }

    /// Values that parse but cannot be used: durations that are not positive, finite and at
    /// most a day, token limits of 0 or over `MAX_TOKENS`. Each names its key.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut report = |key: String, result: Result<(), LimitError>| {
            if let Err(error) = result {
                problems.push(Problem {
                    line: None,
                    subject: format!("`{key}`"),
                    question: None,
                    message: error.to_string(),
                });
            }
        };
        for (key, secs) in [
            ("timeouts.connect_secs", self.timeouts.connect_secs),
            ("timeouts.read_secs", self.timeouts.read_secs),
            ("retry.max_wait_secs", self.retry.max_wait_secs),
        ] {
            if let Some(s) = secs {
                report(key.to_string(), check_secs(s));
            }
        }
        // No delay between retries is a choice (a local server); more than a day is not.
        if let Some(ms) = self.retry.base_delay_ms.filter(|ms| *ms > 0) {
            report("retry.base_delay_ms".into(), check_secs(ms as f64 / 1000.0));
        }
        if let Some(n) = self.retry.max_retries.filter(|n| *n > MAX_RETRIES) {
            report("retry.max_retries".into(), Err(LimitError::Retries(n)));
        }
        for (model, price) in &self.prices {
            for (side, usd) in [("input", price.input), ("output", price.output)] {
                report(format!("prices.\"{model}\".{side}"), check_price(usd));
            }
        }
        if let Some(n) = self.max_tokens {
            report("max_tokens".into(), check_max_tokens(n));
        }
        for phrase in &self.placeholders {
            if !crate::placeholder::is_usable_phrase(phrase) {
                let error = LimitError::UnusablePhrase(phrase.clone());
                report("placeholders".into(), Err(error));
            }
        }
        for (name, settings) in &self.providers {
            if let Some(n) = settings.max_tokens {
                report(format!("providers.{name}.max_tokens"), check_max_tokens(n));
            }
        }
        problems
    }

    /// Settings for one provider: its own table over the top-level defaults, which apply
    /// only to the default provider (so `model = "gpt-4o"` is not sent to Anthropic).
    pub fn settings_for(&self, provider: &str) -> ProviderSettings {
        let own = self.providers.get(provider).cloned().unwrap_or_default();
        let defaults = if self.provider.as_deref() == Some(provider) {
            ProviderSettings {
                model: self.model.clone(),
                base_url: self.base_url.clone(),
                api_key_cmd: self.api_key_cmd.clone(),
                max_tokens: self.max_tokens,
                structured: None,
            }
        } else {
            ProviderSettings::default()
        };
        ProviderSettings {
            model: own.model.or(defaults.model),
            base_url: own.base_url.or(defaults.base_url),
            api_key_cmd: own.api_key_cmd.or(defaults.api_key_cmd),
            max_tokens: own.max_tokens.or(defaults.max_tokens),
            // A switch for every provider, unlike the settings above.
            structured: own.structured.or(self.structured),
        }
    }
}

/// `~/x` is under the home directory; a relative path is relative to the config file.
fn resolve_path(base: &Path, home: Option<&Path>, p: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~")
        && let Some(home) = home
    {
        return home.join(rest);
    }
    if p.is_relative() {
        base.join(p)
    } else {
        p.to_path_buf()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_and_prices_out_of_bounds_are_named() {
        let src = "[retry]\nmax_retries = 4000000000\n\
                   [prices.\"m-1\"]\ninput = nan\noutput = -1.0\n\
                   [prices.m2]\ninput = inf\noutput = 0.5\n";
        let c: Config = toml::from_str(src).unwrap();
        let problems: Vec<String> = c
            .problems()
            .iter()
            .map(|p| format!("{}: {}", p.subject, p.message))
            .collect();
        assert_eq!(
            problems,
            [
                "`retry.max_retries`: must be at most 10, not 4000000000",
                "`prices.\"m-1\".input`: is not a number",
                "`prices.\"m-1\".output`: must not be negative, not -1",
                "`prices.\"m2\".input`: must be a finite number of USD per million tokens",
            ]
        );
        let fine: Config = toml::from_str("[retry]\nmax_retries = 10\n").unwrap();
        assert!(fine.problems().is_empty());
    }

    #[test]
    fn the_example_config_parses() {
        let src = include_str!("../../docs/config.example.toml");
        let c: Config = parse_toml(src, Path::new("config.example.toml")).unwrap();
        assert_eq!(c.provider.as_deref(), Some("anthropic"));
        assert!(c.prices.contains_key("gpt-4o-mini"));
    }

    #[test]
    fn top_level_settings_apply_to_the_default_provider_only() {
        let src = "provider = \"openai\"\nmodel = \"m1\"\n[providers.anthropic]\nmodel = \"m2\"\n";
        let c: Config = parse_toml(src, Path::new("c.toml")).unwrap();
        assert_eq!(c.settings_for("openai").model.as_deref(), Some("m1"));
        assert_eq!(c.settings_for("anthropic").model.as_deref(), Some("m2"));
        assert_eq!(c.settings_for("ollama").model, None);
    }

    #[test]
    fn structured_is_a_switch_or_a_dialect_and_tone_a_word() {
        let src = "structured = false\ntone = \"terse\"\n[providers.openai]\nstructured = \"json_object\"\n";
        let c: Config = parse_toml(src, Path::new("c.toml")).unwrap();
        assert_eq!(
            c.settings_for("openai").structured,
            Some(Structured::JsonObject)
        );
        assert_eq!(c.settings_for("ollama").structured, Some(Structured::Off));
        assert_eq!(c.tone, Some(Tone::Terse));
        let e = parse_toml::<Config>("structured = \"yaml\"\n", Path::new("c.toml")).unwrap_err();
        assert!(e.to_string().contains("not \"yaml\""), "{e}");
        assert!(parse_toml::<Config>("tone = \"chatty\"\n", Path::new("c.toml")).is_err());
    }

    #[test]
    fn unknown_keys_are_reported_with_a_position() {
        let e = parse_toml::<Config>("provder = \"openai\"\n", Path::new("c.toml")).unwrap_err();
        assert!(e.to_string().starts_with("c.toml:1:"), "{e}");
    }

    #[test]
    fn unusable_durations_and_token_limits_name_their_key() {
        let src = "max_tokens = 0\n[providers.ollama]\nmax_tokens = 2000000\n\
                   [timeouts]\nconnect_secs = -1\nread_secs = 1e300\n\
                   [retry]\nmax_wait_secs = nan\nbase_delay_ms = 100000000\n";
        let c: Config = parse_toml(src, Path::new("c.toml")).unwrap();
        let got: Vec<String> = c
            .problems()
            .iter()
            .map(|p| format!("{}: {}", p.subject, p.message))
            .collect();
        assert_eq!(
            got,
            [
                "`timeouts.connect_secs`: must be more than 0 seconds, not -1",
                "`timeouts.read_secs`: 1e300 seconds is too long (at most 86400 s, a day)",
                "`retry.max_wait_secs`: is not a number",
                "`retry.base_delay_ms`: 100000 seconds is too long (at most 86400 s, a day)",
                "`max_tokens`: must be between 1 and 1000000, not 0",
                "`providers.ollama.max_tokens`: must be between 1 and 1000000, not 2000000",
            ]
        );
        let inf: Config = parse_toml("[timeouts]\nread_secs = inf\n", Path::new("c.toml")).unwrap();
        assert_eq!(inf.problems().len(), 1);
        assert!(Config::default().problems().is_empty());
    }

    #[test]
    fn relative_paths_are_relative_to_the_file() {
        let dir = Path::new("/team/settings");
        let p = dir.join("config.toml");
        let text = "rules = [\"team.rules.toml\", \"/abs.toml\", \"~/mine.rules.toml\"]\n";
        let c = Config::from_file(text, &p, Some(Path::new("/home/me"))).unwrap();
        assert_eq!(
            c.rules,
            vec![
                dir.join("team.rules.toml"),
                PathBuf::from("/abs.toml"),
                PathBuf::from("/home/me/mine.rules.toml")
            ]
        );
    }
}
