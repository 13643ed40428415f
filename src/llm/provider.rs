//! Which provider, model, URL and key to use: flags over environment over config file over
//! defaults, with the environment read the way each official client reads it.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::config::{Config, Price, Structured, check_max_tokens};

use super::error::LlmError;
use super::price::builtin_price;
use super::url::normalize_url;

/// The wire format a provider speaks; see [`ProviderKind::description`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    OpenAi,
    Anthropic,
    Ollama,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 3] = [
        ProviderKind::OpenAi,
        ProviderKind::Anthropic,
        ProviderKind::Ollama,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => "openai",
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::Ollama => "ollama",
        }
    }

    /// What it talks to, in a few words (for `--help`).
    pub fn description(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => {
                "OpenAI-compatible chat completions (OpenAI, vLLM, llama.cpp, LM Studio, OpenRouter...)"
            }
            ProviderKind::Anthropic => "Anthropic Messages",
            ProviderKind::Ollama => "Ollama's native /api/chat",
        }
    }

    /// The environment variable holding the key, as the official client reads it.
    pub(super) fn key_env(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => "OPENAI_API_KEY",
            ProviderKind::Anthropic => "ANTHROPIC_API_KEY",
            ProviderKind::Ollama => "OLLAMA_API_KEY",
        }
    }

    /// The environment variable holding the base URL. `OPENAI_BASE_URL` includes `/v1`,
    /// `ANTHROPIC_BASE_URL` does not, `OLLAMA_HOST` may lack a scheme and port.
    pub(super) fn url_env(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => "OPENAI_BASE_URL",
            ProviderKind::Anthropic => "ANTHROPIC_BASE_URL",
            ProviderKind::Ollama => "OLLAMA_HOST",
        }
    }

    fn default_url(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => "https://api.openai.com/v1",
            ProviderKind::Anthropic => "https://api.anthropic.com",
            ProviderKind::Ollama => "http://localhost:11434",
        }
    }

    fn default_model(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => "gpt-4o-mini",
            ProviderKind::Anthropic => "claude-sonnet-4-5",
            ProviderKind::Ollama => "llama3.2",
        }
    }
}

/// By [`ProviderKind::name`], ignoring case and surrounding spaces (as written in a config file).
impl FromStr for ProviderKind {
    type Err = UnknownProvider;

    fn from_str(name: &str) -> Result<ProviderKind, UnknownProvider> {
        let wanted = name.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.name() == wanted)
            .ok_or_else(|| UnknownProvider(name.to_string()))
    }
}

/// A provider name that is none of [`ProviderKind::ALL`]; the message lists the names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProvider(pub String);

impl fmt::Display for UnknownProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = ProviderKind::ALL.map(ProviderKind::name);
        let (last, rest) = names.split_last().expect("there are providers");
        write!(
            f,
            "unknown provider `{}` (use {} or {last})",
            self.0,
            rest.join(", ")
        )
    }
}

impl std::error::Error for UnknownProvider {}

/// The environment variables that matter, read once (tests build their own).
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: Vec<(&'static str, String)>,
}

impl Env {
    pub fn from_process() -> Env {
        let mut vars = Vec::new();
        for kind in ProviderKind::ALL {
            for name in [kind.key_env(), kind.url_env()] {
                if let Ok(v) = std::env::var(name)
                    && !v.trim().is_empty()
                {
                    vars.push((name, v.trim().to_string()));
                }
            }
        }
        Env { vars }
    }

    pub fn with(mut self, name: &'static str, value: &str) -> Env {
        self.vars.push((name, value.to_string()));
        self
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Choices from the command line.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub provider: Option<ProviderKind>,
    pub model: Option<String>,
    pub base_url: Option<String>,
    pub max_tokens: Option<u32>,
}

/// An API key. Its `Debug` never shows it, so it cannot leak through a `{:?}`.
#[derive(Clone, PartialEq)]
pub struct ApiKey(String);

impl ApiKey {
    pub(super) fn new(key: String) -> ApiKey {
        ApiKey(key)
    }
    pub(super) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum KeySource {
    None,
    /// From an environment variable (named).
    Env(&'static str, ApiKey),
    /// From a command, run just before the request (it may ask for a password).
    Command(String),
}

/// Everything needed to talk to one provider.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub kind: ProviderKind,
    pub model: String,
    /// Without a trailing slash.
    pub base_url: String,
    pub key: KeySource,
    pub(super) max_tokens: u32,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub max_retries: u32,
    pub(super) retry_base: Duration,
    pub(super) max_retry_wait: Duration,
    /// USD per million tokens, from the config file or the built-in table.
    pub price: Option<Price>,
    /// Whether and how to ask for JSON following the critique schema.
    pub structured: Structured,
}

impl ProviderConfig {
    /// The most tokens the model may write.
    pub fn max_tokens(&self) -> u32 {
        self.max_tokens
    }
}

const DEFAULT_MAX_TOKENS: u32 = 1500;

/// Picks the provider and fills in its settings. `Ok(None)`: nothing configured anywhere.
pub fn resolve(
    config: &Config,
    env: &Env,
    flags: &Flags,
) -> Result<Option<ProviderConfig>, LlmError> {
    let Some(kind) = pick_kind(config, env, flags)? else {
        return Ok(None);
    };
    // `Config::from_file` reports these already; a config built in code is checked here.
    if let Some(problem) = config.problems().first() {
        return Err(LlmError::Other(
            problem.display_in(&config_name(config)).to_string(),
        ));
    }
    if let Some(n) = flags.max_tokens {
        check_max_tokens(n).map_err(|m| LlmError::Other(format!("--max-tokens {m}")))?;
    }
    let settings = config.settings_for(kind.name());
    let raw_url = flags
        .base_url
        .clone()
        .or_else(|| env.get(kind.url_env()).map(str::to_string))
        .or(settings.base_url)
        .unwrap_or_else(|| kind.default_url().to_string());
    let base_url = normalize_url(&raw_url, kind == ProviderKind::Ollama)?;
    let key = match (env.get(kind.key_env()), settings.api_key_cmd) {
        (Some(k), _) => KeySource::Env(kind.key_env(), ApiKey::new(k.to_string())),
        (None, Some(cmd)) if !cmd.trim().is_empty() => KeySource::Command(cmd),
        _ => KeySource::None,
    };
    // The official services need a key; a local or self-hosted server usually does not.
    let official = base_url.starts_with("https://api.openai.com")
        || base_url.starts_with("https://api.anthropic.com");
    if key == KeySource::None && official {
        return Err(LlmError::MissingKey {
            provider: kind.name(),
            env: kind.key_env(),
        });
    }
    let model = flags
        .model
        .clone()
        .or(settings.model)
        .unwrap_or_else(|| kind.default_model().to_string());
    // Checked above: positive, finite, at most a day.
    let secs = |s: Option<f64>, default: f64| Duration::from_secs_f64(s.unwrap_or(default));
    let price = config
        .prices
        .get(&model)
        .copied()
        // Local servers have no price.
        .or_else(|| {
            (kind != ProviderKind::Ollama)
                .then(|| builtin_price(&model))
                .flatten()
        });
    Ok(Some(ProviderConfig {
        kind,
        max_tokens: flags
            .max_tokens
            .or(settings.max_tokens)
            .unwrap_or(DEFAULT_MAX_TOKENS),
        model,
        base_url,
        key,
        connect_timeout: secs(config.timeouts.connect_secs, 10.0),
        read_timeout: secs(config.timeouts.read_secs, 120.0),
        max_retries: config.retry.max_retries.unwrap_or(4),
        retry_base: Duration::from_millis(config.retry.base_delay_ms.unwrap_or(1000)),
        max_retry_wait: secs(config.retry.max_wait_secs, 60.0),
        price,
        structured: settings.structured.unwrap_or_default(),
    }))
}

/// The provider: the flag, else the config file's, else the first whose environment is set,
/// else OpenAI-compatible if only a base URL was given. `None`: nothing says.
fn pick_kind(config: &Config, env: &Env, flags: &Flags) -> Result<Option<ProviderKind>, LlmError> {
    let from_config = match &config.provider {
        Some(name) => Some(name.parse::<ProviderKind>().map_err(|e| {
            LlmError::Other(format!("{}: {e}", crate::text::path(&config_name(config))))
        })?),
        None => None,
    };
    let from_env = || {
        ProviderKind::ALL
            .into_iter()
            .find(|k| env.get(k.key_env()).is_some() || env.get(k.url_env()).is_some())
    };
    // A base URL alone means an OpenAI-compatible server (the common case: a local one).
    Ok(flags
        .provider
        .or(from_config)
        .or_else(from_env)
        .or(flags.base_url.as_ref().map(|_| ProviderKind::OpenAi)))
}

/// The config file's path, for messages; "config" for one built in code.
fn config_name(config: &Config) -> std::path::PathBuf {
    config.path.clone().unwrap_or_else(|| "config".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_env(env: Env, flags: Flags) -> Result<Option<ProviderConfig>, LlmError> {
        resolve(&Config::default(), &env, &flags)
    }

    #[test]
    fn nothing_configured_is_none() {
        assert!(
            resolve_env(Env::default(), Flags::default())
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn env_picks_the_provider_and_url() {
        let env = Env::default().with("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1/");
        let p = resolve_env(env, Flags::default()).unwrap().unwrap();
        assert_eq!(p.kind, ProviderKind::OpenAi);
        assert_eq!(p.base_url, "http://127.0.0.1:8080/v1");
        assert_eq!(p.key, KeySource::None);
    }

    #[test]
    fn the_official_api_without_a_key_is_an_error_naming_the_variable() {
        let flags = Flags {
            provider: Some(ProviderKind::Anthropic),
            ..Flags::default()
        };
        let e = resolve_env(Env::default(), flags).unwrap_err();
        assert!(e.to_string().contains("ANTHROPIC_API_KEY"), "{e}");
    }

    #[test]
    fn unusable_settings_are_errors_naming_the_key_or_flag() {
        let env = Env::default().with("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
        let mut config = Config::default();
        config.timeouts.read_secs = Some(1e300);
        config.path = Some("/c/config.toml".into());
        let e = resolve(&config, &env, &Flags::default()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("/c/config.toml: `timeouts.read_secs`: 1e300 seconds"),
            "{e}"
        );
        let flags = Flags {
            max_tokens: Some(0),
            ..Flags::default()
        };
        let e = resolve(&Config::default(), &env, &flags).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--max-tokens must be between 1 and 1000000, not 0"
        );
    }

    #[test]
    fn names_parse_and_an_unknown_one_lists_them() {
        assert_eq!(" OpenAI ".parse(), Ok(ProviderKind::OpenAi));
        for kind in ProviderKind::ALL {
            assert_eq!(kind.name().parse(), Ok(kind));
        }
        let e = "gemini".parse::<ProviderKind>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown provider `gemini` (use openai, anthropic or ollama)"
        );
    }

    #[test]
    fn local_servers_have_no_built_in_price() {
        let flags = Flags {
            provider: Some(ProviderKind::Ollama),
            model: Some("gpt-4o".into()),
            ..Flags::default()
        };
        let p = resolve_env(Env::default(), flags).unwrap().unwrap();
        assert!(p.price.is_none());
    }
}
