#!/usr/bin/env bash
# test_forecast_screen_cli.sh — the drivers' screen of `entente forecast` (docs/models/forecast.md
# §4) as users meet it: a generated scenario with more inputs than the threshold is screened by
# default and says so (text line, JSON field, CSV rows); --drivers-screen 0 runs every input and
# says nothing; the screen with K = every input gives the exhaustive drivers; the same bytes for
# any --threads and either order of the actors in the file; the run store and its HTML report
# take the new field.
# usage: test_forecast_screen_cli.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
source "$(dirname "$0")/../lib/cli.bash"
cd "$root" || exit 1

# 100 actors on 10 issues: 100 capabilities + 100 × 10 × (position, salience) = 2100 inputs, above
# the threshold of 2000. Positions and saliences from a fixed arithmetic sequence (no randomness).
gen() {
  python3 - "$1" <<'PY'
import sys
reverse = sys.argv[1] == "reverse"
lines = ["entente: 1", "title: screen", "issues:"]
for k in range(10):
    lines.append(f"  - {{id: i{k}, scale: [0, 100]}}")
lines.append("actors:")
actors = []
for a in range(100):
    pos = ", ".join(f"i{k}: {{position: {(a * 37 + k * 11) % 101}, salience: {0.05 + ((a * 13 + k * 7) % 19) / 20:.2f}}}" for k in range(10))
    actors.append(f"  - {{id: A{a:03d}, capability: {1 + (a * 29) % 17}, positions: {{{pos}}}}}")
if reverse:
    actors.reverse()
print("\n".join(lines + actors))
PY
}
gen forward >"$tmp/big.yaml"
gen reverse >"$tmp/back.yaml"
run() { "$entente" forecast "$@" --model compromise --draws 20 --war-runs 5; }

# screened by default, and said
expect 0 run "$tmp/big.yaml" --threads 2
grep -q '^drivers screened: the forecaster re-ran on the 150 of 2100 inputs with the largest first-order leverage$' "$tmp/out" ||
  fail "the default screen is not reported: $(grep -i screen "$tmp/out")"
expect 0 run "$tmp/big.yaml" --format json --threads 2
cp "$tmp/out" "$tmp/screened.json"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["drivers_screen"] == {"inputs": 2100, "evaluated": 150}, d.get("drivers_screen")
assert len(d["drivers"]) == 5
assert "drivers screened: the forecaster re-ran on the 150 of 2100" in d["summary"]' "$tmp/screened.json" ||
  fail "the JSON does not report the screen"
expect 0 run "$tmp/big.yaml" --format csv --drivers-screen 40
grep -q '^base,drivers_screen,inputs,,2100,,,$' "$tmp/out" || fail "CSV lacks the screen's inputs row: $(grep screen "$tmp/out")"
grep -q '^base,drivers_screen,evaluated,,40,,,$' "$tmp/out" || fail "CSV lacks the screen's evaluated row"
[ "$(grep -c ',driver,' "$tmp/out")" = 5 ] || fail "CSV does not list five drivers"

# exhaustive on request: no screen reported; K = every input gives the same drivers
expect 0 run "$tmp/big.yaml" --format json --drivers-screen 0 --threads 2
cp "$tmp/out" "$tmp/all.json"
expect 0 run "$tmp/big.yaml" --format json --drivers-screen 2100 --threads 2
cp "$tmp/out" "$tmp/every.json"
python3 -c 'import json, sys
a, e = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert "drivers_screen" not in a
assert "drivers screened" not in a["summary"]
assert e["drivers_screen"] == {"inputs": 2100, "evaluated": 2100}
assert a["drivers"] == e["drivers"], (a["drivers"], e["drivers"])' "$tmp/all.json" "$tmp/every.json" ||
  fail "K = every input does not give the exhaustive drivers"

# thread count and the order of the file change nothing
expect 0 run "$tmp/big.yaml" --format json --threads 1
cmp -s "$tmp/out" "$tmp/screened.json" || fail "the screened answer differs with --threads 1"
expect 0 run "$tmp/back.yaml" --format json --threads 3
python3 -c 'import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert a["drivers"] == b["drivers"] and a["drivers_screen"] == b["drivers_screen"]' "$tmp/screened.json" "$tmp/out" ||
  fail "the screened drivers depend on the order of the actors in the file"

# a bad value is refused
expect 2 run "$tmp/big.yaml" --drivers-screen -3
expect 0 "$entente" forecast --help
grep -q -- '--drivers-screen K' "$tmp/out" || fail "--help does not document --drivers-screen"

# recorded in a run store; the HTML report drawn from it keeps the screen line
expect 0 run "$tmp/big.yaml" --db "$tmp/runs.db"
expect 0 "$entente" report --db "$tmp/runs.db" --run 1 -o "$tmp/page.html"
grep -q 'drivers screened: the forecaster re-ran on the 150 of 2100' "$tmp/page.html" ||
  fail "the HTML report drawn from the run store lacks the screen"

finish "forecast drivers screen CLI: ok"
