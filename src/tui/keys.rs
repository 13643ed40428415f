//! Every key binding, in one table: the key mapping, the help bar and the help overlay all
//! read it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{App, Msg, Overlay, Screen};
use crate::questionnaire::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Anywhere, also over the review and export screens.
    Global,
    Interview,
    /// The review, export and critique screens: anywhere but the interview.
    Away,
}

#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NextQuestion,
    PrevQuestion,
    NextSection,
    PrevSection,
    SectionPicker,
    Review,
    Export,
    Critique,
    Interview,
    Editor,
    Clear,
    Help,
    Quit,
}

pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in the help.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    pub scope: Scope,
    /// Short name in the one-line help bar; `None`: only in the help overlay.
    pub bar: Option<&'static str>,
}

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[key(KeyCode::Tab)],
        label: "Tab",
        action: Action::NextQuestion,
        help: "next question",
        scope: Scope::Interview,
        bar: Some("next"),
    },
    Binding {
        keys: &[
            key(KeyCode::BackTab),
            Key {
                code: KeyCode::BackTab,
                mods: KeyModifiers::SHIFT,
            },
        ],
        label: "S-Tab",
        action: Action::PrevQuestion,
        help: "previous question",
        scope: Scope::Interview,
        bar: Some("prev"),
    },
    Binding {
        keys: &[key(KeyCode::PageDown)],
        label: "PgDn",
        action: Action::NextSection,
        help: "next section",
        scope: Scope::Interview,
        bar: Some("section"),
    },
    Binding {
        keys: &[key(KeyCode::PageUp)],
        label: "PgUp",
        action: Action::PrevSection,
        help: "previous section",
        scope: Scope::Interview,
        bar: None,
    },
    Binding {
        keys: &[ctrl('g')],
        label: "^G",
        action: Action::SectionPicker,
        help: "go to a section; Alt+1..9 and Alt+0 jump straight there",
        scope: Scope::Global,
        bar: Some("sections"),
    },
    Binding {
        keys: &[ctrl('r')],
        label: "^R",
        action: Action::Review,
        help: "review: open questions, problems and findings",
        scope: Scope::Global,
        bar: Some("review"),
    },
    Binding {
        keys: &[ctrl('o')],
        label: "^O",
        action: Action::Export,
        help: "export the design doc",
        scope: Scope::Global,
        bar: Some("export"),
    },
    Binding {
        keys: &[ctrl('l')],
        label: "^L",
        action: Action::Critique,
        help: "the LLM reviewer's critique (streams; Esc cancels)",
        scope: Scope::Global,
        bar: Some("critique"),
    },
    Binding {
        keys: &[ctrl('e')],
        label: "^E",
        action: Action::Editor,
        help: "edit this answer in $VISUAL / $EDITOR",
        scope: Scope::Interview,
        bar: None,
    },
    Binding {
        keys: &[ctrl('x')],
        label: "^X",
        action: Action::Clear,
        help: "clear this answer",
        scope: Scope::Interview,
        bar: None,
    },
    Binding {
        keys: &[key(KeyCode::Esc)],
        label: "Esc",
        action: Action::Interview,
        help: "back to the interview",
        scope: Scope::Away,
        bar: Some("back"),
    },
    Binding {
        keys: &[key(KeyCode::F(1)), ctrl('h')],
        label: "F1",
        action: Action::Help,
        help: "all keys",
        scope: Scope::Global,
        bar: Some("help"),
    },
    Binding {
        keys: &[ctrl('q'), ctrl('c')],
        label: "^Q",
        action: Action::Quit,
        help: "save and quit (answers are saved on every change)",
        scope: Scope::Global,
        bar: Some("quit"),
    },
];

/// Keys of each question kind's widget, for the help bar and overlay.
pub fn field_keys(kind: Kind) -> &'static [(&'static str, &'static str)] {
    match kind {
        Kind::Text => &[("Enter", "next"), ("^Z/^Y", "undo/redo")],
        Kind::LongText => &[
            ("Enter", "new line"),
            ("^Z/^Y", "undo/redo"),
            ("^E", "editor"),
        ],
        Kind::Number => &[("digits . - e", "number"), ("Enter", "next")],
        Kind::Choice => &[
            ("↑↓", "move"),
            ("Space", "select"),
            ("Enter", "select, next"),
            ("type", "filter"),
        ],
        Kind::MultiChoice => &[
            ("↑↓", "move"),
            ("Space", "toggle"),
            ("Enter", "next"),
            ("type", "filter"),
        ],
        Kind::YesNo => &[("y/n", "answer"), ("Space", "toggle"), ("Enter", "next")],
        Kind::List => &[
            ("Enter", "add item"),
            ("↑↓", "pick item"),
            ("Alt-↑↓", "move item"),
            ("^Del", "remove item"),
        ],
    }
}

pub const REVIEW_KEYS: &[(&str, &str)] = &[("↑↓", "move"), ("Enter", "go to question")];
pub const EXPORT_KEYS: &[(&str, &str)] = &[("Enter", "write"), ("PgUp/PgDn ↑↓", "scroll preview")];
pub const CRITIQUE_KEYS: &[(&str, &str)] = &[
    ("a", "ask"),
    ("f", "ask afresh"),
    ("↑↓ Enter", "go to a named question"),
    ("PgUp/PgDn", "scroll"),
];

fn is_quit(ev: &KeyEvent) -> bool {
    BINDINGS
        .iter()
        .any(|b| b.action == Action::Quit && b.keys.iter().any(|k| matches(k, ev)))
}

fn matches(k: &Key, ev: &KeyEvent) -> bool {
    // Shift is part of the character itself for letters; ignore it for Char keys.
    let mods = if matches!(ev.code, KeyCode::Char(_)) {
        ev.modifiers - KeyModifiers::SHIFT
    } else {
        ev.modifiers
    };
    k.code == ev.code && k.mods == mods
}

fn in_scope(scope: Scope, screen: Screen) -> bool {
    match scope {
        Scope::Global => true,
        Scope::Interview => screen == Screen::Interview,
        Scope::Away => screen != Screen::Interview,
    }
}

/// The one mapping from a key press to a message.
pub fn map_key(app: &App, ev: KeyEvent) -> Option<Msg> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    match app.overlay {
        Some(Overlay::Help { .. }) if is_quit(&ev) => return Some(Msg::Quit),
        Some(Overlay::Help { .. }) => return Some(Msg::Input(ev)),
        Some(Overlay::Picker { .. }) => {
            return Some(match ev.code {
                KeyCode::Esc => Msg::CloseOverlay,
                _ if is_quit(&ev) => Msg::Quit,
                _ => Msg::Input(ev),
            });
        }
        None => {}
    }
    if ev.modifiers == KeyModifiers::ALT
        && let KeyCode::Char(c @ '0'..='9') = ev.code
    {
        let n = c.to_digit(10).unwrap_or(0) as usize;
        return Some(Msg::GotoSection(if n == 0 { 9 } else { n - 1 }));
    }
    if app.screen == Screen::Critique && app.critique.running && ev.code == KeyCode::Esc {
        return Some(Msg::CritiqueCancel);
    }
    for b in BINDINGS {
        if in_scope(b.scope, app.screen) && b.keys.iter().any(|k| matches(k, &ev)) {
            return Some(action_msg(b.action));
        }
    }
    Some(Msg::Input(ev))
}

fn action_msg(a: Action) -> Msg {
    match a {
        Action::NextQuestion => Msg::NextQuestion,
        Action::PrevQuestion => Msg::PrevQuestion,
        Action::NextSection => Msg::NextSection,
        Action::PrevSection => Msg::PrevSection,
        Action::SectionPicker => Msg::OpenPicker,
        Action::Review => Msg::Show(Screen::Review),
        Action::Export => Msg::Show(Screen::Export),
        Action::Critique => Msg::Show(Screen::Critique),
        Action::Interview => Msg::Show(Screen::Interview),
        Action::Editor => Msg::OpenEditor,
        Action::Clear => Msg::Clear,
        Action::Help => Msg::OpenHelp,
        Action::Quit => Msg::Quit,
    }
}

/// The help bar's entries for the current screen: the widget's keys, then the bar bindings.
pub fn bar(app: &App) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = match app.screen {
        Screen::Interview => field_keys(app.focused().kind).to_vec(),
        Screen::Review => REVIEW_KEYS.to_vec(),
        Screen::Export => EXPORT_KEYS.to_vec(),
        Screen::Critique => CRITIQUE_KEYS.to_vec(),
    };
    // The key that opened this screen has nothing to do here.
    let own = match app.screen {
        Screen::Review => Some(Action::Review),
        Screen::Export => Some(Action::Export),
        Screen::Critique => Some(Action::Critique),
        Screen::Interview => None,
    };
    for b in BINDINGS {
        if let Some(name) = b.bar
            && in_scope(b.scope, app.screen)
            && Some(b.action) != own
        {
            out.push((b.label, name));
        }
    }
    out
}
