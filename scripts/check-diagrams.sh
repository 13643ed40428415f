#!/usr/bin/env bash
# Renders every example session to markdown (the design doc and the brief, and the readout of
# an example with results) and runs a real
# Mermaid renderer (mermaid-cli on Debian's chromium) on every ```mermaid block, so a diagram
# that GitHub or GitLab would show as "Unable to render rich display" fails here, with the
# file, the block number, mmdc's parser message and the block's source.
#
# Installs what it needs if missing (idempotent): Debian's chromium and nodejs/npm through
# apt-get, and @mermaid-js/mermaid-cli through npm under ${KICKOFF_TOOLS:-~/.cache/kickoff-tools}
# (with PUPPETEER_SKIP_DOWNLOAD=1: its own browser download cannot be fetched here).
#
# Environment:
#   KICKOFF_TOOLS         where mermaid-cli is installed (default ~/.cache/kickoff-tools)
#   KICKOFF_BIN           the kickoff binary (default target/debug/kickoff, built if missing)
#   KICKOFF_DIAGRAMS_OUT  where the docs, .mmd blocks and PNGs go, kept (default: a temp dir,
#                         removed after a run that passes)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
start=$(date +%s)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    as_root apt-get update -qq >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# --- tools -------------------------------------------------------------------------------
chromium_bin=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium_bin" ]; then
  echo "== installing chromium (apt)"
  apt_install chromium
  chromium_bin=$(command -v chromium || command -v chromium-browser)
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "== installing nodejs and npm (apt)"
  apt_install nodejs npm
fi

tools=${KICKOFF_TOOLS:-$HOME/.cache/kickoff-tools}
mmdc=$tools/node_modules/.bin/mmdc
if [ ! -x "$mmdc" ]; then
  echo "== installing @mermaid-js/mermaid-cli (npm) into $tools"
  mkdir -p "$tools"
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$tools" --no-audit --no-fund --silent \
    --loglevel=error '@mermaid-js/mermaid-cli@11.17.0' >/dev/null
fi
puppeteer_config=$tools/puppeteer.json
printf '{"executablePath": "%s", "args": ["--no-sandbox", "--disable-gpu"]}\n' \
  "$chromium_bin" >"$puppeteer_config"

# --- kickoff -----------------------------------------------------------------------------
kickoff=${KICKOFF_BIN:-$repo/target/debug/kickoff}
if [ ! -x "$kickoff" ]; then
  echo "== cargo build (no $kickoff yet)"
  cargo build --quiet
fi

out=${KICKOFF_DIAGRAMS_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/kickoff-diagrams.XXXXXX")}
mkdir -p "$out"
echo "== rendering examples and their Mermaid blocks into $out"

# --- render every example, extract and check every mermaid block -------------------------
passed=0
failed=0
render_failed=0
failures=()
shopt -s nullglob
examples=("$repo"/examples/*.toml)
if [ ${#examples[@]} = 0 ]; then
  echo "no examples/*.toml to render" >&2
  exit 1
fi

for example in "${examples[@]}"; do
  name=$(basename "$example" .toml)
  templates=(design-doc brief)
  # A plan with its results ([readout]) has a readout doc too.
  if grep -q '^\[readout\]' "$example"; then templates+=(readout); fi
  for template in "${templates[@]}"; do
    doc=$out/$name.$template.md
    # Rendered from inside $out so that no workspace settings of the caller's directory apply.
    if ! (cd "$out" && "$kickoff" render --template "$template" "$example" -o "$doc") \
      >"$out/$name.$template.render.log" 2>&1; then
      echo "FAIL render examples/$name.toml --template $template:" >&2
      sed 's/^/    /' "$out/$name.$template.render.log" >&2
      render_failed=$((render_failed + 1))
      continue
    fi
    # Split out each ```mermaid block, numbered from 1 in the order of the doc; a block that
    # is never closed is reported too (it would swallow the rest of the doc on GitHub).
    if ! awk -v prefix="$out/$name.$template" '
      /^```mermaid[ \t]*$/ { n++; inside = 1; file = sprintf("%s.%d.mmd", prefix, n);
                             printf "" > file; start = NR; next }
      inside && /^```[ \t]*$/ { inside = 0; close(file); next }
      inside { print >> file }
      END { if (inside) { printf "mermaid block %d (line %d) is never closed\n", n, start > "/dev/stderr"; exit 1 } }
    ' "$doc"; then
      echo "FAIL $doc: unclosed mermaid block" >&2
      failed=$((failed + 1))
      failures+=("$name ($template): unclosed mermaid block")
    fi
  done
done

blocks=("$out"/*.mmd)
for mmd in "${blocks[@]}"; do
  base=$(basename "$mmd" .mmd)          # NAME.TEMPLATE.N
  number=${base##*.}
  doc=${base%.*}
  if "$mmdc" --quiet -p "$puppeteer_config" -i "$mmd" -o "$out/$base.png" \
    >"$out/$base.mmdc.log" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$doc.md mermaid block $number")
    {
      echo "FAIL $doc.md, mermaid block $number (examples/${doc%.*}.toml):"
      # mmdc's message without its stack trace: the "Error:" line and the parser's pointer.
      grep -v '^[[:space:]]*at \|^Parser\.\|^$' "$out/$base.mmdc.log" | head -n 8 | sed 's/^/    /'
      echo "  the block:"
      nl -ba "$mmd" | sed 's/^/    /'
    } >&2
  fi
done

elapsed=$(($(date +%s) - start))
echo "== ${#examples[@]} examples, ${#blocks[@]} Mermaid blocks, ${elapsed}s (docs and PNGs in $out)"
if [ ${#blocks[@]} = 0 ] && [ "$render_failed" = 0 ]; then
  echo "no Mermaid block found in any rendered doc: nothing was checked" >&2
  failed=$((failed + 1))
fi
for f in "${failures[@]}"; do echo "  failed: $f" >&2; done
[ "$render_failed" = 0 ] || echo "  $render_failed render(s) failed" >&2
echo "diagrams: $passed passed, $((failed + render_failed)) failed"
if [ "$failed" = 0 ] && [ "$render_failed" = 0 ]; then
  [ -n "${KICKOFF_DIAGRAMS_OUT:-}" ] || rm -rf "$out"
  exit 0
fi
exit 1
