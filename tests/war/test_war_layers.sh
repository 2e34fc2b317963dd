#!/bin/bash
# test_war_layers.sh — the war module (src/war/) keeps the library's layering
# core <- io <- models <- war <- analysis <- report/store <- cli: nothing below it includes it,
# it includes nothing above it, only one source file is named war.c, and the CLI's `war`
# command reaches the layer through the public API (include/entente.h) only.
# Usage: test_war_layers.sh ENTENTE_BINARY SOURCE_DIR
set -u
src="$2/src"
fail=0
bad() { echo "FAIL: $*"; fail=1; }
for layer in core io models; do
    hits=$(grep -ln '#include "war/' "$src/$layer"/*.[ch] 2>/dev/null)
    [ -z "$hits" ] || bad "$layer includes the war module: $hits"
done
hits=$(grep -lE '#include "(analysis|report|store|cli|evidence)/' "$src"/war/*.[ch])
[ -z "$hits" ] || bad "the war module includes a layer above it: $hits"
n=$(find "$src" -name war.c | wc -l)
[ "$n" -le 1 ] || bad "$n files named war.c"
hits=$(grep -E '#include "(war|models|analysis|io)/' "$src/cli/cmd_war.c")
[ -z "$hits" ] || bad "cmd_war.c uses internal headers: $hits"
# the model is in its place in the registry (the list the models layer keeps)
"$1" models | grep -q '^war' || "$1" models | grep -qw war || bad "entente models does not list war"
exit $fail
