//! The critique screen: events folded by the pure `update`, drawn in a `TestBackend`, and the
//! real binary in tmux streaming from a test server that speaks the OpenAI wire format.

use crate::common;
use crate::llm_support;

use std::time::Duration;

use common::{Tmux, app_with, ctrl, draw, key, mini, press, send};
use kickoff::llm::{Env, Flags, LlmError, Prompts, StreamEvent, build_request, resolve};
use kickoff::tui::{App, Cmd, Msg, Screen};
use ratatui::crossterm::event::KeyCode;

fn started(app: &mut App) {
    let env = Env::default()
        .with("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
        .with("OPENAI_API_KEY", "sk-unused");
    let provider = resolve(&kickoff::Config::default(), &env, &Flags::default())
        .unwrap()
        .unwrap();
    let request = build_request(
        app.interview.bundle(),
        app.interview.review(),
        &provider,
        &Prompts::default(),
    )
    .unwrap();
    send(app, Msg::CritiqueStarted(Box::new(request)));
}

/// A stream event as the runtime passes it in, with the time it arrived.
fn event(event: StreamEvent) -> Msg {
    Msg::CritiqueEvent {
        event,
        at: "2026-12-01T10:00:00Z".into(),
    }
}

fn text(s: &str) -> Msg {
    event(StreamEvent::Text(s.into()))
}

#[test]
fn streamed_text_is_folded_linked_and_saved_in_the_session() {
    let mut app = app_with(mini());
    press(&mut app, ctrl('l'));
    assert_eq!(app.screen, Screen::Critique);
    assert_eq!(
        press(&mut app, key(KeyCode::Enter)),
        vec![Cmd::StartCritique { fresh: false }]
    );
    started(&mut app);
    assert!(app.critique.running);
    send(&mut app, event(StreamEvent::Started));
    send(
        &mut app,
        text("Overall: framing is thin.\n- [task] say why"),
    );
    send(
        &mut app,
        text(" ML beats rules.\n- [notes] kill criteria?\n"),
    );
    assert_eq!(
        app.critique
            .links
            .iter()
            .map(|(l, id)| (*l, id.as_str()))
            .collect::<Vec<_>>(),
        [(1, "task"), (2, "notes")]
    );
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("critique_streaming_{w}x{h}"), draw(&app, w, h));
    }
    send(
        &mut app,
        event(StreamEvent::Usage {
            input_tokens: Some(900),
            output_tokens: Some(40),
            estimated: false,
        }),
    );
    let cmds = send(
        &mut app,
        event(StreamEvent::Finished {
            interrupted: None,
            stop_reason: Some("stop".into()),
        }),
    );
    assert_eq!(cmds, vec![Cmd::Save]);
    assert!(!app.critique.running);
    let saved = app
        .interview
        .session()
        .critiques
        .last()
        .expect("saved in the session");
    assert_eq!(
        (
            saved.provider.as_str(),
            saved.output_tokens,
            saved.interrupted
        ),
        ("openai", Some(40), false)
    );
    assert!(saved.text.contains("[notes] kill criteria?"));
    for (w, h) in [(80, 24), (120, 40)] {
        insta::with_settings!({ filters => vec![(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[time]")] }, {
            insta::assert_snapshot!(format!("critique_done_{w}x{h}"), draw(&app, w, h));
        });
    }
    // Down selects the second link; Enter goes to its question.
    press(&mut app, key(KeyCode::Down));
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(
        (app.screen, app.interview.focused().id.as_str()),
        (Screen::Interview, "notes")
    );
}

#[test]
fn esc_cancels_while_streaming_and_goes_back_after() {
    let mut app = app_with(mini());
    press(&mut app, ctrl('l'));
    started(&mut app);
    assert_eq!(
        press(&mut app, key(KeyCode::Esc)),
        vec![Cmd::CancelCritique]
    );
    assert_eq!(
        app.screen,
        Screen::Critique,
        "still there until the stream ends"
    );
    send(&mut app, text("partial"));
    send(
        &mut app,
        event(StreamEvent::Finished {
            interrupted: Some(LlmError::Cancelled),
            stop_reason: None,
        }),
    );
    assert!(
        app.interview
            .session()
            .critiques
            .last()
            .is_some_and(|c| c.interrupted && c.text == "partial")
    );
    press(&mut app, key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Interview);
}

#[test]
fn a_failure_shows_a_message_and_leaves_the_answers_alone() {
    let mut app = app_with(mini());
    common::type_text(&mut app, "Kept");
    let before = app.interview.session().clone();
    press(&mut app, ctrl('l'));
    started(&mut app);
    let failure = LlmError::Broken {
        message: "reset by peer".into(),
    };
    let cmds = send(&mut app, event(StreamEvent::Failed(failure)));
    assert!(cmds.is_empty());
    assert_eq!(app.interview.session(), &before);
    assert!(
        app.critique
            .note
            .as_ref()
            .is_some_and(|(t, err)| *err && t.contains("failed"))
    );
    send(
        &mut app,
        Msg::CritiqueUnavailable("no LLM provider configured".into()),
    );
    assert!(draw(&app, 100, 30).contains("no LLM provider configured"));
}

#[test]
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn e2e_the_interview_streams_a_critique_from_a_real_socket_and_saves_it() {
    use llm_support::{Fixture, KEY, Reply, Server, Step, openai_stream};
    let fx = Fixture::new();
    let mut steps = openai_stream(&["Start simple.\n", "- [task] Why not rules?\n"], (120, 12));
    // A pause mid-stream, so the screen shows text while streaming.
    steps.insert(2, Step::Sleep(Duration::from_millis(300)));
    let server = Server::start(vec![Reply::sse(steps)]);
    let env = [
        ("OPENAI_BASE_URL", server.url("/v1")),
        ("OPENAI_API_KEY", KEY.to_string()),
        ("KICKOFF_CONFIG", fx.config.display().to_string()),
    ];
    let t = Tmux::start_env(fx.dir.path(), "resume session.toml", &env);
    t.wait_for("kickoff · Churn radar");
    t.keys(&["C-l"]);
    t.wait_for("asks the LLM reviewer");
    t.keys(&["a"]);
    t.wait_for("Start simple.");
    t.wait_for("Saved to session.toml");
    let screen = t.wait_for("[task] Why not rules?");
    assert!(screen.contains("openai / "), "{screen}");
    t.keys(&["Enter"]);
    t.wait_for("▶ 2. Task?");
    t.keys(&["C-q"]);
    t.wait_exit();
    let critiques = fx.critiques();
    assert_eq!(critiques.len(), 1);
    assert_eq!(
        critiques[0].text,
        "Start simple.\n- [task] Why not rules?\n"
    );
    assert_eq!(
        (critiques[0].input_tokens, critiques[0].output_tokens),
        (Some(120), Some(12))
    );
    assert!(
        !fx.session_text().contains(KEY),
        "no key in the session file"
    );
}

#[test]
fn findings_show_beside_their_question_as_each_completes_in_the_stream() {
    let mut app = app_with(mini());
    for (q, a) in [
        ("name", kickoff::Answer::Text("Churn".into())),
        ("task", kickoff::Answer::Text("classification".into())),
    ] {
        app.interview.set_answer(q, Some(a));
    }
    press(&mut app, ctrl('l'));
    started(&mut app);
    send(&mut app, event(StreamEvent::Started));
    send(
        &mut app,
        text("{\"verdict\": \"Not yet.\", \"findings\": [{"),
    );
    assert!(app.llm_findings().is_empty());
    let finding = kickoff::LlmFinding {
        question: "task".into(),
        severity: kickoff::Severity::Warning,
        message: "Say what a positive is before choosing a metric.".into(),
        evidence: String::new(),
        cites: vec![],
    };
    send(&mut app, event(StreamEvent::Finding(finding)));
    assert!(app.critique.running);
    let shown = app.llm_findings();
    assert_eq!(shown.len(), 1);
    assert!(!shown[0].stale);
    // Back to the interview while it streams (Esc would cancel): beside the question.
    send(&mut app, Msg::Show(Screen::Interview));
    send(&mut app, Msg::GotoQuestion("task".into()));
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("▲ LLM reviewer, warning: Say"), "{screen}");
    // And on the review screen, before the critique is saved.
    assert!(
        app.review_items()
            .iter()
            .any(|i| i.text == "LLM reviewer: Say what a positive is before choosing a metric.")
    );
}
