//! The library API a front end (the TUI) uses: build a request, stream it on a thread, fold the
//! events, cancel, save. Real sockets on 127.0.0.1.

use crate::llm_support;
use kickoff::Load as _;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use kickoff::llm::{
    Env, Flags, LlmError, Prompts, ProviderConfig, StreamEvent, Transcript, build_request, cached,
    linked_questions, resolve, save_critique, spawn_critique, to_critique,
};
use kickoff::{Bundle, Session};
use kickoff::{Config, Retry, Timeouts};
use llm_support::*;

fn provider(server: &Server) -> ProviderConfig {
    provider_waiting(server, None)
}

/// [`provider`], waiting at most `max_wait_secs` when a server asks (None: the default).
fn provider_waiting(server: &Server, max_wait_secs: Option<f64>) -> ProviderConfig {
    let config = Config {
        timeouts: Timeouts {
            connect_secs: Some(2.0),
            read_secs: Some(5.0),
        },
        retry: Retry {
            base_delay_ms: Some(2000),
            max_wait_secs,
            ..Retry::default()
        },
        ..Config::default()
    };
    let env = Env::default().with("OPENAI_BASE_URL", &server.url("/v1"));
    resolve(&config, &env, &Flags::default()).unwrap().unwrap()
}

fn open(fx: &Fixture) -> (Bundle, Session) {
    let session = Session::load(&fx.session).unwrap();
    let bundle = Bundle::load(&fx.dir.path().join("mini.toml")).unwrap();
    (bundle, session)
}

#[test]
fn events_fold_into_a_transcript_that_is_saved_like_the_cli_does() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(openai_stream(
        &["- [task] a\n", "- [notes] b\n"],
        (9, 4),
    ))]);
    let (bundle, session) = open(&fx);
    let review = bundle.review(&session.answers);
    let request = build_request(&bundle, &review, &provider(&server), &Prompts::default()).unwrap();
    assert!(cached(&session, &request).is_none());

    let (tx, rx) = mpsc::channel();
    let handle = spawn_critique(request.clone(), tx, Arc::new(AtomicBool::new(false)));
    let events: Vec<StreamEvent> = rx.iter().collect();
    let returned = handle.join().unwrap();
    assert_eq!(events.first(), Some(&StreamEvent::Started));
    assert_eq!(
        events.last(),
        Some(&StreamEvent::Finished {
            interrupted: None,
            stop_reason: Some("stop".into())
        })
    );
    let mut folded = Transcript::default();
    for e in &events {
        folded.apply(e);
    }
    assert_eq!(folded, returned);
    assert_eq!(
        (folded.input_tokens, folded.output_tokens),
        (Some(9), Some(4))
    );

    let links = linked_questions(&folded.text, &bundle.questionnaire);
    assert_eq!(
        links,
        vec![(0, "task".to_string()), (1, "notes".to_string())]
    );

    let saved = save_critique(
        &fx.session,
        Some(&bundle.questionnaire),
        to_critique(&request, &folded, "2026-12-01T10:00:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(saved.answers, session.answers, "answers untouched");
    let again = Session::load(&fx.session).unwrap();
    assert_eq!(
        cached(&again, &request).map(|c| c.text.as_str()),
        Some("- [task] a\n- [notes] b\n")
    );
}

#[test]
fn cancel_mid_stream_keeps_the_text_and_does_not_wait_for_the_server() {
    let fx = Fixture::new();
    // Silent for longer than the read timeout and the test: only the cancel ends the wait.
    let server = Server::start(vec![Reply::sse(vec![
        openai_delta("first"),
        Step::Sleep(SILENCE),
        openai_delta("late"),
    ])]);
    let (bundle, session) = open(&fx);
    let request = build_request(
        &bundle,
        &bundle.review(&session.answers),
        &provider(&server),
        &Prompts::default(),
    )
    .unwrap();
    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let handle = spawn_critique(request, tx, cancel.clone());
    loop {
        if let StreamEvent::Text(_) = rx.recv_timeout(Duration::from_secs(5)).unwrap() {
            break;
        }
    }
    cancel.store(true, Ordering::Relaxed);
    let t = within_hang_guard(move || handle.join().unwrap(), || ());
    assert_eq!(t.text, "first");
    assert_eq!(t.interrupted, Some(LlmError::Cancelled));
}

#[test]
fn cancel_during_a_retry_wait_fails_with_cancelled() {
    let fx = Fixture::new();
    // The server asks for an hour's wait, and may: only the cancel ends it.
    let server = Server::start(vec![Reply::json(503, "busy").header("retry-after", "3600")]);
    let (bundle, session) = open(&fx);
    let request = build_request(
        &bundle,
        &bundle.review(&session.answers),
        &provider_waiting(&server, Some(2.0 * SILENCE.as_secs_f64())),
        &Prompts::default(),
    )
    .unwrap();
    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let handle = spawn_critique(request, tx, cancel.clone());
    match rx.recv_timeout(Duration::from_secs(5)).unwrap() {
        StreamEvent::Retrying {
            attempt: 2,
            wait_ms,
            ..
        } => assert_eq!(wait_ms, 3_600_000),
        other => panic!("expected a retry, got {other:?}"),
    }
    cancel.store(true, Ordering::Relaxed);
    let t = within_hang_guard(move || handle.join().unwrap(), || ());
    assert_eq!(server.requests().len(), 1, "not retried after the cancel");
    assert_eq!(t.failed, Some(LlmError::Cancelled));
    assert_eq!(
        rx.iter().last(),
        Some(StreamEvent::Failed(LlmError::Cancelled))
    );
}

#[test]
fn secret_answers_are_never_in_the_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let q = dir.path().join("q.toml");
    std::fs::write(
        &q,
        "id = \"s\"\nversion = \"1\"\ntitle = \"S\"\n[[sections]]\nid = \"a\"\ntitle = \"A\"\n\
         [[sections.questions]]\nid = \"name\"\nkind = \"text\"\nprompt = \"Name?\"\n\
         [[sections.questions]]\nid = \"token\"\nkind = \"text\"\nprompt = \"Token?\"\nsecret = true\n",
    )
    .unwrap();
    let bundle = Bundle::load(&q).unwrap();
    let mut session = Session::new_at(&bundle.questionnaire, &kickoff::clock::now());
    session.set("name", Some(kickoff::Answer::Text("Visible".into())));
    session.set(
        "token",
        Some(kickoff::Answer::Text("hunter2-secret".into())),
    );
    let server = Server::start(vec![]);
    let request = build_request(
        &bundle,
        &bundle.review(&session.answers),
        &provider(&server),
        &Prompts::default(),
    )
    .unwrap();
    assert!(request.user.contains("Visible"));
    assert!(
        !request.user.contains("hunter2") && !request.user.contains("[token]"),
        "{}",
        request.user
    );
}

#[test]
fn the_builtin_questionnaire_renders_both_prompts() {
    let bundle = Bundle::builtin("ml-experiment").unwrap().unwrap();
    let mut session = Session::new_at(&bundle.questionnaire, &kickoff::clock::now());
    session.set(
        "project_name",
        Some(kickoff::Answer::Text("Fraud v2".into())),
    );
    session.set("task", Some(kickoff::Answer::Text("classification".into())));
    let server = Server::start(vec![]);
    let review = bundle.review(&session.answers);
    let request = build_request(&bundle, &review, &provider(&server), &Prompts::default()).unwrap();
    assert!(
        request.user.contains(
            "[task] What kind of prediction is it?\nAnswer: Classification (a label per item)"
        ),
        "{}",
        request.user
    );
    assert!(
        request.user.contains("Not answered yet:\n- ["),
        "{}",
        request.user
    );
    assert!(
        !request.user.contains("?;") && !request.user.contains("?."),
        "one unanswered question a line, no '?;' or '?.': {}",
        request.user
    );
    assert!(
        request
            .system
            .contains("Not every problem is a language problem")
    );
    let other = build_request(&bundle, &review, &provider(&server), &Prompts::default()).unwrap();
    assert_eq!(request.prompt_hash, other.prompt_hash, "the hash is stable");
}
