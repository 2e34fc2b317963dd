#!/usr/bin/env bash
# test_forecast_cli.sh — `entente forecast` as users meet it: the five answers in plain words, the
# JSON contract of docs/cli.md, CSV, identical bytes for any --threads, --what-if beside the base
# case, bad --what-if located as --what-if:1:COL with exit 2 and no -o file, recording with --db.
# usage: test_forecast_cli.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
source "$(dirname "$0")/../lib/cli.bash"
cd "$root" || exit 1

json_check() {
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" || fail "json check failed: $2"
}

expect 0 "$entente" forecast --help
grep -q "usage: entente forecast" "$tmp/out" || fail "forecast --help has no usage line"
"$entente" --help | grep -q '^  forecast ' || fail "forecast not in the command list"

expect 0 "$entente" forecast --draws 500
for heading in "What deal:" "Will they agree: P(agreement) = " "Who blocks:" "What would change it:" "When:"; do
  grep -qF "$heading" "$tmp/out" || fail "text output lacks '$heading'"
done
grep -q 'territory [0-9.]* ("' "$tmp/out" || fail "the forecast is not followed by its scale label"

expect 0 "$entente" forecast --draws 500 --format json --what-if UKR.talks.public=50 --what-if "drop USA"
cp "$tmp/out" "$tmp/f.json"
json_check "$tmp/f.json" '0 <= d["p_agreement"] <= 1 and d["analysis"] == "forecast"'
json_check "$tmp/f.json" '[i["id"] for i in d["issues"]] == ["territory", "crimea", "nato", "guarantees", "army", "sanctions", "accountability", "talks"]'
json_check "$tmp/f.json" 'all(set(["id", "forecast", "interval", "label", "models"]) <= set(i) and i["interval"][0] <= i["forecast"] <= i["interval"][1] for i in d["issues"])'
json_check "$tmp/f.json" 'all(set(i["models"]) >= {"compromise", "eum", "exchange", "median", "nash"} for i in d["issues"])'
json_check "$tmp/f.json" 'all(set(["actor", "share"]) <= set(b) for b in d["blockers"]) and len(d["blockers"]) > 0'
json_check "$tmp/f.json" 'len(d["drivers"]) == 5 and all(set(["input", "effect"]) <= set(x) for x in d["drivers"])'
json_check "$tmp/f.json" '[w["expr"] for w in d["what_if"]] == ["UKR.talks.public=50", "drop USA"] and all("p_agreement" in w and len(w["issues"]) == 8 for w in d["what_if"])'
json_check "$tmp/f.json" 'd["war"] is None'
json_check "$tmp/f.json" 'd["what_if"][0]["issues"][7]["forecast"] > d["issues"][7]["forecast"]'

# same seed, any thread count: the same bytes
for t in 1 3; do
  "$entente" forecast --draws 500 --format json --what-if UKR.talks.public=50 --what-if "drop USA" --threads $t >"$tmp/t$t.json" 2>/dev/null
  cmp -s "$tmp/t$t.json" "$tmp/f.json" || fail "--threads $t changes the output"
done

expect 0 "$entente" forecast --draws 200 --format csv
head -1 "$tmp/out" | grep -qx 'case,kind,name,issue,value,low,high,label' || fail "CSV header"
grep -q '^base,p_agreement,' "$tmp/out" || fail "CSV has no p_agreement row"
grep -q '^base,forecast,[a-z_]*,territory,' "$tmp/out" || fail "CSV has no forecast row"

# bad what-ifs: located, exit 2, nothing written
expect 2 "$entente" forecast --draws 10 --what-if "USA.veto-=guarantes" -o "$tmp/never.txt"
grep -q "^--what-if:1:11: error: unknown issue 'guarantes' (did you mean 'guarantees'?)" "$tmp/err" || fail "what-if error not located: $(cat "$tmp/err")"
[ -e "$tmp/never.txt" ] && fail "-o file written on error"
[ -s "$tmp/out" ] && fail "stdout written on error"
expect 2 "$entente" forecast --draws 10 --what-if ok=1 --what-if "UKR.talks.publik=5"
grep -q "^--what-if #1:1:1: error: 'ok' names no field\|^--what-if #1:1:4:" "$tmp/err" || fail "first of two what-ifs not named: $(cat "$tmp/err")"
expect 2 "$entente" forecast --draws 0
expect 2 "$entente" forecast --patron-weight 2

# a war scenario says when
expect 0 "$entente" forecast scenarios/ukraine-war-2022.yaml --draws 200 --war-runs 40 --format json
json_check "$tmp/out" 'd["war"] is not None and len(d["war"]["p_deal_by"]) > 10 and isinstance(d["war"]["summary"], str)'

# recorded in a run store, shown back as recorded
expect 0 "$entente" forecast --draws 100 --db "$tmp/runs.db"
expect 0 "$entente" runs --db "$tmp/runs.db"
grep -q forecast "$tmp/out" || fail "forecast run not listed"

finish "forecast CLI: ok"
