"""_lib.py — loads libentente.so and declares the C functions of include/entente.h that the
package calls (ctypes: no compiler is needed to install the package, only the library).

Where the library is found, first match wins:
  1. the ENTENTE_LIBRARY environment variable (a path to libentente.so[.N]);
  2. the libdir pkg-config reports for `entente` (after `make install`);
  3. the dynamic loader's own search (ld.so.conf, LD_LIBRARY_PATH).
"""
import ctypes
import ctypes.util
import os
import subprocess

SONAME = "libentente.so.0"


class _Error(ctypes.Structure):
    pass


# struct en_error of entente.h: code, message[512], file[512], line, column, next.
_Error._fields_ = [
    ("code", ctypes.c_int),
    ("message", ctypes.c_char * 512),
    ("file", ctypes.c_char * 512),
    ("line", ctypes.c_int),
    ("column", ctypes.c_int),
    ("next", ctypes.POINTER(_Error)),
]


class _LoadOptions(ctypes.Structure):
    _fields_ = [
        ("format", ctypes.c_int),
        ("has_scale", ctypes.c_int),
        ("scale_min", ctypes.c_double),
        ("scale_max", ctypes.c_double),
    ]


class _McOptions(ctypes.Structure):
    _fields_ = [
        ("draws", ctypes.c_size_t),
        ("seed", ctypes.c_uint64),
        ("threads", ctypes.c_uint),
        ("jitter", ctypes.c_double),
        ("progress", ctypes.c_void_p),
        ("progress_data", ctypes.c_void_p),
        ("cancel", ctypes.c_void_p),
        ("distributor", ctypes.c_void_p),
    ]


class _SensitivityOptions(ctypes.Structure):
    _fields_ = [("delta", ctypes.c_double), ("top", ctypes.c_size_t),
                ("distributor", ctypes.c_void_p), ("progress", ctypes.c_void_p),
                ("progress_data", ctypes.c_void_p)]


# struct en_forecast_options of entente.h, field for field (ctypes pads as the C compiler does).
class _ForecastOptions(ctypes.Structure):
    _fields_ = [
        ("draws", ctypes.c_size_t),
        ("seed", ctypes.c_uint64),
        ("threads", ctypes.c_uint),
        ("patron_weight", ctypes.c_double),
        ("audience_cost", ctypes.c_double),
        ("mediation", ctypes.c_int),
        ("delta", ctypes.c_double),
        ("drivers", ctypes.c_size_t),
        ("war_runs", ctypes.c_long),
        ("model", ctypes.c_char_p),
        ("distributor", ctypes.c_void_p),
        ("progress", ctypes.c_void_p),
        ("progress_data", ctypes.c_void_p),
        ("drivers_screen", ctypes.c_long),
    ]


# struct en_backtest_options of entente.h.
class _BacktestOptions(ctypes.Structure):
    _fields_ = [
        ("models", ctypes.POINTER(ctypes.c_char_p)),
        ("model_count", ctypes.c_size_t),
        ("params", ctypes.c_void_p),
        ("seed", ctypes.c_uint64),
        ("resamples", ctypes.c_size_t),
        ("min_actors", ctypes.c_size_t),
        ("fit", ctypes.c_int),
        ("folds", ctypes.c_size_t),
        ("distributor", ctypes.c_void_p),
        ("progress", ctypes.c_void_p),
        ("progress_data", ctypes.c_void_p),
    ]


def _candidates():
    path = os.environ.get("ENTENTE_LIBRARY")
    if path:
        yield path
        return
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "entente"],
                                capture_output=True, text=True, check=True).stdout.strip()
        if libdir:
            yield os.path.join(libdir, SONAME)
    except (OSError, subprocess.CalledProcessError):
        pass
    yield SONAME
    found = ctypes.util.find_library("entente")
    if found:
        yield found


def _open():
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{path}: {e}")
    raise ImportError("entente: cannot load libentente (install it with `make install`, or set "
                      "ENTENTE_LIBRARY to the path of libentente.so); tried:\n  " +
                      "\n  ".join(tried))


lib = _open()
libc = ctypes.CDLL(None)

P = ctypes.c_void_p
ERR = ctypes.POINTER(_Error)
SIZE = ctypes.c_size_t
DBL = ctypes.c_double
INT = ctypes.c_int
STR = ctypes.c_char_p

# name: (return type, argument types)
_SIGNATURES = {
    "en_error_clear": (None, [ERR]),
    "en_version": (STR, []),
    "en_version_number": (INT, []),
    "en_scenario_load": (INT, [STR, ctypes.POINTER(_LoadOptions), ctypes.POINTER(P), ERR]),
    "en_scenario_load_buffer": (INT, [STR, SIZE, STR, ctypes.POINTER(_LoadOptions),
                                      ctypes.POINTER(P), ERR]),
    "en_scenario_free": (None, [P]),
    "en_scenario_title": (STR, [P]),
    "en_scenario_issue_count": (SIZE, [P]),
    "en_scenario_issue_id": (STR, [P, SIZE]),
    "en_scenario_issue_name": (STR, [P, SIZE]),
    "en_scenario_actor_count": (SIZE, [P]),
    "en_scenario_actor_id": (STR, [P, SIZE]),
    "en_scenario_actor_name": (STR, [P, SIZE]),
    "en_scenario_note_count": (SIZE, [P]),
    "en_scenario_note": (STR, [P, SIZE]),
    "en_scenario_write_yaml": (INT, [P, P, ERR]),
    "en_model_count": (SIZE, []),
    "en_model_at": (P, [SIZE]),
    "en_model_find": (P, [STR]),
    "en_model_name": (STR, [P]),
    "en_model_applies": (INT, [P, P]),
    "en_model_description": (STR, [P]),
    "en_model_param_count": (SIZE, [P]),
    "en_model_param_info": (None, [P, SIZE, ctypes.POINTER(STR), ctypes.POINTER(STR),
                                   ctypes.POINTER(STR), ctypes.POINTER(STR)]),
    "en_default_forecaster": (STR, []),
    "en_params_new": (P, []),
    "en_params_free": (None, [P]),
    "en_params_set": (INT, [P, STR, STR, ERR]),
    "en_run": (INT, [P, P, P, ctypes.POINTER(P), ERR]),
    "en_result_free": (None, [P]),
    "en_result_issue_count": (SIZE, [P]),
    "en_result_issue": (SIZE, [P, SIZE]),
    "en_result_forecast": (DBL, [P, SIZE]),
    "en_result_round_count": (SIZE, [P, SIZE]),
    "en_result_stop_reason": (STR, [P, SIZE]),
    "en_result_position": (INT, [P, SIZE, SIZE, SIZE, ctypes.POINTER(DBL)]),
    "en_result_write": (INT, [P, INT, P, ERR]),
    "en_compare_write": (INT, [P, ctypes.POINTER(P), SIZE, INT, P, ERR]),
    "en_mc_options_init": (None, [ctypes.POINTER(_McOptions)]),
    "en_mc_run": (INT, [P, P, P, ctypes.POINTER(_McOptions), ctypes.POINTER(P), ERR]),
    "en_mc_result_free": (None, [P]),
    "en_mc_result_draws": (SIZE, [P]),
    "en_mc_result_issue_count": (SIZE, [P]),
    "en_mc_result_mean": (DBL, [P, SIZE]),
    "en_mc_result_quantile": (DBL, [P, SIZE, DBL]),
    "en_mc_result_write": (INT, [P, INT, P, ERR]),
    "en_sensitivity_options_init": (None, [ctypes.POINTER(_SensitivityOptions)]),
    "en_sensitivity_run": (INT, [P, P, P, ctypes.POINTER(_SensitivityOptions),
                                 ctypes.POINTER(P), ERR]),
    "en_sensitivity_result_free": (None, [P]),
    "en_sensitivity_baseline": (DBL, [P, SIZE]),
    "en_sensitivity_change": (INT, [P, SIZE, INT, SIZE, SIZE, ctypes.POINTER(DBL),
                                    ctypes.POINTER(DBL)]),
    "en_sensitivity_without_actor": (DBL, [P, SIZE, SIZE]),
    "en_sensitivity_without_veto": (DBL, [P, SIZE, SIZE]),
    "en_sensitivity_result_write": (INT, [P, INT, P, ERR]),
    "en_scenario_load_all": (INT, [STR, ctypes.POINTER(_LoadOptions),
                                   ctypes.POINTER(ctypes.POINTER(P)), ctypes.POINTER(SIZE), ERR]),
    "en_scenario_outcome_count": (SIZE, [P]),
    "en_scenario_issue_outcome": (INT, [P, SIZE, ctypes.POINTER(DBL)]),
    "en_forecast_options_init": (None, [ctypes.POINTER(_ForecastOptions)]),
    "en_forecast_run": (INT, [P, P, ctypes.POINTER(_ForecastOptions),
                              ctypes.POINTER(STR), SIZE, ctypes.POINTER(P), ERR]),
    "en_forecast_result_free": (None, [P]),
    "en_forecast_p_agreement": (DBL, [P]),
    "en_forecast_value": (DBL, [P, SIZE, ctypes.POINTER(DBL), ctypes.POINTER(DBL)]),
    "en_forecast_write": (INT, [P, INT, P, ERR]),
    "en_backtest_options_init": (None, [ctypes.POINTER(_BacktestOptions)]),
    "en_backtest_run": (INT, [ctypes.POINTER(P), SIZE, ctypes.POINTER(_BacktestOptions),
                              ctypes.POINTER(P), ERR]),
    "en_backtest_free": (None, [P]),
    "en_backtest_issue_count": (SIZE, [P]),
    "en_backtest_model_count": (SIZE, [P]),
    "en_backtest_model_name": (STR, [P, SIZE]),
    "en_backtest_mae": (DBL, [P, SIZE]),
    "en_backtest_forecast": (DBL, [P, SIZE, SIZE]),
    "en_backtest_cv_mae": (DBL, [P]),
    "en_backtest_write": (INT, [P, INT, P, ERR]),
}

for _name, (_restype, _argtypes) in _SIGNATURES.items():
    _f = getattr(lib, _name)
    _f.restype = _restype
    _f.argtypes = _argtypes

libc.open_memstream.restype = P
libc.open_memstream.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(SIZE)]
libc.fclose.argtypes = [P]
libc.free.argtypes = [P]
