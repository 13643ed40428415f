//! The interview screen's state: the interview core, the focused answer's widget, the other
//! screens' state, and what the view asks of them. Changed only by `update`.

use crate::verdict::{LlmPolicy, Verdict};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

use super::critique::CritiqueState;
use super::field::Field;
use super::followups::FollowupsState;
use super::msg::{Banner, ConflictSet, Exit, Failure, Overlay, Pane, Screen, Side};
use super::respond::RespondForm;
use super::update::undo::AnswerHistory;
use crate::bundle::Bundle;
use crate::critic::{Finding, Severity};
use crate::interview::Interview;
use crate::questionnaire::{NumberSpec, Question};
use crate::response::FindingResponse;
use crate::reviewer::{self, ShownFinding};
use crate::session::Session;
use crate::source::Problem;

/// Progress that holds still as conditions open questions ([`App::steady_progress`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Steady {
    pub answered: usize,
    pub counted: usize,
    /// Questions a condition opened, not answered yet (not in `counted`).
    pub opened: usize,
}

/// One line of the review screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    pub kind: ItemKind,
    /// The question to jump to (none for an answer to an unknown question).
    pub question: Option<String>,
    /// The rule of a finding, or the LLM finding's id (what `r` answers).
    pub rule: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Problem,
    Open,
    Finding(Severity),
    /// The LLM reviewer's finding (not folded into a rule's): `stale` when an answer it rests
    /// on changed since the critique.
    Llm {
        severity: Severity,
        stale: bool,
    },
}

pub struct ExportState {
    pub path: TextArea<'static>,
    pub preview: String,
    /// Rows scrolled; the view stops at the preview's end.
    pub scroll: u16,
    pub result: Option<Result<PathBuf, Failure>>,
}

/// Answers changed both here and on disk, and what the user decided so far.
pub struct ConflictState {
    pub set: ConflictSet,
    pub decisions: Vec<Option<Side>>,
    pub cursor: usize,
    /// The conflicts came in the file, left by a merge (`[conflicts]`), not from a save: the
    /// sides are two branches, and deciding them is an ordinary save of this file.
    pub from_file: bool,
}

pub struct App {
    pub interview: Interview,
    /// The session file.
    pub path: PathBuf,
    pub field: Field,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub review_cursor: usize,
    pub export: ExportState,
    /// Problems found when the session was loaded (answers that do not fit).
    pub load_problems: Vec<Problem>,
    /// Answers of an older shape converted when the session was opened, listed in the review.
    pub load_notes: Vec<Problem>,
    pub banner: Option<Banner>,
    /// Why the last save failed; shown until a save succeeds.
    pub save_error: Option<Failure>,
    pub conflicts: Option<ConflictState>,
    /// The response form, while it is open.
    pub respond: Option<RespondForm>,
    /// Where to write a copy when the session file cannot be written (on quit).
    pub copy_path: TextArea<'static>,
    /// Why the copy could not be written, if it was tried.
    pub copy_error: Option<Failure>,
    pub critique: CritiqueState,
    /// The reviewer's questions screen: the picked question and the answer typed.
    pub followups: FollowupsState,
    /// Numbers typed that are not a valid answer yet, by question id: shown again when the
    /// question is, counted as open, never saved (the answer the question had before stays in
    /// the file).
    pub number_drafts: BTreeMap<String, String>,
    /// The focused question had the reviewer's findings when the focus came to it: the help
    /// pane below the questions is then taller. Decided on arrival, so that answering does not
    /// move the questions under the mouse.
    pub help_tall: bool,
    /// ^Q was pressed with numbers typed that are not valid, and told so: the warning given.
    /// Once those numbers change (fixed, or others typed), it is taken down and a ^Q warns
    /// again.
    pub quit_warned: Option<String>,
    /// The answers changed this session, for ^Z / ^Y whatever the question's kind.
    pub history: AnswerHistory,
    /// The focused text or number shows its question's default, filled in on arrival: dim,
    /// replaced by what is typed, kept by Enter.
    pub showing_default: bool,
    /// The questions the last answer changed opened (ids), for the focus arriving on one.
    pub inserted: Vec<String>,
    /// The focused question was just opened by a condition (its id), and whether a frame
    /// has shown it: until then, keys typed are not applied to it.
    pub new_question: Option<(String, bool)>,
    /// The section picker's first digit, waiting for a second one (sections 10 and up).
    pub section_digit: Option<usize>,
    /// Whether the sections sidebar and the "Why this matters" pane show (F2, F3).
    pub sidebar: Pane,
    pub help_pane: Pane,
    /// The terminal's size as last heard (`Msg::Resize`), for placing a mouse click.
    pub size: Rect,
    pub color: bool,
    pub quitting: bool,
    pub exit: Exit,
    /// Whether the LLM reviewer's findings count in the verdict (the config file's `[review]`).
    pub llm_policy: LlmPolicy,
}

impl App {
    /// A new session's first screen: how deep to go, with the questions each depth asks.
    pub fn ask_depth(&mut self) {
        self.overlay = Some(Overlay::Depth {
            cursor: 0,
            sizes: self.interview.depth_sizes(),
        });
    }

    /// The focused question's widget, after the focus moved: its default taken, a number
    /// typed and not yet valid kept.
    pub(super) fn load_field(&mut self) {
        let filled = self.interview.take_default();
        let q = self.interview.focused();
        self.field = Field::new(q, self.interview.session().answers.get(&q.id));
        self.showing_default = filled && self.field.is_typed_text();
        if let Some(draft) = self.number_drafts.get(&q.id) {
            self.field.set_number_draft(draft);
        }
        self.help_tall = self.reviewed_here();
    }

    /// Whether the reviewer (the rules or the LLM) has findings on the focused question.
    pub fn reviewed_here(&self) -> bool {
        let id = &self.interview.focused().id;
        self.findings_for(id).next().is_some()
            || (self.llm_findings().iter()).any(|f| f.folded_into.is_none() && f.is_about(id))
    }

    pub fn new(bundle: Bundle, session: Session, path: PathBuf) -> App {
        let load_problems = session.problems(&bundle.questionnaire);
        let mut interview = Interview::new(bundle, session);
        let filled = interview.take_default();
        let field = Field::new(
            interview.focused(),
            interview.session().answers.get(&interview.focused().id),
        );
        let mut export_path =
            TextArea::new(vec![default_doc_path(&path).to_string_lossy().into_owned()]);
        export_path.move_cursor(ratatui_textarea::CursorMove::End);
        let mut app = App {
            interview,
            path,
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
            load_notes: Vec::new(),
            banner: None,
            save_error: None,
            conflicts: None,
            respond: None,
            copy_path: TextArea::default(),
            copy_error: None,
            critique: CritiqueState::default(),
            followups: FollowupsState::default(),
            number_drafts: BTreeMap::new(),
            help_tall: false,
            quit_warned: None,
            history: AnswerHistory::default(),
            showing_default: false,
            inserted: Vec::new(),
            new_question: None,
            section_digit: None,
            sidebar: Pane::Auto,
            help_pane: Pane::Auto,
            size: Rect::default(),
            color: true,
            quitting: false,
            exit: Exit::Saved,
            llm_policy: LlmPolicy::default(),
        }
        .with_file_conflicts();
        app.showing_default = filled && app.field.is_typed_text();
        app.help_tall = app.reviewed_here();
        app
    }

    /// A file a merge left with answers in conflict opens on the conflicts overlay: ours and
    /// theirs of each, to pick from (then edit, to combine).
    fn with_file_conflicts(mut self) -> App {
        let session = self.interview.session().clone();
        if session.conflicts.is_empty() {
            return self;
        }
        let conflicts: Vec<crate::merge::Conflict> = session
            .conflicts
            .iter()
            .map(|(id, c)| crate::merge::Conflict {
                question: id.clone(),
                ours: c.ours.clone(),
                theirs: c.theirs.clone(),
            })
            .collect();
        self.conflicts = Some(ConflictState {
            decisions: vec![None; conflicts.len()],
            set: ConflictSet {
                conflicts,
                merged: session.clone(),
                theirs: session,
                disk: Vec::new(),
            },
            cursor: 0,
            from_file: true,
        });
        self.overlay = Some(Overlay::Conflicts);
        self
    }

    /// Takes the notes of answers converted on opening: listed in the review, and said once
    /// in the banner.
    pub fn take_load_notes(&mut self, notes: Vec<Problem>) {
        if let Some(first) = notes.first() {
            let more = match notes.len() {
                1 => String::new(),
                n => format!(" (and {} more: ^R lists them)", n - 1),
            };
            let line = first
                .line
                .map(|l| format!("line {l}: "))
                .unwrap_or_default();
            self.banner = Some(Banner::info(format!(
                "{line}{}: {}{more}",
                first.question.as_deref().unwrap_or(&first.subject),
                first.message
            )));
        }
        self.load_notes = notes;
    }

    /// Problems with the focused answer, as the user types.
    pub fn field_errors(&self) -> Vec<String> {
        let mut out: Vec<String> = self.field.pending_error().into_iter().collect();
        for p in self.interview.answer_problems(self.interview.focused()) {
            if !out.iter().any(|o| o.starts_with(&p)) {
                out.push(p);
            }
        }
        out
    }

    /// Numbers typed that are not valid answers, on questions asked: each with its question
    /// and why.
    pub fn open_drafts(&self) -> Vec<(&Question, String)> {
        let iv = &self.interview;
        let q = &iv.bundle().questionnaire;
        self.number_drafts
            .iter()
            .filter_map(|(id, text)| {
                let i = q.index_of(id).filter(|&i| iv.is_asked(i))?;
                let question = q.question(i);
                let why = NumberSpec::of(question).read(text).err()?.to_string();
                Some((question, why))
            })
            .collect()
    }

    /// Answered and asked questions, for the header: an answer being retyped as something
    /// that is not valid yet counts as open.
    pub fn answered_of_asked(&self) -> (usize, usize) {
        let p = self.interview.progress();
        let retyped = self
            .open_drafts()
            .iter()
            .filter(|(q, _)| self.interview.review().is_answered(&q.id))
            .count();
        (p.answered.saturating_sub(retyped), p.asked)
    }

    /// Progress that holds still, for the header: of the questions `among` (indices), those
    /// answered, of those counted. Counted: the questions asked whatever the answers (no
    /// `when`), and those a condition opened once they are answered. A condition opening a
    /// question does not move the figure back (5/10 stays 5/10); answering it moves both sides
    /// (6/11). The third number: questions a condition opened that are still open (the
    /// review lists them). A number typed that is not valid yet counts as open.
    pub fn steady_progress(&self, among: impl Iterator<Item = usize>) -> Steady {
        let iv = &self.interview;
        let q = &iv.bundle().questionnaire;
        let mut p = Steady::default();
        for i in among.filter(|&i| iv.is_asked(i)) {
            let question = q.question(i);
            let answered = iv.is_answered(i) && !self.number_drafts.contains_key(&question.id);
            match (question.when.is_some(), answered) {
                (_, true) => {
                    p.answered += 1;
                    p.counted += 1;
                }
                (false, false) => p.counted += 1,
                (true, false) => p.opened += 1,
            }
        }
        p
    }

    /// Whether answers may still open questions: a question with a condition is not asked
    /// now (and not waiting for the full interview).
    pub fn more_may_follow(&self) -> bool {
        let iv = &self.interview;
        let q = &iv.bundle().questionnaire;
        (0..q.len()).any(|i| {
            q.question(i).when.is_some() && !iv.review().visible[i] && !iv.review().pending[i]
        })
    }

    /// [`Self::steady_progress`] of the required questions.
    pub fn required_progress(&self) -> Steady {
        let q = &self.interview.bundle().questionnaire;
        self.steady_progress((0..q.len()).filter(|&i| q.question(i).required))
    }

    /// [`Self::steady_progress`] of the questions of section `s`.
    pub fn section_steady(&self, s: usize) -> Steady {
        let q = &self.interview.bundle().questionnaire;
        self.steady_progress(q.section_range(s))
    }

    /// The critic's findings shown beside a question: those that point at it (a rule reads
    /// other answers too, and its finding shows at the one it is about, not at each), and
    /// only once it is answered or in focus, so findings on questions not reached yet do not
    /// pile up on the one in view.
    pub fn findings_for<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        let iv = &self.interview;
        let here = iv.review().asked.contains_key(id) || iv.focused().id == id;
        iv.review()
            .findings
            .iter()
            .filter(move |f| here && f.question == id)
    }

    /// Every answer that does not fit, every blocker, every open required question, then the
    /// other findings.
    // Longer than a screen: the order of the review list (problems, blockers, open questions, other findings, the LLM reviewer's) reads top to bottom in one place.
    pub fn review_items(&self) -> Vec<ReviewItem> {
        let iv = &self.interview;
        let q = &iv.bundle().questionnaire;
        let mut items = Vec::new();
        for i in (0..q.len()).filter(|&i| iv.is_asked(i)) {
            let question = q.question(i);
            for m in iv.answer_problems(question) {
                items.push(ReviewItem {
                    kind: ItemKind::Problem,
                    question: Some(question.id.clone()),
                    rule: None,
                    text: format!("{}: {m}", question.prompt),
                });
            }
        }
        for (question, why) in self.open_drafts() {
            items.push(ReviewItem {
                kind: ItemKind::Problem,
                question: Some(question.id.clone()),
                rule: None,
                text: format!("{}: {why} (typed, not saved)", question.prompt),
            });
        }
        // An answer that does not fit is listed below (or above, live): not twice.
        let listed = |p: &Problem| {
            (self.load_problems.iter()).any(|l| l.subject == p.subject && l.message == p.message)
        };
        for p in self.load_notes.iter().filter(|p| !listed(p)) {
            items.push(ReviewItem {
                kind: ItemKind::Problem,
                question: p.question.clone(),
                rule: None,
                text: format!("{}: {}", p.subject, p.message),
            });
        }
        // Answers to questions this questionnaire does not have: nothing to jump to.
        for p in &self.load_problems {
            if p.question.as_deref().is_none_or(|id| q.get(id).is_none()) {
                items.push(ReviewItem {
                    kind: ItemKind::Problem,
                    question: None,
                    rule: None,
                    text: format!("{}: {}", p.subject, p.message),
                });
            }
        }
        let llm = self.llm_findings();
        let finding = |f: &Finding| {
            let agrees = llm
                .iter()
                .any(|l| l.folded_into.as_deref() == Some(f.rule.as_str()));
            ReviewItem {
                kind: ItemKind::Finding(f.severity),
                question: Some(f.question.clone()),
                rule: Some(f.rule.clone()),
                text: format!(
                    "[{}]{} {}{}",
                    f.rule,
                    response_tag(f.response.as_ref()),
                    f.message,
                    if agrees {
                        " (The LLM reviewer agrees.)"
                    } else {
                        ""
                    }
                ),
            }
        };
        let (blockers, others): (Vec<&Finding>, Vec<&Finding>) = iv
            .review()
            .findings
            .iter()
            .partition(|f| f.severity == Severity::Blocker);
        items.extend(blockers.into_iter().map(finding));
        items.extend(iv.open_required().map(|question| ReviewItem {
            kind: ItemKind::Open,
            question: Some(question.id.clone()),
            rule: None,
            text: question.prompt.clone(),
        }));
        items.extend(others.into_iter().map(finding));
        // The reviewer's own points; one about the whole design has no question to go to.
        items.extend(llm.iter().filter(|f| f.folded_into.is_none()).map(|f| {
            ReviewItem {
                kind: ItemKind::Llm {
                    severity: f.finding.severity,
                    stale: f.stale,
                },
                question: Some(f.finding.question.clone())
                    .filter(|id| iv.bundle().questionnaire.get(id).is_some()),
                rule: Some(f.id.clone()),
                text: format!(
                    "LLM reviewer{}{}: {}",
                    if f.stale { " (stale)" } else { "" },
                    response_tag(f.response.as_ref()),
                    f.finding.message
                ),
            }
        }));
        items
    }

    /// The LLM reviewer's findings beside the rules': those of the critique streaming in, as
    /// each one completes, else the latest saved critique's (stale or not), with the team's
    /// responses.
    pub fn llm_findings(&self) -> Vec<ShownFinding> {
        let iv = &self.interview;
        let (rules, asked) = (&iv.review().findings, &iv.review().asked);
        if !self.critique.running {
            return reviewer::session_findings(iv.session(), rules, asked);
        }
        let mut out = reviewer::streaming_findings(rules, &self.critique.transcript.findings);
        reviewer::attach_responses(&mut out, &iv.session().responses, asked);
        out
    }

    /// The one verdict on the plan as it stands (what the header, the review screen, `check`
    /// and the doc count): the rules' findings and the LLM reviewer's current ones.
    pub fn verdict(&self) -> Verdict {
        let iv = &self.interview;
        let open = iv
            .review()
            .open_required(&iv.bundle().questionnaire)
            .count();
        let llm = self.llm_findings();
        Verdict::of_session(iv.session(), iv.review(), open, &llm, self.llm_policy)
    }

    /// The path typed on the export screen.
    pub fn export_path(&self) -> PathBuf {
        PathBuf::from(self.export.path.lines().join("").trim())
    }
}

/// A finding's response in a few words, before its message: ` (accepted risk: Priya)`,
/// ` (won't fix)`, ` (response stale)`; nothing without one.
fn response_tag(response: Option<&FindingResponse>) -> String {
    match response {
        None => String::new(),
        Some(r) if r.stale => format!(" ({}, stale: the answers changed)", r.status.name()),
        Some(r) if r.owner.is_empty() => format!(" ({})", r.status.name()),
        Some(r) => format!(" ({}: {})", r.status.name(), r.owner),
    }
}

/// Where the doc goes by default: beside the session file.
pub fn default_doc_path(session: &Path) -> PathBuf {
    session.with_extension("md")
}
