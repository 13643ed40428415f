//! A session to critique, a config file, and the real binary run against the test server.

use kickoff::Load as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::{KEY, Server};

/// A temporary directory with the mini questionnaire, its rules, a session whose answers set
/// off a blocker, and a config file with small timeouts and quick retries.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub session: PathBuf,
    pub config: PathBuf,
}

pub const CONFIG: &str = "[timeouts]\nconnect_secs = 2\nread_secs = 1\n\n[retry]\nbase_delay_ms = 50\nmax_retries = 3\n\n\
                          [prices.\"test-model\"]\ninput = 2.0\noutput = 10.0\n";

impl Fixture {
    pub fn new() -> Fixture {
        Self::with_config(CONFIG)
    }

    pub fn with_config(config_source: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for f in ["mini.toml", "mini.rules.toml"] {
            std::fs::copy(fixtures.join(f), dir.path().join(f)).unwrap();
        }
        let session = dir.path().join("session.toml");
        std::fs::write(
            &session,
            "questionnaire = \"mini\"\nquestionnaire_version = \"2\"\nquestionnaire_path = \"mini.toml\"\n\
             created = \"2026-01-01T00:00:00Z\"\nupdated = \"2026-01-01T00:00:00Z\"\n\n[answers]\n\
             name = \"Churn radar\"\ntask = \"classification\"\npositive_rate = 0.02\nmetrics = [\"accuracy\"]\n\
             notes = \"We will try a transformer first.\"\n",
        )
        .unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, config_source).unwrap();
        Fixture {
            dir,
            session,
            config,
        }
    }

    pub fn session_text(&self) -> String {
        std::fs::read_to_string(&self.session).unwrap()
    }

    pub fn critiques(&self) -> Vec<kickoff::Critique> {
        kickoff::Session::load(&self.session).unwrap().critiques
    }
}

/// The real binary, with the environment cleared of anything that could reach a real provider.
pub fn kickoff(fx: &Fixture, env: &[(&str, String)], args: &[&str]) -> (Output, Duration) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kickoff"));
    cmd.arg("critique").arg(&fx.session).args(args);
    for var in [
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL",
        "OLLAMA_HOST",
        "OLLAMA_API_KEY",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("KICKOFF_CONFIG", &fx.config)
        .env("HOME", fx.dir.path())
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let child = (cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped()))
    .spawn()
    .expect("run kickoff");
    let pid = child.id().to_string();
    let out = within_hang_guard(
        move || child.wait_with_output().expect("run kickoff"),
        move || {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
        },
    );
    (out, start.elapsed())
}

/// How long a test waits for what should end before it fails: a guard against a hang, far
/// above any real run, not a speed limit.
pub const HANG_GUARD: Duration = Duration::from_secs(30);

/// Longer than any test runs: a server silent this long is ended only by a timeout, a
/// cancel or an interrupt.
pub const SILENCE: Duration = Duration::from_secs(3600);

/// What `work` returns, run on a thread of its own; still running after [`HANG_GUARD`], it
/// fails the test, after `on_hang` (to kill what hangs).
pub fn within_hang_guard<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
    on_hang: impl FnOnce(),
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(work());
    });
    match rx.recv_timeout(HANG_GUARD) {
        Ok(done) => done,
        Err(_) => {
            on_hang();
            panic!("still running after {HANG_GUARD:?}: it hangs");
        }
    }
}

pub fn openai_env(server: &Server) -> Vec<(&'static str, String)> {
    vec![
        ("OPENAI_BASE_URL", server.url("/v1")),
        ("OPENAI_API_KEY", KEY.to_string()),
    ]
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Nothing the user sees or the file holds may contain the key.
pub fn assert_no_key(fx: &Fixture, o: &Output) {
    assert!(!stdout(o).contains(KEY), "key on stdout");
    assert!(!stderr(o).contains(KEY), "key on stderr: {}", stderr(o));
    assert!(!fx.session_text().contains(KEY), "key in the session file");
}

/// The design doc `kickoff render` makes of the fixture's session.
pub fn render_doc(fx: &Fixture) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kickoff"))
        .arg("render")
        .arg(&fx.session)
        .env("KICKOFF_CONFIG", &fx.config)
        .env("HOME", fx.dir.path())
        .output()
        .expect("run kickoff render");
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}
