"""visualize_results: a run's charts with matplotlib, as PNG and SVG, and one self-contained HTML page.

Reads a run's results as JSON on stdin (or {"runs": [results, ...]} to compare several), writes the figures into
the folder given as the first argument (default: figures/) and prints JSON {"figures": [file names]}:
- equity.png/.svg: growth of 1 (compounded returns); several runs: one line each (strategy comparison)
- drawdown.png/.svg: drawdown from the running peak
- trades.png/.svg: distribution of trade returns (when the run has trades)
- monthly.png/.svg: heatmap of monthly returns (years × months)
- index.html: every SVG inline, no scripts and no external references
"""
import io
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from _results import read_results, returns_of, trades_frame, write  # noqa: E402
from quantnb_plugin import decode  # noqa: E402

plt.rcParams.update({"figure.dpi": 100, "font.size": 9, "svg.hashsalt": "quantnb", "svg.fonttype": "none"})


def save(fig, out, name, written):
    for ext in ("png", "svg"):
        path = os.path.join(out, f"{name}.{ext}")
        fig.savefig(path, bbox_inches="tight", metadata={"Date": None} if ext == "svg" else {"Software": None})
        written.append(f"{name}.{ext}")
    plt.close(fig)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "figures"
    os.makedirs(out, exist_ok=True)
    payload = decode(sys.stdin.read())
    runs = payload["runs"] if "runs" in payload else [payload]
    series = []
    for results in runs:
        _, r = returns_of(results)
        series.append((results["run"]["run_id"], r.fillna(0.0)))
    written = []

    fig, ax = plt.subplots(figsize=(8, 3.2))
    for name, r in series:
        ax.plot(r.index, np.cumprod(1 + r.to_numpy()), label=name, linewidth=1)
    ax.set_title("Growth of 1" + (" — strategy comparison" if len(series) > 1 else ""))
    ax.grid(alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize=7)
    save(fig, out, "equity", written)

    fig, ax = plt.subplots(figsize=(8, 2.4))
    for name, r in series:
        wealth = np.cumprod(1 + r.to_numpy())
        peak = np.maximum.accumulate(np.concatenate(([1.0], wealth)))[1:]
        ax.fill_between(r.index, wealth / peak - 1, 0, alpha=0.4, label=name)
    ax.set_title("Drawdown")
    ax.grid(alpha=0.3)
    save(fig, out, "drawdown", written)

    trades = trades_frame(runs[0])
    if trades is not None and len(trades) and "ret" in trades:
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.hist(trades["ret"].astype(float) * 100, bins=min(50, max(10, len(trades) // 3)), color="#4c78a8")
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(f"Trade returns (%), {len(trades)} trades")
        save(fig, out, "trades", written)

    _, r = series[0]
    monthly = (1 + r).groupby([r.index.year, r.index.month]).prod() - 1
    years = sorted({y for y, _ in monthly.index})
    grid = np.full((len(years), 12), np.nan)
    for (y, m), v in monthly.items():
        grid[years.index(y), m - 1] = v * 100
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(years) + 1.2))
    lim = np.nanmax(np.abs(grid)) if np.isfinite(grid).any() else 1
    ax.imshow(grid, cmap="RdYlGn", vmin=-lim, vmax=lim, aspect="auto")
    ax.set_xticks(range(12), ["J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"])
    ax.set_yticks(range(len(years)), [str(y) for y in years])
    for i in range(len(years)):
        for j in range(12):
            if np.isfinite(grid[i, j]):
                ax.text(j, i, f"{grid[i, j]:.1f}", ha="center", va="center", fontsize=6)
    ax.set_title("Monthly returns (%)")
    save(fig, out, "monthly", written)

    svgs = [f for f in written if f.endswith(".svg")]
    with io.open(os.path.join(out, "index.html"), "w", encoding="utf-8") as fh:
        fh.write("<!doctype html><html><head><meta charset='utf-8'><title>run figures</title>"
                 "<style>body{font:14px system-ui,sans-serif;margin:24px}svg{max-width:100%;height:auto}</style>"
                 f"</head><body><h1>{', '.join(name for name, _ in series)}</h1>")
        for f in svgs:
            with io.open(os.path.join(out, f), encoding="utf-8") as svg:
                text = svg.read()
            fh.write(f"<figure>{text[text.index('<svg'):]}<figcaption>{f}</figcaption></figure>")
        fh.write("</body></html>\n")
    written.append("index.html")
    write({"run_id": runs[0]["run"]["run_id"], "figures": written})


if __name__ == "__main__":
    main()
