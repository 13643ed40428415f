use std::process::ExitCode;

use clap::Parser;
use kickoff::cli::{Cli, Command, EXIT_INPUT};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => kickoff::tui::interview(None, "kickoff.toml".as_ref(), false),
        Some(Command::New {
            questionnaire,
            file,
        }) => kickoff::tui::interview(questionnaire.as_deref(), &file, true),
        Some(Command::Resume {
            file,
            questionnaire,
        }) => kickoff::tui::interview(questionnaire.as_deref(), &file, false),
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
