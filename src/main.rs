use std::process::ExitCode;

use clap::Parser;

/// The first half megabyte of allocations comes from an arena (`kickoff::arena`): a `check` or
/// `render` is a process of a few milliseconds, and this makes it a tenth faster.
#[global_allocator]
static ALLOCATOR: kickoff::arena::Arena<{ 512 << 10 }> = kickoff::arena::Arena::new();

fn main() -> ExitCode {
    kickoff::cli::run(kickoff::cli::Cli::parse())
}
