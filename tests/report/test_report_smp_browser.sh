#!/usr/bin/env bash
# test_report_smp_browser.sh ENTENTE REPO — the report's smp section in headless Chromium: a
# report of KTAB's three-dimensional sample draws positions by turn per dimension, the
# effective-power landscape, the actors' effective power and the pairs of dimensions, each an
# SVG drawn by Vega, with no error recorded by the page; its section lists the space's stop turn
# from the run's own JSON. Skips as test_report_browser.sh does where Chromium is missing.
set -euo pipefail
entente=$1
repo=$2

source "$repo/tests/lib/browser.bash"

input="$repo/tests/golden/ktab/inputs/dummyData_3Dim.csv"
"$entente" report "$input" --mc-draws 0 --no-sensitivity -o "$tmp/smp.html" 2>/dev/null
render "$tmp/smp.html" "$tmp/smp.dom" || exit 1

grep -q '<body[^>]*data-status="ready"' "$tmp/smp.dom" || fail "the page did not report ready"
grep -q '<ul id="entente-errors"><li' "$tmp/smp.dom" && fail "the page recorded errors: $(grep -o '<ul id="entente-errors">.\{0,400\}' "$tmp/smp.dom")"
grep -q '<section id="smp"' "$tmp/smp.dom" || fail "no smp section"
for chart in smp-positions-0 smp-landscape-0 smp-power-0 smp-pairs-0; do
  grep -q "data-chart=\"$chart\"[^>]*data-rendered=\"1\"" "$tmp/smp.dom" || fail "chart $chart not rendered"
done
svgs=$(sed -n '/<section id="smp"/,/<\/section>/p' "$tmp/smp.dom" | grep -o '<svg[^>]*class="marks"' | wc -l)
[ "$svgs" -ge 4 ] || fail "$svgs Vega SVGs in the smp section, expected 4"
stop=$("$entente" run "$input" --model smp --format json | grep -o '"stop_turn": [0-9]*' | head -1 | grep -o '[0-9]*$')
grep -q "stop turn $stop (" "$tmp/smp.dom" || fail "the section does not give the run's stop turn $stop"

if [ "$failures" -gt 0 ]; then echo "$failures failed"; exit 1; fi
echo "smp report section: 4 charts rendered"
