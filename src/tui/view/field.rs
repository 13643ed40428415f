//! The focused answer's widget, one drawing function per question kind.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui_textarea::TextArea;
use unicode_width::UnicodeWidthStr;

use super::super::app::App;
use super::super::field::{Field, Grid, choice};
use super::super::layout;
use super::super::theme::Theme;
use crate::answer::{Cell, format_number};
use crate::questionnaire::{ColumnKind, Kind, Question};
use crate::text::truncate;

pub fn render_field(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let q = app.interview.focused();
    match &app.field {
        Field::Text { area: text, .. } | Field::Number { area: text, .. } => {
            render_text(q, text, app.showing_default, theme, frame, area)
        }
        Field::YesNo { value } => render_yes_no(*value, theme, frame, area),
        Field::Choice {
            filter,
            multi,
            selected,
            ..
        } => render_choices(q, app, filter, *multi, selected, theme, frame, area),
        Field::List {
            items,
            cursor,
            area: row,
        } => render_list(items, *cursor, row, theme, frame, area),
        Field::Records(grid) => render_records(q, grid, theme, frame, area),
    }
}

/// A widget drawn for a form other than the interview's (the readout's): its question and
/// field given, not the focused ones. A choice is drawn by that form itself.
pub(in crate::tui) fn render_form_field(
    q: &Question,
    field: &Field,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    match field {
        Field::Text { area: text, .. } | Field::Number { area: text, .. } => {
            render_text(q, text, false, theme, frame, area)
        }
        Field::YesNo { value } => render_yes_no(*value, theme, frame, area),
        Field::List {
            items,
            cursor,
            area: row,
        } => render_list(items, *cursor, row, theme, frame, area),
        Field::Records(grid) => render_records(q, grid, theme, frame, area),
        Field::Choice { .. } => {}
    }
}

/// After a default shown as such.
pub const DEFAULT_NOTE: &str = "(default: Enter keeps it, typing replaces it)";

/// A number's range and unit, for the title of its box.
fn number_title(q: &Question) -> String {
    let range = match (q.min, q.max) {
        (Some(a), Some(b)) => format!("{} to {}", format_number(a), format_number(b)),
        (Some(a), None) => format!("at least {}", format_number(a)),
        (None, Some(b)) => format!("at most {}", format_number(b)),
        (None, None) => String::new(),
    };
    let unit = q.unit.clone().unwrap_or_default();
    [range, unit]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A text or number in its box; `default`: the question's default stands, dim, until typing
/// replaces it (Enter keeps it).
fn render_text(
    q: &Question,
    text: &TextArea,
    default: bool,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let title = if q.kind == Kind::Number {
        number_title(q)
    } else {
        String::new()
    };
    let title = if title.is_empty() {
        String::new()
    } else {
        format!(" {title} ")
    };
    let block = Block::bordered()
        .border_style(theme.focus())
        .title(Span::styled(title, theme.dim()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if default {
        let w = inner.width as usize;
        let shown = text.lines().join(" ");
        let lines: Vec<Line> = crate::text::wrap(&format!("{shown} {DEFAULT_NOTE}"), w)
            .into_iter()
            .enumerate()
            .map(|(k, l)| {
                let cursor = if k == 0 { " " } else { "" };
                Line::from(vec![
                    Span::styled(cursor, Style::default().reversed()),
                    Span::styled(l, theme.dim()),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    // The widget cuts a placeholder at the edge; a long text's shows whole, wrapped.
    if q.kind == Kind::LongText && text.is_empty() && !text.placeholder_text().is_empty() {
        let w = inner.width.saturating_sub(1) as usize;
        let lines: Vec<Line> = crate::text::wrap(text.placeholder_text(), w)
            .into_iter()
            .enumerate()
            .map(|(k, l)| {
                let cursor = if k == 0 { " " } else { "" };
                let lead = if k == 0 { "" } else { " " };
                Line::from(vec![
                    Span::styled(cursor, Style::default().reversed()),
                    Span::styled(format!("{lead}{l}"), theme.dim()),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    frame.render_widget(text, inner);
}

fn render_yes_no(value: Option<bool>, theme: Theme, frame: &mut Frame, area: Rect) {
    let line = options(
        &[("Yes", value == Some(true)), ("No", value == Some(false))],
        theme,
    );
    frame.render_widget(Paragraph::new(line), area);
}

/// Options on one line, the one picked marked `(•)`: a yes/no, or a form's toggle.
pub(in crate::tui) fn options(options: &[(&str, bool)], theme: Theme) -> Line<'static> {
    let spans = options.iter().map(|&(label, on)| {
        let mark = if on { "(•)" } else { "( )" };
        let style = if on {
            theme.selected()
        } else {
            Style::default()
        };
        Span::styled(format!("{mark} {label}   "), style)
    });
    Line::from(spans.collect::<Vec<_>>())
}

/// The choices, each label wrapped under itself, the characters the filter matched
/// highlighted; the list scrolls by whole choices ([`layout::choices`]).
#[allow(clippy::too_many_arguments)]
fn render_choices(
    q: &Question,
    app: &App,
    filter: &str,
    multi: bool,
    selected: &[String],
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let rows = layout::choices(q, &app.field, area.width, area.height);
    let mut lines = Vec::new();
    if rows.filter_line {
        let f = if filter.is_empty() {
            "type to filter".to_string()
        } else {
            format!("filter: {filter}")
        };
        lines.push(Line::styled(f, theme.dim()));
    }
    for (pos, _, label_lines) in &rows.items {
        let ci = rows.shown[*pos];
        let c = &q.choices[ci];
        let on = selected.contains(&c.value);
        let mark = match (multi, on) {
            (true, true) => "[x]",
            (true, false) => "[ ]",
            (false, true) => "(•)",
            (false, false) => "( )",
        };
        let here = *pos == rows.cursor;
        let (pointer, style) = if here {
            ("›", theme.selected())
        } else {
            (" ", Style::default())
        };
        let hit = highlight(&layout::choice_text(q, ci, multi), filter, label_lines);
        for (k, (text, matched)) in label_lines.iter().zip(hit).enumerate() {
            let lead = if k == 0 {
                format!("{pointer} {mark} ")
            } else {
                " ".repeat(layout::CHOICE_INDENT)
            };
            let mut spans = vec![Span::styled(lead, style)];
            for (ch, m) in text.chars().zip(matched) {
                let s = if m { style.patch(theme.key()) } else { style };
                spans.push(Span::styled(ch.to_string(), s));
            }
            lines.push(Line::from(spans));
        }
    }
    if rows.shown.is_empty() {
        lines.push(Line::styled(
            "no choice matches; Backspace to edit the filter",
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// For each wrapped line of `text`, which of its characters the filter matched: the lines
/// are `text`'s characters in order, less the spaces the wrap dropped.
fn highlight(text: &str, filter: &str, lines: &[String]) -> Vec<Vec<bool>> {
    let matched = choice::matched_chars(text, filter);
    let mut source = text.chars().enumerate().peekable();
    lines
        .iter()
        .map(|line| {
            line.chars()
                .map(|ch| {
                    // Skip what the wrap dropped (spaces at a break) to this character.
                    while source.next_if(|&(_, c)| c != ch).is_some() {}
                    source
                        .next()
                        .is_some_and(|(i, _)| matched.binary_search(&(i as u32)).is_ok())
                })
                .collect()
        })
        .collect()
}

/// The items, one per row, with the row being edited as a text field and a last "+" row for
/// a new item.
fn render_list(
    items: &[String],
    cursor: usize,
    row: &TextArea,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let block = Block::bordered().border_style(theme.focus());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = inner.height as usize;
    let first = (cursor + 1).saturating_sub(rows);
    for (k, y) in (first..=items.len()).zip(inner.y..inner.y + inner.height) {
        let rect = Rect {
            y,
            height: 1,
            ..inner
        };
        let bullet = Rect { width: 2, ..rect };
        let rest = Rect {
            x: rect.x + 2,
            width: rect.width.saturating_sub(2),
            ..rect
        };
        let label = if k == items.len() { "+ " } else { "• " };
        frame.render_widget(Paragraph::new(Span::styled(label, theme.dim())), bullet);
        if k == cursor {
            frame.render_widget(row, rest);
        } else if let Some(item) = items.get(k) {
            frame.render_widget(Paragraph::new(truncate(item, rest.width as usize)), rest);
        }
    }
}

/// Widths of the columns of a grid `width` wide with a one-cell separator between columns:
/// each column wants its widest text; when they do not all fit, the narrow ones keep their
/// width and the others share what is left. Widths may be 0 on a very narrow screen.
pub fn column_widths(wanted: &[usize], width: usize) -> Vec<usize> {
    let n = wanted.len();
    let mut room = width.saturating_sub(n.saturating_sub(1));
    let mut out = vec![0; n];
    let mut open: Vec<usize> = (0..n).collect();
    open.sort_by_key(|&i| wanted[i]);
    let mut left = open.len();
    for i in open {
        let share = room / left.max(1);
        out[i] = wanted[i].min(share);
        room -= out[i];
        left -= 1;
    }
    // What is left goes to the last column, so the grid fills its box.
    if let Some(last) = out.last_mut() {
        *last += room;
    }
    out
}

/// The grid: a header of column labels, a row a line with the focused row marked, the focused
/// cell as an input (text, numbers) or highlighted (yes/no, choices); the rows scroll to keep
/// the focused one in sight.
// Longer than a screen: the header, the rows and the focused cell are drawn against one column layout, kept together so they cannot disagree on widths.
fn render_records(q: &Question, grid: &Grid, theme: Theme, frame: &mut Frame, area: Rect) {
    // Below the grid, the focused cell's text in full: a cell shows only what fits its column.
    let full = layout::focused_cell_lines(q, grid, area.width);
    let below = (full.len() as u16).min(area.height.saturating_sub(3));
    let [area, under] = area.layout(&ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Min(0),
        ratatui::layout::Constraint::Length(below),
    ]));
    let lines: Vec<Line> = full
        .into_iter()
        .map(|l| Line::styled(l, theme.dim()))
        .collect();
    frame.render_widget(Paragraph::new(lines), under);
    let title = match grid.column(q) {
        Some(c) if !c.help.is_empty() => format!(" row {} · {} ", grid.row + 1, c.help),
        _ => format!(" row {} of {} ", grid.row + 1, grid.rows.len()),
    };
    let block = Block::bordered()
        .border_style(theme.focus())
        .title(Span::styled(
            truncate(&title, area.width.saturating_sub(2) as usize),
            theme.dim(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 || q.columns.is_empty() {
        return;
    }
    let gutter: u16 = if inner.width > 12 { 2 } else { 0 };
    let text = |row: usize, c: usize| {
        let column = &q.columns[c];
        grid.rows[row]
            .get(&column.id)
            .map(|cell| column.cell_text(cell))
            .unwrap_or_default()
    };
    let wanted: Vec<usize> = (0..q.columns.len())
        .map(|c| {
            // The focused column has room for its placeholder, if it can.
            let placeholder = match c == grid.col {
                true => q.columns[c].placeholder.width(),
                false => 0,
            };
            // Not the cell being typed into: the columns hold still while it is (its full
            // text shows below the grid).
            let widest = (0..grid.rows.len())
                .filter(|&r| (r, c) != (grid.row, grid.col))
                .map(|r| text(r, c).width())
                // A choice column has room for its longest choice: it never re-flows.
                .chain(q.columns[c].choices.iter().map(|x| x.label().width()))
                .chain([q.columns[c].label().width(), placeholder, 3])
                .max()
                .unwrap_or(3);
            widest + 1
        })
        .collect();
    let widths = column_widths(&wanted, inner.width.saturating_sub(gutter) as usize);
    let xs: Vec<u16> = widths
        .iter()
        .scan(inner.x + gutter, |x, w| {
            let at = *x;
            *x = x.saturating_add(*w as u16 + 1);
            Some(at)
        })
        .collect();
    let right = inner.x + inner.width;
    let cell_rect = |c: usize, y: u16| {
        let x = xs[c].min(right);
        Rect {
            x,
            y,
            width: (widths[c] as u16).min(right - x),
            height: 1,
        }
    };
    for c in 0..q.columns.len() {
        let rect = cell_rect(c, inner.y);
        let label = truncate(q.columns[c].label(), rect.width as usize);
        frame.render_widget(Paragraph::new(Span::styled(label, theme.title())), rect);
    }
    let shown = inner.height.saturating_sub(1) as usize;
    let first = (grid.row + 1).saturating_sub(shown);
    for (r, y) in (first..grid.rows.len()).zip(inner.y + 1..inner.y + inner.height) {
        if gutter > 0 {
            let mark = if r == grid.row { "›" } else { " " };
            let rect = Rect {
                x: inner.x,
                y,
                width: 1,
                height: 1,
            };
            frame.render_widget(Paragraph::new(Span::styled(mark, theme.focus())), rect);
        }
        for (c, column) in q.columns.iter().enumerate() {
            let rect = cell_rect(c, y);
            if rect.width == 0 {
                continue;
            }
            let focused = r == grid.row && c == grid.col;
            if focused && grid.is_text_cell(q) {
                frame.render_widget(&grid.area, rect);
                continue;
            }
            let mut shown = text(r, c);
            let style = if focused {
                if shown.is_empty() {
                    shown = match column.kind {
                        ColumnKind::YesNo => "y/n".into(),
                        _ => "Space".into(),
                    };
                }
                theme.selected()
            } else if matches!(grid.rows[r].get(&column.id), Some(Cell::Text(_)))
                && column.kind == ColumnKind::Number
            {
                theme.error()
            } else {
                Style::default()
            };
            let shown = truncate(&shown, rect.width as usize);
            frame.render_widget(Paragraph::new(Span::styled(shown, style)), rect);
        }
    }
}
