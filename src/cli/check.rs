//! `kickoff check`: the offline critic as a command, for people and for CI.

use std::path::{Path, PathBuf};

use std::process::ExitCode;

mod ci;
mod frozen;
mod llm;
mod many;
mod sarif;
mod text;

use clap::ValueEnum;
use serde::Serialize;

use super::exit::EXIT_FAILED;
use crate::critic::{Finding, Severity, counts};
use crate::score::Readiness;
use crate::verdict::{LlmPolicy, Verdict};
use crate::workspace::{self, Error};

/// `kickoff check`'s arguments.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Session files, directories (searched recursively for session files: `*.toml` files
    /// with a top-level `questionnaire_version`; questionnaires, rule packs and config files
    /// are skipped) and glob patterns (`'plans/**/*.toml'`, expanded by kickoff, so quoting
    /// works on every shell). Checked in parallel; the exit code is the worst file's
    #[arg(required = true, value_name = "PATHS")]
    pub(super) paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(super) format: Format,
    /// Lowest severity that makes the check fail (exit code 1); `never` only reports
    #[arg(long, value_enum, default_value_t = FailOn::Blocker)]
    pub(super) fail_on: FailOn,
    /// Pass with required questions still open (for drafts); without it they fail the check
    #[arg(long)]
    pub(super) allow_open: bool,
    /// Extra rule pack (repeatable)
    #[arg(long = "rules")]
    pub(super) rules: Vec<PathBuf>,
    #[arg(short, long)]
    pub(super) questionnaire: Option<String>,
    /// Check even if some answers do not fit the questionnaire (they are listed as
    /// problems); without it such a file is an input error (exit code 2)
    #[arg(long)]
    pub(super) lenient: bool,
    /// Leave the LLM reviewer's findings (the latest critique's) out of the counts and the
    /// gate: shown, advisory. By default they count like the rules' findings, unless stale or
    /// waived (the config file's `[review] llm = "advisory"` makes advisory the default)
    #[arg(long, conflicts_with = "fail_on_llm")]
    pub(super) ignore_llm: bool,
    /// Count the LLM reviewer's findings even where the config file makes them advisory
    #[arg(long)]
    pub(super) fail_on_llm: bool,
    /// What the two flags above and the config file decide (set by `run`).
    #[arg(skip)]
    pub(super) llm_policy: LlmPolicy,
    /// The user's config file, read once by `run` (its rule packs, its review policy).
    #[arg(skip)]
    pub(super) config: Box<crate::config::Config>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum Format {
    Text,
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers)
    Sarif,
    /// GitHub Actions workflow commands: annotations on the session files' lines
    Github,
    /// JUnit XML (GitLab, Jenkins): a test suite per file, a test case per rule
    Junit,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum FailOn {
    Blocker,
    Warning,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Blocker => Some(Severity::Blocker),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Never => None,
        }
    }
}

/// The JSON document `check --format json` prints. `schema` changes only when a field is removed
/// or changes meaning.
#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    file: String,
    questionnaire: Questionnaire<'a>,
    passed: bool,
    /// `full`, or `quick`: only the questions marked essential were asked.
    depth: &'static str,
    fail_on: &'static str,
    /// Whether open questions were allowed (`--allow-open`).
    allow_open: bool,
    /// Whether the LLM reviewer's findings count in the verdict and the gate (the default;
    /// `--ignore-llm` or the config file make them advisory).
    fail_on_llm: bool,
    /// The one verdict: what counts (the rules' and the LLM reviewer's current findings, not
    /// waived), what is stale or waived, and who reviewed the plan.
    verdict: &'a Verdict,
    counts: Counts,
    findings: Vec<FindingOut<'a>>,
    /// Required questions asked and not answered (or answered with a placeholder).
    open_questions: &'a [OpenQuestion<'a>],
    readiness: Option<&'a Readiness>,
    /// A quick session's questions not asked yet (they wait for the full interview).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pending_questions: Vec<&'a str>,
    /// A quick session's findings that rest on those questions: not counted, not failing.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    deferred: &'a [Finding],
    /// Answers that do not fit the questionnaire (the check still runs on the rest).
    problems: Vec<ProblemOut>,
    /// Frozen answers changed since the plan was frozen (`kickoff freeze`), recorded or not;
    /// absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    deviations: Vec<frozen::DeviationOut>,
    /// The readout's checks against the frozen plan (`kickoff readout`); absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    readout: Option<frozen::ReadoutOut>,
}

/// A finding of the report: the rules' or the LLM reviewer's, told apart by `source`.
#[derive(Serialize)]
#[serde(tag = "source", rename_all = "lowercase")]
enum FindingOut<'a> {
    Rules(&'a Finding),
    Llm(llm::LlmOut<'a>),
}

#[derive(Serialize)]
struct Questionnaire<'a> {
    id: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct Counts {
    blocker: usize,
    warning: usize,
    info: usize,
    open_questions: usize,
    /// Findings a response (accepted risk, won't fix) keeps from failing the check.
    waived: usize,
    /// The LLM reviewer's findings, by severity (not in the counts above).
    llm: LlmCounts,
}

#[derive(Serialize)]
struct LlmCounts {
    blocker: usize,
    warning: usize,
    info: usize,
    /// Those an answer they cite changed since: they count for nothing until the next critique.
    stale: usize,
}

#[derive(Serialize)]
struct OpenQuestion<'a> {
    id: &'a str,
    prompt: &'a str,
    section: &'a str,
}

#[derive(Serialize)]
struct ProblemOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    subject: String,
    message: String,
}

const SCHEMA: &str = "kickoff.check/1";

fn is_waived(f: &Finding) -> bool {
    f.response.as_ref().is_some_and(|r| r.waives)
}

/// Responses the check can't use: to a rule no loaded pack has, or without what their status
/// needs (a hand-edited file). They are kept in the file, and reported.
fn response_problems(
    bundle: &crate::bundle::Bundle,
    session: &crate::session::Session,
) -> Vec<crate::source::Problem> {
    let mut out = Vec::new();
    for (rule, r) in &session.responses {
        let message = if crate::reviewer::is_llm_id(rule) {
            if crate::reviewer::find(session, rule).is_none() {
                "no such finding in the latest critique (kept as is)".to_string()
            } else if let Some(m) = r.missing() {
                m.to_string()
            } else {
                continue;
            }
        } else if bundle.critic.rule(rule).is_none() {
            "no such rule in the loaded rule packs (kept as is)".to_string()
        } else if let Some(m) = r.missing() {
            m.to_string()
        } else {
            continue;
        };
        out.push(crate::source::Problem {
            line: None,
            subject: crate::locate::response_subject(rule),
            question: None,
            message,
        });
    }
    out
}

pub(super) fn run(mut args: CheckArgs) -> Result<ExitCode, Error> {
    *args.config = crate::settings::load_config()?;
    args.llm_policy = if args.ignore_llm {
        LlmPolicy::Advisory
    } else if args.fail_on_llm {
        LlmPolicy::Count
    } else {
        args.config.review.llm
    };
    // One file named as it is: its report exactly as it always was, and its error as the
    // command's.
    if let [file] = args.paths.as_slice()
        && !file.is_dir()
        && !crate::plans::has_glob_chars(&file.to_string_lossy())
        && matches!(args.format, Format::Text | Format::Json)
    {
        let mut bundles = workspace::Bundles::default();
        let report = check_file(file, &args, &mut bundles)?;
        crate::out!("{}", report.printed);
        return Ok(ExitCode::from(if report.failed { EXIT_FAILED } else { 0 }));
    }
    Ok(ExitCode::from(many::run(&args)))
}

/// A path that could not be checked: why, and the line of the file that says so when there
/// is one (a syntax error, an answer that does not fit).
pub(super) struct Unchecked {
    pub path: String,
    pub message: String,
    pub line: Option<usize>,
}

/// What one file's check gives: whether it failed, its report as `check FILE` prints it (text
/// and JSON), and its findings located in the file (the CI formats).
pub(super) struct FileReport {
    path: PathBuf,
    failed: bool,
    printed: String,
    items: Vec<ci::Item>,
    rules: Vec<ci::RuleInfo>,
}

fn fail_on_name(fail_on: FailOn) -> &'static str {
    match fail_on {
        FailOn::Blocker => "blocker",
        FailOn::Warning => "warning",
        FailOn::Never => "never",
    }
}

pub(super) fn check_file(
    file: &Path,
    args: &CheckArgs,
    bundles: &mut workspace::Bundles,
) -> Result<FileReport, Error> {
    // Answers that do not fit would silently switch rules off: an input error unless asked.
    let (bundle, session, mut problems) =
        bundles.open_checked(file, args.questionnaire.as_deref(), args.lenient, |b| {
            workspace::add_rule_packs(b, &args.config, &args.rules)
        })?;
    let review = bundle.review_of(&session);
    problems.extend(response_problems(bundle, &session));
    // Each problem at its line: read again only when there are some.
    if problems.iter().any(|p| p.line.is_none())
        && let Ok(text) = crate::files::read(file)
    {
        crate::locate::place(&text, &mut problems);
    }
    let q = &bundle.questionnaire;
    let open: Vec<OpenQuestion> = review
        .open_required(q)
        .map(|question| OpenQuestion {
            id: &question.id,
            prompt: &question.prompt,
            section: q
                .index_of(&question.id)
                .map_or("", |i| q.sections[q.section_of(i)].id.as_str()),
        })
        .collect();
    let llm = crate::reviewer::session_findings(&session, &review.findings, &review.asked);
    let verdict = Verdict::of_session(&session, &review, open.len(), &llm, args.llm_policy);
    let checked = Checked {
        file,
        args,
        bundle,
        session: &session,
        review: &review,
        problems: &problems,
        open,
        llm: &llm,
        failed: verdict.fails(args.fail_on.threshold(), args.allow_open),
        verdict,
    };
    let (printed, items, rules) = match args.format {
        Format::Json => (checked.json(), Vec::new(), Vec::new()),
        Format::Text => (checked.text(), Vec::new(), Vec::new()),
        Format::Sarif | Format::Github | Format::Junit => {
            (String::new(), checked.ci_items()?, ci::rules(bundle))
        }
    };
    Ok(FileReport {
        path: file.to_path_buf(),
        failed: checked.failed,
        printed,
        items,
        rules,
    })
}

/// One file checked: what each format prints is read from it.
struct Checked<'a> {
    file: &'a Path,
    args: &'a CheckArgs,
    bundle: &'a crate::bundle::Bundle,
    session: &'a crate::session::Session,
    review: &'a crate::bundle::Review,
    problems: &'a [crate::source::Problem],
    open: Vec<OpenQuestion<'a>>,
    llm: &'a [crate::reviewer::ShownFinding],
    verdict: Verdict,
    failed: bool,
}

impl Checked<'_> {
    /// Whether a rule's finding fails the gate: at or above `--fail-on`, not waived.
    fn fails(&self, f: &Finding) -> bool {
        self.args
            .fail_on
            .threshold()
            .is_some_and(|t| f.severity >= t && crate::verdict::rule_counts(f))
    }

    fn json(&self) -> String {
        let (review, q) = (self.review, &self.bundle.questionnaire);
        let c = counts(&review.findings);
        let n = |s| *c.get(&s).unwrap_or(&0);
        let llm_n = |s: Severity| self.llm.iter().filter(|f| f.finding.severity == s).count();
        let critique = crate::reviewer::latest_critique(self.session);
        let report = Report {
            schema: SCHEMA,
            file: self.file.to_string_lossy().into_owned(),
            questionnaire: Questionnaire {
                id: &q.id,
                version: &q.version,
            },
            passed: !self.failed,
            depth: self.session.depth.name(),
            allow_open: self.args.allow_open,
            fail_on: fail_on_name(self.args.fail_on),
            counts: Counts {
                blocker: n(Severity::Blocker),
                warning: n(Severity::Warning),
                info: n(Severity::Info),
                open_questions: self.open.len(),
                // A finding the team accepted (or won't fix), on the answers it was about,
                // stays in the report but no longer fails the gate.
                waived: review.findings.iter().filter(|f| is_waived(f)).count(),
                llm: LlmCounts {
                    blocker: llm_n(Severity::Blocker),
                    warning: llm_n(Severity::Warning),
                    info: llm_n(Severity::Info),
                    stale: self.llm.iter().filter(|f| f.stale).count(),
                },
            },
            fail_on_llm: self.args.llm_policy == LlmPolicy::Count,
            verdict: &self.verdict,
            findings: review
                .findings
                .iter()
                .map(FindingOut::Rules)
                .chain(critique.into_iter().flat_map(|c| {
                    self.llm
                        .iter()
                        .map(move |f| FindingOut::Llm(llm::out(f, c, q)))
                }))
                .collect(),
            open_questions: &self.open,
            readiness: review.readiness.as_ref(),
            pending_questions: (0..q.len())
                .filter(|&i| review.pending[i])
                .map(|i| q.question(i).id.as_str())
                .collect(),
            deferred: &review.deferred,
            problems: self
                .problems
                .iter()
                .map(|p| ProblemOut {
                    line: p.line,
                    subject: p.subject.clone(),
                    message: p.message.clone(),
                })
                .collect(),
            deviations: frozen::deviations_json(&crate::freeze::deviations_or_broken(self.session)),
            readout: frozen::readout_json(self.session),
        };
        serde_json::to_string_pretty(&report).expect("serialisable") + "\n"
    }

    fn text(&self) -> String {
        // With `--fail-on never` nothing fails: say so, rather than "passed" beside blockers.
        let status = match (self.failed, self.args.fail_on) {
            (true, _) => "FAILED",
            (false, FailOn::Never) => "not gated (--fail-on never)",
            (false, _) => "passed",
        };
        let mut printed = text::text_report(
            self.file,
            self.bundle,
            self.review,
            &self.verdict,
            &self.open,
            self.problems,
            status,
        );
        printed.push_str(&frozen::text_block(
            &crate::freeze::deviations_or_broken(self.session),
            self.file,
        ));
        printed.push_str(&frozen::readout_block(self.session));
        if let Some(c) = crate::reviewer::latest_critique(self.session) {
            let counted = self.args.llm_policy == LlmPolicy::Count;
            printed.push_str(&llm::text_block(self.llm, c, counted));
        }
        printed
    }

    /// The findings, open questions and problems at their lines, for SARIF, GitHub and JUnit.
    fn ci_items(&self) -> Result<Vec<ci::Item>, Error> {
        let (args, review) = (self.args, self.review);
        let source = crate::files::read(self.file)?;
        let lines = crate::locate::Lines::of(&source);
        let open_fails = !args.allow_open && args.fail_on != FailOn::Never;
        let mut items = ci::items(ci::Inputs {
            lines: &lines,
            findings: &review.findings,
            failing: &|f| self.fails(f),
            open: &self.open,
            open_fails,
            problems: self.problems,
            llm: self.llm,
            llm_fails: &|f| {
                args.fail_on
                    .threshold()
                    .is_some_and(|t| f.finding.severity >= t)
                    && crate::verdict::llm_counts(f, args.llm_policy)
            },
        });
        // The deviations from the frozen plan and the readout's checks fail the check too.
        items.extend(frozen::ci_items(
            self.session,
            &source,
            &lines,
            args.fail_on.threshold(),
        ));
        // A quick session says so in CI too: a note on the file's first line.
        let file = crate::text::path(self.file).to_string();
        if let Some(summary) = crate::depth::summary(&review.pending, &review.deferred, &file) {
            items.push(ci::Item {
                rule: ci::QUICK.into(),
                level: ci::Level::Note,
                title: "quick kickoff".into(),
                message: summary,
                line: 1,
                waived: None,
                fails: false,
            });
        }
        Ok(items)
    }
}
