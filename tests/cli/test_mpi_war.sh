#!/usr/bin/env bash
# test_mpi_war.sh — `mpirun -n K entente war …` (docs/scale.md): the war runs split across the
# processes give the one-process bytes whatever K and --threads (text, JSON, --explain,
# --deal-by, --as-of), only rank 0 writes, bad input still exits 2.
# Skips (77) with a message when mpirun is absent or entente was built without MPI.
# usage: test_mpi_war.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
# tmp, fail, expect STATUS CMD..., finish MESSAGE
source "$(dirname "$0")/../lib/cli.bash"

# skips unless mpirun works; mpi K CMD..., same_bytes NAME K CMD...
source "$(dirname "$0")/../lib/mpi.bash"

war="$root/scenarios/ukraine-war-2022.yaml"
same_bytes "war json" 2 war "$war" --runs 101 --format json
same_bytes "war text, 3 ranks, 1 thread" 3 war "$war" --runs 101 --threads 1
same_bytes "war explain json, 3 ranks" 3 war "$war" --runs 60 --explain 2022-04-15 --deal-by 2023-12-31 --format json --threads 2
same_bytes "war explain text" 2 war "$root/scenarios/wars/falklands-1982.yaml" --runs 60 --explain 1982-05-20
same_bytes "war as-of, more ranks than runs" 3 war "$war" --runs 2 --as-of 2022-06-01 --format json

# Only rank 0 writes -o FILE.
"$entente" war "$war" --runs 50 --format json -o "$tmp/one.json" || fail "war -o failed"
mpi 2 "$entente" war "$war" --runs 50 --format json -o "$tmp/many.json" >"$tmp/out" 2>"$tmp/err" \
  || fail "mpirun war -o failed: $(head -3 "$tmp/err")"
cmp -s "$tmp/one.json" "$tmp/many.json" || fail "war -o under mpirun differs"
[ -s "$tmp/out" ] && fail "war -o under mpirun also wrote to stdout"

# Bad option under mpirun: exit 2, no output.
mpi 2 "$entente" war "$war" --explain 1990-01-01 >"$tmp/out" 2>"$tmp/err"
status=$?
[ "$status" = 2 ] || fail "mpirun war with --explain outside the run exited $status, expected 2"
grep -q "outside the run" "$tmp/err" || fail "no message for --explain outside the run under mpirun"
[ -s "$tmp/out" ] && fail "bad input under mpirun wrote to stdout"

finish "mpi war: the war runs give the one-process bytes under mpirun -n 2 and 3"
