//! The one place state changes: a message in, the state changed, commands out. No I/O, no
//! clock, no terminal size: the runtime passes those in as messages and carries out the
//! commands. Split by what the message is about: moving around, the current screen's keys,
//! the answer's widget, results from the runtime, the critique.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::App;
use super::field::{Field, Outcome};
use super::keys;
use super::mouse::Effect;
use super::msg::{Banner, Cmd, Failure, Motion, Msg, Overlay, Screen};
use crate::questionnaire::Kind;
use crate::session::Depth;

pub(super) mod undo;

pub fn update(app: &mut App, msg: Msg) -> Vec<Cmd> {
    // The response form takes the keys while it is open.
    let form_open = app.overlay == Some(Overlay::Respond);
    if matches!(msg, Msg::OpenRespond | Msg::ResponseStatus { .. })
        || (form_open
            && matches!(
                msg,
                Msg::Move(_) | Msg::Select | Msg::Input(_) | Msg::Paste(_) | Msg::CloseOverlay
            ))
    {
        return super::responding::update(app, msg);
    }
    match msg {
        Msg::NextQuestion
        | Msg::PrevQuestion
        | Msg::NextSection
        | Msg::PrevSection
        | Msg::GotoSection(_)
        | Msg::GotoQuestion(_) => navigate(app, msg),
        Msg::SetDepth(depth) => super::depth::set_depth(app, depth),
        Msg::OpenPicker => {
            app.section_digit = None;
            app.overlay = Some(Overlay::Picker {
                cursor: app.interview.section(),
            });
            Vec::new()
        }
        Msg::OpenHelp => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        // Conflicts are decided, not dismissed.
        Msg::CloseOverlay if app.overlay == Some(Overlay::Conflicts) => Vec::new(),
        Msg::CloseOverlay => {
            if app.overlay == Some(Overlay::Unsaved) {
                app.quitting = false;
            }
            app.overlay = None;
            Vec::new()
        }
        Msg::Show(screen) => show(app, screen),
        Msg::Back if app.critique.running => app.critique.cancel(),
        Msg::Back => show(app, Screen::Interview),
        Msg::Quit => super::saving::quit(app),
        Msg::Move(m) => handle_motion(app, m),
        Msg::Select => select(app),
        Msg::OpenEditor | Msg::EditorDone(_) | Msg::Clear | Msg::Input(_) | Msg::Paste(_) => {
            edit(app, msg)
        }
        Msg::Undo | Msg::Redo if app.screen == Screen::Interview => {
            undo::step(app, matches!(msg, Msg::Undo))
        }
        Msg::Undo | Msg::Redo => Vec::new(),
        // The frame is on screen: a question that just appeared has been seen.
        Msg::Drawn => {
            if let Some((_, drawn)) = app.new_question.as_mut() {
                *drawn = true;
            }
            Vec::new()
        }
        Msg::SectionDigit(d) => section_digit(app, d),
        Msg::Tick => match app.section_digit.take() {
            Some(d) if matches!(app.overlay, Some(Overlay::Picker { .. })) => {
                update(app, Msg::GotoSection(if d == 0 { 9 } else { d - 1 }))
            }
            _ => Vec::new(),
        },
        Msg::OpenRespond | Msg::ResponseStatus { .. } => Vec::new(),
        Msg::Mouse(ev) => match super::mouse::handle(app, ev) {
            Effect::Run(msg) => update(app, *msg),
            Effect::AnswerChanged => answer_changed(app),
            Effect::None => Vec::new(),
        },
        Msg::Resize { width, height } => {
            app.size = ratatui::layout::Rect::new(0, 0, width, height);
            Vec::new()
        }
        Msg::ToggleSidebar | Msg::ToggleHelpPane => {
            super::mouse::toggle_pane(app, matches!(msg, Msg::ToggleSidebar));
            Vec::new()
        }
        Msg::Saved(_)
        | Msg::QuitBlocked { .. }
        | Msg::CopySaved(_)
        | Msg::Keep { .. }
        | Msg::Exported(_) => super::saving::update(app, msg),
        Msg::CritiqueAsk { .. }
        | Msg::CritiqueUnavailable(_)
        | Msg::CritiqueCached(_)
        | Msg::CritiqueStarted(_)
        | Msg::CritiqueEvent { .. } => critique(app, msg),
    }
}

/// The critique screen's messages; a finished critique joins the session and is saved.
fn critique(app: &mut App, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::CritiqueAsk { fresh } => app.critique.ask(fresh),
        Msg::CritiqueUnavailable(why) => {
            app.critique.unavailable(why);
            Vec::new()
        }
        Msg::CritiqueCached(c) => {
            app.critique
                .cached(c, &app.interview.bundle().questionnaire);
            Vec::new()
        }
        Msg::CritiqueStarted(request) => {
            app.critique.started(request);
            Vec::new()
        }
        Msg::CritiqueEvent { event, at } => {
            let q = &app.interview.bundle().questionnaire;
            match app.critique.on_event(event, &at, q, &app.path) {
                Some(critique) => {
                    app.interview.edit_session(|s| s.critiques.push(critique));
                    vec![Cmd::Save]
                }
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// A digit typed on the section picker: sections 10 and up take two. A first digit that
/// starts a section's two-digit number waits for the second (or Enter, or a moment: then it
/// is the one-digit section); any other goes at once.
fn section_digit(app: &mut App, d: usize) -> Vec<Cmd> {
    let sections = app.interview.bundle().questionnaire.sections.len();
    let goto = |app: &mut App, n: usize| {
        app.section_digit = None;
        update(app, Msg::GotoSection(n - 1))
    };
    if let Some(first) = app.section_digit.take()
        && (1..=sections).contains(&(first * 10 + d))
    {
        return goto(app, first * 10 + d);
    }
    match d {
        // 0 alone is the tenth, as Alt+0 is.
        0 if sections >= 10 => goto(app, 10),
        0 => Vec::new(),
        d if d * 10 <= sections => {
            app.section_digit = Some(d);
            app.overlay = Some(Overlay::Picker { cursor: d - 1 });
            vec![Cmd::TickIn(SECTION_DIGIT_WAIT)]
        }
        d if d <= sections => goto(app, d),
        _ => Vec::new(),
    }
}

/// How long the section picker waits for a second digit.
pub const SECTION_DIGIT_WAIT: std::time::Duration = std::time::Duration::from_millis(900);

/// Moves the focus to question `index`, keeping the answer typed so far.
fn focus_on(app: &mut App, index: usize) -> Vec<Cmd> {
    if !app.interview.focus_on(index) {
        return Vec::new();
    }
    app.history.focus_left();
    // A question a condition just inserted takes no key typed before it was drawn.
    let id = &app.interview.focused().id;
    app.new_question = app.inserted.contains(id).then(|| (id.clone(), false));
    app.inserted.clear();
    // A note has been read once the user moves on; an error stays until it is resolved.
    if app.banner.as_ref().is_some_and(|b| !b.is_error()) {
        app.banner = None;
    }
    app.load_field();
    vec![Cmd::Save]
}

fn goto_section(app: &mut App, section: usize) -> Vec<Cmd> {
    app.screen = Screen::Interview;
    app.overlay = None;
    let iv = &app.interview;
    match iv.first_in(section) {
        Some(i) => focus_on(app, i),
        None => {
            // A section the quick path does not ask: say why nothing happened, and how.
            let q = &iv.bundle().questionnaire;
            if q.section_range(section).any(|i| iv.review().pending[i]) {
                app.banner = Some(Banner::info(format!(
                    "\"{}\" waits for the full interview: F4 asks its questions (every answer \
                     stays).",
                    q.sections[section].title
                )));
            }
            Vec::new()
        }
    }
}

fn navigate(app: &mut App, msg: Msg) -> Vec<Cmd> {
    let iv = &app.interview;
    let sections = iv.bundle().questionnaire.sections.len();
    let current = iv.section();
    match msg {
        Msg::NextQuestion => match iv.step_from(iv.focus(), true) {
            Some(i) => focus_on(app, i),
            None => {
                app.banner = Some(Banner::info(if iv.session().depth.is_full() {
                    "That was the last question: ^R reviews what is open, ^O exports the doc."
                } else {
                    "That was the quick kickoff's last question: ^R reviews what is open, ^O \
                     exports the doc, F4 goes on with the full interview (every answer stays)."
                }));
                Vec::new()
            }
        },
        Msg::PrevQuestion => match iv.step_from(iv.focus(), false) {
            Some(i) => focus_on(app, i),
            None => Vec::new(),
        },
        Msg::NextSection => match (current + 1..sections).find(|&s| iv.first_in(s).is_some()) {
            Some(s) => goto_section(app, s),
            None => Vec::new(),
        },
        // First to the top of this section, then to the previous one.
        Msg::PrevSection if iv.first_in(current) != Some(iv.focus()) => goto_section(app, current),
        Msg::PrevSection => match (0..current).rev().find(|&s| iv.first_in(s).is_some()) {
            Some(s) => goto_section(app, s),
            None => Vec::new(),
        },
        Msg::GotoSection(s) => {
            app.overlay = None;
            if s < sections {
                goto_section(app, s)
            } else {
                Vec::new()
            }
        }
        Msg::GotoQuestion(id) => {
            app.screen = Screen::Interview;
            let index = iv.bundle().questionnaire.index_of(&id);
            match index.filter(|&i| iv.is_asked(i)) {
                Some(i) => focus_on(app, i),
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

pub(super) fn show(app: &mut App, screen: Screen) -> Vec<Cmd> {
    app.screen = screen;
    app.banner = None;
    match screen {
        Screen::Review => {
            let n = app.review_items().len();
            app.review_cursor = app.review_cursor.min(n.saturating_sub(1));
        }
        Screen::Export => {
            app.export.result = None;
            app.export.scroll = 0;
            refresh_preview(app);
        }
        Screen::Critique => {
            let iv = &app.interview;
            app.critique
                .open(iv.session().critiques.last(), &iv.bundle().questionnaire);
        }
        Screen::Followups => app.followups.open(app.interview.session()),
        Screen::Interview => {}
    }
    Vec::new()
}

/// Renders the doc into the preview; false (and the error as the preview) if it failed.
fn refresh_preview(app: &mut App) -> bool {
    let iv = &app.interview;
    match crate::render::render_doc(iv.bundle(), iv.session(), iv.review(), None) {
        Ok(doc) => {
            app.export.preview = doc;
            true
        }
        Err(e) => {
            app.export.preview = format!("The doc could not be rendered: {e}");
            false
        }
    }
}

fn step(cursor: usize, n: usize, m: Motion) -> usize {
    match m {
        _ if n == 0 => 0,
        Motion::Up => (cursor + n - 1) % n,
        Motion::Down => (cursor + 1) % n,
        Motion::PageUp => cursor.saturating_sub(10),
        Motion::PageDown => (cursor + 10).min(n - 1),
        Motion::Home => 0,
        Motion::End => n - 1,
    }
}

fn scroll(at: u16, m: Motion) -> u16 {
    match m {
        Motion::Up => at.saturating_sub(1),
        Motion::Down => at.saturating_add(1),
        Motion::PageUp => at.saturating_sub(10),
        Motion::PageDown => at.saturating_add(10),
        Motion::Home => 0,
        Motion::End => u16::MAX,
    }
}

/// ↑↓ and the like on the overlay or screen that has them.
fn handle_motion(app: &mut App, m: Motion) -> Vec<Cmd> {
    match (app.overlay, app.screen) {
        (Some(Overlay::Help { scroll: at }), _) => {
            app.overlay = Some(Overlay::Help {
                scroll: scroll(at, m),
            });
        }
        (Some(Overlay::Conflicts), _) => {
            if let Some(c) = app.conflicts.as_mut() {
                c.cursor = step(c.cursor, c.decisions.len(), m);
            }
        }
        (Some(Overlay::Unsaved | Overlay::Respond), _) => {}
        (Some(Overlay::Depth { cursor, sizes }), _) => {
            app.overlay = Some(Overlay::Depth {
                cursor: step(cursor, 2, m),
                sizes,
            });
        }
        (Some(Overlay::Picker { cursor }), _) => {
            // A move decides: a first digit no longer waits for its second.
            app.section_digit = None;
            let n = app.interview.bundle().questionnaire.sections.len();
            app.overlay = Some(Overlay::Picker {
                cursor: step(cursor, n, m),
            });
        }
        (None, Screen::Review) => {
            app.review_cursor = step(app.review_cursor, app.review_items().len(), m);
        }
        (None, Screen::Export) => app.export.scroll = scroll(app.export.scroll, m),
        (None, Screen::Critique) => app.critique.handle_motion(m),
        (None, Screen::Followups) => app.followups.handle_motion(m, app.interview.session()),
        (None, Screen::Interview) => {}
    }
    Vec::new()
}

/// Enter on the overlay or screen that has a selection.
fn select(app: &mut App) -> Vec<Cmd> {
    match app.overlay {
        Some(Overlay::Picker { cursor }) => return update(app, Msg::GotoSection(cursor)),
        Some(Overlay::Depth { cursor, .. }) => {
            let depth = if cursor == 0 {
                Depth::Quick
            } else {
                Depth::Full
            };
            return super::depth::set_depth(app, depth);
        }
        Some(Overlay::Unsaved) => return super::saving::save_copy(app),
        Some(_) => return Vec::new(),
        None => {}
    }
    match app.screen {
        Screen::Review => {
            let items = app.review_items();
            match items
                .get(app.review_cursor)
                .and_then(|i| i.question.clone())
            {
                Some(id) => update(app, Msg::GotoQuestion(id)),
                None => Vec::new(),
            }
        }
        Screen::Export => export(app),
        Screen::Critique if app.critique.text().is_empty() => app.critique.ask(false),
        Screen::Critique => match app.critique.selected_question() {
            Some(id) => update(app, Msg::GotoQuestion(id.to_string())),
            None => Vec::new(),
        },
        // The question a follow-up is about; one about the whole design has none.
        Screen::Followups => match app.followups.selected(app.interview.session()) {
            Some(f) if f.question != crate::critique_findings::GENERAL => {
                update(app, Msg::GotoQuestion(f.question))
            }
            _ => Vec::new(),
        },
        Screen::Interview => Vec::new(),
    }
}

fn export(app: &mut App) -> Vec<Cmd> {
    let path = app.export_path();
    let why_not = if path.as_os_str().is_empty() {
        Some(Failure::NoPath)
    } else if !refresh_preview(app) {
        Some(Failure::NotRendered)
    } else {
        None
    };
    if let Some(why) = why_not {
        app.export.result = Some(Err(why));
        return Vec::new();
    }
    vec![Cmd::Export {
        path,
        contents: app.export.preview.clone(),
    }]
}

/// The focused answer's widget: keys, paste, the external editor, clearing.
// Longer than a screen: one arm per editing message, each a few lines sharing the focused field and the save that follows; apart, each would take the whole app again.
fn edit(app: &mut App, msg: Msg) -> Vec<Cmd> {
    // What is pasted or comes back from the editor shows as it will be saved: without
    // control characters (a pasted escape sequence would look clean and be stored raw).
    let msg = match msg {
        Msg::Paste(t) => {
            let t = t.replace("\r\n", "\n").replace('\r', "\n");
            Msg::Paste(crate::answer::without_controls(&t).into_owned())
        }
        Msg::EditorDone(Ok(t)) => {
            Msg::EditorDone(Ok(crate::answer::without_controls(&t).into_owned()))
        }
        other => other,
    };
    match msg {
        Msg::Input(key) if app.overlay == Some(Overlay::Unsaved) => {
            edit_path(&mut app.copy_path, key);
            Vec::new()
        }
        Msg::Paste(text) if app.overlay == Some(Overlay::Unsaved) => {
            app.copy_path.insert_str(text.lines().next().unwrap_or(""));
            Vec::new()
        }
        Msg::Input(key) if app.screen == Screen::Export => {
            edit_path(&mut app.export.path, key);
            Vec::new()
        }
        Msg::Paste(text) if app.screen == Screen::Export => {
            app.export
                .path
                .insert_str(text.lines().next().unwrap_or(""));
            Vec::new()
        }
        Msg::Input(key) if app.screen == Screen::Followups => {
            let followups = &mut app.followups;
            app.interview.edit_session(|s| followups.handle_key(key, s))
        }
        Msg::Paste(text) if app.screen == Screen::Followups => {
            let followups = &mut app.followups;
            app.interview.edit_session(|s| followups.paste(&text, s))
        }
        _ if app.screen != Screen::Interview => Vec::new(),
        // A key typed ahead, before the question a condition just inserted was drawn: not for
        // it (the user had not seen it).
        Msg::Input(_) if app.new_question.as_ref().is_some_and(|(_, drawn)| !drawn) => {
            app.banner = Some(Banner::info(NEW_QUESTION));
            Vec::new()
        }
        Msg::Input(key) if typed_char(&key) && text_room(app) == Some(0) => {
            let max = app.interview.focused().max_length.unwrap_or_default();
            app.banner = Some(Banner::error(format!(
                "At most {max} characters here: that one was not typed."
            )));
            Vec::new()
        }
        Msg::Input(key) => {
            let q = app.interview.focused();
            app.new_question = None;
            if app.showing_default {
                // A default stands until the user types: a character replaces it, Enter
                // keeps it, anything else makes it the text to edit.
                match keys::field_action(q.kind, &key) {
                    Some(keys::FieldAction::Type) => app.field = Field::new(q, None),
                    Some(keys::FieldAction::Submit) => {}
                    _ => app.showing_default = false,
                }
            }
            match app.field.handle(q, key) {
                Outcome::Changed => {
                    app.showing_default = false;
                    answer_changed(app)
                }
                Outcome::Moved => Vec::new(),
                Outcome::Submit => {
                    let mut cmds = answer_changed(app);
                    cmds.extend(update(app, Msg::NextQuestion));
                    cmds
                }
                Outcome::Ignored => match keys::unused_key(&key) {
                    Some(msg) => update(app, msg),
                    None => Vec::new(),
                },
            }
        }
        Msg::Paste(mut text) => {
            // A paste longer than the answer may be keeps what fits, and says so.
            if let Some(room) = text_room(app)
                && text.chars().count() > room
            {
                let max = app.interview.focused().max_length.unwrap_or_default();
                app.banner = Some(Banner::error(format!(
                    "At most {max} characters here: {} of the paste did not fit.",
                    crate::text::plural(text.chars().count() - room, "character", None)
                )));
                text = text.chars().take(room).collect();
            }
            if std::mem::take(&mut app.showing_default) {
                app.field = Field::new(app.interview.focused(), None);
            }
            match app.field.paste(app.interview.focused(), &text) {
                Outcome::Changed => answer_changed(app),
                _ => Vec::new(),
            }
        }
        Msg::OpenEditor => match app.field.editor_text() {
            Some(text) => vec![Cmd::Edit(text)],
            None => {
                app.banner = Some(Banner::info("The external editor is for text answers."));
                Vec::new()
            }
        },
        Msg::EditorDone(Ok(text)) => {
            app.showing_default = false;
            app.field.set_editor_text(&text);
            answer_changed(app)
        }
        Msg::EditorDone(Err(e)) => {
            app.banner = Some(Banner::error(format!("Editor: {e}")));
            Vec::new()
        }
        // Undoable: a text's clear is a step of its undo, another kind's a change of the
        // session's (^Z).
        Msg::Clear => {
            app.showing_default = false;
            if !app.field.clear() {
                app.field = Field::new(app.interview.focused(), None);
            }
            // A step of its own in the session's undo, not part of the typing before it.
            app.history.focus_left();
            let cmds = answer_changed(app);
            app.history.focus_left();
            if !cmds.is_empty() {
                app.banner = Some(Banner::info(CLEARED));
            }
            cmds
        }
        _ => Vec::new(),
    }
}

/// A one-line path field, with the shell's ^U (clear to the start) besides the widget's keys.
fn edit_path(area: &mut ratatui_textarea::TextArea<'static>, key: KeyEvent) {
    if key.code == KeyCode::Char('u') && key.modifiers == KeyModifiers::CONTROL {
        area.delete_line_by_head();
    } else {
        area.input(key);
    }
}

/// A key that types a character (not a command with Ctrl or Alt).
fn typed_char(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char(_))
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// How many more characters a text answer with a `max_length` may take; `None` for other
/// answers. A longer one would be kept on screen, saved, and then refused by `render`.
fn text_room(app: &App) -> Option<usize> {
    let q = app.interview.focused();
    let max = q.max_length?;
    if !matches!(app.field, Field::Text { .. }) {
        return None;
    }
    let len = app.field.editor_text()?.chars().count();
    Some(max.saturating_sub(len))
}

/// The focused widget's answer changed: store it (the critic re-runs), remember the cursor,
/// save.
/// The note after ^X.
const CLEARED: &str = "Cleared: ^Z brings it back.";

/// The note when a key typed ahead met a question that had just appeared.
const NEW_QUESTION: &str = "A new question appeared (your answer opened it): the key typed before it showed was not applied.";

fn answer_changed(app: &mut App) -> Vec<Cmd> {
    let q = app.interview.focused();
    let id = q.id.clone();
    let typed = matches!(
        q.kind,
        Kind::Text | Kind::LongText | Kind::Number | Kind::List | Kind::Records
    );
    match app.field.number_draft() {
        Some(text) => app.number_drafts.insert(id.clone(), text),
        None => app.number_drafts.remove(&id),
    };
    super::saving::numbers_changed(app);
    // What "Cleared" offered is done or moot once the answer changes again.
    if app.banner.as_ref().is_some_and(|b| b.text == CLEARED) {
        app.banner = None;
    }
    let before = app.interview.session().answers.get(&id).cloned();
    let visible = app.interview.review().visible.clone();
    let after = app.field.answer();
    if !app.interview.set_answer(&id, after.clone()) {
        return Vec::new();
    }
    app.history.record(&id, before, after, typed);
    // The questions this answer opened: the focus arriving on one waits for it to be drawn.
    let q = &app.interview.bundle().questionnaire;
    app.inserted = (app.interview.review().visible.iter().zip(&visible))
        .enumerate()
        .filter(|(_, (now, was))| **now && !**was)
        .map(|(i, _)| q.question(i).id.clone())
        .collect();
    app.interview.remember_cursor(id);
    vec![Cmd::Save]
}
