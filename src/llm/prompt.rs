//! The critique prompts: two minijinja templates (the persona and the answers), embedded and
//! overridable, and the parsing of question ids back out of the model's text.

use std::path::Path;

use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use std::collections::BTreeMap;

use super::provider::ProviderConfig;
use crate::bundle::{Bundle, Review};
use crate::config::{Structured, Tone};
use crate::critique_findings::answer_hashes;
use crate::questionnaire::{Kind, Questionnaire};
use crate::render::RenderError;
use crate::reviewer::followup_answers;
use crate::session::{Session, answers_hash, short_hash};

const SYSTEM_TEMPLATE: &str = include_str!("../../templates/critique-system.md.j2");
const USER_TEMPLATE: &str = include_str!("../../templates/critique-user.md.j2");

/// The two prompt templates and where they came from (for error messages), and what they
/// are given besides the answers: the tone setting and the conversation so far.
#[derive(Debug, Clone)]
pub struct Prompts {
    system: (String, String),
    user: (String, String),
    tone: Tone,
    follow_ups: Vec<AnsweredFollowUp>,
}

/// A question the reviewer asked in the last critique, with the team's answer if there is one.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnsweredFollowUp {
    pub question: String,
    pub ask: String,
    pub answer: Option<String>,
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
            tone: Tone::Auto,
            follow_ups: Vec::new(),
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
            p.system = (
                crate::text::path(path).to_string(),
                crate::files::read(path)?,
            );
        }
        if let Some(path) = user {
            p.user = (
                crate::text::path(path).to_string(),
                crate::files::read(path)?,
            );
        }
        Ok(p)
    }

    /// The `tone` setting: `auto` matches the answers' length.
    pub fn with_tone(mut self, tone: Option<Tone>) -> Prompts {
        self.tone = tone.unwrap_or_default();
        self
    }

    /// The reviewer's follow-up questions (of every critique so far) that the team answered
    /// in the session's `[followups]` table, so the next critique moves the conversation on.
    /// Unanswered ones are left out: asking again with nothing new is the same prompt, and
    /// the saved critique answers it from the cache.
    pub fn with_follow_ups(mut self, session: &Session) -> Prompts {
        let answers = followup_answers(session);
        self.follow_ups.clear();
        for f in session
            .critiques
            .iter()
            .flat_map(|c| &c.follow_up_questions)
        {
            if let Some(answer) = answers.get(&f.ask)
                && !self.follow_ups.iter().any(|a| a.ask == f.ask)
            {
                self.follow_ups.push(AnsweredFollowUp {
                    question: f.question.clone(),
                    ask: f.ask.clone(),
                    answer: Some(answer.clone()),
                });
            }
        }
        self
    }
}

/// Everything one critique needs: where to send it, what to send, and its cache key.
#[derive(Debug, Clone)]
pub struct CritiqueRequest {
    pub provider: ProviderConfig,
    pub system: String,
    pub user: String,
    /// The system prompt for plain text, when `system` asks for JSON: sent if the server
    /// refuses structured output.
    pub system_text: Option<String>,
    /// Hash of both rendered prompts; with `answers_hash` and the model, the cache key.
    pub prompt_hash: String,
    pub answers_hash: String,
    /// The ids of the questions shown, for the schema's `enum` and reading the reply.
    pub question_ids: Vec<String>,
    /// Each answer sent, as the words sent, by question id: what a finding's evidence may
    /// quote. Kept in memory only, never saved.
    pub answer_texts: BTreeMap<String, String>,
    /// The hash of each answer sent, saved with the critique.
    pub answer_hashes: BTreeMap<String, String>,
    /// The level of detail asked for (`terse`, `normal` or `full`).
    pub tone: Tone,
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
    let answer_texts: BTreeMap<String, String> = sections
        .iter()
        .flat_map(|s| &s.answered)
        .map(|a| (a.id.to_string(), a.answer.clone()))
        .collect();
    let (tone, median_words) = pick_tone(prompts.tone, q, &review.asked, &answer_texts);
    let structured = provider.structured != Structured::Off;
    let ctx = context! {
        project => project,
        questionnaire => context! { id => &q.id, title => &q.title, version => &q.version },
        sections => Value::from(Serde(&sections)),
        findings => Value::from(Serde(&review.findings)),
        readiness => Value::from(Serde(&review.readiness)),
        question_ids => Value::from(Serde(&ids)),
        structured => structured,
        tone => tone.name(),
        tone_set => prompts.tone != Tone::Auto,
        median_words => median_words,
        follow_ups => Value::from(Serde(&prompts.follow_ups)),
        quick => review.pending.iter().filter(|&&p| p).count(),
        quantities => Value::from(Serde(crate::quantities::sheet(&review.asked))),
    };
    // The same bounds as the doc: a user's prompt template that loops for ever stops with a
    // message naming its file and line.
    let render = |(origin, source): &(String, String),
                  ctx: &Value|
     -> Result<String, RenderError> {
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
    let system = render(&prompts.system, &ctx)?;
    let user = render(&prompts.user, &ctx)?;
    let system_text = if structured {
        let text_ctx = context! { structured => false, ..ctx.clone() };
        Some(render(&prompts.system, &text_ctx)?)
    } else {
        None
    };
    let prompt_hash = short_hash(format!("{system}\u{0}{user}").as_bytes());
    let answer_hashes = answer_hashes(&review.asked, &|id| answer_texts.contains_key(id));
    Ok(CritiqueRequest {
        provider: provider.clone(),
        system,
        user,
        system_text,
        prompt_hash,
        answers_hash: answers_hash(&review.asked),
        question_ids: ids.iter().map(|s| s.to_string()).collect(),
        answer_texts,
        answer_hashes,
        tone,
    })
}

/// Answers shorter than this many words (the median of the free-text ones) get a terse review.
const TERSE_BELOW: usize = 8;
/// Answers longer than this get a full one.
const FULL_ABOVE: usize = 40;

/// The tone to ask for: the setting, or with `auto` from the median length in words of the
/// free-text answers (also returned; 0 when there are none).
fn pick_tone(
    setting: Tone,
    q: &Questionnaire,
    asked: &crate::answer::Answers,
    sent: &BTreeMap<String, String>,
) -> (Tone, usize) {
    let mut words: Vec<usize> = sent
        .iter()
        .filter(|(id, _)| {
            q.get(id)
                .is_some_and(|x| matches!(x.kind, Kind::Text | Kind::LongText | Kind::List))
                && asked.contains_key(*id)
        })
        .map(|(_, text)| text.split_whitespace().count())
        .collect();
    words.sort_unstable();
    let median = words.get(words.len() / 2).copied().unwrap_or(0);
    let tone = match setting {
        Tone::Auto if words.is_empty() => Tone::Normal,
        Tone::Auto if median < TERSE_BELOW => Tone::Terse,
        Tone::Auto if median > FULL_ABOVE => Tone::Full,
        Tone::Auto => Tone::Normal,
        fixed => fixed,
    };
    (tone, median)
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
