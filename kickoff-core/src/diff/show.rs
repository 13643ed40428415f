//! A [`PlanDiff`] drawn as text (for a terminal, coloured or not) or as markdown (for a pull
//! request comment); and a session's answers by section and question, one answer under its
//! question, for git's `textconv` (so `git diff` and `git log -p` read as questions).

use std::fmt::Write;

use super::{AnswerChange, Change, Op, PlanDiff, ReadinessRef};
use crate::bundle::Bundle;
use crate::markdown::inline;
use crate::session::Session;

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// The diff as terminal text; `color` adds ANSI colours (red gone, green new).
// Longer than a screen: the diff drawn top to bottom, one part per kind of change.
pub fn to_text(d: &PlanDiff, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        paint(BOLD, &format!("{} → {}", d.before, d.after))
    );
    if d.is_empty() {
        out.push_str("No differences in the answers, findings, readiness or open questions.\n");
        return out;
    }
    for s in &d.sections {
        let _ = writeln!(out, "\n{}", paint(BOLD, &s.title));
        for a in &s.answers {
            let (mark, code) = match a.change {
                Change::Added => ("+", GREEN),
                Change::Removed => ("-", RED),
                Change::Changed => ("~", YELLOW),
            };
            let _ = writeln!(out, "  {} {}", paint(code, mark), heading(a));
            if !a.words.is_empty() {
                for line in word_diff(&a.words, &paint, color).lines() {
                    let _ = writeln!(out, "      {line}");
                }
                continue;
            }
            for (sign, code, text) in [("-", RED, &a.before), ("+", GREEN, &a.after)] {
                for line in text.iter().flat_map(|t| t.lines()) {
                    let _ = writeln!(out, "      {}", paint(code, &format!("{sign} {line}")));
                }
            }
        }
    }
    if !d.findings_fixed.is_empty() || !d.findings_new.is_empty() {
        let _ = writeln!(out, "\n{}", paint(BOLD, "Findings"));
        for (what, code, list) in [
            ("fixed", GREEN, &d.findings_fixed),
            ("new  ", RED, &d.findings_new),
        ] {
            for f in list {
                let _ = writeln!(
                    out,
                    "  {} {:<8} {} ({}): {}",
                    paint(code, what),
                    f.severity,
                    f.rule,
                    f.question,
                    f.message
                );
            }
        }
    }
    if d.verdict_before != d.verdict_after {
        let _ = writeln!(out, "\nVerdict: {} → {}", d.verdict_before, d.verdict_after);
    }
    let _ = writeln!(
        out,
        "\nReadiness: {} → {}",
        readiness(&d.readiness_before),
        readiness(&d.readiness_after)
    );
    let _ = writeln!(
        out,
        "Open questions: {} → {}",
        d.open_before.len(),
        d.open_after.len()
    );
    let (closed, opened) = open_changes(d);
    if !closed.is_empty() {
        let _ = writeln!(out, "  answered: {}", closed.join(", "));
    }
    if !opened.is_empty() {
        let _ = writeln!(out, "  newly open: {}", opened.join(", "));
    }
    out
}

/// A long answer's word-level changes on its lines: coloured, or marked as git's word diff
/// marks them (`[-old-]{+new+}`); a replacement reads as one.
fn word_diff(words: &[super::Chunk], paint: &dyn Fn(&str, &str) -> String, color: bool) -> String {
    words
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let replaced =
                c.op == Op::Removed && words.get(i + 1).is_some_and(|n| n.op == Op::Added);
            let (word, tail) = c.text.split_at(c.text.trim_end().len());
            let tail = if replaced { "" } else { tail };
            match (c.op, color) {
                (Op::Same, _) => c.text.clone(),
                (Op::Removed, true) => paint(RED, word) + tail,
                (Op::Added, true) => paint(GREEN, word) + tail,
                (Op::Removed, false) => format!("[-{word}-]{tail}"),
                (Op::Added, false) => format!("{{+{word}+}}{tail}"),
            }
        })
        .collect()
}

/// The diff as GitHub-flavoured markdown, answers escaped: a pull request comment.
// Longer than a screen: the comment drawn top to bottom, one part per kind of change.
pub fn to_markdown(d: &PlanDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### Plan changes: `{}` → `{}`\n",
        d.before.replace('`', "'"),
        d.after.replace('`', "'")
    );
    let _ = writeln!(
        out,
        "**Verdict** {} → {} · **Readiness** {} → {} · **Open questions** {} → {} · **Findings** {} fixed, {} new",
        d.verdict_before,
        d.verdict_after,
        readiness(&d.readiness_before),
        readiness(&d.readiness_after),
        d.open_before.len(),
        d.open_after.len(),
        d.findings_fixed.len(),
        d.findings_new.len()
    );
    if d.is_empty() {
        out.push_str("\nNo differences.\n");
        return out;
    }
    for s in &d.sections {
        let _ = writeln!(out, "\n#### {}\n", inline(&s.title));
        for a in &s.answers {
            let what = match a.change {
                Change::Added => "added",
                Change::Removed => "removed",
                Change::Changed => "changed",
            };
            let _ = write!(out, "- **{}** ({what}): ", inline(&heading(a)));
            if !a.words.is_empty() {
                let text: String = a
                    .words
                    .iter()
                    .filter(|c| !c.text.trim().is_empty())
                    .map(|c| match c.op {
                        Op::Same => inline(&c.text),
                        Op::Removed => format!("~~{}~~", inline(&c.text)),
                        Op::Added => format!("**{}**", inline(&c.text)),
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                let _ = writeln!(out, "{text}");
                continue;
            }
            let side = |t: &Option<String>| t.as_deref().map(inline);
            let _ = match (side(&a.before), side(&a.after)) {
                (Some(b), Some(a)) => writeln!(out, "~~{b}~~ → {a}"),
                (None, Some(a)) => writeln!(out, "{a}"),
                (Some(b), None) => writeln!(out, "~~{b}~~"),
                (None, None) => writeln!(out),
            };
        }
    }
    if !d.findings_fixed.is_empty() || !d.findings_new.is_empty() {
        out.push_str("\n#### Findings\n\n| | severity | rule | question | finding |\n|---|---|---|---|---|\n");
        for (what, list) in [("fixed", &d.findings_fixed), ("new", &d.findings_new)] {
            for f in list {
                let _ = writeln!(
                    out,
                    "| {what} | {} | `{}` | `{}` | {} |",
                    f.severity,
                    f.rule,
                    f.question,
                    inline(&f.message)
                );
            }
        }
    }
    let (closed, opened) = open_changes(d);
    if !closed.is_empty() || !opened.is_empty() {
        out.push_str("\n#### Open questions\n\n");
        if !closed.is_empty() {
            let _ = writeln!(out, "- answered: {}", code_list(&closed));
        }
        if !opened.is_empty() {
            let _ = writeln!(out, "- newly open: {}", code_list(&opened));
        }
    }
    out
}

/// A session's answers by section and question: each question's id and prompt on a line of
/// its own, the answer in words under it, indented. What git's `textconv` shows.
pub fn answers_by_question(bundle: Option<&Bundle>, session: &Session) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "questionnaire: {} (version {})\nupdated: {}",
        session.questionnaire, session.questionnaire_version, session.updated
    );
    let mut shown = std::collections::BTreeSet::new();
    // Long answers wrapped, so a changed word is a changed line, not a changed paragraph.
    let answer_lines = |out: &mut String, text: &str| {
        for line in text.lines() {
            for part in crate::text::wrap(line, 88) {
                let _ = writeln!(out, "    {part}");
            }
        }
    };
    if let Some(b) = bundle {
        let q = &b.questionnaire;
        for (i, section) in q.sections.iter().enumerate() {
            let _ = writeln!(out, "\n## {}", section.title);
            for question in q.section_range(i).map(|k| q.question(k)) {
                let Some(a) = session.answers.get(&question.id) else {
                    continue;
                };
                shown.insert(question.id.as_str());
                let _ = writeln!(out, "{}: {}", question.id, question.prompt);
                answer_lines(&mut out, &question.answer_text(a));
            }
        }
    }
    let rest: Vec<_> = session
        .answers
        .iter()
        .filter(|(id, _)| !shown.contains(id.as_str()))
        .collect();
    if !rest.is_empty() {
        let _ = writeln!(out, "\n## Answers");
        for (id, a) in rest {
            let _ = writeln!(out, "{id}:");
            answer_lines(&mut out, &a.to_string());
        }
    }
    for (id, c) in &session.conflicts {
        let _ = writeln!(out, "\n## Conflict: {id}");
        for (side, a) in [("ours", &c.ours), ("theirs", &c.theirs)] {
            let _ = writeln!(out, "{side}:");
            answer_lines(
                &mut out,
                &a.as_ref().map_or("(no answer)".into(), |a| a.to_string()),
            );
        }
    }
    for (rule, r) in &session.responses {
        let _ = writeln!(
            out,
            "\nresponse to {rule}: {} {} {}",
            r.status.name(),
            r.owner,
            r.reason
        );
    }
    if !session.critiques.is_empty() {
        let _ = writeln!(out);
        for c in &session.critiques {
            let _ = writeln!(
                out,
                "critique: {} {} at {} ({})",
                c.provider,
                c.model,
                c.created,
                crate::text::plural(c.findings.len(), "finding", None)
            );
        }
    }
    out
}

fn heading(a: &AnswerChange) -> String {
    if a.prompt.is_empty() {
        a.question.clone()
    } else {
        format!("{} ({})", a.question, a.prompt)
    }
}

fn readiness(r: &Option<ReadinessRef>) -> String {
    match r {
        Some(r) => format!("{:.1} ({})", r.score, r.band),
        None => "no scorecard".into(),
    }
}

/// The questions answered since (open before, not after) and the newly open ones.
fn open_changes(d: &PlanDiff) -> (Vec<String>, Vec<String>) {
    let closed = d
        .open_before
        .iter()
        .filter(|q| !d.open_after.contains(q))
        .cloned()
        .collect();
    let opened = d
        .open_after
        .iter()
        .filter(|q| !d.open_before.contains(q))
        .cloned()
        .collect();
    (closed, opened)
}

fn code_list(ids: &[String]) -> String {
    ids.iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
