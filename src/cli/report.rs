//! `kickoff report PATHS...`: the portfolio of a team's plans as a table in the terminal,
//! markdown (a wiki page, a PR comment) or JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use super::exit::EXIT_INPUT;
use crate::portfolio::{Plan, Sort, Unreadable};
use crate::workspace::{self, Error};

/// `kickoff report`'s arguments.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Session files, directories (searched recursively for session files, as by `check`) and
    /// glob patterns
    #[arg(required = true, value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,
    /// Order: what needs attention first (the least ready, the most blockers or open
    /// questions, the least recently updated, the longest without a critique), or by path
    #[arg(long, value_enum, default_value_t = SortBy::Path)]
    sort: SortBy,
    /// Extra rule pack (repeatable), as for `check`
    #[arg(long = "rules")]
    rules: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum ReportFormat {
    Table,
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum SortBy {
    Path,
    Readiness,
    Blockers,
    Open,
    Updated,
    Critique,
}

pub(super) fn run(args: ReportArgs) -> Result<ExitCode, Error> {
    let found = crate::plans::find(&args.paths);
    let rules = args.rules.clone();
    let config = crate::settings::load_config()?;
    let policy = config.review.llm;
    let now = std::time::SystemTime::now();
    let (mut plans, unreadable) = survey(&found.files, now, policy, &|b| {
        workspace::add_rule_packs(b, &config, &rules)
    });
    crate::portfolio::sort(
        &mut plans,
        match args.sort {
            SortBy::Path => Sort::Path,
            SortBy::Readiness => Sort::Readiness,
            SortBy::Blockers => Sort::Blockers,
            SortBy::Open => Sort::Open,
            SortBy::Updated => Sort::Updated,
            SortBy::Critique => Sort::Critique,
        },
    );
    match args.format {
        ReportFormat::Json => {
            let doc = serde_json::json!({
                "schema": "kickoff.report/1",
                "plans": plans,
                "unreadable": unreadable,
            });
            crate::outln!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("serialisable")
            );
        }
        ReportFormat::Markdown => crate::out!("{}", table(&plans, true)),
        ReportFormat::Table => crate::out!("{}", table(&plans, false)),
    }
    for e in &found.errors {
        eprintln!("kickoff: {e}");
    }
    for u in &unreadable {
        eprintln!("kickoff: {}", u.message);
    }
    Ok(if found.errors.is_empty() && unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INPUT)
    })
}

const HEADERS: [&str; 10] = [
    "plan",
    "project",
    "questionnaire",
    "status",
    "owner",
    "readiness",
    "blockers",
    "open",
    "updated",
    "last critique",
];

/// Reads every file as a plan, with `prepare` adding rule packs to each questionnaire once.
/// Answers that do not fit the questionnaire do not keep a plan out (they are the check's
/// business); a file that cannot be read is listed apart.
fn survey(
    files: &[PathBuf],
    now: std::time::SystemTime,
    policy: crate::verdict::LlmPolicy,
    prepare: &dyn Fn(&mut crate::bundle::Bundle) -> Result<(), Error>,
) -> (Vec<Plan>, Vec<Unreadable>) {
    let mut bundles = workspace::Bundles::default();
    let mut plans = Vec::new();
    let mut unreadable = Vec::new();
    for file in files {
        match bundles.open_checked(file, None, true, prepare) {
            Ok((bundle, session, _problems)) => {
                plans.push(crate::portfolio::plan(file, bundle, &session, now, policy))
            }
            Err(e) => unreadable.push(Unreadable {
                path: file.to_string_lossy().into_owned(),
                message: e.to_string(),
            }),
        }
    }
    (plans, unreadable)
}

fn cells(p: &Plan) -> [String; 10] {
    [
        p.path.clone(),
        p.project.clone(),
        p.questionnaire.clone(),
        p.status.clone(),
        p.owner.clone(),
        p.readiness.map_or("-".into(), |r| format!("{r}")),
        p.blockers.to_string(),
        p.open_questions.to_string(),
        p.updated.get(..10).unwrap_or(&p.updated).to_string(),
        match p.days_since_critique {
            None => "never".into(),
            Some(0) => "today".into(),
            Some(d) => crate::text::plural(d as usize, "day", None) + " ago",
        },
    ]
}

/// A column's text cut to `width` characters, with `…` where it was cut.
fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        s.chars().take(width - 1).chain(['…']).collect()
    }
}

/// The plans as an aligned table (long project and owner names cut), or as a markdown table
/// (nothing cut, `|` escaped).
fn table(plans: &[Plan], markdown: bool) -> String {
    let rows: Vec<[String; 10]> = plans
        .iter()
        .map(|p| {
            let mut c = cells(p);
            if markdown {
                // Escaped as the doc escapes an answer: no link, image, HTML or heading
                // gets into a PR comment through a project's name.
                c = c.map(|s| crate::markdown::inline(&s));
            } else {
                // One line a plan, whatever a name holds.
                c = c.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
                c[1] = cut(&c[1], 32);
                c[4] = cut(&c[4], 24);
            }
            c
        })
        .collect();
    let mut out = String::new();
    if markdown {
        out.push_str(&format!("| {} |\n", HEADERS.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(HEADERS.len())));
        for r in &rows {
            out.push_str(&format!("| {} |\n", r.join(" | ")));
        }
        return out;
    }
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([HEADERS[i].len()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..HEADERS.len()).map(width).collect();
    // Numbers right-aligned, text left.
    let numeric = |i: usize| (5..=7).contains(&i);
    let line = |cells: Vec<&str>| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = widths[i].saturating_sub(c.chars().count());
                if numeric(i) {
                    format!("{}{c}", " ".repeat(pad))
                } else {
                    format!("{c}{}", " ".repeat(pad))
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string() + "\n"
    };
    let headers: Vec<String> = HEADERS.iter().map(|h| h.to_uppercase()).collect();
    out.push_str(&line(headers.iter().map(String::as_str).collect()));
    for r in &rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_reads_its_project_owner_status_and_critique_age() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = [
            root.join("examples/churn-done-well.toml"),
            root.join("README.md"),
        ];
        let now = humantime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
        let (plans, unreadable) =
            survey(&files, now, crate::verdict::LlmPolicy::Count, &|_| Ok(()));
        assert_eq!(unreadable.len(), 1, "{unreadable:?}");
        let p = &plans[0];
        assert_eq!(p.project, "FreshBox churn risk scoring v1");
        assert_eq!(p.owner, "Priya Raman (ML engineer)");
        assert_eq!(p.questionnaire, "ml-experiment");
        assert_eq!(p.blockers, 0);
        assert!(p.readiness.is_some());
        assert_eq!(p.updated, "2026-11-24T16:42:00Z");
    }
}
