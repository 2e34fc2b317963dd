"""test_entente.py — the Python package against independent oracles: the reference
implementations' golden trajectories (tests/golden/bdm, the files tests/models/test_eum.c
uses), closed forms computed here from the inputs, and hand-made bad input with known
locations. Run with the library from a build tree: ENTENTE_LIBRARY=build/libentente.so
PYTHONPATH=python python3 -m pytest python/tests (tests/python/test_python.sh does)."""
import json
import math
import os

import pytest

import entente

ROOT = os.environ.get("ENTENTE_SOURCE_DIR",
                      os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
EXAMPLE = os.path.join(ROOT, "tests", "data", "bdm", "ExampleActors.csv")
EXAMPLE_BDM2 = os.path.join(ROOT, "tests", "data", "bdm", "ExampleActors_bdm2.csv")
UKRAINE = os.path.join(ROOT, "scenarios", "ukraine-2023.yaml")
WAR = os.path.join(ROOT, "scenarios", "ukraine-war-2022.yaml")


def golden(name):
    with open(os.path.join(ROOT, "tests", "golden", "bdm", name)) as f:
        return json.load(f)


@pytest.mark.parametrize("golden_name,path,variant", [
    ("bdm1__ExampleActors.json", EXAMPLE, "scholz"),
    ("bdm2__ExampleActors.json", EXAMPLE_BDM2, "masad"),
])
def test_eum_matches_reference_trajectory(golden_name, path, variant):
    g = golden(golden_name)
    r = entente.run(path, model="eum", rounds=10, variant=variant)
    assert r.model == "eum"
    rounds = r.rounds["issue"]
    assert len(rounds) == 11
    for t in range(11):
        assert g["rounds"][t]["round"] == t
        assert rounds[t] == g["rounds"][t]["positions"], f"round {t}"  # bit for bit


def test_positions_are_tidy_rows_of_the_trajectory():
    g = golden("bdm1__ExampleActors.json")
    r = entente.run(EXAMPLE, model="eum", rounds=3)
    rows = r.positions
    assert len(rows) == 4 * len(g["actor_order"])
    for row in rows:
        assert row.issue == "issue"
        assert row.position == g["rounds"][row.round]["positions"][row.actor]
    assert r.stop_reasons["issue"] == "rounds"


def test_compromise_and_median_match_closed_forms():
    # Computed here from the CSV: compromise = Σ c·s·x / Σ c·s; the weighted median is the
    # position where the cumulative weight (sorted by position) first reaches half the total.
    rows = [line.split(",") for line in open(EXAMPLE).read().split("\n")[1:] if line]
    w = [float(c) * float(s) for _, c, _, s in rows]
    x = [float(p) for _, _, p, _ in rows]
    mean = sum(wi * xi for wi, xi in zip(w, x)) / sum(w)
    cumulative, median = 0.0, None
    for xi, wi in sorted(zip(x, w)):
        cumulative += wi
        if median is None and cumulative >= sum(w) / 2:
            median = xi
    c = entente.compare(EXAMPLE, models=["compromise", "median"])
    assert c.forecasts["issue"]["compromise"] == pytest.approx(mean, rel=1e-12)
    assert c.forecasts["issue"]["median"] == median
    assert "compromise" in c.text() and "median" in c.text()


def test_compare_runs_every_applicable_model():
    c = entente.compare(UKRAINE)
    # every registered model that applies (the war layer needs a war: section)
    expected = {m.name for m in entente.models()} - {"war"}
    assert set(c.results) == expected
    assert {"compromise", "eum", "exchange", "median", "nash"} <= expected
    s = entente.load(UKRAINE)
    assert set(c.forecasts) == set(s.issues)
    # the table the CLI prints, from the same runs
    assert json.loads(c.json())["scenario"] == s.title


def test_models_lists_the_registry_with_parameters():
    names = {m.name: m for m in entente.models()}
    assert {"compromise", "median", "nash", "eum", "exchange", "war"} <= set(names)
    q = {p.name: p for p in names["eum"].params}["Q"]
    assert q.default == "1" and q.accepted == "number"


def test_scenario_accessors():
    s = entente.load(EXAMPLE)
    assert s.actors[:3] == ["Netherlands", "Belgium", "Luxembourg"]
    assert s.issues == ["issue"]
    yaml = s.to_yaml()
    assert yaml.startswith("# converted by entente")
    again = entente.loads(yaml, name="converted.yaml")
    assert again.actors == s.actors


def test_bad_input_raises_with_file_line_column():
    with pytest.raises(entente.InputError) as e:
        entente.loads("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,x,3,0.5\n",
                      name="sheet.csv", format="csv")
    assert (e.value.file, e.value.line, e.value.column) == ("sheet.csv", 3, 3)
    assert str(e.value).startswith("sheet.csv:3:3: error: ")
    assert e.value.code == 2


def test_missing_file_and_bad_parameter_raise():
    with pytest.raises(entente.InputError) as e:
        entente.load("/nonexistent/scenario.yaml")
    assert e.value.file == "/nonexistent/scenario.yaml"
    with pytest.raises(entente.InputError, match="Q=x"):
        entente.run(EXAMPLE, model="eum", Q="x")
    with pytest.raises(entente.InputError, match="unknown model"):
        entente.run(EXAMPLE, model="nope")


def test_monte_carlo_is_thread_independent_and_exact_without_uncertainty():
    one = entente.mc(UKRAINE, model="compromise", draws=200, seed=7, threads=1)
    two = entente.mc(UKRAINE, model="compromise", draws=200, seed=7, threads=2)
    assert one.draws == 200
    assert one.mean == two.mean and one.quantiles == two.quantiles
    # ExampleActors has no uncertain values: every draw is the deterministic run
    det = entente.run(EXAMPLE, model="compromise").forecasts["issue"]
    flat = entente.mc(EXAMPLE, model="compromise", draws=50)
    assert flat.mean["issue"] == pytest.approx(det, rel=1e-12)
    assert flat.quantile("issue", 0.05) == pytest.approx(det, rel=1e-12)


def test_sensitivity_moves_the_compromise_as_the_closed_form_says():
    # compromise = Σ w x / Σ w: moving Germany's position up by delta·range (0.1 × 6 on a
    # scale 4..10) moves the forecast by w_G · 0.6 / Σ w.
    rows = [line.split(",") for line in open(EXAMPLE).read().split("\n")[1:] if line]
    w = {a: float(c) * float(s) for a, c, _, s in rows}
    sens = entente.sensitivity(EXAMPLE, model="compromise", delta=0.1)
    minus, plus = sens.change("Germany", "position", "issue")
    assert plus == pytest.approx(w["Germany"] * 0.6 / sum(w.values()), rel=1e-9)


def test_war_layer_gives_deal_terms():
    a = entente.war(WAR, runs=20, threads=1)
    b = entente.war(WAR, runs=20, threads=2)
    assert a.forecasts == b.forecasts  # the output does not depend on the threads
    assert set(a.stop_reasons.values()) <= {"deal", "no_deal", "window_closed", "no_window"}
    assert "P(deal" in a.text()


def test_frames():
    pandas = pytest.importorskip("pandas")
    numpy = pytest.importorskip("numpy")
    g = golden("bdm1__ExampleActors.json")
    r = entente.run(EXAMPLE, model="eum", rounds=10)
    df = r.to_pandas()
    assert list(df.columns) == ["issue", "round", "actor", "position"]
    assert len(df) == 11 * 10
    last = df[df["round"] == 10].set_index("actor")["position"].to_dict()
    assert last == g["rounds"][10]["positions"]
    a = r.array("issue")
    assert a.shape == (11, 10)
    assert a[10, 1] == g["rounds"][10]["positions"]["Belgium"]
    assert isinstance(entente.compare(EXAMPLE).to_pandas(), pandas.DataFrame)
    assert numpy.isfinite(a).all()


def test_versions_agree():
    assert entente.version() == "%d.%d.%d" % divmod_version(entente.library_version())


def divmod_version(n):
    return n // 10000, n // 100 % 100, n % 100


# ---- forecast and backtest -------------------------------------------------------------------

def test_option_structs_match_the_c_layout(tmp_path):
    # The oracle is the C compiler itself: offsetof/sizeof of every field of the two option
    # structs, from include/entente.h, against ctypes' layout of the mirrored structures.
    import shutil
    import subprocess
    from entente import _lib
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler")
    structs = {"en_forecast_options": _lib._ForecastOptions,
               "en_backtest_options": _lib._BacktestOptions,
               "en_error": _lib._Error, "en_load_options": _lib._LoadOptions}
    lines = ['#include <stddef.h>', '#include <stdio.h>', '#include "entente.h"', 'int main(void) {']
    for name, cls in structs.items():
        lines.append(f'printf("{name} sizeof %zu\\n", sizeof({name}));')
        for field, _ in cls._fields_:
            lines.append(f'printf("{name} {field} %zu %zu\\n", offsetof({name}, {field}), '
                         f'sizeof((({name} *)0)->{field}));')
    lines.append("return 0; }")
    (tmp_path / "layout.c").write_text("\n".join(lines))
    subprocess.run([cc, "-I", os.path.join(ROOT, "include"), "-o", str(tmp_path / "layout"),
                    str(tmp_path / "layout.c")], check=True)
    out = subprocess.run([str(tmp_path / "layout")], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    expected = {}
    for name, cls in structs.items():
        expected[f"{name} sizeof"] = [ctypes_sizeof(cls)]
        for field, ftype in cls._fields_:
            expected[f"{name} {field}"] = [getattr(cls, field).offset, ctypes_sizeof(ftype)]
    got = {" ".join(line.split()[:2]): [int(v) for v in line.split()[2:]] for line in out if line}
    assert got == expected


def ctypes_sizeof(t):
    import ctypes
    return ctypes.sizeof(t)


# Two veto players, no uncertain values: every draw is the point scenario, so P(agreement) is
# 0 or 1 and follows from the surpluses computed here (docs/models/forecast.md §3):
#   S_i(y) = Σ_k s_ik (|q_k − x_ik| − |y_k − x_ik|) / W_k, accepted when > 0.
HAND = """entente: 1
title: two vetoes by hand
issues:
  - {id: a, scale: [0, 100], status_quo: 50}
  - {id: b, scale: [0, 100], status_quo: 50}
actors:
  - {id: A, capability: 2, veto: true, positions: {a: {position: 20, salience: 1}, b: {position: 60, salience: 0.2}}}
  - {id: B, capability: 1, veto: true, positions: {a: {position: 70, salience: 0.5}, b: {position: 0, salience: 1}}}
"""
HAND_ACTORS = {"A": (2, {"a": (20, 1.0), "b": (60, 0.2)}),
               "B": (1, {"a": (70, 0.5), "b": (0, 1.0)})}


def hand_compromise(actors):
    out = {}
    for k in ("a", "b"):
        w = {i: c * pos[k][1] for i, (c, pos) in actors.items()}
        out[k] = sum(w[i] * actors[i][1][k][0] for i in actors) / sum(w.values())
    return out


def hand_accepted(actors, y):
    for _, pos in actors.values():
        surplus = sum(s * (abs(50 - x) - abs(y[k] - x)) / 100 for k, (x, s) in pos.items())
        if not surplus > 1e-12:
            return False
    return True


def test_forecast_compromise_and_acceptance_by_hand():
    y = hand_compromise(HAND_ACTORS)
    assert y == pytest.approx({"a": 30.0, "b": 24 / 1.4})
    assert hand_accepted(HAND_ACTORS, y)  # S_A = 0.1343, S_B = 0.2286
    # What if B cared little about b: b's compromise moves to 24 / 0.5 = 48 and B rejects.
    changed = {"A": HAND_ACTORS["A"], "B": (1, {"a": (70, 0.5), "b": (0, 0.1)})}
    y2 = hand_compromise(changed)
    assert y2["b"] == pytest.approx(48.0)
    assert not hand_accepted(changed, y2)

    s = entente.loads(HAND, name="hand.yaml")
    f = entente.forecast(s, what_if=["B.b.salience=0.1"], draws=20, model="compromise")
    assert f.model == "compromise"
    assert f.forecasts == pytest.approx(y, rel=1e-12)
    assert f.p_agreement == 1.0
    for issue in ("a", "b"):
        low, high = f.intervals[issue]
        assert low <= f.forecasts[issue] <= high
        assert f.data["issues"][s.issues.index(issue)]["interval"] == pytest.approx([low, high])
    case = f.what_if[0]
    assert case["expr"] == "B.b.salience=0.1"
    assert case["p_agreement"] == 0.0
    assert {i["id"]: i["forecast"] for i in case["issues"]} == pytest.approx(y2, rel=1e-12)
    assert [b["actor"] for b in case["blockers"]] == ["B"]
    # without the what-if case, B accepts: nobody blocks the base case
    assert f.data["blockers"] == []
    assert f.csv().startswith("case,kind,name,issue,value,low,high,label")
    assert "P(agreement) = 1.00" in f.text()
    # no uncertain values: the Monte Carlo interval is the point forecast itself
    for row in f.data["issues"]:
        assert row["interval_monte_carlo"] == pytest.approx([y[row["id"]]] * 2, rel=1e-12)
        assert row["no_agreement"] == 50
    # every driver the forecast lists is the compromise recomputed here with that input moved
    assert f.data["drivers"]
    for d in f.data["drivers"]:
        actor, issue, field = d["input"].split(".")
        c, pos = HAND_ACTORS[actor]
        x, sal = pos[issue]
        pos = dict(pos, **{issue: (d["moved_to"], sal) if field == "position" else
                           (x, d["moved_to"])})
        assert field in ("position", "salience")
        moved = hand_compromise(dict(HAND_ACTORS, **{actor: (c, pos)}))
        assert d["from"] == pytest.approx(y[d["issue"]], rel=1e-12)
        assert d["to"] == pytest.approx(moved[d["issue"]], rel=1e-12), d["input"]


def test_forecast_is_the_cli_output(tmp_path):
    binary = os.environ.get("ENTENTE_BINARY")
    if not binary or not os.path.exists(binary):
        pytest.skip("ENTENTE_BINARY not set")
    import subprocess
    f = entente.forecast(UKRAINE, draws=50, seed=3, what_if=["drop USA"])
    for fmt in ("json", "text", "csv"):
        cli = subprocess.run([binary, "forecast", UKRAINE, "--draws", "50", "--seed", "3",
                              "--what-if", "drop USA", "--format", fmt],
                             capture_output=True, text=True, check=True).stdout
        assert f.write(fmt) == cli, fmt
    assert f.data == json.loads(cli if fmt == "json" else f.json())
    assert f.p_agreement == f.data["p_agreement"]
    for row in f.data["issues"]:
        assert f.forecasts[row["id"]] == row["forecast"]
        assert list(f.intervals[row["id"]]) == row["interval"]


def test_forecast_bad_what_if_raises_with_its_column():
    with pytest.raises(entente.InputError) as e:
        entente.forecast(entente.loads(HAND, name="hand.yaml"), what_if="B.c.salience=0.1",
                         draws=5)
    assert (e.value.file, e.value.line, e.value.column) == ("--what-if", 1, 3)
    assert "unknown issue 'c'" in e.value.message
    assert str(e.value).startswith("--what-if:1:3: error: ")
    with pytest.raises(entente.InputError) as e:
        entente.forecast(entente.loads(HAND, name="hand.yaml"),
                         what_if=["A.capability=3", "Z.capability=2"], draws=5)
    assert (e.value.file, e.value.line, e.value.column) == ("--what-if #2", 1, 1)
    with pytest.raises(entente.InputError, match="unknown model"):
        entente.forecast(UKRAINE, model="nope", draws=5)
    for bad in (0, -1, 2.5):  # never wrapped round into a huge unsigned count
        with pytest.raises(entente.InputError, match="draws"):
            entente.forecast(UKRAINE, draws=bad)


THREE = """entente: 1
title: three by hand
issues:
  - {id: i1, scale: [0, 100], outcome: 40}
  - {id: i2, scale: [0, 100], outcome: {value: 50, date: 2020-01-02}}
  - {id: i3, scale: [0, 100], outcome: 0}
actors:
  - {id: A, capability: 1, positions: {i1: {position: 0, salience: 1}, i2: {position: 20, salience: 1}, i3: {position: 10, salience: 1}}}
  - {id: B, capability: 2, positions: {i1: {position: 100, salience: 1}, i2: {position: 40, salience: 0.5}, i3: {position: 30, salience: 1}}}
  - {id: C, capability: 1, positions: {i1: {position: 60, salience: 0.5}, i2: {position: 90, salience: 0.5}, i3: {position: 100, salience: 0.25}}}
"""


def test_backtest_mae_by_hand(tmp_path):
    path = tmp_path / "three.yaml"
    path.write_text(THREE)
    actors = {"A": (1, {"i1": (0, 1), "i2": (20, 1), "i3": (10, 1)}),
              "B": (2, {"i1": (100, 1), "i2": (40, 0.5), "i3": (30, 1)}),
              "C": (1, {"i1": (60, 0.5), "i2": (90, 0.5), "i3": (100, 0.25)})}
    outcome = {"i1": 40, "i2": 50, "i3": 0}
    compromise, median = {}, {}
    for k in outcome:
        pts = sorted((pos[k][0], c * pos[k][1]) for c, pos in actors.values())
        total = sum(w for _, w in pts)
        compromise[k] = sum(x * w for x, w in pts) / total
        cumulative = 0.0
        for x, w in pts:
            cumulative += w
            if cumulative >= total / 2:
                median[k] = x
                break
    # compromise: 230/3.5, 85/2.5, 95/3.25; median: 100, 40, 30
    mae_c = sum(abs(compromise[k] - outcome[k]) for k in outcome) / 3
    mae_m = sum(abs(median[k] - outcome[k]) for k in outcome) / 3
    bt = entente.backtest(str(path), models=["median"], resamples=200)
    assert bt.models == ["compromise", "median"]
    assert bt.mae["compromise"] == pytest.approx(mae_c, rel=1e-12)
    assert bt.mae["median"] == pytest.approx(mae_m, rel=1e-12)
    assert bt.scores["median"]["n"] == 3
    assert bt.scores["median"]["diff_vs_compromise"] == pytest.approx(mae_m - mae_c, rel=1e-9)
    assert [(r["issue"], r["outcome"]) for r in bt.issues] == list(outcome.items())
    for index, row in enumerate(bt.issues):
        assert bt.forecast("compromise", index) == pytest.approx(compromise[row["issue"]])
        assert row["forecasts"]["median"] == median[row["issue"]]
    assert math.isnan(bt.cv_mae) and bt.fit is None
    lines = bt.csv().strip().split("\n")
    assert lines[0] == "scenario,issue,outcome,model,forecast,error" and len(lines) == 7
    assert "median" in bt.text()
    # a Scenario works as well as its path, and the same seed gives the same document
    again = entente.backtest(entente.load(str(path)), models="median", resamples=200)
    assert again.json() == bt.json()
    frames = pytest.importorskip("pandas")
    df = bt.to_pandas()
    assert isinstance(df, frames.DataFrame)
    assert list(df.columns) == ["scenario", "issue", "outcome", "compromise", "median"]
    assert (df["median"] - df["outcome"]).abs().mean() == pytest.approx(mae_m)


def test_backtest_without_outcomes_raises():
    with pytest.raises(entente.InputError, match="outcome"):
        entente.backtest(EXAMPLE, models=["median"], resamples=10)
    with pytest.raises(entente.InputError, match="resamples"):
        entente.backtest(EXAMPLE, resamples=-1)


DEU3 = "/work/shared/validation/deu3/deu3-dev.tsv"


@pytest.mark.skipif(not os.path.exists(os.environ.get("ENTENTE_DEU3", DEU3)),
                    reason="DEU III development table absent")
def test_backtest_compromise_on_deu3_dev():
    path = os.environ.get("ENTENTE_DEU3", DEU3)
    scenarios = entente.load_all(path)
    assert len(scenarios) > 1  # one scenario per proposal
    bt = entente.backtest(scenarios, models=["compromise"], resamples=100)
    assert bt.mae["compromise"] == pytest.approx(24.49, abs=0.01)
    assert entente.backtest(path, models=["compromise"], resamples=100).json() == bt.json()
