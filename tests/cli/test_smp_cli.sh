#!/usr/bin/env bash
# test_smp_cli.sh — KTAB inputs through the command line: `run --model smp --format json` on a
# KTAB CSV gives one issue per dimension named as in KTAB and KTAB's final positions (values
# from tests/golden/ktab, KTAB's own run); XML parameters are reported; defective KTAB files
# exit 2 with file:line:col; `convert` writes YAML that validates and runs to the same result.
# usage: test_smp_cli.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
source "$(dirname "$0")/../lib/cli.bash"
inputs=$root/tests/golden/ktab/inputs

expect 0 "$entente" run "$inputs/dummyData-a040.csv" --model smp --format json
grep -q '"issues": \[{"id": "  XYZ Position"' "$tmp/out" || fail "a040: issue id is not KTAB's dimension name"
# turn 20 (KTAB's stop turn, the last round) of Act-1001 and Act-1040 in KTAB's golden run
grep -q '{"round": 20, "positions": {"Act-1001": 60.150000000000006,' "$tmp/out" || fail "a040: last round is not KTAB's turn 20"
grep -q '"Act-1040": 59.96}' "$tmp/out" || fail "a040: Act-1040's final position differs from KTAB's"
grep -q '{"round": 21' "$tmp/out" && fail "a040: more rounds than KTAB's stop turn"

expect 0 "$entente" run "$inputs/p_vpm.xml" --model smp --format json
grep -q '"victory_prob_model": "binary"' "$tmp/out" || fail "XML <ModelParameters> not reported"
grep -q '"prng_seed": "3707583219545544125"' "$tmp/out" || fail "XML <prngSeed> not reported"

expect 2 "$entente" run "$inputs/smpExample.xml" --model smp
grep -q 'smpExample.xml:32:9: error: <dCoord>' "$tmp/err" || fail "empty dCoord not located: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "error run wrote to stdout"
printf 'S,d,3,1\nActor,Description,Power,P,S\nA,a,1,10,10\nB,b,x,20,10\nC,c,1,30,10\n' > "$tmp/bad.csv"
expect 2 "$entente" run "$tmp/bad.csv" --model smp
grep -q 'bad.csv:4:5: error: capability' "$tmp/err" || fail "bad capability not located: $(cat "$tmp/err")"

expect 0 "$entente" convert "$inputs/smpExample-det.xml" -o "$tmp/det.yaml"
expect 0 "$entente" validate "$tmp/det.yaml"
expect 0 "$entente" run "$tmp/det.yaml" --model smp --format csv
cp "$tmp/out" "$tmp/from-yaml.csv"
expect 0 "$entente" run "$inputs/smpExample-det.xml" --model smp --format csv
cmp -s "$tmp/out" "$tmp/from-yaml.csv" || fail "converted YAML does not reproduce the XML run"

# trace: the round-1 challenge of SActor-00 (KTAB's log: target SActor-06, prob 0.7643)
expect 0 "$entente" trace "$inputs/dummyData_3Dim.csv" -o "$tmp/trace.csv"
head -1 "$tmp/trace.csv" | grep -q '^space,round,record,actor,counterpart,bargain,issue,value$' || fail "trace header"
grep -q '^ktab,1,bargain_win_probability,SActor-00,SActor-06,0,,0.7643' "$tmp/trace.csv" || fail "trace: round-1 bargain of SActor-00"
grep -q '^ktab,10,position,SActor-06,,,Pstn3,' "$tmp/trace.csv" || fail "trace: no positions of the stop turn"
grep -q '^ktab,11,' "$tmp/trace.csv" && fail "trace: rounds after the stop turn"
expect 2 "$entente" trace "$inputs/dummyData_3Dim.csv" --model compromise

# the HTML report carries the smp record its why-did-it-move derives the moves from (the
# browser test checks the derived texts)
expect 0 "$entente" report "$inputs/dummyData_3Dim.csv" --model smp --no-sensitivity --mc-draws 10 -o "$tmp/r.html"
grep -q '"queue_winners": {"SActor-00": {"bargain": ' "$tmp/r.html" || fail "report: no smp queue winners for why-did-it-move"

finish "smp cli: ok"
