#!/usr/bin/env bash
# The whole test suite, installing what it needs first: tmux for the end-to-end interview
# tests, (in scripts/check-diagrams.sh) chromium and mermaid-cli to render the doc's diagrams,
# and (in scripts/e2e-llm.sh) a real local LLM server for the critique path.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v tmux >/dev/null 2>&1; then
  echo "== installing tmux (end-to-end interview tests)"
  as_root apt-get update -qq && as_root apt-get install -y -qq tmux >/dev/null
fi

echo "== cargo test"
# tmux is installed above: its end-to-end tests must run, not skip.
export KICKOFF_REQUIRE_TMUX=1
cargo test --workspace --all-targets

if [ "${KICKOFF_SKIP_PRE_COMMIT:-0}" != 1 ]; then
  echo "== the pre-commit hook through pre-commit try-repo (it builds kickoff)"
  bash scripts/pre-commit-try.sh
fi

if [ "${KICKOFF_SKIP_DIAGRAMS:-0}" != 1 ]; then
  echo "== the doc's Mermaid diagrams through a real renderer (mermaid-cli)"
  bash scripts/check-diagrams.sh
fi

if [ -f scripts/e2e-llm.sh ] && [ "${KICKOFF_SKIP_LLM_E2E:-0}" != 1 ]; then
  echo "== end-to-end critique against a real local LLM server"
  bash scripts/e2e-llm.sh
fi
