//! The design doc: the answers, the review and the latest critique through a minijinja
//! template. Answers are passed as data, never as template source, and escaped for markdown.

use minijinja::value::{Serde, Value};
use minijinja::{Environment, context};
use serde::Serialize;

use crate::bundle::{Bundle, Review};
use crate::critic::{Finding, Severity};
use crate::expr::{DOC_LIMITS, RenderFailure};
use crate::markdown;
use crate::questionnaire::{Kind, Question};
use crate::reviewer::ShownFinding;
use crate::session::{Session, answers_hash};
use crate::verdict::{LlmPolicy, Verdict};

mod facts;
mod prose;
mod values;

use values::{DocColumn, DocQuestion, QuestionIds};

pub const DESIGN_DOC_TEMPLATE: &str = include_str!("../../templates/design-doc.md.j2");
pub const BRIEF_TEMPLATE: &str = include_str!("../../templates/brief.md.j2");
pub const READOUT_TEMPLATE: &str = include_str!("../../templates/readout.md.j2");
pub const READOUT_BRIEF_TEMPLATE: &str = include_str!("../../templates/readout-brief.md.j2");

/// The built-in doc templates by name: where they come from (for errors) and their source.
pub fn builtin_template(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        "design-doc" => Some(("<built-in>/design-doc.md.j2", DESIGN_DOC_TEMPLATE)),
        "brief" => Some(("<built-in>/brief.md.j2", BRIEF_TEMPLATE)),
        "readout" => Some(("<built-in>/readout.md.j2", READOUT_TEMPLATE)),
        "readout-brief" => Some(("<built-in>/readout-brief.md.j2", READOUT_BRIEF_TEMPLATE)),
        _ => None,
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{origin}: {message}")]
pub struct RenderError {
    pub origin: String,
    pub message: String,
}

/// A list as a template value; an empty one costs no allocation to read.
fn list<T: Serialize>(items: &[T]) -> Value {
    if items.is_empty() {
        Value::from(Vec::<Value>::new())
    } else {
        Value::from(Serde(items))
    }
}

/// A finding the verdict counts, the rules' or the LLM reviewer's, as the doc lists it.
#[derive(Serialize)]
struct Counted<'a> {
    id: &'a str,
    severity: Severity,
    question: &'a str,
    section: &'a str,
    message: &'a str,
    /// `rules` or `llm`.
    source: &'static str,
}

/// The findings `verdict` counts, blockers first, each kind in its order.
fn counted<'a>(
    q: &'a crate::questionnaire::Questionnaire,
    rules: &'a [Finding],
    llm: &'a [ShownFinding],
    policy: LlmPolicy,
) -> Vec<Counted<'a>> {
    let section_of = |question: &str| {
        q.index_of(question)
            .map_or("", |i| q.sections[q.section_of(i)].id.as_str())
    };
    let mut out: Vec<Counted> = rules
        .iter()
        .filter(|f| crate::verdict::rule_counts(f))
        .map(|f| Counted {
            id: &f.rule,
            severity: f.severity,
            question: &f.question,
            section: &f.section,
            message: &f.message,
            source: "rules",
        })
        .chain(
            llm.iter()
                .filter(|f| crate::verdict::llm_counts(f, policy))
                .map(|f| Counted {
                    id: &f.id,
                    severity: f.finding.severity,
                    question: &f.finding.question,
                    section: section_of(&f.finding.question),
                    message: &f.finding.message,
                    source: "llm",
                }),
        )
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.severity));
    out
}

struct DocSection<'a> {
    number: usize,
    id: &'a str,
    title: &'a str,
    intro: &'a str,
    /// [`DocQuestion`] values.
    questions: Vec<Value>,
    answered: usize,
}

/// What a quick session leaves to the full interview, for the doc: the questions not asked
/// yet (ids, and their labels by id) and the findings that wait for them.
#[derive(Serialize)]
struct DocQuick<'a> {
    pending: Vec<&'a str>,
    labels: std::collections::BTreeMap<&'a str, &'a str>,
    deferred: Vec<DocDeferred<'a>>,
}

/// A finding that waits: its rule, and the labels of the questions it waits for.
#[derive(Serialize)]
struct DocDeferred<'a> {
    rule: &'a str,
    severity: Severity,
    waits_on: Vec<&'a str>,
}

impl<'a> DocQuick<'a> {
    fn of(bundle: &'a Bundle, review: &'a Review) -> DocQuick<'a> {
        let q = &bundle.questionnaire;
        let pending: Vec<&Question> = (0..q.len())
            .filter(|&i| review.pending.get(i).copied().unwrap_or(false))
            .map(|i| q.question(i))
            .collect();
        DocQuick {
            pending: pending.iter().map(|x| x.id.as_str()).collect(),
            labels: pending
                .iter()
                .map(|x| (x.id.as_str(), x.doc_label()))
                .collect(),
            deferred: review
                .deferred
                .iter()
                .map(|f| DocDeferred {
                    rule: &f.rule,
                    severity: f.severity,
                    waits_on: crate::depth::waits_on(&bundle.critic, q, &review.pending, f)
                        .into_iter()
                        .map(Question::doc_label)
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A question the LLM reviewer asked back, and the team's answer (`""` while there is none).
#[derive(Serialize)]
struct DocFollowUp {
    question: String,
    ask: String,
    answer: String,
}

#[derive(Serialize)]
struct OpenQuestion<'a> {
    id: &'a str,
    prompt: &'a str,
    section: &'a str,
    section_title: &'a str,
}

/// The doc's environment: the answer filters and the condition helpers.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.add_filter("md_inline", markdown::inline);
    env.add_filter("md_block", markdown::block);
    env.add_filter("yaml", markdown::yaml_string);
    env.add_filter("mermaid", |s: String, max: Option<usize>| {
        markdown::mermaid_label(&s, max.unwrap_or(60))
    });
    env.add_filter("first_sentence", |s: String| {
        crate::text::first_sentence(&s, 240)
    });
    env.add_filter("colon", |s: String| {
        if s.ends_with(['?', '!', ':', '.']) {
            s
        } else {
            s + ":"
        }
    });
    env.add_filter("sentence", |s: String| crate::text::end_sentence(&s));
    env.add_filter("bare", |s: String| crate::text::without_aside(&s));
    env.add_filter("usd", crate::text::usd);
    env.add_function("unplaced", values::unplaced);
    env.add_function("shown", values::shown);
    env.add_function("known", values::known);
    env.add_function("prose", prose::prose);
    env.add_function("join_words", |items: Vec<String>| prose::join_words(&items));
    env.add_function("join_choices", |items: Vec<String>| {
        prose::join_choices(&items)
    });
    env.add_filter("mid", |s: String| prose::mid_sentence(&s));
    env.add_filter("truncate", |s: String, n: usize| {
        crate::text::truncate(&s, n)
    });
    env.add_filter("capital", |s: String| prose::capitalised(&s));
    env.add_filter("mid_answer", |s: String| prose::answer_mid_sentence(&s));
    env.add_function("best_baseline", facts::best_baseline);
    env.add_function("plural", |n: usize, one: String, many: Option<String>| {
        crate::text::plural(n, &one, many.as_deref())
    });
    crate::expr::register_helpers(&mut env);
    env.set_fuel(Some(DOC_LIMITS.fuel));
    env
}

/// Renders the design doc. `template` replaces the built-in template when given; `origin` names
/// it in errors. The template may do a bounded amount of work and write a bounded amount of text
/// (`expr::DOC_LIMITS`); going over either is an error naming the template and the limit.
pub fn render_doc(
    bundle: &Bundle,
    session: &Session,
    review: &Review,
    template: Option<(&str, &str)>,
) -> Result<String, RenderError> {
    render_doc_as(bundle, session, review, template, LlmPolicy::default())
}

/// [`render_doc`] with the LLM reviewer's findings counted in the verdict or not (`policy`).
pub fn render_doc_as(
    bundle: &Bundle,
    session: &Session,
    review: &Review,
    template: Option<(&str, &str)>,
    policy: LlmPolicy,
) -> Result<String, RenderError> {
    render_measured(bundle, session, review, template, policy, None).map(|(doc, _)| doc)
}

/// [`render_doc_as`] for a session read from a file: its name (`file`, as the user typed it)
/// goes into the doc, in the command that rebuilds it.
pub fn render_doc_from(
    bundle: &Bundle,
    session: &Session,
    review: &Review,
    template: Option<(&str, &str)>,
    policy: LlmPolicy,
    file: &str,
) -> Result<String, RenderError> {
    render_measured(bundle, session, review, template, policy, Some(file)).map(|(doc, _)| doc)
}

/// [`render_doc`], also returning the fuel the template used.
fn render_measured(
    bundle: &Bundle,
    session: &Session,
    review: &Review,
    template: Option<(&str, &str)>,
    policy: LlmPolicy,
    file: Option<&str>,
) -> Result<(String, u64), RenderError> {
    let (origin, source) = template.unwrap_or(("<built-in>/design-doc.md.j2", DESIGN_DOC_TEMPLATE));
    let ctx = doc_context(bundle, session, review, policy, file);
    let err = |f: RenderFailure| RenderError {
        origin: match f.line {
            Some(l) => format!("{origin}:{l}"),
            None => origin.to_string(),
        },
        message: f.message,
    };
    // A supplied template could nest deep enough to overflow the parser's stack; the built-in
    // one is held under the limits by `built_in_templates_are_within_the_nesting_limits`.
    if template.is_some() {
        crate::expr::check_template_nesting(source).map_err(|message| RenderError {
            origin: origin.to_string(),
            message: message.to_string(),
        })?;
    }
    let env = environment();
    let tmpl = env.template_from_str(source).map_err(|e| err(e.into()))?;
    let (mut out, fuel) = crate::expr::render_limited(&tmpl, ctx, DOC_LIMITS).map_err(err)?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok((out, fuel))
}

/// Everything a doc template can read (documented in the built-in template's header): the
/// sections and their questions, the open questions, both reviewers' findings, the one verdict,
/// the freeze and the readout. Long by design: the `context!` literal is the templates' whole
/// interface, kept in one place so that a template author reads all of it at once.
fn doc_context(
    bundle: &Bundle,
    session: &Session,
    review: &Review,
    policy: LlmPolicy,
    file: Option<&str>,
) -> Value {
    let q = &bundle.questionnaire;
    let llm = crate::reviewer::session_findings(session, &review.findings, &review.asked);
    let quick = DocQuick::of(bundle, review);
    let DocSections {
        sections,
        open,
        by_id,
    } = doc_sections(bundle, review, &llm);
    let project = q
        .title_question
        .as_ref()
        .and_then(|t| review.asked.get(t))
        .map(|a| a.to_string());
    let section_titles: std::collections::BTreeMap<&str, &str> = q
        .sections
        .iter()
        .map(|s| (s.id.as_str(), s.title.as_str()))
        .collect();
    // The answers as saved: without secrets (the session file never holds them either).
    let public: crate::Answers = review
        .asked
        .iter()
        .filter(|(id, _)| !q.get(id).is_some_and(|x| x.secret))
        .map(|(id, a)| (id.clone(), a.clone()))
        .collect();
    let stated: crate::Answers = public
        .iter()
        .filter(|(id, _)| !review.placeholders.contains(*id))
        .map(|(id, a)| (id.clone(), a.clone()))
        .collect();
    let sections_value: Value = sections
        .into_iter()
        .map(|s| {
            context! {
                number => s.number,
                id => s.id,
                title => s.title,
                intro => s.intro,
                questions => Value::from(s.questions),
                answered => s.answered,
            }
        })
        .collect();
    context! {
        project => project,
        questionnaire => context! { id => &q.id, version => &q.version, title => &q.title },
        kickoff_version => env!("CARGO_PKG_VERSION"),
        answers_hash => answers_hash(&public),
        // What the team stated: placeholders are open questions, not answers.
        answers => crate::answer::context_of(&stated),
        sections => sections_value,
        questions => by_id,
        // Every question of the questionnaire, asked or not (a map, so `in` is a lookup).
        question_ids => Value::from_object(QuestionIds(q.ids())),
        section_titles => Value::from(Serde(&section_titles)),
        verdict => Value::from(Serde(Verdict::new(
            &review.findings,
            &llm,
            crate::reviewer::latest_critique(session),
            open.len(),
            quick.pending.len(),
            policy,
        ).with_session_checks(session))),
        deviations => Value::from(Serde(crate::freeze::doc_deviations(session, q))),
        readout => Value::from(Serde(crate::readout::doc_context(session))),
        counted => Value::from(Serde(counted(q, &review.findings, &llm, policy))),
        quick => if session.depth.is_full() { Value::from(()) } else { Value::from(Serde(&quick)) },
        open_questions => Value::from(Serde(&open)),
        findings => Value::from(Serde(&review.findings)),
        llm_findings => Value::from(Serde(&llm)),
        followups => Value::from(Serde(crate::reviewer::followups(session)
            .into_iter()
            .map(|(f, answer)| DocFollowUp { question: f.question, ask: f.ask, answer })
            .collect::<Vec<_>>())),
        readiness => Value::from(Serde(&review.readiness)),
        critique => Value::from(Serde(session.critiques.last())),
        session => context! { created => &session.created, updated => &session.updated },
        // The session file's name as the user gave it, when the doc is rendered from a file.
        session_file => file,
    }
}

/// The asked questions, section by section, with the open required ones and an index by id
/// (`questions`, sharing its values with the sections).
struct DocSections<'a> {
    sections: Vec<DocSection<'a>>,
    open: Vec<OpenQuestion<'a>>,
    by_id: std::collections::BTreeMap<&'a str, Value>,
}

fn doc_sections<'a>(bundle: &'a Bundle, review: &Review, llm: &[ShownFinding]) -> DocSections<'a> {
    let q = &bundle.questionnaire;
    let mut out = DocSections {
        sections: Vec::new(),
        open: Vec::new(),
        by_id: std::collections::BTreeMap::new(),
    };
    for (s, section) in q.sections.iter().enumerate() {
        let mut questions = Vec::new();
        let mut answered = 0;
        for i in q.section_range(s) {
            if !review.visible[i] {
                continue;
            }
            let question = q.question(i);
            // A placeholder ("TBD", "check with legal") is not an answer: the doc says the
            // question is open ("not stated yet") and lists it as open when it is required.
            if !review.is_answered(&question.id) && question.required {
                out.open.push(OpenQuestion {
                    id: &question.id,
                    prompt: &question.prompt,
                    section: &section.id,
                    section_title: &section.title,
                });
            }
            let (value, stated) = doc_question(bundle, question, review, llm);
            answered += usize::from(stated);
            out.by_id.insert(question.id.as_str(), value.clone());
            questions.push(value);
        }
        out.sections.push(DocSection {
            number: s + 1,
            id: &section.id,
            title: &section.title,
            intro: &section.intro,
            answered,
            questions,
        });
    }
    out
}

/// One asked question as the doc sees it, and whether the team stated an answer (a
/// placeholder is not one).
fn doc_question(
    bundle: &Bundle,
    question: &Question,
    review: &Review,
    llm: &[ShownFinding],
) -> (Value, bool) {
    let answer = review.asked.get(&question.id);
    let (text, items) = match answer {
        // A secret is never written to a file, the doc included.
        Some(_) if question.secret => ("(kept secret)".to_string(), Vec::new()),
        // A blank item says nothing; it would be an empty bullet or diagram box.
        // A placeholder item ("TBD") says nothing yet either.
        Some(a) => (question.answer_text(a), {
            let mut items = question.answer_items(a);
            let says_nothing = |i: &str| {
                i.trim().is_empty()
                    || (crate::placeholder::is_usable_phrase(i)
                        && bundle.critic.placeholders.is_placeholder(i))
            };
            items.retain(|i| !says_nothing(i));
            items
        }),
        None => Default::default(),
    };
    let stated = answer.is_some() && !review.placeholders.contains(&question.id);
    let findings: Vec<&Finding> = review
        .findings
        .iter()
        .filter(|f| f.question == question.id)
        .collect();
    let llm_findings: Vec<&ShownFinding> = llm
        .iter()
        .filter(|f| f.finding.question == question.id && f.folded_into.is_none())
        .collect();
    let shown =
        answer.is_some() || question.required || !findings.is_empty() || !llm_findings.is_empty();
    let rows: Vec<Vec<String>> = match answer {
        Some(crate::Answer::Records(rows)) if !question.secret => rows
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| {
                let cells = question.row_cells(r).into_iter();
                cells.take(question.columns.len()).map(|(_, t)| t).collect()
            })
            .collect(),
        _ => Vec::new(),
    };
    let columns = question
        .columns
        .iter()
        .map(|c| DocColumn {
            id: c.id.clone(),
            label: c.label().to_string(),
        })
        .collect();
    let value = Value::from_object(DocQuestion {
        id: question.id.clone(),
        prompt: question.prompt.clone(),
        label: question.doc_label().to_string(),
        kind: question.kind.name(),
        required: question.required,
        answered: stated,
        text,
        items,
        long: question.kind == Kind::LongText,
        findings: list(&findings),
        llm_findings: list(&llm_findings),
        shown,
        columns,
        rows,
    });
    (value, stated)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The limits leave the built-in template ample room on the examples, the biggest included.
    #[test]
    fn the_built_in_template_uses_a_small_part_of_the_limits() {
        let bundle = Bundle::builtin("ml-experiment").unwrap().unwrap();
        let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
        for path in std::fs::read_dir(examples)
            .unwrap()
            .map(|e| e.unwrap().path())
        {
            let name = path.file_stem().unwrap().to_string_lossy();
            let session =
                Session::from_str(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
            let review = bundle.review(&session.answers);
            // Under another name, so that it runs with the fuel counted.
            let counted = Some(("design-doc.md.j2", DESIGN_DOC_TEMPLATE));
            let (doc, fuel) =
                render_measured(&bundle, &session, &review, counted, LlmPolicy::Count, None)
                    .unwrap();
            eprintln!("{name}: {fuel} fuel, {} bytes", doc.len());
            assert!(fuel > 1000, "{name}: the fuel was not counted");
            assert!(fuel * 50 < DOC_LIMITS.fuel, "{name}: {fuel} fuel");
            assert!(
                doc.len() * 100 < DOC_LIMITS.output,
                "{name}: {} bytes",
                doc.len()
            );
        }
    }

    /// What lets the built-in doc template skip the nesting check on each render.
    #[test]
    fn built_in_templates_are_within_the_nesting_limits() {
        for name in ["design-doc", "brief", "readout", "readout-brief"] {
            let (origin, source) = builtin_template(name).unwrap();
            assert!(source.len() > 500, "{origin}");
            crate::expr::check_template_nesting(source).unwrap_or_else(|e| panic!("{origin}: {e}"));
        }
    }

    /// The built-in templates, compiled when kickoff was built, render each example as
    /// minijinja's compile of them does.
    #[test]
    fn built_in_templates_render_as_when_compiled_on_start() {
        let bundle = Bundle::builtin("ml-experiment").unwrap().unwrap();
        let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
        for path in std::fs::read_dir(examples).unwrap() {
            let path = path.unwrap().path();
            let session =
                Session::from_str(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
            let review = bundle.review(&session.answers);
            for name in ["design-doc", "brief"] {
                let (origin, source) = builtin_template(name).unwrap();
                let built = render_doc(&bundle, &session, &review, Some((origin, source))).unwrap();
                let elsewhere = Some(("elsewhere.md.j2", source));
                let compiled = render_doc(&bundle, &session, &review, elsewhere).unwrap();
                assert!(built.len() > 500, "{name}, {}", crate::text::path(&path));
                assert_eq!(built, compiled, "{name}, {}", crate::text::path(&path));
            }
        }
    }

    /// A doc made big by long answers meets the size limit before it runs out of fuel.
    #[test]
    fn long_answers_meet_the_size_limit_first() {
        let bundle = Bundle::builtin("ml-experiment").unwrap().unwrap();
        let path = format!(
            "{}/../examples/fraud-flawed.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut session = Session::from_str(
            &std::fs::read_to_string(&path).unwrap(),
            std::path::Path::new(&path),
        )
        .unwrap();
        let paragraph = "An answer pasted in full, [with] <markup> & | pipes. ".repeat(40) + "\n\n";
        let long = crate::Answer::Text(paragraph.repeat(DOC_LIMITS.output / paragraph.len() / 4));
        for id in ["decision", "why_ml", "error_costs"] {
            session.set(id, Some(long.clone()));
        }
        let review = bundle.review(&session.answers);
        let counted = Some(("design-doc.md.j2", DESIGN_DOC_TEMPLATE));
        let (doc, fuel) =
            render_measured(&bundle, &session, &review, counted, LlmPolicy::Count, None).unwrap();
        eprintln!("{} bytes, {fuel} fuel", doc.len());
        assert!(fuel > 1000, "the fuel was not counted");
        assert!(fuel * 2 < DOC_LIMITS.fuel, "{fuel} fuel");
        let big = Some((
            "t",
            "{% for i in range(5) %}{{ answers.decision }}{% endfor %}",
        ));
        let err = render_doc(&bundle, &session, &review, big).unwrap_err();
        assert!(err.message.contains("size limit"), "{err}");
        // The built-in template (compiled when kickoff was built) has the same limit.
        let longer = crate::Answer::Text(paragraph.repeat(DOC_LIMITS.output / paragraph.len()));
        session.set("decision", Some(longer));
        let review = bundle.review(&session.answers);
        let err = render_doc(&bundle, &session, &review, None).unwrap_err();
        assert_eq!(err.origin, "<built-in>/design-doc.md.j2");
        assert!(err.message.contains("size limit of 8 MiB"), "{err}");
    }
}
