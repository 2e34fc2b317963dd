#!/usr/bin/env bash
# test_install.sh — `cmake --install` into a staged prefix (DESTDIR + PREFIX), then a program
# built with nothing but `pkg-config --cflags --libs entente` runs the expected utility model on
# ExampleActors and must print the reference implementation's positions (the golden trajectory
# tests/models/test_eum.c uses) bit for bit — against the shared and against the static library,
# and so must `import entente` (python/) finding the installed library by pkg-config.
# libentente.so must carry a versioned SONAME and export exactly the functions the public headers
# (entente.h and the include/entente/ headers it includes) declare, all en_-prefixed. The
# installed CLI must find its bundled scenario under PREFIX/share/entente with the source tree's
# copy out of reach. Usage: test_install.sh ENTENTE_BINARY SOURCE_DIR
set -euo pipefail
build=$(cd "$(dirname "$1")" && pwd)
src=$2
for tool in pkg-config python3 nm readelf cc; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool not installed"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

DESTDIR="$tmp/stage" cmake --install "$build" --prefix /opt/entente >"$tmp/install.log"
prefix="$tmp/stage/opt/entente"
libdir=$(dirname "$(find "$prefix" -name entente.pc)")/..
libdir=$(cd "$libdir" && pwd)
for f in bin/entente include/entente.h include/entente/store.h include/entente/report.h \
         include/entente/evidence.h include/entente/node.h include/entente/sources.h \
         include/entente/util.h share/man/man1/entente.1 share/entente/scenarios/ukraine-2023.yaml; do
  [ -f "$prefix/$f" ] || fail "$f not installed"
done
for f in libentente.a libentente.so pkgconfig/entente.pc; do
  [ -e "$libdir/$f" ] || fail "$libdir/$f not installed"
done
soname=$(readelf -d "$libdir/libentente.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[[ "$soname" =~ ^libentente\.so\.[0-9]+$ ]] || fail "SONAME '$soname' is not versioned"
[ -e "$libdir/$soname" ] || fail "$soname not installed"

# Exports: exactly the functions the header declares.
nm -D --defined-only "$libdir/libentente.so" | awk '{print $3}' | sort -u >"$tmp/exported"
grep -v '^en_' "$tmp/exported" && fail "libentente.so exports names without the en_ prefix (above)"
cat "$prefix/include/entente.h" "$prefix"/include/entente/*.h |
  grep -oE '\ben_[a-z0-9_]+[[:space:]]*\(' | tr -d '( ' | sort -u >"$tmp/declared"
comm -3 "$tmp/exported" "$tmp/declared" | sed 's/^\t/declared, not exported: /' >"$tmp/diff"
[ -s "$tmp/diff" ] && { cat "$tmp/diff" >&2; fail "exports differ from the public headers"; }
echo "exports: $(wc -l <"$tmp/exported") en_ functions, as declared in the public headers; SONAME $soname"

# Every public header compiles on its own (entente.h first or not).
for h in "$prefix"/include/entente.h "$prefix"/include/entente/*.h; do
  rel=${h#"$prefix/include/"}
  printf '#include "%s"\nint main(void) { return en_version_number() > 0 ? 0 : 1; }\n' "$rel" >"$tmp/one.c"
  cc -std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$prefix/include" "$tmp/one.c" ||
    fail "$rel does not compile alone"
done

# The installed CLI's default scenario is the installed copy. The tree is moved to another
# prefix (so the configured one does not exist either), ENTENTE_DEFAULT_SCENARIO is unset and,
# where a private mount namespace can be had (root, as in CI), the source tree's scenarios/ is
# hidden under an empty tmpfs: `entente validate` and `entente forecast` with no FILE must still
# work, and from PREFIX/share/entente/scenarios.
moved="$tmp/moved"
mkdir -p "$moved"
cp -a "$prefix/." "$moved/"
hide() { "$@"; }
if unshare -m sh -c 'mount -t tmpfs none "$1"' sh "$src/scenarios" 2>/dev/null; then
  hide() {
    unshare -m sh -c 'mount -t tmpfs none "$1/scenarios" && [ ! -e "$1/scenarios/ukraine-2023.yaml" ] &&
                      shift && exec "$@"' sh "$src" "$@"
  }
  echo "default scenario: checked with the source tree's scenarios/ hidden"
fi
out=$(cd "$tmp" && hide env -u ENTENTE_DEFAULT_SCENARIO "$moved/bin/entente" validate 2>&1) ||
  fail "installed 'entente validate' (no FILE) failed: $out"
case "$out" in "$moved/share/entente/scenarios/ukraine-2023.yaml: ok"*) ;;
  *) fail "installed 'entente validate' did not use the installed scenario: $out" ;; esac
(cd "$tmp" && hide env -u ENTENTE_DEFAULT_SCENARIO "$moved/bin/entente" forecast --draws 50 \
   --war-runs 20 --threads 1 --format json >"$tmp/forecast.json") ||
  fail "installed 'entente forecast' (no FILE) failed"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["issues"]) == 8 and d["scenario"]' "$tmp/forecast.json" ||
  fail "installed 'entente forecast' wrote no JSON"

# A sanitizer build's library needs the program built with the same runtime.
extra=()
grep -q '^ENTENTE_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && extra=(-fsanitize=address,undefined)
grep -q '^ENTENTE_TSAN:BOOL=ON' "$build/CMakeCache.txt" && extra=(-fsanitize=thread)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
golden="$src/tests/golden/bdm/bdm1__ExampleActors.json"
scenario="$src/tests/data/bdm/ExampleActors.csv"

# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "${extra[@]}" -o "$tmp/eum_shared" \
  "$src/tests/install/eum_positions.c" $(pkg-config --cflags --libs entente)
LD_LIBRARY_PATH="$libdir" ldd "$tmp/eum_shared" >"$tmp/ldd"
grep -q "$libdir/$soname" "$tmp/ldd" || fail "the program does not load the installed $soname"
LD_LIBRARY_PATH="$libdir" "$tmp/eum_shared" "$scenario" >"$tmp/shared.csv"
python3 "$src/tests/install/golden_positions.py" "$golden" 10 <"$tmp/shared.csv"

# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "${extra[@]}" -o "$tmp/eum_static" \
  "$src/tests/install/eum_positions.c" -static-libgcc \
  $(pkg-config --cflags entente) "$libdir/libentente.a" $(pkg-config --static --libs-only-l entente | sed 's/-lentente//')
"$tmp/eum_static" "$scenario" >"$tmp/static.csv"
python3 "$src/tests/install/golden_positions.py" "$golden" 10 <"$tmp/static.csv"

# The Python package finds the installed library through pkg-config alone.
if [ ${#extra[@]} -eq 0 ]; then
  (unset ENTENTE_LIBRARY; cd "$tmp" && PYTHONPATH="$src/python" python3 -c '
import sys, entente, entente._lib as l
assert l.lib._name.startswith(sys.argv[1]), l.lib._name
r = entente.run(sys.argv[2], model="eum", rounds=10)
for p in r.positions: print("%d,%s,%r" % (p.round, p.actor, p.position))
' "$libdir" "$scenario") >"$tmp/python.csv"
  python3 "$src/tests/install/golden_positions.py" "$golden" 10 <"$tmp/python.csv"
fi
echo "ok: installed library, pkg-config, SONAME and exports"
