//! A questionnaire that extends the built-in one: the built-in doc places the questions it
//! knows in its design sections and every other asked question under "Other answers", so
//! nothing a team adds is left out of its doc.

use std::path::Path;
use std::process::Command;

const TEAM_QUESTION: &str = r#"

[[sections.questions]]
id = "team_signoff"
kind = "text"
prompt = "Who in the risk office signs the launch off?"
label = "Risk sign-off"
"#;

fn kickoff(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kickoff"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("kickoff runs");
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (out.status.code(), text(out.stdout), text(out.stderr))
}

#[test]
fn a_teams_own_question_is_rendered_under_other_answers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let built_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("questionnaires");
    for name in ["ml-experiment.rules.toml", "ml-experiment.score.toml"] {
        std::fs::copy(built_in.join(name), d.join(name)).unwrap();
    }
    let source = std::fs::read_to_string(built_in.join("ml-experiment.toml")).unwrap();
    std::fs::write(d.join("ml-experiment.toml"), source + TEAM_QUESTION).unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/churn-done-well.toml");
    let session = std::fs::read_to_string(example).unwrap().replacen(
        "[answers]\n",
        "[answers]\nteam_signoff = \"Dana from risk | ops\"\n",
        1,
    );
    std::fs::write(d.join("plan.toml"), session).unwrap();

    let (code, doc, stderr) = kickoff(d, &["render", "plan.toml", "-q", "ml-experiment.toml"]);
    assert_eq!(code, Some(0), "{stderr}");
    let start = doc
        .find("<a id=\"other-answers\"></a>")
        .expect("an Other answers section");
    let heading = doc[start..].lines().find(|l| l.starts_with("## ")).unwrap();
    assert!(heading.ends_with(". Other answers"), "{heading}");
    let end = doc[start..].find("<a id=\"review-findings\"></a>").unwrap();
    let other = &doc[start..start + end];
    assert!(
        other.contains("**Risk sign-off:** Dana from risk \\| ops"),
        "the team's answer, escaped, under its label:\n{other}"
    );
    // Only that one: the built-in questions stay in their design sections.
    assert_eq!(other.matches("<a id=\"q-").count(), 1, "{other}");
    assert!(
        doc.contains(". [Other answers](#other-answers)\n"),
        "in the contents"
    );
    // Without the team's question the section is not there at all.
    let (_, plain_doc, _) = kickoff(
        d,
        &[
            "render",
            &built_in
                .join("../examples/churn-done-well.toml")
                .display()
                .to_string(),
        ],
    );
    assert!(!plain_doc.contains("Other answers"));
}
