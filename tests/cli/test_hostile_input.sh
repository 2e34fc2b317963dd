#!/usr/bin/env bash
# test_hostile_input.sh — input written to mislead or to harm: explicit YAML tags, a second YAML
# document, syntax error positions, `sources[].file` entries that reach outside the scenario's
# folder or name FIFOs, devices, huge or binary files, CSV rows with extra fields, names that
# are spreadsheet formulas, and -o targets that are read-only, links, devices or FIFOs. Each
# refusal is a located error (exit 2) whose line and column were counted by hand from the file
# written here; each accepted case is checked for what it wrote.
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

# Text that crashes Debian 12's libfyaml when its parser is destroyed after the error (a tab
# in a file with an explicit key; found by fuzzing): refused at the first tab.
printf '? s: \t? s\n' >"$tmp/tabkey.yaml"
expect 2 "$entente" validate "$tmp/tabkey.yaml"
grep -q "tabkey.yaml:1:6: error: invalid YAML: a tab in a file with an explicit key" "$tmp/err" || fail "tab trap: $(cat "$tmp/err")"
printf '?\n  s: \t- s\n' >"$tmp/tabkey2.yaml"
expect 2 "$entente" validate "$tmp/tabkey2.yaml"
grep -q "tabkey2.yaml:2:6: error: invalid YAML: a tab" "$tmp/err" || fail "tab trap, second line: $(cat "$tmp/err")"

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

# Source files a scenario cites: only regular UTF-8 files inside the scenario's folder (or
# --sources-dir) are read; everything else is an error at the `file:` line (line 6, column 11
# below), never a hang (each command runs under a timeout) or a huge allocation.
mkdir -p "$tmp/case/sources" "$tmp/other"
printf 'A fine article.\n' >"$tmp/case/sources/ok.txt"
printf 'Outside text.\n' >"$tmp/other/outside.txt"
with_source() { # with_source FILE_VALUE > scenario
  printf 'entente: 1\ntitle: t\nsources:\n  - id: s1\n    title: a source\n    file: %s\n' "$1"
  printf '%s' "$base" | sed 1,2d | sed 's/salience: 0.5}}}$/salience: 0.5, cite: s1}}}/'
}
with_source sources/ok.txt >"$tmp/case/good.yaml"
expect 0 "$entente" validate "$tmp/case/good.yaml"
expect 0 timeout 60 "$entente" report "$tmp/case/good.yaml" --mc-draws 0 --no-sensitivity -o "$tmp/good.html"
grep -q 'A fine article' "$tmp/good.html" || fail "the good source text is not in the report"

mkfifo "$tmp/case/sources/fifo"
ln -s /etc/passwd "$tmp/case/sources/passwd-link"
ln -s ../../other/outside.txt "$tmp/case/sources/outside-link"
truncate -s 17M "$tmp/case/sources/big.txt"
printf 'text\0with a NUL\n' >"$tmp/case/sources/nul.txt"
printf 'Latin-1 \xe9t\xe9\n' >"$tmp/case/sources/latin1.txt"
check_refused() { # check_refused NAME FILE_VALUE PATTERN [extra options]
  local name=$1 value=$2 pattern=$3
  shift 3
  with_source "$value" >"$tmp/case/$name.yaml"
  for cmd in validate report; do
    if [ $cmd = validate ]; then expect 2 timeout 20 "$entente" validate "$tmp/case/$name.yaml" "$@"
    else expect 2 timeout 20 "$entente" report "$tmp/case/$name.yaml" --mc-draws 0 --no-sensitivity "$@" -o "$tmp/$name.html"
    fi
    grep -q "$name.yaml:6:11: error: source 's1': file '.*' $pattern" "$tmp/err" ||
      fail "$cmd $name: expected a located '$pattern' error: $(head -3 "$tmp/err")"
    [ -e "$tmp/$name.html" ] && fail "$cmd $name: a report was written"
  done
  expect 2 timeout 20 "$entente" run "$tmp/case/$name.yaml" --db "$tmp/$name.db" "$@"
  grep -q "$name.yaml:6:11: error: source 's1'" "$tmp/err" || fail "run --db $name: not refused: $(head -3 "$tmp/err")"
}
check_refused absolute /etc/passwd "is an absolute path"
check_refused proc /proc/self/environ "is an absolute path"
check_refused dotdot ../other/outside.txt "leads outside the folder"
check_refused deepdotdot sources/../../other/outside.txt "leads outside the folder"
check_refused symlink sources/passwd-link "leads outside the folder"
check_refused symlink2 sources/outside-link "leads outside the folder"
check_refused fifo sources/fifo "is a FIFO"
check_refused big sources/big.txt "is 17825792 bytes, more than the limit of 16 MiB"
check_refused nul sources/nul.txt "is not UTF-8 text (byte 0x00 at offset 4"
check_refused latin1 sources/latin1.txt "is not UTF-8 text (byte 0xE9 at offset 8"
check_refused directory sources "is a directory"
# /dev/zero and /dev/urandom, even inside a folder named with --sources-dir, are devices.
check_refused zero zero "is a character device" --sources-dir /dev
check_refused urandom urandom "is a character device" --sources-dir /dev
# --sources-dir allows a file elsewhere, and confines to that folder instead.
with_source outside.txt >"$tmp/case/elsewhere.yaml"
expect 0 "$entente" validate "$tmp/case/elsewhere.yaml" --sources-dir "$tmp/other"
expect 0 timeout 60 "$entente" report "$tmp/case/elsewhere.yaml" --sources-dir "$tmp/other" --mc-draws 0 --no-sensitivity -o "$tmp/elsewhere.html"
grep -q 'Outside text' "$tmp/elsewhere.html" || fail "--sources-dir text not in the report"
# A missing file is a note, not an error (a scenario copied without its sources).
with_source sources/missing.txt >"$tmp/case/missing.yaml"
expect 0 "$entente" validate "$tmp/case/missing.yaml"
grep -q "missing.yaml:6:11: note: source 's1': file 'sources/missing.txt' not found" "$tmp/err" || fail "missing source: no note: $(cat "$tmp/err")"

# Numbers that would mean nothing: an issue nobody takes a position on, or where every weight
# (capability x salience) is zero, is refused at the issue instead of given 0.00 or a midpoint.
printf 'entente: 1\ntitle: z\nissues:\n  - {id: i, scale: [0, 10]}\n  - {id: j, scale: [0, 10]}\n  - {id: k, scale: [0, 10]}\nactors:\n  - {id: A, capability: 1, positions: {i: {position: 2, salience: 0}, j: {position: 2, salience: 0.5}}}\n  - {id: B, capability: 1, positions: {i: {position: 6, salience: 0}, j: {position: 8, salience: 0.5}}}\n' >"$tmp/zero.yaml"
expect 2 "$entente" compare "$tmp/zero.yaml"
grep -q "zero.yaml:4:6: error: issue 'i': every actor's weight on it (capability x salience) is zero" "$tmp/err" || fail "zero-weight issue: $(cat "$tmp/err")"
grep -q "zero.yaml:6:6: error: issue 'k': no actor takes a position on it" "$tmp/err" || fail "issue without positions: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "compare printed forecasts for a refused scenario"
printf 'Actor,Capability,Position,Salience\nA,0,10,50\nB,0,20,50\n' >"$tmp/zero.csv"
expect 2 "$entente" run "$tmp/zero.csv"
grep -q "every actor's weight on it" "$tmp/err" || fail "zero-capability sheet: $(cat "$tmp/err")"

# CSV: a row with a value beyond the header's columns is refused at that value.
printf 'Actor,Capability,Position,Salience\nA,1,10,50\nB,1,20,50,oops\nC,2,30,60,,\n' >"$tmp/extra.csv"
expect 2 "$entente" validate "$tmp/extra.csv"
grep -q "extra.csv:3:11: error: row has a value in field 5" "$tmp/err" || fail "extra CSV field: $(cat "$tmp/err")"

# CSV output: cells a spreadsheet would evaluate get a leading ' (OWASP); numbers stay numbers.
printf 'Actor,Capability,Position,Salience\n"=cmd|%s /C calc%s!A0",1,10,50\n-3.5,1,20,50\n@SUM(A1),2,30,60\n"+x,y",1,40,40\n-x,1,5,5\n' "'" "'" >"$tmp/formula.csv"
expect 0 "$entente" run "$tmp/formula.csv" --model compromise --format csv
grep -qx "issue,0,'=cmd|' /C calc'!A0,10" "$tmp/out" || fail "=cmd cell not neutralised: $(cat "$tmp/out")"
grep -qx "issue,0,-3.5,20" "$tmp/out" || fail "the number -3.5 was changed"
grep -qx "issue,0,'@SUM(A1),30" "$tmp/out" || fail "@ cell not neutralised"
grep -qx "issue,0,\"'+x,y\",40" "$tmp/out" || fail "+ cell (quoted) not neutralised"
grep -qx "issue,0,'-x,5" "$tmp/out" || fail "- cell not neutralised"
grep -E "^[^,]*,[^,]*,[=+@]" "$tmp/out" && fail "a formula cell is left in run --format csv"
expect 0 "$entente" sensitivity "$tmp/formula.csv" --format csv
grep -q "^input,'=cmd" "$tmp/out" || fail "sensitivity csv: =cmd not neutralised: $(head -3 "$tmp/out")"
grep -qE "(^|,)[=@]" "$tmp/out" && fail "a formula cell is left in sensitivity --format csv"

# -o: modes kept, read-only and symbolic-link targets refused, devices and FIFOs written in place.
mkdir -p "$tmp/o"
echo old >"$tmp/o/ro.json"; chmod 444 "$tmp/o/ro.json"
expect 2 "$entente" run --format json -o "$tmp/o/ro.json"
grep -q "ro.json: error: is read-only" "$tmp/err" || fail "-o read-only: $(cat "$tmp/err")"
[ "$(cat "$tmp/o/ro.json")" = old ] && [ "$(stat -c %a "$tmp/o/ro.json")" = 444 ] || fail "-o changed a read-only file"
echo old >"$tmp/o/private.json"; chmod 600 "$tmp/o/private.json"
expect 0 "$entente" run --format json -o "$tmp/o/private.json"
[ "$(stat -c %a "$tmp/o/private.json")" = 600 ] || fail "-o did not keep mode 600: $(stat -c %a "$tmp/o/private.json")"
grep -q '"entente"' "$tmp/o/private.json" || fail "-o did not write the file"
echo keep >"$tmp/o/target.json"; ln -s target.json "$tmp/o/link.json"
expect 2 "$entente" run -o "$tmp/o/link.json"
grep -q "link.json: error: is a symbolic link" "$tmp/err" || fail "-o symlink: $(cat "$tmp/err")"
[ -L "$tmp/o/link.json" ] && [ "$(cat "$tmp/o/target.json")" = keep ] || fail "-o replaced a symlink or its target"
expect 2 "$entente" run -o "$tmp/o"
grep -q "error: is a directory" "$tmp/err" || fail "-o directory: $(cat "$tmp/err")"
mkfifo "$tmp/o/fifo"
cat "$tmp/o/fifo" >"$tmp/o/from-fifo" &
reader=$!
expect 0 timeout 30 "$entente" run --format csv -o "$tmp/o/fifo"
wait "$reader"
[ -p "$tmp/o/fifo" ] || fail "-o replaced a FIFO with a file"
head -1 "$tmp/o/from-fifo" | grep -qx 'issue,round,actor,position' || fail "-o FIFO: the reader got nothing"
expect 0 "$entente" run -o /dev/null
[ -c /dev/null ] || fail "-o /dev/null is no longer a device"
expect 0 "$entente" run -o -
grep -q forecast "$tmp/out" || fail "-o - does not write to standard output"
ls "$tmp/o" | grep -q '\.tmp\.' && fail "-o left a temporary file: $(ls "$tmp/o")"
expect 0 "$entente" run -o "$tmp/o/new.txt"
[ "$(stat -c %a "$tmp/o/new.txt")" = "$(printf '%o' $((0666 & ~$(umask))))" ] || fail "-o new file mode $(stat -c %a "$tmp/o/new.txt")"

# Terminal codes in names: shown in caret notation on a terminal (script(1) gives the command a
# pseudo-terminal), passed through unchanged to a pipe or file.
printf 'Actor,Capability,Position,Salience\n"Evil\033]0;PWNED\007\033[2J",1,10,50\n"B\302\23331m",1,20,50\n' >"$tmp/escape.csv"
expect 0 "$entente" run "$tmp/escape.csv" --format csv
grep -q $'Evil\033]0;PWNED\007\033\[2J' "$tmp/out" || fail "a pipe did not get the name byte for byte"
if command -v script >/dev/null 2>&1; then
  script -qec "'$entente' run '$tmp/escape.csv' --format csv" /dev/null >"$tmp/tty.out" 2>&1
  grep -q $'\033' "$tmp/tty.out" && fail "an escape code reached the terminal: $(cat -v "$tmp/tty.out" | head -3)"
  grep -q $'\302\233' "$tmp/tty.out" && fail "a C1 control reached the terminal"
  grep -q 'issue,0,Evil^\[\]0;PWNED^G^\[\[2J,10' "$tmp/tty.out" || fail "the name is not shown in caret notation: $(cat -v "$tmp/tty.out" | head -3)"
  grep -q 'issue,0,B<U+009B>31m,20' "$tmp/tty.out" || fail "the C1 code is not shown as <U+009B>"
  printf 'entente: 1\ntitle: t\nissues:\n  - {id: i, scale: [0, 10]}\nactors:\n  - {id: A, capability: 1, positions: {i: {position: 2, salience: 0.5}}}\n  - {id: B, capability: 1, patron_of: "X\\e[2J", positions: {i: {position: 8, salience: 0.5}}}\n' >"$tmp/escape.yaml"
  script -qec "'$entente' validate '$tmp/escape.yaml'" /dev/null >"$tmp/tty.err" 2>&1
  grep -q $'\033' "$tmp/tty.err" && fail "an escape code in an error message reached the terminal"
  grep -q "unknown actor 'X^\[\[2J'" "$tmp/tty.err" || fail "error message not filtered: $(cat -v "$tmp/tty.err")"
else
  echo "note: script(1) not found; terminal filtering not checked"
fi

finish "hostile input checks passed"
