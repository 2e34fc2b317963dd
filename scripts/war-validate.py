#!/usr/bin/env python3
"""war-validate.py — scores the war layer's forecasts of wars coded as of a forecast date
(scenarios/wars/*.yaml) against the questions and historical answers of
scenarios/wars/questions.csv: Brier score of `entente war FILE --as-of DATE --deal-by ...`
against two reference forecasters that use no case knowledge — 0.5 for every question, and a
base rate (a constant hazard with the Correlates of War median duration of interstate wars,
139 days, times the post-1945 share of wars ending in each kind of deal, HCSS 2022: decisive
1/5, ceasefire 1/3, agreement 1/6). Prints a markdown table (docs/validation.md, "War layer").

Two groups, scored apart:
  - DEV: the fifteen wars the mechanisms and the calibration are developed on
    (war_questions.DEV). Scored raw, recalibrated held-out (leave one war out: each war's
    questions recalibrated with the family's parameters fitted on the other fourteen) and
    recalibrated with the binary's defaults (in-sample: those were fitted on all fifteen);
    also apart for the first eight development wars and the seven first scored blind.
  - blind: every other scenario of questions.csv, coded after the freeze. Scored raw and
    recalibrated with the binary's defaults (fitted on DEV only); the script also refits on DEV
    and says whether that fit matches the defaults (it must, for the blind score to be blind).

Usage: python3 scripts/war-validate.py ENTENTE_BINARY [--runs N] [--seed S]
"""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import war_questions as wq

def main():
    rows, _, _ = wq.questions_from_command_line(__doc__)
    dev = [r for r in rows if r["scenario"] in wq.DEV]
    blind = [r for r in rows if r["scenario"] not in wq.DEV]
    held, _ = wq.lowo(dev)
    for r, h in zip(dev, held): r["lowo"] = h
    a, b = wq.fit(dev)
    for r in blind: r["dev_fit"] = wq.recalibrate(r["p"], a, b)
    print("| scenario | group | as of | deal by | kind | answer | entente raw | calibrated | calibrated held-out (LOWO) | base rate |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in dev + blind:
        group = "DEV" if r in dev else "blind"
        lowo = f"{r['lowo']:.3f}" if "lowo" in r else "—"
        print(f"| {r['scenario']} | {group} | {r['as_of']} | {r['deal_by']} | {r['kind']} | {r['answer']} | "
              f"{r['p']:.3f} | {r['p_cal']:.3f} | {lowo} | {r['base']:.3f} |")
    print()
    def score(sub, key):
        return wq.brier((r[key] if isinstance(key, str) else key(r), r["answer"]) for r in sub)
    def nwars(sub): return len({r["scenario"] for r in sub})
    if dev:
        print(f"DEV, {len(dev)} questions ({nwars(dev)} wars): entente raw {score(dev, 'p'):.3f}, "
              f"calibrated held-out (LOWO) {score(dev, 'lowo'):.3f}, calibrated with the defaults "
              f"(in-sample) {score(dev, 'p_cal'):.3f}, 0.5 everywhere {score(dev, lambda r: 0.5):.3f}, "
              f"base rate {score(dev, 'base'):.3f}")
        print(f"DEV fit of this run: calibration_a {a:.3f}, calibration_b {b:.3f}")
        for name, group in (("the first eight development wars", wq.OLD8), ("the seven wars first scored blind", wq.OLD7)):
            sub = [r for r in dev if r["scenario"] in group]
            if sub:
                print(f"  of which {name}, {len(sub)} questions: entente raw {score(sub, 'p'):.3f}, calibrated held-out "
                      f"(LOWO over all DEV) {score(sub, 'lowo'):.3f}, calibrated with the defaults {score(sub, 'p_cal'):.3f}, "
                      f"0.5 everywhere {score(sub, lambda r: 0.5):.3f}, base rate {score(sub, 'base'):.3f}")
    if blind:
        print(f"blind (coded after the freeze), {len(blind)} questions ({nwars(blind)} wars): entente raw "
              f"{score(blind, 'p'):.3f}, calibrated (the defaults, fitted on DEV) {score(blind, 'p_cal'):.3f}, "
              f"calibrated with this run's DEV fit {score(blind, 'dev_fit'):.3f}, "
              f"0.5 everywhere {score(blind, lambda r: 0.5):.3f}, base rate {score(blind, 'base'):.3f}")
    else:
        print("blind (coded after the freeze): no questions")
    for group, sub in (("DEV", dev), ("blind", blind)):
        for w in sorted({r["scenario"] for r in sub}):
            q = [r for r in sub if r["scenario"] == w]
            extra = f", calibrated LOWO {score(q, 'lowo'):.3f}" if group == "DEV" else ""
            print(f"- {w} ({group}): entente raw {score(q, 'p'):.3f}, calibrated {score(q, 'p_cal'):.3f}{extra}, "
                  f"0.5 0.250, base rate {score(q, 'base'):.3f} ({len(q)} questions)")

main()
