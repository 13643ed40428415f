//! The interview's hot paths: one key press (update + draw of a 120x40 frame) with the full
//! built-in questionnaire and a full session, and the time from start to the first frame.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use kickoff::tui::view;
use kickoff::tui::{App, Msg, update};
use kickoff::{Answer, Bundle, Kind, Session};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A session answering every question with a valid answer of its kind.
fn full_session(bundle: &Bundle) -> Session {
    let q = &bundle.questionnaire;
    let mut s = Session::new_at(q, &kickoff::clock::now());
    for question in q.questions() {
        let a = match question.kind {
            Kind::Text => Answer::Text("A specific, realistic answer".into()),
            Kind::LongText => Answer::Text("Two sentences of context.\nAnd a second line.".into()),
            Kind::Choice => Answer::Text(question.choices[0].value.clone()),
            Kind::MultiChoice => Answer::List(vec![question.choices[0].value.clone()]),
            Kind::Number => Answer::Number(
                question
                    .min
                    .unwrap_or(1.0)
                    .max(question.max.map_or(1.0, |m| m.min(1.0))),
            ),
            Kind::YesNo => Answer::Bool(true),
            Kind::List => Answer::List(vec!["first".into(), "second".into()]),
            Kind::Records => Answer::Records(vec![row(question)]),
        };
        s.set(&question.id, Some(a));
    }
    s
}

/// Types a character, then deletes it on the next call, so the answer keeps its size.
fn type_or_delete(app: &mut App, flip: &mut bool) {
    let key = if *flip {
        KeyCode::Backspace
    } else {
        KeyCode::Char('x')
    };
    *flip = !*flip;
    black_box(update(
        app,
        Msg::Input(KeyEvent::new(key, KeyModifiers::NONE)),
    ));
}

fn builtin() -> Bundle {
    Bundle::builtin("ml-experiment").unwrap().unwrap()
}

fn bench(c: &mut Criterion) {
    let bundle = builtin();
    let session = full_session(&bundle);
    let toml = session.to_toml(None);

    c.bench_function(
        "critic: visibility, all rules and the readiness score on a full session",
        |b| {
            b.iter(|| black_box(bundle.review(black_box(&session.answers))));
        },
    );

    c.bench_function("key press: type a character (update + draw 120x40)", |b| {
        let bundle = builtin();
        let mut app = App::new(bundle, session.clone(), PathBuf::from("kickoff.toml"));
        update(&mut app, Msg::GotoQuestion("project_name".into()));
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let mut flip = false;
        b.iter(|| {
            type_or_delete(&mut app, &mut flip);
            terminal.draw(|f| view(&app, f)).unwrap();
        });
    });

    // The longest choice list of the questionnaire, filtered fuzzily on every key: a letter
    // typed, then taken back, so the filter keeps its length.
    c.bench_function(
        "key press: fuzzy filter the longest choice list (update + draw 120x40)",
        |b| {
            let bundle = builtin();
            let longest = bundle
                .questionnaire
                .questions()
                .filter(|q| matches!(q.kind, Kind::Choice | Kind::MultiChoice))
                .max_by_key(|q| q.choices.len())
                .map(|q| q.id.clone())
                .unwrap();
            let mut app = App::new(bundle, session.clone(), PathBuf::from("kickoff.toml"));
            update(&mut app, Msg::GotoQuestion(longest));
            for c in "re".chars() {
                update(
                    &mut app,
                    Msg::Input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
                );
            }
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
            let mut flip = false;
            b.iter(|| {
                let key = if flip {
                    KeyCode::Backspace
                } else {
                    KeyCode::Char('c')
                };
                flip = !flip;
                black_box(update(
                    &mut app,
                    Msg::Input(KeyEvent::new(key, KeyModifiers::NONE)),
                ));
                terminal.draw(|f| view(&app, f)).unwrap();
            });
        },
    );

    c.bench_function("parts: update only, type a character", |b| {
        let mut app = App::new(builtin(), session.clone(), PathBuf::from("kickoff.toml"));
        update(&mut app, Msg::GotoQuestion("project_name".into()));
        let mut flip = false;
        b.iter(|| type_or_delete(&mut app, &mut flip));
    });

    c.bench_function("parts: draw only (120x40)", |b| {
        let mut app = App::new(builtin(), session.clone(), PathBuf::from("kickoff.toml"));
        update(&mut app, Msg::GotoQuestion("project_name".into()));
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        b.iter(|| {
            terminal.draw(|f| view(&app, f)).unwrap();
        });
    });

    c.bench_function("key press: next question (update + draw 120x40)", |b| {
        let mut app = App::new(builtin(), session.clone(), PathBuf::from("kickoff.toml"));
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        b.iter(|| {
            if update(&mut app, Msg::NextQuestion).is_empty() {
                update(&mut app, Msg::GotoSection(0));
            }
            terminal.draw(|f| view(&app, f)).unwrap();
        });
    });

    c.bench_function(
        "start to first frame (load questionnaire and session, draw 120x40)",
        |b| {
            b.iter(|| {
                let bundle = builtin();
                let session = Session::from_str(&toml, "kickoff.toml".as_ref()).unwrap();
                let app = App::new(bundle, session, PathBuf::from("kickoff.toml"));
                let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
                terminal.draw(|f| view(&app, f)).unwrap();
                black_box(terminal.backend().buffer().area);
            });
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);

/// A row that fits a records question: each cell read from a typical reply.
fn row(q: &kickoff::Question) -> kickoff::Row {
    use kickoff::ColumnKind::{Text, YesNo};
    let reply = |c: &kickoff::Column| match c.kind {
        Text => "a cell",
        YesNo => "y",
        _ => "1",
    };
    let cells = q
        .columns
        .iter()
        .filter_map(|c| Some((c.id.clone(), c.parse_cell(reply(c)).ok()??)));
    kickoff::Row(cells.collect())
}
