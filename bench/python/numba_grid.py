"""Numba reference for the SMA-crossover grid benchmark (bench/timeseries_vs_numba.ts drives it).

The loop is the one vectorbt's engine runs (a Numba-compiled per-pair, per-bar loop), with quantnb's
`fromSignals` accounting: long only, all in (percent sizing 1, fees paid out of the budget), orders decided at
a bar's close fill at the next close, proportional fees, per-bar returns of the equity for the Sharpe ratio.

Protocol (JSON lines): stdin {"close": [...], "fast": [...], "slow": [...], "fee": f} once, then "run" lines;
each run prints {"seconds": s, "lines_seconds": s} and the first run also the per-pair "total_return"/"sharpe".
Run with Debian's python3-numba: /usr/bin/python3 bench/python/numba_grid.py
"""
import json
import math
import sys
import time

import numpy as np
from numba import njit


@njit(cache=False)
def grid_kernel(close, lines, fast_idx, slow_idx, fee, init, periods):
    P = fast_idx.shape[0]
    T = close.shape[0]
    total = np.empty(P)
    sharpe = np.empty(P)
    for p in range(P):
        F = lines[fast_idx[p]]
        S = lines[slow_idx[p]]
        cash = init
        qty = 0.0
        pend = 2  # 2 = nothing pending, 1 = buy, 0 = sell
        prev_cmp = 2
        prev_eq = init
        s1 = 0.0
        s2 = 0.0
        for t in range(T):
            c = close[t]
            if pend != 2:
                if pend == 1:
                    outlay = cash
                    qty = outlay / (c * (1.0 + fee))
                    cash -= outlay
                else:
                    value = qty * c
                    cash += value - value * fee
                    qty = 0.0
                pend = 2
            eq = cash + qty * c
            r = eq / prev_eq - 1.0
            s1 += r
            s2 += r * r
            prev_eq = eq
            f = F[t]
            s = S[t]
            if f > s:
                cmp = 1
            elif f < s:
                cmp = -1
            elif f == s:
                cmp = 0
            else:
                cmp = 2
            if cmp != prev_cmp:
                if cmp == 1 and (prev_cmp == -1 or prev_cmp == 0):
                    pend = 2 if qty > 0 else 1
                elif cmp == -1 and (prev_cmp == 1 or prev_cmp == 0):
                    pend = 0 if qty > 0 else 2
                prev_cmp = cmp
        total[p] = (cash + qty * close[T - 1]) / init - 1.0
        mean = s1 / T
        var = (s2 - T * mean * mean) / (T - 1)
        sharpe[p] = mean / math.sqrt(var) * math.sqrt(periods) if var > 0 else np.nan
    return total, sharpe


def sma_lines(close, windows):
    """SMA of every window with numpy (cumulative sums), NaN before the window is full."""
    csum = np.concatenate(([0.0], np.cumsum(close)))
    out = np.full((len(windows), len(close)), np.nan)
    for k, n in enumerate(windows):
        out[k, n - 1 :] = (csum[n:] - csum[:-n]) / n
    return out


def main():
    spec = json.loads(sys.stdin.readline())
    close = np.asarray(spec["close"], dtype=np.float64)
    fast = np.asarray(spec["fast"], dtype=np.int64)
    slow = np.asarray(spec["slow"], dtype=np.int64)
    windows = np.unique(np.concatenate((fast, slow)))
    slot = {int(w): k for k, w in enumerate(windows)}
    fast_idx = np.array([slot[int(w)] for w in fast], dtype=np.int64)
    slow_idx = np.array([slot[int(w)] for w in slow], dtype=np.int64)
    first = True
    for line in sys.stdin:
        if line.strip() != "run":
            continue
        t0 = time.perf_counter()
        lines = sma_lines(close, windows)
        t1 = time.perf_counter()
        total, sharpe = grid_kernel(close, lines, fast_idx, slow_idx, spec["fee"], 100_000.0, 252.0)
        t2 = time.perf_counter()
        reply = {"seconds": t2 - t0, "lines_seconds": t1 - t0}
        if first:
            reply["total_return"] = total.tolist()
            reply["sharpe"] = sharpe.tolist()
            first = False
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
