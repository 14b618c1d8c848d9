/**
 * Comparing construction methods: every method on the same streams and settings side by side, and
 * how each responds to its lookback (the stability of weights and results).
 */
import { sampleCorrelation } from "simple-statistics";
import { asArray, pairedFinite } from "../../metrics/_utils.ts";
import {
  CONSTRUCTION_METHODS,
  type ConstructionMethod,
  type ConstructOptions,
  constructPortfolio,
  type PortfolioResult,
  type ReturnStreams,
} from "./construct.ts";

/** One row of the comparison table. */
export interface ComparisonRow {
  readonly method: ConstructionMethod;
  readonly annual_return: number;
  readonly annual_volatility: number;
  readonly sharpe: number;
  readonly sortino: number;
  readonly max_drawdown: number;
  readonly calmar: number;
  readonly turnover_annual: number;
  readonly effective_n: number;
  readonly max_weight: number;
  readonly diversification_ratio: number;
}

/** Every method the streams support: all of them, `regime` only with a benchmark. */
export function defaultMethods(streams: ReturnStreams): ConstructionMethod[] {
  return CONSTRUCTION_METHODS.filter((m) => m !== "regime" || streams.benchmark);
}

/** The table row of a constructed portfolio. */
export function comparisonRow(p: PortfolioResult): ComparisonRow {
  const m = p.metrics;
  return {
    method: p.method,
    annual_return: m.annual_return,
    annual_volatility: m.annual_volatility,
    sharpe: m.sharpe,
    sortino: m.sortino,
    max_drawdown: m.max_drawdown,
    calmar: m.calmar,
    turnover_annual: m.turnover_annual,
    effective_n: m.effective_n,
    max_weight: m.max_weight,
    diversification_ratio: m.diversification_ratio,
  };
}

/**
 * Every method (default: all but `regime` without a benchmark) with the same lookback, schedule,
 * shrinkage and costs: the portfolios and the comparison table, in method order.
 *
 * @example
 * ```ts
 * const { rows } = comparePortfolios(streams, { methods: ["inverse_vol", "erc", "hrp"] });
 * ```
 */
export function comparePortfolios(
  streams: ReturnStreams,
  options: Omit<ConstructOptions, "method"> & { methods?: readonly ConstructionMethod[] } = {},
): { portfolios: PortfolioResult[]; rows: ComparisonRow[] } {
  const { methods, ...rest } = options;
  const chosen = methods ?? defaultMethods(streams);
  const portfolios = chosen.map((method) => constructPortfolio(streams, { ...rest, method }));
  return { portfolios, rows: portfolios.map(comparisonRow) };
}

/** One method at one lookback, against the same method at the base lookback. */
export interface StabilityRow {
  readonly method: ConstructionMethod;
  readonly lookback: number;
  readonly sharpe: number;
  readonly annual_volatility: number;
  readonly max_drawdown: number;
  readonly turnover_annual: number;
  /**
   * Mean over the rebalance dates the two runs share of ½ Σ|w − w_base| (0 = same weights, 1 =
   * disjoint), against the run at the base lookback.
   */
  readonly weight_distance: number;
  /** Correlation of the combined returns with the base lookback's, over the bars both are invested. */
  readonly correlation_to_base: number;
}

/**
 * Stability analysis: each method at each lookback, with its results and how far its weights and
 * returns move from the run at the base lookback (`base`, default the first).
 *
 * @example
 * ```ts
 * lookbackStability(streams, { methods: ["erc", "hrp"], lookbacks: [126, 252, 504] });
 * ```
 */
export function lookbackStability(
  streams: ReturnStreams,
  options: Omit<ConstructOptions, "method" | "lookback"> & {
    methods: readonly ConstructionMethod[];
    lookbacks: readonly number[];
    base?: number;
  },
): StabilityRow[] {
  const { methods, lookbacks, base: baseLookback = lookbacks[0], ...rest } = options;
  if (lookbacks.length === 0) throw new RangeError("lookbackStability needs at least one lookback");
  const baseIndex = lookbacks.indexOf(baseLookback);
  if (baseIndex < 0) {
    throw new RangeError(`base lookback ${baseLookback} is not among ${lookbacks.join(", ")}`);
  }
  const k = streams.names.length;
  return methods.flatMap((method) => {
    const runs = lookbacks.map((lookback) => constructPortfolio(streams, { ...rest, method, lookback }));
    const base = runs[baseIndex];
    const baseAt = new Map(Array.from(base.rebalances, (t, r) => [t, r]));
    return runs.map((p, j) => {
      let distance = 0, shared = 0;
      p.rebalances.forEach((t, r) => {
        const b = baseAt.get(t);
        if (b === undefined) return;
        let d = 0;
        for (let i = 0; i < k; i++) d += Math.abs(p.weights[r * k + i] - base.weights[b * k + i]);
        distance += d / 2;
        shared++;
      });
      return {
        method,
        lookback: lookbacks[j],
        sharpe: p.metrics.sharpe,
        annual_volatility: p.metrics.annual_volatility,
        max_drawdown: p.metrics.max_drawdown,
        turnover_annual: p.metrics.turnover_annual,
        weight_distance: shared ? distance / shared : NaN,
        correlation_to_base: correlation(p.returns, base.returns),
      };
    });
  });
}

/** Pearson correlation over the positions where both are finite (NaN with fewer than 2). */
function correlation(a: Float64Array, b: Float64Array): number {
  const [x, y] = pairedFinite(a, b);
  return x.length < 2 ? NaN : sampleCorrelation(asArray(x), asArray(y));
}
