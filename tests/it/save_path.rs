
/// An editor's save made while kickoff writes (after its new text is on disk, right before
/// the rename) is not replaced: the save starts over and merges it in.
#[test]
fn an_editors_save_during_a_save_is_merged_not_lost() {
    let (dir, path) = file_with(OLD);
    let (mut store, mut ours) = open(&path, &dir.path().join("state"));
    let editor = path.clone();
    let mut once = true;
    store.before_rename(move || {
        if std::mem::take(&mut once) {
            let text = std::fs::read_to_string(&editor).unwrap();
            std::fs::write(&editor, format!("{text}notes = \"from the editor\"\n")).unwrap();
        }
    });
    ours.set("task", Some(Answer::Text("classification".into())));
    let Saved::Merged(merged) = store.save(&ours).unwrap() else {
        panic!("the editor's change must be merged");
    };
    let on_disk = Session::load(&path).unwrap();
    assert_eq!(on_disk, merged);
    assert_eq!(
        on_disk.answers.get("notes"),
        Some(&Answer::Text("from the editor".into()))
    );
    assert_eq!(
        on_disk.answers.get("task"),
        Some(&Answer::Text("classification".into()))
    );
    assert!(read(&path).contains("# The name.\nname = \"Churn\""));
}

/// A writer racing the saves for real: each of its answers and each of ours ends in the file.
#[test]
fn a_racing_writer_loses_nothing() {
    let (dir, path) = file_with(OLD);
    let (mut store, mut ours) = open(&path, &dir.path().join("state"));
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || {
            for i in 0..20 {
                // An editor: read, change, write the file whole (a new file renamed over it).
                let text = std::fs::read_to_string(&path).unwrap();
                let tmp = path.with_extension(format!("editor{i}"));
                std::fs::write(&tmp, format!("{text}editor_{i} = \"e{i}\"\n")).unwrap();
                std::fs::rename(&tmp, &path).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(3));
            }
        })
    };
    for i in 0..60 {
        ours.set(&format!("ours_{i}"), Some(Answer::Text(format!("o{i}"))));
        match store.save(&ours).unwrap() {
            Saved::Merged(m) => ours = Session { cursor: None, ..m },
            Saved::Written => {}
            Saved::Conflicts { .. } => panic!("no answer is changed on both sides"),
        }
    }
    writer.join().unwrap();
    // A last save takes in what the writer did after ours.
    if let Saved::Merged(m) = store.save(&ours).unwrap() {
        ours = m;
    }
    let on_disk = Session::load(&path).unwrap();
    for i in 0..60 {
        assert!(on_disk.answers.contains_key(&format!("ours_{i}")), "ours_{i}");
    }
    // The editor reads and writes without a lock: a write of its own can only be lost to
    // another of its own, never to kickoff. Every answer of the editor kickoff saw is kept.
    for (id, _) in ours.answers.iter().filter(|(k, _)| k.starts_with("editor_")) {
        assert!(on_disk.answers.contains_key(id), "{id}");
    }
}
