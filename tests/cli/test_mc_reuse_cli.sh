#!/usr/bin/env bash
# test_mc_reuse_cli.sh — `entente mc` on a scenario where no draw can differ (cop21: no uncertain
# value, jitter 0, the deterministic exchange model) runs the model once and reuses its answer:
# the bytes written (text, JSON, CSV) equal those of the run that computes every draw
# (ENTENTE_MC_REUSE=0), also under mpirun -n 2 when MPI is available; on a scenario with an
# uncertain value the two runs agree too (there the shortcut does not apply).
# usage: test_mc_reuse_cli.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
# tmp, fail, expect STATUS CMD..., finish MESSAGE, same_without_reuse NAME CMD...
source "$(dirname "$0")/../lib/cli.bash"
cop21="$root/tests/data/decide/cop21.csv"

cat >"$tmp/uncertain.yaml" <<'YAML'
entente: 1
title: one uncertain value
issues:
  - {id: tax, scale: [0, 100], status_quo: 30}
actors:
  - id: A
    capability: 3
    positions:
      tax: {position: {value: 10, sd: 5}, salience: 0.9}
  - id: B
    capability: 2
    positions:
      tax: {position: 60, salience: 0.3}
YAML


for format in text json csv; do
  same_without_reuse "cop21 exchange $format" mc "$cop21" --model exchange --draws 150 --seed 5 --threads 2 --format $format --quiet
done
same_without_reuse "cop21 eum json" mc "$cop21" --model eum --draws 100 --format json --quiet
same_without_reuse "cop21 ensemble json" mc "$cop21" --model ensemble --draws 100 --threads 2 --format json --quiet
same_without_reuse "cop21 procedural csv" mc "$cop21" --model procedural --draws 100 --format csv --quiet
same_without_reuse "uncertain exchange json" mc "$tmp/uncertain.yaml" --model exchange --draws 300 --format json --quiet
same_without_reuse "uncertain compromise text" mc "$tmp/uncertain.yaml" --draws 300 --quiet

# Under mpirun: the shortcut on every rank gives the bytes of one process computing every draw.
if command -v mpirun >/dev/null 2>&1; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  export OMPI_MCA_btl_vader_single_copy_mechanism=none
  export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
  if mpirun -n 2 --oversubscribe "$entente" models >"$tmp/out" 2>"$tmp/err" && ! grep -q "built without MPI" "$tmp/err"; then
    args=(mc "$cop21" --model exchange --draws 150 --seed 5 --format json --quiet)
    ENTENTE_MC_REUSE=0 "$entente" "${args[@]}" >"$tmp/off" 2>"$tmp/off.err" || fail "mpi: one process failed"
    mpirun -n 2 --oversubscribe "$entente" "${args[@]}" >"$tmp/many" 2>"$tmp/many.err" || fail "mpi: mpirun -n 2 failed: $(head -3 "$tmp/many.err")"
    cmp -s "$tmp/off" "$tmp/many" || fail "mpi: mpirun -n 2 with the shortcut differs from one process without it"
  fi
fi

finish "mc reuses the one answer where no draw can differ, byte for byte"
