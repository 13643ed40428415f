//! The only place that touches the terminal, the files and the threads: reads events, runs
//! `update`, draws `view`, and carries out the commands.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use ratatui::crossterm::execute;

use super::app::{App, Cmd, Msg, update};
use super::keys::map_key;
use super::view::view;
use crate::llm::{self, StreamEvent};
use crate::session::{now, write_atomic};

/// Writes session files on a thread of its own, so a slow disk never delays a key press.
/// Only the latest pending contents are written: each write is a whole, atomic file.
struct Saver {
    tx: Option<Sender<(PathBuf, String)>>,
    results: Receiver<Result<(), String>>,
    handle: Option<JoinHandle<()>>,
}

impl Saver {
    fn start() -> Saver {
        let (tx, rx) = mpsc::channel::<(PathBuf, String)>();
        let (done_tx, results) = mpsc::channel();
        let handle = std::thread::spawn(move || {
            while let Ok(mut job) = rx.recv() {
                while let Ok(newer) = rx.try_recv() {
                    job = newer;
                }
                let r = write_atomic(&job.0, job.1.as_bytes()).map_err(|e| e.to_string());
                if done_tx.send(r).is_err() {
                    break;
                }
            }
        });
        Saver {
            tx: Some(tx),
            results,
            handle: Some(handle),
        }
    }

    fn save(&self, app: &mut App) {
        app.session.updated = now();
        let text = app.session.to_toml(Some(&app.bundle.questionnaire));
        if let Some(tx) = &self.tx {
            let _ = tx.send((app.path.clone(), text));
        }
    }

    /// Waits for every pending write; the last result tells whether the file is current.
    fn finish(mut self) -> Result<(), String> {
        drop(self.tx.take());
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        self.results.try_iter().last().unwrap_or(Ok(()))
    }
}

fn restore_terminal() {
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
}

fn init_terminal() -> std::io::Result<DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    execute!(std::io::stdout(), EnableBracketedPaste)?;
    Ok(terminal)
}

/// Runs the interview until the user quits. Returns the final save's result.
pub fn run(mut app: App) -> std::io::Result<(App, Result<(), String>)> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableBracketedPaste);
        hook(info);
    }));
    // SIGTERM, SIGHUP (a closed terminal) or SIGINT from outside: quit as with ^Q, so the
    // answers are saved and the terminal restored.
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    let _ = ctrlc::set_handler(move || on_signal.store(true, Ordering::Relaxed));
    let mut terminal = init_terminal()?;
    let saver = Saver::start();
    let result = event_loop(&mut terminal, &mut app, &saver, &stop);
    restore_terminal();
    let saved = saver.finish();
    result.map(|()| (app, saved))
}

/// The critique in flight: its events and its cancel flag.
struct Stream {
    events: Receiver<StreamEvent>,
    cancel: Arc<AtomicBool>,
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    saver: &Saver,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    let size = terminal.size()?;
    update(app, Msg::Resize(size.width, size.height));
    let mut stream: Option<Stream> = None;
    loop {
        terminal.draw(|f| view(app, f))?;
        let mut msgs = Vec::new();
        // Block for the first event (or a save result), then take everything already queued,
        // so a burst of keys (a paste on a terminal without bracketed paste) draws once.
        // While a critique streams, wake often enough for its text to flow.
        let wait = if stream.is_some() { 16 } else { 250 };
        if event::poll(Duration::from_millis(wait))? {
            loop {
                if let Some(msg) = to_msg(app, event::read()?) {
                    msgs.push(msg);
                }
                if msgs.len() >= 256 || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        msgs.extend(saver.results.try_iter().map(Msg::Saved));
        if stop.load(Ordering::Relaxed) {
            msgs.push(Msg::Quit);
        }
        if let Some(s) = &stream {
            msgs.extend(s.events.try_iter().map(Msg::CritiqueEvent));
        }
        if !app.critique.running {
            stream = None;
        }
        for msg in msgs {
            let mut queue = vec![msg];
            while let Some(msg) = queue.pop() {
                for cmd in update(app, msg) {
                    match cmd {
                        Cmd::Save => saver.save(app),
                        Cmd::Quit => {
                            finish_stream(app, saver, stream.take());
                            return Ok(());
                        }
                        Cmd::StartCritique { fresh } => {
                            let (msg, started) = start_critique(app, fresh);
                            stream = started.or(stream.take());
                            queue.push(msg);
                        }
                        Cmd::CancelCritique => {
                            if let Some(s) = &stream {
                                s.cancel.store(true, Ordering::Relaxed);
                            }
                        }
                        Cmd::Edit(text) => {
                            queue.push(Msg::EditorDone(edit_externally(terminal, &text)));
                        }
                        Cmd::Export { path, contents } => {
                            let r = crate::workspace::write_output(Some(&path), &contents)
                                .map(|()| path)
                                .map_err(|e| e.to_string());
                            queue.push(Msg::Exported(r));
                        }
                    }
                }
            }
        }
    }
}

/// Resolves the provider, builds the request, and starts it, unless a saved critique of the
/// same answers and prompts can be shown.
fn start_critique(app: &App, fresh: bool) -> (Msg, Option<Stream>) {
    let unavailable = |e: String| (Msg::CritiqueUnavailable(e), None);
    let config = match crate::config::Config::load() {
        Ok(c) => c,
        Err(e) => return unavailable(e.to_string()),
    };
    let provider = match llm::resolve(&config, &llm::Env::from_process(), &llm::Flags::default()) {
        Ok(Some(p)) => p,
        Ok(None) => {
            return unavailable(
                "No LLM is configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_HOST, or write a config file (docs/config.md). The offline review is on ^R.".into(),
            );
        }
        Err(e) => return unavailable(e.to_string()),
    };
    let prompts = match llm::Prompts::load(
        config.system_template.as_deref(),
        config.user_template.as_deref(),
    ) {
        Ok(p) => p,
        Err(e) => return unavailable(e.to_string()),
    };
    let request = match llm::build_request(&app.bundle, &app.review, &provider, &prompts) {
        Ok(r) => r,
        Err(e) => return unavailable(e.to_string()),
    };
    if !fresh && let Some(saved) = llm::cached(&app.session, &request) {
        return (Msg::CritiqueCached(saved.clone()), None);
    }
    let (tx, events) = mpsc::channel();
    let cancel = Arc::new(AtomicBool::new(false));
    // The thread ends on its own once cancelled or finished; its result is in the events.
    drop(llm::spawn_critique(request.clone(), tx, cancel.clone()));
    (
        Msg::CritiqueStarted(Box::new(request)),
        Some(Stream { events, cancel }),
    )
}

/// On quit, a critique still streaming is cancelled and what arrived is kept.
fn finish_stream(app: &mut App, saver: &Saver, stream: Option<Stream>) {
    let Some(s) = stream else { return };
    if !app.critique.running {
        return;
    }
    s.cancel.store(true, Ordering::Relaxed);
    while let Ok(event) = s.events.recv_timeout(Duration::from_secs(2)) {
        let cmds = update(app, Msg::CritiqueEvent(event));
        if cmds.contains(&Cmd::Save) {
            saver.save(app);
        }
        if !app.critique.running {
            break;
        }
    }
}

fn to_msg(app: &App, ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(key) => map_key(app, key),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// Hands the terminal to `$VISUAL` / `$EDITOR` on a temporary file and reads it back.
fn edit_externally(terminal: &mut DefaultTerminal, text: &str) -> Result<String, String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".into());
    let path =
        private_temp_file(text).map_err(|e| format!("cannot write a temporary file: {e}"))?;
    restore_terminal();
    // Through the shell, so EDITOR="code --wait" works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status();
    let reinit = init_terminal().map(|t| *terminal = t);
    let _ = terminal.clear();
    let result = match status {
        Ok(s) if s.success() => std::fs::read_to_string(&path).map_err(|e| e.to_string()),
        Ok(s) => Err(format!("`{editor}` exited with {s}; answer unchanged")),
        Err(e) => Err(format!("cannot start `{editor}`: {e}")),
    };
    let _ = std::fs::remove_file(&path);
    reinit.map_err(|e| e.to_string())?;
    result
}

/// A new file only the user can read, never an existing one (or a link planted in its place).
fn private_temp_file(text: &str) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::OpenOptionsExt;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut last = None;
    for attempt in 0..16u32 {
        let name = format!(
            "kickoff-answer-{}-{nanos:x}-{attempt}.md",
            std::process::id()
        );
        let path = std::env::temp_dir().join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(text.as_bytes())?;
                return Ok(path);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free name")))
}
