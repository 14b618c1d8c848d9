/**
 * Side by side: the SMA-crossover grid of 14,751 (fast, slow) pairs (fast 2..100, slow 2..200, fast <
 * slow) over the 5,104 S&P 500 closes, 10 bps fees, each pair's total return and Sharpe — quantnb's
 * `maCrossoverGrid` against a Numba-compiled per-bar loop with the same accounting
 * (`bench/python/numba_grid.py`, Debian's python3-numba). Rounds alternate the two; the report gives
 * each side's median, the median of the per-round ratios, Numba's compile time (first call − warm
 * median) and the largest difference between the two sides' numbers.
 *
 *   deno run -A bench/timeseries_vs_numba.ts [--rounds 7]
 */
import { parseArgs } from "node:util";
import { maCrossoverGrid } from "../lib/engine/timeseries/mod.ts";
import { sampleBars } from "../lib/engine/timeseries/sample.ts";

const { values } = parseArgs({ args: Deno.args, options: { rounds: { type: "string", default: "7" } } });
const rounds = Number(values.rounds);
const { close } = sampleBars();
const fast = Array.from({ length: 99 }, (_, k) => k + 2);
const slow = Array.from({ length: 199 }, (_, k) => k + 2);
const pairs = fast.flatMap((f) => slow.filter((s) => f < s).map((s) => [f, s]));

const python = new Deno.Command("/usr/bin/python3", {
  args: [new URL("./python/numba_grid.py", import.meta.url).pathname],
  stdin: "piped",
  stdout: "piped",
}).spawn();
const writer = python.stdin.getWriter();
const reader = python.stdout.pipeThrough(new TextDecoderStream()).getReader();
let buffered = "";
async function pythonRun(): Promise<Record<string, number & number[]>> {
  await writer.write(new TextEncoder().encode("run\n"));
  while (!buffered.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("numba process ended");
    buffered += value;
  }
  const k = buffered.indexOf("\n");
  const line = buffered.slice(0, k);
  buffered = buffered.slice(k + 1);
  return JSON.parse(line);
}
await writer.write(new TextEncoder().encode(
  JSON.stringify({
    close: [...close],
    fast: pairs.map((p) => p[0]),
    slow: pairs.map((p) => p[1]),
    fee: 0.001,
  }) + "\n",
));

const first = await pythonRun(); // includes Numba's compilation
const ours: number[] = [];
const theirs: number[] = [];
let grid = maCrossoverGrid(close, { fast, slow }, { feesBps: 10, top: 0 }); // warm-up
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  grid = maCrossoverGrid(close, { fast, slow }, { feesBps: 10, top: 0 });
  ours.push((performance.now() - t0) / 1000);
  theirs.push((await pythonRun()).seconds);
}
await writer.close();
await python.status;

const median = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1];
const ratios = ours.map((o, k) => theirs[k] / o);
let dTotal = 0;
let dSharpe = 0;
grid.table.forEach((row, k) => {
  dTotal = Math.max(dTotal, Math.abs(row.total_return - first.total_return[k]));
  dSharpe = Math.max(dSharpe, Math.abs(row.sharpe - first.sharpe[k]));
});
console.log(`pairs ${grid.table.length}, bars ${close.length}, rounds ${rounds}`);
console.log(`quantnb maCrossoverGrid   median ${(median(ours) * 1000).toFixed(1)} ms`);
console.log(`numba loop (warm)         median ${(median(theirs) * 1000).toFixed(1)} ms`);
console.log(
  `numba first call          ${(first.seconds * 1000).toFixed(0)} ms (compile ≈ ${
    ((first.seconds - median(theirs)) * 1000).toFixed(0)
  } ms)`,
);
console.log(`numba / quantnb per round median ${median(ratios).toFixed(2)}×`);
console.log(`max |Δ total_return| ${dTotal.toExponential(2)}, max |Δ sharpe| ${dSharpe.toExponential(2)}`);
