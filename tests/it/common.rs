//! Shared helpers for the integration tests.
#![allow(dead_code)]

use kickoff::Load as _;
use kickoff::Save as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use kickoff::tui::{App, Msg, update};
use kickoff::{Answer, Bundle, Session};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn mini() -> Bundle {
    Bundle::load(&root().join("tests/fixtures/mini.toml")).expect("the mini fixture loads")
}

pub fn builtin() -> Bundle {
    Bundle::builtin("ml-experiment")
        .expect("built in")
        .expect("the built-in questionnaire loads")
}

/// An app on a fresh session of `bundle`.
pub fn app_with(bundle: Bundle) -> App {
    let session = Session::new_at(&bundle.questionnaire, &kickoff::clock::now());
    let mut app = App::new(bundle, session, PathBuf::from("kickoff.toml"));
    app.color = false;
    app
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// The app's view drawn into a `w`x`h` test terminal, as text.
pub fn draw(app: &App, w: u16, h: u16) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| kickoff::tui::view(app, f)).unwrap();
    terminal.backend().to_string()
}

/// Snapshots an app's screen at each of `sizes` (named `NAME_WxH`, in the calling module's
/// snapshots); the screens drawn, for the test's own asserts.
macro_rules! snapshot_sizes {
    ($name:expr, $app:expr, $sizes:expr) => {
        $sizes
            .iter()
            .map(|&(w, h)| {
                let screen = $crate::common::draw($app, w, h);
                insta::assert_snapshot!(format!("{}_{w}x{h}", $name), screen);
                screen
            })
            .collect::<Vec<String>>()
    };
}
pub(crate) use snapshot_sizes;

/// Every screen in `screens` shows `text`.
pub fn assert_shown(screens: &[String], text: &str) {
    for screen in screens {
        assert!(screen.contains(text), "{text:?} is not shown:\n{screen}");
    }
}

/// Sends a key through the real key table, as the runtime does, pressed by someone who saw
/// the screen (a frame drawn before it).
pub fn press(app: &mut App, ev: KeyEvent) -> Vec<kickoff::tui::Cmd> {
    update(app, Msg::Drawn);
    match kickoff::tui::map_key(app, ev) {
        Some(msg) => update(app, msg),
        None => Vec::new(),
    }
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, key(KeyCode::Char(c)));
    }
}

pub fn send(app: &mut App, msg: Msg) -> Vec<kickoff::tui::Cmd> {
    update(app, msg)
}

pub fn focused_id(app: &App) -> String {
    app.interview.focused().id.clone()
}

pub fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

/// The state directory the binary keeps the place the user is on in, in these tests: shared by
/// them (a state is named from its session's path), never the user's own.
pub fn state_home() -> PathBuf {
    std::env::temp_dir().join("kickoff-tests-state")
}

/// Where the binary keeps the place the user is on in `session`, in these tests.
pub fn ui_state(session: &Path) -> Option<kickoff::state::UiState> {
    kickoff::state::load_in(&state_home().join("kickoff"), session)
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kickoff"))
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The real binary in a tmux session: a real terminal to type into and read.
pub struct Tmux {
    name: String,
}

impl Tmux {
    /// `kickoff` on a new session in `dir`, past the depth question to the full interview's
    /// first question.
    pub fn start_full(dir: &Path) -> Tmux {
        let t = Tmux::start(dir, "");
        t.wait_for("How deep today?");
        t.keys(&["f"]);
        t.wait_for("What is the project called?");
        t
    }

    pub fn start(dir: &Path, args: &str) -> Tmux {
        Tmux::start_env(dir, args, &[])
    }

    /// Like `start`, with extra environment variables for the program.
    pub fn start_env(dir: &Path, args: &str, env: &[(&str, String)]) -> Tmux {
        // These tests are `#[ignore]`d, so a bare `cargo test` leaves them out, saying so;
        // scripts/test.sh installs tmux and runs them. Without tmux they fail, never pass.
        assert!(
            Command::new("tmux").arg("-V").output().is_ok(),
            "tmux is not installed: scripts/test.sh installs it and runs these tests"
        );
        let name = format!("kickoff-e2e-{}-{}", std::process::id(), rand_suffix());
        let cmd = if args.contains("; echo EXIT") {
            format!("{} {args}", bin().display())
        } else {
            format!("exec {} {args}", bin().display())
        };
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "100",
                "-y",
                "30",
                "-c",
            ])
            .arg(dir)
            .args(["-e", "NO_COLOR=1"])
            .arg("-e")
            .arg(format!("XDG_STATE_HOME={}", state_home().display()))
            .args(
                env.iter()
                    .flat_map(|(k, v)| ["-e".to_string(), format!("{k}={v}")]),
            )
            .arg(&cmd)
            .status()
            .expect("tmux runs")
            .success();
        assert!(ok, "tmux session started");
        Tmux { name }
    }

    /// Runs the program through a shell that prints its exit code and stays a moment.
    pub fn start_shell(dir: &Path, args: &str) -> Tmux {
        Tmux::start(dir, &format!("{args}; echo EXIT=$?; sleep 10"))
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let status = Command::new("tmux")
                .args(["send-keys", "-t", &self.name, k])
                .status()
                .unwrap();
            assert!(status.success());
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    pub fn text(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.name, "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
        std::thread::sleep(Duration::from_millis(40));
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until `what` is on the screen and the screen has stopped changing, so that
    /// what a test asserts next is not read from a frame tmux caught half drawn.
    pub fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let mut screen = self.screen();
            if screen.contains(what) {
                screen = self.settled(screen);
                if screen.contains(what) {
                    return screen;
                }
                // It changed away from `what` while settling: wait for it again.
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "waited for {what:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The screen once two captures 30 ms apart agree (at most a second more); the caller
    /// checks it still shows what it waited for.
    fn settled(&self, mut screen: String) -> String {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(1) {
            std::thread::sleep(Duration::from_millis(30));
            let next = self.screen();
            if next == screen {
                break;
            }
            screen = next;
        }
        screen
    }

    pub fn is_running(&self) -> bool {
        Command::new("tmux")
            .args(["has-session", "-t", &self.name])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    pub fn wait_exit(&self) {
        let start = Instant::now();
        while self.is_running() {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "the program did not exit:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn pid(&self) -> i32 {
        let out = Command::new("tmux")
            .args(["list-panes", "-t", &self.name, "-F", "#{pane_pid}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

pub fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        % 1_000_000
}

/// What a run of the binary printed and how it ended.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `kickoff ARGS` in `dir` with no terminal, no colour and no user config file; a panic
/// fails the test whatever the exit code.
pub fn kickoff(dir: &Path, args: &[&str]) -> Run {
    kickoff_input(dir, args, None)
}

/// [`kickoff`] with `input` on its standard input (none: an empty one).
pub fn kickoff_input(dir: &Path, args: &[&str], input: Option<&str>) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kickoff"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("KICKOFF_CONFIG")
        .env("XDG_CONFIG_HOME", dir.join(".no-config"))
        .env("XDG_STATE_HOME", state_home())
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(text) = input {
        let mut stdin = child.stdin.take().expect("piped");
        // The binary may stop reading early (an error at start): not the test's failure.
        let _ = stdin.write_all(text.as_bytes());
    }
    let out = child.wait_with_output().expect("the binary runs");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

/// `example_name`'s answers to the essential questions only, as a quick session saved at
/// `dir/file` (no critiques, no responses): what a quick kickoff of that plan would hold.
pub fn quick_copy(example_name: &str, dir: &Path, file: &str) -> PathBuf {
    quick_copy_with(example_name, dir, file, &[])
}

/// A quick session of the example's essential answers, and of the retraining answers that
/// make a finding wait for a question the quick path does not ask: retrained weekly on labels
/// that take two months, it waits for whether each retrain uses matured labels only.
pub fn quick_copy_waiting(example_name: &str, dir: &Path, file: &str) -> PathBuf {
    let extra = [
        ("label_source", Answer::Text("business_outcome".into())),
        ("label_delay_days", Answer::Number(60.0)),
        ("retrain_trigger", Answer::Text("schedule".into())),
        ("retrain_every_days", Answer::Number(7.0)),
    ];
    quick_copy_with(example_name, dir, file, &extra)
}

fn quick_copy_with(
    example_name: &str,
    dir: &Path,
    file: &str,
    extra: &[(&str, Answer)],
) -> PathBuf {
    let bundle = builtin();
    let mut quick = Session::load(&example(example_name)).unwrap();
    quick
        .answers
        .retain(|id, _| bundle.questionnaire.get(id).is_some_and(|q| q.essential));
    for (id, answer) in extra {
        quick.answers.insert(id.to_string(), answer.clone());
    }
    quick.depth = kickoff::Depth::Quick;
    quick.critiques.clear();
    quick.responses.clear();
    let path = dir.join(file);
    quick.save(&path, Some(&bundle.questionnaire)).unwrap();
    path
}

/// A row that fits a records question: every column filled (text, its minimum or 1, yes, its
/// first choice).
pub fn fitting_row(q: &kickoff::Question) -> kickoff::Row {
    use kickoff::{Cell, ColumnKind};
    let cell = |c: &kickoff::Column| match c.kind {
        ColumnKind::Text => Cell::Text(format!("{} cell", c.id)),
        ColumnKind::Number => Cell::Number(c.min.unwrap_or(1.0).max(1.0).min(c.max.unwrap_or(1.0))),
        ColumnKind::YesNo => Cell::Bool(true),
        ColumnKind::Choice => Cell::Text(c.choices[0].value.clone()),
    };
    kickoff::Row(q.columns.iter().map(|c| (c.id.clone(), cell(c))).collect())
}

/// The churn example with a structured critique of it saved: a finding that repeats the
/// rules' `no-variance` (folded into it), a blocker on `positive_rate`, a warning on
/// `label_delay_days` whose answer changed since (stale), a general note; two follow-up
/// questions, the first answered.
pub fn reviewed_session() -> Session {
    use kickoff::{Critique, FollowUp, LlmFinding, Severity};
    let mut session = Session::load(&example("churn-done-well.toml")).expect("the example loads");
    let finding = |question: &str, severity, message: &str, evidence: &str| LlmFinding {
        question: question.into(),
        severity,
        message: message.into(),
        evidence: evidence.into(),
        cites: if question == kickoff::GENERAL {
            vec![]
        } else {
            vec![question.into()]
        },
    };
    let findings = vec![
        finding(
            "num_runs",
            Severity::Warning,
            "Single-run numbers can't be told from seed noise: report the spread over several seeds.",
            "1",
        ),
        finding(
            "positive_rate",
            Severity::Blocker,
            "How the 6.1% churn rate is counted decides the label: define involuntary churn before training.",
            "0.061",
        ),
        finding(
            "label_delay_days",
            Severity::Warning,
            "A 30-day label delay means each retrain sees month-old outcomes; say how the model copes.",
            "30",
        ),
        finding(
            kickoff::GENERAL,
            Severity::Info,
            "Nobody is named to sign off on the launch; name the decision owner.",
            "",
        ),
    ];
    let follow_up_questions = vec![
        FollowUp {
            question: "positive_rate".into(),
            ask: "How was the 6.1% churn rate measured?".into(),
        },
        FollowUp {
            question: kickoff::GENERAL.into(),
            ask: "Who decides whether the model launches?".into(),
        },
    ];
    session.critiques.push(Critique {
        provider: "openai".into(),
        model: "gpt-4o-mini".into(),
        created: "2026-11-20T10:15:02Z".into(),
        prompt_hash: "3f2a".into(),
        answers_hash: kickoff::answers_hash(&session.answers),
        answer_hashes: kickoff::answer_hashes(&session.answers, &|_| true),
        text: findings.iter().map(kickoff::finding_text).collect(),
        verdict: Some("Ready with conditions: define the label first.".into()),
        findings,
        follow_up_questions,
        ..Critique::default()
    });
    kickoff::reviewer::set_followup_answer(
        &mut session,
        "How was the 6.1% churn rate measured?",
        "Cancellations over the last 12 months, involuntary ones included.",
    );
    // Changed since the critique: the finding on it is stale.
    session.set("label_delay_days", Some(kickoff::Answer::Number(21.0)));
    session
}

/// Answers from (question id, answer) pairs.
pub fn answers(pairs: &[(&str, Answer)]) -> kickoff::Answers {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// A text or choice answer.
pub fn text(s: &str) -> Answer {
    Answer::Text(s.into())
}

/// A list or multiple choice answer.
pub fn list(items: &[&str]) -> Answer {
    Answer::List(items.iter().map(|s| s.to_string()).collect())
}
