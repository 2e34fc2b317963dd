"""entente — forecasting multi-party negotiations from Python.

A thin layer over libentente (the C library behind the `entente` command): the same models,
the same numbers, the CLI's names.

    import entente
    s = entente.load("scenario.yaml")          # or a BDM stakeholder CSV, a Decide file
    r = entente.run(s, model="eum", rounds=10)  # any registered model; **params as --param
    r.forecasts                                  # {issue id: forecast}
    r.positions                                  # [Position(issue, round, actor, position), ...]
    r.to_pandas()                                # the same as a tidy DataFrame (pandas installed)

Errors in the input raise entente.InputError, whose str() is `FILE:LINE:COL: error: MESSAGE`
and whose .problems lists every problem found. docs/python.md has the whole tour.
"""
import ctypes
import json as _json
from collections import namedtuple

from . import _lib
from ._lib import lib

__all__ = [
    "Error", "InputError", "ModelError", "Problem", "Scenario", "Model", "Param", "Result",
    "Position", "Comparison", "MonteCarlo", "Sensitivity", "Forecast", "Backtest",
    "load", "loads", "load_all", "models", "run", "compare", "mc", "sensitivity", "war",
    "forecast", "backtest",
    "version", "library_version",
]

__version__ = "0.1.0"

# ---- errors --------------------------------------------------------------------------------

Problem = namedtuple("Problem", "file line column message")
Problem.__doc__ = "One problem the library found, located where known (line/column 0: unknown)."

_INPUT, _MODEL, _INTERRUPTED = 2, 3, 4


class Error(Exception):
    """An error reported by libentente. .problems: every Problem (the first is also .file,
    .line, .column, .message); .code: the library's en_status."""

    def __init__(self, code, problems):
        self.code = code
        self.problems = problems
        first = problems[0] if problems else Problem("", 0, 0, "unknown error")
        self.file, self.line, self.column, self.message = first
        super().__init__("\n".join(_format_problem(p) for p in problems) or first.message)


class InputError(Error, ValueError):
    """Bad input: a scenario, a parameter or an option the library rejected (CLI exit 2)."""


class ModelError(InputError):
    """The model cannot run on this input (reported like bad input)."""


def _format_problem(p):
    if p.file:
        where = p.file + (f":{p.line}" if p.line else "") + (f":{p.column}" if p.column else "")
        return f"{where}: error: {p.message}"
    return f"error: {p.message}"


def _raise(status, err):
    problems = []
    node = ctypes.pointer(err)
    while node:
        e = node.contents
        problems.append(Problem(e.file.decode(errors="replace"), e.line, e.column,
                                e.message.decode(errors="replace")))
        node = e.next
    lib.en_error_clear(ctypes.byref(err))
    cls = {_INPUT: InputError, _MODEL: ModelError}.get(status, Error)
    raise cls(status, problems)


def _check(status, err):
    if status != 0:
        _raise(status, err)
    lib.en_error_clear(ctypes.byref(err))


def _call(fn, *args):
    """Calls `fn(*args, en_error *err)`; raises the C error as an exception on failure."""
    err = _lib._Error()
    _check(fn(*args, ctypes.byref(err)), err)


def _new(fn, *args):
    """Calls a constructor `fn(*args, T **out, en_error *err)`; returns the new pointer."""
    handle = ctypes.c_void_p()
    _call(fn, *args, ctypes.byref(handle))
    return handle.value


def _text(b):
    return None if b is None else b.decode()


def _write(fn, *args):
    """Runs a writer `fn(*args, FILE *out, en_error *err)` into memory; returns the text."""
    buf, size = ctypes.c_void_p(), ctypes.c_size_t()
    out = _lib.libc.open_memstream(ctypes.byref(buf), ctypes.byref(size))
    if not out:
        raise MemoryError("open_memstream failed")
    err = _lib._Error()
    status = fn(*args, out, ctypes.byref(err))
    _lib.libc.fclose(out)
    text = ctypes.string_at(buf, size.value).decode() if buf else ""
    _lib.libc.free(buf)
    _check(status, err)
    return text


_FORMATS = {"text": 0, "json": 1, "csv": 2}


def _format(name):
    try:
        return _FORMATS[name]
    except KeyError:
        raise InputError(_INPUT, [Problem("", 0, 0, f"unknown format '{name}' (text|json|csv)")])


def version():
    """The loaded library's version string ("MAJOR.MINOR.PATCH")."""
    return _text(lib.en_version())


def library_version():
    """The loaded library's version as MAJOR*10000 + MINOR*100 + PATCH."""
    return lib.en_version_number()


# ---- scenarios -----------------------------------------------------------------------------

_INPUT_FORMATS = {None: 0, "auto": 0, "yaml": 1, "csv": 2, "decide": 3, "deu": 4, "ktab-csv": 5,
                  "ktab-xml": 6}


class Scenario:
    """A loaded scenario (owns the C object). .title, .issues and .actors (ids), .issue_names,
    .actor_names, .notes (the loader's notes, `FILE:LINE:COL: note: ...`)."""

    def __init__(self, handle):
        self._handle = handle
        h = handle
        self.title = _text(lib.en_scenario_title(h))
        self.issues = [_text(lib.en_scenario_issue_id(h, i))
                       for i in range(lib.en_scenario_issue_count(h))]
        self.issue_names = [_text(lib.en_scenario_issue_name(h, i))
                            for i in range(len(self.issues))]
        self.actors = [_text(lib.en_scenario_actor_id(h, a))
                       for a in range(lib.en_scenario_actor_count(h))]
        self.actor_names = [_text(lib.en_scenario_actor_name(h, a))
                            for a in range(len(self.actors))]
        self.notes = [_text(lib.en_scenario_note(h, k))
                      for k in range(lib.en_scenario_note_count(h))]

    def __del__(self):
        if getattr(self, "_handle", None):
            lib.en_scenario_free(self._handle)
            self._handle = None

    def __repr__(self):
        return f"<entente.Scenario {self.title!r}: {len(self.actors)} actors, " \
               f"{len(self.issues)} issues>"

    @property
    def outcomes(self):
        """{issue id: recorded outcome} for the issues with an `outcome:` (or a DEU outcome)."""
        x, out = ctypes.c_double(), {}
        for i, issue in enumerate(self.issues):
            if lib.en_scenario_issue_outcome(self._handle, i, ctypes.byref(x)):
                out[issue] = x.value
        return out

    def to_yaml(self):
        """The scenario as entente YAML (what `entente convert` writes)."""
        return _write(lib.en_scenario_write_yaml, self._handle)


def _load_options(format, scale):
    if format not in _INPUT_FORMATS:
        raise InputError(_INPUT, [Problem("", 0, 0,
                         f"unknown input format '{format}' "
                         "(auto|yaml|csv|decide|deu|ktab-csv|ktab-xml)")])
    opts = _lib._LoadOptions(_INPUT_FORMATS[format], 0, 0.0, 0.0)
    if scale is not None:
        opts.has_scale, opts.scale_min, opts.scale_max = 1, float(scale[0]), float(scale[1])
    return opts


def load(path, format=None, scale=None):
    """Loads a scenario file: entente YAML, a BDM stakeholder CSV or a Decide file (format
    None/"auto": by content and extension). scale=(min, max): the CSV position scale.
    Raises InputError with every problem found (file:line:col)."""
    opts = _load_options(format, scale)
    return Scenario(_new(lib.en_scenario_load, str(path).encode(), ctypes.byref(opts)))


def loads(text, name="<string>", format=None, scale=None):
    """Loads a scenario from a string (or bytes); `name` stands for the file in messages."""
    data = text.encode() if isinstance(text, str) else bytes(text)
    opts = _load_options(format, scale)
    return Scenario(_new(lib.en_scenario_load_buffer, data, len(data), name.encode(),
                         ctypes.byref(opts)))


def load_all(path, format=None, scale=None):
    """Every scenario a file holds, as a list: a DEU outcome table gives one per proposal,
    any other format one (what `entente backtest` reads). Raises InputError like load()."""
    opts = _load_options(format, scale)
    array, count = ctypes.POINTER(ctypes.c_void_p)(), ctypes.c_size_t()
    _call(lib.en_scenario_load_all, str(path).encode(), ctypes.byref(opts), ctypes.byref(array),
          ctypes.byref(count))
    # Each Scenario owns its C object from here on; the array itself is the caller's to free.
    scenarios = [Scenario(array[k]) for k in range(count.value)]
    _lib.libc.free(ctypes.cast(array, ctypes.c_void_p))
    return scenarios


def _scenario(s):
    return s if isinstance(s, Scenario) else load(s)


# ---- models and parameters -----------------------------------------------------------------

Param = namedtuple("Param", "name default description accepted")
Model = namedtuple("Model", "name description params")


def _model_info(m):
    params = []
    for k in range(lib.en_model_param_count(m)):
        out = [ctypes.c_char_p() for _ in range(4)]
        lib.en_model_param_info(m, k, *[ctypes.byref(o) for o in out])
        params.append(Param(*[_text(o.value) for o in out]))
    return Model(_text(lib.en_model_name(m)), _text(lib.en_model_description(m)), params)


def models():
    """Every registered model as Model(name, description, params=[Param(name, default,
    description, accepted)]), as `entente models` lists them."""
    return [_model_info(lib.en_model_at(k)) for k in range(lib.en_model_count())]


def _model(name):
    m = lib.en_model_find(str(name).encode())
    if not m:
        names = ", ".join(x.name for x in models())
        raise InputError(_INPUT, [Problem("", 0, 0, f"unknown model '{name}' ({names})")])
    return m


def _param_text(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)
    return str(value)


class _Params:
    """An en_params built from keyword arguments (the --param names)."""

    def __init__(self, params):
        self.handle = lib.en_params_new()
        if not self.handle:
            raise MemoryError("en_params_new")
        for name, value in params.items():
            if value is None:
                continue
            _call(lib.en_params_set, self.handle, name.encode(), _param_text(value).encode())

    def __del__(self):
        if getattr(self, "handle", None):
            lib.en_params_free(self.handle)
            self.handle = None


# ---- runs ----------------------------------------------------------------------------------

Position = namedtuple("Position", "issue round actor position")


class _Written:
    """.text(), .json() and .csv(): what the CLI prints in that format (the class's write)."""

    def text(self):
        return self.write("text")

    def json(self):
        return self.write("json")

    def csv(self):
        return self.write("csv")


class Result(_Written):
    """One model run. .model, .scenario, .issues (ids, in result order), .forecasts {issue:
    forecast}, .stop_reasons {issue: why the model stopped}, .rounds {issue: [{actor: position}
    per round, round 0 = the input]}, .positions (tidy rows). .text()/.json()/.csv() give
    exactly what `entente run --format ...` prints; .to_pandas() and .array(issue) give a
    DataFrame / numpy array when those are installed."""

    def __init__(self, handle, scenario, model):
        self._handle, self.scenario, self.model = handle, scenario, model
        h, s = handle, scenario
        self.issues, self.forecasts, self.stop_reasons, self.rounds = [], {}, {}, {}
        x = ctypes.c_double()
        for i in range(lib.en_result_issue_count(h)):
            issue = s.issues[lib.en_result_issue(h, i)]
            self.issues.append(issue)
            self.forecasts[issue] = lib.en_result_forecast(h, i)
            self.stop_reasons[issue] = _text(lib.en_result_stop_reason(h, i))
            rounds = []
            for t in range(lib.en_result_round_count(h, i)):
                row = {}
                for a, actor in enumerate(s.actors):
                    if lib.en_result_position(h, i, t, a, ctypes.byref(x)):
                        row[actor] = x.value
                rounds.append(row)
            self.rounds[issue] = rounds

    def __del__(self):
        if getattr(self, "_handle", None):
            lib.en_result_free(self._handle)
            self._handle = None

    def __repr__(self):
        return f"<entente.Result {self.model}: {self.forecasts}>"

    @property
    def positions(self):
        """Every actor's position on every issue in every round: [Position(issue, round,
        actor, position)], the rows of `--format csv`."""
        return [Position(issue, t, actor, x)
                for issue in self.issues
                for t, row in enumerate(self.rounds[issue])
                for actor, x in row.items()]

    def write(self, format="text"):
        return _write(lib.en_result_write, self._handle, _format(format))

    def to_pandas(self):
        """The positions as a tidy DataFrame: columns issue, round, actor, position."""
        import pandas
        return pandas.DataFrame(self.positions, columns=list(Position._fields))

    def array(self, issue):
        """numpy array [round, actor] of the positions on `issue` (NaN: no position), actors
        in scenario order."""
        import numpy
        rounds = self.rounds[issue]
        return numpy.array([[row.get(a, numpy.nan) for a in self.scenario.actors]
                            for row in rounds], dtype=float)


def _run(scenario, model, params):
    s = _scenario(scenario)
    m = _model(model)
    p = _Params(params)
    return Result(_new(lib.en_run, m, s._handle, p.handle), s, _text(lib.en_model_name(m)))


def run(scenario, model="eum", rounds=None, **params):
    """Runs one model: entente.run(scenario, model="eum", rounds=10, Q=0.5). scenario is a
    Scenario or a path; params are the model's --param names (entente.models() lists them).
    Raises InputError (bad scenario or parameter) or ModelError."""
    return _run(scenario, model, dict(params, rounds=rounds))


class Comparison(_Written):
    """Several models on one scenario (`entente compare`). .results {model: Result},
    .forecasts {issue: {model: forecast}}; .text()/.json()/.csv() as the CLI prints them;
    .to_pandas(): a DataFrame indexed by issue, one column per model."""

    def __init__(self, scenario, results):
        self.scenario, self.results = scenario, results
        self.forecasts = {}
        for name, r in results.items():
            for issue, value in r.forecasts.items():
                self.forecasts.setdefault(issue, {})[name] = value

    def write(self, format="text"):
        handles = [r._handle for r in self.results.values()]
        array = (ctypes.c_void_p * len(handles))(*handles)
        return _write(lib.en_compare_write, self.scenario._handle, array, len(handles),
                      _format(format))

    def to_pandas(self):
        import pandas
        return pandas.DataFrame.from_dict(self.forecasts, orient="index")


def compare(scenario, models=None, **params):
    """Runs several models (default: every model that applies to the scenario, as `entente
    compare` does) with the same params (each model takes the ones it declares)."""
    s = _scenario(scenario)
    if models is None:
        models = [m.name for m in globals()["models"]()
                  if lib.en_model_applies(_model(m.name), s._handle)]
    results = {}
    for name in models:
        declared = {p.name for p in _model_info(_model(name)).params} | {"rounds", "seed", "trace"}
        results[name] = _run(s, name, {k: v for k, v in params.items() if k in declared})
    return Comparison(s, results)


def war(scenario, runs=None, seed=None, threads=None, settle_with=None, **params):
    """The war-bargaining layer (docs/models/war.md) on a scenario with a `war:` section,
    through its registered model `war`: the terms of the settlement per issue (.forecasts),
    why each issue stopped ("deal", ...), and .text() — the CLI's account with the window's
    summary and P(deal)."""
    return _run(scenario, "war", dict(params, runs=runs, seed=seed, threads=threads,
                                      settle_with=settle_with))


# ---- uncertainty ---------------------------------------------------------------------------

class MonteCarlo(_Written):
    """A Monte Carlo forecast (`entente mc`). .draws, .mean {issue: mean}, .quantile(issue, p),
    .quantiles {issue: {p: value}} for the p asked for; .text()/.json()/.csv();
    .to_pandas(): one row per issue."""

    def __init__(self, handle, scenario, model, probabilities):
        self._handle, self.scenario, self.model = handle, scenario, model
        self.draws = lib.en_mc_result_draws(handle)
        self.mean, self.quantiles = {}, {}
        for i, issue in enumerate(scenario.issues):
            self.mean[issue] = lib.en_mc_result_mean(handle, i)
            self.quantiles[issue] = {p: lib.en_mc_result_quantile(handle, i, p)
                                     for p in probabilities}

    def __del__(self):
        if getattr(self, "_handle", None):
            lib.en_mc_result_free(self._handle)
            self._handle = None

    def quantile(self, issue, p):
        return lib.en_mc_result_quantile(self._handle, self.scenario.issues.index(issue), p)

    def write(self, format="text"):
        return _write(lib.en_mc_result_write, self._handle, _format(format))

    def to_pandas(self):
        import pandas
        rows = [dict(issue=i, mean=self.mean[i], **{f"q{p:g}": v for p, v in
                                                     self.quantiles[i].items()})
                for i in self.scenario.issues]
        return pandas.DataFrame(rows).set_index("issue")


def mc(scenario, model="eum", draws=1000, seed=1, threads=0, jitter=0.0,
       quantiles=(0.05, 0.25, 0.5, 0.75, 0.95), **params):
    """Monte Carlo over the scenario's uncertain values (`entente mc`): `draws` runs of `model`
    on sampled copies; same seed, same numbers whatever `threads` is."""
    s = _scenario(scenario)
    m = _model(model)
    p = _Params(params)
    opts = _lib._McOptions()
    lib.en_mc_options_init(ctypes.byref(opts))
    opts.draws, opts.seed, opts.threads, opts.jitter = draws, seed, threads, jitter
    handle = _new(lib.en_mc_run, m, s._handle, p.handle, ctypes.byref(opts))
    return MonteCarlo(handle, s, _text(lib.en_model_name(m)), quantiles)


class Sensitivity:
    """One-at-a-time sensitivity (`entente sensitivity`). .baseline {issue: forecast};
    .change(actor, input, issue, input_issue=None) -> (minus, plus) with input one of
    "capability", "salience", "position"; .without_actor(actor, issue),
    .without_veto(actor, issue); .text()/.json()/.csv()."""

    _INPUTS = {"capability": 0, "salience": 1, "position": 2}

    def __init__(self, handle, scenario, model):
        self._handle, self.scenario, self.model = handle, scenario, model
        self.baseline = {issue: lib.en_sensitivity_baseline(handle, i)
                         for i, issue in enumerate(scenario.issues)}

    def __del__(self):
        if getattr(self, "_handle", None):
            lib.en_sensitivity_result_free(self._handle)
            self._handle = None

    def change(self, actor, input, issue, input_issue=None):
        s = self.scenario
        minus, plus = ctypes.c_double(), ctypes.c_double()
        ok = lib.en_sensitivity_change(self._handle, s.actors.index(actor), self._INPUTS[input],
                                       s.issues.index(input_issue or issue),
                                       s.issues.index(issue), ctypes.byref(minus),
                                       ctypes.byref(plus))
        return (minus.value, plus.value) if ok else None

    def without_actor(self, actor, issue):
        return lib.en_sensitivity_without_actor(self._handle, self.scenario.actors.index(actor),
                                                self.scenario.issues.index(issue))

    def without_veto(self, actor, issue):
        return lib.en_sensitivity_without_veto(self._handle, self.scenario.actors.index(actor),
                                               self.scenario.issues.index(issue))

    def write(self, format="text"):
        return _write(lib.en_sensitivity_result_write, self._handle, _format(format))

    def text(self):
        return self.write("text")

    def json(self):
        return self.write("json")


def sensitivity(scenario, model="eum", delta=0.1, top=5, **params):
    """Which estimates drive the forecast (`entente sensitivity`)."""
    s = _scenario(scenario)
    m = _model(model)
    p = _Params(params)
    opts = _lib._SensitivityOptions()
    lib.en_sensitivity_options_init(ctypes.byref(opts))
    opts.delta, opts.top = delta, top
    handle = _new(lib.en_sensitivity_run, m, s._handle, p.handle, ctypes.byref(opts))
    return Sensitivity(handle, s, _text(lib.en_model_name(m)))


def _whole(name, value, low, high):
    """Checks a whole-number option before it reaches an unsigned C field (where -1 would wrap
    round to a huge count)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(_INPUT, [Problem("", 0, 0, f"{name}={value!r} is invalid (expected a "
                                                    f"whole number in [{low}, {high}])")])
    return value


# ---- the forecast: one answer --------------------------------------------------------------

class Forecast(_Written):
    """`entente forecast`'s answer. .p_agreement (the base case), .forecasts {issue: forecast},
    .intervals {issue: (low, high)} (the 80% interval), .model (the forecaster), .data (the JSON
    document parsed: blockers, drivers, what_if cases, ...), .what_if (data["what_if"]);
    .text()/.json()/.csv() give exactly what `entente forecast --format ...` prints."""

    def __init__(self, handle, scenario):
        self._handle, self.scenario = handle, scenario
        self.p_agreement = lib.en_forecast_p_agreement(handle)
        self.forecasts, self.intervals = {}, {}
        low, high = ctypes.c_double(), ctypes.c_double()
        for i, issue in enumerate(scenario.issues):
            self.forecasts[issue] = lib.en_forecast_value(handle, i, ctypes.byref(low),
                                                          ctypes.byref(high))
            self.intervals[issue] = (low.value, high.value)
        self.data = _json.loads(self.json())
        self.model = self.data.get("model")
        self.what_if = self.data.get("what_if", [])

    def __del__(self):
        if getattr(self, "_handle", None):
            lib.en_forecast_result_free(self._handle)
            self._handle = None

    def __repr__(self):
        return f"<entente.Forecast {self.model}: P(agreement)={self.p_agreement:g}, " \
               f"{self.forecasts}>"

    def write(self, format="text"):
        return _write(lib.en_forecast_write, self._handle, _format(format))

    def to_pandas(self):
        """One row per issue: forecast, low, high (the 80% interval)."""
        import pandas
        rows = [dict(issue=i, forecast=self.forecasts[i], low=self.intervals[i][0],
                     high=self.intervals[i][1]) for i in self.scenario.issues]
        return pandas.DataFrame(rows).set_index("issue")


def forecast(scenario, what_if=(), draws=10000, seed=1, threads=0, model=None,
             patron_weight=0.5, audience_cost=0.5, mediation=False, war_runs=1000, drivers_screen=None,
             **params):
    """One answer for a scenario (`entente forecast`): what deal, will they agree, who blocks,
    what would change it and, with a war: section, when. what_if: a list of --what-if
    expressions (a single string is one expression); model: the forecaster (None: the default
    forecaster); drivers_screen: K of `--drivers-screen` (None: automatic, 0: every input);
    params go to the forecaster. Raises InputError (file:line:col; a bad what-if
    as --what-if:LINE:COL, or --what-if #N:LINE:COL with several) or ModelError."""
    s = _scenario(scenario)
    if isinstance(what_if, (str, bytes)):
        what_if = [what_if]
    exprs = [w.encode() if isinstance(w, str) else bytes(w) for w in what_if]
    p = _Params(params)
    opts = _lib._ForecastOptions()
    lib.en_forecast_options_init(ctypes.byref(opts))
    opts.draws = _whole("draws", draws, 1, 10000000)
    opts.seed = _whole("seed", seed, 0, 2**53 - 1)
    opts.threads = _whole("threads", threads, 0, 1024)
    opts.patron_weight, opts.audience_cost = float(patron_weight), float(audience_cost)
    opts.mediation, opts.war_runs = 1 if mediation else 0, _whole("war_runs", war_runs, 1, 1000000)
    if drivers_screen is not None:
        opts.drivers_screen = _whole("drivers_screen", drivers_screen, 0, 100000000)
    name = None
    if model is not None:
        name = str(model).encode()
        _model(model)  # an unknown name raises here, with the list of models
        opts.model = name
    array = (ctypes.c_char_p * max(len(exprs), 1))(*exprs)
    result = Forecast(_new(lib.en_forecast_run, s._handle, p.handle, ctypes.byref(opts), array,
                           len(exprs)), s)
    result._params = p  # kept with the result, which may refer to them
    return result


# ---- accuracy on recorded outcomes ---------------------------------------------------------

class Backtest(_Written):
    """`entente backtest`'s scores. .models (names, compromise first), .mae {model: MAE},
    .scores {model: {n, mae, median_ae, rmse, within10, mae_ci95, diff_vs_compromise,
    diff_ci95}}, .issues (the scored issues: scenario, issue, outcome, forecasts), .cv_mae (NaN
    without fit), .fit (the fit section or None), .data (the JSON document parsed);
    .text()/.json()/.csv() exactly as the CLI prints them; .to_pandas(): the issues table."""

    def __init__(self, handle, scenarios, array):
        # the result refers to the scenarios and to the array of their handles
        self._handle, self.scenarios, self._array = handle, scenarios, array
        h = handle
        self.models = [_text(lib.en_backtest_model_name(h, m))
                       for m in range(lib.en_backtest_model_count(h))]
        self.mae = {name: lib.en_backtest_mae(h, m) for m, name in enumerate(self.models)}
        self.cv_mae = lib.en_backtest_cv_mae(h)
        self.data = _json.loads(self.json())
        self.scores = {row["model"]: {k: v for k, v in row.items() if k != "model"}
                       for row in self.data["models"]}
        self.issues = self.data["issues"]
        self.fit = self.data.get("fit")

    def __del__(self):
        if getattr(self, "_handle", None):
            lib.en_backtest_free(self._handle)
            self._handle = None

    def __repr__(self):
        return f"<entente.Backtest {len(self.issues)} issues: MAE {self.mae}>"

    def forecast(self, model, index):
        """Model `model`'s forecast on scored issue `index` (the order of .issues)."""
        return lib.en_backtest_forecast(self._handle, self.models.index(model), index)

    def write(self, format="text"):
        return _write(lib.en_backtest_write, self._handle, _format(format))

    def to_pandas(self):
        """The scored issues: columns scenario, issue, outcome, one per model (its forecast)
        and cv_forecast after fit=True."""
        import pandas
        rows = []
        for row in self.issues:
            r = dict(scenario=row["scenario"], issue=row["issue"], outcome=row["outcome"])
            r.update(row["forecasts"])
            if "cv_forecast" in row:
                r["cv_forecast"] = row["cv_forecast"]
            rows.append(r)
        return pandas.DataFrame(rows)


def backtest(files_or_scenarios, models=None, seed=1, resamples=2000, fit=False, folds=10,
             min_actors=3, format=None, **params):
    """Scores models against recorded outcomes (`entente backtest`). files_or_scenarios: a path,
    a Scenario, or a list of them (paths are read with load_all, so a DEU table gives one
    scenario per proposal; format as in load()). models: names (None: compromise, the default
    forecaster and every other model that applies); params go to every model that declares
    them; seed seeds the bootstrap and the folds (and is passed on as the CLI's --seed is).
    Raises InputError (bad file, no issue with an outcome) or ModelError."""
    items = files_or_scenarios
    if isinstance(items, (str, bytes, Scenario)) or hasattr(items, "__fspath__"):
        items = [items]
    scenarios = []
    for item in items:
        scenarios.extend([item] if isinstance(item, Scenario) else load_all(item, format=format))
    if not scenarios:
        raise InputError(_INPUT, [Problem("", 0, 0, "no scenario given (expected files with "
                                                    "outcomes)")])
    names = None
    if models is not None:
        if isinstance(models, str):
            models = [m for m in models.split(",") if m]
        for m in models:
            _model(m)
        names = (ctypes.c_char_p * len(models))(*[str(m).encode() for m in models])
    p = _Params(dict(params, seed=seed))
    opts = _lib._BacktestOptions()
    lib.en_backtest_options_init(ctypes.byref(opts))
    if names is not None:
        opts.models, opts.model_count = ctypes.cast(names, ctypes.POINTER(ctypes.c_char_p)), \
            len(models)
    opts.params, opts.seed = p.handle, _whole("seed", seed, 0, 2147483647)
    opts.resamples = _whole("resamples", resamples, 1, 100000000)
    opts.min_actors = _whole("min_actors", min_actors, 1, 100000000)
    opts.fit, opts.folds = 1 if fit else 0, _whole("folds", folds, 1, 100000000)
    array = (ctypes.c_void_p * len(scenarios))(*[s._handle for s in scenarios])
    handle = _new(lib.en_backtest_run, array, len(scenarios), ctypes.byref(opts))
    # The C result keeps a pointer to the array itself (not a copy), as well as to the
    # scenarios: both live as long as the Backtest.
    result = Backtest(handle, scenarios, array)
    result._params = p
    return result
