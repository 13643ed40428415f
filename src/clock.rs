//! The time as kickoff stamps it: the binary reads the clock, and hands the core the time as an
//! argument (RFC 3339, to the second, in UTC).

/// Now, as a session, a response or a lock records it.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// Where the time comes from: the system's for a front end, a fixed one in tests.
pub trait Clock: std::fmt::Debug {
    /// Now, as session files write it (RFC 3339, to the second).
    fn now(&self) -> String;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> String {
        now()
    }
}
