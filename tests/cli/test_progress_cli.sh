#!/usr/bin/env bash
# test_progress_cli.sh — the progress lines `entente serve` follows (ENTENTE_PROGRESS_FD,
# src/cli/cli_progress.c) for mc, forecast, war, sensitivity, compare and backtest: the output
# is byte for byte the same with and without them; the lines read `DONE TOTAL UNIT`, DONE never
# goes back, TOTAL never changes, and the last line is TOTAL TOTAL, where TOTAL is counted
# independently (the options given, the inputs of a small scenario counted by hand, the models
# and cases the JSON output lists).
# usage: test_progress_cli.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
source "$(dirname "$0")/../lib/cli.bash"

# P and Q take part in both issues, R in a only: 3 capabilities and 5 stances (salience and
# position each) are 13 inputs, 2 runs each, and 2 runs per actor: 32 sensitivity runs.
cat >"$tmp/small.yaml" <<'EOF'
entente: 1
title: progress
issues:
  - {id: a, scale: [0, 100], status_quo: 50}
  - {id: b, scale: [-1, 1], status_quo: 0}
actors:
  - {id: P, capability: {value: 3, low: 2, high: 4}, veto: true, positions: {a: {position: 20, salience: 0.8}, b: {position: 0.5, salience: 0.2}}}
  - {id: Q, capability: 1, positions: {a: {position: 80, salience: 0.5}, b: {position: -0.4, salience: 0.6}}}
  - {id: R, capability: 2, positions: {a: {position: 60, salience: 0.4}}}
EOF

# check NAME TOTAL UNIT COMMAND...: runs COMMAND with and without progress and checks both.
check() {
  local name=$1 total=$2 unit=$3
  shift 3
  ENTENTE_PROGRESS_FD=3 "$@" >"$tmp/with" 2>"$tmp/with.err" 3>"$tmp/progress" || fail "$name with progress: $(head -3 "$tmp/with.err")"
  "$@" >"$tmp/without" 2>/dev/null || fail "$name without progress"
  cmp -s "$tmp/with" "$tmp/without" || fail "$name: the output differs with progress"
  [ -s "$tmp/progress" ] || { fail "$name: no progress line"; return; }
  awk -v total="$total" -v unit="$unit" '
    { u = $3; for (k = 4; k <= NF; k++) u = u " " $k
      if (u != unit) { print "unit \"" u "\" on line " NR; bad = 1 }
      if ($2 != total) { print "total " $2 " on line " NR; bad = 1 }
      if ($1 < last) { print "done went back to " $1 " on line " NR; bad = 1 }
      last = $1; final = $1 }
    END { if (final != total) { print "last done " final " of " total; bad = 1 }; exit bad }' \
    "$tmp/progress" >"$tmp/why" || fail "$name: $(head -3 "$tmp/why")"
}

check mc 3000 draws "$entente" mc "$tmp/small.yaml" --draws 3000 --seed 3 --threads 2 --format json
check "forecast with a what-if" 1000 draws \
  "$entente" forecast "$tmp/small.yaml" --draws 500 --threads 2 --what-if Q.a.position=40 --format json
check sensitivity 32 runs "$entente" sensitivity "$tmp/small.yaml" --model eum --format json
check "sensitivity (text)" 32 runs "$entente" sensitivity "$tmp/small.yaml"
check war 40 runs "$entente" war "$root/scenarios/ukraine-war-2022.yaml" --runs 40 --threads 2 --format json

"$entente" compare "$tmp/small.yaml" --format json >"$tmp/compare.json" || fail "compare"
models=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["models"]))' "$tmp/compare.json")
[ "$models" -ge 5 ] || fail "compare ran only $models models"
check compare "$models" models "$entente" compare "$tmp/small.yaml" --format json

table="$root/tests/data/deu/anomalies.tsv"
"$entente" backtest "$table" --format json --resamples 50 >"$tmp/bt.json" || fail "backtest"
runs=$(python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); print(len(d["models"]) * d["scenarios"])' "$tmp/bt.json")
check backtest "$runs" "model runs" "$entente" backtest "$table" --format json --resamples 50

# A descriptor that is not open (or a value that is not one) changes nothing.
ENTENTE_PROGRESS_FD=9 "$entente" war "$root/scenarios/ukraine-war-2022.yaml" --runs 10 --format json >"$tmp/a" 2>/dev/null || fail "war with a closed progress descriptor"
ENTENTE_PROGRESS_FD=x "$entente" war "$root/scenarios/ukraine-war-2022.yaml" --runs 10 --format json >"$tmp/b" 2>/dev/null || fail "war with a bad progress descriptor"
cmp -s "$tmp/a" "$tmp/b" || fail "war output depends on a closed progress descriptor"

finish "progress lines: ok"
