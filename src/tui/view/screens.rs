//! The review and export screens, and the help and section-picker overlays.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, List, ListItem, ListState, Paragraph, Wrap};

use super::super::app::{App, ItemKind};
use super::super::keys::help_groups;
use super::super::theme::{Theme, severity_mark};
use super::section_progress;
use crate::text::{plural, truncate, wrap};

pub fn render_review(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let items = app.review_items();
    let block = Block::bordered()
        .title(Span::styled(" Review ", theme.title()))
        .border_style(theme.dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [summary, list] = inner.layout(&Layout::vertical([
        Constraint::Length(5),
        Constraint::Min(1),
    ]));
    render_review_summary(app, theme, frame, summary, &items);

    if items.is_empty() {
        frame.render_widget(
            Paragraph::new(
                "Nothing open, every answer fits, no findings. ^O exports the design doc.",
            )
            .style(theme.ok()),
            list,
        );
        return;
    }
    let w = list.width.saturating_sub(4) as usize;
    let selected = app.review_cursor.min(items.len() - 1);
    let list_items: Vec<ListItem> = items
        .iter()
        .enumerate()
        .map(|(i, item)| review_item(app, theme, item, w, i == selected))
        .collect();
    let mut state = ListState::default().with_selected(Some(selected));
    frame.render_stateful_widget(
        List::new(list_items)
            .highlight_style(theme.selected())
            .highlight_symbol("▶ "),
        list,
        &mut state,
    );
}

/// How the verdict is named wherever it shows: kickoff's, not the human reviewers'.
pub const VERDICT_LABEL: &str = "kickoff's review";

/// The review's first lines: the verdict's counts, what is listed but not counted, who
/// reviewed, and the readiness (or, in a quick session, what waits for the full interview).
// Longer than a screen: the summary drawn top to bottom: the counts, who reviewed, the readiness or the quick session's note.
fn render_review_summary(
    app: &App,
    theme: Theme,
    frame: &mut Frame,
    summary: Rect,
    items: &[super::super::app::ReviewItem],
) {
    let count = |k: ItemKind| items.iter().filter(|i| i.kind == k).count();
    let verdict = app.verdict();
    let plural = crate::text::plural;
    let mut lines = vec![Line::from(vec![
        Span::styled(
            plural(
                count(ItemKind::Problem),
                "answer that does not fit",
                Some("answers that do not fit"),
            ),
            theme.error(),
        ),
        Span::raw(" · "),
        Span::styled(
            plural(verdict.blockers, "blocker", None),
            theme.severity(crate::Severity::Blocker),
        ),
        Span::raw(" · "),
        Span::raw(plural(
            count(ItemKind::Open),
            "open required question",
            None,
        )),
        Span::raw(" · "),
        Span::styled(
            plural(verdict.warnings, "warning", None),
            theme.severity(crate::Severity::Warning),
        ),
        Span::raw(" · "),
        Span::raw(plural(verdict.infos, "note", None)),
    ])];
    // What is listed but not counted, and who reviewed.
    let mut aside = Vec::new();
    if verdict.waived > 0 {
        aside.push(format!("{} waived", verdict.waived));
    }
    if verdict.stale > 0 {
        aside.push(format!("{} stale", verdict.stale));
    }
    if verdict.advisory > 0 {
        aside.push(format!("{} advisory", verdict.advisory));
    }
    if verdict.deviations + verdict.recorded_deviations > 0 {
        aside.push(format!(
            "{} changed since the plan was frozen ({} recorded)",
            verdict.deviations + verdict.recorded_deviations,
            verdict.recorded_deviations
        ));
    }
    aside.insert(0, format!("Reviewed by {}", verdict.reviewed_by()));
    let reviewed = Line::styled(
        truncate(&aside.join(" · "), summary.width as usize),
        theme.dim(),
    );
    if let Some(r) = &app.interview.review().readiness {
        let parts: Vec<String> = r
            .sections
            .iter()
            .map(|s| format!("{} {}", s.name, s.score))
            .collect();
        lines.push(Line::from(vec![
            Span::styled(format!("ML Test Score {} ", r.score), theme.title()),
            Span::styled(format!("({}) ", parts.join(", ")), theme.dim()),
        ]));
        lines.push(Line::styled(
            truncate(&r.band, summary.width as usize),
            theme.dim(),
        ));
    }
    // A quick session: what waits for the full interview, in place of the band.
    let review = app.interview.review();
    let pending = review.pending.iter().filter(|&&p| p).count();
    if pending > 0 {
        let text = format!(
            "Quick kickoff: {} and {} wait for the full interview (F4)",
            plural(pending, "question", None),
            plural(review.deferred.len(), "finding", None)
        );
        lines.truncate(2);
        lines.push(Line::styled(
            truncate(&text, summary.width as usize),
            theme.focus(),
        ));
    }
    lines.push(reviewed);
    // The verdict is kickoff's own (its rules, and the LLM reviewer when it counts), not the
    // people's who review the plan.
    lines.insert(
        0,
        Line::styled(
            truncate(
                &format!("{VERDICT_LABEL}: {}", verdict.title),
                summary.width as usize,
            ),
            theme.title(),
        ),
    );
    frame.render_widget(Paragraph::new(lines), summary);
}

/// One item of the review list: its kind and where it is, then its text (in full when
/// `selected`, else in four lines).
fn review_item(
    app: &App,
    theme: Theme,
    item: &super::super::app::ReviewItem,
    w: usize,
    selected: bool,
) -> ListItem<'static> {
    let q = &app.interview.bundle().questionnaire;
    let (mark, label, style) = match item.kind {
        ItemKind::Problem => ("✗", "does not fit", theme.error()),
        ItemKind::Open => ("○", "open", Style::default()),
        ItemKind::Finding(s) => (severity_mark(s), s.name(), theme.severity(s)),
        ItemKind::Llm { severity, stale } => (
            severity_mark(severity),
            severity.name(),
            theme.reviewer(severity, stale),
        ),
    };
    let place = item
        .question
        .as_deref()
        .and_then(|id| q.index_of(id))
        .map(|i| {
            format!(
                "{}. {}",
                q.section_of(i) + 1,
                q.sections[q.section_of(i)].title
            )
        })
        .unwrap_or_else(|| match item.kind {
            ItemKind::Llm { .. } => "the whole design".into(),
            _ => String::new(),
        });
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{mark} {label:<8}"), style),
        Span::styled(place, theme.dim()),
    ])];
    let text_style = match item.kind {
        ItemKind::Llm { stale: true, .. } => theme.dim(),
        _ => Style::default(),
    };
    // The selected item in full; the others in four lines, a cut one ending in "…".
    let mut text = wrap(&item.text, w);
    if !selected && text.len() > 4 {
        text.truncate(4);
        text[3] = truncate(&format!("{} …", text[3]), w);
    }
    lines.extend(
        text.into_iter()
            .map(|l| Line::styled(format!("  {l}"), text_style)),
    );
    ListItem::new(Text::from(lines))
}

pub fn render_export(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let [field, result, preview] = area.layout(&Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(3),
    ]));
    let block = Block::bordered()
        .title(Span::styled(
            " Write the design doc to (Enter writes) ",
            theme.title(),
        ))
        .border_style(theme.focus());
    let inner = block.inner(field);
    frame.render_widget(block, field);
    frame.render_widget(&app.export.path, inner);
    let mut line = match &app.export.result {
        Some(Ok(p)) => Line::styled(format!(" Wrote {}.", crate::text::path(p)), theme.ok()),
        Some(Err(e)) => Line::styled(format!(" Not written: {e}"), theme.error()),
        None => Line::styled(" Preview below; PgUp/PgDn scroll.", theme.dim()),
    };
    // A number typed that is not valid is not in the doc: the doc shows the answer saved.
    let drafts = app.open_drafts();
    if !drafts.is_empty() {
        let left_out: Vec<String> = drafts
            .iter()
            .map(|(q, why)| format!("{} ({why})", q.doc_label()))
            .collect();
        line.push_span(Span::styled(
            format!(
                " Not in the doc, typed but not valid: {}",
                left_out.join("; ")
            ),
            theme.severity(crate::critic::Severity::Warning),
        ));
    }
    frame.render_widget(Paragraph::new(line), result);
    let block = Block::bordered()
        .title(Span::styled(" Preview ", theme.title()))
        .border_style(theme.dim());
    frame.render_widget(
        Paragraph::new(app.export.preview.as_str())
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((
                app.export
                    .scroll
                    .min(app.export.preview.lines().count() as u16),
                0,
            )),
        preview,
    );
}

pub(super) fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub fn render_help(theme: Theme, frame: &mut Frame, area: Rect, scroll: u16) {
    let mut lines = Vec::new();
    let row = |k: &str, what: &str| {
        Line::from(vec![
            Span::styled(format!("{k:>14}  "), theme.key()),
            Span::raw(what.to_string()),
        ])
    };
    for (title, rows) in help_groups() {
        lines.push(Line::styled(title, theme.title()));
        lines.extend(rows.iter().map(|(k, w)| row(k, w)));
    }
    let rect = popup(area, 84, lines.len() as u16 + 2);
    // On a small terminal the list scrolls; never past its end.
    let scroll = scroll.min((lines.len() as u16 + 2).saturating_sub(rect.height));
    let title = if rect.height < lines.len() as u16 + 2 {
        " Keys (↑↓ PgUp PgDn scroll, any other key closes) "
    } else {
        " Keys (any key closes) "
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(
            Block::bordered()
                .title(Span::styled(title, theme.title()))
                .border_style(theme.focus()),
        ),
        rect,
    );
}

pub fn render_picker(app: &App, theme: Theme, frame: &mut Frame, area: Rect, cursor: usize) {
    let sections = &app.interview.bundle().questionnaire.sections;
    let lines: Vec<Line> = sections
        .iter()
        .enumerate()
        .map(|(s, section)| {
            let pointer = if s == cursor { "›" } else { " " };
            let text = format!(
                "{pointer} {} {:>2}  {}",
                section_progress(app, s).mark(),
                // The number typed to go there: 10 and 11 take two digits.
                s + 1,
                section.title
            );
            let style = if s == cursor {
                theme.selected()
            } else {
                Style::default()
            };
            Line::styled(text, style)
        })
        .collect();
    let rect = popup(area, 60, sections.len() as u16 + 2);
    // Keep the selected section in view on a short terminal.
    let rows = rect.height.saturating_sub(2) as usize;
    let lines: Vec<Line> = lines
        .into_iter()
        .skip((cursor + 1).saturating_sub(rows))
        .collect();
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(Span::styled(
                    " Go to section (number or ↑↓ Enter) ",
                    theme.title(),
                ))
                .border_style(theme.focus()),
        ),
        rect,
    );
}

/// A new session's first choice: the quick kickoff or the full interview, with how many
/// questions each asks.
pub fn render_depth(
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
    cursor: usize,
    (quick, full): (usize, usize),
) {
    // About 45 seconds a question, typing real answers.
    let minutes = |n: usize| (n * 3).div_ceil(4).max(1);
    let options = [
        (
            "Quick kickoff (q)",
            format!(
                "The essential questions only: {quick} so far, a few more if your answers \
                 call for them; about {}. The critique, the doc and `check` work on it, \
                 and the doc names what is still to be written.",
                plural(minutes(quick), "minute", None)
            ),
        ),
        (
            "Full interview (f)",
            format!(
                "Every question that applies: {full} so far, more may follow from your \
                 answers; about {}. A quick \
                 session can switch to it at any time (F4), keeping every answer.",
                plural(minutes(full), "minute", None)
            ),
        ),
    ];
    let width = popup(area, 64, 1).width.saturating_sub(6) as usize;
    let mut lines = Vec::new();
    for (n, (title, about)) in options.iter().enumerate() {
        let picked = n == cursor;
        let pointer = if picked { "›" } else { " " };
        let style = if picked {
            theme.selected()
        } else {
            Style::default()
        };
        lines.push(Line::styled(format!("{pointer} {title}"), style));
        for l in crate::text::wrap(about, width.max(10)) {
            lines.push(Line::styled(format!("    {l}"), theme.dim()));
        }
        lines.push(Line::raw(""));
    }
    lines.pop();
    let rect = popup(area, 64, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(Span::styled(" How deep today? ", theme.title()))
                .title_bottom(Span::styled(" ↑↓ Enter · q quick · f full ", theme.dim()))
                .border_style(theme.focus()),
        ),
        rect,
    );
}
