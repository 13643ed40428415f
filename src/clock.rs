//! The time as kickoff stamps it: the binary reads the clock, and hands the core the time as an
//! argument (RFC 3339, to the second, in UTC).

/// Now, as a session, a response or a lock records it.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}
