/**
 * Time-series engine and plugin benchmarks (issue 12 targets):
 * - SMA-crossover grid: 14,751 (fast 2..100, slow 2..200, fast < slow) pairs over the S&P 500 sample's
 *   closes, 10 bps fees, each pair's total return and Sharpe: ≤ 0.15 s single-threaded
 *   (side by side with a Numba loop: bench/timeseries_vs_numba.ts);
 * - fromSignals over 1,000 columns × 10,000 bars: ≥ 50M bar-columns/s (≤ 0.2 s);
 * - a Python stream plugin (example_sma) over 5,000 bars end to end: < 1 s;
 * - a Python batch plugin (example_pandas) over a 500 × 2,520 panel including marshalling: < 2 s.
 *
 *   deno run -A bench/medians.ts bench/timeseries_bench.ts --runs 7
 */
import { runEvents } from "../lib/engine/events/mod.ts";
import { crossSignals, fromSignals, maCrossoverGrid, sampleBars } from "../lib/engine/timeseries/mod.ts";
import { sma } from "../lib/indicators/mod.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
import { runBatchPlugin } from "../lib/plugin/batch.ts";
import { loadManifest } from "../lib/plugin/manifest.ts";
import { runStreamPlugin } from "../lib/plugin/stream.ts";
import { createRng } from "../lib/util/rng.ts";

const spx = sampleBars();
const fast = Array.from({ length: 99 }, (_, k) => k + 2);
const slow = Array.from({ length: 199 }, (_, k) => k + 2);

Deno.bench({
  name: "maCrossoverGrid 14,751 SMA pairs × 5,105 closes, 10 bps (target ≤ 0.15 s)",
  n: 10,
  warmup: 2,
  fn: () => {
    maCrossoverGrid(spx.close, { fast, slow }, { feesBps: 10, top: 0 });
  },
});

const T = 10_000;
const C = 1_000;
const rng = createRng(1);
const close = new Float64Array(T * C);
for (let c = 0; c < C; c++) {
  let p = 100;
  for (let t = 0; t < T; t++) close[t * C + c] = p *= 1 + 0.01 * rng.normal();
}
const entries = new Uint8Array(T * C);
const exits = new Uint8Array(T * C);
for (let k = 0; k < T * C; k++) {
  const u = rng.uniform();
  entries[k] = u < 0.005 ? 1 : 0;
  exits[k] = u > 0.995 ? 1 : 0;
}
const wide = { close, nInstruments: C };

Deno.bench({
  name: "fromSignals 1,000 columns × 10,000 bars, full output (target ≥ 50M bar-columns/s = ≤ 0.2 s)",
  n: 5,
  warmup: 1,
  fn: () => {
    fromSignals(wide, entries, exits, { feesBps: 10 });
  },
});

Deno.bench({
  name: "fromSignals 1,000 columns × 10,000 bars, statistics only",
  n: 5,
  warmup: 1,
  fn: () => {
    fromSignals(wide, entries, exits, { feesBps: 10, output: "stats" });
  },
});

Deno.bench({
  name: "fromSignals 1,000 × 10,000 with stop-loss 5% + trailing 10%, full output",
  n: 5,
  warmup: 1,
  fn: () => {
    fromSignals(wide, entries, exits, { feesBps: 10, stopLoss: 0.05, trailingStop: 0.1 });
  },
});

const { entries: e1, exits: x1 } = crossSignals(sma(spx.close, 20), sma(spx.close, 50));
Deno.bench({
  name: "runEvents SMA 20/50 crossover over 5,105 bars (event loop)",
  n: 10,
  warmup: 2,
  fn: () => {
    runEvents(spx, {
      onBar(bar, ctx) {
        if (e1[bar.t] && ctx.position() === 0) ctx.buy();
        else if (x1[bar.t] && ctx.position() > 0) ctx.close();
      },
    }, { feesBps: 10 });
  },
});

const smaPlugin = await loadManifest("example_sma");
const first5000 = { close: spx.close.subarray(0, 5000), dates: spx.dates.subarray(0, 5000) };
Deno.bench({
  name: "Python stream plugin example_sma over 5,000 bars, end to end (target < 1 s)",
  n: 5,
  warmup: 1,
  fn: async () => {
    await runStreamPlugin(smaPlugin, first5000, { params: { fast: 10, slow: 30 } });
  },
});

const NT = 2520;
const NS = 500;
const panelClose = new Float64Array(NT * NS);
for (let i = 0; i < NS; i++) {
  let p = 50;
  for (let t = 0; t < NT; t++) {
    panelClose[t * NS + i] = rng.uniform() < 0.01 ? NaN : (p *= 1 + 0.02 * rng.normal());
  }
}
const panel = makePanel({
  dates: Array.from({ length: NT }, (_, t) => Date.UTC(2010, 0, 4) + t * 86_400_000),
  securityIds: Array.from({ length: NS }, (_, i) => `S${String(i).padStart(4, "0")}`),
  fields: { close: panelClose },
});
const pandasPlugin = await loadManifest("example_pandas");
Deno.bench({
  name: "Python batch plugin example_pandas over 500 × 2,520, incl. Parquet both ways (target < 2 s)",
  n: 5,
  warmup: 1,
  fn: async () => {
    await runBatchPlugin(pandasPlugin, panel, { params: { lookback: 120, skip: 5 } });
  },
});
