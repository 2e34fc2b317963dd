#!/usr/bin/env bash
# test_serve_browser.sh — the workbench of `entente serve` in a real browser: Debian's chromium,
# headless, driven by puppeteer-core (web/node_modules, installed by the build's npm ci) through
# tests/cli/serve_browser.js (what it checks is written there). Skips (77) like the report's
# browser test when chromium is missing outside CI or ENTENTE_BROWSER_TESTS=0, and when entente
# was built without libmicrohttpd. ENTENTE_SCREENSHOTS=DIR keeps screenshots at 1400 and 420 px.
# usage: test_serve_browser.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
source "$(dirname "$0")/../lib/cli.bash"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ "${ENTENTE_BROWSER_TESTS:-1}" = 0 ]; then echo "SKIP: ENTENTE_BROWSER_TESTS=0"; exit 77; fi
if [ -z "$browser" ]; then
  if [ -n "${CI:-}" ] || [ "${ENTENTE_BROWSER_TESTS:-}" = 1 ]; then fail "chromium not found"; finish x; fi
  echo "SKIP: chromium not found" >&2; exit 77
fi
[ -f "$root/web/node_modules/puppeteer-core/package.json" ] || { fail "web/node_modules/puppeteer-core missing (npm ci in web/)"; finish x; }

cp "$root/scenarios/ukraine-2023.yaml" "$tmp/scenario.yaml"
"$entente" serve --port 0 "$tmp/scenario.yaml" --sources-dir "$root/scenarios" >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do [ -s "$tmp/serve.out" ] && break; sleep 0.1; done
if grep -q "built without libmicrohttpd" "$tmp/serve.err"; then echo "SKIP: built without libmicrohttpd"; exit 77; fi
url=$(head -1 "$tmp/serve.out")
[ -n "$url" ] || { fail "no URL: $(cat "$tmp/serve.err")"; finish x; }
shots=${ENTENTE_SCREENSHOTS:-}
NODE_PATH="$root/web/node_modules" ENTENTE_CHROMIUM="$browser" timeout 300 node "$(dirname "$0")/serve_browser.js" "$url" "$shots" ||
  fail "the workbench in chromium: see above"
kill -0 $pid || fail "the server died"
kill $pid; wait $pid 2>/dev/null
grep -q "Sanitizer\|runtime error" "$tmp/serve.err" && fail "sanitizer report: $(head -20 "$tmp/serve.err")"
finish "serve in chromium: forecast, salience change, message on the cell, add an issue and forecast on it, save and reload, remove the issue, move an issue, war and backtest with progress, 250 actors in pages, names as text"
