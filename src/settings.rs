//! Where the user's config file is: `$KICKOFF_CONFIG` if set (tests, several profiles), else
//! `<platform config dir>/kickoff/config.toml` (`~/.config/kickoff/config.toml` on Linux).
//! The environment is read here, at the edge; the core's [`Config`] is given the file.

use crate::files::Load as _;
use std::path::PathBuf;

use crate::config::Config;
use crate::source::FileError;

/// Environment variable naming the config file.
pub const CONFIG_ENV: &str = "KICKOFF_CONFIG";

/// Where the config file is looked for.
pub fn config_path() -> Option<PathBuf> {
    match std::env::var_os(CONFIG_ENV) {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => dirs::config_dir().map(|d| d.join("kickoff").join("config.toml")),
    }
}

/// The user's config. A missing file is an empty config, except when `KICKOFF_CONFIG` names
/// it explicitly.
pub fn load_config() -> Result<Config, FileError> {
    let explicit = std::env::var_os(CONFIG_ENV).is_some_and(|p| !p.is_empty());
    match config_path() {
        Some(p) if explicit || p.exists() => Config::load(&p),
        Some(p) => Ok(Config {
            path: Some(p),
            ..Config::default()
        }),
        None => Ok(Config::default()),
    }
}
