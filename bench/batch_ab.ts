/**
 * The local batch runner of this tree against another tree's (A/B in one process, issue 16's overhead
 * target): the 200 small backtest jobs of `bench/batch_runner.ts batch` (80 securities × 2 years, lag
 * 0–4 × tc-bps 0–39) through `runBatchFile` with 2 worker processes, each run into a fresh registry,
 * the two trees alternating round by round. Prints the median of the per-round ratios (this / base) of
 * wall time, and of CPU time (this process and its reaped worker processes, from /proc/self/stat).
 *
 *   git archive 69a6059 lib deno.json deno.lock | tar -x -C /tmp/quantnb-main
 *   deno run -A bench/batch_ab.ts --base /tmp/quantnb-main [--rounds 5]
 */
import { runBatchFile } from "../lib/jobs/batch.ts";
import { jobsWorld, runFolders } from "../tests/fixtures/jobs/world.ts";
import { baseTree, median, sideBySide, summaryLine } from "./_side_by_side.ts";

const { base, rounds } = await baseTree<{ runBatchFile: typeof runBatchFile }>(
  "bench/batch_ab.ts",
  "lib/jobs/batch.ts",
);
const JOBS = 200;
const w = await jobsWorld();
const batch = await w.file(
  "bench.yaml",
  `name: bench
snapshots: ${w.snapshotsDir}
defaults: { snapshot: s, signal: ${w.signal} }
jobs:
  - kind: backtest
    job: lag{lag}-tc{tc-bps}
    matrix:
      lag: [0, 1, 2, 3, 4]
      tc-bps: [${Array.from({ length: JOBS / 5 }, (_, k) => k).join(", ")}]
`,
);

/** CPU seconds of this process and of its reaped children (utime + stime + cutime + cstime). */
function cpuSeconds(): number {
  const f = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}

let registry = 0;
/** Wall seconds of one batch of `run`'s tree; its CPU seconds pushed onto `cpu`. */
const timed = (run: typeof runBatchFile, cpu: number[]) => async () => {
  const runsDir = `${w.dir}/runs-${registry}`;
  const started = performance.now(), used = cpuSeconds();
  const result = await run(batch, {
    runsDir,
    batchDir: `${w.dir}/out-${registry++}`,
    minFreeBytes: 0,
    workers: 2,
    progressWrite: () => {},
  });
  cpu.push(cpuSeconds() - used);
  if (result.counts.completed !== JOBS || runFolders(runsDir).length !== JOBS) {
    throw new Error(`expected ${JOBS} runs, found ${runFolders(runsDir).length}`);
  }
  return (performance.now() - started) / 1000;
};
try {
  const ourCpu: number[] = [], baseCpu: number[] = [];
  const result = await sideBySide(
    rounds,
    timed(runBatchFile, ourCpu),
    timed(base.runBatchFile, baseCpu),
    (r, a, b) =>
      console.error(
        `round ${r + 1}: this ${a.toFixed(2)} s, base ${b.toFixed(2)} s, ratio ${(a / b).toFixed(2)}`,
      ),
  );
  const cpuRatios = ourCpu.slice(1).map((c, k) => c / baseCpu[k + 1]); // the warm-up rounds left out
  console.log("| case | this tree | base | ratio (min … max) | rounds |\n| --- | --- | --- | --- | --- |");
  console.log(summaryLine(`${JOBS} backtest jobs, 2 local workers (wall)`, result));
  console.log(
    `| same, CPU time (this process + workers) | | | ${median(cpuRatios).toFixed(3)}× | ${rounds} |`,
  );
} finally {
  await Deno.remove(w.dir, { recursive: true });
}
