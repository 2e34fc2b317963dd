# browser.bash — the headless Chromium set-up the browser tests share (sourced, not a test).
# Finds Debian's chromium; where it is missing the test fails in CI (CI set, or
# ENTENTE_BROWSER_TESTS=1) and otherwise skips loudly (exit 77, reported as skipped by ctest);
# ENTENTE_BROWSER_TESTS=0 always skips. Sets browser, tmp (a scratch directory removed on exit)
# and failures; fail MESSAGE counts a failure; render PAGE DOM_OUT [SCREENSHOT] loads the file
# PAGE with a fresh profile, writes the DOM after its scripts ran (5 s of virtual time) and
# optionally a 1400×4000 screenshot.
browser=$(command -v chromium || command -v chromium-browser || true)
if [ "${ENTENTE_BROWSER_TESTS:-1}" = 0 ]; then echo "SKIP: ENTENTE_BROWSER_TESTS=0"; exit 77; fi
if [ -z "$browser" ]; then
  if [ -n "${CI:-}" ] || [ "${ENTENTE_BROWSER_TESTS:-}" = 1 ]; then
    echo "FAIL: chromium not found (apt-get install chromium; .ci/run installs it)" >&2
    exit 1
  fi
  echo "SKIP: chromium not found; install Debian's chromium to run the browser test" >&2
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

render() { # render PAGE DOM_OUT [SCREENSHOT]
  local profile
  profile=$(mktemp -d "$tmp/profile.XXXX")
  local flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
               --disable-background-networking --disable-component-update --disable-sync
               --disable-dev-shm-usage --user-data-dir="$profile" --virtual-time-budget=5000)
  timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$1" > "$2" 2> "$tmp/chromium.log" || {
    cat "$tmp/chromium.log" >&2; return 1; }
  if [ $# -ge 3 ]; then
    timeout 120 "$browser" "${flags[@]}" --window-size=1400,4000 --screenshot="$3" "file://$1" \
      2>> "$tmp/chromium.log" >/dev/null || { cat "$tmp/chromium.log" >&2; return 1; }
  fi
}
