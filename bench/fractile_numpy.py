"""Dense numpy reference of quantnb's fractile backtest, for side-by-side timing (bench/engine_vs_numpy.ts).

The way a numpy user writes the same backtest on whole T x N matrices (date-major, NaN = missing):
per-date average ranks (ties share the mean of their positions), percentile legs (long when
100*(rank-1)/n >= hi, short when < lo, n = names with a held value and a return that day), equal
weights ($1 long / $1 short), turnover = sum |w_t - w_{t-1}| (from zero after a skipped date), net =
gross - tc_bps/1e4 * turnover over traded dates, Sharpe = mean / std (ddof 1) * sqrt(252). Dates with
fewer than `mincos` valid names or an empty leg are skipped. Industry residualization demeans each
date's known values within industry before the lag shift, as quantnb does.

Uses only numpy (Debian's python3-numpy: `apt-get install python3-numpy`, run with /usr/bin/python3).

Protocol: `python3 fractile_numpy.py DIR T N` loads DIR/ret.f64, DIR/known.f64 (float64, T*N,
date-major) and DIR/groups.i32 (int32, N), then answers each line "run" on stdin with one JSON line
{"seconds": s, "sharpe": {"lag0_off": x, ...}} for the six variants lag {0,1,2} x residualize
{off, industry}; "quit" or end of input stops it.
"""

import json
import sys
import time
import warnings

import numpy as np


def average_ranks(x):
    """1-based average ranks of each row's finite values (ties share their mean position); NaN elsewhere."""
    t_count, n_count = x.shape
    order = np.argsort(x, axis=1, kind="stable")  # NaN sorts last
    s = np.take_along_axis(x, order, axis=1)
    pos = np.arange(n_count)
    first = np.empty((t_count, n_count), bool)
    first[:, 0] = True
    first[:, 1:] = s[:, 1:] != s[:, :-1]
    last = np.empty((t_count, n_count), bool)
    last[:, -1] = True
    last[:, :-1] = first[:, 1:]
    start = np.maximum.accumulate(np.where(first, pos, 0), axis=1)
    end = np.minimum.accumulate(np.where(last, pos, n_count - 1)[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty((t_count, n_count))
    np.put_along_axis(ranks, order, (start + end) / 2 + 1, axis=1)
    ranks[np.isnan(x)] = np.nan
    return ranks


def demean_by_industry(known, groups):
    """Each date's values minus their industry's mean over the finite values of that date."""
    out = np.full_like(known, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: mean NaN, as intended
        for g in np.unique(groups):
            cols = groups == g
            block = known[:, cols]
            out[:, cols] = block - np.nanmean(block, axis=1, keepdims=True)
    return out


def sharpe(signal, ret, lag, lo=10.0, hi=90.0, mincos=10, tc_bps=10.0, periods=252):
    """Net Sharpe of the equal-weight percentile long/short on `signal` (known at each close) held 1 + lag days later."""
    t_count = ret.shape[0]
    held = np.full_like(signal, np.nan)
    held[1 + lag:] = signal[: t_count - 1 - lag]
    valid = np.isfinite(held) & np.isfinite(ret)
    n = valid.sum(axis=1)
    pct = 100 * (average_ranks(np.where(valid, held, np.nan)) - 1) / np.maximum(n, 1)[:, None]
    long_leg = pct >= hi  # NaN compares False
    short_leg = pct < lo
    n_long = long_leg.sum(axis=1)
    n_short = short_leg.sum(axis=1)
    traded = (n >= mincos) & (n_long > 0) & (n_short > 0)
    w = long_leg / np.maximum(n_long, 1)[:, None] - short_leg / np.maximum(n_short, 1)[:, None]
    w[~traded] = 0
    gross = (w * np.where(valid, ret, 0)).sum(axis=1)
    prev = np.zeros_like(w)
    prev[1:] = w[:-1]
    turnover = np.abs(w - prev).sum(axis=1)
    net = (gross - tc_bps / 1e4 * turnover)[traded]
    return float(net.mean() / net.std(ddof=1) * np.sqrt(periods))


def six_variants(known, ret, groups):
    """Sharpe of lag {0, 1, 2} x residualize {off, industry}, labelled as quantnb's suite labels them."""
    out = {}
    for mode, signal in (("off", known), ("industry", demean_by_industry(known, groups))):
        for lag in (0, 1, 2):
            out[f"lag{lag}_{mode}"] = sharpe(signal, ret, lag)
    return out


def main():
    folder, t_count, n_count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    ret = np.fromfile(f"{folder}/ret.f64", dtype=np.float64).reshape(t_count, n_count)
    known = np.fromfile(f"{folder}/known.f64", dtype=np.float64).reshape(t_count, n_count)
    groups = np.fromfile(f"{folder}/groups.i32", dtype=np.int32)
    print(json.dumps({"ready": True, "numpy": np.__version__}), flush=True)
    for line in sys.stdin:
        if line.strip() != "run":
            break
        started = time.perf_counter()
        result = six_variants(known, ret, groups)
        seconds = time.perf_counter() - started
        print(json.dumps({"seconds": seconds, "sharpe": result}), flush=True)


if __name__ == "__main__":
    main()
