//! Every integration test, in one binary: one link instead of one per file. Each module is
//! one area of kickoff, tried from the outside (its public API, or the `kickoff` binary).

// Tests build commands and expected texts from paths as they are (`clippy.toml` keeps
// `Path::display` out of kickoff's messages, not out of its tests).
#![allow(clippy::disallowed_methods)]

mod common;
mod guarded;
mod llm_support;
mod records_v1;

mod architecture;
mod check_gate;
mod check_many;
mod cli_commands;
mod cli_errors;
mod comments_survive;
mod conditions_limits;
mod corpus;
mod dry_run_key;
mod e2e_feel;
mod e2e_git;
mod e2e_keys;
mod e2e_tui;
mod examples;
mod fault_input_definitions;
mod fault_input_markdown;
mod fault_input_templates;
mod fault_llm_config;
mod fault_llm_http;
mod fault_llm_text;
mod fault_save;
mod freeze;
mod git_diff;
mod git_merge;
mod held_out;
mod honest_forms;
mod hostile_text;
mod init_repo;
mod llm_api;
mod llm_bench;
mod llm_findings;
mod llm_openai;
mod llm_providers;
mod llm_structured;
mod one_flaw_one_finding;
mod output_target;
mod parsers_never_panic;
mod plain;
mod quick;
mod readout;
mod records;
mod render;
mod render_other_answers;
mod report;
mod review_incremental;
mod save_path;
mod scale;
mod scan_links;
mod self_assessments;
mod template_names;
mod tui_critique;
mod tui_editing;
mod tui_feel;
mod tui_input;
mod tui_llm_findings;
mod tui_quick;
mod tui_records;
mod tui_review_responses;
mod tui_snapshots;
mod tui_update;
mod unanswered_is_open;
mod upgrades;
