//! The plain interview: one question at a time on standard input and output, for screen
//! readers, terminals without full-screen support, and scripts. Same questionnaire, same
//! conditions, same critic, same session file (saved after every answer).

use std::io::{BufRead, Write};
use std::path::Path;

use crate::answer::{Answer, Row};
use crate::answer::{NumberError, notations, read_number};
use crate::clock::{Clock, SystemClock};
use crate::editing::{self, Opened};
use crate::files::SaveError;
use crate::interview::{Ended, Interview};
use crate::merge::Conflict;
use crate::questionnaire::{CellError, Kind, Question, check_answer, parse_yes_no};
use crate::session::Depth;
use crate::store::{Saved, Store};
use crate::workspace::{self, Error};

mod followups;
mod rows;
use rows::read_rows;

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

/// Why a line is not a reply to the question; the question is asked again with this reason.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum ReplyError {
    #[error("`{token}` is not one of the choices (a number from 1 to {count})")]
    NotAChoice { token: String, count: usize },
    #[error("`{0}` goes on its own: give it alone, or leave it out")]
    Exclusive(String),
    #[error(transparent)]
    Number(#[from] NumberError),
    #[error(transparent)]
    Cell(#[from] CellError),
    #[error("this question has no columns")]
    NoColumns,
}

/// Reads a reply to `q` from one line (long text and lists read more lines, see `read_reply`).
/// Choices may be given by number or by value; several, for multiple choice, separated by
/// commas or spaces.
pub fn parse_reply(q: &Question, line: &str) -> Result<Reply, ReplyError> {
    let t = line.trim();
    match t {
        "" => return Ok(Reply::Keep),
        "-" => return Ok(Reply::Clear),
        "<" => return Ok(Reply::Back),
        "?" => return Ok(Reply::Help),
        ":q" => return Ok(Reply::Quit),
        _ => {}
    }
    let choice = |token: &str| -> Result<String, ReplyError> {
        if let Ok(n) = token.parse::<usize>()
            && (1..=q.choices.len()).contains(&n)
        {
            return Ok(q.choices[n - 1].value.clone());
        }
        q.choices
            .iter()
            .find(|c| c.value.eq_ignore_ascii_case(token) || c.label().eq_ignore_ascii_case(token))
            .map(|c| c.value.clone())
            .ok_or_else(|| ReplyError::NotAChoice {
                token: token.to_string(),
                count: q.choices.len(),
            })
    };
    let answer = match q.kind {
        Kind::Text | Kind::LongText => Answer::Text(t.to_string()),
        Kind::Choice => Answer::Text(choice(t)?),
        Kind::MultiChoice => {
            let items: Vec<String> = t
                .split([',', ' '])
                .filter(|s| !s.is_empty())
                .map(choice)
                .collect::<Result<_, _>>()?;
            if let Some(c) = q.exclusive_conflict(&items) {
                return Err(ReplyError::Exclusive(c.label().to_string()));
            }
            Answer::List(items)
        }
        Kind::Number => Answer::Number(read_number(t, q.unit.as_deref())?.value),
        Kind::YesNo => Answer::Bool(parse_yes_no(t)?),
        Kind::List => Answer::List(
            t.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        // One line is the first cell of one row (`read_reply` asks for the rest).
        Kind::Records => {
            let Some(first) = q.columns.first() else {
                return Err(ReplyError::NoColumns);
            };
            let cell = first.parse_cell(t)?;
            Answer::Records(vec![Row(cell
                .map(|c| (first.id.clone(), c))
                .into_iter()
                .collect())])
        }
    };
    Ok(Reply::Answer(answer))
}

/// Runs the plain interview on `file` with `input` and `output`. The file is locked against
/// other kickoff writers while it runs.
pub fn interview(
    questionnaire: Option<&str>,
    file: &Path,
    depth: Option<Depth>,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<Ended, Error> {
    let clock = SystemClock;
    let Opened {
        bundle,
        session,
        mut store,
        notes,
        new,
        ..
    } = editing::open(
        &crate::settings::load_config()?,
        questionnaire,
        file,
        workspace::Open::Either,
        "a plain interview",
        depth,
        &clock.now(),
    )?;
    // Picking a side of a merge conflict wants both side by side: the full-screen interview.
    workspace::refuse_conflicts(file, &session)?;
    let io_err = |e: std::io::Error| Error::Other {
        path: file.to_path_buf(),
        message: e.to_string(),
    };
    let mut iv = Interview::new(bundle, session);
    greet(&iv, new && depth.is_none(), &notes, output);
    let finished = ask_all(&mut iv, &mut store, &clock, input, output).map_err(io_err)?;
    // The questionnaire done, the reviewer's questions still open.
    if finished && followups::ask_followups(&mut iv, input, output).map_err(io_err)? {
        let _ = save(&mut iv, &mut store, &clock, input, output);
    }
    if let Err(e) = save(&mut iv, &mut store, &clock, input, output) {
        return Ok(keep_a_copy(&iv, file, &e, &clock, output));
    }
    let progress = iv.progress();
    let _ = writeln!(
        output,
        "Saved {} ({} of {} answered, {}). The doc: kickoff render {}",
        crate::text::path(file),
        progress.answered,
        progress.asked,
        crate::text::plural(iv.review().findings.len(), "finding", None),
        crate::text::path(file)
    );
    Ok(Ended::Saved)
}

/// The first lines: what is asked and how, and the notes from opening the file.
/// `offer_quick`: a new session with no depth chosen, which can still take the quick path.
fn greet(
    iv: &Interview,
    offer_quick: bool,
    notes: &[crate::source::Problem],
    output: &mut dyn Write,
) {
    let _ = writeln!(
        output,
        "{}{} ({} as things stand). {HOW}",
        iv.bundle().questionnaire.title,
        if !iv.session().depth.is_full() {
            ", quick kickoff: the essential questions (`--full` asks the rest)"
        } else if offer_quick && iv.bundle().questionnaire.has_quick_path() {
            ", the full interview (`--quick` asks only the essential questions)"
        } else {
            ""
        },
        crate::text::plural(iv.progress().asked, "question", None)
    );
    for n in notes {
        let line = n.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        let _ = writeln!(output, "Note: {line}{}: {}", n.subject, n.message);
    }
}

/// Asks question after question, saving after each answer, until the last question is
/// answered (true) or the user stops or input ends (false).
fn ask_all(
    iv: &mut Interview,
    store: &mut Store,
    clock: &dyn Clock,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> std::io::Result<bool> {
    let mut history: Vec<usize> = Vec::new();
    let mut finished = false;
    while iv.is_asked(iv.focus()) {
        ask(iv, output)?;
        let question = iv.focused().clone();
        let reply = match read_reply(&question, input, output)? {
            // End of input (^D): what was answered is saved; the prompt's line is ended first.
            None => {
                let _ = writeln!(output);
                break;
            }
            Some(Err(e)) => {
                let _ = writeln!(output, "  ✗ {e}");
                continue;
            }
            Some(Ok(r)) => r,
        };
        match apply(iv, &question, reply, &mut history, output) {
            Step::Stop => break,
            Step::Stay => continue,
            Step::Answered => {}
        }
        history.push(iv.focus());
        for f in iv
            .review()
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
        let next = iv.step_from(iv.focus(), true);
        iv.focus_on(next.unwrap_or(iv.focus()));
        let _ = save(iv, store, clock, input, output);
        if next.is_none() {
            finished = true;
            break;
        }
    }
    Ok(finished)
}

/// Saves through the store. Changes made to the file meanwhile are merged in; answers changed
/// both here and there are asked about. A failure is said, and the next answer tries again.
fn save(
    iv: &mut Interview,
    store: &mut Store,
    clock: &dyn Clock,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<(), SaveError> {
    loop {
        match iv.edit_session(|s| editing::save(store, s, &clock.now())) {
            Ok(Saved::Written) => return Ok(()),
            Ok(Saved::Merged(merged)) => {
                iv.take_merged(merged);
                let _ = writeln!(output, "  (the file had changed on disk; merged in)");
                return Ok(());
            }
            Ok(Saved::Conflicts {
                merged,
                conflicts,
                theirs,
                disk,
            }) => {
                iv.take_merged(merged);
                for c in conflicts {
                    let keep_theirs = ask_conflict(iv, &c, input, output);
                    iv.set_answer(&c.question, if keep_theirs { c.theirs } else { c.ours });
                }
                store.resolved(*theirs, disk);
            }
            Err(e) => {
                let _ = writeln!(
                    output,
                    "  ✗ could not save: {e}; the next answer tries again"
                );
                return Err(e);
            }
        }
    }
}

/// Asks which side of a conflict to keep; true for the file's. End of input keeps ours.
fn ask_conflict(
    iv: &Interview,
    c: &Conflict,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> bool {
    let q = iv.bundle().questionnaire.get(&c.question);
    let words = |a: &Option<Answer>| match (q, a) {
        (_, None) => "(no answer)".to_string(),
        (Some(q), Some(a)) => q.answer_text(a).replace('\n', " / "),
        (None, Some(a)) => a.to_string(),
    };
    let prompt = q.map_or(c.question.as_str(), |q| q.prompt.as_str());
    let _ = writeln!(
        output,
        "\nThe answer to \"{prompt}\" changed here and in the file on disk.\n  yours:  {}\n  file's: {}",
        words(&c.ours),
        words(&c.theirs)
    );
    loop {
        let _ = write!(output, "Keep (m)ine or (t)he file's? ");
        let _ = output.flush();
        let mut line = String::new();
        if input.read_line(&mut line).unwrap_or(0) == 0 {
            return false;
        }
        match line.trim() {
            "m" | "mine" => return false,
            "t" | "theirs" => return true,
            _ => {}
        }
    }
}

/// The session file cannot be written at the end: a copy goes to the private directory of
/// copies.
fn keep_a_copy(
    iv: &Interview,
    file: &Path,
    why: &SaveError,
    clock: &dyn Clock,
    output: &mut dyn Write,
) -> Ended {
    let text = iv.session().to_toml(Some(&iv.bundle().questionnaire));
    match editing::emergency_copy(file, &text, &clock.now()) {
        Ok(copy) => {
            let _ = writeln!(
                output,
                "Could not write {} ({why}). Your answers are in {}; copy it over the session file once it can be written.",
                crate::text::path(file),
                crate::text::path(&copy)
            );
        }
        Err(e) => {
            let _ = writeln!(
                output,
                "Could not write {} ({why}), nor a copy ({e}): the answers since the last save are lost.",
                crate::text::path(file)
            );
        }
    }
    Ended::NotSaved
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
    let q = &iv.bundle().questionnaire;
    let i = iv.focus();
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
                let alone = if question.kind == Kind::MultiChoice && c.exclusive {
                    " (only on its own)"
                } else {
                    ""
                };
                writeln!(out, "  {}) {}{alone}", n + 1, c.label())?;
            }
            if question.kind == Kind::MultiChoice {
                writeln!(out, "  (several: numbers separated by commas)")?;
            }
        }
        Kind::Number => {
            let unit = question.unit.as_deref().unwrap_or("");
            let also = notations(question.unit.as_deref());
            match (question.min, question.max) {
                (Some(a), Some(b)) => writeln!(out, "  (a number from {a} to {b} {unit}; {also})")?,
                _ if !unit.is_empty() => writeln!(out, "  (a number, {unit}; {also})")?,
                _ => writeln!(out, "  (a number; {also})")?,
            }
        }
        Kind::YesNo => writeln!(out, "  (y or n)")?,
        Kind::LongText => writeln!(out, "  ({LONG_TEXT})")?,
        Kind::List => writeln!(
            out,
            "  (one item per line; end with a line holding only a dot)"
        )?,
        Kind::Records => writeln!(
            out,
            "  (a table: each row's cells are asked in turn ({}); an empty first cell ends it)",
            question
                .columns
                .iter()
                .map(|c| c.label())
                .collect::<Vec<_>>()
                .join(", ")
        )?,
        Kind::Text => {}
    }
    if let Some(a) = iv.session().answers.get(&question.id) {
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

/// Reads one reply; a long text reads on while a line ends in Alt+Enter or `\`, a list until a
/// lone `.`. `None`: end of input.
fn read_reply(
    q: &Question,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> std::io::Result<Option<Result<Reply, ReplyError>>> {
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut first = line.trim_end_matches(['\n', '\r']).to_string();
    // A list ended before its first item (a lone `.`) has nothing typed: as an empty line, it
    // keeps the answer there is, or skips.
    if q.kind == Kind::List && first.trim() == "." {
        first.clear();
    }
    let multi = matches!(q.kind, Kind::LongText | Kind::List | Kind::Records);
    let command = matches!(first.trim(), "" | "-" | "<" | "?" | ":q");
    if q.kind == Kind::LongText && !command {
        let text = read_long_text(first, input, out)?;
        return Ok(Some(Ok(Reply::Answer(Answer::Text(
            text.trim().to_string(),
        )))));
    }
    if !multi || command {
        let reply = parse_reply(q, &first);
        // A number typed in a notation (180k, 14%) is shown as it was read.
        if q.kind == Kind::Number
            && reply.is_ok()
            && !command
            && let Ok(n) = read_number(&first, q.unit.as_deref())
            && let Some(read_as) = n.read_as
        {
            writeln!(out, "  (read as {read_as})")?;
        }
        return Ok(Some(reply));
    }
    if q.kind == Kind::Records {
        return read_rows(q, first, input, out).map(Some);
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
    lines.retain(|l| !l.trim().is_empty());
    Ok(Some(Ok(Reply::Answer(Answer::List(
        lines.iter().map(|l| l.trim().to_string()).collect(),
    )))))
}

/// How a long text is typed, as the full-screen interview has it: Enter ends the answer,
/// Alt+Enter starts a new line.
pub(crate) const LONG_TEXT: &str =
    "Enter ends the answer; Alt+Enter, or a \\ at the end of a line, goes on to a new line";

/// Reads a long text from its first line: a line ending in Alt+Enter (an escape before the
/// newline, as a line-mode terminal passes it) or in `\` goes on to the next line; any
/// other ends the answer.
pub(crate) fn read_long_text(
    first: String,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> std::io::Result<String> {
    let mut lines = Vec::new();
    let mut line = first;
    loop {
        let Some(head) = line
            .strip_suffix('\x1b')
            .or_else(|| line.strip_suffix('\\'))
        else {
            lines.push(line);
            break;
        };
        lines.push(head.to_string());
        write!(out, ". ")?;
        out.flush()?;
        let mut next = String::new();
        if input.read_line(&mut next)? == 0 {
            break;
        }
        line = next.trim_end_matches(['\n', '\r']).to_string();
    }
    Ok(lines.join("\n"))
}
