//! Where things go on the screen: pure functions of the state and the area. The view draws
//! into these places and `update` hit-tests the mouse against the very same ones, so a click
//! lands on what was drawn under it.
//!
//! The answer's column comes first: the sections sidebar and the "Why this matters" pane give
//! way (the sidebar collapses to its marks, then hides; the help pane moves below, then hides)
//! before the column drops under [`MIN_ANSWER`] columns, unless the user asked for them (F2,
//! F3: [`Pane`]).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::app::App;
use super::field::Field;
pub use super::msg::Pane;
use super::theme::{Theme, severity_mark};
use crate::answer::notations;
use crate::questionnaire::{Kind, Question, check_answer};
use crate::text::{truncate, wrap};

/// The answer's column is kept at least this wide while panes beside it can give way.
pub const MIN_ANSWER: u16 = 60;
const SIDEBAR_WIDE: u16 = 28;
const SIDEBAR_NARROW: u16 = 22;
/// The marks and numbers of the sections only.
const SIDEBAR_COLLAPSED: u16 = 5;
const HELP_WIDE: u16 = 38;
const HELP_NARROW: u16 = 32;
/// The help pane goes below the questions only on a screen at least this tall.
const HELP_BELOW_MIN_HEIGHT: u16 = 20;
/// After the prompt of a question the last answer just opened.
pub const NEW_MARK: &str = "  ✦ new: your answer opened it";
/// The most rows of findings under the focused answer (with "Why this matters" hidden).
const INLINE_FINDINGS: usize = 6;
/// The most rows a choice list takes before it scrolls.
const CHOICE_ROWS: u16 = 12;
/// The columns before a choice's label: pointer, mark, spaces (`› (•) `).
pub const CHOICE_INDENT: usize = 6;

/// The rows of the whole screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub body: Rect,
    pub banner: Rect,
    pub bar: Rect,
}

/// The message above the help bar, wrapped to at most three lines rather than losing its end;
/// a failed save stays there until a save succeeds, over any other message.
pub fn banner_lines(app: &App, width: u16) -> Vec<String> {
    let text = match (&app.save_error, &app.banner) {
        (Some(e), _) => save_failed(e),
        (None, Some(b)) => b.text.clone(),
        (None, None) => return Vec::new(),
    };
    wrap(&text, width as usize).into_iter().take(3).collect()
}

pub fn save_failed(e: &impl std::fmt::Display) -> String {
    format!(
        "Could not save: {e}. Your answers are still here; fix the problem and keep going, or ^Q to try again and quit."
    )
}

pub fn areas(app: &App, area: Rect) -> Areas {
    let banner_h = banner_lines(app, area.width).len() as u16;
    let [header, body, banner, bar] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(banner_h),
        Constraint::Length(1),
    ]));
    Areas {
        header,
        body,
        banner,
        bar,
    }
}

/// The interview screen's panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    /// The sections, and whether only their marks and numbers show.
    pub sidebar: Option<(Rect, bool)>,
    pub questions: Rect,
    pub help: Option<Rect>,
}

pub fn panes(app: &App, body: Rect) -> Panes {
    let full = if body.width >= 100 {
        SIDEBAR_WIDE
    } else {
        SIDEBAR_NARROW
    };
    // A grid in focus gets the room it needs: the sidebar shows its marks only, and "Why
    // this matters" goes below, as long as the user did not ask for them (F2, F3).
    let grid = matches!(app.field, Field::Records(_));
    let (side_w, collapsed) = match app.sidebar {
        Pane::Hidden => (0, false),
        Pane::Shown => (full, false),
        Pane::Auto if grid && body.width >= SIDEBAR_COLLAPSED + MIN_ANSWER => {
            (SIDEBAR_COLLAPSED, true)
        }
        Pane::Auto if body.width >= full + MIN_ANSWER => (full, false),
        Pane::Auto if body.width >= SIDEBAR_COLLAPSED + MIN_ANSWER => (SIDEBAR_COLLAPSED, true),
        Pane::Auto => (0, false),
    };
    let [side, main] = body.layout(&Layout::horizontal([
        Constraint::Length(side_w.min(body.width)),
        Constraint::Min(0),
    ]));
    let sidebar = (side_w > 0).then_some((side, collapsed));
    let beside = main.width >= MIN_ANSWER + HELP_NARROW && !(grid && app.help_pane == Pane::Auto);
    let below = match app.help_pane {
        Pane::Hidden => None,
        _ if beside => Some(false),
        Pane::Shown => Some(true),
        Pane::Auto if body.height >= HELP_BELOW_MIN_HEIGHT => Some(true),
        Pane::Auto => None,
    };
    let (questions, help) = match below {
        None => (main, None),
        Some(false) => {
            let help_w = if main.width >= MIN_ANSWER + HELP_WIDE {
                HELP_WIDE
            } else {
                HELP_NARROW
            };
            let [q, h] = main.layout(&Layout::horizontal([
                Constraint::Min(0),
                Constraint::Length(help_w),
            ]));
            (q, Some(h))
        }
        Some(true) => {
            // The reviewer's findings on the focused answer take lines of their own: the pane
            // then grows to hold them, up to half the height.
            let normal = (main.height / 3).clamp(5, 9);
            let help_h = if app.help_tall {
                let theme = Theme { color: false };
                let (lines, _) = help_lines(app, theme, main.width.saturating_sub(1).into());
                let need = u16::try_from(lines.len() + 1).unwrap_or(u16::MAX);
                need.clamp(normal, (main.height / 2).clamp(normal, 12))
            } else {
                normal
            };
            let [q, h] = main.layout(&Layout::vertical([
                Constraint::Min(0),
                Constraint::Length(help_h),
            ]));
            (q, Some(h))
        }
    };
    Panes {
        sidebar,
        questions,
        help,
    }
}

/// The help pane's lines at width `w`: the question's why and reference, then the reviewer's
/// findings on its answer; and how many of them are the why.
pub fn help_lines(app: &App, theme: Theme, w: usize) -> (Vec<Line<'static>>, usize) {
    let q = app.interview.focused();
    let mut lines: Vec<Line<'static>> = Vec::new();
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
    let help_lines = lines.len();
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
            let text = finding_text(f);
            let style = match is_waived(f) {
                true => theme.dim(),
                false => theme.severity(f.severity),
            };
            lines.extend(wrap(&text, w).into_iter().map(|l| Line::styled(l, style)));
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
    (lines, help_lines)
}

/// Whether the team's response waives a finding: shown as waived, not counted.
fn is_waived(f: &crate::critic::Finding) -> bool {
    f.response.as_ref().is_some_and(|r| r.waives)
}

/// A finding in a line: its mark, severity, rule and message; a waived one says so first.
fn finding_text(f: &crate::critic::Finding) -> String {
    let waived = match &f.response {
        Some(r) if r.waives => format!("waived ({}), not counted: ", r.status.name()),
        _ => String::new(),
    };
    format!(
        "{} {}{} [{}] {}",
        severity_mark(f.severity),
        waived,
        f.severity.name(),
        f.rule,
        f.message
    )
}

/// The panes of the interview screen when it fills `area` (the whole terminal).
pub fn interview_panes(app: &App, area: Rect) -> Panes {
    panes(app, areas(app, area).body)
}

/// One row of the questions pane: a line of text, or the focused question's widget.
pub enum Row<'a> {
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

/// A row of the questions pane where it goes, and the question it belongs to (none for the
/// section's intro).
pub struct Placed<'a> {
    pub row: Row<'a>,
    pub rect: Rect,
    pub question: Option<usize>,
}

/// The questions pane: inside its border, the rows in view, and where the focused widget is.
pub struct QuestionsView<'a> {
    pub inner: Rect,
    pub rows: Vec<Placed<'a>>,
    pub widget: Option<Rect>,
}

/// The rows of the current section's questions in `area` (the pane with its border),
/// scrolled by whole questions so that the focused one is entirely in view; the intro shows
/// while the first question does. No rows: no question of the section is asked.
// Longer than a screen: the rows are placed and scrolled in one pass, so the focused question is measured once and kept in view.
/// `inline`: "Why this matters" is hidden, so the focused answer's findings show under it.
pub fn questions<'a>(app: &'a App, theme: Theme, area: Rect, inline: bool) -> QuestionsView<'a> {
    let inner = Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    let q = &app.interview.bundle().questionnaire;
    let s = app.interview.section();
    let section = &q.sections[s];
    let width = inner.width as usize;
    let mut out = QuestionsView {
        inner,
        rows: Vec::new(),
        widget: None,
    };

    let mut intro: Vec<Row> = Vec::new();
    if !section.intro.is_empty() {
        intro.extend(
            wrap(&section.intro, width)
                .into_iter()
                .map(|l| Row::Text(Line::styled(l, theme.dim()))),
        );
        intro.push(Row::Text(Line::raw("")));
    }
    let blocks: Vec<(usize, Vec<Row>)> = q
        .section_range(s)
        .filter(|&i| app.interview.review().visible[i])
        .enumerate()
        .map(|(n, i)| (i, question_rows(app, theme, i, n + 1, width, inline)))
        .collect();
    let Some(focus_pos) = blocks.iter().position(|(i, _)| *i == app.interview.focus()) else {
        return out;
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
    let rows = shown_intro.into_iter().map(|r| (None, r)).chain(
        blocks
            .into_iter()
            .skip(start)
            .flat_map(|(i, rows)| rows.into_iter().map(move |r| (Some(i), r))),
    );
    let bottom = inner.y + inner.height;
    let mut y = inner.y;
    for (question, row) in rows {
        if y >= bottom {
            break;
        }
        let h = row.height().min(bottom - y);
        let rect = match row {
            Row::Text(_) => Rect {
                y,
                height: 1,
                ..inner
            },
            Row::Widget(_) => {
                let r = Rect {
                    x: inner.x + 2,
                    y,
                    width: inner.width.saturating_sub(2),
                    height: h,
                };
                out.widget = Some(r);
                r
            }
        };
        out.rows.push(Placed {
            row,
            rect,
            question,
        });
        y += h;
    }
    out
}

/// Rows the focused question's widget takes (inside the question block), `width` wide.
fn widget_height(app: &App, width: u16) -> u16 {
    let q = app.interview.focused();
    match &app.field {
        Field::Text {
            area,
            multiline: true,
            ..
        } => {
            let inner = width.saturating_sub(2) as usize;
            let rows: usize = if area.is_empty() {
                wrap(area.placeholder_text(), inner.saturating_sub(1)).len()
            } else {
                area.lines().iter().map(|l| wrap(l, inner).len()).sum()
            };
            (rows as u16 + 2).clamp(5, 12)
        }
        Field::Text { .. } | Field::Number { .. } => 3,
        Field::YesNo { .. } => 1,
        Field::Choice { .. } => {
            let c = choices(q, &app.field, width, u16::MAX);
            let items: u16 = c.heights.iter().sum();
            let cursor_h = c.heights.get(c.cursor).copied().unwrap_or(1);
            u16::from(c.filter_line) + items.clamp(1, CHOICE_ROWS.max(cursor_h))
        }
        Field::List { items, .. } => (items.len() as u16 + 3).min(12),
        // Borders, the header and the rows, then the focused cell's text in full.
        Field::Records(grid) => {
            (grid.rows.len() as u16 + 3).clamp(4, 12)
                + focused_cell_lines(q, grid, width).len() as u16
        }
    }
}

/// The focused cell of a grid, its column's name and its text in full, wrapped to `width`
/// (at most three lines).
pub fn focused_cell_lines(q: &Question, grid: &super::field::Grid, width: u16) -> Vec<String> {
    let Some(column) = grid.column(q) else {
        return Vec::new();
    };
    let text = match grid.rows.get(grid.row).and_then(|r| r.get(&column.id)) {
        Some(cell) => column.cell_text(cell),
        None => String::new(),
    };
    let mut lines = wrap(&format!("{}: {text}", column.label()), width as usize);
    lines.truncate(3);
    lines
}

/// The rows of one question: its prompt, then its widget and errors if focused, else a
/// one-line summary of the answer; a blank row after.
// Longer than a screen: the prompt, the widget with what is said under it, or the answer's line with its mark, one question's rows in order.
fn question_rows<'a>(
    app: &'a App,
    theme: Theme,
    i: usize,
    number: usize,
    width: usize,
    inline: bool,
) -> Vec<Row<'a>> {
    let question = app.interview.bundle().questionnaire.question(i);
    let focused = i == app.interview.focus();
    let mark = if focused { "▶ " } else { "  " };
    let req = if question.required { " *" } else { "" };
    // A question the last answer just opened says so while the first key has not reached it.
    let new = match &app.new_question {
        Some((id, _)) if focused && *id == question.id => NEW_MARK,
        _ => "",
    };
    let style = if focused {
        theme.focus()
    } else {
        Style::default()
    };
    let mut rows: Vec<Row> = wrap(
        &format!("{number}. {}{req}{new}", question.prompt),
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
        rows.push(Row::Widget(widget_height(
            app,
            width.saturating_sub(2) as u16,
        )));
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
        // With "Why this matters" hidden, the findings on this answer show here.
        if inline {
            let mut lines: Vec<Line> = Vec::new();
            for f in app.findings_for(&question.id) {
                let style = match is_waived(f) {
                    true => theme.dim(),
                    false => theme.severity(f.severity),
                };
                for l in wrap(&finding_text(f), width.saturating_sub(2)) {
                    lines.push(Line::styled(format!("  {l}"), style));
                }
            }
            if lines.len() > INLINE_FINDINGS {
                lines.truncate(INLINE_FINDINGS - 1);
                lines.push(Line::styled("  … more: ^R lists each finding", theme.dim()));
            }
            rows.extend(lines.into_iter().map(Row::Text));
        }
    } else {
        rows.push(Row::Text(
            match app.interview.review().asked.get(&question.id) {
                Some(a) => {
                    let text = question.answer_text(a).replace('\n', " ");
                    let bad = !check_answer(question, a).is_empty();
                    // A mark for the findings on this answer: the worst one counted's, dim
                    // when all are waived.
                    let found: Vec<_> = app.findings_for(&question.id).collect();
                    let counted = found.iter().filter(|f| !is_waived(f)).map(|f| f.severity);
                    let mark = match (counted.max(), found.first()) {
                        (Some(s), _) => Some((format!(" {}", severity_mark(s)), theme.severity(s))),
                        (None, Some(f)) => {
                            Some((format!(" {}", severity_mark(f.severity)), theme.dim()))
                        }
                        (None, None) => None,
                    };
                    let room = width.saturating_sub(4 + if mark.is_some() { 2 } else { 0 });
                    let mut spans = vec![Span::styled(
                        format!("  ↳ {}", truncate(&text, room)),
                        if bad { theme.error() } else { theme.ok() },
                    )];
                    if let Some((m, style)) = mark {
                        spans.push(Span::styled(m, style));
                    }
                    Line::from(spans)
                }
                None => Line::styled("  ↳ not answered", theme.dim()),
            },
        ));
    }
    rows.push(Row::Text(Line::raw("")));
    rows
}

/// A choice list laid out: whether the filter's line shows above it, the position of the
/// cursor in the choices shown, each shown choice's label wrapped, and which are in view.
pub struct ChoiceRows {
    pub filter_line: bool,
    /// The choices shown (after the filter), as indices into `q.choices`.
    pub shown: Vec<usize>,
    pub cursor: usize,
    /// The rows each shown choice takes (its label wrapped after the pointer and mark).
    pub heights: Vec<u16>,
    /// The choices in view: (position in `shown`, its first row below the filter's line,
    /// its label's lines that fit).
    pub items: Vec<(usize, u16, Vec<String>)>,
}

/// A choice's text after its mark: the label, and a note for an exclusive choice.
pub fn choice_text(q: &Question, ci: usize, multi: bool) -> String {
    let c = &q.choices[ci];
    let alone = if multi && c.exclusive {
        " (only on its own)"
    } else {
        ""
    };
    format!("{}{alone}", c.label())
}

/// The choice widget of `field` in a box `width` wide and `height` tall: labels wrap (never
/// cut), and the list scrolls by whole choices to keep the cursor's in view.
pub fn choices(q: &Question, field: &Field, width: u16, height: u16) -> ChoiceRows {
    let Field::Choice {
        filter,
        cursor,
        multi,
        ..
    } = field
    else {
        return ChoiceRows {
            filter_line: false,
            shown: Vec::new(),
            cursor: 0,
            heights: Vec::new(),
            items: Vec::new(),
        };
    };
    let shown = field.filtered(q);
    let filter_line = !filter.is_empty() || q.choices.len() > 10;
    let text_w = (width as usize).saturating_sub(CHOICE_INDENT).max(1);
    let lines: Vec<Vec<String>> = shown
        .iter()
        .map(|&ci| wrap(&choice_text(q, ci, *multi), text_w))
        .collect();
    let heights: Vec<u16> = lines.iter().map(|l| l.len() as u16).collect();
    let cursor = (*cursor).min(shown.len().saturating_sub(1));
    let rows = height.saturating_sub(u16::from(filter_line));
    let mut first = 0;
    while first < cursor && heights[first..=cursor].iter().sum::<u16>() > rows {
        first += 1;
    }
    let mut items = Vec::new();
    let mut y = 0u16;
    for (pos, l) in lines.into_iter().enumerate().skip(first) {
        if y >= rows {
            break;
        }
        let take = (rows - y).min(l.len() as u16);
        items.push((pos, y, l.into_iter().take(take as usize).collect()));
        y += take;
    }
    ChoiceRows {
        filter_line,
        shown,
        cursor,
        heights,
        items,
    }
}
