//! `check --format sarif`: SARIF 2.1.0, as GitHub code scanning reads it. One run; the rules
//! of every questionnaire checked in `tool.driver.rules`, each finding a result on the line of
//! its answer, a waived finding a result with an external suppression, and a file that could
//! not be checked a tool execution notification.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{FileReport, Unchecked};

pub(super) fn sarif(
    reports: &[FileReport],
    errors: &[Unchecked],
    uri: impl Fn(&FileReport) -> String,
    error_uri: impl Fn(&str) -> String,
) -> String {
    let mut rules: BTreeMap<&str, &super::ci::RuleInfo> = BTreeMap::new();
    for r in reports {
        for rule in &r.rules {
            rules.entry(rule.id.as_str()).or_insert(rule);
        }
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let rules_json: Vec<Value> = rules
        .values()
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
    let mut results = Vec::new();
    for r in reports {
        let file = uri(r);
        for i in &r.items {
            let mut result = json!({
                "ruleId": i.rule,
                "ruleIndex": index.get(i.rule.as_str()).copied().unwrap_or(0),
                "level": i.level.sarif(),
                "message": { "text": i.message },
                "locations": [location(&file, i.line)],
                "properties": { "failsCheck": i.fails, "title": i.title },
            });
            if let Some(reason) = &i.waived {
                result["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": reason,
                }]);
            }
            results.push(result);
        }
    }
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
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "kickoff",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules_json,
            }},
            "originalUriBaseIds": { "%SRCROOT%": { "description": {
                "text": "The directory kickoff check ran in (the repository root in CI)."
            }}},
            "invocations": [{
                "executionSuccessful": errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).expect("serialisable") + "\n"
}

fn location(uri: &str, line: usize) -> Value {
    json!({ "physicalLocation": {
        "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
        "region": { "startLine": line },
    }})
}
