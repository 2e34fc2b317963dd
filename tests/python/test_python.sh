#!/usr/bin/env bash
# test_python.sh — the Python package (python/) with pytest, against the library of this build
# tree. pytest (Debian python3-pytest) is required in CI (scripts/install-deps.sh installs it);
# elsewhere a missing pytest skips loudly (exit 77). Usage: test_python.sh ENTENTE_BINARY SRC
set -euo pipefail
build=$(cd "$(dirname "$1")" && pwd)
src=$2
python=""
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null && "$p" -c "import pytest" 2>/dev/null; then python=$p; break; fi
done
if [ -z "$python" ]; then
  if [ -n "${CI:-}" ]; then echo "FAIL: pytest missing (python3-pytest)" >&2; exit 1; fi
  echo "SKIP: no python3 with pytest (apt-get install python3-pytest)"; exit 77
fi
export ENTENTE_LIBRARY="$build/libentente.so" ENTENTE_SOURCE_DIR="$src"
export ENTENTE_BINARY="$build/$(basename "$1")"
export PYTHONPATH="$src/python${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1
# A sanitizer build's library needs its runtime loaded first into the interpreter (which is
# not instrumented, so leak checking is off: the interpreter's own allocations would count).
if grep -q '^ENTENTE_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
  cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
  export LD_PRELOAD="$("$cc" -print-file-name=libasan.so) $("$cc" -print-file-name=libubsan.so)"
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
elif grep -q '^ENTENTE_TSAN:BOOL=ON' "$build/CMakeCache.txt"; then
  cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
  export LD_PRELOAD="$("$cc" -print-file-name=libtsan.so)"
fi
exec "$python" -m pytest -q -p no:cacheprovider "$src/python/tests"
