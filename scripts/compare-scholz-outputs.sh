#!/bin/sh
# compare-scholz-outputs.sh — runs `entente run --model eum --param variant=scholz` on every
# bundled scenario and on every further input given, under each scholz path (auto, straight,
# fast, vector, sorted, sorted-vector) with the summary trace and none, and under trace=full
# (which always takes the straight path) once, each in text and JSON, and
# writes one output file per combination into a directory. Run it with two builds and compare
# the directories (`diff -r`) to check that a change to the scholz code changes no byte of
# output.
#
# Usage: scripts/compare-scholz-outputs.sh ENTENTE OUTDIR [FILE...]
#   ENTENTE  the entente binary to run
#   OUTDIR   where the outputs go (created)
#   FILE     further inputs (CSV stakeholder sheets, YAML scenarios, ...); the bundled
#            scenarios under scenarios/ are always included
# Inputs entente cannot read, and runs it refuses, leave their error message and exit status
# in the output file, so they are compared too.
set -u
if [ $# -lt 2 ]; then
    echo "usage: $0 ENTENTE OUTDIR [FILE...]" >&2
    exit 2
fi
bin=$1
out=$2
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
count=0
for file in "$here"/scenarios/*.yaml "$here"/scenarios/wars/*.yaml "$@"; do
    [ -f "$file" ] || continue
    name=$(echo "$file" | sed 's|.*/||; s|[^A-Za-z0-9._-]|_|g')
    for path in auto straight fast vector sorted sorted-vector; do
        for trace in summary none full; do
            [ "$trace" = full ] && [ "$path" != auto ] && continue
            for format in text json; do
                dest="$out/$name.$path.$trace.$format"
                "$bin" run "$file" --model eum --param variant=scholz --param path="$path" \
                    --trace "$trace" --format "$format" --rounds 20 >"$dest" 2>&1
                echo "exit $?" >>"$dest"
                count=$((count + 1))
            done
        done
    done
done
echo "$count runs written to $out"
