//! The answer widgets' keys, one table per question kind: what the focused widget does with a
//! key is looked up here ([`field_action`]), and the help bar and the F1 overlay list the same
//! rows, so the two cannot disagree. A key no row lists for the focused kind is not the
//! widget's: the app may use it to move on (the `Unused` scope of the main table).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Key, ch, ctrl, key};
use crate::questionnaire::Kind;

/// What a key does to the focused answer's widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldAction {
    /// Done with the answer: on to the next question (a list adds the item, a grid goes to the
    /// next cell).
    Submit,
    /// A new line in a long text.
    NewLine,
    /// A printable character: typed into the text, the filter, the cell.
    Type,
    /// The text's own editing keys: delete, cursor moves inside the line.
    Edit,
    /// Readline's ^U: delete to the start of the line (a choice's filter: clear it).
    DeleteToStart,
    /// Readline's ^W: the word before the cursor.
    DeleteWord,
    /// Readline's ^A.
    LineStart,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    /// Space: select or tick a choice, flip yes/no, toggle or cycle a grid's cell.
    Toggle,
    Yes,
    No,
    /// Esc on a choice: the filter typed is cleared.
    ClearFilter,
    /// A list: move the item up or down, remove it.
    MoveItemUp,
    MoveItemDown,
    RemoveItem,
    /// A grid: a row added below, the row removed.
    AddRow,
    RemoveRow,
}

/// One row of the widgets' table.
pub struct FieldBinding {
    /// The question kinds this row is for.
    pub kinds: &'static [Kind],
    pub keys: &'static [Key],
    /// How the keys are written in the help.
    pub label: &'static str,
    pub action: FieldAction,
    pub help: &'static str,
    /// Short name in the one-line help bar; `None`: only in the help overlay.
    pub bar: Option<&'static str>,
}

/// Stands for any printable character typed without Ctrl or Alt.
pub const ANY_CHAR: Key = key(KeyCode::Null);

const fn with(mods: KeyModifiers, code: KeyCode) -> Key {
    Key { code, mods }
}

use FieldAction as F;
use Kind as K;

/// The kinds whose answer (or a part of it: a list's item, a grid's cell) is typed text.
pub const TEXTS: &[Kind] = &[K::Text, K::LongText, K::Number, K::List, K::Records];
const ONE_LINE: &[Kind] = &[K::Text, K::Number];

const fn row(
    kinds: &'static [Kind],
    keys: &'static [Key],
    label: &'static str,
    action: FieldAction,
    help: &'static str,
    bar: Option<&'static str>,
) -> FieldBinding {
    FieldBinding {
        kinds,
        keys,
        label,
        action,
        help,
        bar,
    }
}

const ENTER: Key = key(KeyCode::Enter);
const SPACE: Key = ch(' ');
const UP: Key = key(KeyCode::Up);
const DOWN: Key = key(KeyCode::Down);
const LEFT: Key = key(KeyCode::Left);
const RIGHT: Key = key(KeyCode::Right);
const HOME: Key = key(KeyCode::Home);
const END: Key = key(KeyCode::End);

/// The widgets' keys. The bar shows a kind's rows in this order, the first two kept on a
/// narrow screen: the key that answers comes first.
#[rustfmt::skip]
pub static FIELD_BINDINGS: &[FieldBinding] = &[
    // One-line text and numbers.
    row(ONE_LINE, &[ENTER, with(KeyModifiers::ALT, KeyCode::Enter), with(KeyModifiers::SHIFT, KeyCode::Enter), with(KeyModifiers::CONTROL, KeyCode::Enter)], "Enter", F::Submit, "next question (a number only once it is valid)", Some("next")),
    // Long text.
    row(&[K::LongText], &[ENTER], "Enter", F::Submit, "next question", Some("next")),
    row(&[K::LongText], &[with(KeyModifiers::ALT, KeyCode::Enter), ctrl('j'), with(KeyModifiers::SHIFT, KeyCode::Enter), with(KeyModifiers::CONTROL, KeyCode::Enter)], "Alt+Enter/^J", F::NewLine, "a new line (Shift/Ctrl+Enter too where the terminal sends them)", Some("new line")),
    row(&[K::LongText], &[UP, DOWN], "↑↓", F::Up, "the line above / below (from the first / last line: the question before / after)", None),
    // Choices.
    row(&[K::Choice], &[ENTER], "Enter", F::Submit, "select the choice under the cursor, next question", Some("select, next")),
    row(&[K::MultiChoice], &[UP, DOWN], "↑↓", F::Up, "move", Some("move")),
    row(&[K::MultiChoice], &[SPACE], "Space", F::Toggle, "tick / untick (while a filter is typed: part of it)", Some("toggle")),
    row(&[K::MultiChoice], &[ENTER], "Enter", F::Submit, "next question (with a filter typed: tick the match)", Some("next")),
    row(&[K::Choice], &[UP, DOWN], "↑↓", F::Up, "move", Some("move")),
    row(&[K::Choice], &[SPACE], "Space", F::Toggle, "select (while a filter is typed: part of it)", Some("select")),
    row(&[K::Choice, K::MultiChoice], &[ch('y'), ch('n'), ch('Y'), ch('N')], "y/n", F::Yes, "pick the choice worded Yes / No, next; several so worded: the next of them (no filter typed)", None),
    row(&[K::Choice, K::MultiChoice], &[ANY_CHAR], "type", F::Type, "filter the choices (fuzzy, best match first)", Some("filter")),
    row(&[K::Choice, K::MultiChoice], &[key(KeyCode::Backspace)], "Bksp", F::Edit, "shorten the filter", None),
    row(&[K::Choice, K::MultiChoice], &[key(KeyCode::Esc), ctrl('u')], "Esc / ^U", F::ClearFilter, "clear the filter", None),
    row(&[K::Choice, K::MultiChoice], &[HOME, END], "Home/End", F::Home, "first / last choice", None),
    // Yes / no.
    row(&[K::YesNo], &[ch('y'), ch('n'), ch('Y'), ch('N')], "y/n", F::Yes, "answer, next", Some("answer, next")),
    row(&[K::YesNo], &[SPACE, LEFT, RIGHT], "Space", F::Toggle, "toggle (also ←→)", Some("toggle")),
    row(&[K::YesNo], &[ENTER], "Enter", F::Submit, "next", Some("next")),
    // Lists.
    row(&[K::List], &[ENTER], "Enter", F::Submit, "add the item (on an empty new item: next question)", Some("add item")),
    row(&[K::List], &[UP, DOWN], "↑↓", F::Up, "pick an item (past the ends: the question before / after)", Some("pick item")),
    row(&[K::List], &[with(KeyModifiers::ALT, KeyCode::Up), with(KeyModifiers::ALT, KeyCode::Down), with(KeyModifiers::CONTROL, KeyCode::Up), with(KeyModifiers::CONTROL, KeyCode::Down)], "Alt-↑↓", F::MoveItemUp, "move the item (also Ctrl-↑↓)", Some("move item")),
    row(&[K::List], &[with(KeyModifiers::CONTROL, KeyCode::Delete), with(KeyModifiers::ALT, KeyCode::Delete)], "^Del", F::RemoveItem, "remove the item (Del or Bksp on an emptied item too)", Some("remove item")),
    // Records.
    row(&[K::Records], &[ENTER], "Enter", F::Submit, "next cell (after the last: a new row; on a blank last row: next question)", Some("next cell")),
    row(&[K::Records], &[LEFT, RIGHT, UP, DOWN], "←→↑↓", F::Left, "move between cells (←→ at the ends of a cell's text)", Some("move")),
    row(&[K::Records], &[SPACE], "Space", F::Toggle, "toggle yes/no, cycle a choice (a text cell: a space)", Some("toggle/cycle")),
    row(&[K::Records], &[ctrl('n')], "^N", F::AddRow, "add a row below", Some("add row")),
    row(&[K::Records], &[ctrl('d'), with(KeyModifiers::CONTROL, KeyCode::Delete)], "^D", F::RemoveRow, "remove the row (^Del too)", Some("remove row")),
    // Typing, in every text (one-line, long, numbers, a list's item, a grid's cell).
    row(TEXTS, &[ANY_CHAR], "type", F::Type, "type (a grid: y/n in a yes/no cell, a first letter or number in a choice cell)", None),
    row(TEXTS, &[ctrl('u')], "^U", F::DeleteToStart, "delete to the start of the line (clears the export path)", None),
    row(TEXTS, &[ctrl('w'), with(KeyModifiers::ALT, KeyCode::Backspace)], "^W", F::DeleteWord, "delete the word before the cursor", None),
    row(TEXTS, &[ctrl('a')], "^A / End", F::LineStart, "start / end of the line (^E is the editor)", None),
    row(TEXTS, &[key(KeyCode::Backspace), key(KeyCode::Delete), ctrl('h'), ctrl('k'), HOME, END, with(KeyModifiers::CONTROL, KeyCode::Left), with(KeyModifiers::CONTROL, KeyCode::Right)], "Bksp Del Home End", F::Edit, "edit: delete, go to the start or end (^←→ by words, ^K deletes to the end)", None),
    // A grid's ←→ are its own row: inside a cell's text they move, at its ends to the next cell.
    row(&[K::Text, K::LongText, K::Number, K::List], &[LEFT, RIGHT], "←→", F::Edit, "move in the line", None),
];

/// Whether `k` is pressed by `ev`; [`ANY_CHAR`] takes any character typed without Ctrl or
/// Alt.
fn presses(k: &Key, ev: &KeyEvent) -> bool {
    if k.code == KeyCode::Null {
        return matches!(ev.code, KeyCode::Char(_))
            && !ev
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    }
    super::matches(k, ev)
}

/// The row of `kind`'s table that `ev` presses: the first that lists it.
pub fn field_binding(kind: Kind, ev: &KeyEvent) -> Option<&'static FieldBinding> {
    FIELD_BINDINGS
        .iter()
        .filter(|b| b.kinds.contains(&kind))
        .find(|b| b.keys.iter().any(|k| presses(k, ev)))
}

/// What `ev` does to a widget of `kind`: the action of its row, told apart by the key where
/// one row lists a pair (↑↓, y/n, Home/End, ^Z/^Y, Alt-↑↓). `None`: not the widget's key.
pub fn field_action(kind: Kind, ev: &KeyEvent) -> Option<FieldAction> {
    let b = field_binding(kind, ev)?;
    Some(match (b.action, ev.code) {
        (F::Up, KeyCode::Down) | (F::MoveItemUp, KeyCode::Down) => match b.action {
            F::Up => F::Down,
            _ => F::MoveItemDown,
        },
        (F::Left, KeyCode::Right) => F::Right,
        (F::Left, KeyCode::Up) => F::Up,
        (F::Left, KeyCode::Down) => F::Down,
        (F::Yes, KeyCode::Char('n' | 'N')) => F::No,
        (F::Home, KeyCode::End) => F::End,
        (a, _) => a,
    })
}

/// The rows of `kind`'s table, for the help bar: (keys, short name).
pub fn field_bar(kind: Kind) -> Vec<(&'static str, &'static str)> {
    FIELD_BINDINGS
        .iter()
        .filter(|b| b.kinds.contains(&kind))
        .filter_map(|b| Some((b.label, b.bar?)))
        .collect()
}

/// The help overlay's rows of `kind` (keys, what they do), less the typing rows every text
/// shares (listed once, as [`text_help`]).
pub fn field_help(kind: Kind) -> Vec<(&'static str, &'static str)> {
    FIELD_BINDINGS
        .iter()
        .filter(|b| b.kinds.contains(&kind) && b.kinds != TEXTS)
        .map(|b| (b.label, b.help))
        .collect()
}

/// The typing rows every text shares, for the help overlay.
pub fn text_help() -> Vec<(&'static str, &'static str)> {
    FIELD_BINDINGS
        .iter()
        .filter(|b| b.kinds == TEXTS)
        .map(|b| (b.label, b.help))
        .collect()
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::answer::{Answer, Row};
    use crate::bundle::Bundle;
    use crate::questionnaire::{ColumnKind, Question};
    use crate::tui::field::{Field, Outcome};

    fn builtin() -> Bundle {
        Bundle::builtin("ml-experiment").unwrap().unwrap()
    }

    /// The first question of `kind` in the built-in questionnaire (the records question with
    /// every kind of column).
    fn question_of(bundle: &Bundle, kind: Kind) -> &Question {
        let mut of_kind = bundle.questionnaire.questions().filter(|q| q.kind == kind);
        match kind {
            K::Records => of_kind
                .find(|q| q.columns.iter().any(|c| c.kind == ColumnKind::Choice))
                .unwrap(),
            _ => of_kind.next().unwrap(),
        }
    }

    fn answer_of(q: &Question) -> Answer {
        match q.kind {
            K::Text => Answer::Text("hello world".into()),
            K::LongText => Answer::Text("line one\nline two".into()),
            K::Number => Answer::Number(q.min.unwrap_or(1.0)),
            K::Choice => Answer::Text(q.choices[1].value.clone()),
            K::MultiChoice => Answer::List(vec![q.choices[0].value.clone()]),
            K::YesNo => Answer::Bool(true),
            K::List => Answer::List(vec!["one".into(), "two".into()]),
            K::Records => {
                let row = || {
                    Row(q
                        .columns
                        .iter()
                        .filter_map(|c| {
                            let reply = match c.kind {
                                ColumnKind::Choice => c.choices[0].value.as_str(),
                                ColumnKind::YesNo => "y",
                                ColumnKind::Number => "1",
                                ColumnKind::Text => "a cell",
                            };
                            Some((c.id.clone(), c.parse_cell(reply).ok()??))
                        })
                        .collect())
                };
                Answer::Records(vec![row(), row()])
            }
        }
    }

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    /// The widget of `q` in a few states: empty, answered, and moved about in (a filter
    /// typed, an item or a cell picked, the cursor inside the text).
    fn states(q: &Question) -> Vec<Field> {
        let answer = answer_of(q);
        let moves: Vec<Vec<KeyEvent>> = vec![
            vec![],
            vec![ev(KeyCode::Up, KeyModifiers::NONE)],
            vec![ev(KeyCode::Down, KeyModifiers::NONE)],
            vec![ev(KeyCode::Char('a'), KeyModifiers::NONE)],
            vec![ev(KeyCode::Left, KeyModifiers::NONE)],
            vec![ev(KeyCode::Right, KeyModifiers::NONE)],
            vec![
                ev(KeyCode::Right, KeyModifiers::NONE),
                ev(KeyCode::Right, KeyModifiers::NONE),
                ev(KeyCode::Right, KeyModifiers::NONE),
            ],
        ];
        let mut out = Vec::new();
        for start in [None, Some(&answer)] {
            for keys in &moves {
                let mut f = Field::new(q, start);
                for k in keys {
                    f.handle(q, *k);
                }
                out.push(f);
            }
        }
        out
    }

    /// Keys of every sort: characters, with Ctrl and Alt; the named keys, with every modifier.
    fn every_key() -> Vec<KeyEvent> {
        let mut keys = Vec::new();
        let mods = [
            KeyModifiers::NONE,
            KeyModifiers::SHIFT,
            KeyModifiers::CONTROL,
            KeyModifiers::ALT,
        ];
        for c in ('a'..='z').chain(['Y', 'N', ' ', '1', '0', '?', '-']) {
            for m in mods {
                keys.push(ev(KeyCode::Char(c), m));
            }
        }
        let named = [
            KeyCode::Enter,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Insert,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Esc,
            KeyCode::F(5),
        ];
        for code in named {
            for m in mods {
                keys.push(ev(code, m));
            }
        }
        keys
    }

    const KINDS: [Kind; 8] = [
        K::Text,
        K::LongText,
        K::Number,
        K::Choice,
        K::MultiChoice,
        K::YesNo,
        K::List,
        K::Records,
    ];

    #[test]
    fn every_key_a_widget_takes_is_in_its_help() {
        let bundle = builtin();
        for kind in KINDS {
            let q = question_of(&bundle, kind);
            for key in every_key() {
                for mut field in states(q) {
                    if field.handle(q, key) != Outcome::Ignored {
                        let row = field_binding(kind, &key);
                        assert!(
                            row.is_some_and(|r| !r.help.is_empty()),
                            "{kind:?} takes {key:?}, and its help does not list it"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_key_in_the_help_reaches_its_widget_and_does_something() {
        let bundle = builtin();
        for b in FIELD_BINDINGS {
            for &kind in b.kinds {
                let q = question_of(&bundle, kind);
                for k in b.keys {
                    let presses: Vec<KeyEvent> = match k.code {
                        KeyCode::Null => vec![ev(KeyCode::Char('a'), KeyModifiers::NONE)],
                        code => vec![ev(code, k.mods)],
                    };
                    for key in presses {
                        // Not shadowed by a row before it.
                        assert!(
                            std::ptr::eq(field_binding(kind, &key).unwrap(), b),
                            "{kind:?}: {key:?} of \"{}\" is taken by an earlier row",
                            b.label
                        );
                        // Not taken by the screen's keys before the widget sees it.
                        for scope in [super::super::Scope::Interview, super::super::Scope::Global] {
                            assert!(
                                super::super::lookup(scope, &key).is_none(),
                                "{kind:?}: {key:?} of \"{}\" never reaches the widget",
                                b.label
                            );
                        }
                        let used = states(q)
                            .into_iter()
                            .any(|mut f| f.handle(q, key) != Outcome::Ignored);
                        assert!(used, "{kind:?}: {key:?} of \"{}\" does nothing", b.label);
                    }
                }
            }
        }
    }

    #[test]
    fn the_help_bar_and_overlay_read_the_table() {
        assert_eq!(field_bar(K::YesNo)[0], ("y/n", "answer, next"));
        assert!(field_help(K::Records).contains(&("^N", "add a row below")));
        assert!(text_help().iter().any(|(k, _)| *k == "^W"));
    }
}
