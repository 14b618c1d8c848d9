/**
 * The strategy interface: a strategy is a module in `strategies/` exporting `name`, `title`,
 * `description`, `category`, `params` (a parameter schema) and `generate(data, params, ctx)`.
 *
 * Timing contract: row `t` of the weights a strategy returns is decided at the CLOSE of `dates[t]`,
 * using data up to and including that close. The portfolio simulator never trades a decision on its
 * own bar: it executes at the next open or the next close.
 */
import type { Panel } from "../panel/types.ts";
import type { Schedule } from "../portfolio/calendar.ts";
import type { Signal } from "../signal/types.ts";
import type { Construction } from "./construct.ts";
import type { Params, ParamSchema } from "./params.ts";

/** Strategy categories, in display order. */
export const CATEGORIES = [
  "factor",
  "trend",
  "reversal",
  "breakout",
  "pairs",
  "regime",
  "portfolio",
] as const;

/** One of `CATEGORIES`. */
export type Category = typeof CATEGORIES[number];

/**
 * What a strategy returns: target weights (a `T × N` date-major matrix on the panel's grid, as
 * fractions of NAV, negative = short, NaN = no opinion: hold what is held; a row that is all NaN is no
 * decision at all) — bare or as `{ weights }` — or, for factor strategies, a signal in the signal
 * contract with the construction that turns it into weights.
 */
export type StrategyOutput =
  | Float64Array
  | { readonly weights: Float64Array }
  | { readonly signal: Signal; readonly construction: Construction };

/** What `generate` gets besides the panel and its validated parameters. */
export interface StrategyContext {
  /**
   * Every series of the snapshot (rates, index levels) put on the panel's dates with `asOf` (the last
   * value on or before each date; NaN before the first), by `series_id`, in its stored unit.
   */
  readonly series: Readonly<Record<string, Float64Array>>;
  /** The benchmark's close on the panel's dates (as of each date), when the run has one. */
  readonly benchmark?: { readonly id: string; readonly close: Float64Array };
  /** Target weights of another registered strategy on the same panel (wrappers: the regime filter). */
  run(name: string, params?: Readonly<Record<string, unknown>>): Promise<Float64Array>;
}

/** The exports of a strategy module in `strategies/`. */
export interface StrategyModule {
  /** snake_case, equal to the file name without `.ts`. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly category: Category;
  readonly params: ParamSchema;
  /** The rebalance schedule the strategy is designed for (the run's default; `monthly` when absent). */
  readonly schedule?: Schedule;
  generate(data: Panel, params: Params, ctx: StrategyContext): StrategyOutput | Promise<StrategyOutput>;
}

/**
 * Where a registry entry comes from: `{ kind: "module", path }` for a `strategies/*.ts` file; other
 * kinds (external plugins run as subprocesses) carry what their runner needs.
 */
export interface StrategySource {
  readonly kind: string;
  readonly path: string;
  readonly [detail: string]: unknown;
}

/** A registered strategy: the module's surface plus its source. */
export interface StrategyEntry extends StrategyModule {
  readonly source: StrategySource;
}
