# mpi.bash — what the mpirun shell tests share (sourced after cli.bash, which sets tmp and fail;
# needs $entente). Skips the test (exit 77) with a message when mpirun is absent, cannot start
# processes here, or entente was built without MPI; then defines
# mpi K CMD... (mpirun -n K CMD) and
# same_bytes NAME K CMD...: the output of entente CMD under mpirun -n K equals the one-process output.

if ! command -v mpirun >/dev/null 2>&1; then
  echo "SKIP: mpirun not found (install openmpi-bin; scripts/install-deps.sh does)"
  exit 77
fi
# As root (CI, containers) Open MPI needs both variables; --oversubscribe lets K exceed cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Containers often forbid the cross-memory attach Open MPI uses for large shared-memory
# messages ("Read -1, expected ..."): plain copies work everywhere.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
# Open MPI's runtime keeps some allocations to exit on purpose: not entente's leaks.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
mpi() { local k=$1; shift; mpirun -n "$k" --oversubscribe "$@"; }

if ! mpi 2 "$entente" models >"$tmp/out" 2>"$tmp/err"; then
  echo "SKIP: mpirun cannot start processes here: $(head -3 "$tmp/err")"
  exit 77
fi
if grep -q "built without MPI" "$tmp/err"; then
  echo "SKIP: this entente was built without MPI (ENTENTE_MPI=OFF or no MPI found)"
  exit 77
fi

same_bytes() {
  local name=$1 k=$2; shift 2
  "$entente" "$@" >"$tmp/one" 2>"$tmp/one.err" || { fail "$name: one process failed: $(head -3 "$tmp/one.err")"; return; }
  mpi "$k" "$entente" "$@" >"$tmp/many" 2>"$tmp/many.err" || { fail "$name: mpirun -n $k failed: $(head -3 "$tmp/many.err")"; return; }
  [ -s "$tmp/one" ] || fail "$name: no output"
  cmp -s "$tmp/one" "$tmp/many" || fail "$name: mpirun -n $k output differs from one process ($(cmp "$tmp/one" "$tmp/many" | head -1))"
}
