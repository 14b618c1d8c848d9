/**
 * CPU time next to wall time for the two search benchmarks of `optimize_bench.ts` (whole process,
 * workers included): on a busy shared machine the wall time mostly measures waiting for a core, the
 * CPU time what the work costs. Prints one Markdown row per benchmark.
 *
 *   deno run -A bench/optimize_cpu.ts
 */
import process from "node:process";
import { runSearch } from "../lib/optimize/search.ts";
import { runWalkForward } from "../lib/optimize/walk_forward.ts";
import { GRID_100, GRID_400, searchCase } from "./optimize_grids.ts";

const source = await searchCase();

async function measure(name: string, fn: () => Promise<unknown>): Promise<void> {
  const c0 = process.cpuUsage(), t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0), wall = (performance.now() - t0) / 1000;
  const cpu = (c.user + c.system) / 1e6;
  console.log(`| ${name} | ${wall.toFixed(1)} s | ${cpu.toFixed(1)} s | ${(cpu / 2).toFixed(1)} s |`);
}

console.log("| benchmark | wall | CPU (all threads) | CPU / 2 cores |");
console.log("| --- | ---: | ---: | ---: |");
await measure("grid search, 400 trials, 2 workers", () => runSearch(source, { space: GRID_400, workers: 2 }));
await measure("walk-forward, 10 windows × 100 trials, 2 workers", () =>
  runWalkForward(source, {
    space: GRID_100,
    windows: { inSample: 756, outOfSample: 176, partial: false },
    workers: 2,
  }));
