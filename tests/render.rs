//! The design doc: answers are data (never template code, never markdown structure), the heading
//! tree is the questionnaire's, tables keep their columns, hidden answers stay out, required
//! gaps are listed, and the footer hash tracks exactly the visible answers.

mod common;

use std::path::{Path, PathBuf};

use kickoff::render_doc;
use kickoff::{Answer, Session};
use kickoff::{Bundle, Review};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

const DECISION: &str = "Decide who gets a retention offer.\n\
# heading from an answer\n\
Rendered as {{ 7*7 }} and {% if true %}x{% endif %}, never evaluated.\n\
---\n\
===\n\
> not a quote\n\
<script>alert(1)</script>\n\
```\n\
| pipe | in | text |\n\
\n\
[ref]: https://example.com/a-reference-definition\n\
\n\
\tTabbed line after a blank line.\n\
\n\
1. a kept list\n\
2. second item\n\
- # heading inside a list item\n\
3. ## another one\n\
* > a quote in an item\n\
\n\
        deeply indented";

/// Answers of every kind, with markdown and template specials, plus two hidden answers.
fn answers() -> Vec<(&'static str, Answer)> {
    let t = |s: &str| Answer::Text(s.into());
    let l = |v: &[&str]| Answer::List(v.iter().map(|s| s.to_string()).collect());
    vec![
        ("project_name", t("Churn radar {{ 7*7 }}")),
        ("decision", t(DECISION)),
        ("task", t("classification")),
        ("modality", t("tabular")),
        ("heuristic_tried", Answer::Bool(true)),
        ("kill_date", t("1. not a list item")),
        ("business_metric", t("| pipe | in a cell |")),
        (
            "business_target",
            t("<script>alert('x')</script> & {% if true %}x{% endif %}"),
        ),
        ("positive_rate", Answer::Number(0.04)),
        ("n_examples", Answer::Number(120000.0)),
        ("baselines", l(&["constant", "gradient_boosted_trees"])),
        (
            "data_sources",
            l(&[
                "# heading item",
                "---",
                "{{ 7*7 }}",
                "- dash",
                "warehouse.events",
            ]),
        ),
        // Hidden: `rollout == 'ab_test'` and `label_source == 'human_annotation'` are false.
        ("ab_unit", t("HIDDEN-AB-UNIT")),
        ("annotators_per_item", Answer::Number(7.0)),
    ]
}

fn builtin_session(answers: &[(&str, Answer)]) -> Session {
    let bundle = common::builtin();
    let mut session = Session::new(&bundle.questionnaire);
    session.created = "2025-01-01T00:00:00Z".into();
    session.updated = "2025-01-01T00:00:00Z".into();
    for (id, a) in answers {
        session.set(id, Some(a.clone()));
    }
    session
}

/// Saves the session to `dir/s.toml` and renders it through the library, as `render` does.
fn render_via_library(dir: &Path, session: &Session) -> (Bundle, Review, String) {
    let path = dir.join("s.toml");
    std::fs::write(&path, session.to_toml(None)).unwrap();
    let (bundle, loaded) = kickoff::open(&path, None).expect("opens");
    assert!(
        loaded.problems(&bundle.questionnaire).is_empty(),
        "{:?}",
        loaded.problems(&bundle.questionnaire)
    );
    let review = bundle.review(&loaded.answers);
    let doc = render_doc(&bundle, &loaded, &review, None).expect("renders");
    (bundle, review, doc)
}

/// The binary through the shared helper (no terminal, no user config file).
fn kickoff(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let run = common::kickoff(dir, args);
    (run.code, run.stderr)
}

fn parser(md: &str) -> Parser<'_> {
    Parser::new_ext(md, Options::ENABLE_TABLES)
}

fn level(l: HeadingLevel) -> u8 {
    l as u8
}

/// (level, text) of every heading.
fn headings(md: &str) -> Vec<(u8, String)> {
    let mut out = Vec::new();
    let mut current: Option<(u8, String)> = None;
    for ev in parser(md) {
        match ev {
            Event::Start(Tag::Heading { level: l, .. }) => {
                current = Some((level(l), String::new()))
            }
            Event::End(TagEnd::Heading(_)) => out.extend(current.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, s)) = current.as_mut() {
                    s.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

/// The doc as a reader sees it: text and code, one line per paragraph, item, cell or break.
fn plain_text(md: &str) -> String {
    let mut out = String::new();
    for ev in parser(md) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::Heading(_)
                | TagEnd::TableCell
                | TagEnd::CodeBlock,
            ) => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// The H2 titles the doc must have, in order.
fn expected_h2(bundle: &Bundle, review: &Review, open: bool, contents: bool) -> Vec<String> {
    let mut out = Vec::new();
    if contents {
        out.push("Contents".to_string());
    }
    for (i, s) in bundle.questionnaire.sections.iter().enumerate() {
        out.push(format!("{}. {}", i + 1, s.title));
    }
    if !review.findings.is_empty() {
        out.push("Review findings".into());
    }
    if review.readiness.is_some() {
        out.push("Production readiness".into());
    }
    if open {
        out.push("Open questions".into());
    }
    out
}

/// Required, asked, unanswered questions in order: what "Open questions" must list.
fn required_open(bundle: &Bundle, review: &Review) -> Vec<String> {
    let q = &bundle.questionnaire;
    (0..q.len())
        .filter(|&i| review.visible[i])
        .map(|i| q.question(i))
        .filter(|x| x.required && !review.asked.contains_key(&x.id))
        .map(|x| x.id.clone())
        .collect()
}

/// The heading tree: one H1 (the project), the H2s of `expected`, H3s only for severity groups.
fn assert_heading_tree(md: &str, project: &str, expected: &[String]) {
    let hs = headings(md);
    let h1: Vec<&String> = hs.iter().filter(|(l, _)| *l == 1).map(|(_, t)| t).collect();
    assert_eq!(h1, [&format!("{project}: ML design doc")], "{hs:?}");
    let h2: Vec<&String> = hs.iter().filter(|(l, _)| *l == 2).map(|(_, t)| t).collect();
    assert_eq!(h2, expected.iter().collect::<Vec<_>>(), "{hs:?}");
    for (l, t) in &hs {
        assert!(*l <= 3, "no deeper headings: {hs:?}");
        if *l == 3 {
            assert!(
                ["Blockers", "Warnings", "Worth a thought"].contains(&t.as_str()),
                "{t}"
            );
        }
    }
    assert_eq!(hs[0].0, 1, "the H1 comes first");
}

/// Every table has the same number of cells in each row as in its alignment row.
fn table_shapes(md: &str) -> Vec<(usize, usize)> {
    let mut shapes = Vec::new();
    let mut columns = 0;
    let mut rows = 0;
    let mut cells = 0;
    for ev in parser(md) {
        match ev {
            Event::Start(Tag::Table(align)) => {
                columns = align.len();
                rows = 0;
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => cells = 0,
            Event::Start(Tag::TableCell) => cells += 1,
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                assert_eq!(
                    cells, columns,
                    "a row with {cells} cells in a {columns}-column table"
                );
                rows += 1;
            }
            Event::End(TagEnd::Table) => shapes.push((columns, rows)),
            _ => {}
        }
    }
    shapes
}

/// Cell texts of all tables.
fn cells(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell: Option<String> = None;
    for ev in parser(md) {
        match ev {
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => out.extend(cell.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

/// Raw HTML may only be the template's anchors and footer, never an answer.
fn assert_html_is_the_templates(md: &str) {
    for ev in parser(md) {
        if let Event::Html(h) | Event::InlineHtml(h) = ev {
            let h = h.trim();
            let anchor = h
                .strip_prefix("<a id=\"")
                .and_then(|r| r.strip_suffix("\">"));
            assert!(
                anchor.is_some_and(|a| !a.contains(['<', '>', '"']))
                    || ["</a>", "<sub>", "</sub>"].contains(&h),
                "raw HTML from an answer: {h:?}"
            );
        }
    }
}

/// Every in-page link has its anchor.
fn assert_links_resolve(md: &str) {
    for ev in parser(md) {
        if let Event::Start(Tag::Link { dest_url, .. }) = ev
            && let Some(anchor) = dest_url.strip_prefix('#')
        {
            assert!(
                md.contains(&format!("<a id=\"{anchor}\"></a>")),
                "link to #{anchor} without an anchor"
            );
        }
    }
}

fn footer(md: &str) -> &str {
    md.lines()
        .find(|l| l.starts_with("<sub>Generated by kickoff"))
        .unwrap_or_else(|| panic!("no footer in:\n{md}"))
}

fn hash_in(md: &str) -> String {
    let f = footer(md);
    let at = f.find("answers hash `").expect("a hash") + "answers hash `".len();
    f[at..].split('`').next().unwrap().to_string()
}

#[test]
fn answers_are_data_not_template_code_nor_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let session = builtin_session(&answers());
    let (bundle, review, md) = render_via_library(dir.path(), &session);
    let text = plain_text(&md);

    for literal in [
        "Churn radar {{ 7*7 }}",
        "Rendered as {{ 7*7 }} and {% if true %}x{% endif %}, never evaluated.",
        "<script>alert(1)</script>",
        "<script>alert('x')</script> & {% if true %}x{% endif %}",
        "| pipe | in | text |",
        "| pipe | in a cell |",
        "1. not a list item",
        "# heading from an answer",
        "> not a quote",
        "# heading item",
        "- dash",
        "warehouse.events",
    ] {
        assert!(
            text.contains(literal),
            "{literal:?} is not in the doc's text:\n{text}"
        );
    }
    assert!(
        !md.contains("Churn radar 49") && !text.contains("Rendered as 49"),
        "evaluated"
    );
    assert!(!text.contains("Rendered as {{ 7*7 }} and x,"), "evaluated");
    // The long answer's own lines: the rule-like lines stay text, the list stays a list.
    for line in text.lines() {
        assert_ne!(line, "49");
    }
    assert!(text.lines().any(|l| l == "---"), "a `---` line stays text");
    assert!(text.lines().any(|l| l == "==="), "a `===` line stays text");
    assert!(
        text.lines().any(|l| l == "a kept list"),
        "simple lists are kept"
    );
    assert_html_is_the_templates(&md);
    assert_links_resolve(&md);

    let open = required_open(&bundle, &review);
    assert!(!open.is_empty());
    assert_heading_tree(
        &md,
        "Churn radar {{ 7*7 }}",
        &expected_h2(&bundle, &review, true, true),
    );
}

/// The items of every list, as text.
fn lists(md: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut item: Option<String> = None;
    for ev in parser(md) {
        match ev {
            Event::Start(Tag::List(_)) => out.push(Vec::new()),
            Event::Start(Tag::Item) => item = Some(String::new()),
            Event::End(TagEnd::Item) => {
                let text = item.take().unwrap_or_default();
                out.last_mut().expect("an item is in a list").push(text);
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(i) = item.as_mut() {
                    i.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn list_answers_stay_one_list_of_literal_items() {
    let dir = tempfile::tempdir().unwrap();
    let session = builtin_session(&answers());
    let (_, _, md) = render_via_library(dir.path(), &session);
    let want = [
        "# heading item",
        "---",
        "{{ 7*7 }}",
        "- dash",
        "warehouse.events",
    ];
    assert!(
        lists(&md).iter().any(|l| l == &want),
        "no list {want:?} in {:?}",
        lists(&md)
    );
    let baselines = common::builtin()
        .questionnaire
        .get("baselines")
        .unwrap()
        .clone();
    let labels: Vec<String> = ["constant", "gradient_boosted_trees"]
        .iter()
        .map(|v| baselines.choice(v).unwrap().label().to_string())
        .collect();
    assert!(
        lists(&md).contains(&labels),
        "a multiple choice lists its labels"
    );
}

#[test]
fn a_link_reference_definition_in_an_answer_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, md) = render_via_library(dir.path(), &builtin_session(&answers()));
    assert!(
        plain_text(&md).contains("[ref]: https://example.com/a-reference-definition"),
        "a `[x]: url` line vanished from the doc"
    );
}

#[test]
fn a_tab_indented_line_does_not_become_a_code_block() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, md) = render_via_library(dir.path(), &builtin_session(&answers()));
    let mut in_code = false;
    for ev in parser(&md) {
        match ev {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) => assert!(!in_code, "an answer became a code block: {t:?}"),
            _ => {}
        }
    }
    assert!(plain_text(&md).contains("Tabbed line after a blank line."));
}

#[test]
fn tables_keep_their_columns() {
    let dir = tempfile::tempdir().unwrap();
    let (_, review, md) = render_via_library(dir.path(), &builtin_session(&answers()));
    let shapes = table_shapes(&md);
    assert!(shapes.iter().all(|&(c, _)| c == 2 || c == 3), "{shapes:?}");
    let answer_tables: Vec<_> = shapes.iter().filter(|s| s.0 == 2).collect();
    assert!(
        answer_tables.len() >= 2,
        "framing and metrics have short answers: {shapes:?}"
    );
    if review.readiness.is_some() {
        assert_eq!(
            shapes.last(),
            Some(&(3, 5)),
            "header + Data, Model, Infra, Monitor"
        );
    }
    let cells = cells(&md);
    for want in [
        "| pipe | in a cell |",
        "Churn radar {{ 7*7 }}",
        "1. not a list item",
        "yes",
        "0.04 fraction",
        "120000 examples",
    ] {
        assert!(
            cells.iter().any(|c| c == want),
            "no cell {want:?} in {cells:?}"
        );
    }
    let task = common::builtin()
        .questionnaire
        .get("task")
        .unwrap()
        .choice("classification")
        .unwrap()
        .label()
        .to_string();
    assert!(cells.contains(&task), "a choice shows its label");
}

#[test]
fn hidden_answers_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let (bundle, review, md) = render_via_library(dir.path(), &builtin_session(&answers()));
    let q = &bundle.questionnaire;
    for id in ["ab_unit", "annotators_per_item"] {
        let i = q.index_of(id).unwrap();
        assert!(!review.visible[i], "{id} is hidden by its `when`");
        assert!(!review.asked.contains_key(id));
        let prompt = &q.question(i).prompt;
        assert!(
            !md.contains(prompt.as_str()),
            "the hidden question {id} is in the doc"
        );
    }
    assert!(!md.contains("HIDDEN-AB-UNIT"));
    assert!(
        !cells(&md).iter().any(|c| c.starts_with("7 ")),
        "the hidden number"
    );
}

#[test]
fn required_unanswered_questions_are_open_questions() {
    let dir = tempfile::tempdir().unwrap();
    let (bundle, review, md) = render_via_library(dir.path(), &builtin_session(&answers()));
    let expected = required_open(&bundle, &review);
    assert!(expected.contains(&"why_ml".to_string()));
    assert!(!expected.contains(&"project_name".to_string()));
    let section = md
        .split("## Open questions")
        .nth(1)
        .expect("an Open questions section");
    let listed: Vec<String> = section
        .lines()
        .filter(|l| l.starts_with("- "))
        .map(|l| {
            l.rsplit('`')
                .nth(1)
                .expect("the id in backticks")
                .to_string()
        })
        .collect();
    assert_eq!(listed, expected);
    let optional_unanswered = bundle
        .questionnaire
        .questions()
        .find(|x| !x.required && x.when.is_none() && !review.asked.contains_key(&x.id))
        .expect("some optional question is unanswered");
    assert!(!listed.contains(&optional_unanswered.id));
}

#[test]
fn nothing_open_means_no_open_questions_heading() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::builtin();
    // Answer every required, visible question (one pass: conditions only look back).
    let mut session = builtin_session(&answers());
    for i in 0..bundle.questionnaire.len() {
        let review = bundle.review(&session.answers);
        let question = bundle.questionnaire.question(i);
        if review.visible[i] && question.required && !review.asked.contains_key(&question.id) {
            session.set(&question.id, Some(fitting_answer(question)));
        }
    }
    let (bundle, review, md) = render_via_library(dir.path(), &session);
    assert!(required_open(&bundle, &review).is_empty());
    assert!(!md.contains("Open questions"));
    assert_heading_tree(
        &md,
        "Churn radar {{ 7*7 }}",
        &expected_h2(&bundle, &review, false, true),
    );
}

fn fitting_answer(q: &kickoff::Question) -> Answer {
    use kickoff::Kind;
    let a = match q.kind {
        Kind::Text | Kind::LongText => Answer::Text("Answered.".into()),
        Kind::Choice => Answer::Text(q.choices[0].value.clone()),
        Kind::MultiChoice => Answer::List(vec![q.choices[0].value.clone()]),
        Kind::Number => Answer::Number(q.min.unwrap_or(1.0).max(1.0).min(q.max.unwrap_or(1.0))),
        Kind::YesNo => Answer::Bool(false),
        Kind::List => Answer::List(vec!["one".into()]),
        Kind::Records => Answer::Records(vec![common::fitting_row(q)]),
    };
    assert!(kickoff::check_answer(q, &a).is_empty(), "{}", q.id);
    a
}

#[test]
fn footer_hash_tracks_visible_answers_only() {
    let dir = tempfile::tempdir().unwrap();
    let base = answers();
    let (bundle, review, md) = render_via_library(dir.path(), &builtin_session(&base));
    let q = &bundle.questionnaire;
    let f = footer(&md);
    assert!(
        f.contains(&format!("kickoff {}", env!("CARGO_PKG_VERSION"))),
        "{f}"
    );
    assert!(
        f.contains(&format!("`{}` version {}", q.id, q.version)),
        "{f}"
    );
    let hash = hash_in(&md);
    assert_eq!(hash.len(), 16);
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(hash, kickoff::answers_hash(&review.asked));
    assert_eq!(md.matches("<sub>Generated by kickoff").count(), 1);

    let with = |id: &'static str, a: Answer| {
        let mut v = base.clone();
        v.retain(|(k, _)| *k != id);
        v.push((id, a));
        let d = tempfile::tempdir().unwrap();
        render_via_library(d.path(), &builtin_session(&v)).2
    };
    let visible_change = with("n_examples", Answer::Number(120001.0));
    assert_ne!(hash_in(&visible_change), hash, "a visible answer changed");
    let hidden_change = with("ab_unit", Answer::Text("another hidden unit".into()));
    assert_eq!(
        hash_in(&hidden_change),
        hash,
        "only a hidden answer changed"
    );
    assert_eq!(hidden_change, md, "the doc ignores hidden answers entirely");
    let again = render_via_library(dir.path(), &builtin_session(&base)).2;
    assert_eq!(again, md, "rendering is deterministic");
}

#[test]
fn the_binary_writes_the_same_doc() {
    let dir = tempfile::tempdir().unwrap();
    let session = builtin_session(&answers());
    let (_, _, md) = render_via_library(dir.path(), &session);
    let before = std::fs::read(dir.path().join("s.toml")).unwrap();
    let (code, stderr) = kickoff(dir.path(), &["render", "s.toml", "-o", "doc.md"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("wrote doc.md"), "{stderr}");
    assert_eq!(common::read(&dir.path().join("doc.md")), md);
    assert_eq!(
        std::fs::read(dir.path().join("s.toml")).unwrap(),
        before,
        "session untouched"
    );

    assert_eq!(
        common::kickoff(dir.path(), &["render", "s.toml"]).stdout,
        md,
        "stdout when no -o"
    );
    let leftovers: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn examples_render_to_valid_markdown() {
    let Ok(entries) = std::fs::read_dir(common::root().join("examples")) else {
        return;
    };
    for path in entries.map(|e| e.unwrap().path()) {
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let (bundle, session) = kickoff::open(&path, None).expect("opens");
        let review = bundle.review(&session.answers);
        let md = render_doc(&bundle, &session, &review, None).expect("renders");
        let open = !required_open(&bundle, &review).is_empty();
        let project = review.asked["project_name"].to_string();
        let mut expected = expected_h2(&bundle, &review, open, true);
        if !session.critiques.is_empty() {
            let at = expected.len() - usize::from(open);
            expected.insert(at, "Reviewer's critique".into());
        }
        assert_heading_tree(&md, &project, &expected);
        assert!(table_shapes(&md).iter().all(|&(c, _)| c == 2 || c == 3));
        assert_html_is_the_templates(&md);
        assert_links_resolve(&md);
        assert_eq!(hash_in(&md), kickoff::answers_hash(&review.asked));
    }
}

#[test]
fn mini_doc_has_review_findings_and_no_readiness() {
    let dir = tempfile::tempdir().unwrap();
    let mini = common::root().join("tests/fixtures/mini.toml");
    let bundle = common::mini();
    let mut session = Session::new(&bundle.questionnaire);
    session.questionnaire_path = Some(mini.display().to_string());
    for (id, a) in [
        ("name", Answer::Text("Mini `churn`".into())),
        ("task", Answer::Text("classification".into())),
        ("positive_rate", Answer::Number(0.02)),
        ("metrics", Answer::List(vec!["accuracy".into()])),
    ] {
        session.set(id, Some(a));
    }
    let (bundle, review, md) = render_via_library(dir.path(), &session);
    assert!(review.readiness.is_none());
    assert_eq!(review.findings.len(), 1, "{:?}", review.findings);
    let open = !required_open(&bundle, &review).is_empty();
    assert_heading_tree(
        &md,
        "Mini `churn`",
        &expected_h2(&bundle, &review, open, true),
    );
    assert!(headings(&md).contains(&(3, "Blockers".to_string())));
    assert!(plain_text(&md).contains("Accuracy at a positive rate of 0.02"));
    assert_links_resolve(&md);
    assert_html_is_the_templates(&md);
}

#[test]
fn template_override() {
    let dir = tempfile::tempdir().unwrap();
    render_via_library(dir.path(), &builtin_session(&answers()));
    std::fs::write(
        dir.path().join("t.j2"),
        "Project: {{ answers.project_name }}\nQ: {{ questionnaire.id }}\n\
         {% for s in sections %}- {{ s.title }} ({{ s.answered }})\n{% endfor %}",
    )
    .unwrap();
    let (code, stderr) = kickoff(
        dir.path(),
        &["render", "s.toml", "--template", "t.j2", "-o", "doc.md"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let doc = common::read(&dir.path().join("doc.md"));
    assert!(
        doc.starts_with("Project: Churn radar {{ 7*7 }}\nQ: ml-experiment\n- Problem framing"),
        "{doc}"
    );
    assert_eq!(
        doc.lines().filter(|l| l.starts_with("- ")).count(),
        common::builtin().questionnaire.sections.len()
    );
}

#[test]
fn template_errors_name_the_template_and_line() {
    for (text, line) in [
        ("# Doc\n{% if %}\n", 2),
        ("# Doc\n\n{{ answers.project_name | no_such_filter }}\n", 3),
        ("# Doc\n{% for x in sections %}\n", 2),
    ] {
        let dir = tempfile::tempdir().unwrap();
        render_via_library(dir.path(), &builtin_session(&answers()));
        std::fs::write(dir.path().join("bad.j2"), text).unwrap();
        std::fs::write(dir.path().join("doc.md"), "old doc\n").unwrap();
        let (code, stderr) = kickoff(
            dir.path(),
            &["render", "s.toml", "--template", "bad.j2", "-o", "doc.md"],
        );
        assert_eq!(code, Some(2), "{text:?}: {stderr}");
        assert!(
            stderr.contains(&format!("bad.j2:{line}")),
            "{text:?}: {stderr}"
        );
        assert_eq!(common::read(&dir.path().join("doc.md")), "old doc\n");
    }
    let dir = tempfile::tempdir().unwrap();
    render_via_library(dir.path(), &builtin_session(&answers()));
    let (code, stderr) = kickoff(dir.path(), &["render", "s.toml", "--template", "gone.j2"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("gone.j2") && stderr.contains("cannot read"),
        "{stderr}"
    );
}

#[test]
fn secret_answers_stay_out_of_the_file_and_the_doc() {
    let dir = tempfile::tempdir().unwrap();
    let qpath = dir.path().join("s.toml");
    std::fs::write(
        &qpath,
        "id = \"s\"\nversion = \"1\"\ntitle = \"S\"\n\n[[sections]]\nid = \"a\"\ntitle = \"A\"\n\n\
         [[sections.questions]]\nid = \"token\"\nkind = \"text\"\nprompt = \"Token?\"\nsecret = true\n",
    )
    .unwrap();
    let bundle = Bundle::load(&qpath).unwrap();
    let mut session = Session::new(&bundle.questionnaire);
    session.set("token", Some(Answer::Text("hunter2-secret".into())));
    let review = bundle.review(&session.answers);
    let doc = render_doc(&bundle, &session, &review, None).unwrap();
    assert!(
        doc.contains("(kept secret)") && !doc.contains("hunter2"),
        "{doc}"
    );
    assert!(
        !session
            .to_toml(Some(&bundle.questionnaire))
            .contains("hunter2")
    );
}
