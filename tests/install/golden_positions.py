"""golden_positions.py — compares round,actor,position lines (stdin) with the positions of a
BDM golden trajectory (tests/golden/bdm/*.json, written by the reference implementation):
every round the program printed must equal the golden's bit for bit, and rounds 0..ROUNDS must
all be there. Usage: golden_positions.py GOLDEN.json ROUNDS < lines"""
import json
import sys

golden = json.load(open(sys.argv[1]))
rounds = int(sys.argv[2])
seen = {}
for line in sys.stdin:
    t, actor, x = line.rstrip("\n").split(",")
    seen[(int(t), actor)] = float(x)
bad = 0
for t in range(rounds + 1):
    assert golden["rounds"][t]["round"] == t
    for actor, want in golden["rounds"][t]["positions"].items():
        got = seen.pop((t, actor), None)
        if got != want:
            print(f"round {t} {actor}: got {got!r}, golden {want!r}", file=sys.stderr)
            bad += 1
if seen:
    print(f"unexpected lines: {sorted(seen)[:5]}", file=sys.stderr)
    bad += 1
print(f"{(rounds + 1) * len(golden['actor_order'])} positions compared, {bad} mismatches")
sys.exit(1 if bad else 0)
