//! Model text that must not reach the screen, the session file or the doc as it came: the API
//! key echoed back (split over deltas), bidi overrides and invisible characters.

use crate::llm_support;
use kickoff::Load as _;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;

use kickoff::llm::{
    Env, Flags, Prompts, StreamEvent, Transcript, build_request, resolve, spawn_critique,
};
use kickoff::{Bundle, Config, Session};
use llm_support::*;

/// The key, cut in three: over the boundaries of two deltas.
fn key_in_pieces() -> [String; 3] {
    [
        format!("your key is {}", &KEY[..5]),
        KEY[5..17].to_string(),
        format!("{}, keep it safe.\n", &KEY[17..]),
    ]
}

fn assert_redacted_everywhere(fx: &Fixture, out: &std::process::Output) {
    assert!(out.status.success(), "{}", stderr(out));
    let expected = "your key is [redacted], keep it safe.\n";
    assert_eq!(stdout(out), expected);
    assert_eq!(fx.critiques()[0].text, expected);
    assert_no_key(fx, out);
    let doc = render_doc(fx);
    // The doc escapes the brackets, as it does for all model and answer text.
    assert!(doc.contains(r"your key is \[redacted\]"), "{doc}");
    assert!(!doc.contains(KEY) && !doc.contains(&KEY[..17]));
}

#[test]
fn a_key_echoed_over_openai_deltas_is_redacted_on_stdout_in_the_file_and_the_doc() {
    let fx = Fixture::new();
    let pieces = key_in_pieces();
    let texts: Vec<&str> = pieces.iter().map(String::as_str).collect();
    let server = Server::start(vec![Reply::sse(openai_stream(&texts, (5, 3)))]);
    let (out, _) = kickoff(&fx, &openai_env(&server), &[]);
    assert_redacted_everywhere(&fx, &out);
}

#[test]
fn a_key_echoed_over_anthropic_deltas_is_redacted() {
    let fx = Fixture::new();
    let pieces = key_in_pieces();
    let texts: Vec<&str> = pieces.iter().map(String::as_str).collect();
    let server = Server::start(vec![Reply::sse(anthropic_stream(&texts, (5, 3)))]);
    let env = [
        ("ANTHROPIC_BASE_URL", server.url("")),
        ("ANTHROPIC_API_KEY", KEY.to_string()),
    ];
    let (out, _) = kickoff(&fx, &env, &[]);
    assert_redacted_everywhere(&fx, &out);
}

#[test]
fn a_key_from_api_key_cmd_echoed_at_the_very_end_is_redacted() {
    let fx = Fixture::with_config(&format!(
        "{CONFIG}\n[providers.ollama]\napi_key_cmd = \"echo {KEY}\"\n"
    ));
    let pieces = key_in_pieces();
    let texts: Vec<&str> = pieces.iter().map(String::as_str).collect();
    let server = Server::start(vec![Reply::stream(
        "application/x-ndjson",
        ollama_stream(&texts, (5, 3)),
    )]);
    let env = [("OLLAMA_HOST", server.url(""))];
    let (out, _) = kickoff(&fx, &env, &["--provider", "ollama"]);
    assert_redacted_everywhere(&fx, &out);
}

#[test]
fn the_event_stream_a_front_end_reads_never_holds_the_key_or_its_start() {
    let fx = Fixture::new();
    // The key's beginning ends the stream's last delta: held back, then let out at the end
    // (seven characters: eight or more of the key are redacted wherever they are).
    let last = format!("not a key: {}", &KEY[..7]);
    let pieces = key_in_pieces();
    let texts = [
        pieces[0].as_str(),
        pieces[1].as_str(),
        pieces[2].as_str(),
        last.as_str(),
    ];
    let server = Server::start(vec![Reply::sse(openai_stream(&texts, (5, 4)))]);
    let env = Env::default()
        .with("OPENAI_BASE_URL", &server.url("/v1"))
        .with("OPENAI_API_KEY", KEY);
    let provider = resolve(&Config::default(), &env, &Flags::default())
        .unwrap()
        .unwrap();
    let session = Session::load(&fx.session).unwrap();
    let bundle = Bundle::load(&fx.dir.path().join("mini.toml")).unwrap();
    let review = bundle.review(&session.answers);
    let request = build_request(&bundle, &review, &provider, &Prompts::default()).unwrap();
    let (tx, rx) = mpsc::channel();
    let handle = spawn_critique(request, tx, Arc::new(AtomicBool::new(false)));
    let events: Vec<StreamEvent> = rx.iter().collect();
    let transcript = handle.join().unwrap();
    let mut folded = Transcript::default();
    for e in &events {
        folded.apply(e);
        if let StreamEvent::Text(t) = e {
            assert!(!t.contains(&KEY[..17]), "a text event holds the key: {t:?}");
        }
    }
    assert_eq!(folded, transcript);
    assert_eq!(
        transcript.text,
        format!(
            "your key is [redacted], keep it safe.\nnot a key: {}",
            &KEY[..7]
        )
    );
    assert!(transcript.interrupted.is_none() && transcript.failed.is_none());
}

#[test]
fn bidi_overrides_and_invisible_characters_are_shown_as_code_points() {
    let fx = Fixture::new();
    let server = Server::start(vec![Reply::sse(openai_stream(
        &[
            "Use \u{202E}gnp.exe\u{202C} and",
            " zero\u{200B}width\u{FEFF}, \u{2066}isolate\u{2069} \u{061C}\u{200F}.\n",
        ],
        (5, 2),
    ))]);
    let (out, _) = kickoff(&fx, &openai_env(&server), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = "Use <U+202E>gnp.exe<U+202C> and zero<U+200B>width<U+FEFF>, \
                    <U+2066>isolate<U+2069> <U+061C><U+200F>.\n";
    assert_eq!(stdout(&out), expected);
    assert_eq!(fx.critiques()[0].text, expected);
    let doc = render_doc(&fx);
    let file = fx.session_text();
    for c in [
        '\u{202E}', '\u{202C}', '\u{200B}', '\u{FEFF}', '\u{2066}', '\u{061C}',
    ] {
        assert!(!doc.contains(c), "{c:?} in the doc");
        assert!(!file.contains(c), "{c:?} in the session file");
    }
    assert!(doc.contains("U+202E"), "{doc}");
}
