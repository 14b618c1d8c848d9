/**
 * `analyzeFactor` of this checkout against a baseline checkout's (A/B in one process): the
 * `factor_bench.ts` case (periods 1, 5, 10; 5 quantiles; by industry; event study) on the random
 * panel of `factor_case.ts`, first checked leaf by leaf for bit-identical results (every number of
 * both `FactorAnalysis` records, the `T × N` matrices included, `Object.is`, so NaN and -0 count), then timed side by side,
 * alternating which goes first, each call's CPU time (user + system: single-threaded, so the other
 * processes of a busy machine move it less than wall time). Prints the median of the per-round
 * ratios (this / baseline) and both medians.
 *
 *   git archive main lib | tar -x -C /tmp/qnb-base
 *   deno run -A bench/factor_ab.ts --baseline /tmp/qnb-base [--securities 3000] [--rounds 7]
 */
import { cpuUsage } from "node:process";
import { parseArgs } from "node:util";
import { analyzeFactor } from "../lib/factor/analyze.ts";
import { factorCase } from "./factor_case.ts";
import { sideBySide, summaryLine } from "./_side_by_side.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    baseline: { type: "string" },
    securities: { type: "string", default: "3000" },
    rounds: { type: "string", default: "7" },
    help: { type: "boolean", default: false },
  },
});
if (values.help || !values.baseline) {
  console.log(
    "Usage: deno run -A bench/factor_ab.ts --baseline DIR (a checkout holding lib/) [--securities N] [--rounds R]",
  );
  Deno.exit(values.help ? 0 : 2);
}
const base: { analyzeFactor: typeof analyzeFactor } = await import(
  `file://${Deno.realPathSync(values.baseline)}/lib/factor/analyze.ts`
);
const nS = Number(values.securities), rounds = Number(values.rounds);
if (!(Number.isInteger(nS) && nS > 0 && Number.isInteger(rounds) && rounds > 0)) {
  throw new RangeError(`--securities and --rounds must be positive integers, found ${nS} and ${rounds}`);
}
// the seeds of factor_bench.ts: 1 for its 500-name case, 2 for its 3000-name one
const { panel, known } = factorCase(2520, nS, nS === 500 ? 1 : 2);
const OPTIONS = { periods: [1, 5, 10], quantiles: 5, groupBy: "industry" } as const;
const run = (analyze: typeof analyzeFactor) => analyze(panel, { known }, OPTIONS);

/**
 * Walks two results side by side and counts the numbers (and strings) that are not `Object.is`-equal,
 * printing the first few paths; `count` is how many were compared.
 */
function compare(a: unknown, b: unknown, path: string, tally: { count: number; differ: number }): void {
  const differ = (what: string) => {
    if (tally.differ++ < 5) console.error(`differs: ${path}${what}`);
  };
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    const x = a as ArrayLike<unknown>, y = b as ArrayLike<unknown> | undefined;
    if (!y || y.length !== x.length || ArrayBuffer.isView(a) !== ArrayBuffer.isView(b)) {
      return differ(`: length ${x.length} vs ${y?.length}`);
    }
    if (ArrayBuffer.isView(a)) {
      for (let k = 0; k < x.length; k++, tally.count++) {
        if (!Object.is(x[k], y[k])) differ(`[${k}]: ${x[k]} vs ${y[k]}`);
      }
    } else for (let k = 0; k < x.length; k++) compare(x[k], y[k], `${path}[${k}]`, tally);
  } else if (a !== null && typeof a === "object") {
    if (b === null || typeof b !== "object") return differ(": object vs not");
    const keys = Object.keys(a);
    if (keys.join() !== Object.keys(b).join()) return differ(`: keys ${keys} vs ${Object.keys(b)}`);
    for (const k of keys) {
      compare((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, tally);
    }
  } else {
    tally.count++;
    if (!Object.is(a, b)) differ(`: ${a} vs ${b}`);
  }
}
const tally = { count: 0, differ: 0 };
compare(run(analyzeFactor), run(base.analyzeFactor), "", tally);
if (tally.differ) throw new Error(`${tally.differ} of ${tally.count} numbers differ from the baseline's`);
console.error(`${tally.count} numbers bit-identical`);

const seconds = (analyze: typeof analyzeFactor) => () => {
  const t0 = cpuUsage();
  run(analyze);
  const dt = cpuUsage(t0);
  return Promise.resolve((dt.user + dt.system) / 1e6);
};
const result = await sideBySide(rounds, seconds(analyzeFactor), seconds(base.analyzeFactor), (r, a, b) => {
  console.error(
    `round ${r + 1}: this ${a.toFixed(3)} s, baseline ${b.toFixed(3)} s, ratio ${(a / b).toFixed(3)}`,
  );
});
console.log("| case | this checkout | baseline | ratio (range) | rounds |\n| --- | --- | --- | --- | --- |");
console.log(summaryLine(`analyzeFactor ${nS} × 2,520 (CPU time)`, result));
