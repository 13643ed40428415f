//! The critique screen: the LLM reviewer's text as it streams, with the lines that name a
//! question marked and selectable.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::super::app::App;
use super::super::critique::layout;
use super::super::theme::Theme;
use crate::text::wrap;

// Longer than a screen: one screen drawn top to bottom: the note, the streamed text, the usage line.
pub fn render_critique(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let c = &app.critique;
    let (note_text, is_error) = match &c.note {
        Some((text, e)) => (text.as_str(), *e),
        None if c.shown.is_none() && c.unconfigured.is_some() => {
            (c.unconfigured.as_deref().unwrap_or_default(), false)
        }
        None if c.shown.is_some() => (
            "The last saved critique. a asks again (the same answers reuse it), f asks afresh.",
            false,
        ),
        None => (
            "Enter or a asks the LLM reviewer about these answers.",
            false,
        ),
    };
    // The note wraps (a failure's reason is often long) to at most three lines.
    let style = if is_error { theme.error() } else { theme.dim() };
    let note_lines: Vec<Line> = wrap(note_text, area.width.saturating_sub(1) as usize)
        .into_iter()
        .take(3)
        .map(|l| Line::styled(format!(" {l}"), style))
        .collect();
    let [note, body] = area.layout(&Layout::vertical([
        Constraint::Length(note_lines.len() as u16),
        Constraint::Min(3),
    ]));
    frame.render_widget(Paragraph::new(note_lines), note);

    let title = match (&c.shown, c.running) {
        (_, true) => {
            let t = &c.transcript;
            let tokens = t
                .output_tokens
                .map(|n| format!(" · {n} tokens"))
                .unwrap_or_default();
            format!(" Critique · streaming{tokens} ")
        }
        (Some(s), false) => {
            let tokens = match (s.input_tokens, s.output_tokens) {
                (_, Some(o)) if s.tokens_counted => format!(" · about {o} tokens out (counted)"),
                (Some(i), Some(o)) => format!(" · {i} + {o} tokens"),
                (None, Some(o)) => format!(" · {o} tokens out"),
                _ => String::new(),
            };
            let cost = s
                .cost_usd
                .map(|c| format!(" · ${c:.4}"))
                .unwrap_or_default();
            let cut = if s.interrupted { " · interrupted" } else { "" };
            format!(
                " Critique · {} / {} · {}{tokens}{cost}{cut} ",
                s.provider, s.model, s.created
            )
        }
        (None, false) => " Critique ".to_string(),
    };
    let block = Block::bordered()
        .title(Span::styled(title, theme.title()))
        .border_style(theme.dim());
    let inner = block.inner(body);
    frame.render_widget(block, body);

    let text = c.text();
    if text.is_empty() {
        let hint = if c.running {
            "Waiting for the first words…"
        } else {
            "No critique yet."
        };
        frame.render_widget(Paragraph::new(Line::styled(hint, theme.dim())), inner);
        return;
    }
    let (rows, first_row) = layout(text, inner.width as usize);
    let top = c.top_row(rows.len(), &first_row, inner.height as usize);
    // Rows of the selected link's line, highlighted; rows of other links marked.
    let row_line = |row: usize| first_row.partition_point(|&r| r <= row).saturating_sub(1);
    let selected_line = c.links.get(c.selected).map(|(l, _)| *l);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(top)
        .take(inner.height as usize)
        .map(|(row, text)| {
            let line = row_line(row);
            let style = if Some(line) == selected_line {
                theme.selected()
            } else if c.links.iter().any(|(l, _)| *l == line) {
                theme.focus()
            } else {
                Style::default()
            };
            Line::styled(text.clone(), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
