#!/usr/bin/env python3
"""drivers_screen_accuracy.py — how often the screened drivers of `entente forecast` equal the
exhaustive ones (docs/models/forecast.md §4), per screen size K, on scenarios whose exhaustive
drivers are affordable.

usage: scripts/drivers_screen_accuracy.py ENTENTE K[,K...] FILE...

For each FILE it runs `entente forecast FILE --drivers-screen 0` (every input) and
`--drivers-screen K` for each K (1 draw and 1 war run: the drivers come from the point estimates,
so the draws do not change them), and compares the five drivers listed: the share of files whose
screened top 5 is the exhaustive top 5 (same inputs, same order) and the mean recall (share of
the exhaustive top 5 found in the screened top 5), over every file and over the files with more
than K inputs (the ones where the screen leaves inputs out; on the others it cannot miss). One
line per file and K goes to standard error (file, inputs, K, equal, recall).
"""
import json
import subprocess
import sys


def drivers(entente, path, screen):
    out = subprocess.run([entente, "forecast", path, "--draws", "1", "--war-runs", "1", "--threads", "1",
                          "--drivers-screen", str(screen), "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    return [d["input"] for d in doc["drivers"]], doc.get("drivers_screen", {}).get("inputs")


def main():
    entente, ks, files = sys.argv[1], [int(k) for k in sys.argv[2].split(",")], sys.argv[3:]
    equal = {k: 0 for k in ks}
    recall = {k: 0.0 for k in ks}
    cut = {k: [0, 0, 0.0] for k in ks}  # files with more than K inputs: count, equal, recall
    used, inputs = 0, []
    for path in files:
        try:
            full, _ = drivers(entente, path, 0)
        except subprocess.CalledProcessError:
            print(f"skipped (the forecast refuses it): {path}", file=sys.stderr)
            continue
        if not full:
            continue
        used += 1
        for k in ks:
            top, n = drivers(entente, path, k)
            if k == ks[0]:
                inputs.append(n)
            same, found = top == full, len(set(top) & set(full)) / len(full)
            equal[k] += same
            recall[k] += found
            if n > k:
                cut[k][0] += 1
                cut[k][1] += same
                cut[k][2] += found
            print(f"{path}\t{n}\t{k}\t{int(same)}\t{found:.2f}", file=sys.stderr, flush=True)
    print(f"files: {used}; inputs per file: {min(inputs)} to {max(inputs)}")
    print("| K | top 5 equal | recall of the top 5 | files with > K inputs | top 5 equal there | recall there |")
    print("|---:|---:|---:|---:|---:|---:|")
    for k in ks:
        c = cut[k]
        there = f"{c[1]}/{c[0]} ({100 * c[1] / c[0]:.0f}%) | {100 * c[2] / c[0]:.1f}%" if c[0] else "- | -"
        print(f"| {k} | {equal[k]}/{used} ({100 * equal[k] / used:.0f}%) | {100 * recall[k] / used:.1f}% | {c[0]} | {there} |")


if __name__ == "__main__":
    main()
