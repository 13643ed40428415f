//! The deviations from the frozen plan in `check`'s text report (each changed answer, named,
//! and what the team recorded about it), and the readout's checks.

use crate::freeze::Deviation;
use crate::text::wrap;

/// The block of the report, empty when the plan has no deviation.
pub(super) fn text_block(deviations: &[Deviation], file: &std::path::Path) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if deviations.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\nChanges since the plan was frozen:");
    for d in deviations {
        match &d.record {
            None => {
                let _ = writeln!(out, "  deviation [freeze:{}] {}", d.question, d.message());
                let how = if d.stale_record {
                    "its record was about an earlier change; record this one"
                } else {
                    "not recorded"
                };
                let _ = writeln!(
                    out,
                    "      {how}: kickoff respond {} freeze:{} accepted-risk --reason ... --owner ...",
                    crate::text::path(file),
                    d.question
                );
            }
            Some(r) => {
                let _ = writeln!(out, "  recorded [freeze:{}] {}", d.question, d.message());
                for line in wrap(
                    &format!("{} ({}, {}): {}", "recorded", r.by, r.date, r.reason),
                    90,
                ) {
                    let _ = writeln!(out, "      {line}");
                }
            }
        }
    }
    out
}

/// The readout's checks, empty without a readout.
pub(super) fn readout_block(session: &crate::session::Session) -> String {
    use std::fmt::Write;
    let findings = crate::readout::findings(session);
    let mut out = String::new();
    if findings.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\nReadout (`kickoff readout` for the decision):");
    for f in findings {
        let _ = writeln!(out, "  {} [readout:{}]", f.severity.name(), f.check);
        for line in wrap(&f.message, 90) {
            let _ = writeln!(out, "      {line}");
        }
    }
    out
}
