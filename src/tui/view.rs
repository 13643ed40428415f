//! Drawing: a pure function of the state. The interview screen is here; the review and export
//! screens and the overlays are in `screens`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::app::App;
use super::keys;
use super::layout::{self, Row};
use super::msg::{Banner, Overlay, Screen};
use super::theme::Theme;
use crate::questionnaire::check_answer;
use crate::text::truncate;
use unicode_width::UnicodeWidthStr;

mod critique;
pub(super) mod field;
mod followups;
mod respond;
mod saving;
mod screens;

/// How a section stands, for its mark in the sidebar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Empty,
    Partly,
    Done,
    Errors,
    /// Nothing asked yet on a quick session's path: its questions wait for the full interview.
    Later,
}

impl Progress {
    pub fn mark(self) -> &'static str {
        match self {
            Progress::Empty => "○",
            Progress::Partly => "◐",
            Progress::Done => "●",
            Progress::Errors => "!",
            Progress::Later => "·",
        }
    }
}

pub fn section_progress(app: &App, section: usize) -> Progress {
    let q = &app.interview.bundle().questionnaire;
    let (mut answered, mut total) = (0, 0);
    for i in q
        .section_range(section)
        .filter(|&i| app.interview.review().visible[i])
    {
        total += 1;
        let question = q.question(i);
        // A number typed that is not valid yet is a problem, whatever is saved.
        if app.number_drafts.contains_key(&question.id) {
            return Progress::Errors;
        }
        if let Some(a) = app.interview.review().asked.get(&question.id) {
            if !check_answer(question, a).is_empty() {
                return Progress::Errors;
            }
            answered += 1;
        }
    }
    let review = app.interview.review();
    match answered {
        0 if total == 0 && q.section_range(section).any(|i| review.pending[i]) => Progress::Later,
        0 => Progress::Empty,
        n if n == total => Progress::Done,
        _ => Progress::Partly,
    }
}

pub fn view(app: &App, frame: &mut Frame) {
    let theme = Theme { color: app.color };
    let area = frame.area();
    let shown = app.save_error.is_some() || app.banner.is_some();
    let is_error = app.save_error.is_some() || app.banner.as_ref().is_some_and(Banner::is_error);
    let banner_lines = layout::banner_lines(app, area.width);
    let layout::Areas {
        header,
        body,
        banner,
        bar,
    } = layout::areas(app, area);
    render_header(app, theme, frame, header);
    match app.screen {
        Screen::Interview => render_interview(app, theme, frame, body),
        Screen::Review => screens::render_review(app, theme, frame, body),
        Screen::Export => screens::render_export(app, theme, frame, body),
        Screen::Critique => critique::render_critique(app, theme, frame, body),
        Screen::Followups => followups::render_followups(app, theme, frame, body),
    }
    if shown {
        let style = if is_error {
            theme.error()
        } else {
            theme.focus()
        };
        let lines: Vec<Line> = banner_lines
            .into_iter()
            .map(|l| Line::styled(l, style))
            .collect();
        draw_lines(frame, banner, &lines);
    }
    render_bar(app, theme, frame, bar);
    match app.overlay {
        Some(Overlay::Help { scroll }) => screens::render_help(theme, frame, area, scroll),
        Some(Overlay::Picker { cursor }) => screens::render_picker(app, theme, frame, area, cursor),
        Some(Overlay::Conflicts) => saving::render_conflicts(app, theme, frame, area),
        Some(Overlay::Unsaved) => saving::render_unsaved(app, theme, frame, area),
        Some(Overlay::Respond) => respond::render_respond(app, theme, frame, area),
        Some(Overlay::Depth { cursor, sizes }) => {
            screens::render_depth(theme, frame, area, cursor, sizes)
        }
        None => {}
    }
}

/// The project, then how far: the section's progress and the required questions' (both
/// holding still as conditions open questions: [`App::steady_progress`]), the blockers, and
/// all questions answered of those asked as room allows.
// Longer than a screen: the header's three widths are measured and chosen together.
fn render_header(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let q = &app.interview.bundle().questionnaire;
    let s = app.interview.section();
    let here = app.section_steady(s);
    let req = app.required_progress();
    let (answered, total) = app.answered_of_asked();
    // The verdict's count: waived, stale and advisory findings do not hold the plan back;
    // the waived ones are said to be there.
    let verdict = app.verdict();
    let blockers = verdict.blockers;
    let waived = match verdict.waived {
        0 => String::new(),
        n => format!(" ({n} waived)"),
    };
    // The section's count is of the questions on screen: those a condition opened too.
    let here_asked = here.counted + here.opened;
    // The total is of the questions asked so far: answers may open more ("so far" says so
    // in two words, leaving the project's name its room).
    let so_far = if app.more_may_follow() {
        " so far"
    } else {
        " answered"
    };
    let opened = match req.opened {
        0 => String::new(),
        n => format!(" +{n} opened"),
    };
    let (n, sections) = (s + 1, q.sections.len());
    // The header in its three widths, for these counts: with the total, with the section's
    // progress, compact.
    let texts = |[
        here_answered,
        here_counted,
        req_answered,
        req_counted,
        blockers,
        answered,
        total,
    ]: [usize; 7]| {
        // What is the same in each: the required and the blockers.
        let rest = format!(
            "required {req_answered}/{req_counted}{opened} · {blockers} blocker{}{waived} ",
            if blockers == 1 { "" } else { "s" }
        );
        let essential =
            format!("Section {n}/{sections}: {here_answered} of {here_counted} · {rest}");
        [
            format!("{answered} of {total}{so_far} · {essential}"),
            essential,
            format!("§{n}/{sections} {here_answered}/{here_counted} · {rest}"),
        ]
    };
    let now = texts([
        here.answered,
        here_asked,
        req.answered,
        req.counted,
        blockers,
        answered,
        total,
    ]);
    // The room the counts take at their largest: the project's name keeps one width while
    // they change as the user answers.
    let most = q.len();
    let section = (0..sections).map(|s| q.section_range(s).len()).max();
    let section = section.unwrap_or(0);
    let required = (0..most).filter(|&i| q.question(i).required).count();
    let rules = app.interview.bundle().critic.rules.len();
    let widest = texts([section, section, required, required, rules, most, most]);
    let name = app.interview.project().unwrap_or_else(|| q.title.clone());
    let depth = if app.interview.session().depth.is_full() {
        ""
    } else {
        " · quick"
    };
    let left_full = format!(" kickoff{depth} · {name}");
    // The total is detail: it shows while the project's name keeps some room; on a narrow
    // screen the section's progress shortens before the name goes.
    let fits = |right: &str, keep: usize| {
        (area.width as usize) > right.width() + left_full.width().min(keep)
    };
    let pick = if fits(&widest[0], 24) {
        0
    } else if fits(&widest[1], 16) {
        1
    } else {
        2
    };
    let right = &now[pick];
    let left_w = (area.width as usize).saturating_sub(widest[pick].width() + 1);
    let left = truncate(&left_full, left_w);
    let pad = (area.width as usize).saturating_sub(left.width() + right.width());
    let line = Line::from(vec![
        Span::styled(left, theme.title()),
        Span::raw(" ".repeat(pad)),
        Span::styled(right.as_str(), theme.dim()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn render_bar(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let entries = keys::bar(app);
    let width = |(k, w): &(&str, &str)| k.chars().count() + w.chars().count() + 3;
    // Help, quit and back always show, then the first two (the answer's own keys), the
    // critique, review, export and one-letter actions; the rest as room
    // allows, in the table's order. Shown in the table's order whatever made room for them.
    let rank = |i: usize| match entries[i].0 {
        "F1" | "^Q" | "Esc" => 0,
        _ if i < 2 => 1,
        // The critique, review and export, and a screen's own one-letter actions.
        "^L" | "^R" | "^O" => 2,
        k if k.chars().count() == 1 => 2,
        _ => 3,
    };
    let mut by_rank: Vec<usize> = (0..entries.len()).collect();
    by_rank.sort_by_key(|&i| rank(i));
    let mut room = (area.width as usize).saturating_sub(1);
    let mut shown = vec![false; entries.len()];
    for i in by_rank {
        if width(&entries[i]) <= room || rank(i) == 0 {
            room = room.saturating_sub(width(&entries[i]));
            shown[i] = true;
        }
    }
    let mut spans = vec![Span::raw(" ")];
    for (e, _) in entries.iter().zip(&shown).filter(|(_, s)| **s) {
        spans.push(Span::styled(e.0, theme.key()));
        spans.push(Span::raw(format!(" {}  ", e.1)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_interview(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let panes = layout::panes(app, area);
    if let Some((side, collapsed)) = panes.sidebar {
        render_sections(app, theme, frame, side, collapsed);
    }
    render_questions(app, theme, frame, panes.questions, panes.help.is_none());
    if let Some(help) = panes.help {
        render_help_pane(app, theme, frame, help);
    }
}

/// The sections with their marks; `collapsed`: the marks and numbers only.
fn render_sections(app: &App, theme: Theme, frame: &mut Frame, area: Rect, collapsed: bool) {
    let inner = Rect {
        width: area.width.saturating_sub(1),
        ..area
    };
    let current = app.interview.section();
    let lines: Vec<Line> = app
        .interview
        .bundle()
        .questionnaire
        .sections
        .iter()
        .enumerate()
        .map(|(s, section)| {
            let p = section_progress(app, s);
            let text = if collapsed {
                format!("{:>2}", s + 1)
            } else {
                truncate(
                    &format!("{:>2} {}", s + 1, section.title),
                    inner.width.saturating_sub(3) as usize,
                )
            };
            let mark_style = match p {
                Progress::Errors => theme.error(),
                Progress::Done => theme.ok(),
                _ => theme.dim(),
            };
            let style = if s == current {
                theme.selected()
            } else {
                Style::default()
            };
            Line::from(vec![
                Span::styled(format!("{} ", p.mark()), mark_style),
                Span::styled(text, style),
            ])
        })
        .collect();
    draw_lines(frame, inner, &lines);
}

fn render_questions(app: &App, theme: Theme, frame: &mut Frame, area: Rect, inline: bool) {
    let q = &app.interview.bundle().questionnaire;
    let s = app.interview.section();
    let block = Block::bordered()
        .title(Span::styled(
            format!(" {}. {} ", s + 1, q.sections[s].title),
            theme.title(),
        ))
        .border_style(theme.dim());
    frame.render_widget(block, area);
    let placed = layout::questions(app, theme, area, inline);
    // (A questionnaire whose every question is hidden has nothing to focus.)
    if placed.rows.is_empty() {
        let line = Line::styled("No question of this section is asked.", theme.dim());
        draw_lines(frame, placed.inner, &[line]);
        return;
    }
    for p in placed.rows {
        match p.row {
            Row::Text(line) => draw_lines(frame, p.rect, &[line]),
            Row::Widget(_) => field::render_field(app, theme, frame, p.rect),
        }
    }
}

fn render_help_pane(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let block = Block::new()
        .borders(Borders::TOP)
        .title(Span::styled(" Why this matters ", theme.title()))
        .border_style(theme.dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width.saturating_sub(1) as usize;
    let (mut lines, help_lines) = layout::help_lines(app, theme, w);
    let text_area = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    };
    // What does not fit: the why gives way to the reviewer's findings first, down to its first
    // line; what is cut then is said to be there, not cut without a word.
    let room = usize::from(text_area.height);
    let reviewed = lines.len() > help_lines;
    if lines.len() > room && reviewed {
        let mut review = lines.split_off(help_lines);
        review.remove(0); // the blank line between them
        lines.truncate(
            room.saturating_sub(review.len())
                .clamp(1, help_lines.max(1)),
        );
        lines.extend(review);
    }
    if lines.len() > room && room > 0 {
        lines.truncate(room - 1);
        let more = if reviewed {
            "… more: ^R lists each finding in full"
        } else {
            "… more in a taller window"
        };
        lines.push(Line::styled(truncate(more, w), theme.dim()));
    }
    draw_lines(frame, text_area, &lines);
}

/// Lines already cut to fit, one per row: straight into the buffer, without a Paragraph's
/// wrapping machinery (this runs for most of the screen on every key press).
fn draw_lines(frame: &mut Frame, area: Rect, lines: &[Line]) {
    let buf = frame.buffer_mut();
    for (line, y) in lines.iter().zip(area.y..area.y + area.height) {
        buf.set_line(area.x, y, line, area.width);
    }
}
