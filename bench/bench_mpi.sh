#!/usr/bin/env bash
# bench_mpi.sh — parallel efficiency of `mpirun -n K entente ...` against one process on a fixed
# workload (mc, forecast, sweep, war), each process on one thread (--threads 1), so K ranks on
# K cores is the whole comparison. Prints per command the best of REPEAT wall times T1 (one
# process) and TK (K ranks), the speed-up T1/TK and the efficiency T1/(K·TK), and
# for Monte Carlo the pieces of the model in docs/scale.md: the start-up of K ranks, the cost of
# one draw, and the exchange cost left over. Checks that the outputs are the same bytes.
# Wall times: run it on an otherwise idle machine (the script prints the load average).
# usage: bench/bench_mpi.sh [ENTENTE_BINARY] [K] [REPEAT] [ROOT]   (default build/entente 2 3 .)
set -euo pipefail
entente=${1:-build/entente}
K=${2:-2}
REPEAT=${3:-3}
root=${4:-.}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
command -v mpirun >/dev/null || { echo "mpirun not found"; exit 77; }
tmp=$(mktemp -d)
calc() { awk "BEGIN { printf \"%.9f\", $1 }"; }
trap 'rm -rf "$tmp"' EXIT

# best_time OUT CMD...: the smallest wall time of REPEAT runs, in seconds; stdout kept in OUT.
best_time() {
  local out=$1; shift
  local best="" t0 t1 t
  for _ in $(seq "$REPEAT"); do
    t0=$(date +%s.%N)
    "$@" >"$out"
    t1=$(date +%s.%N)
    t=$(calc "$t1 - $t0")
    if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then best=$t; fi
  done
  printf '%.3f' "$best"
}

echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) (other work shares the cores)"
printf "%-44s %9s %9s %8s %10s\n" "command (--threads 1 per process)" "T1 s" "T$K s" "T1/T$K" "T1/($K·T$K)"
run_case() {
  local name=$1; shift
  local one many
  one=$(best_time "$tmp/one" "$entente" "$@" --threads 1)
  many=$(best_time "$tmp/many" mpirun -n "$K" --oversubscribe "$entente" "$@" --threads 1)
  cmp -s "$tmp/one" "$tmp/many" || { echo "$name: outputs differ"; exit 1; }
  local speedup efficiency
  speedup=$(calc "$one / $many")
  efficiency=$(calc "$speedup / $K")
  printf '%-44s %9s %9s %8.2f %9.0f%%\n' "$name" "$one" "$many" "$speedup" "$(calc "100 * $efficiency")"
}
draws=20000
run_case "mc --model eum --draws $draws" mc --model eum --draws $draws --jitter 0.1 --format json
run_case "mc --model exchange --draws 4000" mc --model exchange --draws 4000 --format json
run_case "forecast --draws 4000" forecast --draws 4000 --format json
run_case "sweep exchange p=0:0.5:0.01 rounds=5:20:5" sweep --model exchange --param p=0:0.5:0.01 --param rounds=5:20:5 --format csv
run_case "war ukraine-war-2022 --runs 2000" war "$root/scenarios/ukraine-war-2022.yaml" --runs 2000 --format json

# The pieces of the model T(K) = S(K) + N c / K + X(K) for Monte Carlo (docs/scale.md).
small=$(best_time "$tmp/a" "$entente" mc --model eum --draws 64 --threads 1 --format json)
big=$(best_time "$tmp/b" "$entente" mc --model eum --draws $draws --jitter 0.1 --threads 1 --format json)
startup=$(best_time "$tmp/c" mpirun -n "$K" --oversubscribe "$entente" mc --model eum --draws 64 --threads 1 --format json)
many=$(best_time "$tmp/d" mpirun -n "$K" --oversubscribe "$entente" mc --model eum --draws $draws --jitter 0.1 --threads 1 --format json)
per_draw=$(calc "($big - $small) / ($draws - 64)")
waves=$(( (draws + 64 * 32 * K - 1) / (64 * 32 * K) ))
left=$(calc "$many - $startup - $draws * $per_draw / $K")
printf 'mc eum: one process, 64 draws %.3f s, %d draws %.3f s: %.1f us per draw\n' "$small" $draws "$big" "$(calc "$per_draw * 1000000")"
printf 'mc eum: %d ranks, 64 draws %.3f s (start-up S(%d)); %d draws %.3f s\n' "$K" "$startup" "$K" $draws "$many"
printf 'mc eum: left for exchanges and imbalance X(%d) = %.3f s over %d waves (%.1f ms a wave)\n' \
  "$K" "$left" "$waves" "$(calc "1000 * $left / $waves")"
