//! Sessions of an older version of the built-in questionnaire read in this one through its
//! `[[upgrades]]`: each answer the old version gave is read into the question that asks it
//! now, with a note; `check` takes the file, and the next save writes the new shape.

use crate::common;
use kickoff::Load as _;

use common::*;
use kickoff::{Answer, Bundle, Questionnaire, Session};

/// The churn example as version 3 wrote it: `representative_sample` a yes/no and
/// `serves_new_segments` beside it (`None` leaves an answer out).
fn version_3(representative: Option<bool>, serves_new: Option<bool>) -> String {
    let text = read(&example("churn-done-well.toml"));
    let mut old = String::new();
    for line in text.lines() {
        if line.starts_with("questionnaire_version") {
            old.push_str("questionnaire_version = \"3\"\n");
        } else if line.starts_with("representative_sample") {
            if let Some(r) = representative {
                old.push_str(&format!("representative_sample = {r}\n"));
            }
            if let Some(s) = serves_new {
                old.push_str(&format!("serves_new_segments = {s}\n"));
            }
        } else {
            old.push_str(line);
            old.push('\n');
        }
    }
    old
}

fn upgraded(text: &str) -> (Session, Vec<String>) {
    let bundle = builtin();
    let mut session = Session::from_str(text, std::path::Path::new("old.toml")).unwrap();
    let notes = session.upgrade(&bundle.questionnaire);
    (session, notes.into_iter().map(|p| p.message).collect())
}

#[test]
fn each_old_pair_of_answers_reads_as_one_choice() {
    for (representative, serves_new, now) in [
        (Some(true), Some(true), Some("new_segments")),
        (Some(true), Some(false), Some("yes")),
        (Some(true), None, Some("yes")),
        (Some(false), Some(true), Some("no")),
        (Some(false), None, Some("no")),
        (None, Some(true), Some("new_segments")),
        (None, Some(false), None),
        (None, None, None),
    ] {
        let (session, notes) = upgraded(&version_3(representative, serves_new));
        let case = format!("{representative:?} {serves_new:?}: {notes:?}");
        assert_eq!(
            session.answers.get("representative_sample"),
            now.map(|v| Answer::Text(v.into())).as_ref(),
            "{case}"
        );
        assert!(
            !session.answers.contains_key("serves_new_segments"),
            "{case}"
        );
        let about = notes
            .iter()
            .filter(|n| n.contains("representative_sample"))
            .count();
        let expected = usize::from(representative.is_some() || serves_new.is_some());
        assert_eq!(about, expected, "{case}");
        if serves_new.is_some() {
            assert!(
                notes.iter().any(|n| n.contains("serves_new_segments")),
                "the note names the answer read: {case}"
            );
        }
        assert!(
            session.problems(&builtin().questionnaire).is_empty(),
            "the upgraded answers fit version 4: {case}"
        );
    }
}

#[test]
fn a_current_session_is_not_upgraded_again() {
    let text = read(&example("churn-done-well.toml"));
    let (session, notes) = upgraded(&text);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(
        session.answers.get("representative_sample"),
        Some(&Answer::Text("yes".into()))
    );
}

#[test]
fn check_takes_an_old_file_with_notes_and_the_next_save_writes_the_new_shape() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.toml");
    std::fs::write(&file, version_3(Some(true), Some(true))).unwrap();
    let run = kickoff(dir.path(), &["check", "old.toml"]);
    assert!(
        run.stdout.contains(
            "read `representative_sample` (yes) and `serves_new_segments` (yes) as `new_segments`"
        ),
        "{}",
        run.stdout
    );
    // The upgraded answer asks which segments, and how they will be measured: an open
    // question until it is answered, not a finding that says the plan has no answer.
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("1 open question"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("[unseen-population]"),
        "{}",
        run.stdout
    );
    let run = kickoff(dir.path(), &["check", "old.toml", "--allow-open"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);

    let run = kickoff_input(dir.path(), &["plain", "old.toml"], Some(":q\n"));
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let saved = read(&file);
    assert!(saved.contains("questionnaire_version = \"5\""), "{saved}");
    assert!(
        saved.contains("representative_sample = \"new_segments\""),
        "{saved}"
    );
    assert!(!saved.contains("serves_new_segments"), "{saved}");
}

#[test]
fn a_broken_upgrade_is_named_where_the_questionnaire_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.toml");
    let base = "id = \"mini\"\nversion = \"2\"\ntitle = \"Mini\"\n\n[[sections]]\nid = \"s\"\n\
                title = \"S\"\n\n[[sections.questions]]\nid = \"fit\"\nkind = \"choice\"\n\
                prompt = \"Fit?\"\nchoices = [{ value = \"yes\" }, { value = \"no\" }]\n\n";
    for (upgrade, expected) in [
        (
            "[[upgrades]]\nversion = \"2\"\nquestion = \"gone\"\ncases = []\n",
            "`question` `gone` is not a question",
        ),
        (
            "[[upgrades]]\nversion = \"2\"\nquestion = \"fit\"\n\
             cases = [{ when = \"old is true\", value = \"maybe\" }]\n",
            "case 1: `value` ",
        ),
        (
            "[[upgrades]]\nversion = \"2\"\nquestion = \"fit\"\n\
             cases = [{ when = \"old is\", value = \"yes\" }]\n",
            "case 1: `when` does not compile",
        ),
        (
            "[[upgrades]]\nversion = \"2\"\nquestion = \"fit\"\nretires = [\"fit\"]\n\
             cases = [{ when = \"old\", value = \"yes\" }]\n",
            "`retires` names `fit`, which this version still asks",
        ),
    ] {
        std::fs::write(&path, format!("{base}{upgrade}")).unwrap();
        let err = Questionnaire::load(&path).unwrap_err().to_string();
        assert!(err.contains("upgrade of `"), "{err}");
        assert!(err.contains(expected), "{expected}: {err}");
    }
    // A good one loads, and reads an old session's retired yes/no.
    std::fs::write(
        &path,
        format!(
            "{base}[[upgrades]]\nversion = \"2\"\nquestion = \"fit\"\nretires = [\"old\"]\n\
             cases = [{{ when = \"old is true\", value = \"yes\" }}, {{ when = \"old is false\", value = \"no\" }}]\n"
        ),
    )
    .unwrap();
    let bundle = Bundle::load(&path).unwrap();
    let mut session = Session::from_str(
        "questionnaire = \"mini\"\nquestionnaire_version = \"1\"\ncreated = \"2026-11-20T09:00:00Z\"\nupdated = \"2026-11-20T09:00:00Z\"\n[answers]\nold = false\n",
        &path,
    )
    .unwrap();
    session.upgrade(&bundle.questionnaire);
    assert_eq!(session.answers.get("fit"), Some(&Answer::Text("no".into())));
    assert!(!session.answers.contains_key("old"));
}

/// The churn example as version 4 wrote it: the arms' interference and matured labels as
/// yes/no, the detectable effect relative only, no design of the test in words.
fn version_4(interference: bool, matured: Option<bool>) -> String {
    let text = read(&example("churn-done-well.toml"));
    let mut old = String::new();
    let mut in_design = false;
    for line in text.lines() {
        if in_design {
            in_design = !line.ends_with("\"\"\"");
            continue;
        }
        if line.starts_with("questionnaire_version") {
            old.push_str("questionnaire_version = \"4\"\n");
        } else if line.starts_with("ab_interference =") {
            old.push_str(&format!("ab_interference = {interference}\n"));
        } else if line.starts_with("ab_design =") {
            in_design = true;
        } else if line.starts_with("ab_mde_scale") {
        } else if line.starts_with("retrain_every_days") {
            old.push_str("retrain_every_days = 7\n");
            if let Some(m) = matured {
                old.push_str(&format!("labels_matured = {m}\n"));
            }
        } else {
            old.push_str(line);
            old.push('\n');
        }
    }
    old
}

#[test]
fn version_4_answers_read_into_the_forms_of_version_5_each_with_a_note() {
    for (interference, matured) in [(false, Some(true)), (true, Some(false)), (false, None)] {
        let old = version_4(interference, matured);
        assert!(
            !old.contains("ab_mde_scale") && !old.contains("ab_design"),
            "{old}"
        );
        let (session, notes) = upgraded(&old);
        let case = format!("{interference} {matured:?}: {notes:?}");
        let text = |id: &str| session.answers.get(id).and_then(|a| a.as_text());
        assert_eq!(
            text("ab_interference"),
            Some(if interference { "yes" } else { "no" }),
            "{case}"
        );
        assert_eq!(
            text("labels_matured"),
            matured.map(|m| if m { "yes" } else { "no" }),
            "{case}"
        );
        // The effect was relative: it says so now, and keeps its number.
        assert_eq!(text("ab_mde_scale"), Some("relative"), "{case}");
        assert_eq!(session.answers.get("ab_mde"), Some(&Answer::Number(8.0)));
        // Each conversion is reported, naming the answer it read.
        for needle in [
            format!(
                "read `ab_interference` ({}) as `{}`",
                if interference { "yes" } else { "no" },
                if interference { "yes" } else { "no" }
            ),
            "`ab_mde_scale`".to_string(),
            "written for version 4".to_string(),
        ] {
            assert!(
                notes.iter().any(|n| n.contains(&needle)),
                "{needle}: {case}"
            );
        }
        assert_eq!(
            notes.iter().any(|n| n.contains("`labels_matured`")),
            matured.is_some(),
            "{case}"
        );
        assert!(
            session.problems(&builtin().questionnaire).is_empty(),
            "the upgraded answers fit version 5: {case}"
        );
    }
}
