//! The overlays of saving: answers in conflict with the file on disk, and quitting when the
//! session file cannot be written.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::super::app::App;
use super::super::msg::{Failure, Side};
use super::super::theme::Theme;
use super::screens::popup;
use crate::text::truncate;

/// At most this many lines of each version of the selected answer.
const SIDE_LINES: usize = 8;

// Longer than a screen: one popup drawn top to bottom: the answers in conflict, the two versions, the keys.
pub fn render_conflicts(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(state) = &app.conflicts else {
        return;
    };
    let q = &app.interview.bundle().questionnaire;
    let w = 96.min(area.width).saturating_sub(4) as usize;
    let words = |question: &str, a: &Option<crate::Answer>| match (q.get(question), a) {
        (_, None) => "(no answer)".to_string(),
        (Some(x), Some(a)) => x.answer_text(a),
        (None, Some(a)) => a.to_string(),
    };
    // A merge's conflicts are two branches; a save's are this screen against the file.
    let (intro, title, [mine, theirs], [mine_mark, theirs_mark]) = if state.from_file {
        (
            "A merge left these answers different on the two branches (both kept in the file's [conflicts] table). m keeps ours, t takes theirs; M and T decide all that are left. To combine them, pick one, then edit it.",
            " Merge conflicts in the file ",
            ["ours  ", "theirs"],
            ["[ours]", "[theirs]"],
        )
    } else {
        (
            "These answers changed here and in the file on disk. m keeps yours, t takes the file's; M and T decide all that are left.",
            " The file changed on disk ",
            ["yours ", "file's"],
            ["[yours]", "[file's]"],
        )
    };
    let mut lines: Vec<Line> = crate::text::wrap(intro, w.max(1))
        .into_iter()
        .map(|l| Line::styled(l, theme.dim()))
        .collect();
    for (i, (c, decision)) in state.set.conflicts.iter().zip(&state.decisions).enumerate() {
        let prompt = q
            .get(&c.question)
            .map_or(c.question.as_str(), |x| &x.prompt);
        let style = if i == state.cursor {
            theme.selected()
        } else {
            theme.title()
        };
        let mark = match decision {
            Some(Side::Mine) => mine_mark,
            Some(Side::Theirs) => theirs_mark,
            None => "[?]",
        };
        lines.push(Line::styled(
            truncate(&format!("{mark} {prompt}"), w),
            style,
        ));
        // The selected answer's two versions in full (up to a screenful), the others a line.
        let width = w.saturating_sub(11).max(1);
        let side = |label: &str, a: &Option<crate::Answer>, chosen: bool| {
            let style = if chosen { theme.ok() } else { Style::default() };
            let text = words(&c.question, a);
            let parts = if i == state.cursor {
                crate::text::wrap(&text, width)
                    .into_iter()
                    .take(SIDE_LINES)
                    .collect()
            } else {
                vec![truncate(&text.replace('\n', " / "), width)]
            };
            let parts = if parts.is_empty() {
                vec![String::new()]
            } else {
                parts
            };
            parts
                .into_iter()
                .enumerate()
                .map(|(k, part)| {
                    let label = if k == 0 {
                        format!("   {label}: ")
                    } else {
                        " ".repeat(11)
                    };
                    Line::from(vec![
                        Span::styled(label, theme.dim()),
                        Span::styled(part, style),
                    ])
                })
                .collect::<Vec<_>>()
        };
        lines.extend(side(mine, &c.ours, *decision == Some(Side::Mine)));
        lines.extend(side(theirs, &c.theirs, *decision == Some(Side::Theirs)));
    }
    let rect = popup(area, 96, (lines.len() as u16 + 2).max(8));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(Span::styled(title, theme.title()))
                .border_style(theme.error()),
        ),
        rect,
    );
}

pub fn render_unsaved(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let rect = popup(area, 90, 11);
    let block = Block::bordered()
        .title(Span::styled(
            " The answers could not be saved ",
            theme.title(),
        ))
        .border_style(theme.error());
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let [why, label, path, result, keys] = inner.layout(&Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Length(1),
    ]));
    let error = app
        .save_error
        .as_ref()
        .map_or_else(|| "unknown error".to_string(), Failure::to_string);
    frame.render_widget(
        Paragraph::new(format!("Could not save: {error}"))
            .style(theme.error())
            .wrap(ratatui::widgets::Wrap { trim: true }),
        why,
    );
    frame.render_widget(
        Paragraph::new(Line::styled(
            "Write a copy of your answers to:",
            theme.dim(),
        )),
        label,
    );
    frame.render_widget(&app.copy_path, path);
    if let Some(e) = &app.copy_error {
        frame.render_widget(
            Paragraph::new(format!("Not written: {e}"))
                .style(theme.error())
                .wrap(ratatui::widgets::Wrap { trim: true }),
            result,
        );
    }
    let key = |k: &'static str| Span::styled(k, theme.key());
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            key("Enter"),
            Span::raw(" write the copy  "),
            key("^Q"),
            Span::raw(" quit without saving  "),
            key("Esc"),
            Span::raw(" back"),
        ])),
        keys,
    );
}
