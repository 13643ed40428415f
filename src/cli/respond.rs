//! `kickoff respond`: the team's answer to a finding (accepted risk, won't fix, fixed), saved
//! into the session file through its lock, so an interview open on it is told, never overwritten.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;

use crate::bundle::Bundle;
use crate::response::Status;
use crate::session::Session;
use crate::store::Saved;
use crate::workspace::{self, Error, Open};

/// `kickoff respond`'s arguments.
#[derive(clap::Args, Debug)]
pub struct RespondArgs {
    /// Session file
    file: PathBuf,
    /// The finding this answers, as `check` names it: a rule (e.g. group-leak) or an LLM
    /// reviewer's finding of the latest critique (e.g. llm:split_method:3fa2c1), or a change
    /// to a frozen answer since `kickoff freeze` (e.g. freeze:ab_duration_days; accepted-risk
    /// records why, with --reason and --owner, and it no longer fails `check`)
    rule: String,
    /// accepted-risk (needs --reason and --owner), wont-fix (needs --reason), fixed, or clear
    /// (removes the response)
    #[arg(value_enum)]
    status: StatusArg,
    /// Why: the risk taken, or why it won't be fixed
    #[arg(long, default_value = "")]
    reason: String,
    /// Who owns the accepted risk
    #[arg(long, default_value = "")]
    owner: String,
    /// Extra rule pack (repeatable)
    #[arg(long = "rules")]
    rules: Vec<PathBuf>,
    #[arg(short, long)]
    questionnaire: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
enum StatusArg {
    AcceptedRisk,
    WontFix,
    Fixed,
    Clear,
}

pub(super) fn run(args: RespondArgs) -> Result<ExitCode, Error> {
    let file = &args.file;
    let other = |message: String| other(file, message);
    let (mut bundle, mut session, mut store, notes) = workspace::open_for_writing(
        args.questionnaire.as_deref(),
        file,
        Open::Resume,
        "kickoff respond",
    )?;
    // Answers of an older questionnaire version were converted on opening; the save writes them.
    for n in &notes {
        eprintln!(
            "note: {}: {}: {}",
            crate::text::path(file),
            n.subject,
            n.message
        );
    }
    workspace::add_rule_packs(&mut bundle, &crate::settings::load_config()?, &args.rules)?;
    let rule = args.rule.as_str();
    let status = match args.status {
        StatusArg::AcceptedRisk => Some(Status::AcceptedRisk),
        StatusArg::WontFix => Some(Status::WontFix),
        StatusArg::Fixed => Some(Status::Fixed),
        StatusArg::Clear => None,
    };
    let done = match crate::freeze::deviation_id(rule) {
        Some(question) => on_deviation(&mut session, question, status, &args)?,
        None => on_finding(&bundle, &mut session, status, &args)?,
    };
    session.updated = crate::clock::now();
    match store.save(&session)? {
        Saved::Written | Saved::Merged(_) => {}
        Saved::Conflicts { .. } => {
            return Err(other(
                "changed on disk meanwhile, with answers changed on both sides; nothing was written: open it with `kickoff resume` to decide".into(),
            ));
        }
    }
    crate::outln!("{}: {done}", crate::text::path(file));
    Ok(ExitCode::SUCCESS)
}

fn other(file: &Path, message: String) -> Error {
    Error::Other {
        path: file.to_path_buf(),
        message,
    }
}

/// A deviation from the frozen plan: the team records why, against the answer as it is.
/// Returns what was done, as the command says it.
fn on_deviation(
    session: &mut Session,
    question: &str,
    status: Option<Status>,
    args: &RespondArgs,
) -> Result<String, Error> {
    let rule = &args.rule;
    let other = |message: String| other(&args.file, message);
    match status {
        Some(Status::AcceptedRisk) => {
            let now = crate::clock::now();
            crate::freeze::record_deviation(session, question, &args.reason, &args.owner, &now)
                .map_err(|e| other(format!("`{rule}`: {e}")))?;
            Ok(format!(
                "the change to `{question}` since the plan was frozen is recorded"
            ))
        }
        None => {
            if !crate::freeze::clear_deviation(session, question)
                .map_err(|e| other(e.to_string()))?
            {
                return Err(other(format!("no recorded deviation `{rule}` to clear")));
            }
            Ok(format!(
                "the record of the change to `{question}` is removed"
            ))
        }
        Some(_) => Err(other(format!(
            "a deviation from the frozen plan is recorded as accepted-risk (with --reason and --owner), or cleared: `{rule}`"
        ))),
    }
}

/// A finding of the rules or of the latest critique: the response is recorded (or cleared).
/// Returns what was done, as the command says it.
fn on_finding(
    bundle: &Bundle,
    session: &mut Session,
    status: Option<Status>,
    args: &RespondArgs,
) -> Result<String, Error> {
    let (rule, file) = (args.rule.as_str(), &args.file);
    let other = |message: String| other(file, message);
    let Some(status) = status else {
        if session.responses.remove(rule).is_none() {
            return Err(other(format!("no response to `{rule}` to clear")));
        }
        return Ok(format!("the response to `{rule}` is removed"));
    };
    let review = bundle.review_of(session);
    let made = if crate::reviewer::is_llm_id(rule) {
        let Some(finding) = crate::reviewer::find(session, rule) else {
            return Err(other(format!(
                "no finding `{rule}` in the latest critique; `kickoff check {}` names the findings",
                crate::text::path(file)
            )));
        };
        let (reason, owner) = (&args.reason, &args.owner);
        crate::reviewer::new_response(finding, &review.asked, status, reason, owner)
    } else {
        if bundle.critic.rule(rule).is_none() {
            return Err(other(format!(
                "no rule `{rule}` in the loaded rule packs; `kickoff check {}` names the findings",
                crate::text::path(file)
            )));
        }
        if !review.fired.iter().any(|f| f.rule == rule) {
            return Err(other(format!(
                "rule `{rule}` does not fire on these answers: there is no finding to respond to"
            )));
        }
        bundle.new_response(&review, rule, status, &args.reason, &args.owner)
    };
    let mut response = made.map_err(|m| other(format!("`{rule}`: {m} (--reason, --owner)")))?;
    response.date = crate::clock::now();
    session.responses.insert(rule.to_string(), response);
    Ok(format!("`{rule}` marked {}", status.name()))
}
