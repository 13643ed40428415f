//! The command line: the arguments, which code each command runs, and the exit codes. The only
//! module that knows clap and exit codes; the main function just calls [`run`].

use crate::files::Load as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::bundle::BUILTINS;

use crate::session::Depth;
use crate::text::plural;
use crate::workspace::{self, Error, Open};

mod check;
mod critique;
mod diff;
mod exit;
mod freeze;
mod init;
mod merge;
mod readout;
mod report;
mod respond;

pub use check::{CheckArgs, FailOn, Format};
pub use critique::CritiqueArgs;
pub use diff::{DiffArgs, DiffFormat};
use exit::EXIT_FAILED;
pub(crate) use exit::EXIT_INPUT;
pub use freeze::FreezeArgs;
pub use merge::MergeArgs;
pub use readout::ReadoutArgs;
pub use report::ReportArgs;
pub use respond::RespondArgs;

#[derive(Parser, Debug)]
#[command(name = "kickoff", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start a new interview (built-in questionnaire unless -q)
    New {
        /// Questionnaire: a built-in id or a TOML file
        #[arg(short, long)]
        questionnaire: Option<String>,
        /// Ask only the essential questions (about 20, 15 minutes); `resume --full` asks the
        /// rest later, keeping every answer. Without it or --full, the first screen asks
        #[arg(long, conflicts_with = "full")]
        quick: bool,
        /// Ask every question (the first screen does not ask)
        #[arg(long)]
        full: bool,
        /// Session file to create
        #[arg(default_value = "kickoff.toml")]
        file: PathBuf,
    },
    /// Continue an interview
    Resume {
        file: PathBuf,
        #[arg(short, long)]
        questionnaire: Option<String>,
        /// From now on ask only the essential questions (answers to the others stay)
        #[arg(long, conflicts_with = "full")]
        quick: bool,
        /// From now on ask every question: a quick session goes on with the full interview
        #[arg(long)]
        full: bool,
    },
    /// The interview one question at a time on plain standard input and output (screen
    /// readers, simple terminals, scripts)
    Plain {
        #[arg(default_value = "kickoff.toml")]
        file: PathBuf,
        #[arg(short, long)]
        questionnaire: Option<String>,
        /// Ask only the essential questions (a new session, or from now on)
        #[arg(long, conflicts_with = "full")]
        quick: bool,
        /// Ask every question (a quick session goes on with the full interview)
        #[arg(long)]
        full: bool,
    },
    /// Render the markdown design doc from a session file
    Render {
        file: PathBuf,
        /// Output file (default: standard output)
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// A built-in template, `design-doc` (the default), `brief` (a one-page kickoff
        /// brief), `readout` (the experiment's readout) or `readout-brief` (its decision on one
        /// page), or the path of a minijinja template
        #[arg(long, value_name = "NAME|PATH")]
        template: Option<PathBuf>,
        #[arg(short, long)]
        questionnaire: Option<String>,
        /// Extra rule pack (repeatable)
        #[arg(long = "rules")]
        rules: Vec<PathBuf>,
        /// Render even if some answers do not fit the questionnaire
        #[arg(long)]
        lenient: bool,
    },
    /// Run the offline critic; the exit code says whether findings or open questions remain
    Check(CheckArgs),
    /// Answer a finding: accepted risk (with a reason and an owner), won't fix (with a
    /// reason) or fixed; `check` then reports it, and no longer fails on an accepted one
    Respond(RespondArgs),
    /// Pin the plan as the team's pre-registration: the answers that define the experiment
    /// (metric, effect worth shipping, unit, sample, duration, guardrails, kill criteria) are
    /// hashed; a later change to one is a deviation that fails `check` until recorded with
    /// `kickoff respond FILE freeze:QUESTION accepted-risk --reason .. --owner ..`
    Freeze(FreezeArgs),
    /// The experiment's results (a form beside its checks in a terminal; `--plain`: line by
    /// line; `--check`: the checks of the saved readout), checked against the frozen plan: sample ratio, the effect and its interval against the smallest effect worth
    /// shipping, duration and units, early looks, guardrails, kill criteria; exit 1 on a
    /// blocker. `kickoff render FILE --template readout` writes the readout doc
    Readout(ReadoutArgs),
    /// LLM critique of the answers, streamed to stdout and saved into the session file
    Critique(CritiqueArgs),
    /// Three-way merge of session files by question id (git's merge driver: `kickoff merge
    /// %O %A %B %P`); answers changed on both sides are kept in the file for `kickoff resume`
    Merge(MergeArgs),
    /// Two versions of a plan compared by question: answers, findings, readiness and open
    /// questions (`kickoff diff A B`, or `kickoff diff FILE --rev REV` against git)
    Diff(DiffArgs),
    /// A portfolio of every plan under the paths: project, questionnaire, status, owner,
    /// readiness, blockers, open questions, last updated, days since the last critique
    Report(ReportArgs),
    /// Set a repository up for a team: a starting session (kickoff.toml), the team's config
    /// with an empty rule pack and a copy of the doc template (kickoff/), the .gitattributes
    /// lines for the diff and merge drivers, and a CI workflow. Refuses, writing nothing, if
    /// any of these files exists
    Init {
        /// The repository (default: the current directory)
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// List, show or validate questionnaires
    Questionnaire {
        #[command(subcommand)]
        command: QuestionnaireCommand,
    },
    /// Print a shell completion script
    Completions { shell: clap_complete::Shell },
}

#[derive(Subcommand, Debug)]
pub enum QuestionnaireCommand {
    /// List the built-in questionnaires
    List,
    /// Print a questionnaire's source (built-in id or file)
    Show { id: String },
    /// Check a questionnaire file, its rule pack and scorecard, and run the rules' cases
    Validate {
        path: PathBuf,
        /// Extra rule pack to check against it (repeatable)
        #[arg(long = "rules")]
        rules: Vec<PathBuf>,
    },
}

/// Runs a command, the interview when there is none, and turns an error into a message on
/// stderr and exit code 2 (`EXIT_INPUT`).
pub fn run(cli: Cli) -> ExitCode {
    match dispatch(cli.command) {
        // A report that could not be written (a full disk, a closed output) is not a pass.
        Ok(_) if OUTPUT_FAILED.load(std::sync::atomic::Ordering::Relaxed) => {
            ExitCode::from(EXIT_INPUT)
        }
        Ok(code) => code,
        Err(e) => {
            eprintln!("kickoff: {}", crate::text::terminal_safe(&e.to_string()));
            ExitCode::from(EXIT_INPUT)
        }
    }
}

/// An interview that could not write its file ends with 1, so a script can tell.
fn ended(e: crate::tui::Ended) -> ExitCode {
    match e {
        crate::tui::Ended::Saved => ExitCode::SUCCESS,
        crate::tui::Ended::NotSaved => ExitCode::from(EXIT_FAILED),
    }
}

fn dispatch(command: Option<Command>) -> Result<ExitCode, Error> {
    let Some(command) = command else {
        return crate::tui::interview(None, "kickoff.toml".as_ref(), Open::Either, None).map(ended);
    };
    match command {
        Command::New {
            questionnaire,
            file,
            quick,
            full,
        } => crate::tui::interview(
            questionnaire.as_deref(),
            &file,
            Open::New,
            depth(quick, full),
        )
        .map(ended),
        Command::Resume {
            file,
            questionnaire,
            quick,
            full,
        } => crate::tui::interview(
            questionnaire.as_deref(),
            &file,
            Open::Resume,
            depth(quick, full),
        )
        .map(ended),
        Command::Plain {
            file,
            questionnaire,
            quick,
            full,
        } => crate::plain::interview(
            questionnaire.as_deref(),
            &file,
            depth(quick, full),
            &mut std::io::stdin().lock(),
            &mut std::io::stdout().lock(),
        )
        .map(ended),
        Command::Render {
            file,
            output,
            template,
            questionnaire,
            rules,
            lenient,
        } => render(
            &file,
            output.as_deref(),
            template.as_deref(),
            questionnaire.as_deref(),
            &rules,
            lenient,
        ),
        Command::Check(args) => check::run(args),
        Command::Respond(args) => respond::run(args),
        Command::Freeze(args) => freeze::run(args),
        Command::Readout(args) => readout::run(args),
        Command::Critique(args) => critique::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Init { dir } => init::run(&dir),
        Command::Report(args) => report::run(args),
        Command::Questionnaire { command } => questionnaire(command),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "kickoff",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The depth `--quick` or `--full` asks for, if either.
fn depth(quick: bool, full: bool) -> Option<Depth> {
    match (quick, full) {
        (true, _) => Some(Depth::Quick),
        (_, true) => Some(Depth::Full),
        _ => None,
    }
}

fn render(
    file: &Path,
    output: Option<&Path>,
    template: Option<&Path>,
    questionnaire: Option<&str>,
    rules: &[PathBuf],
    lenient: bool,
) -> Result<ExitCode, Error> {
    // `-o` naming the session itself would replace the answers with the doc.
    if let Some(out) = output
        && workspace::same_file(file, out)
    {
        return Err(Error::Other {
            path: out.to_path_buf(),
            message: "is the session file itself; the doc would overwrite the answers".into(),
        });
    }
    let (mut bundle, session, problems) = workspace::open_checked(file, questionnaire, lenient)?;
    for p in &problems {
        eprintln!(
            "warning: {}: {}: {}",
            crate::text::path(file),
            p.subject,
            p.message
        );
    }
    let config = crate::settings::load_config()?;
    workspace::add_rule_packs(&mut bundle, &config, rules)?;
    let template_source = template.map(template_source).transpose()?;
    let review = bundle.review_of(&session);
    let policy = config.review.llm;
    let doc = crate::render::render_doc_from(
        &bundle,
        &session,
        &review,
        template_source
            .as_ref()
            .map(|(o, s)| (o.as_str(), s.as_str())),
        policy,
        // As typed when relative; an absolute path says where it lives on this machine only.
        &if file.is_relative() {
            crate::text::path(file).to_string()
        } else {
            file.file_name().map_or_else(
                || crate::text::path(file).to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        },
    )
    .map_err(|e| Error::Other {
        path: file.to_path_buf(),
        message: e.to_string(),
    })?;
    crate::output::write(output, &doc)?;
    if let Some(out) = output.filter(|o| o.as_os_str() != "-") {
        let verdict = crate::verdict::Verdict::of_plan(&bundle, &session, &review, policy);
        eprintln!(
            "wrote {} ({}, {}; reviewed by {})",
            crate::text::path(out),
            crate::text::plural(verdict.blockers, "blocker", None),
            crate::text::plural(verdict.warnings, "warning", None),
            verdict.reviewed_by(),
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A built-in template by name ("brief"), even when a file of that name is in the working
/// directory: a stray file must not silently stand in for it (`./brief` names the file).
/// Else the file's origin and text.
fn template_source(t: &Path) -> Result<(String, String), Error> {
    Ok(
        match crate::render::builtin_template(&t.to_string_lossy()) {
            Some((origin, source)) => {
                if t.is_file() {
                    eprintln!(
                        "note: `{0}` is the built-in template; the file {0} here was not used \
                     (./{0} names it)",
                        crate::text::path(t)
                    );
                }
                (origin.to_string(), source.to_string())
            }
            None => (crate::text::path(t).to_string(), crate::files::read(t)?),
        },
    )
}

fn questionnaire(command: QuestionnaireCommand) -> Result<ExitCode, Error> {
    match command {
        QuestionnaireCommand::List => {
            for b in BUILTINS {
                let bundle = crate::bundle::Bundle::builtin(b.id).expect("listed")?;
                let q = &bundle.questionnaire;
                crate::outln!(
                    "{}\tversion {}\t{}, {}, {}\t{}",
                    q.id,
                    q.version,
                    plural(q.sections.len(), "section", None),
                    plural(q.len(), "question", None),
                    plural(bundle.critic.rules.len(), "rule", None),
                    q.title
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        QuestionnaireCommand::Show { id } => {
            match BUILTINS.iter().find(|b| b.id == id) {
                Some(b) => crate::out!("{}", b.questionnaire),
                None => crate::out!("{}", crate::files::read(Path::new(&id))?),
            }
            Ok(ExitCode::SUCCESS)
        }
        QuestionnaireCommand::Validate { path, rules } => {
            let mut bundle = crate::bundle::Bundle::load(&path)?;
            for r in &rules {
                crate::files::add_rules(&mut bundle, r)?;
            }
            let failures = bundle.critic.run_cases(&bundle.questionnaire);
            for f in &failures {
                eprintln!("{f}");
            }
            let q = &bundle.questionnaire;
            let cases: usize = bundle.critic.rules.iter().map(|r| r.def.cases.len()).sum();
            crate::outln!(
                "{}: `{}` version {}: {}, {}, {} ({}, {} failed){}",
                crate::text::path(&path),
                q.id,
                q.version,
                plural(q.sections.len(), "section", None),
                plural(q.len(), "question", None),
                plural(bundle.critic.rules.len(), "rule", None),
                plural(cases, "case", None),
                failures.len(),
                bundle
                    .scorecard
                    .as_ref()
                    .map(|s| format!(", {}", plural(s.len(), "readiness test", None)))
                    .unwrap_or_default()
            );
            Ok(if failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_FAILED)
            })
        }
    }
}

/// Writes to standard output. A reader that stopped reading (`kickoff check ... | head`) is
/// not an error: the rest of the output is dropped and the command ends with its own exit code;
/// any other write error is said once on standard error, and the command ends with 2.
pub fn write_out(args: std::fmt::Arguments) {
    use std::io::Write;
    // Names, paths and saved texts from a file may hold escapes: only colours get through.
    let text = args.to_string();
    let text = crate::text::terminal_safe(&text);
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
        && !OUTPUT_FAILED.swap(true, std::sync::atomic::Ordering::Relaxed)
    {
        eprintln!("kickoff: cannot write to standard output: {e}");
    }
}

/// Whether writing to standard output failed (other than a closed pipe): the command then
/// ends with exit code 2.
static OUTPUT_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `print!` to standard output through [`cli::write_out`]: a closed pipe is not a panic.
#[macro_export]
#[doc(hidden)]
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::write_out(format_args!($($arg)*)) };
}

/// `println!` through [`cli::write_out`].
#[macro_export]
#[doc(hidden)]
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::write_out(format_args!("{}\n", format_args!($($arg)*))) };
}
