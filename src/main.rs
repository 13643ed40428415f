use std::process::ExitCode;

use clap::Parser;

/// mimalloc: kickoff's work is many small allocations (template values, answers, findings), and
/// it does them in about a third fewer instructions than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    kickoff::cli::run(kickoff::cli::Cli::parse())
}
