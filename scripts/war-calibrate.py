#!/usr/bin/env python3
"""war-calibrate.py — fits the recalibration of the war layer's P(deal by) (docs/models/war.md,
"(13) Calibration") on the development wars only (war_questions.DEV) and cross-validates it by
leaving one war out: prints the fitted (a, b) — the defaults `calibration_a`, `calibration_b`
of src/core/war.c — the per-fold parameters, and the Brier scores raw, calibrated in-sample and
calibrated held-out (LOWO), beside 0.5 everywhere and the base rate.

Usage: python3 scripts/war-calibrate.py ENTENTE_BINARY [--runs N] [--seed S]
"""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import war_questions as wq

def main():
    rows, runs, seed = wq.questions_from_command_line(__doc__, only=set(wq.DEV))
    ys = [r["answer"] for r in rows]
    for name, icpt in (("Platt, logistic(a + b logit p)", True), ("slope-only, logistic(b logit p)", False)):
        fa, fb = wq.fit(rows, intercept=icpt)
        h, _ = wq.lowo(rows, intercept=icpt)
        print(f"family {name}: a = {fa:.3f}, b = {fb:.3f}; Brier in-sample "
              f"{wq.brier(zip([wq.recalibrate(r['p'], fa, fb) for r in rows], ys)):.3f}, held-out (LOWO) {wq.brier(zip(h, ys)):.3f}")
    print(f"chosen family (war_questions.INTERCEPT = {wq.INTERCEPT}):")
    a, b = wq.fit(rows)
    held, params = wq.lowo(rows)
    print(f"fitted on {len(rows)} questions of {len({r['scenario'] for r in rows})} development wars "
          f"(runs {runs}, seed {seed}, floor {wq.FLOOR}): calibration_a = {a:.3f}, calibration_b = {b:.3f}")
    print("leave-one-war-out folds (war left out: a, b):")
    for w, (fa, fb) in sorted(params.items()):
        print(f"  {w}: {fa:.3f}, {fb:.3f}")
    print(f"Brier: raw {wq.brier(zip([r['p'] for r in rows], ys)):.3f}, "
          f"calibrated in-sample {wq.brier(zip([wq.recalibrate(r['p'], a, b) for r in rows], ys)):.3f}, "
          f"calibrated held-out (LOWO) {wq.brier(zip(held, ys)):.3f}, "
          f"0.5 everywhere {wq.brier(zip([0.5] * len(ys), ys)):.3f}, "
          f"base rate {wq.brier(zip([r['base'] for r in rows], ys)):.3f}")

main()
