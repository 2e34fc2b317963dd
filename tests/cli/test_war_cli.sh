#!/usr/bin/env bash
# test_war_cli.sh — `entente war` and `entente run --model war` end to end on the bundled 2022–2024
# scenario: JSON layout, identical output for any thread count, --explain, --from/--to,
# --settle-with, located errors for a bad war section, exit statuses; `convert` keeps the war
# section (the converted file gives the same output for the same seed).
# Usage: bash test_war_cli.sh ENTENTE_BINARY REPO_ROOT
set -u
bin=$1
root=$2
scenario="$root/scenarios/ukraine-war-2022.yaml"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # check NAME CONDITION...
    local name=$1
    shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fails=$((fails + 1)); fi
}

"$bin" war "$scenario" --runs 24 --seed 5 --threads 1 --format json >"$tmp/t1.json"
check "war json exits 0" test $? -eq 0
"$bin" war "$scenario" --runs 24 --seed 5 --threads 2 --format json >"$tmp/t2.json"
check "same output with 1 and 2 threads" cmp -s "$tmp/t1.json" "$tmp/t2.json"
check "json layout" python3 - "$tmp/t1.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["runs"] == 24 and d["seed"] == 5
s = d["steps"][0]
assert s["date"] == "2022-02-28"
for k in ("p_window_open", "p_deal_by", "median_slack"):
    assert isinstance(s[k], (int, float)), k
assert all(0 <= x["p_window_open"] <= 1 for x in d["steps"])
p = [x["p_deal_by"] for x in d["steps"]]
assert p == sorted(p), "P(deal by) never falls"
assert "terms" in d["deals"] and "territory" in d["deals"]["terms"]
assert d["summary"].startswith("The window")
EOF

# convert keeps the war section: the converted file gives the same war, seed for seed
"$bin" convert "$scenario" -o "$tmp/converted.yaml"
check "convert exits 0" test $? -eq 0
check "converted file has the war section" grep -q "^war:" "$tmp/converted.yaml"
"$bin" war "$tmp/converted.yaml" --runs 24 --seed 5 --threads 1 --format json >"$tmp/converted.json"
check "converted scenario: same war json" cmp -s "$tmp/t1.json" "$tmp/converted.json"
"$bin" war "$scenario" --runs 12 --seed 9 --explain 2022-04-01 >"$tmp/explain_original.txt"
"$bin" war "$tmp/converted.yaml" --runs 12 --seed 9 --explain 2022-04-01 >"$tmp/explain_converted.txt"
check "converted scenario: same war text and --explain" cmp -s "$tmp/explain_original.txt" "$tmp/explain_converted.txt"

"$bin" war "$scenario" --runs 12 >"$tmp/text.txt"
check "text ends with the summary" grep -q "^Summary: The window" "$tmp/text.txt"

"$bin" war "$scenario" --runs 12 --explain 2022-04-01 >"$tmp/explain.txt"
check "explain lists the veto players" grep -q "^  RUS " "$tmp/explain.txt"
check "explain says who blocks" grep -q "^Who blocks" "$tmp/explain.txt"

"$bin" war "$scenario" --runs 12 --from 2023-01-01 --to 2023-03-01 --format json >"$tmp/range.json"
check "--from/--to select the steps" python3 -c "
import json,sys; d=json.load(open('$tmp/range.json')); s=d['steps']
assert s[0]['date'] >= '2022-12-26' and s[-1]['date'] <= '2023-03-01' and len(s) <= 10, s"

"$bin" war "$scenario" --runs 6 --settle-with compromise >/dev/null
check "--settle-with compromise" test $? -eq 0
"$bin" war "$scenario" --runs 6 --settle-with nope >/dev/null 2>"$tmp/err.txt"
check "--settle-with unknown model exits 2" test $? -eq 2
"$bin" war "$scenario" --explain 2031-01-01 >/dev/null 2>&1
check "--explain outside the run exits 2" test $? -eq 2
"$bin" war "$scenario" --from 2022-02-30 >/dev/null 2>&1
check "bad date exits 2" test $? -eq 2

"$bin" run "$scenario" --model war --param runs=8 --format json >"$tmp/run.json"
check "run --model war" python3 -c "
import json; d=json.load(open('$tmp/run.json')); assert d['model']=='war' and 'war' in d and d['issues']"

# a war section with an unknown event type: located error, exit 2
sed 's/type: channel_close, actor: UKR/type: chanel_close, actor: UKR/' "$scenario" >"$tmp/bad.yaml"
"$bin" war "$tmp/bad.yaml" --runs 2 >/dev/null 2>"$tmp/bad.txt"
check "bad event type exits 2" test $? -eq 2
check "bad event type located with did-you-mean" grep -qE "bad.yaml:[0-9]+:[0-9]+: error: unknown event type 'chanel_close' \(did you mean 'channel_close'\?\)" "$tmp/bad.txt"
# a scenario without a war section
"$bin" war "$root/scenarios/ukraine-2023.yaml" --runs 2 >/dev/null 2>"$tmp/nowar.txt"
check "no war section is an error" grep -q "no war: section" "$tmp/nowar.txt"

# WB-2: the bundled backcast signs in spring 2022 in a minority of runs and says why; fields
# are added, none renamed; --deal-by, --as-of, scheduled events, located errors
"$bin" war "$scenario" --runs 300 --seed 3 --threads 2 --deal-by 2022-05-31,2022-12-31 --format json >"$tmp/wb2.json"
check "WB-2 json: spring minority, kinds, why, deal_by" python3 - "$tmp/wb2.json" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["steps"][0]
for k in ("date", "p_window_open", "p_window_open_all_runs", "p_deal_by", "median_slack", "near_miss"):
    assert k in s, k
for k in ("deals", "blockers", "patron_vetoes", "decisive", "summary"):
    assert k in d, k
assert set(s["p_deal_by_kind"]) == {"settlement", "ceasefire", "victors_ceasefire"}
assert {"offer_rejected", "no_offer", "patron_pressure"} <= set(s["near_miss"])
spring = d["deal_by"][0]
assert spring["date"] == "2022-05-31" and spring["p_deal"] < 0.5, spring
assert abs(spring["p_deal"] - (spring["settlement"] + spring["ceasefire"] + spring["victors_ceasefire"])) < 1e-9
assert d["steps"][0]["p_deal_by"] < 0.06, "near zero in the first week"
assert "ratification_failed" in d["why_no_deal"]["by_actor"] and d["why_no_deal"]["by_actor"]["ratification_failed"]
assert "commonest reason" in d["summary"]
EOF2
"$bin" war "$scenario" --runs 50 --deal-by 2022-05-31 >"$tmp/wb2.txt"
check "--deal-by text table" grep -q "^             2022-05-31 " "$tmp/wb2.txt"
check "text names why" grep -q "^Why no deal at a step at war" "$tmp/wb2.txt"
"$bin" war "$scenario" --runs 50 --explain 2022-04-11 >"$tmp/wb2x.txt"
check "--explain shows talks and patron pressure" grep -q "^Patron USA: surplus of the deal on the table" "$tmp/wb2x.txt"
check "--explain shows offers" grep -q "^Talks that step: an offer in" "$tmp/wb2x.txt"
"$bin" war "$scenario" --runs 50 --as-of 2022-06-01 --format json >"$tmp/asof.json"
check "--as-of: report starts at the date, no deal before it" python3 -c "
import json; d=json.load(open('$tmp/asof.json')); s=d['steps']
assert '2022-05-26' <= s[0]['date'] <= '2022-06-01' and s[0]['p_deal_by'] <= 0.3, s[0]"
"$bin" war "$scenario" --runs 2 --deal-by 2022-13-01 >/dev/null 2>&1
check "bad --deal-by exits 2" test $? -eq 2
"$bin" war "$scenario" --runs 2 --deal-by 2031-01-01 >/dev/null 2>&1
check "--deal-by outside the run exits 2" test $? -eq 2
"$bin" war "$scenario" --runs 2 --as-of 2019-01-01 >/dev/null 2>&1
check "--as-of outside the run exits 2" test $? -eq 2
sed 's/^  began: 2022-02-24 .*/  began: 2022-03-24/' "$scenario" >"$tmp/began.yaml"
"$bin" war "$tmp/began.yaml" --runs 2 >/dev/null 2>"$tmp/began.txt"
check "began after start: located error" grep -qE "began.yaml:[0-9]+:[0-9]+: error: began 2022-03-24 is after start 2022-02-28" "$tmp/began.txt"
sed 's/type: channel_close, actor: UKR,/type: channel_close, actor: UKR, scheduled: maybe,/' "$scenario" >"$tmp/sched.yaml"
"$bin" war "$tmp/sched.yaml" --runs 2 >/dev/null 2>"$tmp/sched.txt"
check "bad scheduled exits 2" test $? -eq 2
sed 's/type: channel_close, actor: UKR,/type: channel_close, actor: UKR, scheduled: true,/' "$scenario" >"$tmp/sched2.yaml"
"$bin" convert "$tmp/sched2.yaml" -o "$tmp/sched2c.yaml"
check "convert keeps scheduled and began" sh -c "grep -q 'scheduled: true' '$tmp/sched2c.yaml' && grep -q '^  began: 2022-02-24' '$tmp/sched2c.yaml'"
for war in falklands-1982 bosnia-1995 kosovo-1999 october-1973 georgia-2008 karabakh-2020 gulf-1991 iran-iraq-1988 \
           korea-1951 indo-pakistani-1971 eritrea-ethiopia-1999 cenepa-1995 lebanon-2006 football-war-1969 sino-vietnamese-1979; do
    "$bin" war "$root/scenarios/wars/$war.yaml" --runs 20 --as-of "$(sed -n 's/^date: //p' "$root/scenarios/wars/$war.yaml")" >/dev/null
    check "validation war $war runs" test $? -eq 0
done

exit $((fails > 0))
