//! The plain interview: one question at a time on standard input and output, for screen
//! readers, terminals without full-screen support, and scripts. Same questionnaire, same
//! conditions, same critic, same session file (saved after every answer).

use std::io::{BufRead, Write};
use std::path::Path;

use crate::answer::Answer;
use crate::interview::Interview;
use crate::questionnaire::{Kind, Question, check_answer};
use crate::workspace::{self, Error};

const HOW: &str = "Enter keeps the current answer (or skips), - clears it, < goes back, ? shows the help, :q saves and quits.";

/// What one input line asks for.
#[derive(Debug, PartialEq)]
pub enum Reply {
    Keep,
    Clear,
    Back,
    Help,
    Quit,
    Answer(Answer),
}

/// Reads a reply to `q` from one line (long text and lists read more lines, see `read_reply`).
/// Choices may be given by number or by value; several, for multiple choice, separated by
/// commas or spaces.
pub fn parse_reply(q: &Question, line: &str) -> Result<Reply, String> {
    let t = line.trim();
    match t {
        "" => return Ok(Reply::Keep),
        "-" => return Ok(Reply::Clear),
        "<" => return Ok(Reply::Back),
        "?" => return Ok(Reply::Help),
        ":q" => return Ok(Reply::Quit),
        _ => {}
    }
    let choice = |token: &str| -> Result<String, String> {
        if let Ok(n) = token.parse::<usize>()
            && (1..=q.choices.len()).contains(&n)
        {
            return Ok(q.choices[n - 1].value.clone());
        }
        q.choices
            .iter()
            .find(|c| c.value.eq_ignore_ascii_case(token) || c.label().eq_ignore_ascii_case(token))
            .map(|c| c.value.clone())
            .ok_or_else(|| {
                format!(
                    "`{token}` is not one of the choices (a number from 1 to {})",
                    q.choices.len()
                )
            })
    };
    let answer = match q.kind {
        Kind::Text | Kind::LongText => Answer::Text(t.to_string()),
        Kind::Choice => Answer::Text(choice(t)?),
        Kind::MultiChoice => Answer::List(
            t.split([',', ' '])
                .filter(|s| !s.is_empty())
                .map(choice)
                .collect::<Result<_, _>>()?,
        ),
        Kind::Number => Answer::Number(
            t.replace('_', "")
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| format!("`{t}` is not a number"))?,
        ),
        Kind::YesNo => match t.to_lowercase().as_str() {
            "y" | "yes" | "true" => Answer::Bool(true),
            "n" | "no" | "false" => Answer::Bool(false),
            _ => return Err("answer y or n".into()),
        },
        Kind::List => Answer::List(
            t.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        ),
    };
    Ok(Reply::Answer(answer))
}

/// Runs the plain interview on `file` with `input` and `output`.
pub fn interview(
    questionnaire: Option<&str>,
    file: &Path,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<(), Error> {
    let (mut bundle, session) =
        workspace::open_or_create(questionnaire, file, workspace::Open::Either)?;
    workspace::add_rule_packs(&mut bundle, &[])?;
    let io_err = |e: std::io::Error| Error::Other {
        path: file.to_path_buf(),
        message: e.to_string(),
    };
    let mut iv = Interview::new(bundle, session);
    let _ = writeln!(
        output,
        "{} ({} questions as things stand). {HOW}",
        iv.bundle.questionnaire.title,
        iv.progress().asked
    );
    let mut history: Vec<usize> = Vec::new();
    while iv.is_asked(iv.focus) {
        ask(&iv, output).map_err(io_err)?;
        let question = iv.focused().clone();
        let reply = match read_reply(&question, input, output).map_err(io_err)? {
            None => break, // end of input: what was answered is saved
            Some(Err(e)) => {
                let _ = writeln!(output, "  ✗ {e}");
                continue;
            }
            Some(Ok(r)) => r,
        };
        match apply(&mut iv, &question, reply, &mut history, output) {
            Step::Stop => break,
            Step::Stay => continue,
            Step::Answered => {}
        }
        history.push(iv.focus);
        for f in iv
            .review
            .findings
            .iter()
            .filter(|f| f.questions.contains(&question.id))
        {
            let _ = writeln!(
                output,
                "  reviewer, {}: [{}] {}",
                f.severity.name(),
                f.rule,
                f.message
            );
        }
        // Resume at the next question asked, not at the one just answered.
        let next = iv.step_from(iv.focus, true);
        iv.focus_on(next.unwrap_or(iv.focus));
        iv.session.save(file, Some(&iv.bundle.questionnaire))?;
        if next.is_none() {
            break;
        }
    }
    iv.session.save(file, Some(&iv.bundle.questionnaire))?;
    let progress = iv.progress();
    let _ = writeln!(
        output,
        "Saved {} ({} of {} answered, {} findings). The doc: kickoff render {}",
        file.display(),
        progress.answered,
        progress.asked,
        iv.review.findings.len(),
        file.display()
    );
    Ok(())
}

/// What a reply leads to.
enum Step {
    /// Ask the (possibly new) focused question.
    Stay,
    /// The answer was taken: show the findings, save, go on.
    Answered,
    Stop,
}

fn apply(
    iv: &mut Interview,
    question: &Question,
    reply: Reply,
    history: &mut Vec<usize>,
    output: &mut dyn Write,
) -> Step {
    match reply {
        Reply::Quit => return Step::Stop,
        Reply::Help => {
            let _ = writeln!(output, "  {}\n  Ref: {}", question.help, question.reference);
            return Step::Stay;
        }
        Reply::Back => {
            if let Some(i) = history.pop() {
                iv.focus_on(i);
            }
            return Step::Stay;
        }
        // Enter on an unanswered question with a default takes the default, as the
        // full-screen interview does when the question is shown.
        Reply::Keep => {
            iv.take_default();
        }
        Reply::Clear => {
            iv.set_answer(&question.id, None);
        }
        Reply::Answer(a) => {
            let problems = check_answer(question, &a);
            if !problems.is_empty() {
                let _ = writeln!(output, "  ✗ {}", problems.join("; "));
                return Step::Stay;
            }
            iv.set_answer(&question.id, Some(a));
        }
    }
    Step::Answered
}

fn ask(iv: &Interview, out: &mut dyn Write) -> std::io::Result<()> {
    let q = &iv.bundle.questionnaire;
    let i = iv.focus;
    let question = q.question(i);
    let s = q.section_of(i);
    let asked: Vec<usize> = q.section_range(s).filter(|&j| iv.is_asked(j)).collect();
    writeln!(
        out,
        "\n[{} of {}: {}] question {} of {}{}",
        s + 1,
        q.sections.len(),
        q.sections[s].title,
        asked.iter().position(|&j| j == i).unwrap_or(0) + 1,
        asked.len(),
        if question.required { ", required" } else { "" }
    )?;
    writeln!(out, "{}", question.prompt)?;
    match question.kind {
        Kind::Choice | Kind::MultiChoice => {
            for (n, c) in question.choices.iter().enumerate() {
                writeln!(out, "  {}) {}", n + 1, c.label())?;
            }
            if question.kind == Kind::MultiChoice {
                writeln!(out, "  (several: numbers separated by commas)")?;
            }
        }
        Kind::Number => {
            let unit = question.unit.as_deref().unwrap_or("");
            match (question.min, question.max) {
                (Some(a), Some(b)) => writeln!(out, "  (a number from {a} to {b} {unit})")?,
                _ if !unit.is_empty() => writeln!(out, "  (a number, {unit})")?,
                _ => {}
            }
        }
        Kind::YesNo => writeln!(out, "  (y or n)")?,
        Kind::LongText => writeln!(out, "  (several lines; end with a line holding only a dot)")?,
        Kind::List => writeln!(
            out,
            "  (one item per line; end with a line holding only a dot)"
        )?,
        Kind::Text => {}
    }
    if let Some(a) = iv.session.answers.get(&question.id) {
        writeln!(
            out,
            "  current: {}",
            question.answer_text(a).replace('\n', " / ")
        )?;
    } else if let Some(d) = question.default_answer() {
        writeln!(
            out,
            "  default (Enter takes it): {}",
            question.answer_text(&d)
        )?;
    }
    write!(out, "> ")?;
    out.flush()
}

/// Reads one reply; long text and lists read lines until a lone `.`. `None`: end of input.
fn read_reply(
    q: &Question,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> std::io::Result<Option<Result<Reply, String>>> {
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let first = line.trim_end_matches(['\n', '\r']).to_string();
    let multi = matches!(q.kind, Kind::LongText | Kind::List);
    let command = matches!(first.trim(), "" | "-" | "<" | "?" | ":q");
    if !multi || command {
        return Ok(Some(parse_reply(q, &first)));
    }
    let mut lines = vec![first];
    loop {
        write!(out, ". ")?;
        out.flush()?;
        let mut next = String::new();
        if input.read_line(&mut next)? == 0 || next.trim() == "." {
            break;
        }
        lines.push(next.trim_end_matches(['\n', '\r']).to_string());
    }
    lines.retain(|l| !(q.kind == Kind::List && l.trim().is_empty()));
    Ok(Some(Ok(Reply::Answer(match q.kind {
        Kind::List => Answer::List(lines.iter().map(|l| l.trim().to_string()).collect()),
        _ => Answer::Text(lines.join("\n").trim().to_string()),
    }))))
}
