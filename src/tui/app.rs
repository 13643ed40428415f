//! The interview's state and its pure `update`: messages in, state changed, commands out.
//! No I/O here; the runtime carries out the commands.

use std::path::{Path, PathBuf};

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::TextArea;

use super::critique::{self, Anchor, CritiqueState};
use super::field::{Field, Outcome};
use crate::bundle::{Bundle, Review};
use crate::critic::{Finding, Severity};
use crate::llm::{CritiqueRequest, StreamEvent};
use crate::questionnaire::{Question, check_answer};
use crate::session::Critique;
use crate::session::Session;
use crate::source::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Interview,
    Review,
    Export,
    Critique,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    /// The key list, scrolled by this many rows.
    Help {
        scroll: u16,
    },
    Picker {
        cursor: usize,
    },
}

/// Everything that can happen: user intents (from the key table), raw input for the focused
/// widget, and results of commands.
#[derive(Debug, Clone)]
pub enum Msg {
    NextQuestion,
    PrevQuestion,
    NextSection,
    PrevSection,
    GotoSection(usize),
    GotoQuestion(String),
    OpenPicker,
    OpenHelp,
    CloseOverlay,
    Show(Screen),
    OpenEditor,
    Clear,
    Quit,
    /// A key for the widget of the current screen.
    Input(KeyEvent),
    /// Bracketed paste.
    Paste(String),
    /// The external editor returned (the new text, or why it failed).
    EditorDone(Result<String, String>),
    /// A save finished (an error message if it failed).
    Saved(Result<(), String>),
    /// The doc was written (its path, or why not).
    Exported(Result<PathBuf, String>),
    /// The terminal's size (columns, rows), at start and on every resize.
    Resize(u16, u16),
    /// Ask the LLM (`fresh`: even if a critique of the same answers is saved).
    CritiqueAsk {
        fresh: bool,
    },
    CritiqueCancel,
    /// No LLM can be asked: why, and how to configure one.
    CritiqueUnavailable(String),
    /// A saved critique of the same answers, prompts and model.
    CritiqueCached(Critique),
    CritiqueStarted(Box<CritiqueRequest>),
    CritiqueEvent(StreamEvent),
}

/// What the runtime must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    /// Save the session file (the runtime stamps the time and writes atomically).
    Save,
    /// Open `$VISUAL`/`$EDITOR` on this text.
    Edit(String),
    /// Write the doc.
    Export {
        path: PathBuf,
        contents: String,
    },
    /// Resolve the provider, build the request, and stream it (or find it in the cache).
    StartCritique {
        fresh: bool,
    },
    CancelCritique,
    Quit,
}

/// One line of the review screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    pub kind: ItemKind,
    /// The question to jump to (none for an answer to an unknown question).
    pub question: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Problem,
    Open,
    Finding(Severity),
}

pub struct ExportState {
    pub path: TextArea<'static>,
    pub preview: String,
    pub scroll: u16,
    pub result: Option<Result<PathBuf, String>>,
}

pub struct App {
    pub bundle: Bundle,
    pub session: Session,
    pub path: PathBuf,
    pub review: Review,
    /// Flat index of the focused question; always an asked one.
    pub focus: usize,
    pub field: Field,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub review_cursor: usize,
    pub export: ExportState,
    /// Problems found when the session was loaded (answers that do not fit).
    pub load_problems: Vec<Problem>,
    /// A one-line message for the user (text, is it an error).
    pub banner: Option<(String, bool)>,
    pub critique: CritiqueState,
    pub color: bool,
    pub quitting: bool,
}

impl App {
    pub fn new(bundle: Bundle, session: Session, path: PathBuf) -> App {
        let review = bundle.review(&session.answers);
        let load_problems = session.problems(&bundle.questionnaire);
        let q = &bundle.questionnaire;
        // Resume where the user was, else at the first unanswered question.
        let focus = session
            .cursor
            .as_deref()
            .and_then(|id| q.index_of(id))
            .filter(|&i| review.visible[i])
            .or_else(|| {
                (0..q.len())
                    .find(|&i| review.visible[i] && !review.asked.contains_key(&q.question(i).id))
            })
            .or_else(|| (0..q.len()).find(|&i| review.visible[i]))
            .unwrap_or(0);
        let field = Field::new(
            q.question(focus),
            session.answers.get(&q.question(focus).id),
        );
        let doc_path = default_doc_path(&path);
        let mut export_path = TextArea::new(vec![doc_path.display().to_string()]);
        export_path.move_cursor(ratatui_textarea::CursorMove::End);
        let mut app = App {
            bundle,
            session,
            path,
            review,
            focus,
            field,
            screen: Screen::Interview,
            overlay: None,
            review_cursor: 0,
            export: ExportState {
                path: export_path,
                preview: String::new(),
                scroll: 0,
                result: None,
            },
            load_problems,
            banner: None,
            critique: CritiqueState::default(),
            color: true,
            quitting: false,
        };
        app.apply_default();
        app
    }

    pub fn focused(&self) -> &Question {
        self.bundle.questionnaire.question(self.focus)
    }

    pub fn section(&self) -> usize {
        self.bundle.questionnaire.section_of(self.focus)
    }

    /// Problems with the focused answer, as the user types.
    pub fn field_errors(&self) -> Vec<String> {
        let mut out: Vec<String> = self.field.pending_error().into_iter().collect();
        if let Some(a) = self.session.answers.get(&self.focused().id) {
            out.extend(check_answer(self.focused(), a));
        }
        out
    }

    /// The critic's findings that concern a question.
    pub fn findings_for<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.review
            .findings
            .iter()
            .filter(move |f| f.questions.iter().any(|q| q == id))
    }

    pub fn answered_count(&self) -> (usize, usize) {
        let q = &self.bundle.questionnaire;
        let visible = (0..q.len()).filter(|&i| self.review.visible[i]);
        let total = visible.clone().count();
        let answered = visible
            .filter(|&i| self.review.asked.contains_key(&q.question(i).id))
            .count();
        (answered, total)
    }

    /// The project's name, from the questionnaire's title question.
    pub fn project(&self) -> Option<String> {
        let t = self.bundle.questionnaire.title_question.as_ref()?;
        self.review.asked.get(t).map(|a| a.to_string())
    }

    /// Every open required question, every answer that does not fit, every finding.
    pub fn review_items(&self) -> Vec<ReviewItem> {
        let q = &self.bundle.questionnaire;
        let mut problems = Vec::new();
        let mut open = Vec::new();
        for i in 0..q.len() {
            if !self.review.visible[i] {
                continue;
            }
            let question = q.question(i);
            match self.session.answers.get(&question.id) {
                Some(a) if !a.is_empty() => {
                    for m in check_answer(question, a) {
                        problems.push(ReviewItem {
                            kind: ItemKind::Problem,
                            question: Some(question.id.clone()),
                            text: format!("{}: {m}", question.prompt),
                        });
                    }
                }
                _ if question.required => open.push(ReviewItem {
                    kind: ItemKind::Open,
                    question: Some(question.id.clone()),
                    text: question.prompt.clone(),
                }),
                _ => {}
            }
        }
        for p in &self.load_problems {
            let id = p
                .subject
                .strip_prefix("answer `")
                .and_then(|s| s.strip_suffix('`'));
            if id.is_none_or(|id| q.get(id).is_none()) {
                problems.push(ReviewItem {
                    kind: ItemKind::Problem,
                    question: None,
                    text: format!("{}: {}", p.subject, p.message),
                });
            }
        }
        let finding = |f: &Finding| ReviewItem {
            kind: ItemKind::Finding(f.severity),
            question: Some(f.question.clone()),
            text: format!("[{}] {}", f.rule, f.message),
        };
        let mut items = problems;
        items.extend(
            self.review
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Blocker)
                .map(finding),
        );
        items.extend(open);
        items.extend(
            self.review
                .findings
                .iter()
                .filter(|f| f.severity != Severity::Blocker)
                .map(finding),
        );
        items
    }

    fn visible(&self, i: usize) -> bool {
        self.review.visible[i]
    }

    /// Moves the focus, keeping the answer typed so far.
    fn focus_on(&mut self, index: usize) -> Vec<Cmd> {
        if index == self.focus {
            return Vec::new();
        }
        self.focus = index;
        let q = self.focused();
        self.field = Field::new(q, self.session.answers.get(&q.id));
        self.session.cursor = Some(self.focused().id.clone());
        self.apply_default();
        vec![Cmd::Save]
    }

    /// A question shown for the first time starts with its default as its answer.
    fn apply_default(&mut self) {
        let q = self.bundle.questionnaire.question(self.focus);
        if !self.session.answers.contains_key(&q.id)
            && let Some(d) = q.default_answer()
        {
            let id = q.id.clone();
            self.field = Field::new(q, Some(&d));
            self.session.set(&id, Some(d));
            self.review = self.bundle.review(&self.session.answers);
        }
    }

    fn step(&mut self, forward: bool) -> Option<usize> {
        let n = self.bundle.questionnaire.len();
        let mut i = self.focus;
        loop {
            i = if forward { i + 1 } else { i.checked_sub(1)? };
            if i >= n {
                return None;
            }
            if self.visible(i) {
                return Some(i);
            }
        }
    }

    fn first_visible_in(&self, section: usize) -> Option<usize> {
        self.bundle
            .questionnaire
            .section_range(section)
            .find(|&i| self.visible(i))
    }

    fn goto_section(&mut self, section: usize) -> Vec<Cmd> {
        self.screen = Screen::Interview;
        match self.first_visible_in(section) {
            Some(i) => self.focus_on(i),
            None => Vec::new(),
        }
    }

    /// The focused widget's answer changed: store it, re-run the critic, save.
    fn answer_changed(&mut self) -> Vec<Cmd> {
        let id = self.focused().id.clone();
        let answer = self.field.answer();
        if self.session.answers.get(&id) == answer.as_ref() {
            return Vec::new();
        }
        self.session.set(&id, answer);
        self.review = self
            .bundle
            .review_after(&self.review, &self.session.answers, &id);
        self.session.cursor = Some(id);
        vec![Cmd::Save]
    }

    fn export_path(&self) -> PathBuf {
        PathBuf::from(self.export.path.lines().join("").trim())
    }

    /// Renders the doc into the preview; false (and the error as the preview) if it failed.
    fn refresh_preview(&mut self) -> bool {
        match crate::render::render_doc(&self.bundle, &self.session, &self.review, None) {
            Ok(doc) => {
                self.export.preview = doc;
                true
            }
            Err(e) => {
                self.export.preview = format!("The doc could not be rendered: {e}");
                false
            }
        }
    }
}

/// The one place state changes.
pub fn update(app: &mut App, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::NextQuestion => match app.step(true) {
            Some(i) => app.focus_on(i),
            None => {
                app.banner = Some((
                    "That was the last question: ^R reviews what is open, ^O exports the doc."
                        .into(),
                    false,
                ));
                Vec::new()
            }
        },
        Msg::PrevQuestion => app.step(false).map(|i| app.focus_on(i)).unwrap_or_default(),
        Msg::NextSection => {
            let n = app.bundle.questionnaire.sections.len();
            let next = (app.section() + 1..n).find(|&s| app.first_visible_in(s).is_some());
            next.map(|s| app.goto_section(s)).unwrap_or_default()
        }
        Msg::PrevSection => {
            let current = app.section();
            // First to the top of this section, then to the previous one.
            if app.first_visible_in(current) != Some(app.focus) {
                return app.goto_section(current);
            }
            let prev = (0..current)
                .rev()
                .find(|&s| app.first_visible_in(s).is_some());
            prev.map(|s| app.goto_section(s)).unwrap_or_default()
        }
        Msg::GotoSection(s) => {
            app.overlay = None;
            if s < app.bundle.questionnaire.sections.len() {
                app.goto_section(s)
            } else {
                Vec::new()
            }
        }
        Msg::GotoQuestion(id) => {
            app.screen = Screen::Interview;
            match app
                .bundle
                .questionnaire
                .index_of(&id)
                .filter(|&i| app.visible(i))
            {
                Some(i) => app.focus_on(i),
                None => Vec::new(),
            }
        }
        Msg::OpenPicker => {
            app.overlay = Some(Overlay::Picker {
                cursor: app.section(),
            });
            Vec::new()
        }
        Msg::OpenHelp => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Msg::CloseOverlay => {
            app.overlay = None;
            Vec::new()
        }
        Msg::Show(screen) => {
            app.screen = screen;
            app.banner = None;
            match screen {
                Screen::Review => {
                    app.review_cursor = app
                        .review_cursor
                        .min(app.review_items().len().saturating_sub(1))
                }
                Screen::Export => {
                    app.export.result = None;
                    app.export.scroll = 0;
                    app.refresh_preview();
                }
                Screen::Critique => critique::open(app),
                Screen::Interview => {}
            }
            Vec::new()
        }
        Msg::OpenEditor => match app.field.editor_text() {
            Some(text) => vec![Cmd::Edit(text)],
            None => {
                app.banner = Some(("The external editor is for text answers.".into(), false));
                Vec::new()
            }
        },
        Msg::EditorDone(Ok(text)) => {
            app.field.set_editor_text(&text);
            app.answer_changed()
        }
        Msg::EditorDone(Err(e)) => {
            app.banner = Some((format!("Editor: {e}"), true));
            Vec::new()
        }
        Msg::Clear => {
            let q = app.focused();
            app.field = Field::new(q, None);
            app.answer_changed()
        }
        Msg::Quit => {
            // Every change was saved when it was made; only looking around writes nothing.
            app.quitting = true;
            vec![Cmd::Quit]
        }
        Msg::Paste(text) => match app.screen {
            Screen::Interview => match app.field.paste(&text) {
                Outcome::Changed => app.answer_changed(),
                Outcome::Ignored if matches!(app.field, Field::Number { .. }) => {
                    app.banner = Some((
                        "Pasted text is not a number: use a dot for decimals and no thousands separators.".into(),
                        true,
                    ));
                    Vec::new()
                }
                _ => Vec::new(),
            },
            Screen::Export => {
                app.export
                    .path
                    .insert_str(text.lines().next().unwrap_or(""));
                Vec::new()
            }
            Screen::Review | Screen::Critique => Vec::new(),
        },
        Msg::Input(key) => handle_input(app, key),
        Msg::Saved(Ok(())) => {
            if app
                .banner
                .as_ref()
                .is_some_and(|(t, _)| t.starts_with("Could not save"))
            {
                app.banner = None;
            }
            Vec::new()
        }
        Msg::Saved(Err(e)) => {
            app.banner = Some((
                format!(
                    "Could not save: {e}. Your answers are still here; fix the problem and keep going, or ^Q to retry and quit."
                ),
                true,
            ));
            Vec::new()
        }
        Msg::Exported(result) => {
            app.export.result = Some(result);
            Vec::new()
        }
        Msg::Resize(w, h) => {
            // The critique view: full width inside borders, below the header, the note line
            // and above the help bar.
            app.critique.view = (w.saturating_sub(2), h.saturating_sub(6));
            Vec::new()
        }
        msg @ (Msg::CritiqueAsk { .. }
        | Msg::CritiqueCancel
        | Msg::CritiqueUnavailable(_)
        | Msg::CritiqueCached(_)
        | Msg::CritiqueStarted(_)
        | Msg::CritiqueEvent(_)) => critique::update(app, msg),
    }
}

fn handle_input(app: &mut App, key: KeyEvent) -> Vec<Cmd> {
    if let Some(Overlay::Help { scroll }) = app.overlay {
        let scroll = match key.code {
            KeyCode::Down => scroll.saturating_add(1),
            KeyCode::Up => scroll.saturating_sub(1),
            KeyCode::PageDown => scroll.saturating_add(10),
            KeyCode::PageUp => scroll.saturating_sub(10),
            _ => {
                app.overlay = None;
                return Vec::new();
            }
        };
        app.overlay = Some(Overlay::Help { scroll });
        return Vec::new();
    }
    if let Some(Overlay::Picker { cursor }) = app.overlay {
        let n = app.bundle.questionnaire.sections.len();
        match key.code {
            KeyCode::Up => {
                app.overlay = Some(Overlay::Picker {
                    cursor: (cursor + n - 1) % n,
                })
            }
            KeyCode::Down => {
                app.overlay = Some(Overlay::Picker {
                    cursor: (cursor + 1) % n,
                })
            }
            KeyCode::Enter => return update(app, Msg::GotoSection(cursor)),
            KeyCode::Char(c @ '0'..='9') => {
                let d = c.to_digit(10).unwrap_or(0) as usize;
                return update(app, Msg::GotoSection(if d == 0 { 9 } else { d - 1 }));
            }
            _ => {}
        }
        return Vec::new();
    }
    match app.screen {
        Screen::Interview => {
            let q = app.bundle.questionnaire.question(app.focus);
            match app.field.handle(q, key) {
                Outcome::Changed => app.answer_changed(),
                Outcome::Moved => Vec::new(),
                Outcome::Submit => {
                    let mut cmds = app.answer_changed();
                    cmds.extend(update(app, Msg::NextQuestion));
                    cmds
                }
                Outcome::Ignored => match key.code {
                    KeyCode::Up => update(app, Msg::PrevQuestion),
                    KeyCode::Down => update(app, Msg::NextQuestion),
                    _ => Vec::new(),
                },
            }
        }
        Screen::Review => {
            let items = app.review_items();
            let n = items.len();
            match key.code {
                KeyCode::Up if n > 0 => app.review_cursor = (app.review_cursor + n - 1) % n,
                KeyCode::Down if n > 0 => app.review_cursor = (app.review_cursor + 1) % n,
                KeyCode::Home => app.review_cursor = 0,
                KeyCode::End => app.review_cursor = n.saturating_sub(1),
                KeyCode::Enter => {
                    if let Some(id) = items
                        .get(app.review_cursor)
                        .and_then(|i| i.question.clone())
                    {
                        return update(app, Msg::GotoQuestion(id));
                    }
                }
                _ => {}
            }
            Vec::new()
        }
        Screen::Critique => {
            let c = &mut app.critique;
            let n = c.links.len();
            let (rows, first_row) = critique::layout(c.text(), c.view.0 as usize);
            let top = critique::top_row(c, rows.len(), &first_row, c.view.1 as usize) as u16;
            match key.code {
                KeyCode::Char('a') => return update(app, Msg::CritiqueAsk { fresh: false }),
                KeyCode::Char('f') => return update(app, Msg::CritiqueAsk { fresh: true }),
                KeyCode::Enter if c.text().is_empty() => {
                    return update(app, Msg::CritiqueAsk { fresh: false });
                }
                KeyCode::Enter => {
                    if let Some((_, id)) = c.links.get(c.selected).cloned() {
                        return update(app, Msg::GotoQuestion(id));
                    }
                }
                KeyCode::Up if n > 0 => {
                    c.selected = (c.selected + n - 1) % n;
                    c.anchor = Some(Anchor::Link);
                }
                KeyCode::Down if n > 0 => {
                    c.selected = (c.selected + 1) % n;
                    c.anchor = Some(Anchor::Link);
                }
                KeyCode::PageDown => c.anchor = Some(Anchor::Row(top.saturating_add(10))),
                KeyCode::PageUp => c.anchor = Some(Anchor::Row(top.saturating_sub(10))),
                KeyCode::Home => c.anchor = Some(Anchor::Row(0)),
                KeyCode::End => c.anchor = Some(Anchor::Bottom),
                _ => {}
            }
            Vec::new()
        }
        Screen::Export => {
            match key.code {
                KeyCode::Enter => {
                    let path = app.export_path();
                    let why_not = if path.as_os_str().is_empty() {
                        Some("type a file path first")
                    } else if crate::workspace::same_file(&path, &app.path) {
                        Some("that is the session file itself; pick another name")
                    } else if !app.refresh_preview() {
                        Some("the doc could not be rendered (see the preview)")
                    } else {
                        None
                    };
                    if let Some(why) = why_not {
                        app.export.result = Some(Err(why.into()));
                        return Vec::new();
                    }
                    return vec![Cmd::Export {
                        path,
                        contents: app.export.preview.clone(),
                    }];
                }
                KeyCode::PageDown => app.export.scroll = app.export.scroll.saturating_add(10),
                KeyCode::PageUp => app.export.scroll = app.export.scroll.saturating_sub(10),
                KeyCode::Down => app.export.scroll = app.export.scroll.saturating_add(1),
                KeyCode::Up => app.export.scroll = app.export.scroll.saturating_sub(1),
                _ => {
                    app.export.path.input(key);
                }
            }
            Vec::new()
        }
    }
}

/// Where the doc goes by default: beside the session file.
pub fn default_doc_path(session: &Path) -> PathBuf {
    session.with_extension("md")
}
