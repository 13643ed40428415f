//! The reviewer's questions in the plain interview: after the questionnaire, each follow-up
//! question of the latest critique the team has not answered yet, read like a long-text answer
//! and stored in the session's `[followups]`, to go with the next critique.

use std::io::{BufRead, Write};

use crate::critique_findings::GENERAL;
use crate::interview::Interview;
use crate::reviewer::{followups, set_followup_answer};

/// Asks the unanswered follow-up questions in turn. An empty first line skips one; the end of
/// input stops, keeping the answers given. True if an answer was stored.
pub(super) fn ask_followups(
    iv: &mut Interview,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> std::io::Result<bool> {
    let open: Vec<_> = followups(iv.session())
        .into_iter()
        .filter(|(_, a)| a.trim().is_empty())
        .map(|(f, _)| f)
        .collect();
    if open.is_empty() {
        return Ok(false);
    }
    writeln!(
        out,
        "\nThe LLM reviewer asked {} back; your answers go with the next critique.",
        crate::text::plural(open.len(), "question", None)
    )?;
    let mut stored = false;
    for (n, f) in open.iter().enumerate() {
        let about = match iv.bundle().questionnaire.get(&f.question) {
            Some(q) if f.question != GENERAL => format!("about: {}", q.prompt),
            _ => "about the whole design".into(),
        };
        writeln!(
            out,
            "\n[reviewer's question {} of {}] {about}",
            n + 1,
            open.len()
        )?;
        writeln!(out, "{}", f.ask)?;
        writeln!(out, "  ({}; an empty line skips)", super::LONG_TEXT)?;
        write!(out, "> ")?;
        out.flush()?;
        let mut first = String::new();
        if input.read_line(&mut first)? == 0 {
            break;
        }
        let first = first.trim_end_matches(['\n', '\r']).to_string();
        if first.trim().is_empty() {
            continue;
        }
        let answer = super::read_long_text(first, input, out)?;
        if answer.trim().is_empty() {
            continue;
        }
        iv.edit_session(|s| set_followup_answer(s, &f.ask, answer.trim()));
        stored = true;
    }
    Ok(stored)
}
