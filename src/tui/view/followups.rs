//! The reviewer's questions screen: the questions, each with what it is about and whether the
//! team answered it, and the picked one's answer being typed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::super::app::App;
use super::super::followups::FollowupsState;
use super::super::theme::Theme;
use super::draw_lines;
use crate::critique_findings::GENERAL;
use crate::text::wrap;

pub fn render_followups(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let session = app.interview.session();
    let items = FollowupsState::items(session);
    let answered = items.iter().filter(|(_, a)| !a.trim().is_empty()).count();
    let block = Block::bordered()
        .title(Span::styled(
            format!(
                " Reviewer's questions ({answered} of {} answered) ",
                items.len()
            ),
            theme.title(),
        ))
        .border_style(theme.dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if items.is_empty() {
        let text = "The LLM reviewer has asked nothing back yet: ^L asks for a critique, and its questions come here.";
        frame.render_widget(Paragraph::new(text).style(theme.dim()), inner);
        return;
    }
    let [list, answer] = inner.layout(&Layout::vertical([
        Constraint::Min(3),
        Constraint::Length((inner.height / 3).clamp(5, 10)),
    ]));
    let q = &app.interview.bundle().questionnaire;
    let w = list.width.saturating_sub(4) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let mut picked_at = 0;
    for (n, (f, a)) in items.iter().enumerate() {
        let picked = n == app.followups.cursor;
        if picked {
            picked_at = lines.len();
        }
        let style = if picked {
            theme.focus()
        } else {
            Style::default()
        };
        for (k, l) in wrap(&format!("{}. {}", n + 1, f.ask), w)
            .into_iter()
            .enumerate()
        {
            let mark = if picked && k == 0 { "▶ " } else { "  " };
            lines.push(Line::from(vec![
                Span::styled(mark, theme.focus()),
                Span::styled(l, style),
            ]));
        }
        let about = match q.get(&f.question) {
            Some(question) if f.question != GENERAL => format!("about: {}", question.prompt),
            _ => "about the whole design".to_string(),
        };
        let state = if a.trim().is_empty() {
            Span::styled("not answered yet", theme.error())
        } else {
            Span::styled("answered", theme.ok())
        };
        let about = crate::text::truncate(&about, w.saturating_sub(20));
        lines.push(Line::from(vec![
            Span::raw("    "),
            Span::styled(about, theme.dim()),
            Span::raw(" · "),
            state,
        ]));
        lines.push(Line::raw(""));
    }
    // Keep the picked question in view.
    let skip = (picked_at + 3).saturating_sub(list.height as usize);
    draw_lines(frame, list, &lines[skip..]);
    let block = Block::bordered()
        .title(Span::styled(
            " The team's answer (saved as you type, sent with the next critique; Alt+Enter: a new line) ",
            theme.title(),
        ))
        .border_style(theme.focus());
    let inner = block.inner(answer);
    frame.render_widget(block, answer);
    frame.render_widget(&app.followups.answer, inner);
}
