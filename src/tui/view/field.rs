//! The focused answer's widget, one drawing function per question kind.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui_textarea::TextArea;

use super::super::app::App;
use super::super::field::Field;
use super::super::theme::Theme;
use crate::answer::format_number;
use crate::questionnaire::{Kind, Question};
use crate::text::truncate;

pub fn render_field(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let q = app.interview.focused();
    match &app.field {
        Field::Text { area: text, .. } | Field::Number { area: text, .. } => {
            render_text(q, text, theme, frame, area)
        }
        Field::YesNo { value } => render_yes_no(*value, theme, frame, area),
        Field::Choice {
            filter,
            cursor,
            multi,
            selected,
        } => {
            let choice = ChoiceView {
                filter,
                cursor: *cursor,
                multi: *multi,
                selected,
                shown: app.field.filtered(q),
            };
            choice.render(q, theme, frame, area)
        }
        Field::List {
            items,
            cursor,
            area: row,
        } => render_list(items, *cursor, row, theme, frame, area),
    }
}

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

fn render_text(q: &Question, text: &TextArea, theme: Theme, frame: &mut Frame, area: Rect) {
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
    frame.render_widget(text, inner);
}

fn render_yes_no(value: Option<bool>, theme: Theme, frame: &mut Frame, area: Rect) {
    let opt = |label: &str, on: bool| {
        let mark = if on { "(•)" } else { "( )" };
        let style = if on {
            theme.selected()
        } else {
            Style::default()
        };
        Span::styled(format!("{mark} {label}   "), style)
    };
    let line = Line::from(vec![
        opt("Yes", value == Some(true)),
        opt("No", value == Some(false)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

struct ChoiceView<'a> {
    filter: &'a str,
    cursor: usize,
    multi: bool,
    selected: &'a [String],
    /// The choices the filter leaves, as indices into `q.choices`.
    shown: Vec<usize>,
}

impl ChoiceView<'_> {
    fn render(&self, q: &Question, theme: Theme, frame: &mut Frame, area: Rect) {
        let mut lines = Vec::new();
        if !self.filter.is_empty() || q.choices.len() > 10 {
            let f = if self.filter.is_empty() {
                "type to filter".to_string()
            } else {
                format!("filter: {}", self.filter)
            };
            lines.push(Line::styled(f, theme.dim()));
        }
        let rows = (area.height as usize).saturating_sub(lines.len());
        let first = self.cursor.saturating_sub(rows.saturating_sub(1));
        for (k, &ci) in self.shown.iter().enumerate().skip(first).take(rows) {
            let c = &q.choices[ci];
            let on = self.selected.contains(&c.value);
            let mark = match (self.multi, on) {
                (true, true) => "[x]",
                (true, false) => "[ ]",
                (false, true) => "(•)",
                (false, false) => "( )",
            };
            let (pointer, style) = if k == self.cursor {
                ("›", theme.selected())
            } else {
                (" ", Style::default())
            };
            let alone = if self.multi && c.exclusive {
                " (only on its own)"
            } else {
                ""
            };
            let text = format!("{pointer} {mark} {}{alone}", c.label());
            lines.push(Line::styled(truncate(&text, area.width as usize), style));
        }
        if self.shown.is_empty() {
            lines.push(Line::styled(
                "no choice matches; Backspace to edit the filter",
                theme.dim(),
            ));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
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
