//! The response form: the finding, its status, the reason and the owner.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::super::app::App;
use super::super::respond::Part;
use super::super::theme::Theme;
use super::screens::popup;

// Longer than a screen: one form drawn top to bottom: status, reason, owner, the error and the keys.
pub fn render_respond(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(form) = &app.respond else {
        return;
    };
    let rect = popup(area, 90, 14);
    let block = Block::bordered()
        .title(Span::styled(
            format!(" Respond to [{}] ", form.rule),
            theme.title(),
        ))
        .border_style(theme.focus());
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let [finding, status, reason, owner, note] = inner.layout(&Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(2),
        Constraint::Length(2),
        Constraint::Length(2),
        Constraint::Min(1),
    ]));
    let message = app
        .interview
        .review()
        .findings
        .iter()
        .find(|f| f.rule == form.rule)
        .map_or("", |f| f.message.as_str());
    frame.render_widget(
        Paragraph::new(message)
            .style(theme.dim())
            .wrap(Wrap { trim: true }),
        finding,
    );
    let label = |text: &'static str, part: Part| {
        let style = if form.focus == part {
            theme.selected()
        } else {
            theme.dim()
        };
        Span::styled(text, style)
    };
    let choices: Vec<Span> = form
        .choices()
        .iter()
        .enumerate()
        .flat_map(|(n, c)| {
            let name = c.map_or("remove the response", |s| s.name());
            let style = if n == form.status {
                theme.selected()
            } else {
                theme.dim()
            };
            let mark = if n == form.status { "(•) " } else { "( ) " };
            [
                Span::styled(format!("{mark}{name}"), style),
                Span::raw("  "),
            ]
        })
        .collect();
    let mut row = vec![label("Status  ", Part::Status)];
    row.extend(choices);
    frame.render_widget(Paragraph::new(Line::from(row)), status);
    for (rect, text, part, area) in [
        (reason, "Reason  ", Part::Reason, &form.reason),
        (owner, "Owner   ", Part::Owner, &form.owner),
    ] {
        let [l, field] = rect.layout(&Layout::horizontal([
            Constraint::Length(8),
            Constraint::Min(1),
        ]));
        frame.render_widget(Paragraph::new(Line::from(label(text, part))), l);
        let [field, _] = field.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
        ]));
        frame.render_widget(area, field);
    }
    let hint = match (&form.error, form.chosen()) {
        (Some(e), _) => Line::styled(e.clone(), theme.error()),
        (None, Some(s)) if s.waives() => Line::styled(
            "Needs a reason (and, for an accepted risk, an owner). It stops the finding failing \
             `kickoff check` until the answers it was about change.",
            theme.dim(),
        ),
        (None, Some(_)) => Line::styled(
            "Fixed is noted; the finding goes away when the answers show the fix.",
            theme.dim(),
        ),
        (None, None) => Line::styled("Enter removes the response.", theme.dim()),
    };
    frame.render_widget(Paragraph::new(hint).wrap(Wrap { trim: true }), note);
}
