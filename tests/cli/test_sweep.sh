#!/usr/bin/env bash
# test_sweep.sh — `entente sweep`: the grid's values and order (hand-computed), every point equal
# to a separate `entente run` with those parameters (the oracle), the same bytes for any
# --threads, and bad ranges refused with their location on the command line.
# usage: test_sweep.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
# tmp, fail, expect STATUS CMD..., finish MESSAGE
source "$(dirname "$0")/../lib/cli.bash"

expect 0 "$entente" sweep --help
grep -q "usage: entente sweep" "$tmp/out" || fail "sweep --help has no usage line"
"$entente" --help | grep -q '^  sweep ' || fail "sweep not in the command list"

# The grid: Q = 0, 0.25, 0.5 (3 values) × rounds = 6, 4, 2 (a negative step; 3 values), first
# axis slowest; 0:0.3:0.1 has the 4 values 0, 0.1, 0.2, 0.3 (not 0.30000000000000004).
expect 0 "$entente" sweep --model eum --param Q=0:0.5:0.25 --param rounds=6:2:-2 --format csv
cp "$tmp/out" "$tmp/grid.csv"
head -1 "$tmp/grid.csv" | grep -q '^Q,rounds,territory,crimea,nato,guarantees,army,sanctions,accountability,talks,error$' \
  || fail "csv header: $(head -1 "$tmp/grid.csv")"
got=$(tail -n +2 "$tmp/grid.csv" | cut -d, -f1,2 | tr '\n' ' ')
[ "$got" = "0,6 0,4 0,2 0.25,6 0.25,4 0.25,2 0.5,6 0.5,4 0.5,2 " ] || fail "grid order/values: $got"
expect 0 "$entente" sweep --model exchange --param p=0:0.3:0.1 --format csv
got=$(tail -n +2 "$tmp/out" | cut -d, -f1 | tr '\n' ' ')
[ "$got" = "0 0.1 0.2 0.3 " ] || fail "0:0.3:0.1 gave $got"

# Oracle: every point equals `entente run` with the same parameters (trace none: the sweep's
# runs read forecasts only, and so does this run).
tail -n +2 "$tmp/grid.csv" | while IFS=, read -r q rounds rest; do
  "$entente" run --model eum --param Q="$q" --rounds "$rounds" --trace none --format json >"$tmp/run.json" \
    || { echo "FAIL: run Q=$q rounds=$rounds failed" >&2; exit 1; }
  python3 - "$tmp/run.json" "$q" "$rounds" "$rest" <<'PY' || exit 1
import json, sys
run = json.load(open(sys.argv[1]))
row = sys.argv[4].split(",")[:-1]
want = [i["forecast"] for i in run["issues"]]
got = [float(x) for x in row]
if got != want:
    sys.exit(f"FAIL: sweep point Q={sys.argv[2]} rounds={sys.argv[3]}: {got} != run {want}")
PY
done || fail "a sweep point differs from entente run"

# Same bytes whatever --threads; text and JSON are the same table.
"$entente" sweep --model exchange --param p=0:0.2:0.05 --param rounds=4:8:4 --format json --threads 1 >"$tmp/t1.json"
for t in 2 3; do
  "$entente" sweep --model exchange --param p=0:0.2:0.05 --param rounds=4:8:4 --format json --threads $t >"$tmp/t.json"
  cmp -s "$tmp/t1.json" "$tmp/t.json" || fail "--threads $t changes the sweep"
done
python3 - "$tmp/t1.json" <<'PY' || fail "sweep JSON layout"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["analysis"] == "sweep" and d["model"] == "exchange" and d["point_count"] == 10
assert [a["name"] for a in d["axes"]] == ["p", "rounds"] and [a["points"] for a in d["axes"]] == [5, 2]
assert [p["values"] for p in d["points"][:3]] == [{"p": 0, "rounds": 4}, {"p": 0, "rounds": 8}, {"p": 0.05, "rounds": 4}]
assert all(p["error"] is None and len(p["forecasts"]) == 8 for p in d["points"])
PY
expect 0 "$entente" sweep --model eum --param Q=0:1:0.5
grep -q '^Q ' "$tmp/out" || fail "text table has no header row"
[ "$(grep -c '^[0-9]' "$tmp/out")" = 3 ] || fail "text table does not have 3 rows"

# Bad ranges: exit 2, nothing on stdout, the argument (words after `entente`) and column named.
check_error() {
  local message=$1; shift
  expect 2 "$entente" "$@"
  [ -s "$tmp/out" ] && fail "'$*' wrote to stdout"
  grep -qF "$message" "$tmp/err" || fail "'$*': expected '$message', got: $(cat "$tmp/err")"
}
check_error "command line:3:7: error: 'Q=0:1:0': STEP is 0" sweep --param Q=0:1:0 --model eum
check_error "command line:5:7: error: 'Q=1:0:0.1': STEP 0.1 leads away from STOP (expected a negative step from 1 to 0)" \
  sweep --model eum --param Q=1:0:0.1
check_error "command line:2:3: error: 'Q=x:1:1': START 'x' is not a finite number" sweep --param=Q=x:1:1 --model eum
check_error "command line:3:7: error: 'Q=0:1:': STEP '' is not a finite number" sweep --param Q=0:1: --model eum
check_error "command line:3:1: error: '=0:1:1': expected NAME=START:STOP:STEP" sweep --param =0:1:1
check_error "'Q=0:1e9:1e-3': 1000000000001 values (expected at most 1000000" sweep --param Q=0:1e9:1e-3 --model eum
check_error "the grid has more than 100000 points" sweep --model eum --param Q=0:1:0.001 --param rounds=1:200:1
check_error "the grid has more than 10 points" sweep --model eum --param Q=0:1:0.1 --max-points 10
check_error "model eum has no parameter 'bogus'" sweep --model eum --param bogus=0:1:1
check_error "sweep point 2 (rounds=1.5)" sweep --model eum --param rounds=1:2:0.5
check_error "parameter Q is swept twice" sweep --model eum --param Q=0:1:1 --param Q=0:1:0.5
check_error "parameter Q is both swept and fixed" sweep --model eum --param Q=0:1:1 --param Q=0.5
check_error "no axis" sweep --model eum

finish "sweep: grid, oracle, threads and located errors ok"
