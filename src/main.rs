use std::process::ExitCode;

use clap::Parser;
use kickoff::cli::{Cli, Command, EXIT_INPUT};
use kickoff::workspace::Open;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => kickoff::tui::interview(None, "kickoff.toml".as_ref(), Open::Either),
        Some(Command::New {
            questionnaire,
            file,
        }) => kickoff::tui::interview(questionnaire.as_deref(), &file, Open::New),
        Some(Command::Resume {
            file,
            questionnaire,
        }) => kickoff::tui::interview(questionnaire.as_deref(), &file, Open::Resume),
        Some(command) => kickoff::cli::run(command),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kickoff: {e}");
            ExitCode::from(EXIT_INPUT)
        }
    }
}
