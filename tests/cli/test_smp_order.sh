#!/usr/bin/env bash
# test_smp_order.sh — an smp forecast for a YAML scenario does not depend on the order of the
# actors in the file: the same scenario with its actors listed forwards and backwards gives
# every actor the same position in every round and the same forecast. The scenario is
# symmetric, so its elections tie exactly; with actor_order=file (KTAB's rule, which KTAB
# inputs keep for exactness) the two listings do give different forecasts, which shows the
# check can fail. KTAB CSV input reports actor_order file.
# usage: test_smp_order.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
source "$(dirname "$0")/../lib/cli.bash"

write() { # write FILE ACTOR... (ACTOR = id:capability:position:salience)
  local file=$1; shift
  { printf 'entente: 1\ntitle: order\nissues:\n  - id: x\n    name: x\n    scale: [0, 100]\nactors:\n'
    for a in "$@"; do
      IFS=: read -r id cap pos sal <<<"$a"
      printf '  - id: %s\n    capability: %s\n    positions:\n      x:\n        position: %s\n        salience: %s\n' \
        "$id" "$cap" "$pos" "$sal"
    done; } >"$file"
}
actors=(north:40:20:0.8 south:40:80:0.8 east:10:50:0.5 west:10:50:0.5 core:25:35:0.6 rim:25:65:0.6)
reversed=()
for ((k = ${#actors[@]} - 1; k >= 0; k--)); do reversed+=("${actors[k]}"); done
write "$tmp/forward.yaml" "${actors[@]}"
write "$tmp/backward.yaml" "${reversed[@]}"

# every actor's position per round and the forecast, in a fixed (sorted) order
summary() {
  python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
for issue in j["issues"]:
    print(issue["id"], "forecast", repr(issue["forecast"]))
    for r in issue["rounds"]:
        print(r["round"], sorted((k, repr(v)) for k, v in r["positions"].items()))
' "$1"
}

ties="--param victory_prob_model=binary --param pce_model=markov_incentive --param voting_rule=asym_prosp"
for options in "" "$ties"; do
  # shellcheck disable=SC2086
  for order in forward backward; do
    expect 0 "$entente" run "$tmp/$order.yaml" --model smp $options --format json
    summary "$tmp/out" >"$tmp/$order.id"
    expect 0 "$entente" run "$tmp/$order.yaml" --model smp $options --param actor_order=file --format json
    summary "$tmp/out" >"$tmp/$order.file"
  done
  [ -s "$tmp/forward.id" ] || fail "no summary"
  cmp -s "$tmp/forward.id" "$tmp/backward.id" ||
    fail "actor order changed the forecast (options: ${options:-default}): $(diff "$tmp/forward.id" "$tmp/backward.id" | head -5)"
done
# with the file's order the tie goes to whoever comes first: the listings disagree
grep forecast "$tmp/forward.file" >"$tmp/f1"
grep forecast "$tmp/backward.file" >"$tmp/f2"
cmp -s "$tmp/f1" "$tmp/f2" && fail "file order gave the same forecast both ways: the scenario no longer ties"

expect 0 "$entente" run "$root/tests/golden/ktab/inputs/dummyData_3Dim.csv" --model smp --format json
grep -q '"actor_order": "file"' "$tmp/out" || fail "KTAB input does not keep its file's actor order"

finish "smp: forecasts do not depend on the order of actors in a YAML file"
