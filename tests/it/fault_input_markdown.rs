//! Answers cannot put links, images or raw HTML into the design doc: a remote image would load
//! whenever the doc is viewed. Whatever markdown an answer holds reaches the doc as its text.

use crate::common;

use kickoff::{Answer, Session, render_doc};
use pulldown_cmark::{Event, Options, Parser, Tag};

const HOST: &str = "evil.example";

const LONG: &str = "We decide on [the link](http://evil.example/a) mid-line.\n\
A pixel ![img](http://evil.example/pixel.png) here, and ![alt][ref] there.\n\
An autolink <http://evil.example/auto> and <mailto:x@evil.example>.\n\
Raw <img src=\"http://evil.example/raw.png\"> and <a href=\"http://evil.example/\">a</a>.\n\
An escaped one \\<img src=http://evil.example/esc.png> and \\![x](http://evil.example/e.png).\n\
A reference [ref] and [full][ref].\n\
\n\
[ref]: http://evil.example/ref.png\n\
- a list item with [a link](http://evil.example/li)\n\
- ![an image item](http://evil.example/li.png)";

fn session() -> (kickoff::Bundle, Session) {
    let bundle = common::builtin();
    let mut session = Session::new_at(&bundle.questionnaire, &kickoff::clock::now());
    let t = |s: &str| Some(Answer::Text(s.into()));
    session.set("project_name", t("P ![x](http://evil.example/title.png)"));
    session.set("decision", t(LONG));
    session.set("why_ml", t(LONG));
    session.set(
        "business_metric",
        t("[cell](http://evil.example/cell) <http://evil.example/c>"),
    );
    session.set(
        "data_sources",
        Some(Answer::List(vec![
            "![item](http://evil.example/item.png)".into(),
            "<img src=http://evil.example/item2.png>".into(),
        ])),
    );
    (bundle, session)
}

#[test]
fn answers_make_no_link_image_or_html_in_the_doc() {
    let (bundle, session) = session();
    let review = bundle.review(&session.answers);
    let doc = render_doc(&bundle, &session, &review, None).expect("renders");
    let mut text = String::new();
    for ev in Parser::new_ext(&doc, Options::ENABLE_TABLES) {
        match &ev {
            Event::Start(Tag::Image { dest_url, .. }) => panic!("an image: {dest_url}"),
            Event::Start(Tag::Link { dest_url, .. }) => {
                assert!(
                    dest_url.starts_with('#'),
                    "a link out of the doc: {dest_url}"
                )
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                assert!(!h.contains(HOST) && !h.contains("img"), "raw HTML: {h}")
            }
            Event::Text(t) => text.push_str(t),
            _ => {}
        }
    }
    // The answers are still there, as text.
    for shown in [
        "[the link](http://evil.example/a)",
        "![img](http://evil.example/pixel.png)",
        "<http://evil.example/auto>",
        "<img src=\"http://evil.example/raw.png\">",
        "[ref]: http://evil.example/ref.png",
        "![item](http://evil.example/item.png)",
    ] {
        assert!(
            text.contains(shown),
            "{shown:?} is not shown as text in:\n{doc}"
        );
    }
}
