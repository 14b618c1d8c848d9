"""compare_runs: two or more runs side by side.

Reads {"runs": [results, ...]} as JSON on stdin (the first run is the base), writes JSON: per run the headline
numbers (cumulative and annual return, volatility, Sharpe with ddof 1, max drawdown) over the dates all runs
share, the correlation matrix of their returns, and for each other run the Sharpe difference against the base
with the Jobson–Korkie test as corrected by Memmel (2003): z = (SR_b - SR_a) / sqrt(V) with per-period Sharpe
ratios and V = (2 - 2 rho + (SR_a^2 + SR_b^2 - 2 SR_a SR_b rho^2) / 2) / n, two-sided normal p-value.
"""
import math

import numpy as np
import pandas as pd

from _results import max_drawdown, periods_per_year, read_results, returns_of, write


def normal_cdf(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def main():
    payload = read_results()
    runs = payload["runs"]
    if len(runs) < 2:
        raise SystemExit("compare_runs needs at least two runs")
    frame = pd.concat({r["run"]["run_id"]: returns_of(r)[1] for r in runs}, axis=1).dropna()
    ppy = periods_per_year(runs[0])
    n = len(frame)
    stats = {}
    for name in frame:
        r = frame[name].to_numpy()
        sd = r.std(ddof=1)
        growth = float(np.prod(1 + r))
        stats[name] = {
            "cumulative_return": growth - 1,
            "annual_return": growth ** (ppy / n) - 1 if growth > 0 else -1.0,
            "annual_volatility": sd * math.sqrt(ppy),
            "sharpe": r.mean() / sd * math.sqrt(ppy) if sd > 0 else math.nan,
            "max_drawdown": max_drawdown(r),
        }
    base = frame.columns[0]
    tests = {}
    for other in frame.columns[1:]:
        a, b = frame[base].to_numpy(), frame[other].to_numpy()
        sa, sb = a.mean() / a.std(ddof=1), b.mean() / b.std(ddof=1)
        rho = float(np.corrcoef(a, b)[0, 1])
        v = (2 - 2 * rho + 0.5 * (sa**2 + sb**2 - 2 * sa * sb * rho**2)) / n
        z = (sb - sa) / math.sqrt(v) if v > 0 else math.nan
        tests[other] = {
            "sharpe_difference": (sb - sa) * math.sqrt(ppy),
            "z": z,
            "p_value": 2 * (1 - normal_cdf(abs(z))) if z == z else math.nan,
            "correlation": rho,
        }
    write({
        "base": base,
        "n_common_periods": n,
        "start": frame.index[0] if n else None,
        "end": frame.index[-1] if n else None,
        "runs": stats,
        "correlation": {k: {kk: float(vv) for kk, vv in row.items()} for k, row in frame.corr().to_dict().items()},
        "sharpe_tests": tests,
    })


if __name__ == "__main__":
    main()
