//! The design doc: answers are data (never template code, never markdown structure), the heading
//! tree is a design doc's (front matter, summary and verdict first, the design sections, the
//! findings, the appendix), findings sit as callouts in the section of their question, tables
//! keep their columns, hidden answers stay out, required gaps are listed, the diagram cannot be
//! broken by an answer, and the footer hash tracks exactly the visible answers.

use crate::common;
use kickoff::Load as _;

use std::path::{Path, PathBuf};

use kickoff::render_doc;
use kickoff::{Answer, Session};
use kickoff::{Bundle, Review};
use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

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
        // Hidden: `distributed_training` is unanswered and `label_source == 'human_annotation'` are false.
        ("distributed_why", t("HIDDEN-AB-UNIT")),
        ("annotators_per_item", Answer::Number(7.0)),
    ]
}

fn builtin_session(answers: &[(&str, Answer)]) -> Session {
    let bundle = common::builtin();
    let mut session = Session::new_at(&bundle.questionnaire, &kickoff::clock::now());
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
    let policy = kickoff::verdict::LlmPolicy::default();
    let doc = kickoff::render_doc_from(&bundle, &loaded, &review, None, policy, "s.toml")
        .expect("renders");
    (bundle, review, doc)
}

/// The binary through the shared helper (no terminal, no user config file).
fn kickoff(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let run = common::kickoff(dir, args);
    (run.code, run.stderr)
}

fn parser(md: &str) -> Parser<'_> {
    Parser::new_ext(
        md,
        Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS | Options::ENABLE_GFM,
    )
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

/// The design sections of the built-in questionnaire's doc, in order.
const DESIGN_SECTIONS: [&str; 13] = [
    "Overview and motivation",
    "Goals and non-goals",
    "Success metrics and guardrails",
    "Requirements and constraints",
    "Data and labels",
    "Baselines",
    "Methodology and evaluation",
    "Alternatives considered",
    "System design",
    "Rollout and experiment plan",
    "Monitoring and retraining",
    "Risks and responsible use",
    "Milestones and open questions",
];

/// The H2 titles the built-in doc must have, in order.
fn expected_h2(review: &Review, critique: bool) -> Vec<String> {
    let mut out: Vec<String> = ["Summary", "kickoff's review", "Contents"]
        .map(String::from)
        .to_vec();
    let mut n = 0;
    for title in DESIGN_SECTIONS
        .iter()
        .chain(["Review findings"].iter())
        .chain(critique.then_some("Reviewer's critique").iter())
    {
        n += 1;
        out.push(format!("{n}. {title}"));
    }
    if review.readiness.is_some() {
        out.push("Appendix A: Production readiness".into());
    }
    out.push("Appendix B: Reproducibility".into());
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

/// The heading tree: one H1 (the project) first, the H2s of `expected`, H3s only for groups of
/// other answers, and every numbered H2 and appendix listed in the contents, in order.
fn assert_heading_tree(md: &str, project: &str, expected: &[String]) {
    let hs = headings(md);
    let h1: Vec<&String> = hs.iter().filter(|(l, _)| *l == 1).map(|(_, t)| t).collect();
    assert_eq!(h1, [&format!("{project}: ML design doc")], "{hs:?}");
    let h2: Vec<&String> = hs.iter().filter(|(l, _)| *l == 2).map(|(_, t)| t).collect();
    assert_eq!(h2, expected.iter().collect::<Vec<_>>(), "{hs:?}");
    assert!(
        hs.iter().all(|(l, _)| *l <= 3),
        "no deeper headings: {hs:?}"
    );
    assert_eq!(hs[0].0, 1, "the H1 comes first");
    let contents = section_of(md, "Contents");
    let listed: Vec<String> = lists(&contents).concat();
    let numbered: Vec<String> = expected
        .iter()
        .filter(|t| t.starts_with(|c: char| c.is_ascii_digit()) || t.starts_with("Appendix"))
        .map(|t| {
            t.split_once(". ")
                .map_or(t.as_str(), |(_, x)| x)
                .to_string()
        })
        .collect();
    assert_eq!(listed, numbered, "the contents list every section");
}

/// The markdown between the H2 whose title ends with `title` and the next H2.
fn section_of(md: &str, title: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in md.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            inside = h.ends_with(title);
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Each GitHub alert (`> [!CAUTION]`...) with the H2 it sits under and its text.
fn callouts(md: &str) -> Vec<(BlockQuoteKind, String, String)> {
    let mut out = Vec::new();
    let mut h2 = String::new();
    let mut heading: Option<String> = None;
    let mut quote: Option<(BlockQuoteKind, String)> = None;
    for ev in parser(md) {
        match ev {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                h2 = heading.take().unwrap_or_default()
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => quote = Some((kind, String::new())),
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                if let Some((kind, text)) = quote.take() {
                    out.push((kind, h2.clone(), text));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
                if let Some((_, q)) = quote.as_mut() {
                    q.push_str(&t);
                }
            }
            Event::InlineHtml(h) => {
                if let Some((_, q)) = quote.as_mut() {
                    q.push_str(&h);
                }
            }
            _ => {}
        }
    }
    out
}

/// The fenced code blocks tagged `mermaid`.
fn mermaid_blocks(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for ev in parser(md) {
        match ev {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) if &*lang == "mermaid" => {
                current = Some(String::new())
            }
            Event::End(TagEnd::CodeBlock) => out.extend(current.take()),
            Event::Text(t) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

/// The front matter: the YAML metadata block, which must open the doc.
fn front_matter(md: &str) -> String {
    let mut events = parser(md);
    assert!(
        matches!(events.next(), Some(Event::Start(Tag::MetadataBlock(_)))),
        "the doc opens with front matter"
    );
    match events.next() {
        Some(Event::Text(t)) => t.to_string(),
        other => panic!("front matter text, not {other:?}"),
    }
}

/// What a reader of the built-in doc must find, whatever the answers: front matter with the
/// doc's keys, the summary and the verdict before the first design section, one callout per
/// finding in the section that holds its question, the diagram, links that resolve.
fn assert_design_doc(md: &str, review: &Review) {
    let front = front_matter(md);
    for key in [
        "title: ",
        "status: ",
        "authors:",
        "reviewers:",
        "created: ",
        "updated: ",
    ] {
        assert!(
            front.lines().any(|l| l.starts_with(key)),
            "{key} in {front}"
        );
    }
    let at = |h: &str| md.find(h).unwrap_or_else(|| panic!("no {h:?}"));
    assert!(at("## Summary") < at("## kickoff's review"));
    assert!(at("## kickoff's review") < at("## 1. Overview and motivation"));
    let found: Vec<_> = callouts(md)
        .into_iter()
        .filter(|(_, _, t)| t.contains("<a id=\"f-"))
        .collect();
    assert_eq!(
        found.len(),
        review.findings.len(),
        "one callout per finding"
    );
    for f in &review.findings {
        let kind = match f.severity {
            kickoff::Severity::Blocker => BlockQuoteKind::Caution,
            kickoff::Severity::Warning => BlockQuoteKind::Warning,
            kickoff::Severity::Info => BlockQuoteKind::Note,
        };
        let anchor = format!("<a id=\"f-{}\"></a>", f.rule);
        let (k, h2, _) = found
            .iter()
            .find(|(_, _, t)| t.contains(&anchor))
            .unwrap_or_else(|| panic!("no callout for {}", f.rule));
        assert_eq!(*k, kind, "{}", f.rule);
        let question = section_holding(md, &format!("<a id=\"q-{}\"></a>", f.question));
        assert_eq!(
            h2, &question,
            "{} sits in the section of {}",
            f.rule, f.question
        );
    }
    let diagrams = mermaid_blocks(md);
    assert!(
        diagrams.iter().any(|d| d.starts_with("flowchart TB")),
        "a system diagram"
    );
    assert!(section_of(md, "System design").contains("```mermaid\nflowchart TB"));
    for d in &diagrams {
        assert_mermaid_is_the_templates(d);
    }
    assert_links_resolve(md);
    assert_html_is_the_templates(md);
}

/// The title of the H2 under which `needle` appears.
fn section_holding(md: &str, needle: &str) -> String {
    let at = md
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in the doc"));
    md[..at]
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("## "))
        .unwrap_or_default()
        .to_string()
}

/// Every line of a diagram is one the template writes: a node with a quoted label in which no
/// character can end the label, a subgraph, an edge between the template's own node ids, a
/// style. An answer can change a label's words, never the diagram's shape.
fn assert_mermaid_is_the_templates(diagram: &str) {
    let label_ok = |l: &str| !l.contains(['"', '[', ']', '<', '>', '`', '%', '\n', '|', '\\']);
    for line in diagram.lines() {
        let t = line.trim();
        let quoted = |open: &str, close: &str| {
            t.find(open).and_then(|i| {
                let rest = &t[i + open.len()..];
                rest.rfind(close)
                    .map(|j| (&t[..i], &rest[..j], &rest[j + close.len()..]))
            })
        };
        let ok = match t {
            "flowchart TB" | "end" | "xychart-beta" => true,
            _ if t.starts_with("%%{init: ") && t.ends_with("}%%") => true,
            _ if t.starts_with("subgraph ") || t.starts_with("classDef ") => {
                quoted("[\"", "\"]").is_none_or(|(_, l, _)| label_ok(l))
            }
            _ if t.starts_with("title \"") || t.starts_with("y-axis \"") => true,
            _ if t.starts_with("x-axis [") || t.starts_with("bar [") => {
                t.split('"').skip(1).step_by(2).all(label_ok)
            }
            _ if t.contains("-->") || t.contains("-.->") => t.split(' ').all(|w| {
                matches!(w, "-->" | "-.->") || w.chars().all(|c| c.is_ascii_alphanumeric())
            }),
            _ => match quoted("[\"", "\"]") {
                Some((id, l, rest)) => {
                    id.chars().all(|c| c.is_ascii_alphanumeric())
                        && label_ok(l)
                        && (rest.is_empty() || rest == ":::gap" || rest == ":::open")
                }
                None => false,
            },
        };
        assert!(
            ok,
            "a diagram line the template does not write: {line:?}\n{diagram}"
        );
    }
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
    assert_heading_tree(&md, "Churn radar {{ 7*7 }}", &expected_h2(&review, false));
    assert_design_doc(&md, &review);
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
    // A multiple choice reads as English in a sentence: its labels in lower case, "a and b".
    assert!(
        plain_text(&md).contains(
            "The baselines are constant / majority class / last value and gradient-boosted trees."
        ),
        "a multiple choice reads as a sentence"
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
            // The template's own diagrams are the only code blocks.
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) if &*lang == "mermaid" => {}
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) => assert!(!in_code, "an answer became a code block: {t:?}"),
            _ => {}
        }
    }
    assert!(plain_text(&md).contains("Tabbed line after a blank line."));
}

/// The labelled one-line answers (`**Label:** answer` items), as "Label: answer".
fn labelled_items(md: &str) -> Vec<String> {
    lists(md).concat()
}

#[test]
fn short_answers_are_sentences_and_tables_keep_their_columns() {
    let dir = tempfile::tempdir().unwrap();
    let (_, review, md) = render_via_library(dir.path(), &builtin_session(&answers()));
    let text = plain_text(&md);
    for want in [
        "Success is measured on the business metric: | pipe | in a cell |.",
        "Stop-or-go dates: 1. not a list item.",
        "A heuristic has been tried and measured.",
        "The positive rate is 0.04 (4%).",
        "There are 120,000 examples with labels.",
        "It is a classification problem on tabular data.",
    ] {
        assert!(text.contains(want), "no sentence {want:?} in:\n{text}");
    }
    let shapes = table_shapes(&md);
    if review.readiness.is_some() {
        assert_eq!(
            shapes.last(),
            Some(&(3, 29)),
            "a header and a row per ML Test Score test"
        );
    }
    let findings = section_of(&md, "Review findings");
    assert_eq!(
        table_shapes(&findings),
        [(4, review.findings.len() + 1)],
        "one row per finding, no response column before any response"
    );
}

#[test]
fn hidden_answers_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let (bundle, review, md) = render_via_library(dir.path(), &builtin_session(&answers()));
    let q = &bundle.questionnaire;
    for id in ["distributed_why", "annotators_per_item"] {
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
    let section = section_of(&md, "Milestones and open questions");
    let listed: Vec<String> = section
        .lines()
        .filter(|l| l.starts_with("- "))
        .map(|l| {
            l.split("(#q-")
                .nth(1)
                .and_then(|r| r.split(')').next())
                .expect("a link to the question")
                .to_string()
        })
        .collect();
    assert_eq!(listed, expected);
    let verdict = section_of(&md, "kickoff's review");
    assert!(
        verdict.contains(&format!(
            "{} required questions are still open",
            expected.len()
        )),
        "{verdict}"
    );
    for id in &expected {
        assert!(
            verdict.contains(&format!("(#q-{id})")),
            "{id} linked from the verdict"
        );
    }
    let optional_unanswered = bundle
        .questionnaire
        .questions()
        .find(|x| !x.required && x.when.is_none() && !review.asked.contains_key(&x.id))
        .expect("some optional question is unanswered");
    assert!(!listed.contains(&optional_unanswered.id));
}

#[test]
fn nothing_open_says_so() {
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
    assert!(!md.contains("Open required questions"));
    assert!(
        section_of(&md, "Milestones and open questions")
            .contains("Every required question is answered.")
    );
    assert!(section_of(&md, "kickoff's review").contains("every required question is answered"));
    assert_heading_tree(&md, "Churn radar {{ 7*7 }}", &expected_h2(&review, false));
    assert_design_doc(&md, &review);
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
    let hidden_change = with(
        "distributed_why",
        Answer::Text("another hidden unit".into()),
    );
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
    let entries = std::fs::read_dir(common::root().join("examples")).expect("the examples");
    let mut rendered = 0;
    for path in entries.map(|e| e.unwrap().path()) {
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        rendered += 1;
        // Opened as `kickoff render` opens it: answers read in this questionnaire's version.
        let (bundle, session, problems) =
            kickoff::workspace::open_checked(&path, None, false).expect("opens");
        assert!(problems.is_empty(), "{}: {problems:?}", path.display());
        let review = bundle.review(&session.answers);
        let md = render_doc(&bundle, &session, &review, None).expect("renders");
        let project = review.asked["project_name"].to_string();
        let expected = expected_h2(&review, !session.critiques.is_empty());
        assert_heading_tree(&md, &project, &expected);
        assert_design_doc(&md, &review);
        assert_eq!(hash_in(&md), kickoff::answers_hash(&review.asked));
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if name == "churn-done-well" {
            // A choice label with its own "and" keeps its words together: one choice each.
            assert!(
                md.contains("versions its code; config and hyperparameters; environment;"),
                "{md}"
            );
        }
        insta::assert_snapshot!(format!("doc-{name}"), md);
    }
    // A folder gone or emptied fails here, not by passing over nothing.
    assert_eq!(rendered, 5, "the examples rendered");
}

#[test]
fn a_questionnaire_of_its_own_gets_its_own_sections() {
    let dir = tempfile::tempdir().unwrap();
    let mini = common::root().join("tests/fixtures/mini.toml");
    let bundle = common::mini();
    let mut session = Session::new_at(&bundle.questionnaire, &kickoff::clock::now());
    session.questionnaire_path = Some(mini.display().to_string());
    for (id, a) in [
        ("name", Answer::Text("Mini `churn`".into())),
        ("task", Answer::Text("classification".into())),
        ("positive_rate", Answer::Number(0.02)),
        ("metrics", Answer::List(vec!["accuracy".into()])),
        ("owner", Answer::Text("Kim".into())),
    ] {
        session.set(id, Some(a));
    }
    let (bundle, review, md) = render_via_library(dir.path(), &session);
    assert!(review.readiness.is_none());
    assert_eq!(review.findings.len(), 1, "{:?}", review.findings);
    let mut expected: Vec<String> = ["Summary", "kickoff's review", "Contents"]
        .map(String::from)
        .to_vec();
    for (i, s) in bundle.questionnaire.sections.iter().enumerate() {
        expected.push(format!("{}. {}", i + 1, s.title));
    }
    expected.push(format!(
        "{}. Review findings",
        bundle.questionnaire.sections.len() + 1
    ));
    expected.push("Appendix B: Reproducibility".into());
    assert_heading_tree(&md, "Mini `churn`", &expected);
    assert!(
        mermaid_blocks(&md).is_empty(),
        "no system diagram without its questions"
    );
    let found: Vec<_> = callouts(&md)
        .into_iter()
        .filter(|(_, h2, _)| h2 != "kickoff's review")
        .collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, BlockQuoteKind::Caution);
    let question = &review.findings[0].question;
    assert_eq!(
        found[0].1,
        section_holding(&md, &format!("<a id=\"q-{question}\"></a>")),
        "the callout sits with its question"
    );
    assert!(found[0].2.contains("Accuracy at a positive rate of 0.02"));
    assert!(
        labelled_items(&md).contains(&"Who owns the model? Kim".to_string()),
        "a prompt as label takes no colon: {:?}",
        labelled_items(&md)
    );
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
        doc.starts_with("Project: Churn radar {{ 7*7 }}\nQ: ml-experiment\n- About this document"),
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
    let mut session = Session::new_at(&bundle.questionnaire, &kickoff::clock::now());
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

#[test]
fn the_flawed_examples_first_blocker_is_on_the_first_screen() {
    let path = common::root().join("examples/fraud-flawed.toml");
    let (bundle, session) = kickoff::open(&path, None).expect("opens");
    let review = bundle.review(&session.answers);
    let md = render_doc(&bundle, &session, &review, None).expect("renders");
    let first = review
        .findings
        .iter()
        .find(|f| f.severity == kickoff::Severity::Blocker)
        .expect("the flawed example has blockers");
    let line = md
        .lines()
        .position(|l| l.contains(&format!("`{}`", first.rule)))
        .expect("the blocker is named");
    assert!(line < 40, "{} first named on line {}", first.rule, line + 1);
    let verdict = section_of(&md, "kickoff's review");
    assert!(verdict.contains("**Not ready.**"), "{verdict}");
    for f in review
        .findings
        .iter()
        .filter(|f| f.severity == kickoff::Severity::Blocker)
    {
        assert!(
            verdict.contains(&format!("(#f-{})", f.rule)),
            "{} is listed and linked",
            f.rule
        );
    }
}

/// Answers written to break out of the diagram, the front matter or the doc: Mermaid syntax
/// (quotes, brackets, arrows, `end`, comments, click handlers), YAML (a closing `---`, quotes,
/// line breaks), HTML and fences.
#[test]
fn hostile_answers_cannot_break_the_diagram_the_front_matter_or_the_doc() {
    let hostile = [
        "orders\"] --> X[\"pwned",
        "end",
        "%% comment\nsubgraph evil",
        "click src1 call alert()",
        "a`b```c",
        "<img src=x onerror=alert(1)>",
        "tab\there & #quot; entity",
        "x]]; style src1 fill:#f00",
    ];
    let mut answers = answers();
    answers.retain(|(id, _)| !["data_sources", "decision", "project_name"].contains(id));
    answers.push((
        "data_sources",
        Answer::List(hostile.iter().map(|s| s.to_string()).collect()),
    ));
    answers.push((
        "decision",
        Answer::Text(hostile.join(" ").replace('\n', " ")),
    ));
    answers.push(("project_name", Answer::Text("T\"\n---\ntitle: x".into())));
    answers.push((
        "authors",
        Answer::List(vec!["A: b".into(), "- c".into(), "'d'".into()]),
    ));
    answers.push(("monitoring", Answer::List(vec!["feature_drift".into()])));
    answers.push(("serving_mode", Answer::Text("online".into())));
    answers.push(("model_family", Answer::Text("gbdt".into())));
    let dir = tempfile::tempdir().unwrap();
    let (_, review, md) = render_via_library(dir.path(), &builtin_session(&answers));
    assert_design_doc(&md, &review);
    let front = front_matter(&md);
    assert_eq!(
        front
            .lines()
            .filter(|l| !l.starts_with("  - "))
            .map(|l| l.split(':').next().unwrap())
            .collect::<Vec<_>>(),
        [
            "title",
            "status",
            "authors",
            "reviewers",
            "created",
            "updated",
            "questionnaire"
        ],
        "{front}"
    );
    assert!(front.contains(r#"title: "T\"\n---\ntitle: x""#), "{front}");
    let diagram = mermaid_blocks(&md)
        .into_iter()
        .find(|d| d.starts_with("flowchart"))
        .unwrap();
    assert_eq!(
        diagram.matches("\n    src").count(),
        7,
        "six sources and one 'more': {diagram}"
    );
    assert!(diagram.contains("and 2 more"), "{diagram}");
}

#[test]
fn multi_line_answers_keep_their_lines() {
    let mut answers = answers();
    answers.push((
        "model_rationale",
        Answer::Text("Constant: 0.05 PR-AUC\nLogistic regression: 0.22\nLightGBM: 0.31\n\nAll on the March holdout.".into()),
    ));
    let dir = tempfile::tempdir().unwrap();
    let (_, _, md) = render_via_library(dir.path(), &builtin_session(&answers));
    let text = plain_text(&md);
    for line in [
        "Constant: 0.05 PR-AUC",
        "Logistic regression: 0.22",
        "LightGBM: 0.31",
        "All on the March holdout.",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "{line:?} is not a line of its own:\n{text}"
        );
    }
}

#[test]
fn counts_agree_with_their_numbers_and_money_reads_as_money() {
    let mut session = builtin_session(&answers());
    session.critiques.push(kickoff::Critique {
        provider: "openai".into(),
        model: "m".into(),
        created: "2025-01-02T00:00:00Z".into(),
        prompt_hash: "p".into(),
        answers_hash: "a".into(),
        text: "- [general] Looks fine.".into(),
        interrupted: false,
        input_tokens: Some(10),
        output_tokens: Some(5),
        tokens_counted: false,
        cost_usd: Some(0.00002),
        ..kickoff::Critique::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let (_, review, md) = render_via_library(dir.path(), &session);
    assert_heading_tree(&md, "Churn radar {{ 7*7 }}", &expected_h2(&review, true));
    assert!(
        md.contains("under $0.0001"),
        "{}",
        section_of(&md, "Reviewer's critique")
    );
    assert!(!md.contains("$0.0,") && !md.contains("$0.0."));
    for bad in [
        "1 blockers",
        "1 warnings",
        "1 notes",
        "1 findings",
        "1 required questions",
        "(s)",
    ] {
        assert!(!md.contains(bad), "{bad:?} in the doc");
    }
}

#[test]
fn the_brief_is_one_page_with_the_verdict_and_the_top_risks() {
    for name in ["fraud-flawed", "churn-done-well"] {
        let dir = tempfile::tempdir().unwrap();
        let src = common::root().join(format!("examples/{name}.toml"));
        std::fs::copy(&src, dir.path().join("s.toml")).unwrap();
        let run = common::kickoff(dir.path(), &["render", "s.toml", "--template", "brief"]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let brief = run.stdout;
        assert!(
            brief.lines().count() <= 60,
            "{name}: {} lines",
            brief.lines().count()
        );
        let hs = headings(&brief);
        assert_eq!(hs[0].0, 1);
        assert!(hs[0].1.starts_with("Kickoff brief: "), "{hs:?}");
        for h in ["The plan in five lines", "Top risks", "Asks"] {
            assert!(hs.iter().any(|(l, t)| *l == 2 && t == h), "{name}: no {h}");
        }
        let (bundle, session) = kickoff::open(&src, None).unwrap();
        let review = bundle.review(&session.answers);
        // The top three risks: blockers first, then warnings.
        let mut risks: Vec<&kickoff::Finding> = review
            .findings
            .iter()
            .filter(|f| f.severity != kickoff::Severity::Info)
            .collect();
        risks.sort_by_key(|f| std::cmp::Reverse(f.severity));
        for f in risks.into_iter().take(3) {
            // Told in words, for people outside ML: the finding's first sentence, no rule id.
            let first = f.message.split(". ").next().unwrap();
            let first = &first[..first.len().min(40)];
            assert!(brief.contains(first), "{name}: {} missing", f.rule);
            assert!(
                !brief.contains(&format!("`{}`", f.rule)),
                "{name}: {}",
                f.rule
            );
        }
        assert_eq!(table_shapes(&brief), [], "no tables in a brief");
    }
    // A file named like a built-in template is read as the file when named as a path
    // (`./brief`); `brief` alone is the built-in one (tests/it/template_names.rs).
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::root().join("examples/fraud-flawed.toml"),
        dir.path().join("s.toml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("brief"), "my own brief\n").unwrap();
    let run = common::kickoff(dir.path(), &["render", "s.toml", "--template", "./brief"]);
    assert_eq!(run.stdout, "my own brief\n");
}

#[test]
fn responses_show_under_the_finding_in_the_table_and_in_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::root().join("examples/fraud-flawed.toml"),
        dir.path().join("s.toml"),
    )
    .unwrap();
    let run = common::kickoff(
        dir.path(),
        &[
            "respond",
            "s.toml",
            "accuracy-on-imbalance",
            "accepted-risk",
            "--reason",
            "Shadow only in v1 | no declines",
            "--owner",
            "Dev",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let md = common::kickoff(dir.path(), &["render", "s.toml"]).stdout;
    let (_, review, _) = {
        let (bundle, session) = kickoff::open(&dir.path().join("s.toml"), None).unwrap();
        let mut review = bundle.review(&session.answers);
        bundle.attach_responses(&mut review, &session.responses);
        (bundle, review, ())
    };
    let findings = section_of(&md, "Review findings");
    assert_eq!(
        table_shapes(&findings),
        [(5, review.findings.len() + 1)],
        "a response column once a response exists"
    );
    assert!(findings.contains("| Accepted risk (Dev) |"), "{findings}");
    assert!(findings.matches("| open |").count() == review.findings.len() - 1);
    let (_, _, text) = callouts(&md)
        .into_iter()
        .find(|(_, _, t)| t.contains("f-accuracy-on-imbalance"))
        .unwrap();
    assert!(
        text.contains("Response: Accepted risk, owner Dev: Shadow only in v1 | no declines."),
        "{text}"
    );
    let verdict = section_of(&md, "kickoff's review");
    assert!(verdict.contains("1 finding the team accepted"), "{verdict}");
    assert!(
        !verdict.contains("(#f-accuracy-on-imbalance)"),
        "an accepted blocker is not listed as one"
    );
}

#[test]
fn every_builtin_question_has_a_place_in_the_doc_outline() {
    // The outline places each answer under a design-doc heading; a question left out of it
    // would be missing from the doc, or land where no reader looks for it.
    let template = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/design-doc.md.j2"),
    )
    .unwrap();
    let bundle = common::builtin();
    let missing: Vec<&str> = bundle
        .questionnaire
        .questions()
        .map(|q| q.id.as_str())
        .filter(|id| !template.contains(&format!("\"{id}\"")))
        .collect();
    assert_eq!(missing, Vec::<&str>::new(), "not in the outline");
}

/// The doc of the reviewed churn session, with the rules' review and the team's responses.
fn reviewed_doc(session: &Session) -> String {
    let bundle = common::builtin();
    let mut review = bundle.review(&session.answers);
    bundle.attach_responses(&mut review, &session.responses);
    render_doc(&bundle, session, &review, None).unwrap()
}

/// The text from the line holding `anchor` to the next blank line.
fn block_at<'a>(doc: &'a str, anchor: &str) -> &'a str {
    let start = doc
        .find(anchor)
        .unwrap_or_else(|| panic!("no {anchor}:\n{doc}"));
    let start = doc[..start].rfind("\n\n").map_or(0, |i| i + 2);
    let end = doc[start..].find("\n\n").map_or(doc.len(), |i| start + i);
    &doc[start..end]
}

#[test]
fn llm_findings_are_callouts_under_their_answer_labelled_with_the_model() {
    let session = common::reviewed_session();
    let doc = reviewed_doc(&session);
    let id = |q: &str| {
        kickoff::reviewer::session_findings(&session, &[], &session.answers)
            .into_iter()
            .find(|f| f.finding.question == q)
            .unwrap()
            .id
    };
    // Under the positive rate's answer, a caution (a blocker), as the LLM reviewer's.
    let positive = id("positive_rate");
    let callout = block_at(&doc, &format!("<a id=\"f-{positive}\"></a>"));
    assert!(callout.starts_with("> [!CAUTION]\n"), "{callout}");
    assert!(
        callout.contains("**LLM reviewer (gpt-4o-mini):** How the 6.1% churn rate"),
        "{callout}"
    );
    let answer_at = doc.find("<a id=\"q-positive_rate\"></a>").unwrap();
    let callout_at = doc.find(callout).unwrap();
    let next_answer = doc[answer_at + 1..].find("<a id=\"q-").unwrap() + answer_at + 1;
    assert!(answer_at < callout_at && callout_at < next_answer);
    // The stale one says so.
    let stale = block_at(
        &doc,
        &format!("<a id=\"f-{}\"></a>", id("label_delay_days")),
    );
    assert!(
        stale.contains("**LLM reviewer (gpt-4o-mini), stale:**"),
        "{stale}"
    );
    assert!(
        stale.contains("*Stale: an answer it rests on changed since"),
        "{stale}"
    );
    // The folded one is not a callout of its own: the rule's callout says the reviewer agrees.
    let folded = id("num_runs");
    assert!(!doc.contains(&format!("<a id=\"f-{folded}\"")), "{doc}");
    let rule = block_at(&doc, "<a id=\"f-no-variance\"></a>");
    assert!(
        rule.contains("> *The LLM reviewer (gpt-4o-mini) agrees.*"),
        "{rule}"
    );
    // The general one sits in the findings section.
    let general = id("general");
    let findings_at = doc.find("## 14. Review findings").unwrap();
    let general_at = doc.find(&format!("<a id=\"f-{general}\"></a>")).unwrap();
    assert!(general_at > findings_at, "{doc}");
}

#[test]
fn the_findings_table_names_each_findings_source() {
    let doc = reviewed_doc(&common::reviewed_session());
    let table = block_at(&doc, "| # | Severity | Finding | About |");
    let rows: Vec<&str> = table.lines().skip(2).collect();
    assert_eq!(rows.len(), 4, "{table}");
    assert!(
        table.starts_with("| # | Severity | Finding | About | Source | \n"),
        "{table}"
    );
    assert!(
        rows[0].contains("`no-variance`")
            && rows[0].ends_with("| rules; the LLM reviewer agrees | ")
    );
    assert!(
        rows[1].starts_with("| 2 | Blocker | [`llm:positive_rate:"),
        "{table}"
    );
    assert!(
        rows[1].ends_with("| LLM reviewer (gpt-4o-mini) | "),
        "{table}"
    );
    assert!(rows[2].starts_with("| 3 | Warning (stale) |"), "{table}");
    assert!(rows[3].contains("| the whole design |"), "{table}");
}

#[test]
fn a_response_to_an_llm_finding_shows_under_it_and_in_the_table() {
    let mut session = common::reviewed_session();
    let f = session.critiques[0].findings[1].clone();
    let mut r = kickoff::reviewer::new_response(
        &f,
        &session.answers,
        kickoff::response::Status::AcceptedRisk,
        "counted as finance does",
        "Priya",
    )
    .unwrap();
    r.date = "2026-11-21T09:00:00Z".into();
    let id = kickoff::reviewer::finding_id(&f);
    session.responses.insert(id.clone(), r);
    let doc = reviewed_doc(&session);
    let callout = block_at(&doc, &format!("<a id=\"f-{id}\"></a>"));
    assert!(
        callout.ends_with(">\n> *Response: Accepted risk, owner Priya: counted as finance does.*"),
        "{callout}"
    );
    let table = block_at(&doc, "| # | Severity | Finding | About |");
    assert!(table.starts_with("| # | Severity | Finding | About | Response | Source | \n"));
    assert!(
        table.contains("| Accepted risk (Priya) | LLM reviewer (gpt-4o-mini) | "),
        "{table}"
    );
}

#[test]
fn the_reviewers_questions_are_listed_with_the_teams_answers() {
    let doc = reviewed_doc(&common::reviewed_session());
    assert!(doc.contains("15. [Questions from review, and the team's answers](#review-questions)"));
    let section = doc
        .split("## 15. Questions from review, and the team's answers\n\n")
        .nth(1)
        .unwrap_or_else(|| panic!("{doc}"));
    let section = &section[..section.find("\n## ").unwrap()];
    assert!(
        section.starts_with(
            "**1. How was the 6.1% churn rate measured?** (about [Positive rate](#q-positive_rate))\n\n\
             Cancellations over the last 12 months, involuntary ones included.\n\n\
             **2. Who decides whether the model launches?**\n\n*Not answered yet.*\n"
        ),
        "{section}"
    );
    // Without a critique there is no such section, and the doc is as it was.
    let plain = Session::load(&common::example("churn-done-well.toml")).unwrap();
    let doc = reviewed_doc(&plain);
    assert!(!doc.contains("Questions from review") && !doc.contains("LLM reviewer"));
}

/// The summary says what changes in three to six sentences written from the answers: the best
/// baseline (not the first one listed), no brackets inside brackets, no choice label pasted
/// with its capital mid-sentence, and what is most likely to sink the plan.
#[test]
fn the_summary_says_what_changes_and_names_the_best_baseline() {
    for (name, best) in [
        ("churn-done-well", "LightGBM on 61 features, at recall 49%"),
        ("demand-forecasting", "LightGBM global model, at WAPE 22.7%"),
        (
            "fraud-flawed",
            "TabTransformer (current), at 99.94% accuracy",
        ),
        (
            "ticket-triage-llm",
            "agents against the adjudicated label, at macro-F1 0.89",
        ),
    ] {
        let path = common::root().join(format!("examples/{name}.toml"));
        let run = common::kickoff(&common::root(), &["render", &path.display().to_string()]);
        let summary = section_of(&run.stdout, "Summary");
        let text = plain_text(&summary);
        let paragraph = text
            .lines()
            .nth(1)
            .unwrap_or_else(|| panic!("{name}: {text}"));
        assert!(
            paragraph.contains(&format!("The best baseline so far is {best}")),
            "{name}: {paragraph}"
        );
        let sentences = paragraph.matches(". ").count() + 1;
        assert!(
            (3..=6).contains(&sentences),
            "{name}: {sentences} sentences: {paragraph}"
        );
        assert!(!has_nested_brackets(paragraph), "{name}: {paragraph}");
        for pasted in [
            " on Recall",
            " is Classification",
            " proposes Gradient",
            "Batch",
        ] {
            assert!(
                !paragraph.contains(pasted),
                "{name}: {pasted:?} in {paragraph}"
            );
        }
        if name == "fraud-flawed" {
            assert!(
                paragraph.contains("What is most likely to sink it: Accuracy"),
                "{paragraph}"
            );
        }
    }
}

/// Whether `text` has a bracket opened inside another: "(recall 30% (at 33% precision))".
fn has_nested_brackets(text: &str) -> bool {
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                if depth > 1 {
                    return true;
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// The lines that read "**Label:** value" (a list item or not), the anchors before a label
/// taken away first: a design doc is prose, not a form.
fn label_value_lines(md: &str) -> usize {
    md.lines()
        .map(|l| {
            let l = l.trim_start();
            let mut l = l
                .strip_prefix("- ")
                .or_else(|| l.strip_prefix("* "))
                .unwrap_or(l)
                .trim_start();
            while let Some(rest) = l.strip_prefix("<a id=\"") {
                l = rest.split_once("</a>").map_or("", |(_, r)| r);
            }
            l.to_string()
        })
        .filter(|l| {
            l.strip_prefix("**")
                .and_then(|r| r.split_once("**"))
                .is_some_and(|(label, _)| label.ends_with(':') && !label.contains('*'))
        })
        .count()
}

/// Each example reads as prose: few "**Label:** value" lines, the well-written one at most 15.
#[test]
fn examples_are_prose_not_forms() {
    for name in [
        "churn-done-well",
        "demand-forecasting",
        "fraud-flawed",
        "ticket-triage-llm",
    ] {
        let (bundle, session) =
            kickoff::open(&common::example(&format!("{name}.toml")), None).expect("opens");
        let review = bundle.review(&session.answers);
        let md = render_doc(&bundle, &session, &review, None).unwrap();
        let n = label_value_lines(&md);
        eprintln!("{name}: {n} label lines");
        assert!(n <= 15, "{name}: {n} \"Label: value\" lines");
        // No sub-heading repeats its section's title.
        let mut section = String::new();
        for line in md.lines() {
            if let Some(h) = line.strip_prefix("## ") {
                section = h.split_once(". ").map_or(h, |(_, t)| t).to_string();
            } else if line.trim() == format!("**{section}**") {
                panic!("{name}: \"{line}\" repeats its section");
            }
        }
    }
}

/// A quick kickoff answered in part, with placeholders ("TBD", "check with legal"), saved
/// as `name` in `dir`.
fn quick_session(dir: &Path, name: &str) -> PathBuf {
    let bundle = common::builtin();
    let mut session = Session::new_at(&bundle.questionnaire, &kickoff::clock::now());
    session.depth = kickoff::Depth::Quick;
    session.created = "2026-12-01T09:00:00Z".into();
    session.updated = "2026-12-01T09:30:00Z".into();
    let t = |s: &str| Answer::Text(s.into());
    let l = |v: &[&str]| Answer::List(v.iter().map(|s| s.to_string()).collect());
    for (id, a) in [
        ("project_name", t("Returns triage")),
        ("authors", l(&["Kim Lee"])),
        ("reviewers", l(&["TBD"])),
        (
            "decision",
            t("Each morning the returns desk picks which returned parcels to inspect first."),
        ),
        ("task", t("classification")),
        ("modality", t("tabular")),
        ("automation", t("assist")),
        (
            "business_metric",
            t("Cost of refunds paid on fraudulent returns"),
        ),
        ("business_target", t("TBD")),
        ("primary_metric", t("pr_auc")),
        ("privacy_plan", t("check with legal")),
        ("personal_data", Answer::Bool(true)),
        (
            "data_sources",
            l(&["returns table (warehouse, daily)", "TBD"]),
        ),
    ] {
        session.set(id, Some(a));
    }
    let path = dir.join(name);
    std::fs::write(&path, session.to_toml(None)).unwrap();
    path
}

/// A doc (or brief) says nothing the team did not: no placeholder shown as an answer, no
/// bracket inside a bracket, no unanswered step drawn or written as missing.
fn assert_claims_only_what_was_said(name: &str, md: &str) {
    let text = plain_text(md);
    for placeholder in ["TBD", "check with legal", "SESSION.toml"] {
        assert!(
            !md.contains(placeholder),
            "{name}: {placeholder:?} in the doc"
        );
    }
    for absent in [
        "No model versioning",
        "No monitoring planned",
        "No retraining\"",
        "Not named yet",
        "not decided\"]:::gap",
    ] {
        assert!(
            !md.contains(absent),
            "{name}: {absent:?} claims what was not said"
        );
    }
    for line in text.lines().filter(|l| !l.starts_with("```")) {
        assert!(
            !has_nested_brackets(line),
            "{name}: nested brackets in {line:?}"
        );
    }
}

#[test]
fn every_example_and_a_quick_kickoff_claim_only_what_was_said() {
    let dir = tempfile::tempdir().unwrap();
    let quick = quick_session(dir.path(), "returns-triage.toml");
    let mut paths: Vec<PathBuf> = [
        "churn-done-well",
        "demand-forecasting",
        "fraud-flawed",
        "ticket-triage-llm",
    ]
    .iter()
    .map(|n| common::example(&format!("{n}.toml")))
    .collect();
    paths.push(quick.clone());
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for template in ["design-doc", "brief"] {
            let run = common::kickoff(
                path.parent().unwrap(),
                &["render", &name, "--template", template],
            );
            assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
            assert_claims_only_what_was_said(&format!("{name} ({template})"), &run.stdout);
        }
    }
    // The quick kickoff: the placeholders are open, not answers; the verdict speaks of
    // coverage, not of a production score; the appendix names its tests.
    let run = common::kickoff(dir.path(), &["render", "returns-triage.toml"]);
    let md = run.stdout;
    let front = front_matter(&md);
    assert!(front.contains("reviewers: []"), "{front}");
    let verdict = section_of(&md, "kickoff's review");
    assert!(
        verdict.contains("Judged as a plan at this stage: it covers ")
            && verdict.contains(" of 28 ML Test Score tests"),
        "{verdict}"
    );
    assert!(!md.contains("research project"), "{verdict}");
    assert!(!verdict.contains("Production readiness (ML Test Score)"));
    let appendix = section_of(&md, "Appendix A: Production readiness");
    assert!(appendix.contains("| Data 1: Feature expectations are captured in a schema |"));
    assert!(appendix.contains("not covered yet"), "{appendix}");
    let goals = plain_text(&section_of(&md, "Goals and non-goals"));
    assert!(goals.contains("Target: not stated yet"), "{goals}");
    let requirements = plain_text(&section_of(&md, "Requirements and constraints"));
    assert!(
        requirements.contains("Privacy plan: not stated yet"),
        "{requirements}"
    );
}

/// Each example's design doc as a reader's browser shows it, for `scripts/doc-shots.sh`:
/// `target/doc-shots/NAME.html`, markdown to HTML as GitHub does it (tables, alerts,
/// strikethrough, front matter left out), Mermaid blocks drawn by the mermaid script named in
/// `KICKOFF_MERMAID_JS`. Ignored in a bare `cargo test`: the script runs it, then takes a
/// screenshot of each page.
#[test]
#[ignore = "run by scripts/doc-shots.sh"]
fn doc_shots_html() {
    let out = common::root().join("target/doc-shots");
    std::fs::create_dir_all(&out).unwrap();
    let mermaid = std::env::var("KICKOFF_MERMAID_JS").unwrap_or_default();
    let mut pages = 0;
    for entry in std::fs::read_dir(common::root().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let (bundle, session) = kickoff::open(&path, None).expect("opens");
        let review = bundle.review_of(&session);
        let policy = kickoff::LlmPolicy::default();
        let file = format!("examples/{name}.toml");
        let md = kickoff::render_doc_from(&bundle, &session, &review, None, policy, &file).unwrap();
        let mut body = String::new();
        // The front matter is not shown: GitHub draws it as a table of its own.
        let mut in_front = false;
        let events = parser(&md).filter(move |e| match e {
            Event::Start(Tag::MetadataBlock(_)) => {
                in_front = true;
                false
            }
            Event::End(TagEnd::MetadataBlock(_)) => {
                in_front = false;
                false
            }
            _ => !in_front,
        });
        to_html(&mut body, events);
        let html = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>{name}</title>\
             <style>body{{font:16px/1.5 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;\
             max-width:980px;margin:32px auto;padding:0 32px;color:#1f2328}}\
             table{{border-collapse:collapse}}td,th{{border:1px solid #d1d9e0;padding:4px 10px}}\
             blockquote{{margin:0;padding:0 1em;color:#59636e;border-left:.25em solid #d1d9e0}}\
             blockquote.markdown-alert-caution{{border-color:#cf222e}}\
             blockquote.markdown-alert-warning{{border-color:#9a6700}}\
             blockquote.markdown-alert-note{{border-color:#0969da}}\
             code{{background:#eff1f3;padding:.1em .3em;border-radius:4px}}\
             h2{{border-bottom:1px solid #d1d9e0}}</style></head><body>{body}\
             <script src=\"file://{mermaid}\"></script><script>\
             document.querySelectorAll('code.language-mermaid').forEach(function(c){{\
             var p=c.parentElement;p.className='mermaid';p.textContent=c.textContent;}});\
             if(window.mermaid){{mermaid.initialize({{startOnLoad:false}});mermaid.run();}}\
             </script></body></html>"
        );
        std::fs::write(out.join(format!("{name}.html")), html).unwrap();
        pages += 1;
    }
    // Every example, and at least the four the doc was first written for: a folder gone or
    // emptied fails here rather than passing over nothing.
    let examples = std::fs::read_dir(common::root().join("examples"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "toml")
        })
        .count();
    assert!(pages >= 4, "{pages} pages");
    assert_eq!(pages, examples, "the examples written as pages");
}

/// Text escaped for HTML.
fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Markdown events as HTML: the elements a design doc uses (pulldown-cmark's own HTML writer
/// is a feature the dev-dependency leaves out). Raw HTML (the doc's anchors) is kept.
fn to_html<'a>(out: &mut String, events: impl Iterator<Item = Event<'a>>) {
    let mut in_head = false;
    for e in events {
        let s = match e {
            Event::Start(tag) => match tag {
                Tag::Paragraph => "<p>".into(),
                Tag::Heading { level, .. } => format!("<h{}>", level as u8),
                Tag::BlockQuote(kind) => match kind {
                    Some(k) => format!(
                        "<blockquote class=\"markdown-alert-{}\"><p><strong>{:?}</strong></p>",
                        format!("{k:?}").to_lowercase(),
                        k
                    ),
                    None => "<blockquote>".into(),
                },
                Tag::CodeBlock(CodeBlockKind::Fenced(lang)) => {
                    format!("<pre><code class=\"language-{}\">", html_escape(&lang))
                }
                Tag::CodeBlock(_) => "<pre><code>".into(),
                Tag::List(Some(n)) => format!("<ol start=\"{n}\">"),
                Tag::List(None) => "<ul>".into(),
                Tag::Item => "<li>".into(),
                Tag::Table(_) => "<table>".into(),
                Tag::TableHead => {
                    in_head = true;
                    "<thead><tr>".into()
                }
                Tag::TableRow => "<tr>".into(),
                Tag::TableCell => (if in_head { "<th>" } else { "<td>" }).into(),
                Tag::Emphasis => "<em>".into(),
                Tag::Strong => "<strong>".into(),
                Tag::Strikethrough => "<del>".into(),
                Tag::Link { dest_url, .. } => format!("<a href=\"{}\">", html_escape(&dest_url)),
                Tag::HtmlBlock => String::new(),
                _ => String::new(),
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => "</p>\n".into(),
                TagEnd::Heading(level) => format!("</h{}>\n", level as u8),
                TagEnd::BlockQuote(_) => "</blockquote>\n".into(),
                TagEnd::CodeBlock => "</code></pre>\n".into(),
                TagEnd::List(true) => "</ol>\n".into(),
                TagEnd::List(false) => "</ul>\n".into(),
                TagEnd::Item => "</li>\n".into(),
                TagEnd::Table => "</tbody></table>\n".into(),
                TagEnd::TableHead => {
                    in_head = false;
                    "</tr></thead><tbody>\n".into()
                }
                TagEnd::TableRow => "</tr>\n".into(),
                TagEnd::TableCell => (if in_head { "</th>" } else { "</td>" }).into(),
                TagEnd::Emphasis => "</em>".into(),
                TagEnd::Strong => "</strong>".into(),
                TagEnd::Strikethrough => "</del>".into(),
                TagEnd::Link => "</a>".into(),
                _ => String::new(),
            },
            Event::Text(t) => html_escape(&t),
            Event::Code(t) => format!("<code>{}</code>", html_escape(&t)),
            Event::Html(h) | Event::InlineHtml(h) => h.to_string(),
            Event::SoftBreak => "\n".into(),
            Event::HardBreak => "<br>".into(),
            Event::Rule => "<hr>".into(),
            _ => String::new(),
        };
        out.push_str(&s);
    }
}
