"""A vectorbt-style numba reference of the portfolio simulator, for side-by-side timing.

The same loop as lib/portfolio/simulate.ts on the benchmark case (bench/portfolio_case.ts): target
weights of bar t - 1 become whole-share orders at bar t's open (the first decision always, then on the
schedule's decision bars), fills at open ± slippage bps with a commission in bps, cash × growth per
bar, average-cost realised P&L, the Brazilian monthly tax (15% of net swing gains, R$20k sales
exemption, loss carry, 0.005% withholding credited, R$10 minimum, paid on the last bar of the next
month), NAV at the close. Trades are kept as records (one typed column per field), as vectorbt does.

Protocol (driven by bench/portfolio_reference.ts): argv[1] is a folder holding open.f64, close.f64,
weights.f64 (T x N, C order), decide_daily.u8, decide_monthly.u8, month_end.u8, due.i32 (due bar of
the period closed at each month end, -1 past the data) and meta.json. Each stdin line "run SCHEDULE"
runs the simulation once and prints "elapsed_ms final_nav trades"; the first line printed is the
numba compile time ("compile MS").
"""
import json
import math
import sys
import time

import numpy as np
from numba import njit


@njit(cache=False)
def simulate(open_, close, w, decide, month_end, due_index, growth, capital, comm, slip, lot,
             rate, wh_rate, limit, minimum):
    T, N = close.shape
    shares = np.zeros(N)
    avg = np.zeros(N)
    mark = np.full(N, np.nan)
    nav = np.empty(T)
    shares_out = np.zeros((T, N))
    cap = T * N
    tr_t = np.empty(cap, np.int32)
    tr_i = np.empty(cap, np.int32)
    tr_q = np.empty(cap)
    tr_p = np.empty(cap)
    tr_c = np.empty(cap)
    tr_r = np.zeros(cap)
    n = 0
    due = np.zeros(T)
    cash = capital
    sales = 0.0
    result = 0.0
    withheld = 0.0
    pool = 0.0
    credit = 0.0
    deferred = 0.0
    acted = False
    for t in range(T):
        if t > 0:
            cash *= growth
        if due[t] > 0:
            cash -= due[t]
        if t > 0 and (decide[t - 1] or not acted):
            acted = True
            r = t - 1
            navref = cash
            for i in range(N):
                if shares[i] != 0.0:
                    px = open_[t, i]
                    navref += shares[i] * (px if px == px else mark[i])
            for i in range(N):
                x = w[r, i]
                px = open_[t, i]
                if x != x or not px > 0:
                    continue
                raw = x * navref / px
                goal = math.trunc(raw / lot + (1e-9 if raw > 0 else -1e-9)) * lot
                q = goal - shares[i]
                if q == 0.0:
                    continue
                fill = px * (1 + slip) if q > 0 else px * (1 - slip)
                fee = comm * abs(q) * fill
                cash -= q * fill + fee
                pnl = 0.0
                held = shares[i]
                if q > 0:
                    cost = (q * fill + fee) / q
                    if held >= 0:
                        avg[i] = (held * avg[i] + q * cost) / (held + q)
                    else:
                        c = min(q, -held)
                        pnl = c * (avg[i] - cost)
                        if q > c:
                            avg[i] = cost
                else:
                    s = -q
                    proceeds = (s * fill - fee) / s
                    if held <= 0:
                        avg[i] = (-held * avg[i] + s * proceeds) / (-held + s)
                    else:
                        c = min(s, held)
                        pnl = c * (proceeds - avg[i])
                        if s > c:
                            avg[i] = proceeds
                    sale = s * fill
                    sales += sale
                    wh = sale * wh_rate
                    withheld += wh
                    cash -= wh
                result += pnl
                shares[i] = goal
                if goal == 0.0:
                    avg[i] = 0.0
                tr_t[n] = t
                tr_i[n] = i
                tr_q[n] = q
                tr_p[n] = fill
                tr_c[n] = fee
                tr_r[n] = pnl
                n += 1
        value = cash
        for i in range(N):
            c = close[t, i]
            if c == c:
                mark[i] = c
            if shares[i] != 0.0:
                value += shares[i] * mark[i]
                shares_out[t, i] = shares[i]
        nav[t] = value
        if month_end[t]:
            base = result if sales > limit else min(result, 0.0)
            taxable = 0.0
            if base > 0:
                used = min(pool, base)
                taxable = base - used
                pool -= used
            else:
                pool -= base
            tax = rate * taxable
            available = credit + withheld
            used_credit = min(tax, available)
            credit = available - used_credit
            bill = tax - used_credit + deferred
            if bill > 0 and bill >= minimum:
                deferred = 0.0
                if due_index[t] >= 0:
                    due[due_index[t]] += bill
            else:
                deferred = bill
            sales = 0.0
            result = 0.0
            withheld = 0.0
    return nav, shares_out, n, tr_t[:n], tr_i[:n], tr_q[:n], tr_p[:n], tr_c[:n], tr_r[:n]


def main():
    folder = sys.argv[1]
    meta = json.load(open(f"{folder}/meta.json"))
    T, N = meta["T"], meta["N"]
    load = lambda name, dtype, shape: np.fromfile(f"{folder}/{name}", dtype=dtype).reshape(shape)
    open_ = load("open.f64", np.float64, (T, N))
    close = load("close.f64", np.float64, (T, N))
    w = load("weights.f64", np.float64, (T, N))
    decide = {s: load(f"decide_{s}.u8", np.uint8, (T,)) for s in ("daily", "monthly")}
    month_end = load("month_end.u8", np.uint8, (T,))
    due = load("due.i32", np.int32, (T,))
    args = (meta["capital"], meta["comm"], meta["slip"], meta["lot"], 0.15, 0.00005, 20000.0, 10.0)
    growth = meta["growth"]

    def run(schedule):
        return simulate(open_, close, w, decide[schedule], month_end, due, growth, *args)

    started = time.perf_counter()
    run("monthly")
    print(f"compile {(time.perf_counter() - started) * 1000:.1f}", flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        started = time.perf_counter()
        nav, _, n, *_ = run(parts[1])
        print(f"{(time.perf_counter() - started) * 1000:.3f} {nav[-1]:.6f} {n}", flush=True)


if __name__ == "__main__":
    main()
