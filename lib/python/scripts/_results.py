"""Shared helpers of the analysis scripts: read a run's results (JSON on stdin), pick its return series."""
import json
import math
import sys

import numpy as np
import pandas as pd

from quantnb_plugin import decode, dumps

RETURN_COLUMNS = ("ret", "net", "returns", "return")


def read_results(stream=None):
    """The results JSON quantnb sends: {"run": run.json, "daily": {date: [...], col: [...]}, "tables": {...}}."""
    return decode((stream or sys.stdin).read())


def daily_frame(results):
    """The run's daily series as a DataFrame indexed by date (NaN kept)."""
    daily = dict(results.get("daily") or {})
    dates = daily.pop("date", [])
    frame = pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in daily.items()})
    frame.index = pd.DatetimeIndex([pd.Timestamp(d) for d in dates], name="date")
    return frame


def returns_of(results):
    """(name, returns): the first of ret / net / returns / return, else the equity column's changes."""
    frame = daily_frame(results)
    for name in RETURN_COLUMNS:
        if name in frame:
            return name, frame[name]
    if "equity" in frame:
        equity = frame["equity"]
        initial = (results.get("run", {}).get("params", {}) or {}).get("initial_cash")
        first = equity.iloc[0] / initial - 1 if initial else np.nan
        r = equity.pct_change()
        r.iloc[0] = first
        return "equity", r
    raise SystemExit(f"the run has no return column ({', '.join(RETURN_COLUMNS)}) and no equity column")


def periods_per_year(results):
    params = results.get("run", {}).get("params", {}) or {}
    return float(params.get("periods_per_year") or params.get("periodsPerYear") or 252)


def trades_frame(results):
    """The run's trades table (columns as sent), or None."""
    table = (results.get("tables") or {}).get("trades")
    return None if not table else pd.DataFrame(table)


def clean(value):
    """numpy / pandas values → plain JSON-able Python (NaN stays a float, quantnb_plugin tags it)."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    return value


def write(result):
    sys.stdout.write(dumps(clean(result)) + "\n")


def max_drawdown(r):
    wealth = np.cumprod(1 + np.nan_to_num(r, nan=0.0))
    peak = np.maximum.accumulate(np.concatenate(([1.0], wealth)))[1:]
    return float(np.min(wealth / peak - 1)) if len(wealth) else math.nan
