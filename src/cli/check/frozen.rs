//! The deviations from the frozen plan in `check`'s text report: each changed answer, named,
//! and what the team recorded about it.

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
                    file.display(),
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
