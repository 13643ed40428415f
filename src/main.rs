use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    kickoff::cli::run(kickoff::cli::Cli::parse())
}
