//! What `kickoff render` does, step by step, on a fully answered session: load the built-in
//! bundle, load the session and review it (visibility, rules, readiness score), render the
//! doc, and the whole pipeline. Run with `cargo bench --bench render`.

use kickoff::Load as _;
use kickoff::Save as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use kickoff::Bundle;
use kickoff::{Answer, Kind, Session};

fn builtin() -> Bundle {
    Bundle::builtin("ml-experiment")
        .expect("built in")
        .expect("loads")
}

/// An answer that fits the question, chosen so that conditions open as many questions as they
/// can (yes to yes/no, several choices).
fn fitting(q: &kickoff::Question) -> Answer {
    let a = match q.kind {
        Kind::Text => Answer::Text(format!("A short answer to {}", q.id)),
        Kind::LongText => Answer::Text(
            "A paragraph or two in the engineer's words: what was done, what was measured and \
             why, with numbers (12% recall at 30% precision) and a named owner.\n\n\
             - a list item\n- another one"
                .into(),
        ),
        Kind::Choice => Answer::Text(
            q.choices
                .iter()
                .find(|c| c.value != "none")
                .unwrap_or(&q.choices[0])
                .value
                .clone(),
        ),
        Kind::MultiChoice => Answer::List(
            q.choices
                .iter()
                .filter(|c| c.value != "none")
                .take(3)
                .map(|c| c.value.clone())
                .collect(),
        ),
        Kind::Number => {
            let lo = q.min.unwrap_or(0.0);
            let hi = q.max.unwrap_or(lo + 1000.0);
            let n = lo + (hi - lo) / 4.0;
            Answer::Number(if q.integer { n.round() } else { n })
        }
        Kind::YesNo => Answer::Bool(true),
        Kind::List => Answer::List(vec!["first item".into(), "second item".into()]),
        Kind::Records => Answer::Records(vec![row(q), row(q)]),
    };
    assert!(kickoff::check_answer(q, &a).is_empty(), "{}", q.id);
    a
}

/// The session to benchmark: `examples/churn-done-well.toml` if it is there, else one that
/// answers every visible question, written to `dir`.
fn session_file(dir: &Path) -> PathBuf {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/churn-done-well.toml");
    if example.exists() {
        return example;
    }
    let bundle = builtin();
    let q = &bundle.questionnaire;
    let mut session = Session::new_at(q, &kickoff::clock::now());
    for i in 0..q.len() {
        if q.visibility(&session.answers)[i] {
            session.set(&q.question(i).id, Some(fitting(q.question(i))));
        }
    }
    let path = dir.join("full.toml");
    session.save(&path, Some(q)).expect("saves");
    path
}

fn benches(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("kickoff-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = session_file(&dir);
    eprintln!("session: {}", kickoff::text::path(&path));

    c.bench_function("load built-in bundle", |b| b.iter(|| black_box(builtin())));
    // Where the bundle's time goes: the questionnaire, then its rule pack.
    let files = &kickoff::BUILTINS[0];
    c.bench_function("  questionnaire only", |b| {
        b.iter(|| {
            kickoff::Questionnaire::from_str(black_box(files.questionnaire), Path::new("q.toml"))
                .expect("loads")
        })
    });
    let q = kickoff::Questionnaire::from_str(files.questionnaire, Path::new("q.toml")).unwrap();
    c.bench_function("  rule pack only", |b| {
        b.iter(|| {
            let mut critic = kickoff::Critic::default();
            critic
                .add_pack(black_box(files.rules), Path::new("r.toml"), &q)
                .expect("loads");
            critic
        })
    });

    let bundle = builtin();
    c.bench_function("load session + review", |b| {
        b.iter(|| {
            let session = Session::load(black_box(&path)).expect("loads");
            black_box(bundle.review(&session.answers))
        })
    });

    let session = Session::load(&path).expect("loads");
    let review = bundle.review(&session.answers);
    eprintln!(
        "{} asked answers, {} findings",
        review.asked.len(),
        review.findings.len()
    );
    // Visibility and every rule, as the TUI runs them on each key press.
    c.bench_function("rules only", |b| {
        b.iter(|| {
            black_box(
                bundle
                    .critic
                    .run(&bundle.questionnaire, black_box(&session.answers)),
            )
        })
    });
    c.bench_function("render doc", |b| {
        b.iter(|| {
            black_box(
                kickoff::render_doc(&bundle, &session, black_box(&review), None).expect("renders"),
            )
        })
    });

    c.bench_function("whole pipeline", |b| {
        b.iter(|| {
            let (bundle, session) = kickoff::open(black_box(&path), None).expect("opens");
            let review = bundle.review(&session.answers);
            black_box(kickoff::render_doc(&bundle, &session, &review, None).expect("renders"))
        })
    });

    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(render, benches);
criterion_main!(render);

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
