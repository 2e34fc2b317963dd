#!/usr/bin/env bash
# test_serve.sh — `entente serve`'s HTTP API driven with curl (docs/serve.md): the URL with its
# token as the first line on stdout; the token (401) and origin (403) checks; GET /api/scenario;
# POST /api/run answering byte for byte what the CLI prints for the same command and options
# (the oracle is the CLI run by this script on the same file); validation messages located on
# the value they are about; save and reload; progress (mc, forecast, war, sensitivity, compare,
# backtest), cancel, the time and concurrency limits; a client that hangs up mid-run; recording
# in the run store; and hostile requests (oversized and malformed bodies, path traversal,
# options that would name files). Skips (77) when entente was built without libmicrohttpd.
# usage: test_serve.sh ENTENTE_BINARY REPO_ROOT
set -u
entente=$1
root=$2
source "$(dirname "$0")/../lib/cli.bash"
source "$(dirname "$0")/../lib/serve.bash"

# call METHOD PATH [BODY-FILE] [CURL ARGS...]: sets code; the body is in $tmp/body.
call() {
  local method=$1 path=$2; shift 2
  local data=()
  if [ $# -gt 0 ] && [ -n "$1" ]; then data=(--data-binary "@$1"); fi
  [ $# -gt 0 ] && shift
  code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X "$method" -H "X-Entente-Token: $token" "${data[@]}" "$@" "$base$path")
}
json() { python3 -c "import json,sys; d=json.load(open('$tmp/body')); print($1)"; }
# poll ID CONDITION TRIES: GET /api/runs/ID every 0.2 s until the Python CONDITION on its answer
# d holds, at most TRIES times; the last answer stays in $tmp/body.
poll() {
  local id=$1 condition=$2 tries=$3
  for _ in $(seq 1 "$tries"); do
    call GET "/api/runs/$id"
    [ "$(json "$condition")" = True ] && break
    sleep 0.2
  done
}

scenario="$root/scenarios/ukraine-2023.yaml"
serve_start main "$scenario" --db "$tmp/runs.db" --save "$tmp/saved.yaml" --max-body 65536
pid_main=${pids[-1]}

# The page, with its policy; the API needs the token; other origins and host names are refused.
code=$(curl -s -D "$tmp/headers" -o "$tmp/page" -w '%{http_code}' "$base/")
[ "$code" = 200 ] || fail "GET / answered $code"
grep -qi "^content-security-policy: default-src 'none'; script-src 'self'" "$tmp/headers" || fail "the page has no Content-Security-Policy"
grep -q '<script src="/assets/serve.js">' "$tmp/page" || fail "the page does not load its script"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/scenario"); [ "$code" = 401 ] || fail "no token: $code, expected 401"
# The token with its last digit changed (to 0, or to 1 when it already ends in 0).
last=${token: -1}; other=0; [ "$last" = 0 ] && other=1
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Entente-Token: ${token%?}$other" "$base/api/scenario"); [ "$code" = 401 ] || fail "wrong token: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/scenario?token=$token"); [ "$code" = 200 ] || fail "token in the query: $code"
call GET /api/scenario "" -H "Authorization: Bearer $token"; [ "$code" = 200 ] || fail "bearer token: $code"
call GET /api/scenario "" -H "Origin: http://evil.example"; [ "$code" = 403 ] || fail "another origin: $code, expected 403"
call GET /api/scenario "" -H "Sec-Fetch-Site: cross-site"; [ "$code" = 403 ] || fail "cross-site fetch: $code, expected 403"
call GET /api/scenario "" -H "Host: evil.example:${base##*:}"; [ "$code" = 403 ] || fail "another Host (DNS rebinding): $code, expected 403"
call GET /api/scenario "" -H "Origin: $base"; [ "$code" = 200 ] || fail "same origin refused: $code"

# GET /api/scenario: the open scenario as a document with every field in the file's order.
call GET /api/scenario
[ "$code" = 200 ] || fail "GET /api/scenario: $code"
[ "$(json "d['name']")" = ukraine-2023.yaml ] || fail "scenario name: $(head -c 200 "$tmp/body")"
[ "$(json "','.join(d['document'].keys())")" = "$(grep -o '^[a-z_]*:' "$scenario" | tr -d : | paste -sd,)" ] ||
  fail "top-level keys not in the file's order: $(json "list(d['document'].keys())")"
[ "$(json "len(d['document']['actors'])")" = "$(grep -c '^  - id: ' <(sed -n '/^actors:/,$p' "$scenario"))" ] || fail "actor count"
[ "$(json "d['validation']['valid']")" = True ] || fail "the bundled scenario does not validate"
cp "$tmp/body" "$tmp/scenario.json"

# POST /api/run answers exactly what the CLI prints.
"$entente" forecast "$scenario" --draws 100 --war-runs 20 --seed 5 --what-if UKR.talks.public=50 --format json >"$tmp/cli.json"
printf '{"command": "forecast", "options": {"draws": 100, "war-runs": 20, "seed": 5, "what-if": ["UKR.talks.public=50"]}}' >"$tmp/req"
call POST /api/run "$tmp/req"
[ "$code" = 200 ] || fail "run forecast: $code $(head -c 300 "$tmp/body")"
cmp -s "$tmp/body" "$tmp/cli.json" || fail "POST /api/run forecast differs from entente forecast --format json"
for cmd in run compare sensitivity; do
  "$entente" "$cmd" "$scenario" --format json >"$tmp/cli.json"
  printf '{"command": "%s"}' "$cmd" >"$tmp/req"
  call POST /api/run "$tmp/req"
  [ "$code" = 200 ] && cmp -s "$tmp/body" "$tmp/cli.json" || fail "POST /api/run $cmd ($code) differs from the CLI"
done
"$entente" mc "$scenario" --draws 200 --model median --quiet --format json >"$tmp/cli.json"
printf '{"command": "mc", "options": {"draws": 200, "model": "median"}}' >"$tmp/req"
call POST /api/run "$tmp/req"
[ "$code" = 200 ] && cmp -s "$tmp/body" "$tmp/cli.json" || fail "POST /api/run mc ($code) differs from the CLI"

# The edited scenario travels as a document: a change of a salience changes the answer exactly
# as the same change in the YAML file does for the CLI.
python3 - "$tmp/scenario.json" "$tmp/req" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))['document']
d['actors'][0]['positions']['talks']['salience'] = 0.05
json.dump({'command': 'run', 'options': {'model': 'median'}, 'scenario': d}, open(sys.argv[2], 'w'))
PY
awk 'BEGIN{a=0} /^actors:/{a=1} a&&/^      talks:/{t=1} t&&/salience:/&&!done{sub(/salience: [0-9.]+/,"salience: 0.05");done=1} {print}' "$scenario" >"$tmp/edited.yaml"
grep -c "salience: 0.05" "$tmp/edited.yaml" | grep -qx 1 || fail "test set-up: the edited file"
(cd "$root/scenarios" && "$entente" run "$tmp/edited.yaml" --model median --sources-dir . --format json) | sed "s#\"scenario\": .*\"model\"#X#" >"$tmp/cli.json"
call POST /api/run "$tmp/req"
sed "s#\"scenario\": .*\"model\"#X#" "$tmp/body" >"$tmp/api.json"
[ "$code" = 200 ] && cmp -s "$tmp/api.json" "$tmp/cli.json" || fail "edited scenario: the API ($code) and the CLI on the edited file differ"
"$entente" run "$scenario" --model median --format json | sed "s#\"scenario\": .*\"model\"#X#" >"$tmp/base.json"
cmp -s "$tmp/api.json" "$tmp/base.json" && fail "the salience change did not change the median forecast"

# Validation: a bad value is located on the value (line and column of the converted YAML and
# the document's path to it); a command's own error comes back located too.
python3 - "$tmp/scenario.json" "$tmp/req" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))['document']
d['actors'][1]['positions']['territory']['salience'] = 1.7
json.dump({'document': d}, open(sys.argv[2], 'w'))
PY
call POST /api/validate "$tmp/req"
[ "$code" = 200 ] || fail "validate: $code"
[ "$(json "d['valid']")" = False ] || fail "a salience of 1.7 validated"
[ "$(json "d['messages'][0]['path']")" = /actors/1/positions/territory/salience ] || fail "message path: $(cat "$tmp/body")"
json "d['messages'][0]['message']" | grep -q "salience 1.7 is out of range" || fail "message: $(cat "$tmp/body")"
# capability x: line 7, column 25 (counted by hand).
printf 'entente: 1\ntitle: t\nissues:\n  - {id: i, scale: [0, 10]}\nactors:\n  - {id: B, capability: 1, positions: {i: {position: 8, salience: 0.5}}}\n  - {id: A, capability: x, positions: {i: {position: 2, salience: 0.5}}}\n' >"$tmp/bad.yaml"
call POST /api/validate "$tmp/bad.yaml"
[ "$(json "[(m['line'], m['column'], m['path']) for m in d['messages'] if 'capability' in m['message']]")" = "[(7, 25, '/actors/1/capability')]" ] ||
  fail "YAML text validation: $(cat "$tmp/body")"
printf '{"command": "forecast", "options": {"what-if": ["NOBODY.talks.public=50"], "draws": 10}}' >"$tmp/req"
call POST /api/run "$tmp/req"
[ "$code" = 422 ] || fail "a bad what-if answered $code, expected 422"
json "d['messages'][0]['file'] + ':' + d['messages'][0]['message']" | grep -q "^--what-if:" || fail "what-if error not located: $(cat "$tmp/body")"

# Save edits the opened text: a value changed through the API changes only that value's text
# (the oracle is the file edited by awk above), its comments and layout stay; saving
# the opened document again gives back the file byte for byte.
python3 - "$tmp/scenario.json" "$tmp/req" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))['document']
d['actors'][0]['positions']['talks']['salience'] = 0.05
json.dump({'document': d}, open(sys.argv[2], 'w'))
PY
call POST /api/save "$tmp/req"
[ "$code" = 200 ] || fail "save of an edited value: $code $(head -c 300 "$tmp/body")"
diff "$tmp/edited.yaml" "$tmp/saved.yaml" >"$tmp/diff" || fail "save changed more than the edited value: $(head -20 "$tmp/diff")"
python3 -c "import json; d=json.load(open('$tmp/scenario.json')); json.dump({'document': d['document']}, open('$tmp/req','w'))"
call POST /api/save "$tmp/req"
cmp -s "$scenario" "$tmp/saved.yaml" || fail "saving the opened document again does not give back the file: $(diff "$scenario" "$tmp/saved.yaml" | head -10)"

# Save writes the YAML the CLI reads (the --save file); the CLI gives the same answers on it;
# GET /api/scenario then gives back the same document.
python3 -c "import json; d=json.load(open('$tmp/scenario.json')); json.dump({'document': d['document']}, open('$tmp/req','w'))"
call POST /api/save "$tmp/req"
[ "$code" = 200 ] || fail "save: $code $(head -c 300 "$tmp/body")"
expect 0 "$entente" validate "$tmp/saved.yaml" --sources-dir "$root/scenarios"
"$entente" compare "$tmp/saved.yaml" --sources-dir "$root/scenarios" --format json >"$tmp/a.json"
"$entente" compare "$scenario" --format json >"$tmp/b.json"
cmp -s "$tmp/a.json" "$tmp/b.json" || fail "compare on the saved file differs from compare on the original"
call GET /api/scenario
python3 -c "import json; a=json.load(open('$tmp/scenario.json'))['document']; b=json.load(open('$tmp/body'))['document']; exit(0 if a==b else 1)" ||
  fail "the saved and reloaded document differs from the opened one"
[ "$(grep -c . "$tmp/saved.yaml")" -gt 100 ] || fail "saved file too short"

# Recorded in the run store.
"$entente" runs --db "$tmp/runs.db" >"$tmp/runs.txt" 2>&1
grep -q forecast "$tmp/runs.txt" && grep -q compare "$tmp/runs.txt" || fail "runs not recorded: $(head -5 "$tmp/runs.txt")"
call GET /api/recorded
[ "$code" = 200 ] || fail "GET /api/recorded: $code"
[ "$(json "len(d['runs'])")" = "$(tail -n +2 "$tmp/runs.txt" | grep -c .)" ] || fail "recorded runs: $(head -c 300 "$tmp/body") vs $(cat "$tmp/runs.txt")"
first=$(json "d['runs'][0]['id']")
printf '{"run": %s}' "$first" >"$tmp/req"
call POST /api/open "$tmp/req"
[ "$code" = 200 ] && [ "$(json "d['name']")" = "run-$first.yaml" ] || fail "open a recorded run: $code $(head -c 200 "$tmp/body")"
[ "$(json "d['validation']['valid']")" = True ] || fail "the recorded run's scenario does not validate"
call GET /api/models
[ "$(json "d['default'] in [m['name'] for m in d['models']]")" = True ] || fail "GET /api/models: $(head -c 200 "$tmp/body")"
[ "$(json "','.join(m['name'] for m in d['models'])")" = "$("$entente" models | awk '/^[a-z]/ {print $1}' | paste -sd,)" ] ||
  fail "GET /api/models differs from entente models: $(head -c 300 "$tmp/body")"

# Hostile requests: each a 4xx with a message, and the server still answers afterwards.
head -c 70000 /dev/zero | tr '\0' 'a' >"$tmp/big"
call POST /api/validate "$tmp/big"; [ "$code" = 413 ] || fail "oversized body: $code, expected 413"
printf '{"command": "forecast", ' >"$tmp/req"
call POST /api/run "$tmp/req"; [ "$code" = 400 ] || fail "truncated JSON: $code"
json "d['messages'][0]['file']" | grep -qx request || fail "bad JSON not located: $(cat "$tmp/body")"
printf '[1, 2]' >"$tmp/req"; call POST /api/run "$tmp/req"; [ "$code" = 400 ] || fail "JSON array body: $code"
printf '{"command": "report"}' >"$tmp/req"; call POST /api/run "$tmp/req"; [ "$code" = 400 ] || fail "command report: $code"
for opt in output o db sources-dir input-format format; do
  printf '{"command": "run", "options": {"%s": "/etc/passwd"}}' "$opt" >"$tmp/req"
  call POST /api/run "$tmp/req"; [ "$code" = 400 ] || fail "option $opt accepted: $code"
done
printf '{"command": "run", "options": {"--db": "x"}}' >"$tmp/req"; call POST /api/run "$tmp/req"; [ "$code" = 400 ] || fail "option --db: $code"
printf '{"command": "run", "options": {"model": {"a": 1}}}' >"$tmp/req"; call POST /api/run "$tmp/req"; [ "$code" = 400 ] || fail "object option: $code"
printf '{"command": "run", "options": {"model": "../../etc/passwd"}}' >"$tmp/req"; call POST /api/run "$tmp/req"; [ "$code" = 422 ] || fail "odd model name: $code"
for p in /../../../etc/passwd /assets/../../etc/passwd /assets/%2e%2e/%2e%2e/etc/passwd /api/../../etc/passwd /etc/passwd /assets/; do
  code=$(curl -s --path-as-is -o "$tmp/body" -w '%{http_code}' -H "X-Entente-Token: $token" "$base$p")
  [ "$code" = 404 ] || [ "$code" = 400 ] || fail "GET $p answered $code"
  grep -q "root:" "$tmp/body" && fail "GET $p served /etc/passwd"
done
call DELETE /api/scenario; [ "$code" = 405 ] || fail "DELETE: $code"
call GET /api/run; [ "$code" = 405 ] || fail "GET /api/run: $code"
printf '{"text": "entente: 1\\ntitle: \\"<script>alert(1)</script>\\"\\nissues: []\\nactors: []\\n", "name": "../../x.yaml"}' >"$tmp/req"
call POST /api/open "$tmp/req"; [ "$code" = 422 ] || [ "$code" = 200 ] || fail "open: $code"
[ "$(json "d.get('name', '')")" = "x.yaml" ] || [ "$code" = 422 ] || fail "an uploaded name kept its path: $(head -c 200 "$tmp/body")"

# A client that hangs up mid-run leaves the server working.
printf '{"command": "mc", "options": {"draws": 100000, "threads": 1}}' >"$tmp/req"
curl -s -m 0.5 -o /dev/null -H "X-Entente-Token: $token" --data-binary @"$tmp/req" "$base/api/run"
kill -0 "$pid_main" || fail "the server died when a client hung up"
call GET /api/scenario; [ "$code" = 200 ] || fail "after a hang-up: $code"
finish_main() { kill "$pid_main"; wait "$pid_main" 2>/dev/null; }
finish_main

# Progress, cancel and the concurrency limit (timing-free: the machine may be loaded).
serve_start limits "$scenario" --max-runs 1 --max-run-seconds 120
printf '{"command": "mc", "options": {"draws": 5000000, "threads": 1}, "wait": false}' >"$tmp/req"
call POST /api/run "$tmp/req"
[ "$code" = 202 ] || fail "async run: $code $(cat "$tmp/body")"
id=$(json "d['id']")
poll "$id" "d['progress'] is not None" 100
[ "$(json "d['state']")" = running ] || fail "progress: $(cat "$tmp/body")"
[ "$(json "d['progress']['total']")" = 5000000 ] || fail "no draw count in the progress: $(cat "$tmp/body")"
printf '{"command": "run"}' >"$tmp/req2"
call POST /api/run "$tmp/req2"; [ "$code" = 429 ] || fail "a second run with --max-runs 1: $code, expected 429"
call POST "/api/runs/$id/cancel"
[ "$(json "d['state']")" = cancelled ] || fail "cancel: $(cat "$tmp/body")"
call GET "/api/runs/$id/result"
[ "$code" = 409 ] || fail "result of a cancelled run: $code"
[ "$(json "d['partial']['interrupted']")" = True ] || fail "a cancelled mc gives its partial answer: $(head -c 300 "$tmp/body")"
call GET /api/runs/999; [ "$code" = 404 ] || fail "unknown run: $code"
call POST /api/run "$tmp/req2"; [ "$code" = 200 ] || fail "the server did not recover after a cancel: $code"
# forecast reports its Monte Carlo draws too: base and one what-if, so twice the draws asked for.
printf '{"command": "forecast", "options": {"draws": 200000, "threads": 1, "what-if": ["UKR.talks.public=50"]}, "wait": false}' >"$tmp/req"
call POST /api/run "$tmp/req"
[ "$code" = 202 ] || fail "async forecast: $code $(cat "$tmp/body")"
id=$(json "d['id']")
poll "$id" "d['progress'] is not None" 100
[ "$(json "d['progress'] is not None and d['progress']['total']")" = 400000 ] || fail "no draw count in forecast's progress: $(cat "$tmp/body")"
[ "$(json "0 < d['progress']['done'] <= 400000")" = True ] || fail "forecast's draws done: $(cat "$tmp/body")"
call POST "/api/runs/$id/cancel"
[ "$(json "d['state']")" = cancelled ] || fail "cancel forecast: $(cat "$tmp/body")"
# war, sensitivity, compare and backtest report a fraction done too; a finished run's last report
# is its total (war: the runs asked for; sensitivity: 2 runs per input moved and per actor, 32
# for this scenario counted by hand; compare: the models its answer lists; backtest: models x
# cases), and the answer is the CLI's.
cat >"$tmp/small.yaml" <<'EOF'
entente: 1
title: progress
issues:
  - {id: a, scale: [0, 100], status_quo: 50, outcome: 55}
  - {id: b, scale: [-1, 1], status_quo: 0, outcome: 0.2}
actors:
  - {id: P, capability: 3, veto: true, positions: {a: {position: 20, salience: 0.8}, b: {position: 0.5, salience: 0.2}}}
  - {id: Q, capability: 1, positions: {a: {position: 80, salience: 0.5}, b: {position: -0.4, salience: 0.6}}}
  - {id: R, capability: 2, positions: {a: {position: 60, salience: 0.4}}}
EOF
"$entente" compare "$tmp/small.yaml" --format json >"$tmp/compare.json"
models=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["models"]))' "$tmp/compare.json")
"$entente" backtest "$tmp/small.yaml" --min-actors 2 --resamples 50 --format json >"$tmp/backtest.json"
bt_runs=$(python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); print(len(d["models"]) * d["scenarios"])' "$tmp/backtest.json")
"$entente" war "$root/scenarios/ukraine-war-2022.yaml" --runs 30 --threads 2 --format json >"$tmp/war.json"
# run_progress NAME FILE REQUEST TOTAL UNIT CLI-ANSWER
run_progress() {
  local name=$1 file=$2 request=$3 total=$4 unit=$5 expected=$6
  python3 -c 'import json,sys; r = json.loads(sys.argv[2]); r["scenario"] = open(sys.argv[1]).read(); r["wait"] = False; print(json.dumps(r))' \
    "$file" "$request" >"$tmp/req"
  call POST /api/run "$tmp/req"
  [ "$code" = 202 ] || { fail "async $name: $code $(cat "$tmp/body")"; return; }
  local id
  id=$(json "d['id']")
  poll "$id" "d['state'] != 'running'" 300
  [ "$(json "d['state']")" = done ] || fail "$name did not finish: $(cat "$tmp/body")"
  [ "$(json "d['progress'] == {'done': $total, 'total': $total, 'unit': '$unit'}")" = True ] ||
    fail "$name's last progress is not $total of $total $unit: $(cat "$tmp/body")"
  call GET "/api/runs/$id/result"
  cmp -s "$tmp/body" "$expected" || fail "$name through the API differs from the CLI"
}
run_progress war "$root/scenarios/ukraine-war-2022.yaml" '{"command": "war", "options": {"runs": 30, "threads": 2}}' 30 runs "$tmp/war.json"
"$entente" sensitivity "$tmp/small.yaml" --model eum --format json >"$tmp/sensitivity.json"
run_progress sensitivity "$tmp/small.yaml" '{"command": "sensitivity", "options": {"model": "eum"}}' 32 runs "$tmp/sensitivity.json"
run_progress compare "$tmp/small.yaml" '{"command": "compare"}' "$models" models "$tmp/compare.json"
run_progress backtest "$tmp/small.yaml" '{"command": "backtest", "options": {"min-actors": 2, "resamples": 50}}' "$bt_runs" "model runs" "$tmp/backtest.json"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null

# The time limit.
serve_start timeout "$scenario" --max-run-seconds 1
printf '{"command": "mc", "options": {"draws": 50000000, "threads": 1}}' >"$tmp/req"
call POST /api/run "$tmp/req"
[ "$code" = 504 ] || fail "a run past --max-run-seconds answered $code, expected 504"

# Every server stopped cleanly (under the sanitizers: no error, no leak).
for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
pids=()
if grep -l "Sanitizer\|runtime error" "$tmp"/*.err >/dev/null 2>&1; then fail "sanitizer report: $(grep -h -A5 "Sanitizer\|runtime error" "$tmp"/*.err | head -20)"; fi

finish "serve: API, token/origin checks, runs equal to the CLI, validation, save, limits and hostile requests all hold"
