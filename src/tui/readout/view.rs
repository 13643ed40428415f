//! Drawing the readout form: a pure function of its state. The form on the left (each item a
//! line, the focused one with its widget), the checks beside it (the decision first, the
//! effect and its interval against the threshold, the split, the findings), the readout doc
//! over both when asked for.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::form::{ITEMS, Item};
use super::keys;
use super::update::{Checked, ReadoutApp};
use crate::answer::{Answer, Cell};
use crate::readout::{Decision, Report};
use crate::tui::theme::{Theme, severity_mark};
use crate::tui::view::field::{options, render_form_field};

pub fn view(app: &ReadoutApp, frame: &mut Frame) {
    let theme = Theme { color: app.color };
    let [header, body, banner, bar] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    render_header(app, theme, frame, header);
    if let Some(doc) = &app.doc {
        let block = Block::bordered()
            .border_style(theme.focus())
            .title(Span::styled(
                " The readout doc (as `kickoff render --template readout` writes it) ",
                theme.title(),
            ));
        frame.render_widget(
            Paragraph::new(doc.text.as_str())
                .block(block)
                .wrap(Wrap { trim: false })
                .scroll((doc.scroll, 0)),
            body,
        );
    } else {
        let [form, checks] =
            Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
                .areas(body);
        render_form(app, theme, frame, form);
        render_checks(app, theme, frame, checks);
    }
    if let Some(b) = &app.banner {
        let style = if b.is_error() {
            theme.error()
        } else {
            theme.ok()
        };
        frame.render_widget(Paragraph::new(Span::styled(b.text.as_str(), style)), banner);
    } else if let Some(e) = &app.save_error {
        frame.render_widget(
            Paragraph::new(Span::styled(format!("not saved: {e}"), theme.error())),
            banner,
        );
    }
    let spans: Vec<Span> = keys::bar(app)
        .iter()
        .flat_map(|(k, what)| {
            [
                Span::styled(format!(" {k} "), theme.key()),
                Span::raw(format!("{what} ")),
            ]
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::from(spans)), bar);
}

fn render_header(app: &ReadoutApp, theme: Theme, frame: &mut Frame, area: Rect) {
    let frozen = match &app.frozen_at {
        Some(at) => Span::styled(format!("plan frozen {at}"), theme.ok()),
        None => Span::styled(
            "never frozen: nothing was pre-registered, so the readout is read against the plan as it is now",
            theme.severity(crate::critic::Severity::Warning),
        ),
    };
    let line = Line::from(vec![
        Span::styled(" Readout ", theme.title()),
        Span::raw(format!("{} · ", crate::text::path(&app.path))),
        frozen,
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// One line saying what an item holds, for the items not focused.
fn summary(app: &ReadoutApp, item: Item) -> String {
    let form = &app.form;
    if item == Item::Kind {
        return if form.rate {
            "a rate (successes / trials)".into()
        } else {
            "a mean (mean, sd, n)".into()
        };
    }
    let rows = |a: Option<Answer>| match a {
        Some(Answer::Records(rows)) => rows,
        _ => Vec::new(),
    };
    match (item, form.field(item).answer()) {
        (Item::Arms, a) => rows(a)
            .iter()
            .map(|r| {
                let cell = |id: &str| r.get(id).map(Cell::to_string).unwrap_or_default();
                let metric = if form.rate {
                    format!("{}/{}", cell("successes"), cell("trials"))
                } else {
                    format!("mean {}", cell("mean"))
                };
                format!("{} {} units, {metric}", cell("name"), cell("units"))
            })
            .collect::<Vec<_>>()
            .join("; "),
        (Item::Guardrails | Item::Holdout, a) => rows(a)
            .iter()
            .map(|r| {
                let name = r
                    .get("name")
                    .or_else(|| r.get("metric"))
                    .map(Cell::to_string)
                    .unwrap_or_default();
                let seen = r
                    .get("observed")
                    .map(Cell::to_string)
                    .unwrap_or_else(|| "not measured".into());
                format!("{name}: {seen}")
            })
            .collect::<Vec<_>>()
            .join("; "),
        (Item::LookedEarly, Some(Answer::Bool(b))) => if b { "yes" } else { "no" }.into(),
        (Item::LookedEarly, _) => "no".into(),
        (Item::Split, None) => "equal".into(),
        (_, Some(a)) => a.to_string().replace('\n', ", "),
        (_, None) => String::new(),
    }
}

/// How tall the focused item's widget is.
fn widget_height(app: &ReadoutApp, item: Item) -> u16 {
    use crate::tui::Field;
    match app.form.field(item) {
        Field::Records(grid) => (grid.rows.len() as u16 + 3).clamp(4, 9),
        Field::List { items, .. } => (items.len() as u16 + 3).clamp(3, 7),
        Field::YesNo { .. } => 1,
        _ => 3,
    }
}

fn render_form(app: &ReadoutApp, theme: Theme, frame: &mut Frame, area: Rect) {
    let block = Block::bordered().title(Span::styled(" Results ", theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    let line_at = |y: u16| Rect {
        x: inner.x,
        y,
        width: inner.width,
        height: 1,
    };
    for (i, item) in ITEMS.iter().copied().enumerate() {
        if y >= bottom {
            break;
        }
        let focused = i == app.form.focus;
        let looked = matches!(
            app.form.field(Item::LookedEarly).answer(),
            Some(Answer::Bool(true))
        );
        let dim = item == Item::LookedOn && !looked;
        let label = Span::styled(
            format!("{} {}: ", if focused { "›" } else { " " }, item.label()),
            if focused {
                theme.focus()
            } else if dim {
                theme.dim()
            } else {
                theme.title()
            },
        );
        if !focused {
            let text = crate::text::truncate(&summary(app, item), inner.width as usize);
            frame.render_widget(
                Paragraph::new(Line::from(vec![label, Span::raw(text)])),
                line_at(y),
            );
            y += 1;
            continue;
        }
        frame.render_widget(Paragraph::new(Line::from(label)), line_at(y));
        y += 1;
        let h = widget_height(app, item).min(bottom.saturating_sub(y));
        let rect = Rect {
            x: inner.x + 2,
            y,
            width: inner.width.saturating_sub(2),
            height: h,
        };
        if item == Item::Kind {
            let line = options(
                &[
                    ("rate: successes / trials", app.form.rate),
                    ("mean: mean, sd, n", !app.form.rate),
                ],
                theme,
            );
            frame.render_widget(
                Paragraph::new(line).block(Block::bordered().border_style(theme.focus())),
                rect,
            );
        } else {
            render_form_field(
                app.form.question(item),
                app.form.field(item),
                theme,
                frame,
                rect,
            );
        }
        y += h;
    }
}

fn decision_style(theme: Theme, d: Decision) -> Style {
    match d {
        Decision::Ship => theme.ok().add_modifier(ratatui::style::Modifier::BOLD),
        Decision::Stop => theme.error(),
        Decision::Extend => theme.severity(crate::critic::Severity::Warning),
    }
}

/// The checks of the readout on screen, in lines: the decision, the effect against the
/// threshold, the split, each finding.
pub fn check_lines(r: &Report) -> Vec<(Option<crate::critic::Severity>, String)> {
    let mut out = vec![(None, format!("Decision: {}", r.decision_title))];
    out.push((None, r.reason.clone()));
    if let Some([p, lo, hi]) = r.improvement {
        let against = r
            .mde_pct
            .map(|m| format!(" against {m}% worth shipping"))
            .unwrap_or_else(|| " (the plan sets no smallest effect worth shipping)".into());
        out.push((
            None,
            format!(
                "Effect on {}: {p:+.2}% (95% CI {lo:+.2}% to {hi:+.2}%){against}",
                r.readout.metric
            ),
        ));
        let sig = if r.stopped_early {
            "stopped early: not significant, whatever the interval"
        } else if r.short_of_units {
            "short of the planned units: not significant"
        } else if r.significant {
            "significant at 95%"
        } else {
            "not significant at 95%"
        };
        out.push((None, sig.to_string()));
    }
    if let Some(s) = r.srm {
        let flag = if s.p_value < crate::readout::stats::SRM_ALPHA {
            "sample ratio mismatch"
        } else {
            "split as planned"
        };
        out.push((
            None,
            format!(
                "Split: χ² = {:.2} ({} df), p = {}: {flag}",
                s.chi_square,
                s.df,
                crate::readout::stats::p_text(s.p_value)
            ),
        ));
    }
    if let (Some(d), Some(p)) = (r.days, r.planned_days) {
        out.push((
            None,
            format!(
                "Ran {d} of {} planned days",
                crate::answer::format_number(p)
            ),
        ));
    }
    for f in &r.findings {
        out.push((Some(f.severity), format!("[{}] {}", f.check, f.message)));
    }
    out
}

fn render_checks(app: &ReadoutApp, theme: Theme, frame: &mut Frame, area: Rect) {
    let block = Block::bordered().title(Span::styled(" Checks against the plan ", theme.title()));
    let lines: Vec<Line> = match &app.checked {
        Checked::Draft(m) => vec![
            Line::styled("Not saved yet", theme.error()),
            Line::raw(m.clone()),
        ],
        Checked::Invalid(m) => vec![
            Line::styled("Saved, but it does not make sense yet", theme.error()),
            Line::raw(m.clone()),
            Line::raw(""),
            Line::styled(
                "`kickoff check` fails on it until it is fixed.",
                theme.dim(),
            ),
        ],
        Checked::Report(r) => check_lines(r)
            .into_iter()
            .enumerate()
            .flat_map(|(k, (sev, text))| {
                let line = match (k, sev) {
                    (0, _) => Line::styled(text, decision_style(theme, r.decision)),
                    (_, Some(s)) => Line::from(vec![
                        Span::styled(format!("{} ", severity_mark(s)), theme.severity(s)),
                        Span::raw(text),
                    ]),
                    _ => Line::raw(text),
                };
                [line, Line::raw("")]
            })
            .collect(),
    };
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
