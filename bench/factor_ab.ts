/**
 * `analyzeFactor` of this checkout against a baseline checkout's (A/B in one process): the
 * `factor_bench.ts` case (periods 1, 5, 10; 5 quantiles; by industry; event study) on the random
 * panel of `factor_case.ts`, first checked for bit-identical results (every number of both
 * `FactorAnalysis` records, the `T × N` matrices included, `Object.is`, so NaN and -0 count; also for
 * five other option sets on a smaller panel, with and without ties, and on its prices given as daily
 * returns), then timed side by side,
 * alternating which goes first, each call's CPU time (user + system: single-threaded, so the other
 * processes of a busy machine move it less than wall time). Prints the median of the per-round
 * ratios (this / baseline) and both medians.
 *
 *   git archive main lib | tar -x -C /tmp/qnb-base
 *   deno run -A bench/factor_ab.ts --baseline /tmp/qnb-base [--securities 3000] [--rounds 7]
 */
import { cpuUsage } from "node:process";
import { parseArgs } from "node:util";
import { analyzeFactor, type FactorAnalysisOptions } from "../lib/factor/analyze.ts";
import { factorCase } from "./factor_case.ts";
import { makePanel } from "../lib/panel/make_panel.ts";
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
/** Both checkouts' results (or errors) on one case must be the same, bit for bit. */
function check(label: string, analyze: (f: typeof analyzeFactor) => unknown): void {
  const outcome = (f: typeof analyzeFactor) => {
    try {
      return { result: analyze(f) };
    } catch (error) {
      return { error: String(error) };
    }
  };
  const tally = { count: 0, differ: 0 };
  compare(outcome(analyzeFactor), outcome(base.analyzeFactor), label, tally);
  if (tally.differ) {
    throw new Error(`${label}: ${tally.differ} of ${tally.count} numbers differ from the baseline's`);
  }
  console.error(`${label}: ${tally.count} numbers bit-identical`);
}
check("the timed case", run);
// the other paths on a smaller panel, its factor as is and rounded to thirds (ties within and across
// quantile edges): group-neutral, binned by group, equal-weighted, bins, zero-aware, quantile
// probabilities, single-bar returns without padding and with
const other = factorCase(300, 400, 5), tied = other.known.map((v) => Math.round(v * 3) / 3);
const variants: FactorAnalysisOptions[] = [
  { periods: [1, 5], quantiles: 4, groupBy: "industry", groupNeutral: true },
  { periods: [1, 3], quantiles: 5, groupBy: "industry", binByGroup: true, equalWeight: true },
  { periods: [2], bins: 4, longShort: false },
  { periods: [1, 5], quantiles: 4, zeroAware: true, groupBy: "industry", events: { before: 3, after: 4 } },
  { periods: [1, 5], quantiles: [0, 0.1, 0.5, 0.9, 1], cumulative: false, padMissing: false },
  { periods: [1, 4, 7], quantiles: 3, cumulative: false, groupBy: "industry", groupNeutral: true },
];
for (const [k, options] of variants.entries()) {
  for (const [name, factor] of [["factor", other.known], ["tied factor", tied]] as const) {
    check(`variant ${k + 1}, ${name}`, (f) => f(other.panel, { known: factor }, options));
  }
}
// the same prices as daily returns (a missing close breaks the chain twice): the chained wealth
// index, with and without padding, group-neutral (the events by group)
const close = other.panel.fields.adj_close, nO = other.panel.securityIds.length;
const retPanel = makePanel({
  dates: other.panel.dates,
  securityIds: other.panel.securityIds,
  industries: other.panel.industries,
  fields: { ret: close.map((c, cell) => cell < nO ? NaN : c / close[cell - nO] - 1) },
});
for (const padMissing of [true, false]) {
  check(`daily returns, padMissing ${padMissing}`, (f) =>
    f(retPanel, { known: other.known }, {
      periods: [1, 5],
      quantiles: 5,
      groupBy: "industry",
      groupNeutral: true,
      padMissing,
      maxLoss: 1,
    }));
}

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
