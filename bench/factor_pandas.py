"""Alphalens' forward returns + quantize + mean-by-quantile steps, re-implemented faithfully with
pandas (Alphalens does not install offline): utils.compute_forward_returns (pct_change(p).shift(-p),
no z-score filter), get_clean_factor (stack, dropna, groupby(date) qcut(5) + 1) and
performance.mean_return_by_quantile (demeaned, by_date=False). Reads DIR/close.f64, DIR/factor.f64
(T × N little-endian doubles, date-major) and DIR/shape.json; prints the seconds of the pipeline
(data loading excluded) as JSON. Used by bench/factor_vs_pandas.ts.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

d = Path(sys.argv[1])
shape = json.loads((d / "shape.json").read_text())
T, N = shape["T"], shape["N"]
close = np.fromfile(d / "close.f64", dtype="<f8").reshape(T, N)
factor = np.fromfile(d / "factor.f64", dtype="<f8").reshape(T, N)
dates = pd.bdate_range("2010-01-04", periods=T, name="date")
assets = pd.Index([f"S{i:05d}" for i in range(N)], name="asset")
prices = pd.DataFrame(close, index=dates, columns=assets)
fac = pd.DataFrame(factor, index=dates, columns=assets).stack()
fac.index.names = ["date", "asset"]

started = time.perf_counter()
fwd = {}
for p in (1, 5, 10):
    fwd[p] = prices.pct_change(p, fill_method=None).shift(-p).stack(dropna=False)
df = pd.DataFrame(fwd)
df.index.names = ["date", "asset"]
df = df.reindex(fac.index)
df["factor"] = fac
df = df.dropna()
df["factor_quantile"] = df.groupby(level="date")["factor"].transform(lambda x: pd.qcut(x, 5, labels=False) + 1)
cols = [1, 5, 10]
df[cols] = df.groupby(level="date")[cols].transform(lambda x: x - x.mean())
by_date = df.groupby(["factor_quantile", df.index.get_level_values("date")])[cols].mean()
stats = by_date.groupby(level="factor_quantile").agg(["mean", "std", "count"])
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "rows": int(len(df)), "q1_mean_1": float(stats[(1, "mean")].iloc[0])}))
