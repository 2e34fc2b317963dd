#!/usr/bin/env bash
# test_run_store.sh ENTENTE REPO — the run store through the CLI: `show` prints a recorded run
# exactly as the command printed it (every format, run and compare, mc and sensitivity JSON),
# ENTENTE_DB works like --db, `runs` lists every run with the scenario's SHA-256, two CLI
# processes recording into one file at once both succeed, and bad store paths or run ids fail
# cleanly. Expected outputs are the commands' own outputs from this same test.
set -euo pipefail
entente=$1
repo=$2
# tmp, fail, expect STATUS CMD..., finish MESSAGE
source "$(dirname "$0")/../lib/cli.bash"
db="$tmp/runs.db"
same() { cmp -s "$1" "$2" || { fail "$3"; diff "$1" "$2" | head -5 >&2; }; }

# 1. run: recorded once per format, shown back in the same format.
id=0
for format in text json csv; do
  "$entente" run --model compromise --format "$format" --db "$db" > "$tmp/run.$format" 2> "$tmp/err"
  id=$((id + 1))
  grep -q "recorded run $id in" "$tmp/err" || fail "run --db did not report run $id"
  "$entente" show "$id" --db "$db" --format "$format" > "$tmp/show.$format"
  same "$tmp/run.$format" "$tmp/show.$format" "show $id --format $format differs from run"
done
# Every format of one stored run, not only the one it was recorded with.
"$entente" show 1 --db "$db" --format json > "$tmp/show1.json"
same "$tmp/run.json" "$tmp/show1.json" "show 1 as JSON differs from run --format json"

# 2. compare through ENTENTE_DB.
ENTENTE_DB="$db" "$entente" compare --format json > "$tmp/compare.json" 2>/dev/null
id=$((id + 1))
ENTENTE_DB="$db" "$entente" show "$id" --format json > "$tmp/show-compare.json"
same "$tmp/compare.json" "$tmp/show-compare.json" "show of a compare run differs"
ENTENTE_DB="$db" "$entente" compare > "$tmp/compare.txt" 2>/dev/null
id=$((id + 1))
"$entente" show "$id" --db "$db" > "$tmp/show-compare.txt"
same "$tmp/compare.txt" "$tmp/show-compare.txt" "show of a compare run (text) differs"

# 3. analyses, when this build has them: stored as their JSON output.
for analysis in "mc --draws 200" sensitivity; do
  name=${analysis%% *}
  if "$entente" "$name" --help >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    "$entente" $analysis --format json --db "$db" > "$tmp/$name.json" 2>/dev/null
    id=$((id + 1))
    "$entente" show "$id" --db "$db" --format json > "$tmp/show-$name.json"
    same "$tmp/$name.json" "$tmp/show-$name.json" "show of a recorded $name differs"
  fi
done

war_scenario="$repo/scenarios/ukraine-war-2022.yaml"
if [ -f "$war_scenario" ] && "$entente" war --help >/dev/null 2>&1; then
  "$entente" war "$war_scenario" --runs 100 --format json --db "$tmp/war.db" > "$tmp/war.json" 2>/dev/null
  "$entente" show 1 --db "$tmp/war.db" --format json > "$tmp/show-war.json"
  same "$tmp/war.json" "$tmp/show-war.json" "show of a recorded war run differs"
fi

# 4. runs: one line per run, the scenario hash is the file's SHA-256.
lines=$("$entente" runs --db "$db" | tail -n +2 | wc -l)
[ "$lines" -eq "$id" ] || fail "runs lists $lines runs, expected $id"
hash=$(sha256sum "$repo/scenarios/ukraine-2023.yaml" | cut -c1-12)
[ "$("$entente" runs --db "$db" | tail -n +2 | awk '{print $5}' | sort -u)" = "$hash" ] || fail "stored scenario hash is not the file's SHA-256 prefix $hash"

# 5. two processes recording into one new file at once.
db2="$tmp/concurrent.db"
writer() { for _ in 1 2 3 4 5 6 7 8; do "$entente" run --db "$db2" >/dev/null 2>&1 || return 1; done; }
writer & a=$!
writer & b=$!
wait "$a" || fail "first concurrent writer failed"
wait "$b" || fail "second concurrent writer failed"
n=$("$entente" runs --db "$db2" | tail -n +2 | wc -l)
[ "$n" -eq 16 ] || fail "concurrent writers recorded $n runs, expected 16"

# 6. errors: unknown run, bad store path (before any work), --run without --db.
set +e
"$entente" show 999 --db "$db" > /dev/null 2> "$tmp/err"; status=$?
[ $status -eq 2 ] && grep -q "no run 999" "$tmp/err" || fail "show of an unknown run: status $status"
"$entente" run --db "$tmp/missing-dir/x.db" > "$tmp/out" 2> "$tmp/err"; status=$?
[ $status -eq 2 ] && [ ! -s "$tmp/out" ] || fail "run with an unopenable store: status $status, output $(wc -c < "$tmp/out") bytes"
"$entente" report --run 1 > /dev/null 2>&1; status=$?
[ $status -eq 2 ] || fail "report --run without --db: status $status"
set -e

# 7. the report of a recorded run carries its data.
"$entente" report --db "$db" --run 1 -o "$tmp/report.html" 2>/dev/null
grep -q '<script id="entente-data" type="application/json">' "$tmp/report.html" || fail "report --db has no data"

finish "run store CLI checks passed ($id runs)"
