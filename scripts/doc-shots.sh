#!/usr/bin/env bash
# The design doc as a reviewer sees it: each example's doc rendered to an HTML page (markdown
# as GitHub shows it, Mermaid blocks drawn by the mermaid script mermaid-cli installed) and a
# headless-chromium screenshot of it, kept as target/doc-shots/NAME.png, one per example.
# Look at them: a diagram that does not draw, a table that breaks, a callout that lost its
# place show up here and nowhere in the markdown source.
#
# Needs chromium and mermaid-cli, as scripts/check-diagrams.sh installs them (run that one
# first, as scripts/test.sh does). A missing chromium or mermaid script fails this step; it is
# never skipped.
#
# Environment:
#   KICKOFF_TOOLS  where mermaid-cli is installed (default ~/.cache/kickoff-tools)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
out=$repo/target/doc-shots

chromium_bin=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium_bin" ]; then
  echo "chromium is missing: no screenshot of the doc can be taken (scripts/check-diagrams.sh installs it)" >&2
  exit 1
fi
tools=${KICKOFF_TOOLS:-$HOME/.cache/kickoff-tools}
mermaid_js=$tools/node_modules/mermaid/dist/mermaid.min.js
if [ ! -f "$mermaid_js" ]; then
  echo "no $mermaid_js: the diagrams cannot be drawn (scripts/check-diagrams.sh installs mermaid-cli)" >&2
  exit 1
fi

echo "== the examples' docs as HTML pages, into $out"
rm -rf "$out"
KICKOFF_MERMAID_JS=$mermaid_js cargo test --quiet --test it -- --ignored --exact render::doc_shots_html

shots=0
for page in "$out"/*.html; do
  name=$(basename "$page" .html)
  png=$out/$name.png
  # A tall window holds the whole doc; the time budget lets the diagrams draw first.
  "$chromium_bin" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1200,9000 --virtual-time-budget=10000 \
    --screenshot="$png" "file://$page" >"$out/$name.chromium.log" 2>&1 || true
  # A PNG of a few kilobytes is a blank page.
  if [ ! -s "$png" ] || [ "$(stat -c %s "$png")" -lt 20000 ]; then
    echo "FAIL $name: no screenshot (see $out/$name.chromium.log)" >&2
    exit 1
  fi
  if grep -q 'language-mermaid' "$page" && grep -qi 'syntax error' "$out/$name.chromium.log"; then
    echo "FAIL $name: a diagram did not draw" >&2
    exit 1
  fi
  shots=$((shots + 1))
done
[ "$shots" -gt 0 ] || { echo "no doc was written as a page" >&2; exit 1; }
echo "doc shots: $shots pages in $out"
