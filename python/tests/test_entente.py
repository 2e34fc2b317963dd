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
