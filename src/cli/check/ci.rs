//! What the CI formats report of a file: each finding, open question and problem as an item on
//! a line of the session file, the rules that were run, and the two line-oriented formats
//! (GitHub workflow commands, JUnit XML). SARIF is in `sarif.rs`.

use std::fmt::Write;

use crate::bundle::Bundle;
use crate::critic::{Finding, Severity};
use crate::locate::Lines;
use crate::reviewer::ShownFinding;
use crate::source::Problem;

use super::{FileReport, OpenQuestion, Unchecked, is_waived};

/// The rule id of a required question left open.
pub(super) const OPEN_QUESTION: &str = "open-question";
/// The rule id of an answer that does not fit the questionnaire (with `--lenient`).
pub(super) const PROBLEM: &str = "answer-problem";
/// The rule id of the LLM reviewer's findings.
pub(super) const LLM: &str = "llm-reviewer";
/// The rule id of a quick session's note: what waits for the full interview.
pub(super) const QUICK: &str = "quick-kickoff";
/// The rule id of a frozen answer changed since the freeze (`kickoff freeze`).
pub(super) const DEVIATION: &str = "freeze-deviation";
/// The rule id of the readout's checks against the frozen plan (`kickoff readout`).
pub(super) const READOUT: &str = "readout";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    fn of(s: Severity) -> Level {
        match s {
            Severity::Blocker => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Info => Level::Note,
        }
    }

    pub(super) fn sarif(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One thing to report, on a line of the session file.
#[derive(Clone, Debug)]
pub(super) struct Item {
    pub rule: String,
    pub level: Level,
    /// What the item is about, short: "blocker at `split_method`".
    pub title: String,
    pub message: String,
    pub line: usize,
    /// The team's reason, when a response waives it.
    pub waived: Option<String>,
    /// Whether it fails the check.
    pub fails: bool,
}

/// A rule that was run, for SARIF's rule list and JUnit's test cases.
#[derive(Clone, Debug)]
pub(super) struct RuleInfo {
    pub id: String,
    pub level: Level,
    pub summary: String,
    pub help: String,
}

pub(super) struct Inputs<'a> {
    pub lines: &'a Lines,
    pub findings: &'a [Finding],
    pub failing: &'a dyn Fn(&Finding) -> bool,
    pub open: &'a [OpenQuestion<'a>],
    pub open_fails: bool,
    pub problems: &'a [Problem],
    pub llm: &'a [ShownFinding],
    pub llm_fails: &'a dyn Fn(&ShownFinding) -> bool,
}

pub(super) fn items(i: Inputs) -> Vec<Item> {
    let mut out = Vec::new();
    for p in i.problems {
        let line = p.line.unwrap_or_else(|| match &p.question {
            Some(q) => i.lines.answer(q),
            None => i.lines.answers_table(),
        });
        out.push(Item {
            rule: PROBLEM.into(),
            level: Level::Warning,
            title: p.subject.clone(),
            message: format!("{}: {}", p.subject, p.message),
            line,
            waived: None,
            fails: false,
        });
    }
    for o in i.open {
        out.push(Item {
            rule: OPEN_QUESTION.into(),
            level: if i.open_fails {
                Level::Error
            } else {
                Level::Note
            },
            title: format!("open question `{}`", o.id),
            message: format!(
                "Required question `{}` ({}) is not answered yet: {}",
                o.id, o.section, o.prompt
            ),
            line: i.lines.answer(o.id),
            waived: None,
            fails: i.open_fails,
        });
    }
    for f in i.findings {
        out.push(Item {
            rule: f.rule.clone(),
            level: Level::of(f.severity),
            title: format!("{} [{}] at `{}`", f.severity.name(), f.rule, f.question),
            message: if f.reference.is_empty() {
                f.message.clone()
            } else {
                format!("{} (ref: {})", f.message, f.reference)
            },
            line: i.lines.answer(&f.question),
            waived: f
                .response
                .as_ref()
                .filter(|_| is_waived(f))
                .map(|r| format!("{}: {}", r.status.name(), r.reason)),
            fails: (i.failing)(f),
        });
    }
    for f in i.llm.iter().filter(|f| !f.stale && f.folded_into.is_none()) {
        out.push(Item {
            rule: LLM.into(),
            level: Level::of(f.finding.severity),
            title: format!(
                "LLM reviewer: {} [{}] at `{}`",
                f.finding.severity.name(),
                f.id,
                f.finding.question
            ),
            message: f.finding.message.clone(),
            line: i.lines.answer(&f.finding.question),
            waived: f
                .response
                .as_ref()
                .filter(|r| r.waives)
                .map(|r| format!("{}: {}", r.status.name(), r.reason)),
            fails: (i.llm_fails)(f),
        });
    }
    out
}

/// The rules of `bundle`, and the six of kickoff's own.
pub(super) fn rules(bundle: &Bundle) -> Vec<RuleInfo> {
    let own = [
        (
            OPEN_QUESTION,
            Level::Error,
            "A required question is not answered",
            "The check fails while required questions are open; `--allow-open` lets a draft pass. Answer it with `kickoff resume FILE`.",
        ),
        (
            PROBLEM,
            Level::Warning,
            "An answer does not fit the questionnaire",
            "A number given as text, an unknown choice, a response to a rule no pack has: fix the session file.",
        ),
        (
            LLM,
            Level::Warning,
            "A finding of the LLM reviewer",
            "From the latest `kickoff critique`; advisory unless `--fail-on-llm`.",
        ),
        (
            DEVIATION,
            Level::Error,
            "An answer that defines the experiment changed since the plan was frozen",
            "A deviation from the pre-registration fails the check until the team records why: `kickoff respond FILE freeze:QUESTION accepted-risk --reason ... --owner ...`.",
        ),
        (
            READOUT,
            Level::Error,
            "A check of the readout against the frozen plan",
            "Sample ratio mismatch, stopped early, a guardrail past its limit, a kill criterion met, the primary metric switched, several comparisons uncorrected, or a readout that does not make sense: `kickoff readout FILE --check` says more.",
        ),
        (
            QUICK,
            Level::Note,
            "A quick kickoff: questions and checks wait for the full interview",
            "Only the essential questions were asked; `kickoff resume --full FILE` asks the rest, keeping every answer.",
        ),
    ];
    let mut out: Vec<RuleInfo> = own
        .into_iter()
        .map(|(id, level, summary, help)| RuleInfo {
            id: id.into(),
            level,
            summary: summary.into(),
            help: help.into(),
        })
        .collect();
    for r in &bundle.critic.rules {
        let d = &r.def;
        let mut help = format!(
            "{}: {}",
            d.severity.name(),
            without_expressions(&d.message).trim()
        );
        if !d.questions.is_empty() {
            let _ = write!(help, "\nReads: {}.", d.questions.join(", "));
        }
        if !d.reference.is_empty() {
            let _ = write!(help, "\nReference: {}", d.reference);
        }
        out.push(RuleInfo {
            id: d.id.clone(),
            level: Level::of(d.severity),
            summary: format!("{} on `{}`", d.id, d.questions.first().map_or("", |q| q)),
            help,
        });
    }
    out
}

/// A rule's message template with its `{{ ... }}` and `{% ... %}` parts left out, for help text.
fn without_expressions(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find(['{']) {
        let close = match rest[start..].chars().nth(1) {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                out.push_str(&rest[..=start]);
                rest = &rest[start + 1..];
                continue;
            }
        };
        out.push_str(&rest[..start]);
        match rest[start..].find(close) {
            Some(end) => {
                if close == "}}" {
                    out.push('…');
                }
                rest = &rest[start + end + 2..];
            }
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// `::error file=F,line=L,title=T::message` for each item (notes as `::notice`), then one line.
pub(super) fn github(reports: &[FileReport], uri: impl Fn(&FileReport) -> String) -> String {
    let mut out = String::new();
    for r in reports {
        let file = uri(r);
        for i in &r.items {
            let command = match (i.level, &i.waived) {
                (_, Some(_)) | (Level::Note, _) => "notice",
                (Level::Warning, _) => "warning",
                (Level::Error, _) => "error",
            };
            let mut message = i.message.clone();
            if let Some(w) = &i.waived {
                let _ = write!(message, " (waived: {w})");
            }
            let _ = writeln!(
                out,
                "::{command} file={},line={},title={}::{}",
                escape_property(&file),
                i.line,
                escape_property(&i.title),
                escape_data(&message)
            );
        }
    }
    out
}

/// Workflow-command data: `%`, CR and LF encoded.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow-command property values: also `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// JUnit XML: a test suite per file, a test case per rule that was run (failed when one of its
/// findings fails the check), per open question and per problem; a file that could not be
/// checked is a suite with one erroring case.
// Longer than a screen: one XML document written in order; each part is a few lines of that order.
pub(super) fn junit(
    reports: &[FileReport],
    errors: &[Unchecked],
    uri: impl Fn(&FileReport) -> String,
) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures) = (0, 0);
    for r in reports {
        let file = uri(r);
        let mut cases = String::new();
        let (mut n, mut failed) = (0, 0);
        let mut case = |name: &str, items: &[&Item], cases: &mut String| {
            n += 1;
            let _ = write!(
                cases,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
                xml(&file),
                xml(name),
                xml(&file)
            );
            if items.is_empty() {
                cases.push_str("/>\n");
                return;
            }
            cases.push_str(">\n");
            let text: Vec<String> = items
                .iter()
                .map(|i| {
                    // A problem's message starts with its subject, the title: said once.
                    let message = i.message.strip_prefix(&format!("{}: ", i.title));
                    let message = message.unwrap_or(&i.message);
                    format!("{}:{}: {}: {}", file, i.line, i.title, message)
                })
                .collect();
            if let Some(first) = items.iter().find(|i| i.fails) {
                failed += 1;
                let _ = writeln!(
                    cases,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    first.level.sarif(),
                    xml(&first.title),
                    xml(&text.join("\n"))
                );
            } else {
                let _ = writeln!(
                    cases,
                    "      <system-out>{}</system-out>",
                    xml(&text.join("\n"))
                );
            }
            cases.push_str("    </testcase>\n");
        };
        for rule in r.rules.iter().filter(|x| x.id != OPEN_QUESTION) {
            let of_rule: Vec<&Item> = r.items.iter().filter(|i| i.rule == rule.id).collect();
            if rule.id == PROBLEM || rule.id == LLM || rule.id == QUICK {
                for i in of_rule {
                    case(&format!("{}: {}", rule.id, i.title), &[i], &mut cases);
                }
            } else {
                case(&rule.id, &of_rule, &mut cases);
            }
        }
        for i in r.items.iter().filter(|i| i.rule == OPEN_QUESTION) {
            case(&i.title, &[i], &mut cases);
        }
        tests += n;
        failures += failed;
        let _ = write!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{failed}\" errors=\"0\">\n{cases}  </testsuite>\n",
            xml(&file)
        );
    }
    for Unchecked { path, message, .. } in errors {
        tests += 1;
        let _ = write!(
            suites,
            "  <testsuite name=\"{p}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase classname=\"{p}\" name=\"load\">\n      <error message=\"{m}\">{m}</error>\n    </testcase>\n  </testsuite>\n",
            p = xml(path),
            m = xml(message)
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kickoff check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{}\">\n{suites}</testsuites>\n",
        errors.len()
    )
}

/// Text escaped for an XML attribute or element; characters XML 1.0 forbids are dropped.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            // C0 controls, and U+FFFE and U+FFFF, are not XML 1.0 characters.
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_commands_escape_what_would_end_them() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn help_text_leaves_the_template_out() {
        assert_eq!(
            without_expressions("Split by {{ split_method }}{% if x %} now{% endif %}."),
            "Split by … now."
        );
        assert_eq!(without_expressions("a { b"), "a { b");
    }

    #[test]
    fn xml_drops_the_noncharacters_xml_forbids() {
        assert_eq!(xml("a\u{fffe}b\u{ffff}c"), "abc");
    }

    #[test]
    fn xml_escapes_markup_and_drops_control_characters() {
        assert_eq!(xml("<a b=\"c\">&\u{1b}"), "&lt;a b=&quot;c&quot;&gt;&amp;");
    }
}
