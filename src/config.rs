//! The user's config file: LLM provider settings, prices, timeouts and extra rule packs.
//!
//! Found at `$KICKOFF_CONFIG` if set, else `<platform config dir>/kickoff/config.toml`
//! (`~/.config/kickoff/config.toml` on Linux). A missing or empty file is an empty config.
//! Documented in `docs/config.md`, with an example in `docs/config.example.toml`. It holds no
//! keys: `api_key_cmd` names a command that prints one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::source::{FileError, parse_toml, read};

/// Environment variable naming the config file (tests, several profiles).
pub const CONFIG_ENV: &str = "KICKOFF_CONFIG";

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
    /// Where the config file is looked for.
    pub fn default_path() -> Option<PathBuf> {
        match std::env::var_os(CONFIG_ENV) {
            Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
            _ => dirs::config_dir().map(|d| d.join("kickoff").join("config.toml")),
        }
    }

    /// Loads the config file from [`Config::default_path`]. A missing file is an empty
    /// config, except when `KICKOFF_CONFIG` names it explicitly.
    pub fn load() -> Result<Config, FileError> {
        let explicit = std::env::var_os(CONFIG_ENV).is_some_and(|p| !p.is_empty());
        match Self::default_path() {
            Some(p) if explicit || p.exists() => Self::load_from(&p),
            Some(p) => Ok(Config {
                path: Some(p),
                ..Config::default()
            }),
            None => Ok(Config::default()),
        }
    }

    pub fn load_from(path: &Path) -> Result<Config, FileError> {
        let source = read(path)?;
        let mut config: Config = if source.trim().is_empty() {
            Config::default()
        } else {
            parse_toml(&source, path)?
        };
        let base = path.parent().unwrap_or(Path::new("."));
        for p in config
            .rules
            .iter_mut()
            .chain(config.system_template.as_mut())
            .chain(config.user_template.as_mut())
        {
            *p = resolve_path(base, p);
        }
        config.path = Some(path.to_path_buf());
        Ok(config)
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
            }
        } else {
            ProviderSettings::default()
        };
        ProviderSettings {
            model: own.model.or(defaults.model),
            base_url: own.base_url.or(defaults.base_url),
            api_key_cmd: own.api_key_cmd.or(defaults.api_key_cmd),
            max_tokens: own.max_tokens.or(defaults.max_tokens),
        }
    }
}

/// `~/x` is under the home directory; a relative path is relative to the config file.
fn resolve_path(base: &Path, p: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~")
        && let Some(home) = dirs::home_dir()
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
    fn the_example_config_parses() {
        let src = include_str!("../docs/config.example.toml");
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
    fn unknown_keys_are_reported_with_a_position() {
        let e = parse_toml::<Config>("provder = \"openai\"\n", Path::new("c.toml")).unwrap_err();
        assert!(e.to_string().starts_with("c.toml:1:"), "{e}");
    }

    #[test]
    fn relative_paths_are_relative_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "rules = [\"team.rules.toml\", \"/abs.toml\"]\n").unwrap();
        let c = Config::load_from(&p).unwrap();
        assert_eq!(
            c.rules,
            vec![
                dir.path().join("team.rules.toml"),
                PathBuf::from("/abs.toml")
            ]
        );
    }
}
