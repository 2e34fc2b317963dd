#!/usr/bin/env bash
# bench_serve.sh — the workbench of `entente serve` at scale, as a user meets it in a browser
# (bench/serve_page.js: open the page, edit a cell, run): N random actors in D issues of one
# space (bench/smp_scenario.py), each given binary in turn, REPEATS times, interleaved, so two
# builds are compared in one run under the same load. Figures: docs/performance.md ("The
# workbench at 1,000 actors").
# usage: bench/bench_serve.sh [-n N] [-d D] [-r REPEATS] [-c COMMAND] [-m MODEL] ENTENTE...
#        (defaults: 1000 actors, 6 issues, 3 repeats, `run` with model smp)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
n=1000 d=6 reps=3 command=run model=smp
while getopts "n:d:r:c:m:" o; do
  case $o in n) n=$OPTARG ;; d) d=$OPTARG ;; r) reps=$OPTARG ;; c) command=$OPTARG ;; m) model=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-n N] [-d D] [-r REPEATS] [-c COMMAND] [-m MODEL] ENTENTE..." >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/smp_scenario.py" "$n" "$d" > "$tmp/scenario.yaml"
echo "workbench, $n actors x $d issues, $command --model $model; seconds: page open, edit checked, run drawn"
for r in $(seq 1 "$reps"); do
  for bin in "$@"; do
    cp "$tmp/scenario.yaml" "$tmp/s.yaml"
    "$bin" serve --port 0 "$tmp/s.yaml" > "$tmp/serve.out" 2> "$tmp/serve.err" &
    pid=$!
    for _ in $(seq 1 100); do [ -s "$tmp/serve.out" ] && break; sleep 0.1; done
    line=$(NODE_PATH="$here/../web/node_modules" node "$here/serve_page.js" "$(head -1 "$tmp/serve.out")" "$command" "$model")
    kill $pid; wait $pid 2>/dev/null || true
    echo "$bin: $line"
  done
done
