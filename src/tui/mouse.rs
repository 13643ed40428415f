//! The mouse and the panes, for `update`: a click or a wheel turn is placed with the same
//! layout the view draws with ([`super::layout`]), computed for the terminal's size as last
//! heard (`Msg::Resize`), and becomes a message for `update` or a change of the answer's
//! widget. Pure, like the rest of `update`.

use ratatui::crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::app::App;
use super::field::{Field, Outcome};
use super::layout::{self, Pane};
use super::msg::{Motion, Msg, Screen};
use super::theme::Theme;

/// What a mouse event comes to.
pub enum Effect {
    /// A message for `update`, as if from a key.
    Run(Box<Msg>),
    /// The focused widget's answer changed (a choice picked, Yes or No): store and save it.
    AnswerChanged,
    None,
}

impl Effect {
    fn run(msg: Msg) -> Effect {
        Effect::Run(Box::new(msg))
    }
}

pub fn handle(app: &mut App, ev: MouseEvent) -> Effect {
    let at = Position::new(ev.column, ev.row);
    match ev.kind {
        MouseEventKind::Down(MouseButton::Left) => click(app, at),
        MouseEventKind::ScrollUp => wheel(app, at, Motion::Up),
        MouseEventKind::ScrollDown => wheel(app, at, Motion::Down),
        _ => Effect::None,
    }
}

/// F2 / F3: a pane shown (in full) is hidden, one hidden or collapsed is shown.
pub fn toggle_pane(app: &mut App, sidebar: bool) {
    let panes = layout::interview_panes(app, app.size);
    if sidebar {
        let full = matches!(panes.sidebar, Some((_, false)));
        app.sidebar = if full { Pane::Hidden } else { Pane::Shown };
    } else {
        let shown = panes.help.is_some();
        app.help_pane = if shown { Pane::Hidden } else { Pane::Shown };
    }
}

/// What lies under the pointer on the interview screen.
enum Spot {
    Section(usize),
    Question(usize),
    /// The focused question's widget, where it is drawn.
    Widget(Rect),
    Nothing,
}

fn spot(app: &App, at: Position) -> Spot {
    if app.overlay.is_some() || app.screen != Screen::Interview {
        return Spot::Nothing;
    }
    let panes = layout::interview_panes(app, app.size);
    if let Some((side, _)) = panes.sidebar
        && side.contains(at)
    {
        let s = (at.y - side.y) as usize;
        return match s < app.interview.bundle().questionnaire.sections.len() {
            true => Spot::Section(s),
            false => Spot::Nothing,
        };
    }
    if !panes.questions.contains(at) {
        return Spot::Nothing;
    }
    let view = layout::questions(
        app,
        Theme { color: false },
        panes.questions,
        panes.help.is_none(),
    );
    if let Some(w) = view.widget.filter(|w| w.contains(at)) {
        return Spot::Widget(w);
    }
    match view.rows.iter().find(|p| p.rect.contains(at)) {
        Some(p) => p.question.map_or(Spot::Nothing, Spot::Question),
        None => Spot::Nothing,
    }
}

fn click(app: &mut App, at: Position) -> Effect {
    match spot(app, at) {
        Spot::Section(s) => Effect::run(Msg::GotoSection(s)),
        Spot::Question(i) if i != app.interview.focus() => {
            let id = app.interview.bundle().questionnaire.question(i).id.clone();
            Effect::run(Msg::GotoQuestion(id))
        }
        Spot::Widget(w) => click_widget(app, w, at),
        Spot::Question(_) | Spot::Nothing => Effect::None,
    }
}

/// A click in the focused answer: a choice is picked (toggled in a multiple choice), Yes or
/// No is answered, in place.
fn click_widget(app: &mut App, w: Rect, at: Position) -> Effect {
    let q = app.interview.focused().clone();
    match &mut app.field {
        Field::Choice { .. } => {
            let rows = layout::choices(&q, &app.field, w.width, w.height);
            let Some(y) = (at.y - w.y).checked_sub(u16::from(rows.filter_line)) else {
                return Effect::None;
            };
            let Some(&(pos, _, _)) = rows
                .items
                .iter()
                .find(|(_, top, lines)| (*top..*top + lines.len() as u16).contains(&y))
            else {
                return Effect::None;
            };
            if let Field::Choice { cursor, .. } = &mut app.field {
                *cursor = pos;
            }
            let space = KeyEvent::from(KeyCode::Char(' '));
            match app.field.handle(&q, space) {
                Outcome::Changed => Effect::AnswerChanged,
                _ => Effect::None,
            }
        }
        // `(•) Yes   ( ) No   `: ten columns each.
        Field::YesNo { value } => {
            let yes = match at.x - w.x {
                0..10 => true,
                10..20 => false,
                _ => return Effect::None,
            };
            *value = Some(yes);
            Effect::AnswerChanged
        }
        _ => Effect::None,
    }
}

/// The wheel moves what is under the pointer: the choices of a list, the questions, the
/// sections; on the other screens and overlays, what ↑↓ move there.
fn wheel(app: &mut App, at: Position, m: Motion) -> Effect {
    if app.overlay.is_some() || app.screen != Screen::Interview {
        return Effect::run(Msg::Move(m));
    }
    let up = m == Motion::Up;
    match spot(app, at) {
        Spot::Section(_) => Effect::run(if up {
            Msg::PrevSection
        } else {
            Msg::NextSection
        }),
        Spot::Widget(_) if matches!(app.field, Field::Choice { .. }) => {
            let code = if up { KeyCode::Up } else { KeyCode::Down };
            let q = app.interview.focused().clone();
            app.field.handle(&q, KeyEvent::from(code));
            Effect::None
        }
        Spot::Question(_) | Spot::Widget(_) => Effect::run(if up {
            Msg::PrevQuestion
        } else {
            Msg::NextQuestion
        }),
        Spot::Nothing => Effect::None,
    }
}
