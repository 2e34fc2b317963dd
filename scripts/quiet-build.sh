#!/usr/bin/env bash
# quiet-build.sh BUILD_DIR JOBS TARGET [CMAKE_ARGS...] — configures and builds TARGET (`all`
# for everything) with one progress line instead of the compiler's hundreds (`make demo`). On a
# terminal the line counts up in place; in a log, a line at each quarter. The full output goes
# to BUILD_DIR/build.log; on failure its last lines are shown and the status is non-zero.
set -euo pipefail
build=$1 jobs=$2 target=$3
shift 3
tty=0
[ -t 2 ] && tty=1
mkdir -p "$build"
log="$build/build.log"
cmake -S . -B "$build" "$@" >"$log" 2>&1 || { tail -30 "$log" >&2; exit 1; }
status=0
cmake --build "$build" -j "$jobs" --target "$target" 2>&1 | tee -a "$log" | awk -v tty=$tty -v logfile="$log" '
  function say(text) { printf "%s", text > "/dev/stderr"; fflush("/dev/stderr") }
  /^\[ *[0-9]+%\]/ {
    match($0, /[0-9]+%/); p = substr($0, RSTART, RLENGTH) + 0
    if (tty && p != shown) say(sprintf("\rentente: building ... %3d%%", p))
    if (!tty && int(p / 25) > int(shown / 25)) say(sprintf("entente: building ... %3d%%\n", p))
    shown = p
  }
  END { say((tty ? "\r" : "") "entente: built (full log: " logfile ")     \n") }' || status=$?
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
if [ "$status" -ne 0 ]; then
  echo "entente: the build failed; the end of $log:" >&2
  tail -30 "$log" >&2
  exit 1
fi
