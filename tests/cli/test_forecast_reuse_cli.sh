#!/usr/bin/env bash
# test_forecast_reuse_cli.sh — `entente forecast` on a scenario where no Monte Carlo draw can
# differ (no uncertain value, a default forecaster that ignores the seed) computes one draw per
# worker and repeats it: the bytes written (text, JSON, CSV; 1 and 2 threads; with a what-if)
# equal those of the run that computes every draw (ENTENTE_MC_REUSE=0), also under mpirun -n 2
# when MPI is available. The scenarios: cop21 (a Decide table) and the bundled 2023 case with
# every uncertain value replaced by its point value (vetoes, patrons, public stances, status
# quos: the acceptance rows and flags of each draw are repeated too); on the bundled case as it
# is (uncertain values: no shortcut) both runs agree as well.
# usage: test_forecast_reuse_cli.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
# tmp, fail, expect STATUS CMD..., finish MESSAGE, same_without_reuse NAME CMD...
source "$(dirname "$0")/../lib/cli.bash"
cop21="$root/tests/data/decide/cop21.csv"
certain="$tmp/certain.yaml"
# {value: X, low: L, high: H} and {value: X, sd: S} become X
sed -e 's/{value: \([^,}]*\),[^}]*}/\1/g' "$root/scenarios/ukraine-2023.yaml" >"$certain"
grep -q "low:\|sd:" "$certain" && fail "the certain copy still has uncertain values"


for format in text json csv; do
  same_without_reuse "cop21 $format" forecast "$cop21" --draws 300 --seed 5 --threads 2 --format $format
  same_without_reuse "certain 2023 $format" forecast "$certain" --draws 250 --threads 2 --format $format
done
same_without_reuse "cop21 one thread" forecast "$cop21" --draws 200 --threads 1 --format json
same_without_reuse "certain 2023 what-if" forecast "$certain" --draws 300 --what-if UKR.territory.public=50 --format json
same_without_reuse "certain 2023 mediation" forecast "$certain" --draws 300 --mediation --format json
same_without_reuse "2023 uncertain" forecast "$root/scenarios/ukraine-2023.yaml" --draws 200 --format json

if command -v mpirun >/dev/null 2>&1; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  export OMPI_MCA_btl_vader_single_copy_mechanism=none
  export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
  if mpirun -n 2 --oversubscribe "$entente" models >"$tmp/out" 2>"$tmp/err" && ! grep -q "built without MPI" "$tmp/err"; then
    args=(forecast "$certain" --draws 300 --format json)
    ENTENTE_MC_REUSE=0 "$entente" "${args[@]}" >"$tmp/off" 2>"$tmp/off.err" || fail "mpi: one process failed"
    mpirun -n 2 --oversubscribe "$entente" "${args[@]}" >"$tmp/many" 2>"$tmp/many.err" || fail "mpi: mpirun -n 2 failed: $(head -3 "$tmp/many.err")"
    cmp -s "$tmp/off" "$tmp/many" || fail "mpi: mpirun -n 2 with the shortcut differs from one process without it"
  fi
fi

finish "forecast repeats its one draw where no draw can differ, byte for byte"
