#!/usr/bin/env bash
# Runs kickoff's hook (.pre-commit-hooks.yaml) through the pre-commit framework, the way a
# team's repository would (`pre-commit try-repo`, which builds kickoff with cargo): on a
# temporary repository with a sound plan, a plan with blockers and a rule pack, it checks the
# two plans (not the rule pack) and fails on the blockers. pre-commit comes from PyPI at the version pinned in
# scripts/requirements-ci.txt, into a venv cached outside the clone. KICKOFF_SKIP_PRE_COMMIT=1 skips it.
set -euo pipefail
[ "${KICKOFF_SKIP_PRE_COMMIT:-}" = 1 ] && { echo "pre-commit hook test skipped"; exit 0; }
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/kickoff-ci"
venv="$cache/pre-commit-venv"
if [ ! -x "$venv/bin/pre-commit" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r "$root/scripts/requirements-ci.txt"
fi
export PRE_COMMIT_HOME="$cache/pre-commit"
# The hook's `cargo install` builds in a target directory kept beside the venv, without
# optimisation: the test is of the hook, not of kickoff's speed, and a second run rebuilds only
# kickoff itself.
export CARGO_TARGET_DIR="$cache/pre-commit-target"
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0
export CARGO_PROFILE_RELEASE_DEBUG=false
export CARGO_PROFILE_RELEASE_INCREMENTAL=true
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
git init -q
cp "$root/examples/churn-done-well.toml" good.kickoff.toml
cp "$root/examples/fraud-flawed.toml" bad.kickoff.toml
# Not a plan: the hook's `files` pattern leaves it out.
cp "$root/questionnaires/ml-experiment.rules.toml" team.rules.toml
git add -A
# One run (each try-repo builds kickoff anew): the plan with blockers fails the hook.
if "$venv/bin/pre-commit" try-repo "$root" kickoff-check --all-files > out.txt 2>&1; then
    cat out.txt
    echo "pre-commit-try: the hook passed a plan with blockers" >&2
    exit 1
fi
for expected in "good.kickoff.toml: .*: passed" "bad.kickoff.toml: .*: FAILED" "checked 2 files"; do
    grep -q "$expected" out.txt || { cat out.txt; echo "pre-commit-try: no \"$expected\"" >&2; exit 1; }
done
echo "pre-commit hook: passes a sound plan, fails one with blockers, skips a rule pack"
