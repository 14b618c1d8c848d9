import { knownMatrix } from "../signal/align.ts";
import type { BacktestResult, SignalInput } from "../engine/types.ts";
import type { Panel } from "../panel/types.ts";
import { baselineNames } from "./baselines.ts";
import { INPUT } from "./unit.ts";
import { defaultWorkers, runUnits } from "./pool.ts";
import { expandPreset, PRESETS, type SuitePreset } from "./preset.ts";
import { pnlCorrelation } from "./uniqueness.ts";
import { judge, type Verdict } from "./verdict.ts";
import { checkOptions, optionKeys } from "../util/options.ts";

/** One variant's backtest. */
export interface VariantRun {
  label: string;
  result: BacktestResult;
}

/** Every variant of one signal (the signal under test or a baseline). */
export interface SignalRun {
  name: string;
  variants: VariantRun[];
  /** The variant with the highest net Sharpe. */
  best: VariantRun;
}

/** How new the signal is next to one baseline. */
export interface Uniqueness {
  baseline: string;
  /** Mean daily cross-sectional Spearman correlation of the two signals' known values. */
  rank_correlation: number;
  /** Correlation of daily net PnL, both at the signal's best variant. */
  pnl_correlation: number;
}

/** Everything a suite produces. */
export interface SuiteResult {
  preset: SuitePreset;
  signal: SignalRun;
  baselines: SignalRun[];
  uniqueness: Uniqueness[];
  verdict: Verdict;
  /** Work units run and the worker count used. */
  workers: number;
}

/** Options of `runSuite`. */
export interface SuiteOptions {
  /** Web Workers to fan out over (default `defaultWorkers`: one per core, fewer when memory is short; 0 runs in this thread). */
  workers?: number;
  /** Called after each finished unit with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs the suite: expands the preset's config matrix (e.g. `standard`: lags {0,1,2} × residualize
 * {off, industry}), runs the signal and every baseline (reversal_5d, momentum_12_1, value) through
 * each variant, measures uniqueness (rank and PnL correlation with each baseline) and gives the
 * verdict. Work fans out over Web Workers, one unit per (signal, residualize mode); results are
 * identical for any worker count.
 *
 * @example
 * ```ts
 * const suite = await runSuite(panel, { name: "my_signal", signal }, "standard");
 * suite.verdict.color; // "green" | "yellow" | "red"
 * ```
 */
const SUITE_KEYS = optionKeys<SuiteOptions>({ workers: true, onProgress: true });

export async function runSuite(
  panel: Panel,
  input: { name: string; signal: SignalInput },
  preset: string | SuitePreset = "standard",
  options: SuiteOptions = {},
): Promise<SuiteResult> {
  checkOptions("runSuite", options, SUITE_KEYS);
  const chosen = typeof preset === "string" ? PRESETS[preset] : preset;
  if (!chosen) {
    throw new RangeError(`unknown suite preset "${preset}"; presets: ${Object.keys(PRESETS).join(", ")}`);
  }
  const variants = expandPreset(chosen);
  const known = "known" in input.signal ? input.signal.known : knownMatrix(panel, input.signal);
  const names = [INPUT, ...baselineNames(panel)];
  const modes = [...new Set(variants.map((v) => v.options.residualize))];
  const byMode = modes.map((mode) => variants.filter((v) => v.options.residualize === mode));
  // One unit per (signal, residualize mode); a baseline's first unit also measures its rank correlation.
  const units = names.flatMap((signal, k) =>
    byMode.map((list, m) => ({
      unit: k * modes.length + m,
      signal,
      variants: list.map((v) => v.options),
      rankCorrelation: signal !== INPUT && m === 0,
    }))
  );
  const workers = options.workers ?? defaultWorkers(panel);
  let done = 0;
  const results = await runUnits(
    panel,
    known,
    units,
    workers,
    () => options.onProgress?.(++done, units.length),
  );

  const runs: SignalRun[] = names.map((name, k) => {
    const list = byMode.flatMap((modeVariants, m) =>
      modeVariants.map((v, j) => ({ label: v.label, result: results[k * modes.length + m].results[j] }))
    );
    const ordered = variants.map((v) => list.find((x) => x.label === v.label)!);
    return { name: k === 0 ? input.name : name, variants: ordered, best: bestVariant(ordered) };
  });
  const [signal, ...base] = runs;
  const uniqueness = base.map((b, k) => ({
    baseline: b.name,
    rank_correlation: results[(k + 1) * modes.length].rankCorrelation!,
    pnl_correlation: pnlCorrelation(
      signal.best.result.daily,
      b.variants.find((v) => v.label === signal.best.label)!.result.daily,
    ),
  }));
  return {
    preset: chosen,
    signal,
    baselines: base,
    uniqueness,
    verdict: judge({ variants: signal.variants, uniqueness }),
    workers,
  };
}

function bestVariant(variants: VariantRun[]): VariantRun {
  return variants.reduce((a, b) => {
    const sa = a.result.summary.overall.sharpe, sb = b.result.summary.overall.sharpe;
    return !Number.isFinite(sa) || sb > sa ? b : a;
  });
}

/** One row of `suiteRows`: a signal's (or baseline's) variant and its overall net numbers. */
export interface SuiteRow {
  signal: string;
  variant: string;
  sharpe: number;
  sharpe_gross: number;
  annual_return: number;
  annual_volatility: number;
  max_drawdown: number;
  turnover: number;
  hit_rate: number;
  ic_mean: number;
}

/**
 * Every variant of the signal, then of each baseline, as flat rows (overall slice, net unless named
 * gross; `ic_mean` the mean daily rank IC): what the run's `summary.csv` and the suite task print.
 *
 * @example
 * ```ts
 * suiteRows(suite).filter((r) => r.signal === suite.signal.name).map((r) => r.sharpe);
 * ```
 */
export function suiteRows(suite: SuiteResult): SuiteRow[] {
  return [suite.signal, ...suite.baselines].flatMap((run) =>
    run.variants.map((v) => {
      const s = v.result.summary.overall;
      return {
        signal: run.name,
        variant: v.label,
        sharpe: s.sharpe,
        sharpe_gross: s.sharpe_gross,
        annual_return: s.annual_return,
        annual_volatility: s.annual_volatility,
        max_drawdown: s.max_drawdown,
        turnover: s.turnover,
        hit_rate: s.hit_rate,
        ic_mean: v.result.ic.mean,
      };
    })
  );
}
