# cli.bash — what the shell tests share (sourced, not a test: the CMake glob takes *.sh only).
# Sets tmp (a scratch directory removed on exit) and failures; fail MESSAGE counts a failure;
# expect STATUS CMD... runs CMD and checks its exit status, keeping stdout and stderr in
# $tmp/out and $tmp/err; finish MESSAGE exits 1 if anything failed, else prints MESSAGE;
# same_without_reuse NAME CMD... checks that CMD writes the same bytes with the Monte Carlo
# shortcut as with every draw computed (ENTENTE_MC_REUSE=0); $entente is the binary.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

expect() {
  local want=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" = "$want" ] || fail "'$*' exited $got, expected $want: $(head -3 "$tmp/err")"
}

finish() {
  if [ "$failures" -ne 0 ]; then echo "$failures failure(s)" >&2; exit 1; fi
  echo "$1"
}

same_without_reuse() {
  local name=$1; shift
  "$entente" "$@" >"$tmp/on" 2>"$tmp/on.err" || { fail "$name: failed: $(head -3 "$tmp/on.err")"; return; }
  ENTENTE_MC_REUSE=0 "$entente" "$@" >"$tmp/off" 2>"$tmp/off.err" || { fail "$name: ENTENTE_MC_REUSE=0 failed: $(head -3 "$tmp/off.err")"; return; }
  [ -s "$tmp/on" ] || fail "$name: no output"
  cmp -s "$tmp/on" "$tmp/off" || fail "$name: output differs without the shortcut ($(cmp "$tmp/on" "$tmp/off" | head -1))"
}
