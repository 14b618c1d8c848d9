"""calculate_metrics: advanced risk and performance metrics of a run's returns.

Reads a run's results as JSON on stdin, writes JSON. Conventions (empyrical's where they overlap): simple
per-period returns, NaN dropped, annualised with the run's periods per year (252 by default), sample std
(ddof 1), risk-free 0.
- sharpe = mean / std * sqrt(ppy); sortino = mean * ppy / (sqrt(mean(min(r, 0)^2)) * sqrt(ppy))
- calmar = annual return / |max drawdown|; omega(0) = sum(r > 0) / -sum(r < 0)
- ulcer_index = sqrt(mean(drawdown^2)) (drawdowns in fractions); tail_ratio = |q95| / |q5|
- var_95 / cvar_95: historical 5% quantile (numpy linear) and the mean below it; cornish_fisher_var_95 with
  skew and excess kurtosis; skew (population), excess kurtosis (population)
- probabilistic_sharpe (Bailey & Lopez de Prado 2012): P(true SR > 0) from the per-period SR, n, skew, kurtosis
- lo_adjusted_sharpe (Lo 2002): annual SR scaled by the autocorrelation-adjusted sqrt(q) factor, q = ppy
- kelly_fraction = mean / variance; autocorr_lag1
"""
import math

import numpy as np

from _results import max_drawdown, periods_per_year, read_results, returns_of, write


def normal_cdf(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def normal_ppf(p):
    # bisection on the CDF: plenty for the 5% quantile this script needs
    lo, hi = -10.0, 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if normal_cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def main():
    results = read_results()
    _, series = returns_of(results)
    r = series.dropna().to_numpy(dtype=float)
    ppy = periods_per_year(results)
    n = len(r)
    nan = math.nan
    mean = float(r.mean()) if n else nan
    sd = float(r.std(ddof=1)) if n > 1 else nan
    downside = math.sqrt(float(np.mean(np.minimum(r, 0) ** 2))) if n else nan
    growth = float(np.prod(1 + r)) if n else nan
    annual = growth ** (ppy / n) - 1 if n and growth > 0 else nan
    mdd = max_drawdown(r)
    wealth = np.cumprod(1 + r)
    peak = np.maximum.accumulate(np.concatenate(([1.0], wealth)))[1:]
    dd = wealth / peak - 1
    centered = r - mean
    m2 = float(np.mean(centered**2)) if n else nan
    skew = float(np.mean(centered**3)) / m2**1.5 if n and m2 > 0 else nan
    kurt = float(np.mean(centered**4)) / m2**2 - 3 if n and m2 > 0 else nan
    q05, q95 = (float(np.percentile(r, 5)), float(np.percentile(r, 95))) if n else (nan, nan)
    z = normal_ppf(0.05)
    cf = z + (z**2 - 1) * skew / 6 + (z**3 - 3 * z) * kurt / 24 - (2 * z**3 - 5 * z) * skew**2 / 36
    sr = mean / sd if sd and sd > 0 else nan
    psr = normal_cdf(sr * math.sqrt(n - 1) / math.sqrt(1 - skew * sr + (kurt + 2) / 4 * sr**2)) if n > 1 and sr == sr else nan
    rho = [float(np.corrcoef(r[:-k], r[k:])[0, 1]) if n > k + 2 else 0.0 for k in range(1, int(ppy))]
    q = int(ppy)
    eta = q / math.sqrt(q + 2 * sum((q - k) * rho[k - 1] for k in range(1, q))) if n > 3 else nan
    write({
        "run_id": results["run"]["run_id"],
        "n_periods": n,
        "periods_per_year": ppy,
        "sharpe": sr * math.sqrt(ppy),
        "sortino": mean * ppy / (downside * math.sqrt(ppy)) if downside > 0 else nan,
        "calmar": annual / abs(mdd) if mdd < 0 else nan,
        "omega": float(r[r > 0].sum() / -r[r < 0].sum()) if (r < 0).any() else math.inf,
        "max_drawdown": mdd,
        "ulcer_index": math.sqrt(float(np.mean(dd**2))) if n else nan,
        "tail_ratio": abs(q95) / abs(q05) if q05 else nan,
        "var_95": q05,
        "cvar_95": float(r[r <= q05].mean()) if n else nan,
        "cornish_fisher_var_95": mean + cf * sd,
        "skew": skew,
        "excess_kurtosis": kurt,
        "probabilistic_sharpe": psr,
        "lo_adjusted_sharpe": sr * eta,
        "kelly_fraction": mean / sd**2 if sd and sd > 0 else nan,
        "autocorr_lag1": rho[0] if rho else nan,
    })


if __name__ == "__main__":
    main()
