#!/usr/bin/env python3
"""war-base-rates.py — the unconditional behaviour of a generic war under the war layer's
defaults, to set beside the documented base rates of war termination (docs/validation.md,
"War layer", base rates): P(an agreement ending the fighting by 139 days — the Correlates of
War median duration of interstate wars), P(by one year), and the shares of wars ending by a
settlement, a bare ceasefire or a victor's ceasefire (the kind of the first deal), and the
share decided on the battlefield within two years, also after a deal broke down (HCSS 2022: decisively about
1/5, by ceasefire about 1/3, by agreement about 1/6, the rest unresolved).

Two generic wars, both written here (no case knowledge): two belligerents, one territorial
issue (the front) and one political issue the war decides, symmetric positions and saliences,
every war parameter at its default, the fighting begun at `start`:
  - "even": equal power (A's per-contest edge 0.5);
  - "spread": A's initial power uncertain, triangular on [1/3, 3] with mode 1 (B's 1), so runs
    range from lopsided for B to lopsided for A — a stand-in for the spread of balances among
    wars, stated as a judgement (no data set of initial balances is used).

With --step-days D (default 7) the generic wars take a step of D days with the weekly rates
converted (rate_days 7), as the files of short wars do; under `tempo` (docs/models/war.md, (12))
the talks ramp and the battles then run at D/7 of their weekly pace, and the dates asked are
the weekly ones scaled by D/7 (139 d -> 139 D/7 d, a year -> 365 D/7 d).

Usage: python3 scripts/war-base-rates.py ENTENTE_BINARY [--runs N] [--seed S] [--step-days D] [--param KEY=VALUE ...]
"""
import json, os, subprocess, sys, tempfile

WAR = """entente: 1
title: generic two-party war ({name})
issues:
  - {{id: land, scale: [0, 100], status_quo: 50}}
  - {{id: aims, scale: [0, 100], status_quo: 50}}
actors:
  - {{id: A, role: party, capability: 50, positions: {{land: {{position: 0, salience: 1}}, aims: {{position: 0, salience: 0.6}}}}}}
  - {{id: B, role: party, capability: 50, positions: {{land: {{position: 100, salience: 1}}, aims: {{position: 100, salience: 0.6}}}}}}
war:
  start: 2000-01-01
  end: 2001-12-31
  belligerents: [A, B]
  territory: land
  front: 0.5
  step_days: {step}
{params}  actors:
    A: {{power: {power}}}
"""

def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    binary, runs, seed, extra, step = args[0], "2000", "1", [], 7
    i = 1
    while i < len(args):
        if args[i] == "--runs": runs = args[i + 1]; i += 2
        elif args[i] == "--seed": seed = args[i + 1]; i += 2
        elif args[i] == "--param": extra.append(args[i + 1]); i += 2
        elif args[i] == "--step-days": step = int(args[i + 1]); i += 2
        else: sys.exit(f"unknown argument {args[i]}")
    params = ""
    if step != 7: extra = ["rate_days=7"] + extra
    if extra:
        params = "  parameters: {" + ", ".join(e.replace("=", ": ", 1) for e in extra) + "}\n"
    import datetime
    d0 = datetime.date(2000, 1, 1)
    by139 = (d0 + datetime.timedelta(days=round(139 * step / 7))).isoformat()
    by365 = (d0 + datetime.timedelta(days=round(365 * step / 7))).isoformat()
    print(f"| generic war (step {step} d) | P(deal by {round(139 * step / 7)} d) | P(deal by {round(365 * step / 7)} d) | first deal: settlement | ceasefire | victor's ceasefire | P(decided by 2 years) | P(no deal in 2 years) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, power in (("even", "1"), ("spread", "{value: 1, low: 0.3333, high: 3}")):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write(WAR.format(name=name, params=params, power=power, step=step))
            path = f.name
        try:
            cmd = [binary, "war", path, "--runs", runs, "--seed", seed, "--threads", "2", "--format", "json",
                   "--deal-by", f"{by139},{by365}"]
            d = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        finally:
            os.unlink(path)
        by = {x["date"]: x for x in d["deal_by"]}
        kinds = d["deal_kinds"]
        decided = d["decisive"]["p_a_won"] + d["decisive"]["p_b_won"]
        nodeal = 1 - kinds["settlement"] - kinds["ceasefire"] - kinds["victors_ceasefire"]
        print(f"| {name} | {by[by139]['p_deal']:.3f} | {by[by365]['p_deal']:.3f} | "
              f"{kinds['settlement']:.3f} | {kinds['ceasefire']:.3f} | {kinds['victors_ceasefire']:.3f} | "
              f"{decided:.3f} | {nodeal:.3f} |")

main()
