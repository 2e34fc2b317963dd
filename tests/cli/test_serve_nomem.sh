#!/usr/bin/env bash
# test_serve_nomem.sh — `entente serve` meets EN_ERROR_NOMEM from the library and answers 503,
# then goes on serving. The test-only hook ENTENTE_SERVE_TEST_NOMEM=N (docs/serve.md) makes the
# N-th allocation of the library calls of the first API request fail. Skips (77) when entente
# was built without libmicrohttpd.
# usage: test_serve_nomem.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
source "$(dirname "$0")/../lib/cli.bash"
source "$(dirname "$0")/../lib/serve.bash"

# start NAME N: a server on the bundled scenario whose first API request runs out of memory at
# the library's N-th allocation; sets base and token.
start() { ENTENTE_SERVE_TEST_NOMEM=$2 serve_start "$1" "$root/scenarios/ukraine-2023.yaml"; }
call() { # METHOD PATH [BODY]: sets code; the answer is in $tmp/body
  local data=()
  [ $# -gt 2 ] && data=(--data-binary "$3")
  code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X "$1" -H "X-Entente-Token: $token" "${data[@]}" "$base$2")
}
expect_503() { # WHAT
  [ "$code" = 503 ] || fail "$1: answered $code, expected 503: $(head -c 200 "$tmp/body")"
  grep -q '"out of memory' "$tmp/body" || fail "$1: the answer does not say out of memory: $(head -c 200 "$tmp/body")"
}

# Reading the open scenario: the first allocation, and one well inside the YAML reader.
for n in 1 50; do
  start "scenario$n" "$n"
  call GET /api/scenario
  expect_503 "GET /api/scenario failing at allocation $n"
  kill -0 "${pids[-1]}" 2>/dev/null || fail "the server died after running out of memory"
  call GET /api/scenario
  [ "$code" = 200 ] || fail "GET /api/scenario after the failure: $code"
  python3 -c "import json,sys; d=json.load(open('$tmp/body')); sys.exit(0 if d['validation']['valid'] else 1)" ||
    fail "the scenario read after the failure is not valid: $(head -c 200 "$tmp/body")"
done

# Parsing a run request.
start run 1
call POST /api/run '{"command": "models", "options": {}}'
expect_503 "POST /api/run failing at allocation 1"
kill -0 "${pids[-1]}" 2>/dev/null || fail "the server died after running out of memory"

# Validating a posted scenario.
start validate 3
call POST /api/validate "$(cat "$root/scenarios/ukraine-2023.yaml")"
expect_503 "POST /api/validate failing at allocation 3"
call POST /api/validate "$(cat "$root/scenarios/ukraine-2023.yaml")"
[ "$code" = 200 ] || fail "POST /api/validate after the failure: $code"

finish "serve answers 503 when the library runs out of memory, and goes on"
