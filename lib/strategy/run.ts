/**
 * Running a registered strategy on a panel: validate its parameters, call `generate` with a context,
 * and turn what it returns (weights, or a signal plus a construction) into one checked `T × N`
 * target-weight matrix.
 */
import { isoDate, type Panel } from "../panel/types.ts";
import { knownMatrix } from "../signal/align.ts";
import { topNWeights } from "./construct.ts";
import { type Params, validateParams } from "./params.ts";
import type { Registry } from "./registry.ts";
import type { StrategyContext, StrategyEntry, StrategyOutput } from "./types.ts";

/** What a strategy run may see besides the panel. */
export interface GenerateOptions {
  /** Series on the panel's dates by `series_id` (see `StrategyContext.series`). */
  readonly series?: Readonly<Record<string, Float64Array>>;
  readonly benchmark?: StrategyContext["benchmark"];
  /** Where `ctx.run` finds the strategies a wrapper runs (required by wrappers). */
  readonly registry?: Registry;
}

/** A strategy's target weights and the parameters it ran with (defaults filled). */
export interface GeneratedWeights {
  readonly weights: Float64Array;
  readonly params: Params;
}

/**
 * Validates a strategy output and returns its target weights on the panel's grid: a bare matrix or
 * `{ weights }` is checked (length, no ±Infinity); a `{ signal, construction }` is placed on the grid
 * with `knownMatrix` (each value on the day it is known) and constructed with `topNWeights`.
 *
 * @example
 * ```ts
 * outputWeights("momentum_12_1", panel, { signal, construction: { method: "top_n", n: 50 } });
 * ```
 */
export function outputWeights(strategy: string, panel: Panel, output: StrategyOutput): Float64Array {
  const nT = panel.dates.length, nS = panel.securityIds.length;
  if (output && typeof output === "object" && "signal" in output) {
    return topNWeights(knownMatrix(panel, output.signal), nT, nS, output.construction);
  }
  const weights = output instanceof Float64Array ? output : output?.weights;
  if (!(weights instanceof Float64Array)) {
    throw new TypeError(
      `strategy "${strategy}": generate must return a Float64Array of weights, { weights } or { signal, construction }`,
    );
  }
  if (weights.length !== nT * nS) {
    throw new RangeError(
      `strategy "${strategy}": weights have ${weights.length} cells, expected ${nT} dates × ${nS} securities = ${
        nT * nS
      }`,
    );
  }
  for (let c = 0; c < weights.length; c++) {
    if (weights[c] === Infinity || weights[c] === -Infinity) {
      const t = Math.floor(c / nS);
      throw new RangeError(
        `strategy "${strategy}": weight of ${panel.securityIds[c % nS]} on ${isoDate(panel.dates[t])} is ${
          weights[c]
        }; expected a finite number or NaN`,
      );
    }
  }
  return weights;
}

/**
 * Runs a registered strategy on a panel: validates `given` against its schema (every problem in one
 * `ParamError`), calls `generate` with the context and returns checked target weights with the
 * parameters used. Wrappers reach other strategies through `ctx.run`, which needs
 * `options.registry`; a strategy that ends up running itself is an error naming the chain.
 *
 * @example
 * ```ts
 * const registry = await discoverStrategies();
 * const { weights, params } = await generateWeights(registry.get("momentum_12_1"), panel, { top_n: 20 });
 * ```
 */
export async function generateWeights(
  entry: StrategyEntry,
  panel: Panel,
  given: Readonly<Record<string, unknown>> = {},
  options: GenerateOptions = {},
): Promise<GeneratedWeights> {
  return await generateChain(entry, panel, given, options, []);
}

async function generateChain(
  entry: StrategyEntry,
  panel: Panel,
  given: Readonly<Record<string, unknown>>,
  options: GenerateOptions,
  chain: readonly string[],
): Promise<GeneratedWeights> {
  if (chain.includes(entry.name)) {
    throw new RangeError(`strategy "${entry.name}" runs itself: ${[...chain, entry.name].join(" → ")}`);
  }
  const params = validateParams(entry.name, entry.params, given);
  const path = [...chain, entry.name];
  const ctx: StrategyContext = {
    series: options.series ?? {},
    benchmark: options.benchmark,
    run: async (name, inner = {}) => {
      if (!options.registry) {
        throw new RangeError(`strategy "${entry.name}" runs "${name}" but no registry was given`);
      }
      return (await generateChain(options.registry.get(name), panel, inner, options, path)).weights;
    },
  };
  const output = await entry.generate(panel, params, ctx);
  return { weights: outputWeights(entry.name, panel, output), params };
}
