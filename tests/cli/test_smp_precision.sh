#!/usr/bin/env bash
# test_smp_precision.sh — the smp model's `precision` switch from the command line: KTAB input
# (40 actors) stays on the exact path under auto and says so in the JSON; a space of 360
# actors (above auto's threshold of 350) takes the fast path, says so in the JSON and in the
# text output, and precision=exact forces the exact path there; an unknown value is bad input.
# usage: test_smp_precision.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
source "$(dirname "$0")/../lib/cli.bash"

precisions() { python3 -c 'import json,sys; print(" ".join(sorted({i["precision"] for i in json.load(open(sys.argv[1]))["issues"]})))' "$1"; }

ktab="$root/tests/golden/ktab/inputs/dummyData-a040.csv"
expect 0 "$entente" run "$ktab" --model smp --format json
[ "$(precisions "$tmp/out")" = exact ] || fail "KTAB input left the exact path under auto: $(precisions "$tmp/out")"
cp "$tmp/out" "$tmp/auto.json"
expect 0 "$entente" run "$ktab" --model smp --format json --param precision=exact
python3 -c 'import json,sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert [i["rounds"] for i in a["issues"]] == [i["rounds"] for i in b["issues"]]' "$tmp/auto.json" "$tmp/out" ||
  fail "auto and exact differ on KTAB input"

# 360 actors in one two-dimensional space, deterministic pseudo-random data
python3 - "$tmp/big.yaml" <<'PY'
import sys
g = 12345
def nxt():
    global g
    g = (g * 6364136223846793005 + 1442695040888963407) % 2**64
    return (g >> 11) / 2**53
with open(sys.argv[1], "w") as f:
    f.write("entente: 1\ntitle: large\nissues:\n")
    for k in ("a", "b"):
        f.write(f"  - id: {k}\n    name: {k}\n    scale: [0, 100]\n    space: plane\n")
    f.write("actors:\n")
    for i in range(360):
        f.write(f"  - id: actor{i:03d}\n    capability: {1 + 99 * nxt():.3f}\n    positions:\n")
        for k in ("a", "b"):
            f.write(f"      {k}:\n        position: {100 * nxt():.2f}\n        salience: {0.05 + 0.4 * nxt():.3f}\n")
PY
expect 0 "$entente" run "$tmp/big.yaml" --model smp --format json --trace none --param rounds=2
[ "$(precisions "$tmp/out")" = fast ] || fail "360 actors did not take the fast path under auto: $(precisions "$tmp/out")"
expect 0 "$entente" run "$tmp/big.yaml" --model smp --trace none --param rounds=2
grep -q "large-n path (precision=fast): 360 actors" "$tmp/out" || fail "the text output does not say the fast path ran"
expect 0 "$entente" run "$tmp/big.yaml" --model smp --format json --trace none --param rounds=2 --param precision=exact
[ "$(precisions "$tmp/out")" = exact ] || fail "precision=exact did not force the exact path"

expect 2 "$entente" run "$ktab" --model smp --param precision=float
grep -q "precision" "$tmp/err" || fail "an unknown precision is not named in the error: $(head -2 "$tmp/err")"

finish "smp: precision=auto|exact|fast chooses and reports the path"
