# serve.bash — what the shell tests of `entente serve` share (sourced after cli.bash, not a test:
# the CMake glob takes *.sh only). Skips (77) without curl. pids lists the servers started; on
# exit every one is stopped and $tmp removed. serve_start NAME ARGS... runs
# `$entente serve --port 0 ARGS...` in the background with its stdout and stderr in
# $tmp/NAME.out and $tmp/NAME.err, waits up to 10 s for its first line, skips (77) when entente
# was built without libmicrohttpd, fails the test unless that line is the URL with its token,
# and sets base (http://127.0.0.1:PORT) and token.
command -v curl >/dev/null || { echo "SKIP: curl not found"; exit 77; }

pids=()
serve_cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap serve_cleanup EXIT

serve_start() {
  local name=$1; shift
  "$entente" serve --port 0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=($!)
  for _ in $(seq 1 100); do [ -s "$tmp/$name.out" ] && break; sleep 0.1; done
  if grep -q "built without libmicrohttpd" "$tmp/$name.err"; then echo "SKIP: built without libmicrohttpd"; exit 77; fi
  local url
  url=$(head -1 "$tmp/$name.out")
  [[ "$url" =~ ^http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{64}$ ]] || { fail "first line is not the URL with a token: '$url' $(cat "$tmp/$name.err")"; finish x; }
  base=${url%%/\?token=*}
  token=${url##*token=}
}
