//! One key press, to the file: what the interview does to save an answer changed by one
//! character (the session handed to the store, the store's save: the check for a change on
//! disk, the new text, the atomic write), on a real example plan in a temporary directory.
//! Also a save after the focus only moved, which writes nothing.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use kickoff::answer::Answer;
use kickoff::store::Store;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/churn-done-well.toml")
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.toml");
    std::fs::copy(example(), &path).unwrap();
    let (store, mut session) = Store::open(&path, None).unwrap();
    let mut store = store.keeping_state_in(None);
    let name = match session.answers.get("project_name") {
        Some(Answer::Text(t)) => t.clone(),
        _ => "Churn".into(),
    };

    c.bench_function("key press to saved: one character of an answer", |b| {
        let mut flip = false;
        let mut n = 0u64;
        b.iter(|| {
            flip = !flip;
            n += 1;
            let text = if flip {
                format!("{name}x")
            } else {
                name.clone()
            };
            session.set("project_name", Some(Answer::Text(text)));
            session.updated = format!("2026-12-01T00:{:02}:{:02}Z", (n / 60) % 60, n % 60);
            // What the runtime hands to the saver: a copy of the session.
            let sent = session.clone();
            black_box(store.save(&sent).unwrap());
        });
    });

    c.bench_function(
        "key press to saved: the focus moved, nothing to write",
        |b| {
            let mut n = 0u64;
            b.iter(|| {
                n += 1;
                session.cursor = Some(
                    if n.is_multiple_of(2) {
                        "task"
                    } else {
                        "why_ml"
                    }
                    .into(),
                );
                let sent = session.clone();
                black_box(store.save(&sent).unwrap());
            });
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
