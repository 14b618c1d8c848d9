/**
 * A saved ML model as a strategy: the model a research run kept (`deno task research`: `model.json`
 * and `pipeline.json`, read by `loadRunModel`) scores every cell of the panel with `modelSignal` (the
 * run's own features and standardisation), and the strategy holds the N names with the highest score,
 * equal weight (with `long_short`, also short the N lowest). Point in time: a prediction is usable
 * from the later of its date and the close the model was trained through, so the portfolio only
 * trades once the model exists — a run over the training period is never silently in sample.
 */
import type { Panel } from "../lib/panel/types.ts";
import type { Params, ParamSchema } from "../lib/strategy/params.ts";
import type { Category, StrategyOutput } from "../lib/strategy/types.ts";

export const name = "ml_model";
export const title = "Saved ML model, top N";
export const description =
  "Long the N names a saved research model (run_id) scores highest, equal weight; optionally short the N lowest.";
export const category: Category = "factor";
export const schedule = "monthly";
export const params: ParamSchema = {
  run_id: {
    type: "string",
    default: null,
    description:
      "the research run whose saved model scores the panel (deno task runs list; deno task research)",
  },
  runs_dir: { type: "string", default: "runs", description: "the run registry holding run_id" },
  top_n: { type: "integer", min: 1, max: 2000, default: 50, description: "names held (per leg)" },
  long_short: { type: "boolean", default: false, description: "also short the N lowest-scored names" },
};

export async function generate(data: Panel, p: Params): Promise<StrategyOutput> {
  if (p.run_id === null) {
    throw new RangeError(
      `strategy "${name}": parameter run_id is required: the research run whose model to trade (--param run_id=…)`,
    );
  }
  // Loaded on use, so discovering the strategies does not load the model libraries.
  const { loadRunModel, modelSignal } = await import("../lib/ml/saved.ts");
  const saved = await loadRunModel(p.run_id as string, { runsDir: p.runs_dir as string });
  return {
    signal: modelSignal(data, saved, name),
    construction: { method: "top_n", n: p.top_n as number, long: 1, short: p.long_short ? 1 : 0 },
  };
}
