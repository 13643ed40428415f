#!/usr/bin/env bash
# The soak, by hand (slow: not in CI).
# 1. N random SIGKILLs during typing in the interview and during a critique's save; reports
#    broken session files, lost answers and leftover temporary files (target: 0 / 0 / 0).
# 2. Hostile inputs on the surfaces of the third hardening pass (scripts/soak_surfaces.py):
#    bidi controls in answers, escapes in file names, proxy variables, init on a full disk,
#    SARIF over PLANS plans; counts tried / clear / handled / panic / hang / silent / lost
#    (target: no panic, hang, silent or lost) and the peak RSS.
# Usage: scripts/soak.sh [N] [PLANS]      (KICKOFF_BIN=path skips the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${KICKOFF_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --release --quiet
    bin=target/release/kickoff
fi
status=0
python3 scripts/soak.py "${1:-100}" --bin "$bin" || status=1
python3 scripts/soak_surfaces.py --bin "$bin" --plans "${2:-5000}" || status=1
exit $status
