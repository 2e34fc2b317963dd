#!/usr/bin/env bash
# test_backtest_cli.sh — `entente backtest`: the compromise row against an independent awk
# computation (on the bundled DEU-format test table, and on the DEU III development table when
# it sits beside the repository), the JSON contract's keys, bad input, and outcome round trips
# through convert.
# usage: test_backtest_cli.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
source "$(dirname "$0")/../lib/cli.bash"
here=$(dirname "$0")

check_compromise() { # TABLE
  local table=$1 expected got
  expected=$(awk -F'\t' -f "$here/deu_compromise.awk" "$table")
  expect 0 "$entente" backtest "$table" --models compromise --format json
  got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); m=d["models"][0]; print(m["n"], "%.6f" % m["mae"])' "$tmp/out")
  awk -v a="$expected" -v b="$got" 'BEGIN { split(a, x, " "); split(b, y, " ");
      d = x[2] - y[2]; if (d < 0) d = -d; exit !(x[1] == y[1] && d < 0.01) }' ||
    fail "compromise on $table: awk says '$expected', entente '$got'"
}

check_compromise "$root/tests/data/deu/anomalies.tsv"
dev="$root/../shared/validation/deu3/deu3-dev.tsv"
if [ -r "$dev" ]; then
  check_compromise "$dev"
  expect 0 "$entente" backtest "$dev"
  grep -q '^compromise  *246  *24\.49 \[' "$tmp/out" || fail "DEU dev compromise row"
  grep -q '(default)' "$tmp/out" || fail "the default forecaster is not marked"
fi

# the JSON contract
expect 0 "$entente" backtest "$root/tests/data/deu/anomalies.tsv" --format json --resamples 50
for key in '"default": "' '"model": "compromise"' '"mae": ' '"median_ae": ' '"rmse": ' \
           '"within10": ' '"mae_ci95": \[' '"diff_vs_compromise": ' '"diff_ci95": \[' \
           '"scenario": "d04167"' '"issue": "d04167i1"' '"outcome": 70' '"forecasts": {'; do
  grep -q "$key" "$tmp/out" || fail "backtest JSON lacks $key"
done
expect 0 "$entente" backtest "$root/tests/data/deu/anomalies.tsv" --format csv --models median
head -1 "$tmp/out" | grep -q '^scenario,issue,outcome,model,forecast,error$' || fail "csv header"
[ "$(wc -l < "$tmp/out")" -eq 7 ] || fail "csv: expected 3 issues x 2 models"
expect 0 "$entente" backtest "$root/tests/data/deu/anomalies.tsv" --fit --folds 2 --resamples 50
grep -q 'cross-validated MAE' "$tmp/out" || fail "--fit prints no cross-validated MAE"

# validate checks a whole DEU table
expect 0 "$entente" validate "$root/tests/data/deu/anomalies.tsv"
grep -q 'ok (2 scenarios, 4 issues, 3 with outcomes)' "$tmp/out" || fail "validate on a DEU table: $(cat "$tmp/out")"
grep -q 'anomalies.tsv:5:1: note: proposal id .a04163.' "$tmp/err" || fail "no note on the mistyped proposal id"

# recorded in a run store, shown and reported like other analyses
expect 0 "$entente" backtest "$root/tests/data/deu/anomalies.tsv" --resamples 50 --db "$tmp/runs.db"
expect 0 "$entente" runs --db "$tmp/runs.db"
grep -q 'backtest' "$tmp/out" || fail "runs does not list the backtest"
expect 0 "$entente" show 1 --db "$tmp/runs.db" --format json
grep -q '"analysis": "backtest"' "$tmp/out" || fail "show does not print the recorded backtest"
grep -q '"mae": 8.348997493734332' "$tmp/out" || fail "recorded backtest differs"
expect 0 "$entente" report --db "$tmp/runs.db" --run 1 -o "$tmp/r.html"
grep -q '"kind": *"backtest"' "$tmp/r.html" || fail "the report does not carry the backtest"

# bad input
expect 2 "$entente" backtest
expect 2 "$entente" backtest "$root/tests/data/deu/anomalies.tsv" --models nosuch
printf '"isnr"\t"pa"\t"sa"\t"pb"\t"sb"\t"out"\n"a1i1"\t10\t50\t200\t50\t3\n' > "$tmp/bad.tsv"
expect 2 "$entente" backtest "$tmp/bad.tsv"
grep -q 'bad.tsv:2:14: error: position' "$tmp/err" || fail "bad DEU value not located: $(cat "$tmp/err")"
expect 2 "$entente" backtest "$root/scenarios/ukraine-2023.yaml"   # no outcomes

# outcomes and decisions survive convert
cat > "$tmp/o.yaml" <<'YAML'
entente: 1
title: o
sources: [{id: s1, file: s1.txt}]
issues:
  - {id: i, scale: [0, 100], status_quo: 0, voting_rule: unanimity, outcome: {value: 37, date: 2005-06-12, cite: [s1], note: adopted}}
actors:
  - {id: A, capability: 1, votes: 3, positions: {i: {position: 10, salience: 1}}}
  - {id: B, capability: 1, positions: {i: {position: 90, salience: 1}}}
decision: {id: p1, procedure: codecision, voting_rule: qmv, agenda_setter: B, introduced: 2004-01-02}
YAML
expect 0 "$entente" convert "$tmp/o.yaml" -o "$tmp/c.yaml"
expect 0 "$entente" validate "$tmp/c.yaml"
for key in 'outcome: {value: 37, date: 2005-06-12, cite: \["s1"\], note: "adopted"}' 'votes: 3' \
           'procedure: codecision' 'agenda_setter: "B"' 'voting_rule: unanimity'; do
  grep -q "$key" "$tmp/c.yaml" || fail "convert lost $key"
done
printf 'entente: 1\ntitle: x\nissues: [{id: i, scale: [0, 10], outcome: 11}]\nactors:\n  - {id: A, capability: 1, positions: {i: {position: 1, salience: 1}}}\n  - {id: B, capability: 1, positions: {i: {position: 2, salience: 1}}}\n' > "$tmp/out.yaml"
expect 2 "$entente" validate "$tmp/out.yaml"
grep -q 'outcome 11 is out of range' "$tmp/err" || fail "outcome outside the scale accepted"
finish "backtest"
