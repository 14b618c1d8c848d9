/**
 * The registry and a strategy's schema as plain rows, for tables in the terminal (`deno task
 * strategies`) and in notebooks (`show(strategyRows(registry))`).
 */
import { scheduleLabel } from "../portfolio/calendar.ts";
import { allowedText } from "./params.ts";
import type { Registry } from "./registry.ts";
import { CATEGORIES, type StrategyEntry } from "./types.ts";

/**
 * One row per registered strategy, by category then name: name, category, default schedule, title,
 * description.
 *
 * @example
 * ```ts
 * strategyRows(await discoverStrategies())[0].name; // => "low_volatility"
 * ```
 */
export function strategyRows(
  registry: Registry,
): { name: string; category: string; schedule: string; title: string; description: string }[] {
  return [...registry.entries]
    .sort((a, b) =>
      CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) || a.name.localeCompare(b.name)
    )
    .map((e) => ({
      name: e.name,
      category: e.category,
      schedule: scheduleLabel(e.schedule ?? "monthly"),
      title: e.title,
      description: e.description,
    }));
}

/**
 * One row per parameter of a strategy: name, type, default (`(unset)` for a null date), what is
 * allowed (see `allowedText`) and the description.
 *
 * @example
 * ```ts
 * schemaRows(registry.get("ma_crossover"))[0]; // => { param: "ma", type: "enum", default: "sma", allowed: "one of sma, ema", … }
 * ```
 */
export function schemaRows(
  entry: StrategyEntry,
): { param: string; type: string; default: string; allowed: string; description: string }[] {
  return Object.entries(entry.params).map(([param, spec]) => ({
    param,
    type: spec.type,
    default: spec.default === null ? "(unset)" : String(spec.default),
    allowed: allowedText(spec),
    description: spec.description,
  }));
}
