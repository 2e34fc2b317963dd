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
# every number on a labelled scale carries its nearest label: interval ends, "moved from", drivers
grep -q 'territory [0-9.]* (".*"), 80% between [0-9.]* (".*") and [0-9.]* ("' "$tmp/out" ||
  fail "the interval's ends are not followed by their scale labels"
grep -q 'moved from [0-9.]* (".*") to [0-9.]* ("' "$tmp/out" || fail "'moved from' lacks a scale label"
grep -q 'would be [0-9.]* (".*") instead of [0-9.]* ("' "$tmp/out" || fail "a driver's 'instead of' lacks a scale label"
grep -q "^The 80% interval's ends, with their nearest labels" "$tmp/out" || fail "the table's interval ends have no labels"
if grep -E 'between [0-9.]*[0-9] and|moved from [0-9.]*[0-9] to|would be [0-9.]*[0-9] instead|instead of [0-9.]*[0-9][;.]( |$)' "$tmp/out"; then
  fail "a number on a labelled scale is printed without its label"
fi
expect 0 "$entente" forecast --draws 200 --what-if UKR.talks.public=50
grep -q '^    territory [0-9.]* (".*") -> [0-9.]* ("' "$tmp/out" || fail "a what-if's before and after lack their labels"

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

# the order of actors and issues in the file changes nothing: the bundled scenario converted, its
# issue and actor blocks reversed; the answers agree to the bit (issues are listed in file order)
"$entente" convert scenarios/ukraine-2023.yaml -o "$tmp/conv.yaml" 2>/dev/null || fail "convert failed"
python3 - "$tmp/conv.yaml" "$tmp/reversed.yaml" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
out, i = [], 0
while i < len(lines):
    out.append(lines[i])
    if lines[i] in ("issues:", "actors:"):
        blocks, i = [], i + 1
        while i < len(lines) and (lines[i].startswith("  ") or lines[i] == ""):
            if lines[i].startswith("  - "): blocks.append([])
            blocks[-1].append(lines[i]); i += 1
        for b in reversed(blocks): out.extend(b)
        continue
    i += 1
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out))
PY
"$entente" forecast "$tmp/conv.yaml" --draws 400 --format json --what-if UKR.talks.public=50 >"$tmp/a.json" 2>/dev/null || fail "forecast of the converted file failed"
"$entente" forecast "$tmp/reversed.yaml" --draws 400 --format json --what-if UKR.talks.public=50 --threads 1 >"$tmp/b.json" 2>/dev/null || fail "forecast of the reversed file failed"
head -c 300 "$tmp/reversed.yaml" >/dev/null
grep -m1 -A1 '^actors:' "$tmp/reversed.yaml" | grep -q 'TUR' || fail "the reversed file does not start with TUR"
python3 - "$tmp/a.json" "$tmp/b.json" <<'PY' || fail "reversing actors and issues changed the answer"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
def canon(d):
    d = dict(d); d.pop("summary", None)
    d["issues"] = sorted(d["issues"], key=lambda i: i["id"])
    d["what_if"] = [dict(w, issues=sorted(w["issues"], key=lambda i: i["id"])) for w in d["what_if"]]
    return d
assert [i["id"] for i in a["issues"]] == list(reversed([i["id"] for i in b["issues"]]))
sys.exit(0 if canon(a) == canon(b) else 1)
PY

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
