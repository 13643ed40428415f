//! A questionnaire together with its rule packs and its readiness scorecard, built in or loaded
//! from files, and the review (visibility, findings, score) of a set of answers.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::answer::Answers;
use crate::critic::{Critic, Finding};
use crate::questionnaire::Questionnaire;
use crate::response::{Response, Status};
use crate::score::{Readiness, Scorecard};
use crate::session::{Depth, Session};
use crate::source::{Checks, FileError};

/// A questionnaire shipped inside the binary, with its rules and score files.
pub struct Builtin {
    pub id: &'static str,
    pub questionnaire: &'static str,
    pub rules: &'static str,
    pub score: &'static str,
}

pub const BUILTINS: &[Builtin] = &[Builtin {
    id: "ml-experiment",
    questionnaire: include_str!("../../questionnaires/ml-experiment.toml"),
    rules: include_str!("../../questionnaires/ml-experiment.rules.toml"),
    score: include_str!("../../questionnaires/ml-experiment.score.toml"),
}];

pub const DEFAULT_QUESTIONNAIRE: &str = "ml-experiment";

pub struct Bundle {
    pub questionnaire: Questionnaire,
    pub critic: Critic,
    pub scorecard: Option<Scorecard>,
    /// Where the questionnaire came from: `None` for a built-in one.
    pub path: Option<PathBuf>,
}

/// Everything the critic and the score say about a set of answers.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    /// Which questions are asked: their condition holds and, in a quick session, they are
    /// essential or answered.
    #[serde(skip)]
    pub visible: Vec<bool>,
    /// Which questions a quick session leaves for the full interview (`depth::pending`).
    #[serde(skip)]
    pub pending: Vec<bool>,
    /// The answers of asked questions, as given (placeholders included, for the doc).
    #[serde(skip)]
    pub asked: Answers,
    /// Asked questions whose answer is only a placeholder ("TBD"): unanswered for the rules,
    /// the open questions and the progress.
    #[serde(skip)]
    pub placeholders: BTreeSet<String>,
    pub findings: Vec<Finding>,
    /// Findings of a quick session that rest on questions it did not ask: they wait for the
    /// full interview.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deferred: Vec<Finding>,
    /// Every finding that fired, superseded ones included: what an incremental review reuses.
    #[serde(skip)]
    pub fired: Vec<Finding>,
    pub readiness: Option<Readiness>,
}

impl Review {
    /// Whether the question `id` is asked and has a real answer.
    pub fn is_answered(&self, id: &str) -> bool {
        self.asked.contains_key(id) && !self.placeholders.contains(id)
    }

    /// The asked, required questions without an answer, in asking order: the open questions
    /// of the review screen, the doc and `check`.
    pub fn open_required<'a>(
        &'a self,
        q: &'a Questionnaire,
    ) -> impl Iterator<Item = &'a crate::questionnaire::Question> + 'a {
        (0..q.len())
            .filter(|&i| self.visible[i])
            .map(|i| q.question(i))
            .filter(|question| question.required && !self.is_answered(&question.id))
    }
}

impl Bundle {
    /// A built-in bundle as the binary loads it on start: trusted (no load-time checks; the
    /// tests hold the files to them, [`Bundle::builtin_checked`]).
    pub fn builtin(id: &str) -> Option<Result<Bundle, FileError>> {
        Self::builtin_as(id, Checks::Trusted)
    }

    /// A built-in bundle read from its TOML files with every check, the rules' `cases`
    /// included: what the tests hold the built-in files to, and what lets
    /// [`Bundle::builtin`] skip the checks on every start.
    pub fn builtin_checked(id: &str) -> Option<Result<Bundle, FileError>> {
        Self::builtin_as(id, Checks::All)
    }

    fn builtin_as(id: &str, checks: Checks) -> Option<Result<Bundle, FileError>> {
        let b = BUILTINS.iter().find(|b| b.id == id)?;
        let (questionnaire, rules, score) = (b.questionnaire, b.rules, b.score);
        Some(Self::from_sources(
            questionnaire,
            &builtin_path(b.id, ""),
            Some((rules, builtin_path(b.id, ".rules"))),
            Some((score, builtin_path(b.id, ".score"))),
            None,
            checks,
        ))
    }

    /// The rule pack and scorecard that go with the questionnaire file `path` (`NAME.toml`):
    /// `NAME.rules.toml` and `NAME.score.toml` beside it, each read when it exists.
    pub fn companions(path: &Path) -> [PathBuf; 2] {
        let sibling = |suffix: &str| {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            path.with_file_name(format!("{stem}{suffix}.toml"))
        };
        [sibling(".rules"), sibling(".score")]
    }

    /// A questionnaire file's bundle: its text (`source`, read from `path`) with every check,
    /// and the texts of its [companions](Bundle::companions) that exist.
    pub fn from_files(
        source: &str,
        path: &Path,
        rules: Option<(&str, PathBuf)>,
        score: Option<(&str, PathBuf)>,
    ) -> Result<Bundle, FileError> {
        Self::from_sources(
            source,
            path,
            rules,
            score,
            Some(path.to_path_buf()),
            Checks::All,
        )
    }

    /// The three files checked as `checks` says: a built-in bundle is trusted, because a test
    /// (`the_built_in_files_pass_every_check`) loads its files with every check.
    fn from_sources(
        questionnaire: &str,
        path: &Path,
        rules: Option<(&str, PathBuf)>,
        score: Option<(&str, PathBuf)>,
        origin: Option<PathBuf>,
        checks: Checks,
    ) -> Result<Bundle, FileError> {
        let questionnaire = Questionnaire::from_str_checked(questionnaire, path, checks)?;
        let mut critic = Critic::default();
        match (rules, checks) {
            (None, _) => {}
            (Some((src, p)), Checks::All) => critic.add_pack(src, &p, &questionnaire)?,
            (Some((src, p)), Checks::Trusted) => critic.add_trusted_pack(src, &p)?,
        }
        let scorecard = match score {
            Some((src, p)) => Some(Scorecard::from_str_checked(
                src,
                &p,
                &questionnaire,
                checks,
            )?),
            None => None,
        };
        Ok(Bundle {
            questionnaire,
            critic,
            scorecard,
            path: origin,
        })
    }

    /// Adds a team's own rule pack, `source` as read from `path`.
    pub fn add_rules(&mut self, source: &str, path: &Path) -> Result<(), FileError> {
        self.critic.add_pack(source, path, &self.questionnaire)
    }

    /// The review after an answer changed: the rules and score tests that do not read that
    /// answer, nor any question whose visibility flipped, keep their `previous` results.
    /// The same as [`Bundle::review_at`], in a fraction of the time.
    pub fn review_after(
        &self,
        previous: &Review,
        answers: &Answers,
        depth: Depth,
        changed: &str,
    ) -> Review {
        self.review_with(answers, depth, Some((previous, changed)))
    }

    /// The hash of the answers `rule` reads (its questions, condition and message), as they are
    /// in `review`: what a response records, and what makes it stale.
    pub fn response_hash(&self, review: &Review, rule: &str) -> String {
        let inputs = self.critic.inputs(rule);
        let read: Answers = review
            .asked
            .iter()
            .filter(|(id, _)| inputs.iter().any(|i| i == *id))
            .map(|(id, a)| (id.clone(), a.clone()))
            .collect();
        crate::answer::answers_hash(&read)
    }

    /// Sets each shown finding's `response` from the session's responses.
    pub fn attach_responses(&self, review: &mut Review, responses: &BTreeMap<String, Response>) {
        let mut findings = std::mem::take(&mut review.findings);
        for f in &mut findings {
            f.response = responses
                .get(&f.rule)
                .map(|r| r.shown(&self.response_hash(review, &f.rule)));
        }
        review.findings = findings;
    }

    /// A new response to `rule` as the answers are now in `review`, after checking that the status
    /// has what it needs; the date is left for the caller to stamp.
    pub fn new_response(
        &self,
        review: &Review,
        rule: &str,
        status: Status,
        reason: &str,
        owner: &str,
    ) -> Result<Response, crate::response::Incomplete> {
        Response::new(status, reason, owner, self.response_hash(review, rule))
    }

    /// The review of every question's answers, as a full interview asks them.
    pub fn review(&self, answers: &Answers) -> Review {
        self.review_with(answers, Depth::Full, None)
    }

    /// The review of a session at its depth, with the team's responses attached.
    pub fn review_of(&self, session: &Session) -> Review {
        let mut review = self.review_at(&session.answers, session.depth);
        self.attach_responses(&mut review, &session.responses);
        review
    }

    pub fn review_at(&self, answers: &Answers, depth: Depth) -> Review {
        self.review_with(answers, depth, None)
    }

    fn review_with(
        &self,
        answers: &Answers,
        depth: Depth,
        previous: Option<(&Review, &str)>,
    ) -> Review {
        let q = &self.questionnaire;
        // Placeholders ("TBD") are unanswered for conditions, rules and the score alike.
        let (effective, mut placeholders) = self.critic.placeholders.strip(q, answers);
        let ctx = crate::answer::AnswerContext::new(&effective);
        let mut visible = q.visibility_in(&ctx);
        let pending = crate::depth::pending(q, depth, answers, &visible);
        for (v, p) in visible.iter_mut().zip(&pending) {
            *v &= !p;
        }
        placeholders.retain(|id| q.index_of(id).is_some_and(|i| visible[i]));
        // What may have changed: the edited answer and every question shown or hidden by it.
        let previous = previous
            .filter(|(before, _)| before.visible.len() == visible.len())
            .map(|(before, changed)| {
                let mut ids: HashSet<String> = (0..visible.len())
                    .filter(|&i| visible[i] != before.visible[i])
                    .map(|i| q.question(i).id.clone())
                    .collect();
                ids.insert(changed.to_string());
                (before, ids)
            });
        let asked = q.visible_answers(answers, &visible);
        let answers_ctx = ctx.clone();
        let ctx = minijinja::Value::from_dyn_object(ctx);
        let fired = self.critic.run_after(
            q,
            &ctx,
            previous.as_ref().map(|(b, ids)| (b.fired.as_slice(), ids)),
        );
        let (findings, deferred) = crate::depth::defer(
            &self.critic,
            q,
            &answers_ctx,
            &pending,
            self.critic.shown(&fired),
        );
        let readiness = self.scorecard.as_ref().map(|s| {
            let before = previous
                .as_ref()
                .and_then(|(b, ids)| Some((b.readiness.as_ref()?, ids)));
            s.score_after(&ctx, before)
        });
        Review {
            visible,
            pending,
            asked,
            placeholders,
            findings,
            deferred,
            fired,
            readiness,
        }
    }
}

fn builtin_path(id: &str, suffix: &str) -> PathBuf {
    PathBuf::from(format!("<built-in>/{id}{suffix}.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What lets [`Bundle::builtin`] skip the load-time checks: every built-in file passes
    /// them all, and loads the same either way (what each rule reads included, the rules'
    /// cases, which a trusted pack leaves unparsed, aside).
    #[test]
    fn the_built_in_files_pass_every_check() {
        for b in BUILTINS {
            let checked = Bundle::builtin_checked(b.id).unwrap();
            let checked = checked.unwrap_or_else(|e| panic!("{}: {e}", b.id));
            let trusted = Bundle::builtin(b.id).unwrap().unwrap();
            assert_eq!(checked.questionnaire.len(), trusted.questionnaire.len());
            assert_eq!(checked.critic.rules.len(), trusted.critic.rules.len());
            assert_eq!(checked.critic.placeholders, trusted.critic.placeholders);
            for (c, t) in checked.critic.rules.iter().zip(&trusted.critic.rules) {
                let id = &c.def.id;
                assert_eq!(id, &t.def.id);
                assert!(!c.def.cases.is_empty(), "{id} has its cases");
                // A trusted pack is parsed without its cases, and is otherwise the same.
                assert!(t.def.cases.is_empty(), "{id}");
                let mut def = c.def.clone();
                def.cases.clear();
                assert_eq!(def, t.def, "{id}");
                assert_eq!(checked.critic.inputs(id), trusted.critic.inputs(id), "{id}");
            }
        }
    }

    /// A hedge or a deferral is an open question, in a choice ("Not sure") as in free text
    /// ("Standard company data policy; check with legal"), while an answer that states facts
    /// and mentions a hedge in passing stays an answer.
    #[test]
    fn hedges_and_deferrals_are_open_questions() {
        let bundle = Bundle::builtin_checked(DEFAULT_QUESTIONNAIRE)
            .unwrap()
            .unwrap();
        let text = |s: &str| crate::Answer::Text(s.into());
        let mut answers = Answers::new();
        answers.insert("preprocessing_fit".into(), text("not_sure"));
        answers.insert("personal_data".into(), crate::Answer::Bool(true));
        let hedge = "Standard company data policy; check with legal";
        answers.insert("privacy_plan".into(), text(hedge));
        let review = bundle.review(&answers);
        let open: Vec<&str> = review
            .open_required(&bundle.questionnaire)
            .map(|q| q.id.as_str())
            .collect();
        assert!(open.contains(&"preprocessing_fit"), "{open:?}");
        assert!(open.contains(&"privacy_plan"), "{open:?}");
        assert!(!review.is_answered("privacy_plan"));
        let facts = "Consent at sign-up; PII hashed at ingestion; raw data kept 13 months; \
                     we are not sure yet how deletions reach trained models, legal is checking.";
        answers.insert("privacy_plan".into(), text(facts));
        answers.insert("preprocessing_fit".into(), text("train_only"));
        let review = bundle.review(&answers);
        assert!(review.is_answered("privacy_plan"));
        assert!(review.is_answered("preprocessing_fit"));
    }

    /// A trusted bundle (conditions compiled when first evaluated, nothing checked) reviews
    /// as a checked one: the same questions asked, findings and score, on every example and
    /// every rule's cases (which include answers that make some condition fail, and answers
    /// that hide questions).
    #[test]
    fn a_trusted_bundle_reviews_as_a_checked_one() {
        let checked = Bundle::builtin_checked(DEFAULT_QUESTIONNAIRE)
            .unwrap()
            .unwrap();
        let trusted = Bundle::builtin(DEFAULT_QUESTIONNAIRE).unwrap().unwrap();
        let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
        let sessions = std::fs::read_dir(examples).unwrap().map(|e| {
            let path = e.unwrap().path();
            crate::Session::from_str(&std::fs::read_to_string(&path).unwrap(), &path)
                .unwrap()
                .answers
        });
        let cases = checked.critic.rules.iter().flat_map(|r| &r.def.cases);
        let mut count = 0;
        for answers in sessions.chain(cases.map(|c| c.answers.clone())) {
            let (a, b) = (checked.review(&answers), trusted.review(&answers));
            assert_eq!(a.visible, b.visible, "{answers:?}");
            assert_eq!(a.fired, b.fired, "{answers:?}");
            assert_eq!(a.readiness, b.readiness, "{answers:?}");
            count += 1;
        }
        assert!(count > 300, "{count} answer sets");
    }
}
