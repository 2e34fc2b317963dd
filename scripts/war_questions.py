"""war_questions.py — shared by scripts/war-validate.py and scripts/war-calibrate.py: runs the
war layer on the questions of scenarios/wars/questions.csv, the two reference forecasters, and
the recalibration of P(deal by) (docs/models/war.md, "(13) Calibration"): fit of
p' = logistic(a + b logit p̃), p̃ = p clamped to [FLOOR, 1 − FLOOR], by least squares (the Brier
score, a proper scoring rule; Brier 1950), and its leave-one-war-out cross-validation.

DEV names the fifteen wars the mechanisms and the calibration are developed on; every other
scenario of questions.csv is "blind" (coded after the freeze) and never enters a fit."""
import csv, json, math, os, subprocess, sys, tempfile
from collections import defaultdict
from datetime import date

DEV = ("falklands-1982.yaml", "bosnia-1995.yaml", "kosovo-1999.yaml", "october-1973.yaml",
       "georgia-2008.yaml", "karabakh-2020.yaml", "gulf-1991.yaml", "iran-iraq-1988.yaml",
       # coded blind and scored once on the frozen layer (docs/validation.md), development data since
       "korea-1951.yaml", "indo-pakistani-1971.yaml", "eritrea-ethiopia-1999.yaml", "cenepa-1995.yaml",
       "lebanon-2006.yaml", "football-war-1969.yaml", "sino-vietnamese-1979.yaml")
OLD8 = DEV[:8]           # the first development set, kept for comparisons
OLD7 = DEV[8:]           # the first blind batch
FLOOR = 0.005            # calibration_floor's default (src/core/war.c)
SHARE = {"any": 1/5 + 1/3 + 1/6, "victors_ceasefire": 1/5, "ceasefire": 1/3, "settlement": 1/6}
HALF_LIFE = 139.0        # Correlates of War median duration of interstate wars, days

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WARS = os.path.join(ROOT, "scenarios", "wars")

def field(kind):
    """The deal_by field answering a question of `kind` ("settlement": signed by the date, also
    after a ceasefire that held until it — the first deal's kind alone would miss it)."""
    return "p_deal" if kind == "any" else "settlement_signed" if kind == "settlement" else kind

def with_params(text, params):
    """The scenario text with the global war parameters `params` ({name: value}) set in its
    `war:` section (added to `parameters:`, or a `parameters:` block added) — for exploring a
    mechanism's parameter over every war without editing the coded files."""
    if not params:
        return text
    lines = [f"    {k}: {v}" for k, v in params.items()]
    out = text.split("\n")
    if "  parameters:" in out:
        i = out.index("  parameters:")
        return "\n".join(out[:i + 1] + lines + out[i + 1:])
    i = out.index("war:")
    return "\n".join(out[:i + 1] + ["  parameters:"] + lines + out[i + 1:])

def run_questions(binary, runs="2000", seed="1", only=None, params=None):
    """One dict per question: scenario, as_of, deal_by, kind, answer, p (raw), p_cal (the
    binary's calibrated field, its documented defaults), base (the base-rate forecaster).
    `params`: global war parameters set in every scenario (with_params) for this run."""
    rows = list(csv.DictReader(open(os.path.join(WARS, "questions.csv"))))
    groups = defaultdict(list)
    for r in rows:
        if only is None or r["scenario"] in only:
            groups[(r["scenario"], r["as_of"])].append(r)
    out = []
    for (scenario, as_of), qs in sorted(groups.items()):
        dates = sorted({q["deal_by"] for q in qs})
        path, tmp = os.path.join(WARS, scenario), None
        if params:
            tmp = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
            tmp.write(with_params(open(path).read(), params))
            tmp.close()
            path = tmp.name
        cmd = [binary, "war", path, "--as-of", as_of, "--deal-by", ",".join(dates),
               "--runs", str(runs), "--seed", str(seed), "--threads", "2", "--format", "json"]
        try:
            d = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        finally:
            if tmp:
                os.unlink(tmp.name)
        by = {x["date"]: x for x in d["deal_by"]}
        for q in qs:
            x = by[q["deal_by"]]
            f = field(q["kind"])
            days = (date.fromisoformat(q["deal_by"]) - date.fromisoformat(as_of)).days
            base = SHARE[q["kind"]] * (1 - math.exp(-math.log(2) * days / HALF_LIFE))
            out.append({"scenario": scenario, "as_of": as_of, "deal_by": q["deal_by"], "kind": q["kind"],
                        "answer": int(q["answer"]), "p": x[f], "p_cal": x.get(f + "_calibrated", x[f]),
                        "base": base})
    return out

def questions_from_command_line(doc, only=None):
    """The command line both scripts take, ENTENTE_BINARY [--runs N] [--seed S] (runs 2000 and
    seed 1 unless given; with no binary, exits printing `doc`, the script's usage), then
    run_questions on it with `only`. Returns (rows, runs, seed), runs and seed as given."""
    args = sys.argv[1:]
    if not args:
        sys.exit(doc)
    binary, runs, seed = args[0], "2000", "1"
    if "--runs" in args: runs = args[args.index("--runs") + 1]
    if "--seed" in args: seed = args[args.index("--seed") + 1]
    return run_questions(binary, runs, seed, only=only), runs, seed

def recalibrate(p, a, b, floor=FLOOR):
    """The map of src/war/war_calibrate.c."""
    q = min(max(p, floor), 1 - floor)
    z = a + b * math.log(q / (1 - q))
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))

def brier(pairs):
    pairs = list(pairs)
    return sum((p - y) ** 2 for p, y in pairs) / len(pairs) if pairs else float("nan")

INTERCEPT = False        # the family chosen by leave-one-war-out Brier on the fifteen wars (docs/models/war.md, (13))

def fit(rows, floor=FLOOR, intercept=None):
    """(a, b) minimising the Brier score of the recalibrated raw p over `rows`: a grid of step
    0.05 on a in [−4, 4], b in [0, 2], then a grid of step 0.001 around its best point (the
    score is smooth; a grid needs no starting point and cannot diverge). Ties: the first in
    grid order, so the fit is deterministic. With intercept False (the slope-only family,
    p' = logistic(b logit p), which keeps 0.5 at 0.5 and cannot lift every low p toward a
    constant) a is held at 0. intercept None: the chosen family, INTERCEPT."""
    if intercept is None:
        intercept = INTERCEPT
    xs = [(math.log(min(max(r["p"], floor), 1 - floor) / (1 - min(max(r["p"], floor), 1 - floor))), r["answer"])
          for r in rows]
    def score(a, b):
        s = 0.0
        for x, y in xs:
            z = a + b * x
            p = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
            s += (p - y) ** 2
        return s
    arange = range(-80, 81) if intercept else range(0, 1)
    best = min((score(a / 20, b / 20), a / 20, b / 20) for a in arange for b in range(0, 41))
    _, a0, b0 = best
    irange = range(-50, 51) if intercept else range(0, 1)
    best = min((score(a0 + i / 1000, b0 + j / 1000), round(a0 + i / 1000, 3), round(b0 + j / 1000, 3))
               for i in irange for j in range(-50, 51) if b0 + j / 1000 >= 0)
    return best[1], best[2]

def lowo(rows, intercept=None):
    """Leave one war out: each war's questions recalibrated with (a, b) fitted on the other
    wars. Returns (held-out predictions in the order of rows, {war: (a, b)})."""
    wars = sorted({r["scenario"] for r in rows})
    params = {w: fit([r for r in rows if r["scenario"] != w], intercept=intercept) for w in wars}
    return [recalibrate(r["p"], *params[r["scenario"]]) for r in rows], params
