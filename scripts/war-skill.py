#!/usr/bin/env python3
"""war-skill.py — how much a group of scored war questions says: reads the per-question table
that scripts/war-validate.py prints and, for one group (default "blind"), reports the Brier
scores (raw, calibrated, 0.5, a constant at the DEV share of "yes", the base rate), the mean
calibrated forecast where history said yes and where it said no, the area under the ROC curve,
and a bootstrap over wars (the questions of a war resampled together; 10,000 resamples, seed 1)
of the calibrated score's gain over 0.5, as a 90% interval.

Usage: python3 scripts/war-validate.py build/entente --runs 2000 > out.txt
       python3 scripts/war-skill.py out.txt [GROUP]
"""
import random, sys

def rows_of(path):
    out = []
    for line in open(path, encoding="utf-8"):
        if not line.startswith("| ") or line.startswith("| scenario"):
            continue
        c = [x.strip() for x in line.strip().strip("|").split("|")]
        if len(c) != 10 or c[5] not in ("0", "1"):
            continue
        out.append({"war": c[0], "group": c[1], "y": int(c[5]), "raw": float(c[6]),
                    "cal": float(c[7]), "base": float(c[9])})
    return out

def brier(qs, key=None, const=None):
    return sum(((const if key is None else q[key]) - q["y"]) ** 2 for q in qs) / len(qs)

def auc(qs, key):
    pos = [q[key] for q in qs if q["y"] == 1]
    neg = [q[key] for q in qs if q["y"] == 0]
    if not pos or not neg:
        return float("nan")
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))

def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    group = sys.argv[2] if len(sys.argv) > 2 else "blind"
    rows = rows_of(sys.argv[1])
    dev = [q for q in rows if q["group"] == "DEV"]
    qs = [q for q in rows if q["group"] == group]
    if not qs or not dev:
        sys.exit("war-skill: no questions of group %r (or no DEV rows) in %s" % (group, sys.argv[1]))
    share = sum(q["y"] for q in dev) / len(dev)
    wars = sorted({q["war"] for q in qs})
    print("%s: %d wars, %d questions (%d yes)" % (group, len(wars), len(qs), sum(q["y"] for q in qs)))
    print("Brier: raw %.3f, calibrated %.3f, 0.5 %.3f, DEV share %.3f everywhere %.3f, base rate %.3f"
          % (brier(qs, "raw"), brier(qs, "cal"), brier(qs, const=0.5), share, brier(qs, const=share),
             brier(qs, "base")))
    yes = [q["cal"] for q in qs if q["y"] == 1]
    no = [q["cal"] for q in qs if q["y"] == 0]
    print("mean calibrated forecast: %.3f where yes, %.3f where no; AUC raw %.3f, calibrated %.3f"
          % (sum(yes) / max(len(yes), 1), sum(no) / max(len(no), 1), auc(qs, "raw"), auc(qs, "cal")))
    by_war = {w: [q for q in qs if q["war"] == w] for w in wars}
    rng = random.Random(1)
    gains = []
    for _ in range(10000):
        sample = [q for _ in wars for q in by_war[rng.choice(wars)]]
        gains.append(brier(sample, const=0.5) - brier(sample, "cal"))
    gains.sort()
    print("gain of calibrated over 0.5: %.3f; 90%% bootstrap interval over wars [%.3f, %.3f]; "
          "share of resamples above zero %.3f" % (brier(qs, const=0.5) - brier(qs, "cal"),
          gains[500], gains[9499], sum(g > 0 for g in gains) / len(gains)))

if __name__ == "__main__":
    main()
