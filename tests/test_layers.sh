#!/usr/bin/env bash
# test_layers.sh — the layers of src/ depend downward only: core <- io, evidence <- models <-
# war <- analysis <- report, store <- serve <- cli (README.md, "Layout"). Every `#include "LAYER/..."` of a
# library source must name its own layer or one below it, and the CLI includes only the public
# headers (include/) and its own. Usage: test_layers.sh ENTENTE_BINARY SOURCE_DIR
set -euo pipefail
src=$2
rank() {
  case $1 in
    core) echo 0 ;; io | evidence) echo 1 ;; models) echo 2 ;; war) echo 3 ;; analysis) echo 4 ;;
    report | store) echo 5 ;; serve) echo 6 ;; cli) echo 7 ;; *) echo -1 ;;
  esac
}
allowed=" "
bad=0 checked=0
while IFS= read -r line; do
  file=${line%%:*}
  target=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"${line#*:}")
  layer=$(cut -d/ -f2 <<<"$file")
  checked=$((checked + 1))
  [[ $allowed == *" $file->$target "* ]] && continue
  if [ "$layer" = cli ] && [ "$target" != entente ]; then
    echo "FAIL: $file includes $target/ (the CLI uses include/ and src/cli/ only)" >&2
    bad=1
    continue
  fi
  lr=$(rank "$layer") tr=$(rank "$target")
  [ "$tr" -lt 0 ] && continue # entente/... (public headers) and the like
  if [ "$tr" -gt "$lr" ] || { [ "$tr" -eq "$lr" ] && [ "$target" != "$layer" ]; }; then
    echo "FAIL: $file ($layer) includes $target/: a back-arrow" >&2
    bad=1
  fi
done < <(cd "$src" && grep -HE '^#include "[a-z_]+/' src/*/*.[ch])
[ "$checked" -gt 100 ] || { echo "FAIL: only $checked includes found under $src/src" >&2; exit 1; }
[ "$bad" -eq 0 ] || exit 1
echo "ok: $checked includes, every one downward"
