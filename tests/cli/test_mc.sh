#!/usr/bin/env bash
# test_mc.sh — `entente mc` and `entente sensitivity` as users meet them: exit statuses, the
# JSON keys the report relies on, identical output for any --threads, the seed mattering, no
# progress bar when stderr is not a terminal, Ctrl-C giving partial results, atomic -o.
# usage: test_mc.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
# tmp, fail, expect STATUS CMD..., finish MESSAGE
source "$(dirname "$0")/../lib/cli.bash"

# json_check FILE PYTHON-EXPRESSION: the expression over `d` (the parsed document) must hold
json_check() {
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" || fail "json check failed: $2"
}

for cmd in mc sensitivity; do
  expect 0 "$entente" "$cmd" --help
  grep -q "usage: entente $cmd" "$tmp/out" || fail "$cmd --help has no usage line"
done
"$entente" --help | grep -q '^  mc ' || fail "mc not in the command list"
"$entente" --help | grep -q '^  sensitivity ' || fail "sensitivity not in the command list"

# Monte Carlo on the bundled scenario
expect 0 "$entente" mc --draws 300 --jitter 0.1 --format json
cp "$tmp/out" "$tmp/mc.json"
[ -s "$tmp/err" ] && fail "mc wrote to stderr although stderr is not a terminal: $(head -2 "$tmp/err")"
json_check "$tmp/mc.json" 'd["draws"] == 300 and d["seed"] == 1 and d["analysis"] == "montecarlo"'
json_check "$tmp/mc.json" 'len(d["issues"]) == 8 and all(set(["id", "mean", "quantiles", "histogram", "median", "point", "status_quo", "nearest_label", "stop"]) <= set(i) for i in d["issues"])'
json_check "$tmp/mc.json" 'all(sorted(i["quantiles"]) == sorted(["5", "25", "50", "75", "95"]) for i in d["issues"])'
json_check "$tmp/mc.json" 'all(i["quantiles"]["5"] <= i["quantiles"]["50"] <= i["quantiles"]["95"] for i in d["issues"])'
json_check "$tmp/mc.json" 'all(sum(i["histogram"]["counts"]) == i["draws"] == 300 for i in d["issues"])'
json_check "$tmp/mc.json" 'd["interrupted"] is False and d["failed_draws"] == 0'

# same seed, any thread count: identical bytes; another seed: different numbers
for t in 1 2 3; do
  "$entente" mc --draws 300 --jitter 0.1 --format json --threads $t >"$tmp/t$t.json" 2>/dev/null
  cmp -s "$tmp/t$t.json" "$tmp/mc.json" || fail "--threads $t changes the output"
done
"$entente" mc --draws 300 --jitter 0.1 --format json --seed 2 >"$tmp/seed2.json" 2>/dev/null
cmp -s "$tmp/seed2.json" "$tmp/mc.json" && fail "--seed 2 gives the same output as seed 1"

expect 0 "$entente" mc --draws 100 --format csv
head -1 "$tmp/out" | grep -q '^issue,draws,point,mean,sd,min,max,q5,q25,q50,q75,q95,' || fail "mc csv header"
[ "$(wc -l <"$tmp/out")" = 9 ] || fail "mc csv: expected 8 issue rows"
expect 0 "$entente" mc --draws 100 --model nash --seed=7 --threads=2
grep -q 'median' "$tmp/out" || fail "mc text prints no table"
expect 0 "$entente" mc --draws 64 --model median --param rounds=3 --quiet

# bad input: exit 2, nothing on stdout
for args in "--draws 0" "--draws x" "--jitter 1.5" "--threads 0" "--seed -1" "--model nosuch" \
            "--draws" "$tmp/missing.yaml" "--param nosuch=1"; do
  # shellcheck disable=SC2086
  expect 2 "$entente" mc $args
  [ -s "$tmp/out" ] && fail "mc $args printed to stdout"
done

# -o is atomic: a failing run leaves no file, a good one writes it
expect 2 "$entente" mc --draws 0 -o "$tmp/never.json"
[ -e "$tmp/never.json" ] && fail "failed mc left an output file"
expect 0 "$entente" mc --draws 64 --format json -o "$tmp/good.json"
json_check "$tmp/good.json" 'd["draws"] == 64'

# Ctrl-C: partial results, labelled, exit 130
if command -v timeout >/dev/null; then
  # 3 s: long enough for the handler to be installed in a slow (ThreadSanitizer) build
  timeout --preserve-status -s INT 3 "$entente" mc --model nash --draws 50000000 --format json \
    >"$tmp/int.json" 2>"$tmp/int.err"
  got=$?
  [ "$got" = 130 ] || fail "interrupted mc exited $got, expected 130: $(head -2 "$tmp/int.err")"
  grep -q 'interrupted after' "$tmp/int.err" || fail "interrupted mc does not say so on stderr"
  json_check "$tmp/int.json" 'd["interrupted"] is True and 0 <= d["draws"] < d["draws_requested"]'
fi

# sensitivity
expect 0 "$entente" sensitivity --format json
cp "$tmp/out" "$tmp/sens.json"
json_check "$tmp/sens.json" 'd["analysis"] == "sensitivity" and d["delta"] == 0.1 and len(d["issues"]) == 8'
json_check "$tmp/sens.json" 'all("baseline" in i and "drivers" in i for i in d["issues"]) and len(d["pivotal"]) >= 2'
json_check "$tmp/sens.json" 'all(i["drivers"][k]["swing"] >= i["drivers"][k + 1]["swing"] for i in d["issues"] for k in range(len(i["drivers"]) - 1))'
expect 0 "$entente" sensitivity --delta 0.2 --top 2
grep -q 'Pivotal actors' "$tmp/out" || fail "sensitivity text has no pivotal actors"
expect 0 "$entente" sensitivity --format csv
head -1 "$tmp/out" | grep -q '^kind,actor,input,on_issue,issue,' || fail "sensitivity csv header"
expect 2 "$entente" sensitivity --delta 0
expect 2 "$entente" sensitivity --delta 2
expect 2 "$entente" sensitivity --top 0

finish "ok"
