#!/usr/bin/env bash
# test_mpi.sh — `mpirun -n K entente ...` (docs/scale.md): for every command that splits its
# runs across processes (mc, sensitivity, sweep, forecast, backtest), the bytes written under mpirun equal the one-process run's, whatever K
# and the thread count; only rank 0 writes (stdout and -o FILE); bad input still exits 2.
# Skips (77) with a message when mpirun is absent or entente was built without MPI.
# usage: test_mpi.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
# tmp, fail, expect STATUS CMD..., finish MESSAGE
source "$(dirname "$0")/../lib/cli.bash"

# skips unless mpirun works; mpi K CMD..., same_bytes NAME K CMD...
source "$(dirname "$0")/../lib/mpi.bash"

# Monte Carlo: draws split in blocks (a draw count that is not a multiple of the block size),
# text and JSON, two models, K = 2 and 3, any --threads.
same_bytes "mc eum json" 2 mc --model eum --draws 1000 --jitter 0.1 --format json --quiet
same_bytes "mc eum text, 3 ranks, 1 thread" 3 mc --model eum --draws 1000 --jitter 0.1 --threads 1
same_bytes "mc exchange csv" 2 mc --model exchange --draws 300 --seed 7 --format csv --threads 2
same_bytes "mc more ranks than blocks" 3 mc --draws 70 --format json
# Sensitivity: every run split.
same_bytes "sensitivity eum json" 2 sensitivity --model eum --format json
same_bytes "sensitivity exchange text, 3 ranks" 3 sensitivity --model exchange
# Sweep: grid points split.
same_bytes "sweep json" 2 sweep --model exchange --param p=0:0.2:0.05 --param rounds=4:8:4 --format json
same_bytes "sweep csv, 3 ranks" 3 sweep --model eum --param Q=0:1:0.25 --format csv --threads 1
# Forecast: each case's Monte Carlo draws split (with a what-if: two cases, two exchanges).
same_bytes "forecast json" 2 forecast --draws 300 --format json
same_bytes "forecast what-if text, 3 ranks" 3 forecast --draws 200 --what-if UKR.talks.public=50 --threads 1
# Backtest: the model × scenario runs split.
same_bytes "backtest json" 2 backtest "$root/tests/data/deu/anomalies.tsv" --format json --resamples 50
same_bytes "backtest csv, 3 ranks" 3 backtest "$root/tests/data/deu/anomalies.tsv" --format csv --resamples 50

# Only rank 0 writes -o FILE, whole and the same as one process's.
"$entente" mc --model eum --draws 500 --format json -o "$tmp/one.json" || fail "mc -o failed"
mpi 2 "$entente" mc --model eum --draws 500 --format json -o "$tmp/many.json" >"$tmp/out" 2>"$tmp/err" \
  || fail "mpirun mc -o failed: $(head -3 "$tmp/err")"
cmp -s "$tmp/one.json" "$tmp/many.json" || fail "mc -o under mpirun differs"
[ -s "$tmp/out" ] && fail "mc -o under mpirun also wrote to stdout"
ls "$tmp" | grep -q '^\.\?many\.json\..' && fail "a temporary output file was left behind"

# Bad input under mpirun: exit 2 with the located message, no output.
printf 'entente: 1\ntitle: t\nissues:\n  - {id: i, scale: [0, 10]}\nactors:\n  - {id: A, capabilty: 1}\n' >"$tmp/bad.yaml"
mpi 2 "$entente" mc "$tmp/bad.yaml" >"$tmp/out" 2>"$tmp/err"
status=$?
[ "$status" = 2 ] || fail "mpirun mc on bad input exited $status, expected 2"
grep -q "bad.yaml:6:13: error: unknown key 'capabilty'" "$tmp/err" || fail "no located message under mpirun"
[ -s "$tmp/out" ] && fail "bad input under mpirun wrote to stdout"
mpi 2 "$entente" sweep --param Q=0:1:0 >"$tmp/out" 2>"$tmp/err"
status=$?
[ "$status" = 2 ] || fail "mpirun sweep with step 0 exited $status, expected 2"

finish "mpi: mc, sensitivity, sweep, forecast and backtest give the one-process bytes under mpirun -n 2 and 3"
