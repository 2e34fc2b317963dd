#!/usr/bin/env python3
"""war-ablation.py — switches the WB-2 mechanisms of the war layer off one at a time on a
war scenario (default: the bundled Ukraine backcast) and prints P(deal by given dates) for each
variant (raw, and recalibrated by (13)) as a markdown table (docs/case-ukraine.md, "What carries the result").

Usage: python3 scripts/war-ablation.py ENTENTE_BINARY [SCENARIO] [--runs N]
"""
import json, os, subprocess, sys, tempfile

# name, global parameters, per-actor parameters (applied to every patron listed)[, per-issue
# keys added to the war section's issue entries]
VARIANTS = [
    ("WB-2 defaults", {}, {}),
    ("(1) no private information (private_info 0)", {"private_info": 0}, {}),
    ("(8) no talks ramp (talk_ramp_days 0)", {"talk_ramp_days": 0}, {}),
    ("(2) guarantees at face value (guarantee_credibility 0)", {"guarantee_credibility": 0}, {}),
    ("(4) no aid foresight (aid_foresight 0)", {"aid_foresight": 0}, {}),
    ("(2) no renewal valued at the post-deal balance (renewal_power 0)", {"renewal_power": 0}, {}),
    ("(4) no noisy learning (signal_noise 0, observe_noise 0)", {"signal_noise": 0, "observe_noise": 0}, {}),
    ("(9) value of fighting from the projected front (war_value 0)", {"war_value": 0}, {}),
    ("(2) renewal probability by the logistic alone (renewal_probability 0)", {"renewal_probability": 0}, {}),
    ("(5) no memory (chill 0, harden 0)", {"chill": 0, "harden": 0}, {}),
    ("(5) no public ratification term (ratify_audience 0)", {"ratify_audience": 0}, {}),
    ("ratify default back to 1 (patrons)", {}, {"ratify": 1}),
    ("(6) no patron leverage (leverage 0)", {}, {"leverage": 0}),
    ("(3) territory a divisible good (monotone 1 on territory)", {}, {}, {"territory": "monotone: 1"}),
    ("kinds: no bare ceasefire, no victor's (ceasefire 0, victor_signs 0)", {"ceasefire": 0, "victor_signs": 0}, {}),
    ("(10) a ceasefire only when no settlement is possible (ceasefire_first 0)", {"ceasefire_first": 0}, {}),
    ("(11) WB-1's front speed when unset (front_walk 0)", {"front_walk": 0}, {}),
    ("(2) the window prices renewal by the logistic alone (renewal_window 0)", {"renewal_window": 0}, {}),
    ("(12) talks ramp and battles in calendar days at any step (tempo 0)", {"tempo": 0}, {}),
    ("(13) no recalibration (calibration 0)", {"calibration": 0}, {}),
    ("(14) no mediator pressure toward a bare ceasefire (mediator_pressure 0)", {"mediator_pressure": 0}, {}),
    ("(1) private information at its first default (private_info 0.1)", {"private_info": 0.1}, {}),
    ("all WB-2 mechanisms off (WB-1)", {"private_info": 0, "talk_ramp_days": 0, "chill": 0, "harden": 0, "aid_foresight": 0, "guarantee_credibility": 0,
                                        "signal_noise": 0, "observe_noise": 0, "renewal_power": 0, "war_value": 0, "renewal_probability": 0,
                                        "ratify_audience": 0, "ceasefire": 0, "victor_signs": 0,
                                        "ceasefire_first": 0, "front_walk": 0, "renewal_window": 0,
                                        "tempo": 0, "calibration": 0, "mediator_pressure": 0},
     {"ratify": 1, "leverage": 0}),
]

def patch(text, globals_, patrons, patron_ids, issues=None):
    lines = text.split("\n")
    out = []
    for line in lines:
        for issue, extra in (issues or {}).items():
            if line.startswith(f"    {issue}: {{"):
                line = line.replace(f"    {issue}: {{", f"    {issue}: {{{extra}, ", 1)
        out.append(line)
        if line == "  parameters:":
            out += [f"    {k}: {v}" for k, v in globals_.items()]
        for pid in patron_ids:
            if line == f"    {pid}:":
                out += [f"      {k}: {v}" for k, v in patrons.items()]
    return "\n".join(out)

def main():
    args = sys.argv[1:]
    if not args: sys.exit(__doc__)
    binary = args[0]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    scenario = args[1] if len(args) > 1 and not args[1].startswith("--") else os.path.join(root, "scenarios", "ukraine-war-2022.yaml")
    runs = args[args.index("--runs") + 1] if "--runs" in args else "2000"
    text = open(scenario).read()
    patron_ids = ["USA", "EUR"]
    dates = ["2022-03-31", "2022-05-31", "2022-12-31", "2024-12-30"]
    print("| variant | P(deal by 31 Mar 2022) | by 31 May 2022 | by 31 Dec 2022 | by end 2024 | calibrated (13): 31 Mar / 31 May / 31 Dec 2022 | main reason an open window failed |")
    print("|---|---|---|---|---|---|---|")
    for name, g, p, *rest in VARIANTS:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, dir=os.path.dirname(scenario)) as f:
            f.write(patch(text, g, p, patron_ids, rest[0] if rest else None))
            path = f.name
        try:
            cmd = [binary, "war", path, "--runs", runs, "--seed", "1", "--threads", "2", "--format", "json",
                   "--deal-by", ",".join(dates)]
            d = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        finally:
            os.unlink(path)
        ps = [x["p_deal"] for x in d["deal_by"]]
        cs = [x.get("p_deal_calibrated", x["p_deal"]) for x in d["deal_by"]]
        shares = d["why_no_deal"]["share_of_steps_at_war"]
        top = max(shares, key=shares.get)
        print(f"| {name} | {ps[0]:.2f} | {ps[1]:.2f} | {ps[2]:.2f} | {ps[3]:.2f} | {cs[0]:.2f} / {cs[1]:.2f} / {cs[2]:.2f} | {top} ({shares[top]:.3f} of steps at war) |")

main()
