//! Every key binding, in two tables that the key mapping, the help bar and the help overlay
//! all read: [`BINDINGS`], every screen's and overlay's keys, and [`FIELD_BINDINGS`]
//! (`keys/field.rs`), the focused answer widget's keys per question kind. A key is dispatched
//! only through a row of one of them, so what the help lists is what the keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::App;
use super::msg::{Motion, Msg, Overlay, Screen, Side};
use crate::questionnaire::Kind;
use crate::session::Depth;

mod field;
pub use field::{FieldAction, field_action};
use field::{field_bar, field_help, text_help};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Anywhere, also over the other screens (not over an overlay, except quitting).
    Global,
    /// The interview screen, before the answer's widget sees the key.
    Interview,
    /// The interview screen, for keys the answer's widget has no use for.
    Unused,
    /// The review, export and critique screens.
    Away,
    Review,
    Export,
    Critique,
    /// The reviewer's questions screen.
    Followups,
    /// The help overlay (any other key closes it).
    Help,
    /// The section picker overlay.
    Picker,
    /// Answers changed here and on disk.
    Conflicts,
    /// Quitting without a writable session file.
    Unsaved,
    /// The response form over the review screen.
    Respond,
    /// A new session's first choice: the quick kickoff or the full interview.
    Depth,
}

impl Scope {
    /// The heading of this scope's keys in the help overlay.
    fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::Interview | Scope::Unused => "Interview",
            Scope::Away => "Review, export and critique",
            Scope::Review => "Review",
            Scope::Export => "Export",
            Scope::Critique => "Critique",
            Scope::Followups => "Reviewer's questions (typing answers the picked one)",
            Scope::Help => "This list",
            Scope::Picker => "Section picker",
            Scope::Conflicts => "Conflicts with the file on disk",
            Scope::Unsaved => "Quitting when the file cannot be written",
            Scope::Respond => "Responding to a finding",
            Scope::Depth => "Starting a new session",
        }
    }
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
const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}
const fn alt(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::ALT,
    }
}

const DIGITS: [Key; 10] = [
    ch('1'),
    ch('2'),
    ch('3'),
    ch('4'),
    ch('5'),
    ch('6'),
    ch('7'),
    ch('8'),
    ch('9'),
    ch('0'),
];
const ALT_DIGITS: [Key; 10] = [
    alt('1'),
    alt('2'),
    alt('3'),
    alt('4'),
    alt('5'),
    alt('6'),
    alt('7'),
    alt('8'),
    alt('9'),
    alt('0'),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NextQuestion,
    PrevQuestion,
    NextSection,
    PrevSection,
    /// Go to section N: the digit of the key (1..9, 0 for the tenth).
    SectionNumber,
    /// On the section picker: a digit of the section's number (10 and up take two).
    SectionDigit,
    SectionPicker,
    Review,
    Export,
    Critique,
    Followups,
    /// Esc away from the interview: cancels a critique that is streaming, else goes back.
    Back,
    Editor,
    Clear,
    /// ^Z / ^Y: the text's last step, else the last answer changed (any kind).
    Undo,
    Redo,
    ToggleSidebar,
    ToggleHelpPane,
    Help,
    Quit,
    Move(Motion),
    /// Enter on a list: go to the question, write the doc, follow a link, pick a section.
    Select,
    Ask,
    AskFresh,
    CloseOverlay,
    Keep(Side),
    KeepAll(Side),
    Respond,
    /// On the response form: ← the previous status, → the next.
    ResponseStatus,
    /// Ask the quick path's questions, or all of them.
    Depth(Depth),
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

const fn bind(
    scope: Scope,
    keys: &'static [Key],
    label: &'static str,
    action: Action,
    help: &'static str,
    bar: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        label,
        action,
        help,
        scope,
        bar,
    }
}

use Action as A;
use Scope as S;

#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    bind(S::Interview, &[key(KeyCode::Tab)], "Tab", A::NextQuestion, "next question", Some("next")),
    bind(
        S::Interview,
        &[
            key(KeyCode::BackTab),
            Key {
                code: KeyCode::BackTab,
                mods: KeyModifiers::SHIFT,
            },
        ],
        "S-Tab",
        A::PrevQuestion,
        "previous question",
        Some("prev"),
    ),
    bind(S::Interview, &[key(KeyCode::PageDown)], "PgDn", A::NextSection, "next section", Some("section")),
    bind(S::Interview, &[key(KeyCode::PageUp)], "PgUp", A::PrevSection, "previous section (first to its top)", None),
    bind(S::Interview, &[ctrl('z')], "^Z/^Y", A::Undo, "undo / redo: the text's last step, then the last answer changed (any kind)", Some("undo/redo")),
    bind(S::Interview, &[ctrl('y')], "^Y", A::Redo, "redo what ^Z undid", None),
    bind(S::Interview, &[ctrl('e')], "^E", A::Editor, "edit this answer in $VISUAL / $EDITOR (End: end of line)", Some("editor")),
    bind(S::Interview, &[ctrl('x')], "^X", A::Clear, "clear this answer (^Z brings it back)", None),
    bind(S::Interview, &[key(KeyCode::F(2))], "F2", A::ToggleSidebar, "show / hide the sections (they give way on a narrow screen)", Some("show sections")),
    bind(S::Interview, &[key(KeyCode::F(3))], "F3", A::ToggleHelpPane, "show / hide \"Why this matters\" (it gives way on a small screen)", Some("show why")),
    bind(S::Unused, &[key(KeyCode::Up)], "↑", A::PrevQuestion, "previous question (where the answer has no use for ↑)", None),
    bind(S::Unused, &[key(KeyCode::Down)], "↓", A::NextQuestion, "next question (where the answer has no use for ↓)", None),
    bind(S::Global, &[ctrl('g')], "^G", A::SectionPicker, "go to a section", Some("sections")),
    bind(S::Global, &ALT_DIGITS, "Alt+1..9, 0", A::SectionNumber, "go straight to section 1..9, 10", None),
    bind(S::Global, &[ctrl('r')], "^R", A::Review, "review: open questions, answers that do not fit, findings", Some("review")),
    bind(S::Global, &[ctrl('o')], "^O", A::Export, "export the design doc", Some("export")),
    bind(S::Global, &[ctrl('l')], "^L", A::Critique, "the LLM reviewer's critique (streams; Esc cancels)", Some("critique")),
    bind(S::Global, &[ctrl('t')], "^T", A::Followups, "the LLM reviewer's questions back, to answer", Some("reviewer's questions")),
    // Not ^H: many terminals send it for Backspace.
    bind(S::Global, &[key(KeyCode::F(1))], "F1", A::Help, "all keys (also ? where nothing is being typed)", Some("help")),
    bind(S::Global, &[key(KeyCode::F(4))], "F4", A::Depth(Depth::Full), "quick session: on to the full interview (answers stay)", Some("full interview")),
    bind(S::Global, &[ctrl('q'), ctrl('c')], "^Q", A::Quit, "save and quit (answers are saved on every change)", Some("quit")),
    bind(S::Away, &[key(KeyCode::Esc)], "Esc", A::Back, "back to the interview (on the critique, first cancels a stream)", Some("back")),
    bind(S::Review, &[key(KeyCode::Up), key(KeyCode::Down)], "↑↓", A::Move(Motion::Down), "move", Some("move")),
    bind(S::Review, &[key(KeyCode::Home)], "Home", A::Move(Motion::Home), "first item", None),
    bind(S::Review, &[key(KeyCode::End)], "End", A::Move(Motion::End), "last item", None),
    bind(S::Review, &[key(KeyCode::Enter)], "Enter", A::Select, "go to the question", Some("go to question")),
    bind(S::Review, &[ch('r')], "r", A::Respond, "respond to the finding: accepted risk, won't fix, fixed", Some("respond")),
    bind(S::Export, &[key(KeyCode::Enter)], "Enter", A::Select, "write the doc to the path", Some("write")),
    bind(S::Export, &[key(KeyCode::Up), key(KeyCode::Down)], "↑↓", A::Move(Motion::Down), "scroll the preview a line", None),
    bind(S::Export, &[key(KeyCode::PageUp), key(KeyCode::PageDown)], "PgUp/PgDn", A::Move(Motion::PageDown), "scroll the preview a page", Some("scroll preview")),
    bind(S::Critique, &[ch('a')], "a", A::Ask, "ask (a saved critique of the same answers is reused)", Some("ask")),
    bind(S::Critique, &[ch('f')], "f", A::AskFresh, "ask afresh", Some("ask afresh")),
    bind(S::Critique, &[key(KeyCode::Up), key(KeyCode::Down)], "↑↓", A::Move(Motion::Down), "pick a line that names a question", None),
    bind(S::Critique, &[key(KeyCode::Enter)], "Enter", A::Select, "go to the named question (asks, when there is no critique yet)", Some("go to a named question")),
    bind(S::Critique, &[key(KeyCode::PageUp), key(KeyCode::PageDown)], "PgUp/PgDn", A::Move(Motion::PageDown), "scroll", Some("scroll")),
    bind(S::Critique, &[key(KeyCode::Home)], "Home", A::Move(Motion::Home), "top", None),
    bind(S::Critique, &[key(KeyCode::End)], "End", A::Move(Motion::End), "bottom (follows the stream)", None),
    bind(S::Followups, &[key(KeyCode::Tab), key(KeyCode::BackTab), Key { code: KeyCode::BackTab, mods: KeyModifiers::SHIFT }], "Tab S-Tab", A::Move(Motion::Down), "next / previous question (the answer is saved as you type)", None),
    bind(S::Followups, &[key(KeyCode::Enter)], "Enter", A::Move(Motion::Down), "next question (Alt+Enter or ^J: a new line in the answer)", Some("next question")),
    bind(S::Followups, &[key(KeyCode::F(2))], "F2", A::Select, "go to the interview's question it is about", Some("go to its question")),
    bind(S::Help, &[key(KeyCode::Up), key(KeyCode::Down)], "↑↓", A::Move(Motion::Down), "scroll", None),
    bind(S::Help, &[key(KeyCode::PageUp), key(KeyCode::PageDown)], "PgUp/PgDn", A::Move(Motion::PageDown), "scroll a page; any other key closes", None),
    bind(S::Picker, &[key(KeyCode::Up), key(KeyCode::Down)], "↑↓", A::Move(Motion::Down), "move", None),
    bind(S::Picker, &[key(KeyCode::Enter)], "Enter", A::Select, "go to the section", None),
    bind(S::Picker, &DIGITS, "1..99", A::SectionDigit, "go straight to the section numbered (10, 11: two digits, or one and Enter)", None),
    bind(S::Picker, &[key(KeyCode::Esc)], "Esc", A::CloseOverlay, "close", None),
    bind(S::Conflicts, &[key(KeyCode::Up), key(KeyCode::Down)], "↑↓", A::Move(Motion::Down), "pick an answer", Some("pick")),
    bind(S::Conflicts, &[ch('m')], "m", A::Keep(Side::Mine), "keep mine (the answer typed here; after a merge, ours)", Some("keep mine")),
    bind(S::Conflicts, &[ch('t')], "t", A::Keep(Side::Theirs), "take theirs (the file on disk; after a merge, the branch merged in)", Some("take theirs")),
    bind(S::Conflicts, &[key(KeyCode::Char('M'))], "M", A::KeepAll(Side::Mine), "keep mine for all still open", Some("all mine")),
    bind(S::Conflicts, &[key(KeyCode::Char('T'))], "T", A::KeepAll(Side::Theirs), "take theirs for all still open", Some("all theirs")),
    bind(S::Unsaved, &[key(KeyCode::Enter)], "Enter", A::Select, "write a copy of the answers to the path typed", None),
    bind(S::Unsaved, &[ctrl('q'), ctrl('c')], "^Q", A::Quit, "quit without saving (exit code 1)", None),
    bind(S::Unsaved, &[key(KeyCode::Esc)], "Esc", A::CloseOverlay, "back to the interview (^Q there tries the save again)", None),
    bind(S::Depth, &[key(KeyCode::Up), key(KeyCode::Down)], "↑↓", A::Move(Motion::Down), "move", Some("move")),
    bind(S::Depth, &[key(KeyCode::Enter)], "Enter", A::Select, "start with the one picked", Some("start")),
    bind(S::Depth, &[ch('q')], "q", A::Depth(Depth::Quick), "the quick kickoff: the essential questions only", Some("quick")),
    bind(S::Depth, &[ch('f'), key(KeyCode::Esc)], "f", A::Depth(Depth::Full), "the full interview (also Esc)", Some("full")),
    bind(S::Respond, &[key(KeyCode::Left), key(KeyCode::Right)], "←→", A::ResponseStatus, "change the status (on the status line)", Some("status")),
    bind(S::Respond, &[key(KeyCode::Tab), key(KeyCode::BackTab), Key { code: KeyCode::BackTab, mods: KeyModifiers::SHIFT }, key(KeyCode::Up), key(KeyCode::Down)], "Tab ↑↓", A::Move(Motion::Down), "next / previous field: status, reason, owner", Some("field")),
    bind(S::Respond, &[key(KeyCode::Enter)], "Enter", A::Select, "save the response (dated at the save)", Some("save")),
    bind(S::Respond, &[key(KeyCode::Esc)], "Esc", A::CloseOverlay, "cancel", Some("cancel")),
];

/// What the mouse does, for the help overlay.
pub const MOUSE: &[(&str, &str)] = &[
    (
        "click",
        "a section: go there; a question: answer it; a choice: pick it (toggle it in a multiple choice); Yes / No",
    ),
    (
        "wheel",
        "scrolls what is under the pointer: the questions, the sections, a choice list, the review, a preview",
    ),
];

/// The question kinds in the help overlay, with their headings.
pub const KINDS: &[(&str, Kind)] = &[
    ("Text", Kind::Text),
    ("Long text (a paste keeps its lines)", Kind::LongText),
    ("Number", Kind::Number),
    ("Choice", Kind::Choice),
    ("Multiple choice", Kind::MultiChoice),
    ("Yes / no", Kind::YesNo),
    ("List", Kind::List),
    ("Records (a grid; a blank last row ends it)", Kind::Records),
];

fn matches(k: &Key, ev: &KeyEvent) -> bool {
    // Shift is part of the character itself for letters; ignore it for Char keys.
    let mods = if matches!(ev.code, KeyCode::Char(_)) {
        ev.modifiers - KeyModifiers::SHIFT
    } else {
        ev.modifiers
    };
    k.code == ev.code && k.mods == mods
}

/// The binding of `scope` that `ev` presses, if any.
fn lookup(scope: Scope, ev: &KeyEvent) -> Option<&'static Binding> {
    BINDINGS
        .iter()
        .find(|b| b.scope == scope && b.keys.iter().any(|k| matches(k, ev)))
}

/// The scopes that apply on a screen, in the order they are tried.
fn scopes(screen: Screen) -> &'static [Scope] {
    match screen {
        Screen::Interview => &[S::Interview, S::Global],
        Screen::Review => &[S::Review, S::Away, S::Global],
        Screen::Export => &[S::Export, S::Away, S::Global],
        Screen::Critique => &[S::Critique, S::Away, S::Global],
        Screen::Followups => &[S::Followups, S::Away, S::Global],
    }
}

/// The one mapping from a key press to a message.
pub fn map_key(app: &App, ev: KeyEvent) -> Option<Msg> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    if let Some(overlay) = app.overlay {
        let scope = match overlay {
            Overlay::Help { .. } => S::Help,
            Overlay::Picker { .. } => S::Picker,
            Overlay::Conflicts => S::Conflicts,
            Overlay::Unsaved => S::Unsaved,
            Overlay::Respond => S::Respond,
            Overlay::Depth { .. } => S::Depth,
        };
        if let Some(b) = lookup(scope, &ev) {
            return Some(action_msg(b.action, &ev));
        }
        if lookup(S::Global, &ev).is_some_and(|b| b.action == A::Quit) {
            return Some(Msg::Quit);
        }
        return match overlay {
            Overlay::Help { .. } => Some(Msg::CloseOverlay),
            Overlay::Unsaved | Overlay::Respond => Some(Msg::Input(ev)),
            Overlay::Picker { .. } | Overlay::Conflicts | Overlay::Depth { .. } => None,
        };
    }
    if ev.code == KeyCode::Char('?')
        && !ev
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        && !is_typing(app)
    {
        return Some(Msg::OpenHelp);
    }
    for &scope in scopes(app.screen) {
        if let Some(b) = lookup(scope, &ev) {
            return Some(action_msg(b.action, &ev));
        }
    }
    Some(Msg::Input(ev))
}

/// Whether a `?` typed now is text: in a text, a number, a list or a table, a choice's
/// filter once started, the export path and the reviewer's questions' answers.
fn is_typing(app: &App) -> bool {
    use super::field::Field;
    match app.screen {
        Screen::Interview => match &app.field {
            Field::YesNo { .. } => false,
            Field::Choice { filter, .. } => !filter.is_empty(),
            _ => true,
        },
        Screen::Export | Screen::Followups => true,
        Screen::Review | Screen::Critique => false,
    }
}

/// A key the focused answer's widget did not use: navigation, if the table says so.
pub fn unused_key(ev: &KeyEvent) -> Option<Msg> {
    lookup(S::Unused, ev).map(|b| action_msg(b.action, ev))
}

fn action_msg(a: Action, ev: &KeyEvent) -> Msg {
    match a {
        A::NextQuestion => Msg::NextQuestion,
        A::PrevQuestion => Msg::PrevQuestion,
        A::NextSection => Msg::NextSection,
        A::PrevSection => Msg::PrevSection,
        A::SectionNumber => {
            let n = match ev.code {
                KeyCode::Char(c) => c.to_digit(10).unwrap_or(1) as usize,
                _ => 1,
            };
            Msg::GotoSection(if n == 0 { 9 } else { n - 1 })
        }
        A::SectionDigit => Msg::SectionDigit(match ev.code {
            KeyCode::Char(c) => c.to_digit(10).unwrap_or(0) as usize,
            _ => 0,
        }),
        A::SectionPicker => Msg::OpenPicker,
        A::Review => Msg::Show(Screen::Review),
        A::Export => Msg::Show(Screen::Export),
        A::Critique => Msg::Show(Screen::Critique),
        A::Followups => Msg::Show(Screen::Followups),
        A::Back => Msg::Back,
        A::Editor => Msg::OpenEditor,
        A::Clear => Msg::Clear,
        A::Undo => Msg::Undo,
        A::Redo => Msg::Redo,
        A::ToggleSidebar => Msg::ToggleSidebar,
        A::ToggleHelpPane => Msg::ToggleHelpPane,
        A::Help => Msg::OpenHelp,
        A::Quit => Msg::Quit,
        // One binding lists a pair of keys (↑↓, PgUp/PgDn): the key says which way.
        A::Move(m) => Msg::Move(match (m, ev.code) {
            (Motion::Down, KeyCode::Up | KeyCode::BackTab) => Motion::Up,
            (Motion::PageDown, KeyCode::PageUp) => Motion::PageUp,
            _ => m,
        }),
        A::Select => Msg::Select,
        A::Ask => Msg::CritiqueAsk { fresh: false },
        A::AskFresh => Msg::CritiqueAsk { fresh: true },
        A::CloseOverlay => Msg::CloseOverlay,
        A::Keep(side) => Msg::Keep { side, all: false },
        A::KeepAll(side) => Msg::Keep { side, all: true },
        A::Respond => Msg::OpenRespond,
        A::ResponseStatus => Msg::ResponseStatus {
            forward: ev.code != KeyCode::Left,
        },
        A::Depth(depth) => Msg::SetDepth(depth),
    }
}

/// The help bar's entries for the current screen: the widget's keys, then the bar bindings.
pub fn bar(app: &App) -> Vec<(&'static str, &'static str)> {
    // The response form's keys, or the conflicts', while it is open.
    let overlay_scope = match app.overlay {
        Some(Overlay::Respond) => Some(S::Respond),
        Some(Overlay::Depth { .. }) => Some(S::Depth),
        Some(Overlay::Conflicts) => Some(S::Conflicts),
        _ => None,
    };
    if let Some(scope) = overlay_scope {
        return BINDINGS
            .iter()
            .filter(|b| b.scope == scope)
            .filter_map(|b| Some((b.label, b.bar?)))
            .collect();
    }
    let mut out: Vec<(&str, &str)> = match app.screen {
        // The widget's keys, then undo, which reaches past the widget to the last answer
        // changed.
        Screen::Interview => {
            let mut keys = field_bar(app.interview.focused().kind);
            keys.extend(
                (BINDINGS.iter().filter(|b| b.action == A::Undo))
                    .filter_map(|b| Some((b.label, b.bar?))),
            );
            keys
        }
        _ => Vec::new(),
    };
    // The key that opened this screen has nothing to do here.
    let own = match app.screen {
        Screen::Review => Some(A::Review),
        Screen::Export => Some(A::Export),
        Screen::Critique => Some(A::Critique),
        Screen::Followups => Some(A::Followups),
        Screen::Interview => None,
    };
    // F2 / F3 are offered where a pane gave way, after the rest.
    let panes = super::layout::interview_panes(app, app.size);
    let gave_way = |a: Action| match a {
        A::ToggleSidebar => !matches!(panes.sidebar, Some((_, false))),
        A::ToggleHelpPane => panes.help.is_none(),
        _ => false,
    };
    // The reviewer's questions are offered once it asked some.
    let asked = !crate::reviewer::followups(app.interview.session()).is_empty();
    let long_text = app.interview.focused().kind == Kind::LongText;
    // The full interview is offered to a quick session.
    let quick = !app.interview.session().depth.is_full();
    // With no LLM configured the critique screen says how to set one up; asking would fail.
    let cannot_ask = app.critique.unconfigured.is_some() && app.critique.shown.is_none();
    for &scope in scopes(app.screen) {
        for b in BINDINGS.iter().filter(|b| b.scope == scope) {
            if let Some(name) = b.bar
                && Some(b.action) != own
                && (asked || b.action != A::Followups)
                && !(cannot_ask && matches!(b.action, A::Ask | A::AskFresh))
                && (quick || b.action != A::Depth(Depth::Full))
                && !matches!(b.action, A::ToggleSidebar | A::ToggleHelpPane | A::Undo)
                // The editor is offered where a long text is typed.
                && (b.action != A::Editor || long_text)
            {
                out.push((b.label, name));
            }
        }
    }
    if app.screen == Screen::Interview {
        out.extend(
            BINDINGS
                .iter()
                .filter(|b| gave_way(b.action))
                .filter_map(|b| Some((b.label, b.bar?))),
        );
    }
    out
}

/// The help overlay's groups: a heading and its (keys, what they do), every scope in the
/// table and every question kind.
pub fn help_groups() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let mut groups: Vec<(&str, Vec<(&str, &str)>)> = Vec::new();
    let order = [
        S::Global,
        S::Interview,
        S::Unused,
        S::Review,
        S::Export,
        S::Critique,
        S::Followups,
        S::Away,
        S::Picker,
        S::Help,
        S::Respond,
        S::Conflicts,
        S::Unsaved,
        S::Depth,
    ];
    for scope in order {
        let rows: Vec<(&str, &str)> = BINDINGS
            .iter()
            .filter(|b| b.scope == scope)
            .map(|b| (b.label, b.help))
            .collect();
        match groups.last_mut() {
            Some((title, existing)) if *title == scope.title() => existing.extend(rows),
            _ => groups.push((scope.title(), rows)),
        }
    }
    groups.push((
        "Editing text (an answer, a list's item, a grid's cell)",
        text_help(),
    ));
    groups.push(("Mouse", MOUSE.to_vec()));
    for (title, kind) in KINDS {
        groups.push((title, field_help(*kind)));
    }
    groups
}
