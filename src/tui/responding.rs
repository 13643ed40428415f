//! `update`'s part for the response form: open it on the focused finding, move between its
//! fields, change the status, type, save. No I/O: the next save stamps the response's date.

use ratatui::crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

use super::app::{App, ItemKind};
use super::msg::{Cmd, Motion, Msg, Overlay};
use super::respond::{Part, RespondForm};
use crate::response::Status;

fn line(text: &str) -> TextArea<'static> {
    let mut area = TextArea::new(vec![text.to_string()]);
    area.move_cursor(ratatui_textarea::CursorMove::End);
    area
}

fn text(area: &TextArea) -> String {
    area.lines().join(" ").trim().to_string()
}

/// The form's messages: open it on the focused finding, move, change the status, type, save.
pub fn update(app: &mut App, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::OpenRespond => open(app),
        Msg::CloseOverlay => {
            app.respond = None;
            app.overlay = None;
        }
        Msg::Move(m) => {
            if let Some(form) = app.respond.as_mut() {
                let back = matches!(m, Motion::Up | Motion::PageUp | Motion::Home);
                form.focus = match (form.focus, back) {
                    (Part::Status, false) | (Part::Owner, true) => Part::Reason,
                    (Part::Reason, false) | (Part::Status, true) => Part::Owner,
                    (Part::Owner, false) | (Part::Reason, true) => Part::Status,
                };
            }
        }
        Msg::ResponseStatus { forward } => {
            if let Some(form) = app.respond.as_mut() {
                let n = form.choices().len();
                form.status = if forward {
                    (form.status + 1) % n
                } else {
                    (form.status + n - 1) % n
                };
                form.error = None;
            }
        }
        Msg::Input(key) => input(app, key),
        Msg::Paste(pasted) => {
            if let Some(area) = app.respond.as_mut().and_then(text_field) {
                area.insert_str(pasted.lines().next().unwrap_or(""));
            }
        }
        Msg::Select => return save(app),
        _ => {}
    }
    Vec::new()
}

fn text_field(form: &mut RespondForm) -> Option<&mut TextArea<'static>> {
    match form.focus {
        Part::Reason => Some(&mut form.reason),
        Part::Owner => Some(&mut form.owner),
        Part::Status => None,
    }
}

fn input(app: &mut App, key: KeyEvent) {
    if let Some(form) = app.respond.as_mut() {
        form.error = None;
        if let Some(area) = text_field(form) {
            area.input(key);
        }
    }
}

/// `r` on a finding of the review screen; elsewhere it says what it is for.
fn open(app: &mut App) {
    let items = app.review_items();
    let Some(item) = items.get(app.review_cursor) else {
        return;
    };
    let (ItemKind::Finding(_) | ItemKind::Llm { .. }, Some(rule)) = (item.kind, item.rule.clone())
    else {
        app.banner = Some(super::msg::Banner::info(
            "r answers a finding: pick one of the critic's findings first.",
        ));
        return;
    };
    let existing = app.interview.session().responses.get(&rule);
    let status = existing
        .and_then(|r| Status::ALL.iter().position(|s| *s == r.status))
        .unwrap_or(0);
    app.respond = Some(RespondForm {
        status,
        reason: line(existing.map_or("", |r| r.reason.as_str())),
        owner: line(existing.map_or("", |r| r.owner.as_str())),
        focus: Part::Status,
        existing: existing.is_some(),
        error: None,
        rule,
    });
    app.overlay = Some(Overlay::Respond);
}

/// Enter: store the response (or remove it) and save; or say what is missing.
fn save(app: &mut App) -> Vec<Cmd> {
    // An LLM finding is answered as it is on screen, streaming or saved.
    let llm = app.llm_findings();
    let Some(form) = app.respond.as_mut() else {
        return Vec::new();
    };
    let iv = &mut app.interview;
    let response = match form.chosen() {
        None => None,
        Some(status) => {
            let (reason, owner) = (text(&form.reason), text(&form.owner));
            let llm = crate::reviewer::is_llm_id(&form.rule)
                .then(|| llm.into_iter().find(|f| f.id == form.rule));
            let made = match llm {
                Some(Some(f)) => crate::reviewer::new_response(
                    &f.finding,
                    &iv.review().asked,
                    status,
                    &reason,
                    &owner,
                )
                .map_err(|e| e.to_string()),
                Some(None) => Err("the finding is no longer in the critique".to_string()),
                None => iv
                    .bundle()
                    .new_response(iv.review(), &form.rule, status, &reason, &owner)
                    .map_err(|e| e.to_string()),
            };
            match made {
                Ok(r) => Some(r),
                Err(why) => {
                    form.error = Some(format!("Not saved: {why}."));
                    return Vec::new();
                }
            }
        }
    };
    let rule = form.rule.clone();
    iv.respond(&rule, response);
    app.respond = None;
    app.overlay = None;
    vec![Cmd::Save]
}
