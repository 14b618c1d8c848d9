"""example_pandas: cross-sectional momentum as a quantnb batch plugin, with pandas and numpy.

generate(params, data) reads the panel quantnb wrote (long format, rows date-major, so each field reshapes to
dates × securities), computes close[t - skip] / close[t - lookback] - 1 per security, z-scores it across the
securities of each date (dates with fewer than `min_names` valid values get NaN), and writes the signal as one
dense DOUBLE column in the panel's order.
"""
import numpy as np
import pandas as pd

from quantnb_plugin import BatchStrategy, read_parquet, write_parquet


class Momentum(BatchStrategy):
    def generate(self, params, data):
        T, N = data["n_dates"], data["n_securities"]
        field = "adj_close" if "adj_close" in data["fields"] else "close"
        values = read_parquet(data["panel"]["$parquet"], columns=[field])[field]  # only the field it needs
        close = pd.DataFrame(
            np.asarray(values, dtype=float).reshape(T, N),
            index=pd.DatetimeIndex(data["dates"]),
            columns=data["security_ids"],
        )
        lookback, skip = int(params["lookback"]), int(params["skip"])
        momentum = close.shift(skip) / close.shift(lookback) - 1.0
        valid = momentum.notna().sum(axis=1)
        z = momentum.sub(momentum.mean(axis=1), axis=0).div(momentum.std(axis=1, ddof=1), axis=0)
        z[valid < int(params["min_names"])] = np.nan
        write_parquet("output/signal.parquet", {"value": z.to_numpy(dtype=float).ravel()})
        return {"signal": {"$parquet": "output/signal.parquet"}}


if __name__ == "__main__":
    Momentum().run()
