#!/usr/bin/env bash
# N random SIGKILLs during typing in the interview and during a critique's save; reports
# broken session files, lost answers and leftover temporary files (target: 0 / 0 / 0).
# Usage: scripts/soak.sh N
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
python3 scripts/soak.py "${1:-100}" --bin target/release/kickoff
