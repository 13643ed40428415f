//! The critique prompts: two minijinja templates (the persona and the answers), embedded and
//! overridable, and the parsing of question ids back out of the model's text.

use std::path::Path;

use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use super::provider::ProviderConfig;
use crate::bundle::{Bundle, Review};
use crate::questionnaire::{Kind, Questionnaire};
use crate::render::RenderError;
use crate::session::{answers_hash, short_hash};

const SYSTEM_TEMPLATE: &str = include_str!("../../templates/critique-system.md.j2");
const USER_TEMPLATE: &str = include_str!("../../templates/critique-user.md.j2");

/// The two prompt templates and where they came from (for error messages).
#[derive(Debug, Clone)]
pub struct Prompts {
    system: (String, String),
    user: (String, String),
}

impl Default for Prompts {
    fn default() -> Prompts {
        Prompts {
            system: (
                "<built-in>/critique-system.md.j2".into(),
                SYSTEM_TEMPLATE.into(),
            ),
            user: (
                "<built-in>/critique-user.md.j2".into(),
                USER_TEMPLATE.into(),
            ),
        }
    }
}

impl Prompts {
    /// The built-in templates, each replaced by a file when given.
    pub fn load(
        system: Option<&Path>,
        user: Option<&Path>,
    ) -> Result<Prompts, crate::source::FileError> {
        let mut p = Prompts::default();
        if let Some(path) = system {
            p.system = (path.display().to_string(), crate::source::read(path)?);
        }
        if let Some(path) = user {
            p.user = (path.display().to_string(), crate::source::read(path)?);
        }
        Ok(p)
    }
}

/// Everything one critique needs: where to send it, what to send, and its cache key.
#[derive(Debug, Clone)]
pub struct CritiqueRequest {
    pub provider: ProviderConfig,
    pub system: String,
    pub user: String,
    /// Hash of both rendered prompts; with `answers_hash` and the model, the cache key.
    pub prompt_hash: String,
    pub answers_hash: String,
}

#[derive(Serialize)]
struct Answered<'a> {
    id: &'a str,
    prompt: &'a str,
    answer: String,
    long: bool,
}

#[derive(Serialize)]
struct Unanswered<'a> {
    id: &'a str,
    prompt: &'a str,
    required: bool,
}

#[derive(Serialize)]
struct PromptSection<'a> {
    id: &'a str,
    title: &'a str,
    answered: Vec<Answered<'a>>,
    unanswered: Vec<Unanswered<'a>>,
}

/// Renders both prompts for the asked questions' answers and the offline findings. Answers of
/// questions marked `secret` are never sent.
pub fn build_request(
    bundle: &Bundle,
    review: &Review,
    provider: &ProviderConfig,
    prompts: &Prompts,
) -> Result<CritiqueRequest, RenderError> {
    let q = &bundle.questionnaire;
    let (sections, ids) = prompt_sections(q, review);
    let project = q
        .title_question
        .as_ref()
        .and_then(|t| review.asked.get(t))
        .map(|a| a.to_string());
    let ctx = context! {
        project => project,
        questionnaire => context! { id => &q.id, title => &q.title, version => &q.version },
        sections => Value::from(Serde(&sections)),
        findings => Value::from(Serde(&review.findings)),
        readiness => Value::from(Serde(&review.readiness)),
        question_ids => Value::from(Serde(&ids)),
    };
    // The same bounds as the doc: a user's prompt template that loops for ever stops with a
    // message naming its file and line.
    let render = |(origin, source): &(String, String)| -> Result<String, RenderError> {
        let at = |line: Option<usize>| match line {
            Some(l) => format!("{origin}:{l}"),
            None => origin.clone(),
        };
        let env = crate::render::environment();
        let tmpl = env.template_from_str(source).map_err(|e| RenderError {
            origin: at(e.line()),
            message: crate::expr::describe_error(&e),
        })?;
        let (text, _) = crate::expr::render_limited(&tmpl, ctx.clone(), crate::expr::DOC_LIMITS)
            .map_err(|f| RenderError {
                origin: at(f.line),
                message: f.message,
            })?;
        Ok(text.trim().to_string() + "\n")
    };
    let system = render(&prompts.system)?;
    let user = render(&prompts.user)?;
    let prompt_hash = short_hash(format!("{system}\u{0}{user}").as_bytes());
    Ok(CritiqueRequest {
        provider: provider.clone(),
        system,
        user,
        prompt_hash,
        answers_hash: answers_hash(&review.asked),
    })
}

/// The asked questions by section, answered or not, and their ids; `secret` ones left out.
fn prompt_sections<'a>(
    q: &'a Questionnaire,
    review: &Review,
) -> (Vec<PromptSection<'a>>, Vec<&'a str>) {
    let mut sections = Vec::new();
    let mut ids = Vec::new();
    for (s, section) in q.sections.iter().enumerate() {
        let mut answered = Vec::new();
        let mut unanswered = Vec::new();
        for i in q.section_range(s) {
            let question = q.question(i);
            if !review.visible[i] || question.secret {
                continue;
            }
            ids.push(question.id.as_str());
            match review.asked.get(&question.id) {
                Some(a) => answered.push(Answered {
                    id: &question.id,
                    prompt: &question.prompt,
                    answer: question.answer_text(a),
                    long: question.kind == Kind::LongText,
                }),
                None => unanswered.push(Unanswered {
                    id: &question.id,
                    prompt: &question.prompt,
                    required: question.required,
                }),
            }
        }
        sections.push(PromptSection {
            id: &section.id,
            title: &section.title,
            answered,
            unanswered,
        });
    }
    (sections, ids)
}

/// The question each line of a critique is about, for lines that name one: `[task]`,
/// `**[task]**`, `` `task` ``, `(task)` or `task:` at the start. Matching is lenient (case,
/// `-` or spaces for `_`), but only ids of the questionnaire count. Returns (line index, id),
/// at most one per line; lines that name none are left out.
pub fn linked_questions(text: &str, q: &Questionnaire) -> Vec<(usize, String)> {
    let known = |token: &str| -> Option<String> {
        let norm: String = token
            .trim()
            .trim_matches(|c: char| c == '*' || c == '`' || c == '"' || c == '\'')
            .chars()
            .map(|c| {
                if c == '-' || c == ' ' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        q.get(&norm).map(|question| question.id.clone())
    };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut found = None;
        // Bracketed, backticked or parenthesised tokens anywhere in the line.
        for (open, close) in [('[', ']'), ('`', '`'), ('(', ')')] {
            let mut rest = line;
            while found.is_none()
                && let Some(start) = rest.find(open)
            {
                let after = &rest[start + open.len_utf8()..];
                let Some(end) = after.find(close) else { break };
                let inner = &after[..end];
                // `[a, b]`: the first id that is known.
                found = inner.split([',', '/', ';']).find_map(known);
                rest = &after[end + close.len_utf8()..];
            }
        }
        // `task: ...` or `- **task** ...` at the start of the line.
        if found.is_none() {
            let start = line.trim_start().trim_start_matches(['-', '#', '>', ' ']);
            found = match start.strip_prefix("**") {
                Some(bold) => bold
                    .split_once("**")
                    .and_then(|(word, _)| known(word.trim_end_matches(':'))),
                None => start
                    .split_once(':')
                    .filter(|(w, _)| !w.contains(' '))
                    .and_then(|(w, _)| known(w)),
            };
        }
        if let Some(id) = found {
            out.push((n, id));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mini() -> Questionnaire {
        Questionnaire::from_str(
            include_str!("../../tests/fixtures/mini.toml"),
            Path::new("mini.toml"),
        )
        .unwrap()
    }

    #[test]
    fn ids_in_brackets_backticks_or_at_the_start() {
        let text = "Intro line\n- [task] pick one\n**[Positive-Rate]** is low\nSee `notes`.\nab_test: yes\n\
                    - [general] overall\n[name, tags] both\n(unknown_id) no\n- **Tags:** too many";
        let got = linked_questions(text, &mini());
        assert_eq!(
            got,
            vec![
                (1, "task".to_string()),
                (2, "positive_rate".to_string()),
                (3, "notes".to_string()),
                (4, "ab_test".to_string()),
                (6, "name".to_string()),
                (8, "tags".to_string()),
            ]
        );
    }

    #[test]
    fn plain_words_that_happen_to_be_ids_are_not_links() {
        assert!(
            linked_questions(
                "The task is hard and the name is fine.\nTask is hard.",
                &mini()
            )
            .is_empty()
        );
    }
}
