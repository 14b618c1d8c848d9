/**
 * What the time-series kernels' Welford moments cost against an earlier checkout (Σr, Σr² sums): the
 * `fromSignals` 1,000 × 10,000 case of `timeseries_bench.ts` (statistics only and full output) and the
 * 14,751-pair SMA crossover grid, each side by side with the baseline's code, alternating, median of
 * the per-round ratios of CPU time (this checkout / baseline).
 *
 *   git archive main lib deno.json | tar -x -C /tmp/qnb-base
 *   deno run -A bench/timeseries_stats_ab.ts --baseline /tmp/qnb-base [--rounds 9]
 */
import { cpuUsage } from "node:process";
import { parseArgs } from "node:util";
import * as ours from "../lib/engine/timeseries/mod.ts";
import { createRng } from "../lib/util/rng.ts";
import { sideBySide, summaryLine } from "./_side_by_side.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string", default: "9" }, baseline: { type: "string" } },
});
if (!values.baseline) {
  console.error("usage: deno run -A bench/timeseries_stats_ab.ts --baseline DIR [--rounds N]");
  Deno.exit(2);
}
const base: typeof ours = await import(
  `file://${Deno.realPathSync(values.baseline)}/lib/engine/timeseries/mod.ts`
);
const rounds = Number(values.rounds);

const T = 10_000, C = 1_000;
const rng = createRng(1);
const close = new Float64Array(T * C);
for (let c = 0; c < C; c++) {
  let p = 100;
  for (let t = 0; t < T; t++) close[t * C + c] = p *= 1 + 0.01 * rng.normal();
}
const entries = Uint8Array.from({ length: T * C }, () => (rng.uniform() < 0.02 ? 1 : 0));
const exits = Uint8Array.from({ length: T * C }, () => (rng.uniform() < 0.02 ? 1 : 0));
const spx = ours.sampleBars();
const fast = Array.from({ length: 99 }, (_, k) => k + 2);
const slow = Array.from({ length: 199 }, (_, k) => k + 2);

/** CPU seconds of one call (user + system: the calls are single-threaded, so other processes on a busy
 * machine move this far less than wall time). */
const seconds = (f: () => unknown) => () => {
  const t0 = cpuUsage();
  f();
  const dt = cpuUsage(t0);
  return Promise.resolve((dt.user + dt.system) / 1e6);
};
const cases: [string, (m: typeof ours) => unknown][] = [
  [
    "fromSignals 1,000 × 10,000, statistics only",
    (m) => m.fromSignals({ close, nInstruments: C }, entries, exits, { feesBps: 10, output: "stats" }),
  ],
  [
    "fromSignals 1,000 × 10,000, full output (equity built)",
    (m) => m.fromSignals({ close, nInstruments: C }, entries, exits, { feesBps: 10 }).equity,
  ],
  [
    "maCrossoverGrid 14,751 pairs × 5,105 closes",
    (m) => m.maCrossoverGrid(spx.close, { fast, slow }, { feesBps: 10, top: 0 }),
  ],
];
console.log("| case | this checkout | baseline | ratio (range) | rounds |\n| --- | --- | --- | --- | --- |");
for (const [label, run] of cases) {
  console.log(
    summaryLine(label, await sideBySide(rounds, seconds(() => run(ours)), seconds(() => run(base)))),
  );
}
