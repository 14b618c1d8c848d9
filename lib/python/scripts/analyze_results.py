"""analyze_results: a run's performance and trades at a glance.

Reads a run's results as JSON on stdin (`deno task python analyze RUN_ID --script analyze_results`), writes JSON:
the return series used, totals (cumulative and annual return, volatility, Sharpe with ddof 1, max drawdown),
calendar tables (returns per year and per month, compounded), the best and worst periods, and trade
statistics when the run has a trades table (count, win rate, average win and loss, profit factor =
gross profit / gross loss, expectancy = mean pnl, average duration, longest winning and losing streaks).
"""
import math

import numpy as np

from _results import max_drawdown, periods_per_year, read_results, returns_of, trades_frame, write


def streak(flags):
    best = run = 0
    for f in flags:
        run = run + 1 if f else 0
        best = max(best, run)
    return best


def main():
    results = read_results()
    name, r = returns_of(results)
    r = r.dropna()
    ppy = periods_per_year(results)
    n = len(r)
    growth = float(np.prod(1 + r)) if n else math.nan
    sd = float(r.std(ddof=1)) if n > 1 else math.nan
    out = {
        "run_id": results["run"]["run_id"],
        "returns_column": name,
        "n_periods": n,
        "start": r.index[0] if n else None,
        "end": r.index[-1] if n else None,
        "cumulative_return": growth - 1,
        "annual_return": growth ** (ppy / n) - 1 if n and growth > 0 else math.nan,
        "annual_volatility": sd * math.sqrt(ppy),
        "sharpe": float(r.mean()) / sd * math.sqrt(ppy) if sd and sd > 0 else math.nan,
        "max_drawdown": max_drawdown(r.to_numpy()),
        "best_period": float(r.max()) if n else math.nan,
        "worst_period": float(r.min()) if n else math.nan,
        "yearly_returns": {str(k): float(v) for k, v in (1 + r).groupby(r.index.year).prod().sub(1).items()}
        if n else {},
        "monthly_returns": {
            f"{y}-{m:02d}": float(v) for (y, m), v in (1 + r).groupby([r.index.year, r.index.month]).prod().sub(1).items()
        } if n else {},
    }
    trades = trades_frame(results)
    if trades is not None and len(trades):
        pnl = trades["pnl"].astype(float)
        wins, losses = pnl[pnl > 0], pnl[pnl < 0]
        out["trades"] = {
            "count": int(len(pnl)),
            "win_rate": float((pnl > 0).mean()),
            "avg_win": float(wins.mean()) if len(wins) else math.nan,
            "avg_loss": float(losses.mean()) if len(losses) else math.nan,
            "profit_factor": float(wins.sum() / -losses.sum()) if len(losses) else math.inf,
            "expectancy": float(pnl.mean()),
            "avg_return": float(trades["ret"].astype(float).mean()) if "ret" in trades else math.nan,
            "avg_duration": float(trades["duration"].astype(float).mean()) if "duration" in trades else math.nan,
            "longest_win_streak": streak(pnl > 0),
            "longest_loss_streak": streak(pnl < 0),
        }
    write(out)


if __name__ == "__main__":
    main()
