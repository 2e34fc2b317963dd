#!/usr/bin/env bash
# bench_mc_reuse.sh — Monte Carlo where no draw can differ (cop21: no uncertain value, jitter 0,
# the deterministic exchange model): the run that reuses the one answer against the run that
# computes every draw (ENTENTE_MC_REUSE=0), in one run, same draws, outputs compared byte for
# byte. Prints CPU (user+sys) and wall seconds of each and their ratio. Figures go to
# docs/performance.md ("Monte Carlo where no draw can differ").
# usage: bench/bench_mc_reuse.sh ENTENTE_BINARY [DRAWS]   (default 1000; run from the repository)
set -eu
entente=$1
draws=${2:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(mc tests/data/decide/cop21.csv --model exchange --draws "$draws" --quiet)
measure() { # NAME ENV... : "cpu wall" of one run, output in $tmp/NAME
  local name=$1; shift
  /usr/bin/env "$@" bash -c 'TIMEFORMAT="%U %S %R"; time "$0" "${@}" >"'"$tmp/$name"'"' "$entente" "${args[@]}" 2>"$tmp/$name.time"
  awk '{printf "%.3f %.3f", $1 + $2, $3}' "$tmp/$name.time"
}
read -r cpu_on wall_on <<<"$(measure on ENTENTE_MC_REUSE=1)"
read -r cpu_off wall_off <<<"$(measure off ENTENTE_MC_REUSE=0)"
cmp -s "$tmp/on" "$tmp/off" && same=identical || same=DIFFERENT
echo "cop21 exchange, $draws draws: reuse ${cpu_on} s CPU ${wall_on} s wall; every draw ${cpu_off} s CPU ${wall_off} s wall;" \
     "CPU ratio $(awk -v a="$cpu_off" -v b="$cpu_on" 'BEGIN{printf "%.0f", (b > 0 ? a / b : 0)}'); outputs $same"
