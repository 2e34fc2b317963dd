#!/usr/bin/env bash
# test_cli.sh — the entente command as users meet it: exit statuses (0 ok, 2 bad input), errors
# on stderr with nothing on stdout, --help on every subcommand, atomic -o output.
# usage: test_cli.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
# tmp, fail, expect STATUS CMD..., finish MESSAGE
source "$(dirname "$0")/../lib/cli.bash"

expect 0 "$entente" --version
grep -q '^entente [0-9]' "$tmp/out" || fail "--version prints no version"
expect 0 "$entente" --help
expect 2 "$entente"
expect 2 "$entente" frobnicate
for cmd in run compare validate models convert; do
  expect 0 "$entente" "$cmd" --help
  grep -q "usage: entente $cmd" "$tmp/out" || fail "$cmd --help has no usage line"
done

# the bundled default scenario
expect 0 "$entente" validate
expect 0 "$entente" run
grep -q 'forecast' "$tmp/out" || fail "run prints no forecast table"
expect 0 "$entente" run --format json
grep -q '^{"entente": "' "$tmp/out" || fail "json output does not start with the entente version"
expect 0 "$entente" run --format csv
head -1 "$tmp/out" | grep -q '^issue,round,actor,position$' || fail "csv header"
expect 0 "$entente" models
grep -q '^compromise' "$tmp/out" || fail "models does not list compromise"
expect 0 "$entente" compare

# bad input: exit 2, FILE:LINE:COL on stderr, nothing on stdout
printf 'entente: 1\ntitle: t\nissues:\n  - {id: i, scale: [0, 10]}\nactors:\n  - {id: A, capabilty: 1}\n' >"$tmp/bad.yaml"
for cmd in run validate compare convert; do
  expect 2 "$entente" "$cmd" "$tmp/bad.yaml"
  [ -s "$tmp/out" ] && fail "$cmd wrote to stdout on bad input"
  grep -q "bad.yaml:6:13: error: unknown key 'capabilty' in actor (did you mean 'capability'?)" "$tmp/err" \
    || fail "$cmd: no located did-you-mean message: $(cat "$tmp/err")"
done
expect 2 "$entente" run "$tmp/missing.yaml"
grep -q 'missing.yaml: error: cannot open' "$tmp/err" || fail "missing file message"
expect 2 "$entente" run --model nope
grep -q "unknown model 'nope'" "$tmp/err" || fail "unknown model message"
expect 2 "$entente" run --model medain
grep -q "did you mean 'median'" "$tmp/err" || fail "model did-you-mean"
expect 2 "$entente" run --param nonsense
expect 2 "$entente" run --param Q=1 --model compromise
expect 2 "$entente" run --format xml
expect 2 "$entente" run --rounds
expect 2 "$entente" run --bogus
expect 2 "$entente" run --scale 5,1 "$root/tests/data/bdm/ExampleActors.csv"
expect 2 "$entente" run --scale 0,10 "$root/scenarios/ukraine-2023.yaml"
: >"$tmp/empty.yaml"
expect 2 "$entente" validate "$tmp/empty.yaml"
head -c 200 /dev/urandom >"$tmp/binary.yaml"; printf '\0' >>"$tmp/binary.yaml"
expect 2 "$entente" validate "$tmp/binary.yaml"
expect 2 "$entente" validate "$tmp"

# CSV stakeholder sheets
expect 0 "$entente" run "$root/tests/data/bdm/ExampleActors.csv" --model median
grep -q '7.00' "$tmp/out" || fail "ExampleActors median is not 7"
expect 0 "$entente" run "$root/tests/data/bdm/ExampleActors_bdm2.csv"
grep -q 'note: salience above 1' "$tmp/err" || fail "percent salience note missing"

# -o is atomic: a failing run leaves no file, a good one writes it completely
expect 2 "$entente" run "$tmp/bad.yaml" -o "$tmp/result.json"
[ -e "$tmp/result.json" ] && fail "-o left a file behind after a failed run"
expect 0 "$entente" run --format json -o "$tmp/result.json"
[ -s "$tmp/out" ] && fail "-o also wrote to stdout"
tail -c 2 "$tmp/result.json" | grep -q '}' || fail "-o file is incomplete"
ls "$tmp" | grep -q '\.tmp\.' && fail "temporary file left behind"

# convert round-trips: the converted scenario validates and forecasts the same
expect 0 "$entente" convert "$root/tests/data/bdm/ExampleActors.csv" -o "$tmp/example.yaml"
expect 0 "$entente" run "$tmp/example.yaml" --format csv
cp "$tmp/out" "$tmp/a.csv"
expect 0 "$entente" run "$root/tests/data/bdm/ExampleActors.csv" --format csv
cmp -s "$tmp/out" "$tmp/a.csv" || fail "converted CSV forecasts differently"
# the converted file cites its sources by the same relative paths; validate reads them
cp -r "$root/scenarios/sources" "$tmp/sources"
expect 0 "$entente" convert "$root/scenarios/ukraine-2023.yaml" -o "$tmp/u.yaml"
expect 0 "$entente" validate "$tmp/u.yaml"
expect 0 "$entente" compare "$tmp/u.yaml" --format csv
cp "$tmp/out" "$tmp/u1.csv"
expect 0 "$entente" compare "$root/scenarios/ukraine-2023.yaml" --format csv
cmp -s "$tmp/out" "$tmp/u1.csv" || fail "converted scenario forecasts differently"

# no NaN anywhere in any output
for f in json csv text; do
  expect 0 "$entente" compare --format "$f"
  grep -qiE '\bnan\b|\binf\b' "$tmp/out" && fail "compare --format $f printed nan/inf"
done

finish "all CLI checks passed"
