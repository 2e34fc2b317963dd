#!/usr/bin/env python3
"""smp_scenario.py — writes a scenario of N random actors in D issues of one space (default
1,000 x 6, seed 7): the input of the whole-command timings of smp in docs/performance.md.
Capabilities uniform on [1, 100], positions uniform on [0, 100], saliences uniform on
[0.01, 0.3] per issue, divided by their sum where it exceeds 1.

Usage: python3 bench/smp_scenario.py [N [D [SEED]]] > big-1000x6.yaml
"""
import random
import sys


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    d = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    out = ["entente: 1", f'title: "{n} random actors"', "issues:"]
    for k in range(d):
        out += [f"  - id: D{k}", f'    name: "Dim {k}"', "    scale: [0, 100]", "    space: big"]
    out.append("actors:")
    for i in range(n):
        sal = [random.uniform(0.01, 0.3) for _ in range(d)]
        total = sum(sal)
        if total > 1:
            sal = [s / total for s in sal]
        out += [f'  - id: "A{i:04d}"', f"    capability: {random.uniform(1, 100):.2f}", "    positions:"]
        for k in range(d):
            out += [f"      D{k}:", f"        position: {random.uniform(0, 100):.2f}",
                    f"        salience: {sal[k]:.4f}"]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
