//! The only place that touches the terminal, the files, the clock and the threads. Every
//! source of work (terminal input, save results, the critique stream, signals) sends into one
//! channel; the loop sleeps on it, runs `update` for each event in order, carries out the
//! commands, and draws once per batch. Nothing wakes it when nothing happens.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self as term, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste,
    EnableMouseCapture, MouseEventKind,
};
use ratatui::crossterm::execute;

use super::app::App;
use super::keys::map_key;
use super::msg::{Cmd, ConflictSet, Exit, Failure, Msg, SaveReport};
use super::update::update;
use super::view::view;
use crate::clock::now;
use crate::llm::{self, StreamEvent};
use crate::session::Session;
use crate::store::{Saved, Store};

/// What wakes the loop.
enum Event {
    Terminal(term::Event),
    /// A save finished: what it did, or why it failed.
    Saved(Result<SaveReport, Failure>),
    Stream(StreamEvent),
    /// SIGTERM, SIGHUP (a closed terminal) or SIGINT from outside: quit as with ^Q.
    Signal,
    /// The input thread stopped reading (its error), so the terminal is gone.
    InputGone(String),
}

/// Reads the terminal on a thread of its own. It can be paused while an external editor owns
/// the terminal, so that no key meant for the editor is taken.
struct Input {
    control: Sender<bool>,
    paused: Receiver<()>,
}

impl Input {
    fn start(events: Sender<Event>) -> Input {
        let (control, control_rx) = mpsc::channel::<bool>();
        let (paused_tx, paused) = mpsc::channel();
        std::thread::spawn(move || {
            loop {
                // `true`: pause until `false` comes.
                if let Ok(true) = control_rx.try_recv() {
                    let _ = paused_tx.send(());
                    while let Ok(true) = control_rx.recv() {}
                }
                // A closed terminal (a killed window, a dropped ssh) reads as end-of-file for
                // ever; the terminal's own state tells it apart from a quiet user.
                if !std::io::stdin().is_terminal() {
                    let _ = events.send(Event::InputGone("the terminal was closed".into()));
                    return;
                }
                // A short poll so a pause request is seen; no event, no message.
                match term::poll(Duration::from_millis(100))
                    .and_then(|ready| ready.then(term::read).transpose())
                {
                    // A pointer moving or dragging means nothing here: no wake-up, no draw.
                    Ok(Some(term::Event::Mouse(m)))
                        if matches!(m.kind, MouseEventKind::Moved | MouseEventKind::Drag(_)) => {}
                    Ok(Some(ev)) => {
                        if events.send(Event::Terminal(ev)).is_err() {
                            return;
                        }
                    }
                    Ok(None) => {}
                    Err(e) => {
                        let _ = events.send(Event::InputGone(e.to_string()));
                        return;
                    }
                }
            }
        });
        Input { control, paused }
    }

    fn pause(&self) {
        if self.control.send(true).is_ok() {
            let _ = self.paused.recv_timeout(Duration::from_secs(1));
        }
    }

    fn resume(&self) {
        let _ = self.control.send(false);
    }
}

/// A job for the saving thread.
enum Job {
    Save {
        stamp: String,
        session: Box<Session>,
    },
    /// The user decided the conflicts against this version of the file.
    Resolved { theirs: Box<Session>, disk: Vec<u8> },
    /// Answer once every job before this one is done.
    Flush(Sender<()>),
}

/// Writes the session file on a thread of its own, through the session's store (its lock,
/// and the merge with changes made on disk meanwhile), so a slow disk never delays a key
/// press. Of several saves queued, only the latest is written.
struct Saver {
    tx: Sender<Job>,
    thread: std::thread::JoinHandle<()>,
}

impl Saver {
    fn start(mut store: Store, events: Sender<Event>) -> Saver {
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::spawn(move || {
            let mut pending: std::collections::VecDeque<Job> = Default::default();
            loop {
                let job = match pending.pop_front() {
                    Some(job) => job,
                    None => match rx.recv() {
                        Ok(job) => job,
                        Err(_) => return, // the interview is over; the store's lock goes
                    },
                };
                pending.extend(rx.try_iter());
                match job {
                    Job::Save { stamp, mut session } => {
                        // A newer save queued behind this one makes it moot.
                        if pending.iter().any(|j| matches!(j, Job::Save { .. })) {
                            continue;
                        }
                        let report = crate::editing::save(&mut store, &mut session, &stamp)
                            .map(|saved| {
                                // A save with nothing new to write leaves `updated` as it was.
                                let stamp = match saved {
                                    Saved::Conflicts { .. } => stamp,
                                    _ => store.updated().to_string(),
                                };
                                report(stamp, saved, session)
                            })
                            .map_err(Failure::of);
                        let _ = events.send(Event::Saved(report));
                    }
                    Job::Resolved { theirs, disk } => store.resolved(*theirs, disk),
                    Job::Flush(done) => {
                        let _ = done.send(());
                    }
                }
            }
        });
        Saver { tx, thread }
    }

    /// Ends the thread once its saves are done; its store, and so the session's lock, go.
    fn finish(self) {
        drop(self.tx);
        let _ = self.thread.join();
    }

    /// Saves the session as it is now, stamped with the time (the stamp comes back to
    /// `update` with the result, so the state only changes there).
    fn save(&self, app: &App) {
        // Stamped by the saver with this time (`update` has no clock).
        let _ = self.tx.send(Job::Save {
            stamp: now(),
            session: Box::new(app.interview.session().clone()),
        });
    }

    fn resolved(&self, theirs: Box<Session>, disk: Vec<u8>) {
        let _ = self.tx.send(Job::Resolved { theirs, disk });
    }

    /// Waits until every save asked for so far is done (its result is in the channel).
    fn flush(&self) {
        let (done, wait) = mpsc::channel();
        if self.tx.send(Job::Flush(done)).is_ok() {
            let _ = wait.recv();
        }
    }
}

fn report(stamp: String, saved: Saved, sent: Box<Session>) -> SaveReport {
    let took_disk = !matches!(saved, Saved::Written);
    let (merged, conflicts) = match saved {
        Saved::Written => (None, None),
        Saved::Merged(session) => (Some(session), None),
        Saved::Conflicts {
            merged,
            conflicts,
            theirs,
            disk,
        } => (
            None,
            Some(Box::new(ConflictSet {
                conflicts,
                merged,
                theirs: *theirs,
                disk,
            })),
        ),
    };
    SaveReport {
        stamp,
        merged,
        sent: took_disk.then_some(sent),
        conflicts,
    }
}

/// Gives the terminal back. Errors are ignored: when the terminal is gone there is nothing
/// to restore, and nowhere to say so.
fn restore_terminal() {
    let _ = execute!(
        std::io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture
    );
    let _ = ratatui::try_restore();
}

fn init_terminal() -> std::io::Result<DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    execute!(std::io::stdout(), EnableBracketedPaste, EnableMouseCapture)?;
    Ok(terminal)
}

/// A save asked for while typing waits until typing pauses this long...
const TYPING_PAUSE: Duration = Duration::from_millis(150);
/// ... but never longer than this after the first change it holds. An answer on screen for
/// 0.3 s is in the file (`tests/it/e2e_tui.rs` kills the process with SIGKILL then).
const TYPING_LONGEST: Duration = Duration::from_millis(250);

/// The running interview's effects: the channel every source sends into, and its workers.
struct Runtime {
    events: Receiver<Event>,
    sender: Sender<Event>,
    input: Input,
    saver: Saver,
    /// A save held back while typing: when the first change it holds and the last were made.
    typing: Option<(Instant, Instant)>,
    /// The cancel flag of the critique in flight.
    critique: Option<Arc<AtomicBool>>,
    /// When `update` asked to hear `Msg::Tick` ([`Cmd::TickIn`]).
    tick: Option<Instant>,
}

impl Runtime {
    /// Saves now; a save held back while typing is part of this one.
    fn save(&mut self, app: &App) {
        self.typing = None;
        self.saver.save(app);
    }

    /// A change typed: saved once typing pauses (or at the latest a moment after it began).
    fn save_soon(&mut self) {
        let now = Instant::now();
        let first = self.typing.map_or(now, |(first, _)| first);
        self.typing = Some((first, now));
    }

    /// When the save held back is due, if there is one.
    fn save_due(&self) -> Option<Instant> {
        self.typing
            .map(|(first, last)| (last + TYPING_PAUSE).min(first + TYPING_LONGEST))
    }

    /// Saves what is held back, if anything is.
    fn save_held(&mut self, app: &App) {
        if self.typing.is_some() {
            self.save(app);
        }
    }
}

/// Runs the interview until the user quits; `app.exit` and `app.save_error` tell how it ended.
/// An error: the terminal failed or went away (the answers were saved, or copied, anyway).
pub fn run(mut app: App, store: Store) -> (App, std::io::Result<()>) {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(
            std::io::stdout(),
            DisableBracketedPaste,
            DisableMouseCapture
        );
        hook(info);
    }));
    let (sender, events) = mpsc::channel();
    let on_signal = sender.clone();
    let _ = ctrlc::set_handler(move || {
        let _ = on_signal.send(Event::Signal);
    });
    let mut terminal = match init_terminal() {
        Ok(t) => t,
        Err(e) => return (app, Err(e)),
    };
    let mut rt = Runtime {
        input: Input::start(sender.clone()),
        saver: Saver::start(store, sender.clone()),
        typing: None,
        events,
        sender,
        critique: None,
        tick: None,
    };
    let result = event_loop(&mut terminal, &mut app, &mut rt);
    restore_terminal();
    if result.is_err() {
        // The terminal is gone: save what there is, and keep a copy if that fails.
        end_unattended(&mut app, &mut rt);
    }
    rt.saver.finish();
    (app, result)
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    rt: &mut Runtime,
) -> std::io::Result<()> {
    // Where a click lands depends on the size: `update` hears it before any click.
    if let Ok(size) = terminal.size() {
        update(
            app,
            Msg::Resize {
                width: size.width,
                height: size.height,
            },
        );
    }
    loop {
        terminal.draw(|f| view(app, f))?;
        update(app, Msg::Drawn);
        // Sleep until something happens (or a save held back while typing is due, or the
        // tick `update` asked for), then take everything already queued, so a burst (a paste
        // on a terminal without bracketed paste, a fast stream) draws once.
        let due = [rt.save_due(), rt.tick].into_iter().flatten().min();
        let first = match due {
            Some(due) if due <= Instant::now() => {
                on_due(terminal, app, rt);
                continue;
            }
            Some(due) => match rt
                .events
                .recv_timeout(due.saturating_duration_since(Instant::now()))
            {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => {
                    on_due(terminal, app, rt);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            },
            None => match rt.events.recv() {
                Ok(event) => event,
                Err(_) => return Ok(()),
            },
        };
        let batch: Vec<Event> = std::iter::once(first)
            .chain(rt.events.try_iter().take(255))
            .collect();
        for event in batch {
            let msg = match event {
                Event::Terminal(term::Event::Key(key)) => map_key(app, key),
                Event::Terminal(term::Event::Paste(text)) => Some(Msg::Paste(text)),
                Event::Terminal(term::Event::Mouse(m)) => Some(Msg::Mouse(m)),
                Event::Terminal(term::Event::Resize(width, height)) => {
                    Some(Msg::Resize { width, height })
                }
                Event::Terminal(_) => None,
                Event::Saved(r) => Some(Msg::Saved(r)),
                Event::Stream(event) => Some(Msg::CritiqueEvent { event, at: now() }),
                // SIGTERM, SIGHUP: nobody is there to answer a question; save and go.
                Event::Signal => {
                    end_unattended(app, rt);
                    return Ok(());
                }
                Event::InputGone(e) => return Err(std::io::Error::other(e)),
            };
            if let Some(msg) = msg
                && run_msg(terminal, app, rt, msg)
            {
                return Ok(());
            }
        }
    }
}

/// What was due when the loop woke with nothing to read: a save held back, the tick.
fn on_due(terminal: &mut DefaultTerminal, app: &mut App, rt: &mut Runtime) {
    if rt.save_due().is_some_and(|due| due <= Instant::now()) {
        rt.save_held(app);
    }
    if rt.tick.is_some_and(|due| due <= Instant::now()) {
        rt.tick = None;
        run_msg(terminal, app, rt, Msg::Tick);
    }
}

/// Runs one message and everything it leads to. True when the interview is over.
fn run_msg(terminal: &mut DefaultTerminal, app: &mut App, rt: &mut Runtime, msg: Msg) -> bool {
    let mut queue = vec![msg];
    while let Some(msg) = queue.pop() {
        // Text typed into the focused answer is saved once typing pauses; anything else (a
        // move to another question, a choice picked and left) at once.
        let typed = matches!(msg, Msg::Input(_) | Msg::Paste(_));
        let focus = app.interview.focus();
        for cmd in update(app, msg) {
            match cmd {
                Cmd::Save if typed && app.interview.focus() == focus => rt.save_soon(),
                Cmd::Save => rt.save(app),
                Cmd::SaveResolved { theirs, disk } => {
                    rt.saver.resolved(theirs, disk);
                    rt.save(app);
                }
                Cmd::SaveCopy(path) => queue.push(Msg::CopySaved(save_copy(app, &path))),
                Cmd::Quit => match settle(app, rt) {
                    Some(copy_to) => queue.push(Msg::QuitBlocked { copy_to }),
                    None => return true,
                },
                Cmd::StartCritique { fresh } => queue.push(start_critique(app, rt, fresh)),
                Cmd::TickIn(after) => rt.tick = Some(Instant::now() + after),
                Cmd::CancelCritique => {
                    if let Some(cancel) = &rt.critique {
                        cancel.store(true, Ordering::Relaxed);
                    }
                }
                Cmd::Edit(text) => {
                    rt.save_held(app);
                    rt.input.pause();
                    let result = edit_externally(terminal, &text);
                    rt.input.resume();
                    queue.push(Msg::EditorDone(result));
                }
                Cmd::Export { path, contents } => {
                    queue.push(Msg::Exported(export(&path, &app.path, &contents)))
                }
            }
        }
    }
    false
}

/// Before quitting: the critique in flight ends (what arrived is kept) and every save is
/// done, its result told to `update`. `None`: the answers are safe (or the user chose to quit
/// without them); else the session file could not be written, and where a copy could go.
fn settle(app: &mut App, rt: &mut Runtime) -> Option<PathBuf> {
    rt.save_held(app);
    finish_stream(app, rt);
    rt.saver.flush();
    let done: Vec<Event> = rt.events.try_iter().collect();
    for event in done {
        if let Event::Saved(r) = event {
            update(app, Msg::Saved(r));
        }
    }
    // Undecided conflicts mean the last answers are not in the file either.
    let unsaved = app.save_error.is_some() || app.conflicts.is_some();
    match app.exit {
        Exit::Saved if unsaved => Some(crate::editing::copy_suggestion(&app.path, &now())),
        _ => None,
    }
}

/// Ending without a user to ask (a signal, a closed terminal): save; if that fails, write a
/// copy to the private directory of copies.
fn end_unattended(app: &mut App, rt: &mut Runtime) {
    rt.save(app);
    if settle(app, rt).is_some() {
        let text = copy_text(app);
        app.exit = match crate::editing::emergency_copy(&app.path, &text, &now()) {
            Ok(path) => Exit::Copied(path),
            Err(_) => Exit::Unsaved,
        };
    }
}

fn copy_text(app: &App) -> String {
    app.interview
        .session()
        .to_toml(Some(&app.interview.bundle().questionnaire))
}

/// A copy at the path the unsaved overlay shows (suggested, or typed by the user).
fn save_copy(app: &App, path: &Path) -> Result<PathBuf, Failure> {
    if crate::workspace::same_file(path, &app.path) {
        return Err(Failure::SessionItself);
    }
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(Failure::Occupied);
    }
    crate::editing::write_copy(path, &app.path, &copy_text(app))
        .map(|()| path.to_path_buf())
        .map_err(Failure::of)
}

fn export(path: &Path, session: &Path, contents: &str) -> Result<PathBuf, Failure> {
    if crate::workspace::same_file(path, session) {
        return Err(Failure::SessionItself);
    }
    crate::workspace::write_output(Some(path), contents)
        .map(|()| path.to_path_buf())
        .map_err(Failure::of)
}

/// Resolves the provider, builds the request, and starts it, unless a saved critique of the
/// same answers and prompts can be shown. The stream's events join the loop's channel.
fn start_critique(app: &App, rt: &mut Runtime, fresh: bool) -> Msg {
    let request = match critique_request(app) {
        Ok(r) => r,
        Err(why) => return Msg::CritiqueUnavailable(why.to_string()),
    };
    if !fresh && let Some(saved) = llm::cached(app.interview.session(), &request) {
        return Msg::CritiqueCached(saved.clone());
    }
    let (tx, stream) = mpsc::channel();
    let cancel = Arc::new(AtomicBool::new(false));
    // Both threads end on their own once the stream is finished or cancelled.
    drop(llm::spawn_critique(request.clone(), tx, cancel.clone()));
    let events = rt.sender.clone();
    std::thread::spawn(move || {
        for event in stream {
            if events.send(Event::Stream(event)).is_err() {
                return;
            }
        }
    });
    rt.critique = Some(cancel);
    Msg::CritiqueStarted(Box::new(request))
}

/// What the critique screen says when nothing is configured: that no key is set, where one
/// goes (the environment, or the config file where it is looked for), and what works without.
fn no_llm() -> String {
    let file = crate::settings::config_path()
        .map(|p| crate::text::path(&p).to_string())
        .unwrap_or_else(|| "the config file".into());
    format!(
        "No API key is set, so the LLM reviewer cannot be asked: set OPENAI_API_KEY or ANTHROPIC_API_KEY (OLLAMA_HOST: a local Ollama) and restart, or `provider` and `api_key_cmd` in {file}. ^R has the offline review."
    )
}

/// Why no LLM can be asked, if none can (nothing configured, no key for the provider), as
/// the critique screen should say it; `None` when one is configured.
pub(super) fn llm_unavailable() -> Option<String> {
    let config = crate::settings::load_config().ok()?;
    match llm::resolve(&config, &llm::Env::from_process(), &llm::Flags::default()) {
        Ok(None) => Some(no_llm()),
        Err(e @ llm::LlmError::MissingKey { .. }) => {
            Some(format!("{e}. ^R has the offline review."))
        }
        _ => None,
    }
}

fn critique_request(app: &App) -> Result<llm::CritiqueRequest, Failure> {
    let config = crate::settings::load_config().map_err(Failure::of)?;
    let provider = llm::resolve(&config, &llm::Env::from_process(), &llm::Flags::default())
        .map_err(Failure::of)?
        .ok_or_else(|| Failure::Other(no_llm()))?;
    let iv = &app.interview;
    let prompts = llm::Prompts::load(
        config.system_template.as_deref(),
        config.user_template.as_deref(),
    )
    .map_err(Failure::of)?
    .with_tone(config.tone)
    .with_follow_ups(iv.session());
    llm::build_request(iv.bundle(), iv.review(), &provider, &prompts).map_err(Failure::of)
}

/// On quit, a critique still streaming is cancelled and what arrived is kept.
fn finish_stream(app: &mut App, rt: &mut Runtime) {
    let Some(cancel) = rt.critique.take() else {
        return;
    };
    if !app.critique.running {
        return;
    }
    cancel.store(true, Ordering::Relaxed);
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    while app.critique.running {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rt.events.recv_timeout(left) {
            Ok(Event::Stream(event)) => {
                let cmds = update(app, Msg::CritiqueEvent { event, at: now() });
                if cmds.contains(&Cmd::Save) {
                    rt.save(app);
                }
            }
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Hands the terminal to `$VISUAL` / `$EDITOR` on a private temporary file and reads it back.
fn edit_externally(terminal: &mut DefaultTerminal, text: &str) -> Result<String, Failure> {
    use std::io::Write;
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".into());
    // A new file only the user can read, removed when dropped.
    let mut file = tempfile::Builder::new()
        .prefix("kickoff-answer-")
        .suffix(".md")
        .tempfile()
        .map_err(|e| Failure::TempFile(e.to_string()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| Failure::TempFile(e.to_string()))?;
    restore_terminal();
    // Through the shell, so EDITOR="code --wait" works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status();
    let reinit = init_terminal().map(|t| *terminal = t);
    let _ = terminal.clear();
    let result = match status {
        Ok(s) if s.success() => std::fs::read_to_string(file.path()).map_err(Failure::of),
        Ok(s) => Err(Failure::EditorFailed {
            editor,
            status: s.to_string(),
        }),
        Err(e) => Err(Failure::EditorMissing {
            editor,
            message: e.to_string(),
        }),
    };
    reinit.map_err(Failure::of)?;
    result
}
