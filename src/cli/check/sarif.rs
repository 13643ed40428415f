//! `check --format sarif`: SARIF 2.1.0, as GitHub code scanning reads it. One run; the rules
//! of every questionnaire checked in `tool.driver.rules`, each finding a result on the line of
//! its answer, a waived finding a result with an external suppression, and a file that could
//! not be checked a tool execution notification.
//!
//! Written as the files are checked: each file's results go out as its report comes, and the
//! rules (each once, numbered as first met) and the notifications close the document. Memory
//! holds the rules, not the results: thousands of plans take no more than one.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::ci::RuleInfo;
use super::{FileReport, Unchecked};

/// A SARIF document being written to standard output.
pub(super) struct Sarif {
    rules: Vec<RuleInfo>,
    index: HashMap<String, usize>,
    results: usize,
}

impl Sarif {
    /// Writes the document's opening, up to its first result.
    pub(super) fn start() -> Sarif {
        crate::out!(
            "{{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"originalUriBaseIds\": {},\n      \"results\": [",
            indented(
                &json!({ "%SRCROOT%": { "description": {
                    "text": "The directory kickoff check ran in (the repository root in CI)."
                }}}),
                6
            )
        );
        Sarif {
            rules: Vec::new(),
            index: HashMap::new(),
            results: 0,
        }
    }

    /// Writes one file's results (`file`: its URI); its questionnaire's rules not met before
    /// are kept for the end.
    pub(super) fn report(&mut self, r: &FileReport, file: &str) {
        for rule in &r.rules {
            if !self.index.contains_key(&rule.id) {
                self.index.insert(rule.id.clone(), self.rules.len());
                self.rules.push(rule.clone());
            }
        }
        let mut out = String::new();
        for i in &r.items {
            let mut result = json!({
                "ruleId": i.rule,
                "ruleIndex": self.index.get(&i.rule).copied().unwrap_or(0),
                "level": i.level.sarif(),
                "message": { "text": i.message },
                "locations": [location(file, i.line)],
                "properties": { "failsCheck": i.fails, "title": i.title },
            });
            if let Some(reason) = &i.waived {
                result["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": reason,
                }]);
            }
            out.push_str(if self.results == 0 { "\n" } else { ",\n" });
            out.push_str("        ");
            out.push_str(&indented(&result, 8));
            self.results += 1;
        }
        if !out.is_empty() {
            crate::out!("{out}");
        }
    }

    /// Closes the results and writes the notifications (the paths that could not be checked)
    /// and the rules.
    pub(super) fn finish(self, errors: &[Unchecked], error_uri: impl Fn(&str) -> String) {
        let notifications: Vec<Value> = errors
            .iter()
            .map(|e| {
                json!({
                    "level": "error",
                    "message": { "text": e.message },
                    "locations": [location(&error_uri(&e.path), e.line.unwrap_or(1))],
                })
            })
            .collect();
        let invocations = json!([{
            "executionSuccessful": errors.is_empty(),
            "toolExecutionNotifications": notifications,
        }]);
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "name": r.id,
                    "shortDescription": { "text": r.summary },
                    "fullDescription": { "text": r.help },
                    "help": { "text": r.help },
                    "defaultConfiguration": { "level": r.level.sarif() },
                })
            })
            .collect();
        let tool = json!({ "driver": {
            "name": "kickoff",
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        }});
        let close = if self.results == 0 { "]" } else { "\n      ]" };
        crate::out!(
            "{close},\n      \"invocations\": {},\n      \"tool\": {}\n    }}\n  ]\n}}\n",
            indented(&invocations, 6),
            indented(&tool, 6)
        );
    }
}

/// `v` pretty-printed, its lines after the first indented by `by` spaces.
fn indented(v: &Value, by: usize) -> String {
    let text = serde_json::to_string_pretty(v).expect("serialisable");
    text.replace('\n', &format!("\n{}", " ".repeat(by)))
}

fn location(uri: &str, line: usize) -> Value {
    json!({ "physicalLocation": {
        "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
        "region": { "startLine": line },
    }})
}
