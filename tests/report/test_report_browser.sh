#!/usr/bin/env bash
# test_report_browser.sh ENTENTE REPO — opens HTML reports in headless Chromium (Debian's
# chromium) and checks that every chart rendered: the expected chart containers (one trajectory
# and one power chart per issue of the run's own JSON output, the forecast table chart, the
# quadrant map when eum ran, Monte Carlo and sensitivity), each with an SVG drawn by Vega, its
# SVG/PNG export menu, and no error recorded by the page (console errors, failed charts). Saves
# a screenshot (report-screenshot.png in the working directory). Covers a report made from a
# scenario file and one made from a run store.
#
# Chromium is required: CI installs it (.ci/run). Where it is missing the test fails, unless
# ENTENTE_BROWSER_TESTS=0 asks to skip it (exit 77, reported as skipped by ctest); outside CI
# (no CI variable) a missing chromium also skips, loudly.
set -euo pipefail
entente=$1
repo=$2

source "$repo/tests/lib/browser.bash"

# check_page NAME DOM EXPECTED_CHART...
check_page() {
  local name=$1 dom=$2
  shift 2
  grep -q '<body[^>]*data-status="ready"' "$dom" || fail "$name: the page did not report ready ($(grep -o 'data-status="[a-z]*"' "$dom" | head -1))"
  if grep -q '<ul id="entente-errors"><li' "$dom"; then
    fail "$name: the page recorded errors: $(grep -o '<ul id="entente-errors">.*</ul>' "$dom" | head -c 600)"
  fi
  # The first section is the answer of `entente forecast` when the report was made from a scenario.
  if [ "${answer_first:-0}" = 1 ]; then
    [ "$(grep -o '<section id="[a-z]*"' "$dom" | head -1)" = '<section id="answer"' ] || fail "$name: the first section is not 'The answer'"
    grep -q 'class="answer-deal"' "$dom" || fail "$name: the answer lists no deal"
  fi
  if grep -q 'data-error=' "$dom"; then fail "$name: a chart failed: $(grep -o 'data-error="[^"]*"' "$dom" | head -3)"; fi
  local charts
  charts=$(grep -o '<div class="chart[ "][^>]*data-chart="[^"]*"' "$dom" | sed 's/.*data-chart="\([^"]*\)"/\1/' | sort)
  for want in "$@"; do
    grep -qx "$want" <<<"$charts" || fail "$name: chart $want missing"
  done
  local count svgs
  count=$(grep -c . <<<"$charts" || true)
  svgs=$(grep -o '<svg[^>]*class="marks"' "$dom" | wc -l)
  rendered=$(grep -o '<div class="chart[ "][^>]*data-chart="[^"]*"[^>]*data-rendered="1"' "$dom" | wc -l)
  [ "$count" -ge "$#" ] || fail "$name: $count charts, expected at least $#"
  [ "$rendered" -eq "$count" ] || fail "$name: $rendered of $count charts rendered"
  [ "$svgs" -ge "$count" ] || fail "$name: $svgs Vega SVGs for $count charts"
  local exports
  exports=$(grep -o 'Save as SVG' "$dom" | wc -l)
  [ "$exports" -ge "$count" ] || fail "$name: $exports SVG/PNG export menus for $count charts"
  echo "$name: $count charts, $rendered rendered, $svgs SVGs"
}

# The issues come from the run's own JSON output, not from a list in this test.
mapfile -t issues < <("$entente" run --format json | grep -o '"id": "[^"]*", "forecast"' | sed 's/"id": "\([^"]*\)".*/\1/')
[ "${#issues[@]}" -gt 0 ] || { echo "FAIL: no issues in the run output" >&2; exit 1; }
expected=(forecasts montecarlo-0 sensitivity-0)
for i in "${issues[@]}"; do expected+=("trajectory-$i" "power-$i"); done
if "$entente" models | grep -q '^ *eum\b'; then expected+=(quadrant); fi

# 1. From the scenario file (every model, Monte Carlo, sensitivity).
"$entente" report --mc-draws 200 -o "$tmp/file.html" 2>/dev/null
# Nothing to fetch: no external script or style sheet, and a policy that forbids network access.
if grep -qiE '<script[^>]+src=|<link[^>]+href=' "$tmp/file.html"; then fail "the page refers to external files"; fi
grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$tmp/file.html" || fail "no network-denying policy"
render "$tmp/file.html" "$tmp/file.dom" "$PWD/report-screenshot.png"
answer_first=1 check_page "report FILE" "$tmp/file.dom" "${expected[@]}"
head -c 8 "$PWD/report-screenshot.png" | od -An -c | grep -q 'P   N   G' || fail "no PNG screenshot"
echo "screenshot: $PWD/report-screenshot.png"

# 2. From a run store: a recorded compare run (no analyses recorded with it).
"$entente" compare --db "$tmp/runs.db" >/dev/null 2>&1
"$entente" report --db "$tmp/runs.db" --run 1 -o "$tmp/db.html" 2>/dev/null
render "$tmp/db.html" "$tmp/db.dom"
db_expected=(forecasts)
for i in "${issues[@]}"; do db_expected+=("trajectory-$i" "power-$i"); done
check_page "report --db" "$tmp/db.dom" "${db_expected[@]}"

# 3. The eum trajectories explain moves on hover (points with a recorded reason), as the
# eum run's own story has moves.
if grep -qx quadrant <<<"$(printf '%s\n' "${expected[@]}")"; then
  explained=$(grep -o 'data-model="eum" data-explained="[0-9]*"' "$tmp/file.dom" | sed 's/.*="\([0-9]*\)"/\1/' | awk '{ s += $1 } END { print s + 0 }')
  [ "${explained:-0}" -gt 0 ] && echo "eum trajectories: $explained points explain a move" || fail "no eum trajectory point explains a move"
fi

# 3b. The smp trajectories explain moves too, and a trace=summary run (no per-issue `moves`,
# the page derives them from the spaces' bargains and queue winners) gives every point the same
# hover text as a trace=full run (which records the moves): same digest of the texts per chart.
if "$entente" models | grep -q '^ *smp\b'; then
  smp_input="$repo/tests/golden/ktab/inputs/dummyData_3Dim.csv"
  for level in summary full; do
    "$entente" report "$smp_input" --model smp --mc-draws 0 --no-sensitivity --param trace=$level \
      -o "$tmp/smp-$level.html" 2>/dev/null
    render "$tmp/smp-$level.html#trajectories=smp" "$tmp/smp-$level.dom"
    grep -o 'data-chart="trajectory-[^"]*"[^>]*data-model="smp"[^>]*' "$tmp/smp-$level.dom" \
      | grep -o 'data-chart="[^"]*"\|data-explained="[0-9]*"\|data-why-digest="[0-9a-f]*"' > "$tmp/smp-$level.why"
  done
  # (queue_probability: a field of smp's moves only; the other models' records have moves too)
  grep -q '"queue_probability"' "$tmp/smp-summary.html" && fail "smp trace=summary run carries per-issue moves"
  grep -q '"queue_probability"' "$tmp/smp-full.html" || fail "smp trace=full run carries no per-issue moves"
  explained=$(grep -o 'data-explained="[0-9]*"' "$tmp/smp-summary.why" | grep -o '[0-9]*' | awk '{ s += $1 } END { print s + 0 }')
  [ "${explained:-0}" -gt 0 ] && echo "smp trajectories (trace=summary): $explained points explain a move" || fail "no smp trajectory point explains a move"
  [ "$(grep -c digest "$tmp/smp-summary.why")" -ge 3 ] || fail "smp: fewer than 3 trajectory charts with a digest"
  cmp -s "$tmp/smp-summary.why" "$tmp/smp-full.why" || fail "smp: summary and full runs explain moves differently: $(diff "$tmp/smp-summary.why" "$tmp/smp-full.why" | head -6)"
fi

# 4. A war scenario: the war model's window-open probability and P(deal by date) are drawn.
war_scenario="$repo/scenarios/ukraine-war-2022.yaml"
if [ -f "$war_scenario" ] && "$entente" models | grep -q '^ *war\b'; then
  "$entente" report "$war_scenario" --mc-draws 0 --no-sensitivity -o "$tmp/war.html" 2>/dev/null
  render "$tmp/war.html" "$tmp/war.dom"
  check_page "report war scenario" "$tmp/war.dom" forecasts war-0
fi

if [ "$failures" -gt 0 ]; then echo "$failures failed"; exit 1; fi
echo "browser report checks passed"
