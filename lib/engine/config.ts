/**
 * Backtest configuration: defaults and checking.
 */
import type { BacktestConfig, BacktestOptions, ResidualizeMode, SliceName, WeightMode } from "./types.ts";
import { checkOptions, optionKeys } from "../util/options.ts";

/** Defaults: lag 0, no residualization, 10 bps, equal weights, deciles 10/90, close-to-close, mincos 10. */
export const DEFAULT_CONFIG: BacktestConfig = {
  lag: 0,
  residualize: "off",
  tcBps: 10,
  weight: "equal",
  fractile: [10, 90],
  fromOpen: false,
  mincos: 10,
  slices: ["overall", "year", "cap"],
};

const CONFIG_KEYS = optionKeys<BacktestConfig>({
  lag: true,
  residualize: true,
  tcBps: true,
  weight: true,
  fractile: true,
  fromOpen: true,
  mincos: true,
  slices: true,
});
const RESIDUALIZE: readonly ResidualizeMode[] = ["off", "industry", "factor", "all"];
const WEIGHT: readonly WeightMode[] = ["equal", "signal", "cap"];
const SLICES: readonly SliceName[] = ["overall", "year", "cap"];

/**
 * Merges options over `DEFAULT_CONFIG` and checks every field, throwing a `RangeError` naming the
 * field, the expected values and what was found.
 *
 * @example
 * ```ts
 * resolveConfig({ lag: 1 }).fractile; // => [10, 90]
 * resolveConfig({ fractile: 5 }).fractile; // => 5 (quintiles: long bucket 4, short bucket 0)
 * ```
 */
export function resolveConfig(options: BacktestOptions = {}): BacktestConfig {
  checkOptions("backtest", options, CONFIG_KEYS);
  const c = { ...DEFAULT_CONFIG, ...options };
  const fail = (name: string, expected: string, found: unknown): never => {
    throw new RangeError(`backtest config "${name}": expected ${expected}, found ${JSON.stringify(found)}`);
  };
  if (!Number.isInteger(c.lag) || c.lag < 0) fail("lag", "an integer ≥ 0", c.lag);
  if (!RESIDUALIZE.includes(c.residualize)) fail("residualize", RESIDUALIZE.join(" | "), c.residualize);
  if (!(Number.isFinite(c.tcBps) && c.tcBps >= 0)) fail("tcBps", "a number ≥ 0", c.tcBps);
  if (!WEIGHT.includes(c.weight)) fail("weight", WEIGHT.join(" | "), c.weight);
  if (typeof c.fractile === "number") {
    if (!Number.isInteger(c.fractile) || c.fractile < 2) fail("fractile", "a bucket count ≥ 2", c.fractile);
  } else {
    const [lo, hi] = c.fractile;
    if (!(c.fractile.length === 2 && lo > 0 && lo <= hi && hi < 100)) {
      fail("fractile", "[lo, hi] percentiles with 0 < lo ≤ hi < 100", c.fractile);
    }
  }
  if (typeof c.fromOpen !== "boolean") fail("fromOpen", "true | false", c.fromOpen);
  if (!Number.isInteger(c.mincos) || c.mincos < 2) fail("mincos", "an integer ≥ 2", c.mincos);
  if (!c.slices.every((s) => SLICES.includes(s))) fail("slices", `a list of ${SLICES.join(", ")}`, c.slices);
  return {
    ...c,
    fractile: typeof c.fractile === "number" ? c.fractile : [c.fractile[0], c.fractile[1]],
    slices: [...c.slices],
  };
}
