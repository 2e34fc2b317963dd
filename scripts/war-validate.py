#!/usr/bin/env python3
"""war-validate.py — scores the war layer's forecasts of wars coded as of a forecast date
(scenarios/wars/*.yaml) against the questions and historical answers of
scenarios/wars/questions.csv: Brier score of `entente war FILE --as-of DATE --deal-by ...`
against two reference forecasters that use no case knowledge — 0.5 for every question, and a
base rate (a constant hazard with the Correlates of War median duration of interstate wars,
139 days, times the post-1945 share of wars ending in each kind of deal, HCSS 2022: decisive
1/5, ceasefire 1/3, agreement 1/6). Prints a markdown table (docs/validation.md, "War layer").

The wars fall in two groups, scored apart: the four coded first (Falklands 1982, Bosnia 1995,
Kosovo 1999, October War 1973) were seen while the mechanisms were revised, so their score is
in-sample; the wars in OUT_OF_SAMPLE were coded after the mechanisms were frozen (commit
6037f7e, "the window prices renewal with the runs' commitment-problem probability") and nothing
was changed after their scores were seen.

Usage: python3 scripts/war-validate.py ENTENTE_BINARY [--runs N] [--seed S]
"""
import csv, json, math, os, subprocess, sys
from collections import defaultdict
from datetime import date

OUT_OF_SAMPLE = {"georgia-2008.yaml", "karabakh-2020.yaml", "gulf-1991.yaml", "iran-iraq-1988.yaml"}

def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    binary, runs, seed = args[0], "2000", "1"
    if "--runs" in args: runs = args[args.index("--runs") + 1]
    if "--seed" in args: seed = args[args.index("--seed") + 1]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    wars = os.path.join(root, "scenarios", "wars")
    rows = list(csv.DictReader(open(os.path.join(wars, "questions.csv"))))
    groups = defaultdict(list)
    for r in rows: groups[(r["scenario"], r["as_of"])].append(r)
    share = {"any": 1/5 + 1/3 + 1/6, "victors_ceasefire": 1/5, "ceasefire": 1/3, "settlement": 1/6}
    half_life = 139.0
    out = []
    for (scenario, as_of), qs in sorted(groups.items()):
        dates = sorted({q["deal_by"] for q in qs})
        cmd = [binary, "war", os.path.join(wars, scenario), "--as-of", as_of, "--deal-by", ",".join(dates),
               "--runs", runs, "--seed", seed, "--threads", "2", "--format", "json"]
        d = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        by = {x["date"]: x for x in d["deal_by"]}
        for q in qs:
            x = by[q["deal_by"]]
            # "settlement": is a settlement signed by the date — also after a ceasefire that held
            # until it (the first deal's kind alone would miss it)
            p = (x["p_deal"] if q["kind"] == "any" else
                 x["settlement_signed"] if q["kind"] == "settlement" else x[q["kind"]])
            days = (date.fromisoformat(q["deal_by"]) - date.fromisoformat(as_of)).days
            base = share[q["kind"]] * (1 - math.exp(-math.log(2) * days / half_life))
            out.append((scenario, as_of, q["deal_by"], q["kind"], int(q["answer"]), p, base))
    print("| scenario | as of | deal by | kind | answer | entente | base rate |")
    print("|---|---|---|---|---|---|---|")
    for s, a, by, k, y, p, b in out:
        print(f"| {s} | {a} | {by} | {k} | {y} | {p:.3f} | {b:.3f} |")
    def line(label, sub):
        m = len(sub)
        if not m: return
        b = lambda f: sum((f(o) - o[4]) ** 2 for o in sub) / m
        wars = len({o[0] for o in sub})
        print(f"Brier over {m} questions ({wars} wars, {label}): entente {b(lambda o: o[5]):.3f}, "
              f"0.5 everywhere {b(lambda o: 0.5):.3f}, base rate {b(lambda o: o[6]):.3f}")
    print()
    line("all", out)
    line("in-sample: seen while the mechanisms were revised", [o for o in out if o[0] not in OUT_OF_SAMPLE])
    line("out-of-sample: coded after the mechanisms were frozen", [o for o in out if o[0] in OUT_OF_SAMPLE])
    for (scenario, as_of), qs in sorted(groups.items()):
        sub = [o for o in out if o[0] == scenario]
        m = len(sub)
        print(f"- {scenario}{' (out of sample)' if scenario in OUT_OF_SAMPLE else ''}: entente {sum((o[5]-o[4])**2 for o in sub)/m:.3f}, 0.5 {0.25:.3f}, "
              f"base rate {sum((o[6]-o[4])**2 for o in sub)/m:.3f} ({m} questions)")

main()
