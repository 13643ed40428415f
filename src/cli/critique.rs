//! `kickoff critique FILE`: the LLM critique streamed to stdout and saved into the session.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

use crate::bundle::Bundle;
use crate::config::{Config, MAX_TOKENS};
use crate::llm::{
    CritiqueRequest, Env, Flags, KeySource, LlmError, Mode, Prompts, ProviderConfig, ProviderKind,
    Redactor, StreamEvent, Transcript, build_request, cached, estimate_tokens, resolve,
    save_critique, schema, spawn_critique, to_critique,
};
use crate::session::{Critique, Session};
use crate::workspace::{self, Error};

use super::check::{self, CheckArgs, FailOn, Format};
use super::exit::{EXIT_FAILED, EXIT_INPUT};

#[derive(clap::Args, Debug, Clone)]
pub struct CritiqueArgs {
    /// Session file
    #[arg(required_unless_present = "list_providers")]
    file: Option<PathBuf>,
    /// Provider (default: the config file's, else the first whose environment is set)
    #[arg(long, value_parser = provider_parser())]
    provider: Option<ProviderKind>,
    #[arg(long)]
    model: Option<String>,
    /// Base URL (OpenAI-compatible: including /v1; Anthropic: without /v1; Ollama: the host)
    #[arg(long)]
    base_url: Option<String>,
    /// Most tokens the model may write (1 to 1000000)
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_TOKENS)))]
    max_tokens: Option<u32>,
    /// Ask again even if a saved critique has the same answers, prompts and model
    #[arg(long)]
    fresh: bool,
    /// Show the configured providers (keys redacted) and exit
    #[arg(long)]
    list_providers: bool,
    /// Print the exact prompts and the estimated input tokens and price; send nothing
    #[arg(long)]
    dry_run: bool,
    /// A minijinja template for the persona (system) prompt
    #[arg(long)]
    system_template: Option<PathBuf>,
    /// A minijinja template for the user prompt (answers and findings)
    #[arg(long)]
    user_template: Option<PathBuf>,
    #[arg(short, long)]
    questionnaire: Option<String>,
    /// Extra rule pack (repeatable)
    #[arg(long = "rules")]
    rules: Vec<PathBuf>,
}

/// `--provider`: the names and descriptions for help, completions and errors, parsed with
/// [`ProviderKind`]'s `FromStr`.
fn provider_parser() -> impl TypedValueParser<Value = ProviderKind> {
    let values = ProviderKind::ALL.map(|k| PossibleValue::new(k.name()).help(k.description()));
    PossibleValuesParser::new(values).map(|name| {
        name.parse::<ProviderKind>()
            .expect("clap accepts only the possible values")
    })
}

pub(super) fn run(args: CritiqueArgs) -> Result<ExitCode, Error> {
    let config = crate::settings::load_config()?;
    let env = Env::from_process();
    if args.list_providers {
        crate::out!("{}", list_providers(&config, &env));
        return Ok(ExitCode::SUCCESS);
    }
    let file = args
        .file
        .clone()
        .expect("clap requires FILE without --list-providers");
    let flags = Flags {
        provider: args.provider,
        model: args.model.clone(),
        base_url: args.base_url.clone(),
        max_tokens: args.max_tokens,
    };
    let resolved = match resolve(&config, &env, &flags) {
        // `--dry-run` sends nothing, so it needs no key: it shows what would be sent.
        Err(crate::llm::LlmError::MissingKey { env: var, .. }) if args.dry_run => resolve(
            &config,
            &env.clone().with(var, "none-for-a-dry-run"),
            &flags,
        ),
        other => other,
    };
    let provider = match resolved {
        Ok(Some(p)) => p,
        Ok(None) => return offline(&file, &args),
        Err(e) => {
            eprintln!("kickoff: {e}");
            return Ok(ExitCode::from(EXIT_INPUT));
        }
    };
    if args.dry_run {
        let (_, _, request) = prepare(&file, &args, &config, &provider)?;
        crate::out!("{}", dry_run(&request));
        eprintln!("kickoff: {}", dry_run_summary(&request));
        return Ok(ExitCode::SUCCESS);
    }
    // A proxy variable reqwest would skip: the request would go out past the proxy.
    if let Err(e) = crate::llm::proxy_env_problem(&provider.base_url) {
        eprintln!("kickoff: {e}");
        return Ok(ExitCode::from(EXIT_INPUT));
    }
    // Before anything is paid for: an interview open on the file would lose this critique,
    // or this critique its answers.
    let lock = crate::store::Lock::acquire(&file, "kickoff critique")?;
    let (bundle, session, request) = prepare(&file, &args, &config, &provider)?;
    if !args.fresh
        && let Some(c) = cached(&session, &request)
    {
        print_cached(c);
        return Ok(ExitCode::SUCCESS);
    }
    let transcript = stream_to_stdout(&file, &request)?;
    save_and_report(&file, &bundle, &request, &transcript, lock)
}

/// Useful without a network or a key: the offline critique, and how to get more. Its verdict
/// is `kickoff check`'s (FAILED with blockers or open questions), never a contradicting
/// "passed". The exit code is 2, as when a provider is named but has no key: the LLM
/// critique asked for did not happen, and a script must not take it for one.
fn offline(file: &Path, args: &CritiqueArgs) -> Result<ExitCode, Error> {
    check::run(CheckArgs {
        paths: vec![file.to_path_buf()],
        format: Format::Text,
        fail_on: FailOn::Blocker,
        allow_open: false,
        rules: args.rules.clone(),
        questionnaire: args.questionnaire.clone(),
        lenient: true,
        fail_on_llm: false,
        ignore_llm: false,
        llm_policy: Default::default(),
        config: Default::default(),
    })?;
    eprintln!("kickoff: {}", LlmError::NotConfigured);
    Ok(ExitCode::from(EXIT_INPUT))
}

/// Opens the session (answers that do not fit are warnings), reviews it and renders the
/// prompts into the request to send.
fn prepare(
    file: &Path,
    args: &CritiqueArgs,
    config: &Config,
    provider: &ProviderConfig,
) -> Result<(Bundle, Session, CritiqueRequest), Error> {
    let (mut bundle, session, problems) =
        workspace::open_checked(file, args.questionnaire.as_deref(), true)?;
    for p in &problems {
        eprintln!(
            "warning: {}: {}: {}",
            crate::text::path(file),
            p.subject,
            p.message
        );
    }
    workspace::add_rule_packs(&mut bundle, config, &args.rules)?;
    let review = bundle.review_of(&session);
    let prompts = Prompts::load(
        args.system_template
            .as_deref()
            .or(config.system_template.as_deref()),
        args.user_template
            .as_deref()
            .or(config.user_template.as_deref()),
    )?
    .with_tone(config.tone)
    .with_follow_ups(&session);
    let request =
        build_request(&bundle, &review, provider, &prompts).map_err(|e| Error::Other {
            path: file.to_path_buf(),
            message: e.to_string(),
        })?;
    Ok((bundle, session, request))
}

fn print_cached(c: &Critique) {
    let _ = writeln!(std::io::stdout().lock(), "{}", c.text.trim_end());
    eprintln!(
        "kickoff: this critique by {} / {} ({}) was saved for the same answers and prompts; not asked again (--fresh asks anyway)",
        c.provider, c.model, c.created
    );
}

/// Asks the model and writes its text to stdout as it arrives; retries are reported on
/// stderr. Ctrl-C stops the request and keeps what arrived; a second Ctrl-C quits at once.
fn stream_to_stdout(file: &Path, request: &CritiqueRequest) -> Result<Transcript, Error> {
    let provider = &request.provider;
    eprintln!(
        "kickoff: asking {} / {} at {}",
        provider.kind.name(),
        provider.model,
        Redactor::new([]).message(&provider.base_url)
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let cancel = Arc::new(AtomicBool::new(false));
    let on_interrupt = cancel.clone();
    let _ = ctrlc::set_handler(move || {
        if on_interrupt.swap(true, std::sync::atomic::Ordering::Relaxed) {
            std::process::exit(130);
        }
    });
    let handle = spawn_critique(request.clone(), tx, cancel);
    let mut stdout = std::io::stdout().lock();
    let mut at_line_start = true;
    for event in rx {
        match event {
            StreamEvent::Text(t) => {
                // Written as it arrives; a closed stdout (`| head`) does not stop the save.
                let _ = stdout.write_all(t.as_bytes());
                let _ = stdout.flush();
                at_line_start = t.ends_with('\n');
            }
            StreamEvent::Notice(note) => eprintln!("kickoff: note: {note}"),
            StreamEvent::Retrying {
                attempt,
                wait_ms,
                reason,
            } => eprintln!(
                "kickoff: {reason}; retrying in {:.1} s (attempt {attempt} of {})",
                wait_ms as f64 / 1000.0,
                provider.max_retries + 1
            ),
            _ => {}
        }
    }
    if !at_line_start {
        let _ = writeln!(stdout);
    }
    let _ = stdout.flush();
    handle.join().map_err(|_| Error::Other {
        path: file.to_path_buf(),
        message: "the critique thread panicked".into(),
    })
}

/// Saves what arrived (unless nothing did) and says so, with the usage and cost.
fn save_and_report(
    file: &Path,
    bundle: &Bundle,
    request: &CritiqueRequest,
    transcript: &Transcript,
    lock: crate::store::Lock,
) -> Result<ExitCode, Error> {
    if let Some(e) = &transcript.failed {
        eprintln!("kickoff: {e}");
        return Ok(ExitCode::from(EXIT_FAILED));
    }
    if transcript.text.trim().is_empty() {
        eprintln!("kickoff: the model returned no text; nothing was saved");
        return Ok(ExitCode::from(EXIT_FAILED));
    }
    let critique = to_critique(request, transcript, &crate::clock::now());
    save_critique(
        file,
        Some(&bundle.questionnaire),
        critique.clone(),
        Some(lock),
    )?;
    let usage = usage_summary(&critique, transcript);
    match &transcript.interrupted {
        Some(e) => {
            eprintln!(
                "kickoff: {e}; the partial critique was saved to {}, marked interrupted{usage}",
                crate::text::path(file)
            );
            Ok(ExitCode::from(EXIT_FAILED))
        }
        None => {
            eprintln!(
                "kickoff: critique saved to {}{usage}",
                crate::text::path(file)
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// ` (1200 + 300 tokens, $0.0004)`, or nothing when there is nothing to say.
fn usage_summary(critique: &Critique, transcript: &Transcript) -> String {
    let mut usage = Vec::new();
    match (critique.input_tokens, critique.output_tokens) {
        (_, Some(o)) if transcript.usage_estimated => usage.push(format!(
            "about {o} output tokens, counted: the server reported no usage"
        )),
        (Some(i), Some(o)) => usage.push(format!("{i} + {o} tokens")),
        (None, Some(o)) => usage.push(format!("{o} output tokens")),
        _ => {}
    }
    match (critique.cached_input_tokens, critique.cache_write_tokens) {
        (Some(r), Some(w)) if w > 0 => usage.push(format!(
            "{r} input tokens read from the prompt cache, {w} written to it"
        )),
        (Some(r), _) => usage.push(format!("{r} input tokens from the prompt cache")),
        (None, Some(w)) if w > 0 => {
            usage.push(format!("{w} input tokens written to the prompt cache"))
        }
        _ => {}
    }
    if !critique.findings.is_empty() || !critique.follow_up_questions.is_empty() {
        usage.push(format!(
            "{} finding(s), {} question(s) for the team",
            critique.findings.len(),
            critique.follow_up_questions.len()
        ));
    }
    if let Some(c) = critique.cost_usd {
        usage.push(format!("${c:.4}"));
    }
    if transcript.is_truncated() {
        usage.push("cut at the token limit (--max-tokens)".into());
    }
    if usage.is_empty() {
        String::new()
    } else {
        format!(" ({})", usage.join(", "))
    }
}

/// `--dry-run`: the request's prompts exactly as they would be sent, the static part first,
/// and the schema when the reply is asked for as JSON.
fn dry_run(request: &CritiqueRequest) -> String {
    let p = &request.provider;
    let mode = Mode::first(p.kind, p.structured);
    let mut out = format!(
        "=== system prompt (static: sent first, cacheable; about {} tokens) ===\n{}\n=== user prompt (about {} tokens) ===\n{}",
        estimate_tokens(&request.system),
        request.system,
        estimate_tokens(&request.user),
        request.user
    );
    if mode.is_structured() {
        let schema = schema(&request.question_ids).to_string();
        out.push_str(&format!(
            "\n=== reply asked for as {} (about {} tokens) ===\n{schema}\n",
            mode.describe(),
            estimate_tokens(&schema)
        ));
    }
    out
}

/// The dry run's last line: the estimated input tokens and what they would cost.
fn dry_run_summary(request: &CritiqueRequest) -> String {
    let p = &request.provider;
    let mode = Mode::first(p.kind, p.structured);
    let schema_tokens = if mode.is_structured() {
        estimate_tokens(&schema(&request.question_ids).to_string())
    } else {
        0
    };
    let input = estimate_tokens(&request.system) + estimate_tokens(&request.user) + schema_tokens;
    let price = match p.price {
        Some(pr) => format!(
            ", about ${:.4} for the input (and at most ${:.4} for {} output tokens)",
            input as f64 * pr.input / 1e6,
            f64::from(p.max_tokens()) * pr.output / 1e6,
            p.max_tokens()
        ),
        None => ", price unknown (set [prices.\"MODEL\"] in the config)".to_string(),
    };
    format!(
        "dry run: {} / {} at {}: about {input} input tokens{price}; tone {}; nothing was sent",
        p.kind.name(),
        p.model,
        Redactor::new([]).message(&p.base_url),
        request.tone.name()
    )
}

/// What is configured, for `--list-providers`. Keys are never shown, only where they come from.
fn list_providers(config: &Config, env: &Env) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    match &config.path {
        Some(p) if p.exists() => _ = writeln!(out, "config file: {}", crate::text::path(p)),
        Some(p) => _ = writeln!(out, "config file: {} (none there)", crate::text::path(p)),
        None => _ = writeln!(out, "config file: none (no config directory)"),
    }
    let default = resolve(config, env, &Flags::default());
    match &default {
        Ok(Some(p)) => _ = writeln!(out, "default provider: {}", p.kind.name()),
        Ok(None) => _ = writeln!(out, "default provider: none ({})", LlmError::NotConfigured),
        Err(e) => _ = writeln!(out, "default provider: error: {e}"),
    }
    for kind in ProviderKind::ALL {
        let flags = Flags {
            provider: Some(kind),
            ..Flags::default()
        };
        match resolve(config, env, &flags) {
            Ok(Some(p)) => _ = writeln!(out, "{}", provider_line(&p)),
            Ok(None) => {}
            Err(e) => _ = writeln!(out, "{:<10} not usable: {e}", kind.name()),
        }
    }
    if let Ok(Some(p)) = default {
        _ = writeln!(
            out,
            "timeouts: connect {:.1} s, read (idle) {:.1} s; retries: {} before the first token",
            p.connect_timeout.as_secs_f64(),
            p.read_timeout.as_secs_f64(),
            p.max_retries
        );
    }
    out
}

/// One provider for `--list-providers`: model, URL, where the key comes from, price.
fn provider_line(p: &ProviderConfig) -> String {
    let redactor = Redactor::new([]);
    let key = match &p.key {
        KeySource::None => "no key".to_string(),
        KeySource::Env(name, _) => format!("key from {name} (redacted)"),
        KeySource::Command(cmd) => format!("key from api_key_cmd `{}`", redactor.message(cmd)),
    };
    let price = p.price.map_or("price unknown".to_string(), |pr| {
        format!("${}/${} per Mtok in/out", pr.input, pr.output)
    });
    format!(
        "{:<10} model {}, {}, {key}, {price}",
        p.kind.name(),
        p.model,
        redactor.message(&p.base_url)
    )
}
