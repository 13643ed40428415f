#!/usr/bin/env bash
# Measures what `kickoff critique` adds to a stream: the time from the test server's last byte
# to the process's exit, and the client's CPU time per 1,000 streamed tokens (a server sending
# 10,000 one-token chunks with no delay), for plain text and for a structured critique (JSON cut
# into 10,000 pieces, read into findings as it streams). Everything on 127.0.0.1; see
# tests/it/llm_bench.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --test it llm_bench -- --ignored --nocapture --test-threads=1 2>&1 \
    | grep -E 'tokens|test result'
