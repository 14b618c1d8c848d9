"""The 19 base features of lib/ml/features in pandas group-by code: the reference the TypeScript
features are timed against (bench/ml_bench.ts) and checked against (tests/ml_features_test.ts).

Input: long-format rows, one per (security, own bar), sorted by security then date, with columns
sec (int), date (datetime64), industry (int), close, ret, volume, mcap, value. Definitions follow
lib/ml/features/spec.ts: the point-in-time price is the first close of each run of valid returns
compounded with the returns; EMA / Wilder smoothing are seeded with the SMA of the first n values
(TA-Lib), rolling windows need all n values, std has ddof 1.

    /usr/bin/python3 bench/ml_features_pandas.py DIR [ROUNDS]   # times features() on DIR/panel.bin
"""
import json
import sys
import time

import numpy as np
import pandas as pd

BASE = ["ret_1", "ret_5", "ret_10", "ret_21", "ret_63", "ret_126", "ret_252", "vol_21", "vol_63", "rsi_14",
        "macd", "dist_high_252", "dist_low_252", "volume_z_63", "log_mcap", "value", "ind_rel_ret_21",
        "day_of_week", "month"]


def seeded_ewm(x, groups, n, alpha):
    """ewm(alpha, adjust=False) of x per group, seeded with the mean of the group's first n valid values."""
    valid_pos = x.notna().astype(int).groupby(groups).cumsum() - 1
    seed = x.groupby(groups).transform(lambda s: s.rolling(n).mean())
    start = x.where(valid_pos > n - 1).where(valid_pos != n - 1, seed)
    return start.groupby(groups).transform(lambda s: s.ewm(alpha=alpha, adjust=False).mean())


def features(df):
    out = pd.DataFrame(index=df.index)
    ret = df["ret"]
    # Runs of valid returns within a security: a missing return starts a new run (and a new price base).
    run = ret.isna().astype(int).groupby(df["sec"]).cumsum()
    key = [df["sec"], run]
    growth = (1 + ret.fillna(0)).groupby(key).cumprod()
    price = df["close"].groupby(key).transform("first") * growth
    sec = df["sec"]
    for h in [1, 5, 10, 21, 63, 126, 252]:
        if h == 1:
            out["ret_1"] = ret
        else:
            r = price / price.groupby(key).shift(h) - 1
            # the window needs h valid returns: the run's first row (missing return) may be the base
            out[f"ret_{h}"] = r
    g = ret.groupby(sec)
    out["vol_21"] = g.rolling(21).std().reset_index(level=0, drop=True)
    out["vol_63"] = g.rolling(63).std().reset_index(level=0, drop=True)
    # Wilder RSI 14 of the price, per run (a gap restarts the smoothing); the first change is at a run's second row.
    runs = pd.Series(pd.factorize(pd.MultiIndex.from_arrays(key))[0], index=df.index)
    d = price.groupby(runs).diff()
    gains, losses = d.clip(lower=0), (-d).clip(lower=0)
    ag = seeded_ewm(gains, runs, 14, 1 / 14)
    al = seeded_ewm(losses, runs, 14, 1 / 14)
    total = ag + al
    out["rsi_14"] = np.where(total > 0, 100 * ag / total, np.where(total == 0, 50, np.nan))
    fast = seeded_ewm(price, runs, 12, 2 / 13)
    slow = seeded_ewm(price, runs, 26, 2 / 27)
    out["macd"] = fast - slow
    gp = price.groupby(runs)
    out["dist_high_252"] = price / gp.rolling(252).max().reset_index(level=0, drop=True) - 1
    out["dist_low_252"] = price / gp.rolling(252).min().reset_index(level=0, drop=True) - 1
    lv = np.log(df["volume"].where(df["volume"] > 0))
    gv = lv.groupby(sec)
    m = gv.rolling(63).mean().reset_index(level=0, drop=True)
    s = gv.rolling(63).std().reset_index(level=0, drop=True)
    out["volume_z_63"] = ((lv - m) / s).where(s > 0)
    out["log_mcap"] = np.log(df["mcap"].where(df["mcap"] > 0))
    out["value"] = df["value"]
    r21 = out["ret_21"]
    out["ind_rel_ret_21"] = r21 - r21.groupby([df["date"], df["industry"]]).transform("mean")
    out["day_of_week"] = df["date"].dt.dayofweek.astype(float)
    out["month"] = df["date"].dt.month.astype(float)
    return out[BASE]


def read_panel(directory):
    """Reads DIR/panel.json (column names, row count) and DIR/panel.bin (float64 columns) into a DataFrame."""
    meta = json.load(open(f"{directory}/panel.json"))
    raw = np.fromfile(f"{directory}/panel.bin", dtype="<f8").reshape(len(meta["columns"]), meta["rows"])
    df = pd.DataFrame({name: raw[k] for k, name in enumerate(meta["columns"])})
    df["sec"] = df["sec"].astype(int)
    df["industry"] = df["industry"].astype(int)
    df["date"] = pd.to_datetime(df["date"], unit="ms")
    return df


if __name__ == "__main__":
    df = read_panel(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        f = features(df)
        times.append(time.perf_counter() - t0)
    if len(sys.argv) > 3 and sys.argv[3]:
        f.to_numpy(dtype="<f8").T.tofile(sys.argv[3])
    print(json.dumps({"seconds": times, "rows": len(df)}))
