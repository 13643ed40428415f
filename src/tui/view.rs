//! Drawing: a pure function of the state. The interview screen is here; the review and export
//! screens and the overlays are in `screens`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::app::App;
use super::field::Field;
use super::keys;
use super::msg::{Banner, Overlay, Screen};
use super::theme::{Theme, severity_mark};
use crate::answer::notations;
use crate::questionnaire::{Kind, check_answer};
use crate::text::{truncate, wrap};
use unicode_width::UnicodeWidthStr;

mod critique;
mod field;
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
}

impl Progress {
    pub fn mark(self) -> &'static str {
        match self {
            Progress::Empty => "○",
            Progress::Partly => "◐",
            Progress::Done => "●",
            Progress::Errors => "!",
        }
    }
}

pub fn section_progress(app: &App, section: usize) -> Progress {
    let q = &app.interview.bundle.questionnaire;
    let (mut answered, mut total) = (0, 0);
    for i in q
        .section_range(section)
        .filter(|&i| app.interview.review.visible[i])
    {
        total += 1;
        let question = q.question(i);
        // A number typed that is not valid yet is a problem, whatever is saved.
        if app.number_drafts.contains_key(&question.id) {
            return Progress::Errors;
        }
        if let Some(a) = app.interview.review.asked.get(&question.id) {
            if !check_answer(question, a).is_empty() {
                return Progress::Errors;
            }
            answered += 1;
        }
    }
    match answered {
        0 => Progress::Empty,
        n if n == total => Progress::Done,
        _ => Progress::Partly,
    }
}

pub fn view(app: &App, frame: &mut Frame) {
    let theme = Theme { color: app.color };
    let area = frame.area();
    // A failed save stays on screen until a save succeeds, over any other message.
    let save_failed = app.save_error.as_ref().map(|e| {
        Banner::error(format!(
            "Could not save: {e}. Your answers are still here; fix the problem and keep going, or ^Q to try again and quit."
        ))
    });
    let shown = save_failed.as_ref().or(app.banner.as_ref());
    // A message wraps to at most three lines rather than losing its end.
    let banner_lines = shown
        .map(|b| {
            wrap(&b.text, area.width as usize)
                .into_iter()
                .take(3)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let banner_h = banner_lines.len() as u16;
    let [header, body, banner, bar] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(banner_h),
        Constraint::Length(1),
    ]));
    render_header(app, theme, frame, header);
    match app.screen {
        Screen::Interview => render_interview(app, theme, frame, body),
        Screen::Review => screens::render_review(app, theme, frame, body),
        Screen::Export => screens::render_export(app, theme, frame, body),
        Screen::Critique => critique::render_critique(app, theme, frame, body),
        Screen::Followups => followups::render_followups(app, theme, frame, body),
    }
    if let Some(b) = shown {
        let style = if b.is_error() {
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
        None => {}
    }
}

fn render_header(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let q = &app.interview.bundle.questionnaire;
    let (answered, total) = app.answered_of_asked();
    let blockers = app
        .interview
        .review
        .findings
        .iter()
        .filter(|f| f.severity == crate::Severity::Blocker)
        .count();
    let right = format!(
        "Section {}/{} · {answered} of {total} answered · {blockers} blocker{} ",
        app.interview.section() + 1,
        q.sections.len(),
        if blockers == 1 { "" } else { "s" }
    );
    let name = app.interview.project().unwrap_or_else(|| q.title.clone());
    let left_w = (area.width as usize).saturating_sub(right.width() + 1);
    let left = truncate(&format!(" kickoff · {name}"), left_w);
    let pad = (area.width as usize).saturating_sub(left.width() + right.width());
    let line = Line::from(vec![
        Span::styled(left, theme.title()),
        Span::raw(" ".repeat(pad)),
        Span::styled(right, theme.dim()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn render_bar(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let entries = keys::bar(app);
    let width = |(k, w): &(&str, &str)| k.chars().count() + w.chars().count() + 3;
    // Help and quit always show; the rest as room allows, in order.
    let pinned = |(k, _): &(&str, &str)| matches!(*k, "F1" | "^Q" | "Esc");
    let mut room = (area.width as usize).saturating_sub(
        1 + entries
            .iter()
            .filter(|e| pinned(e))
            .map(width)
            .sum::<usize>(),
    );
    let mut spans = vec![Span::raw(" ")];
    for e in &entries {
        if !pinned(e) {
            if width(e) > room {
                continue;
            }
            room -= width(e);
        }
        spans.push(Span::styled(e.0, theme.key()));
        spans.push(Span::raw(format!(" {}  ", e.1)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_interview(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let wide = area.width >= 100;
    let side_w = if wide { 28 } else { 22 };
    let [side, main] = area.layout(&Layout::horizontal([
        Constraint::Length(side_w),
        Constraint::Min(20),
    ]));
    render_sections(app, theme, frame, side);
    if wide {
        let [questions, help] = main.layout(&Layout::horizontal([
            Constraint::Min(40),
            Constraint::Length(38),
        ]));
        render_questions(app, theme, frame, questions);
        render_help_pane(app, theme, frame, help);
    } else {
        let help_h = (main.height / 3).clamp(5, 9);
        let [questions, help] = main.layout(&Layout::vertical([
            Constraint::Min(6),
            Constraint::Length(help_h),
        ]));
        render_questions(app, theme, frame, questions);
        render_help_pane(app, theme, frame, help);
    }
}

fn render_sections(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let inner = Rect {
        width: area.width.saturating_sub(1),
        ..area
    };
    let current = app.interview.section();
    let lines: Vec<Line> = app
        .interview
        .bundle
        .questionnaire
        .sections
        .iter()
        .enumerate()
        .map(|(s, section)| {
            let p = section_progress(app, s);
            let text = truncate(
                &format!("{:>2} {}", s + 1, section.title),
                inner.width.saturating_sub(3) as usize,
            );
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

/// Rows the focused question's widget takes (inside the question block).
fn widget_height(app: &App) -> u16 {
    let q = app.interview.focused();
    match &app.field {
        Field::Text {
            area,
            multiline: true,
            ..
        } => (area.lines().len() as u16 + 2).clamp(5, 10),
        Field::Text { .. } | Field::Number { .. } => 3,
        Field::YesNo { .. } => 1,
        Field::Choice { filter, .. } => {
            let n = app.field.filtered(q).len().clamp(1, 10) as u16;
            n + u16::from(!filter.is_empty() || q.choices.len() > 10)
        }
        Field::List { items, .. } => (items.len() as u16 + 3).min(12),
        // Borders, the header and the rows.
        Field::Records(grid) => (grid.rows.len() as u16 + 3).clamp(4, 12),
    }
}

/// One row of the questions pane: a line of text, or the focused question's widget.
enum Row<'a> {
    Text(Line<'a>),
    Widget(u16),
}

impl Row<'_> {
    fn height(&self) -> u16 {
        match self {
            Row::Text(_) => 1,
            Row::Widget(h) => *h,
        }
    }
}

/// The rows of one question: its prompt, then its widget and errors if focused, else a
/// one-line summary of the answer; a blank row after.
fn question_rows<'a>(
    app: &'a App,
    theme: Theme,
    i: usize,
    number: usize,
    width: usize,
) -> Vec<Row<'a>> {
    let question = app.interview.bundle.questionnaire.question(i);
    let focused = i == app.interview.focus;
    let mark = if focused { "▶ " } else { "  " };
    let req = if question.required { " *" } else { "" };
    let style = if focused {
        theme.focus()
    } else {
        Style::default()
    };
    let mut rows: Vec<Row> = wrap(
        &format!("{number}. {}{req}", question.prompt),
        width.saturating_sub(2),
    )
    .into_iter()
    .enumerate()
    .map(|(k, l)| {
        let prefix = if k == 0 { mark } else { "  " };
        Row::Text(Line::from(vec![
            Span::styled(prefix, theme.focus()),
            Span::styled(l, style),
        ]))
    })
    .collect();
    if focused {
        rows.push(Row::Widget(widget_height(app)));
        let errors = app.field_errors();
        for e in &errors {
            for l in wrap(&format!("✗ {e}"), width.saturating_sub(2)) {
                rows.push(Row::Text(Line::styled(format!("  {l}"), theme.error())));
            }
        }
        // A number: how a notation was read, else the notations it takes.
        if question.kind == Kind::Number {
            let note = match app.field.read_as() {
                Some(n) => format!("= {n}"),
                None if errors.is_empty() => notations(question.unit.as_deref()).to_string(),
                None => String::new(),
            };
            for l in wrap(&note, width.saturating_sub(2))
                .into_iter()
                .filter(|l| !l.is_empty())
            {
                rows.push(Row::Text(Line::styled(format!("  {l}"), theme.dim())));
            }
        }
    } else {
        rows.push(Row::Text(
            match app.interview.review.asked.get(&question.id) {
                Some(a) => {
                    let text = question.answer_text(a).replace('\n', " ");
                    let bad = !check_answer(question, a).is_empty();
                    Line::styled(
                        format!("  ↳ {}", truncate(&text, width.saturating_sub(4))),
                        if bad { theme.error() } else { theme.ok() },
                    )
                }
                None => Line::styled("  ↳ not answered", theme.dim()),
            },
        ));
    }
    rows.push(Row::Text(Line::raw("")));
    rows
}

fn render_questions(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let q = &app.interview.bundle.questionnaire;
    let s = app.interview.section();
    let section = &q.sections[s];
    let block = Block::bordered()
        .title(Span::styled(
            format!(" {}. {} ", s + 1, section.title),
            theme.title(),
        ))
        .border_style(theme.dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;

    let mut intro: Vec<Row> = Vec::new();
    if !section.intro.is_empty() {
        intro.extend(
            wrap(&section.intro, width)
                .into_iter()
                .map(|l| Row::Text(Line::styled(l, theme.dim()))),
        );
        intro.push(Row::Text(Line::raw("")));
    }
    let visible: Vec<usize> = q
        .section_range(s)
        .filter(|&i| app.interview.review.visible[i])
        .collect();
    let blocks: Vec<(usize, Vec<Row>)> = visible
        .iter()
        .enumerate()
        .map(|(n, &i)| (i, question_rows(app, theme, i, n + 1, width)))
        .collect();

    // Scroll by whole questions so that the focused one is entirely in view; the intro shows
    // while the first question does.
    // (A questionnaire whose every question is hidden has nothing to focus.)
    let Some(focus_pos) = blocks.iter().position(|(i, _)| *i == app.interview.focus) else {
        draw_lines(
            frame,
            inner,
            &[Line::styled(
                "No question of this section is asked.",
                theme.dim(),
            )],
        );
        return;
    };
    let height = |rows: &[Row]| rows.iter().map(Row::height).sum::<u16>();
    let fits = |from: usize, extra: u16| {
        blocks[from..=focus_pos]
            .iter()
            .map(|(_, r)| height(r))
            .sum::<u16>()
            + extra
            <= inner.height
    };
    // The intro goes first when room is short: the focused question must show.
    let with_intro = fits(0, height(&intro));
    let start = if with_intro {
        0
    } else {
        (0..=focus_pos).find(|&k| fits(k, 0)).unwrap_or(focus_pos)
    };
    let shown_intro = if with_intro { intro } else { Vec::new() };
    let rows = shown_intro
        .into_iter()
        .chain(blocks.into_iter().skip(start).flat_map(|(_, r)| r));

    let bottom = inner.y + inner.height;
    let mut y = inner.y;
    for row in rows {
        if y >= bottom {
            break;
        }
        let h = row.height().min(bottom - y);
        match row {
            Row::Text(line) => draw_lines(
                frame,
                Rect {
                    y,
                    height: 1,
                    ..inner
                },
                &[line],
            ),
            Row::Widget(_) => {
                let rect = Rect {
                    x: inner.x + 2,
                    y,
                    width: inner.width.saturating_sub(2),
                    height: h,
                };
                field::render_field(app, theme, frame, rect);
            }
        }
        y += h;
    }
}

fn render_help_pane(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let q = app.interview.focused();
    let block = Block::new()
        .borders(Borders::TOP)
        .title(Span::styled(" Why this matters ", theme.title()))
        .border_style(theme.dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width.saturating_sub(1) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let help = if q.help.is_empty() {
        "No help for this question."
    } else {
        q.help.as_str()
    };
    lines.extend(wrap(help, w).into_iter().map(Line::raw));
    if !q.reference.is_empty() {
        lines.extend(
            wrap(&format!("Ref: {}", q.reference), w)
                .into_iter()
                .map(|l| Line::styled(l, theme.dim())),
        );
    }
    let findings: Vec<_> = app.findings_for(&q.id).collect();
    let llm = app.llm_findings();
    let llm_here: Vec<_> = llm
        .iter()
        .filter(|f| f.folded_into.is_none() && f.is_about(&q.id))
        .collect();
    if !findings.is_empty() || !llm_here.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Reviewer says", theme.title()));
        for f in findings {
            let text = format!(
                "{} {} [{}] {}",
                severity_mark(f.severity),
                f.severity.name(),
                f.rule,
                f.message
            );
            lines.extend(
                wrap(&text, w)
                    .into_iter()
                    .map(|l| Line::styled(l, theme.severity(f.severity))),
            );
            if llm
                .iter()
                .any(|l| l.folded_into.as_deref() == Some(f.rule.as_str()))
            {
                lines.push(Line::styled(
                    "  LLM reviewer: agrees",
                    theme.reviewer(f.severity, false),
                ));
            }
        }
        for f in llm_here {
            let sev = f.finding.severity;
            let text = format!(
                "{} LLM reviewer, {}{}: {}",
                severity_mark(sev),
                sev.name(),
                if f.stale {
                    " (stale: an answer it rests on changed)"
                } else {
                    ""
                },
                f.finding.message
            );
            lines.extend(
                wrap(&text, w)
                    .into_iter()
                    .map(|l| Line::styled(l, theme.reviewer(sev, f.stale))),
            );
            if let Some(r) = &f.response {
                let said = format!("  response: {}", r.status.name());
                lines.push(Line::styled(said, theme.dim()));
            }
        }
    }
    let text_area = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    };
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
