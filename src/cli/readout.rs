//! `kickoff readout`: the results of the experiment, entered in the full-screen form (in a
//! terminal: `tui::readout`) or line by line (`--plain`) and saved into the session's
//! `[readout]` through its lock, then checked against the frozen plan. With `--check`, or
//! without a terminal, the checks of the readout already saved.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use super::exit::EXIT_FAILED;
use crate::readout::{Arm, Guardrail, Holdout, Readout, ReadoutError, Report};
use crate::workspace::{self, Error, Open};

/// `kickoff readout`'s arguments.
#[derive(clap::Args, Debug)]
pub struct ReadoutArgs {
    /// Session file
    file: PathBuf,
    /// Enter the results one question at a time on standard input (replaces the saved readout
    /// once every answer is in; nothing is written before)
    #[arg(long, conflicts_with = "check")]
    plain: bool,
    /// Print the checks and the decision of the readout already saved (exit 1 on a blocker)
    /// instead of opening the form; what happens without a terminal
    #[arg(long)]
    check: bool,
    #[arg(short, long)]
    questionnaire: Option<String>,
}

pub(super) fn run(args: ReadoutArgs) -> Result<ExitCode, Error> {
    let file = &args.file;
    let other = |message: String| Error::Other {
        path: file.clone(),
        message,
    };
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if !args.plain && !args.check && terminal {
        return match crate::tui::readout(args.questionnaire.as_deref(), file)? {
            crate::interview::Ended::Saved => Ok(ExitCode::SUCCESS),
            crate::interview::Ended::NotSaved => Ok(ExitCode::from(super::exit::EXIT_FAILED)),
        };
    }
    if !args.plain {
        let (_bundle, session, _problems) =
            workspace::open_checked(file, args.questionnaire.as_deref(), true)?;
        let Some(r) = crate::readout::load(&session).map_err(|e| other(e.to_string()))? else {
            return Err(other(format!(
                "no readout yet: `kickoff readout {0}` (in a terminal) or `kickoff readout {0} --plain` enters the results",
                crate::text::path(file)
            )));
        };
        r.validate().map_err(|e| other(e.to_string()))?;
        let report = crate::readout::check(&session, &r);
        crate::out!("{}", text(&report));
        return Ok(ExitCode::from(if report.blockers > 0 {
            EXIT_FAILED
        } else {
            0
        }));
    }
    let (_bundle, mut session, mut store, _notes) = workspace::open_for_writing(
        args.questionnaire.as_deref(),
        file,
        Open::Resume,
        "kickoff readout",
    )?;
    let mut out = std::io::stdout().lock();
    if crate::freeze::current(&session)
        .map_err(|e| other(e.to_string()))?
        .is_none()
    {
        let _ = writeln!(
            out,
            "warning: this plan was never frozen (`kickoff freeze`): nothing was pre-registered, so the results are read against the plan as it is now"
        );
    }
    let readout = ask_readout(&session, &mut std::io::stdin().lock(), &mut out)
        .map_err(|m| other(m.to_string()))?;
    crate::readout::store(&mut session, readout.clone(), &crate::clock::now())
        .map_err(|e| other(e.to_string()))?;
    super::freeze::save(file, &mut store, &mut session)?;
    let report = crate::readout::check(&session, &readout);
    let _ = write!(out, "\n{}", text(&report));
    let _ = writeln!(out, "saved into {} ([readout])", crate::text::path(file));
    Ok(ExitCode::from(if report.blockers > 0 {
        EXIT_FAILED
    } else {
        0
    }))
}

/// The checks in words: the decision first.
pub(super) fn text(r: &Report) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "Decision: {}: {}", r.decision_title, r.reason);
    if let Some([p, lo, hi]) = r.improvement {
        let mde = r
            .mde_pct
            .map(|m| format!(" against {m}% worth shipping"))
            .unwrap_or_default();
        let sig = if r.stopped_early {
            "stopped early, not significant"
        } else if r.short_of_units {
            "short of the planned units, not significant"
        } else if r.significant {
            "significant at 95%"
        } else {
            "not significant at 95%"
        };
        let _ = writeln!(
            s,
            "Improvement in {} ({} is better): {p:+.2}% (95% CI {lo:+.2}% to {hi:+.2}%){mde}; {sig}",
            r.readout.metric, r.better
        );
    }
    if let Some(srm) = r.srm {
        let _ = writeln!(
            s,
            "Sample ratio: chi-square {:.2} ({} df), p = {}",
            srm.chi_square,
            srm.df,
            crate::readout::stats::p_text(srm.p_value)
        );
    }
    for f in &r.findings {
        let _ = writeln!(s, "  {} [{}] {}", f.severity.name(), f.check, f.message);
    }
    s
}

/// What went wrong reading the answers: the input ended (nothing is written), or it could not
/// be read.
#[derive(Debug, thiserror::Error)]
pub(super) enum AskError {
    #[error("the input ended before the readout was complete; nothing was written")]
    Ended,
    #[error("cannot read the answers: {0}")]
    Io(#[from] std::io::Error),
}

struct Asker<'a, R: BufRead, W: Write> {
    input: &'a mut R,
    out: &'a mut W,
}

impl<R: BufRead, W: Write> Asker<'_, R, W> {
    fn line(&mut self, prompt: &str, default: &str) -> Result<String, AskError> {
        if default.is_empty() {
            write!(self.out, "{prompt}: ")?;
        } else {
            write!(self.out, "{prompt} [{default}]: ")?;
        }
        self.out.flush()?;
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            return Err(AskError::Ended);
        }
        let line = line.trim();
        Ok(if line.is_empty() {
            default.to_string()
        } else {
            line.to_string()
        })
    }

    /// Asks until `parse` takes the answer; each refusal names the field.
    fn ask<T>(
        &mut self,
        prompt: &str,
        default: &str,
        parse: impl Fn(&str) -> Result<T, ReadoutError>,
    ) -> Result<T, AskError> {
        loop {
            let line = self.line(prompt, default)?;
            match parse(&line) {
                Ok(v) => return Ok(v),
                Err(e) => writeln!(self.out, "  {e}; again")?,
            }
        }
    }
}

fn bad(field: &str, message: String) -> ReadoutError {
    ReadoutError {
        field: field.to_string(),
        message,
    }
}

fn count(field: &str) -> impl Fn(&str) -> Result<i64, ReadoutError> + '_ {
    move |s| {
        let n: i64 = s
            .replace([',', '_'], "")
            .parse()
            .map_err(|_| bad(field, format!("`{s}` is not a whole number")))?;
        if n < 0 {
            return Err(bad(field, format!("{n}: a count cannot be negative")));
        }
        Ok(n)
    }
}

fn real(field: &str) -> impl Fn(&str) -> Result<f64, ReadoutError> + '_ {
    move |s| {
        s.replace(',', "")
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| bad(field, format!("`{s}` is not a number")))
    }
}

/// [`real`], or nothing for a blank answer (not measured, no threshold).
fn real_or_blank(field: &str) -> impl Fn(&str) -> Result<Option<f64>, ReadoutError> + '_ {
    move |s| {
        if s.is_empty() {
            Ok(None)
        } else {
            real(field)(s).map(Some)
        }
    }
}

fn date(field: &str) -> impl Fn(&str) -> Result<String, ReadoutError> + '_ {
    move |s| crate::readout::day_number(field, s).map(|_| s.to_string())
}

fn yes(field: &str) -> impl Fn(&str) -> Result<bool, ReadoutError> + '_ {
    move |s| match s.to_lowercase().as_str() {
        "y" | "yes" => Ok(true),
        "n" | "no" => Ok(false),
        _ => Err(bad(field, format!("`{s}`: yes or no"))),
    }
}

/// Asks for the whole readout, with the plan's metric and guardrails as defaults.
pub(super) fn ask_readout<R: BufRead, W: Write>(
    session: &crate::session::Session,
    input: &mut R,
    out: &mut W,
) -> Result<Readout, AskError> {
    let mut a = Asker { input, out };
    let plan_metric = session
        .answers
        .get("business_metric")
        .map(|x| x.to_string())
        .unwrap_or_default();
    let mut r = Readout {
        metric: a.ask("Primary metric analysed", &plan_metric, |s| {
            if s.trim().is_empty() {
                Err(bad("metric", "name the primary metric".into()))
            } else {
                Ok(s.to_string())
            }
        })?,
        ..Readout::default()
    };
    r.started = a.ask("First day of the test (YYYY-MM-DD)", "", date("started"))?;
    let started = crate::readout::day_number("started", &r.started).unwrap_or(0);
    r.ended = a.ask("Last day of the test (YYYY-MM-DD)", "", |s| {
        let d = crate::readout::day_number("ended", s)?;
        if d < started {
            return Err(bad(
                "ended",
                format!("{s} is before the start ({})", r.started),
            ));
        }
        Ok(s.to_string())
    })?;
    let rate = a.ask(
        "Is the metric a rate (successes / trials) or a mean? (rate/mean)",
        "rate",
        |s| match s {
            "rate" => Ok(true),
            "mean" => Ok(false),
            _ => Err(bad("kind", format!("`{s}`: rate or mean"))),
        },
    )?;
    let arms = a.ask("Number of arms, control included", "2", |s| {
        count("arms")(s).and_then(|n| {
            if n < 2 {
                Err(bad("arms", "a control and at least one treatment".into()))
            } else {
                Ok(n as usize)
            }
        })
    })?;
    for i in 0..arms {
        r.arms.push(ask_arm(&mut a, i, rate)?);
    }
    r.looked_early = a.ask(
        "Were results looked at before the last day? (yes/no)",
        "no",
        yes("looked_early"),
    )?;
    if r.looked_early {
        r.looked_on = a.ask("  On which day first (YYYY-MM-DD)", "", date("looked_on"))?;
    }
    r.guardrails = ask_guardrails(&mut a, session)?;
    r.holdout = ask_holdouts(&mut a)?;
    let also = a.line(
        "Other metrics also treated as primary, comma separated (blank: none)",
        "",
    )?;
    r.also_primary = also
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    Ok(r)
}

/// One arm: its name, its units and its primary metric (successes of trials for a rate; mean,
/// standard deviation and n for a mean).
fn ask_arm<R: BufRead, W: Write>(
    a: &mut Asker<'_, R, W>,
    i: usize,
    rate: bool,
) -> Result<Arm, AskError> {
    let f = |x: &str| format!("arms[{i}].{x}");
    let default = if i == 0 {
        "control".to_string()
    } else {
        format!("treatment {i}")
    };
    let mut arm = Arm {
        name: a.line(&format!("Arm {} name", i + 1), &default)?,
        units: a.ask(&format!("  {}", f("units")), "", count(&f("units")))?,
        ..Arm::default()
    };
    if rate {
        let trials = a.ask(&format!("  {}", f("trials")), &arm.units.to_string(), |s| {
            count(&f("trials"))(s).and_then(|t| {
                if t == 0 {
                    Err(bad(&f("trials"), "needs at least one trial".into()))
                } else {
                    Ok(t)
                }
            })
        })?;
        arm.successes = Some(a.ask(&format!("  {}", f("successes")), "", |s| {
            count(&f("successes"))(s).and_then(|n| {
                if n > trials {
                    Err(bad(
                        &f("successes"),
                        format!("{n} successes is more than the {trials} trials"),
                    ))
                } else {
                    Ok(n)
                }
            })
        })?);
        arm.trials = Some(trials);
    } else {
        arm.mean = Some(a.ask(&format!("  {}", f("mean")), "", real(&f("mean")))?);
        arm.sd = Some(a.ask(&format!("  {}", f("sd")), "", |s| {
            real(&f("sd"))(s).and_then(|x| {
                if x < 0.0 {
                    Err(bad(&f("sd"), format!("{x}: cannot be negative")))
                } else {
                    Ok(x)
                }
            })
        })?);
        arm.n = Some(a.ask(
            &format!("  {}", f("n")),
            &arm.units.to_string(),
            count(&f("n")),
        )?);
    }
    Ok(arm)
}

/// The plan's guardrails, each asked by name: those measured, with their observed value.
fn ask_guardrails<R: BufRead, W: Write>(
    a: &mut Asker<'_, R, W>,
    session: &crate::session::Session,
) -> Result<Vec<Guardrail>, AskError> {
    let mut observed_all = Vec::new();
    let Some(crate::answer::Answer::Records(rows)) = session.answers.get("guardrail_metrics")
    else {
        return Ok(observed_all);
    };
    for row in rows {
        let cell = |k: &str| {
            row.0
                .iter()
                .find(|(id, _)| id == k)
                .map(|(_, c)| c.to_string())
                .unwrap_or_default()
        };
        if cell("role") != "guardrail" {
            continue;
        }
        let name = cell("name");
        let field = format!("guardrail `{name}`");
        let v = a.ask(
            &format!(
                "Guardrail “{name}” (limit: {}), observed (blank: not measured)",
                cell("target")
            ),
            "",
            real_or_blank(&field),
        )?;
        if let Some(observed) = v {
            // A limit of "no worse than today" is compared with the control arm's value.
            let control = if crate::readout::limit_is_today(&cell("target")) {
                a.ask(
                    &format!("  “{name}” in the control arm (blank: not measured)"),
                    "",
                    real_or_blank(&field),
                )?
            } else {
                None
            };
            observed_all.push(Guardrail {
                name,
                observed,
                control,
            });
        }
    }
    Ok(observed_all)
}

/// Offline holdout results under a kill criterion, until a blank metric.
fn ask_holdouts<R: BufRead, W: Write>(a: &mut Asker<'_, R, W>) -> Result<Vec<Holdout>, AskError> {
    let mut holdout = Vec::new();
    loop {
        let metric = a.line(
            "Offline holdout result under a kill criterion: its metric (blank: none more)",
            "",
        )?;
        if metric.is_empty() {
            break;
        }
        let observed = a.ask("  observed", "", real("holdout.observed"))?;
        let below = a.ask(
            "  the kill criterion stops the project below (blank: above)",
            "",
            real_or_blank("holdout.kill_below"),
        )?;
        let above = match below {
            Some(_) => None,
            None => Some(a.ask(
                "  the kill criterion stops the project above",
                "",
                real("holdout.kill_above"),
            )?),
        };
        holdout.push(Holdout {
            metric,
            observed,
            kill_below: below,
            kill_above: above,
        });
    }
    Ok(holdout)
}
