//! A session of the built-in questionnaire's version 1, for the tests of its conversion.

/// A session of the built-in questionnaire's version 1: lists and a text where rows stand now.
pub const V1_SESSION: &str = r#"questionnaire = "ml-experiment"
questionnaire_version = "1"
created = "2026-11-20T09:00:00Z"
updated = "2026-11-21T11:05:00Z"

[answers]
project_name = "Old churn plan"
baselines = ["constant", "gradient_boosted_trees"]
baseline_scores = """
constant: PR-AUC 0.05

LightGBM: PR-AUC 0.31
rules: PR-AUC 0.12"""
guardrail_metrics = ["p99 latency", "complaints per 1k offers"]
slices = ["new customers", "country"]
milestones = 3
"#;
