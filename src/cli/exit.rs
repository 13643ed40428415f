//! The exit codes of the commands. `0` is `ExitCode::SUCCESS`.

/// `check`: findings at or above `--fail-on` remain, or required questions are open (unless
/// `--allow-open`); `questionnaire validate`: a rule case failed; `critique`: the critique
/// failed or broke off.
pub(crate) const EXIT_FAILED: u8 = 1;

/// Usage and input errors.
pub(crate) const EXIT_INPUT: u8 = 2;
