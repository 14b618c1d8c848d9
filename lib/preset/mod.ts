/**
 * Presets and saved universes: one JSON file pinning a configuration (engine, strategy or signal,
 * parameters, universe, dates, costs) that tasks load with `--preset FILE` and searches write for
 * their best trial.
 *
 * @example
 * ```ts
 * import { readPreset } from "./mod.ts";
 * const preset = await readPreset("best.json"); // preset.universe.securities, preset.params …
 * ```
 *
 * @module
 */
export * from "./preset.ts";
