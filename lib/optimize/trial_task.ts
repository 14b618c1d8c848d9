/**
 * The pool task of a search (`lib/util/pool.ts`): a worker builds the objective once from its
 * source, then evaluates chunks of trials — consecutive trials, so an objective's caches (e.g. one
 * backtest reused across costs) serve neighbours. The in-thread path runs exactly `evaluateChunk`.
 */
import { stableJson } from "../util/hash.ts";
import {
  loadObjective,
  type Objective,
  type ObjectiveSource,
  trialMetrics,
  type Window,
} from "./objective.ts";
import type { TrialParams } from "./space.ts";

/** A chunk of consecutive trials over one window. */
export interface TrialChunk {
  readonly window: Window;
  readonly trials: readonly { readonly index: number; readonly params: TrialParams }[];
}

/** One evaluated trial: its returns over the window and every metric. */
export interface TrialEvaluation {
  readonly returns: Float64Array;
  readonly metrics: Record<string, number>;
}

/** Evaluates a chunk's trials in order; a failing trial's error names its index and parameters. */
export async function evaluateChunk(objective: Objective, chunk: TrialChunk): Promise<TrialEvaluation[]> {
  const out: TrialEvaluation[] = [];
  for (const { index, params } of chunk.trials) {
    try {
      const output = await objective.evaluate(params, chunk.window);
      const length = chunk.window.end - chunk.window.start;
      if (output.returns.length !== length) {
        throw new RangeError(
          `returned ${output.returns.length} returns, expected ${length} (one per bar of the window)`,
        );
      }
      out.push({ returns: output.returns, metrics: trialMetrics(output, objective.periodsPerYear) });
    } catch (error) {
      throw new Error(`trial ${index} ${stableJson(params)}: ${(error as Error).message}`, { cause: error });
    }
  }
  return out;
}

/** Pool setup: the objective built from its source. */
export async function setup(source: ObjectiveSource): Promise<Objective> {
  return await loadObjective(source);
}

/** Pool run: one chunk. */
export async function run(objective: Objective, chunk: TrialChunk): Promise<TrialEvaluation[]> {
  return await evaluateChunk(objective, chunk);
}
