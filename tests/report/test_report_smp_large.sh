#!/usr/bin/env bash
# test_report_smp_large.sh ENTENTE REPO — the report of a large smp run stays bounded and
# useful: a run of 200 random actors in 3 dimensions over 20 turns (more position points than
# the page's budget) is recorded in a run store and reported. Checked against the run's own
# full JSON (`run --format json`) with an independent implementation of the documented rule
# (docs/models/smp.md, "Report"): the number of actors drawn, which ones, that every embedded
# trajectory, move, winning probability, queue winner and bargain is the full run's record
# for exactly those actors, and that the landscape from the binned voters equals the landscape
# from every actor. Then headless Chromium opens the page: ready, no error, the four smp charts
# drawn and the note saying how many actors were left out. The browser part skips as
# test_report_browser.sh does where Chromium is missing.
set -euo pipefail
entente=$1
repo=$2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$repo/bench/smp_scenario.py" 200 3 5 > "$work/big.yaml"
run=("$entente" run "$work/big.yaml" --model smp --rounds 20 --param min_rounds=20)
"${run[@]}" --format json -o "$work/run.json"
"${run[@]}" --db "$work/runs.db" > /dev/null 2>&1
"$entente" report --db "$work/runs.db" --run 1 -o "$work/page.html" 2>/dev/null
# without a trace (no winning probabilities: the most capable are drawn)
"${run[@]}" --trace none --format json -o "$work/bare.json"
"${run[@]}" --trace none --db "$work/runs.db" > /dev/null 2>&1
"$entente" report --db "$work/runs.db" --run 2 -o "$work/bare.html" 2>/dev/null

for pair in "run.json page.html" "bare.json bare.html"; do
set -- $pair
python3 - "$work/$1" "$work/$2" <<'PY'
import json, re, sys

full = json.load(open(sys.argv[1]))
html = open(sys.argv[2], encoding="utf-8").read()
block = re.search(r'<script id="entente-data" type="application/json">(.*?)</script>', html, re.S).group(1)
page = json.loads(block)
fail = []
BUDGET, FLOOR, GRID = 10000, 10, 41

# bounded size: the page (libraries included) and its data
if len(html) > 6_000_000: fail.append("page of %d bytes" % len(html))
if len(block) > 4_000_000: fail.append("embedded data of %d bytes" % len(block))

model = [m for m in page["models"] if m["model"] == "smp"][0]
S = page["scenario"]
actors = {a["id"]: a for a in S["actors"]}
n = len({a for ir in full["issues"] for a in ir["rounds"][0]["positions"]})
d = len(full["issues"])
T = max(len(ir["rounds"]) for ir in full["issues"])
assert n * d * T > BUDGET, "the test's run must exceed the budget"
K = min(n, max(FLOOR, BUDGET // (d * T)))

# which actors: half (rounded up) by last-turn winning probability, then by capability
win = {a: -1.0 for a in actors}
for sp in full.get("spaces", []):
    for a, p in sp["rounds"][-1]["win_probability"].items():
        win[a] = max(win[a], p)
def cap_key(a):
    return (-actors[a]["capability"], a.encode())
by_win = sorted(actors, key=lambda a: (-win[a],) + cap_key(a))
first = (K + 1) // 2
rest = sorted(by_win[first:], key=cap_key)
expected = by_win[:first] + rest[:K - first]
cut = model.get("report_cut")
if not cut: fail.append("no report_cut")
else:
    if cut["actors"] != n or cut["drawn"] != K: fail.append("cut %s of %s, expected %d of %d" % (cut["drawn"], cut["actors"], K, n))
    if cut["actor_ids"] != expected: fail.append("drawn actors differ from the documented rule")
drawn = set(expected)

# trajectories and moves: the full run's, for the drawn actors only
for fi, pi in zip(full["issues"], model["issues"]):
    if fi["id"] != pi["id"] or len(fi["rounds"]) != len(pi["rounds"]): fail.append("issue layout " + fi["id"])
    for fr, pr in zip(fi["rounds"], pi["rounds"]):
        want = {a: x for a, x in fr["positions"].items() if a in drawn}
        if pr["positions"] != want: fail.append("positions %s round %d" % (fi["id"], fr["round"]))
        if pr["mean"] != fr["mean"] or pr["median"] != fr["median"]: fail.append("mean/median %s" % fi["id"])
        if "moves" in fr:
            if pr.get("moves") != [m for m in fr["moves"] if m["actor"] in drawn]: fail.append("moves %s" % fi["id"])
points = sum(len(r["positions"]) for ir in model["issues"] for r in ir["rounds"])
if points > max(BUDGET, FLOOR * d * T): fail.append("%d position points embedded" % points)

# spaces: the drawn actors' records and the bargains their queue winners name
if ("spaces" in full) != ("spaces" in model): fail.append("spaces")
for fs, ps in zip(full.get("spaces", []), model.get("spaces", [])):
    for fr, pr in zip(fs["rounds"], ps["rounds"]):
        if pr["win_probability"] != {a: p for a, p in fr["win_probability"].items() if a in drawn}: fail.append("win_probability")
        qw = {a: w for a, w in fr.get("queue_winners", {}).items() if a in drawn}
        if pr.get("queue_winners", {}) != qw: fail.append("queue_winners")
        named = {w["bargain"] for w in qw.values()}
        if pr.get("bargains", []) != [b for b in fr.get("bargains", []) if b["id"] in named]: fail.append("bargains")
        if pr.get("change_ratio") != fr.get("change_ratio"): fail.append("change_ratio")

# the landscape: binned voters against every voter (the page's formula, docs/models/smp.md)
def landscape(voters):
    grid = [g / (GRID - 1) for g in range(GRID)]
    C = [[0.0] * GRID for _ in grid]
    for i in range(GRID):
        for j in range(i):
            pro = con = 1e-8
            for x, w in voters:
                v = w * (abs(grid[j] - x) - abs(grid[i] - x))
                if v > 0: pro += v
                else: con -= v
            C[i][j], C[j][i] = pro, con
    p = []
    for i in range(GRID):
        prod = 1.0
        for j in range(GRID):
            prod *= 0.5 if i == j else C[i][j] / (C[i][j] + C[j][i])
        p.append(prod)
    t = sum(p)
    return [x / t for x in p]
issues = {i["id"]: i for i in S["issues"]}
for fs, ps in zip(full.get("spaces", []), model.get("spaces", [])):
    dims = fs["issues"]
    for k in dims:
        lo, hi = issues[k]["scale"]
        span = (hi - lo) or 1
        fi = [ir for ir in full["issues"] if ir["id"] == k][0]
        for end, rd in (("first", fi["rounds"][0]), ("last", fi["rounds"][-1])):
            every = []
            for a, x in rd["positions"].items():
                st = actors[a]["stances"]
                total = sum(st[j]["salience"] for j in dims if j in st)
                every.append(((x - lo) / span, actors[a]["capability"] * st[k]["salience"] / (total if total > 1 else 1)))
            binned = [((v["x"] - lo) / span, v["w"]) for v in ps["report_voters"][k][end]]
            if len(binned) > 2 * (GRID - 1) + 2: fail.append("too many bins")
            a, b = landscape(every), landscape(binned)
            worst = max(abs(x - y) for x, y in zip(a, b))
            if worst > 1e-9: fail.append("landscape %s %s differs by %g" % (k, end, worst))

if fail:
    print("FAIL: " + "; ".join(sorted(set(fail))[:12]), file=sys.stderr)
    sys.exit(1)
print("large smp report (%s): %d of %d actors drawn, %d position points, page %d bytes%s" %
      (sys.argv[1].split("/")[-1], K, n, points, len(html), ", landscapes exact" if "spaces" in full else ""))
PY
done

source "$repo/tests/lib/browser.bash"
render "$work/page.html" "$tmp/page.dom" || exit 1
grep -q '<body[^>]*data-status="ready"' "$tmp/page.dom" || fail "the page did not report ready"
grep -q '<ul id="entente-errors"><li' "$tmp/page.dom" && fail "the page recorded errors: $(grep -o '<ul id="entente-errors">.\{0,400\}' "$tmp/page.dom")"
for chart in smp-positions-0 smp-landscape-0 smp-power-0 smp-pairs-0; do
  grep -q "data-chart=\"$chart\"[^>]*data-rendered=\"1\"" "$tmp/page.dom" || fail "chart $chart not rendered"
done
grep -q 'id="smp-cut"[^>]*>This run has 200 actors; the page draws the positions by turn of [0-9]* of them.* leaves out [0-9]*:' "$tmp/page.dom" || fail "no note on the actors left out"
if [ "$failures" -gt 0 ]; then echo "$failures failed"; exit 1; fi
echo "large smp report: rendered"
