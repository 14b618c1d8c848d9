/**
 * Presets: a JSON file that pins down one configuration — engine and strategy (or signal file),
 * parameters, universe (snapshot, its hash, the securities the panel held and those the run actually
 * traded), dates and costs — so that any task can rerun it with `--preset FILE`, and a search can
 * write its best trial as one. Written atomically; read with a message naming the file and field.
 */
import type { BacktestOptions } from "../engine/types.ts";
import { backtestOptions } from "../optimize/objectives/backtest.ts";
import { isoDate, parseIsoDate } from "../panel/types.ts";
import { resolveSimulation, type SimulationConfig } from "../portfolio/config.ts";
import type { ParamValue } from "../optimize/space.ts";
import { writeFileAtomic } from "../util/atomic.ts";

/** The preset format version this code reads and writes. */
export const PRESET_VERSION = 1;

/** The engines a preset can name. */
export const PRESET_ENGINES = ["backtest", "strategy", "timeseries"] as const;

/** A preset (see the module doc). */
export interface Preset {
  readonly quantnb_preset: typeof PRESET_VERSION;
  readonly name: string;
  /** `backtest`: the cross-sectional fractile backtest of `signal`; `strategy`: a registered strategy. */
  readonly engine: typeof PRESET_ENGINES[number];
  /** The registered strategy's name (engine `strategy`), or the time-series rule (engine `timeseries`). */
  readonly strategy?: string;
  /** The signal file and its content hash (engine `backtest`). */
  readonly signal?: { readonly path: string; readonly sha256: string };
  /** The engine's parameters (for the backtest: lag, residualize, weight, fractile, …). */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly universe: {
    readonly snapshot: string;
    readonly snapshot_hash: string;
    /** Every security of the panel the run was computed on (what to load to reproduce it). */
    readonly securities: readonly string[];
    /** The securities the run actually held at some point, when the engine reports them. */
    readonly held?: readonly string[];
  };
  /** Inclusive `YYYY-MM-DD` bounds of the data the run read (null = the snapshot's own). */
  readonly dates: { readonly start: string | null; readonly end: string | null };
  /**
   * Costs in bps: the backtest's per unit of turnover; for a strategy, its commission plus slippage bps
   * (the full model is `simulation`).
   */
  readonly costs: { readonly tc_bps: number };
  /** Engine `strategy`: every simulator setting the run used (schedule, lots, costs, cash rate, taxes). */
  readonly simulation?: SimulationConfig;
  /** Engine `strategy`: the benchmark the strategy saw (an index or index-level series), or null. */
  readonly benchmark?: string | null;
  /** Where the preset came from: the search run, trial and objective. */
  readonly source?: {
    readonly run_id: string;
    readonly trial: number;
    readonly objective: string;
    readonly value: number;
    readonly created_at: string;
  };
}

/** A preset file that cannot be used: names the file, the field, what was expected and found. */
export class PresetError extends Error {
  constructor(file: string, field: string, expected: string, found: unknown) {
    super(
      `${file}: preset field "${field}": expected ${expected}, found ${JSON.stringify(found) ?? "nothing"}`,
    );
    this.name = "PresetError";
  }
}

/**
 * Checks a parsed preset, throwing a `PresetError` at the first field that is off.
 *
 * @example
 * ```ts
 * checkPreset(JSON.parse(text), "best.json");
 * ```
 */
export function checkPreset(value: unknown, file = "preset"): Preset {
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new PresetError(file, field, expected, found);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("(root)", "a JSON object", value);
  }
  const p = value as Record<string, unknown>;
  if (p.quantnb_preset !== PRESET_VERSION) fail("quantnb_preset", `${PRESET_VERSION}`, p.quantnb_preset);
  if (typeof p.name !== "string" || !p.name) fail("name", "a non-empty string", p.name);
  if (!(PRESET_ENGINES as readonly unknown[]).includes(p.engine)) {
    fail("engine", PRESET_ENGINES.join(" | "), p.engine);
  }
  if (p.engine === "backtest") {
    const s = p.signal as Record<string, unknown> | undefined;
    if (typeof s?.path !== "string" || !s.path) fail("signal.path", "the signal file's path", s?.path);
    if (typeof s?.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(s.sha256)) {
      fail("signal.sha256", "64 hex digits", s?.sha256);
    }
  }
  if (
    (p.engine === "strategy" || p.engine === "timeseries") && (typeof p.strategy !== "string" || !p.strategy)
  ) {
    fail(
      "strategy",
      p.engine === "strategy" ? "a registered strategy's name" : "the time-series rule",
      p.strategy,
    );
  }
  if (typeof p.params !== "object" || p.params === null || Array.isArray(p.params)) {
    fail("params", "an object of parameter values", p.params);
  }
  for (const [k, v] of Object.entries(p.params as object)) {
    if (!(v === null || ["number", "string", "boolean"].includes(typeof v))) {
      fail(`params.${k}`, "a number, string, boolean or null", v);
    }
  }
  const u = p.universe as Record<string, unknown> | undefined;
  if (typeof u?.snapshot !== "string" || !u.snapshot) fail("universe.snapshot", "a snapshot id", u?.snapshot);
  if (typeof u?.snapshot_hash !== "string" || !u.snapshot_hash) {
    fail("universe.snapshot_hash", "the snapshot's content hash", u?.snapshot_hash);
  }
  for (const key of ["securities", "held"]) {
    const list = u?.[key];
    if (list === undefined && key === "held") continue;
    if (!Array.isArray(list) || list.some((s) => typeof s !== "string")) {
      fail(`universe.${key}`, "a list of security ids", list);
    }
  }
  const d = p.dates as Record<string, unknown> | undefined;
  for (const key of ["start", "end"]) {
    const v = d?.[key];
    if (v === null) continue;
    try {
      parseIsoDate(v as string);
    } catch {
      fail(`dates.${key}`, "a date YYYY-MM-DD or null", v);
    }
  }
  const c = p.costs as Record<string, unknown> | undefined;
  if (!(typeof c?.tc_bps === "number" && c.tc_bps >= 0)) fail("costs.tc_bps", "a number ≥ 0", c?.tc_bps);
  if (p.simulation !== undefined) {
    try {
      resolveSimulation(p.simulation as SimulationConfig);
    } catch (error) {
      fail(
        "simulation",
        `simulator settings (${(error as Error).message.replace(/\s+/g, " ")})`,
        p.simulation,
      );
    }
  }
  if (!(p.benchmark === undefined || p.benchmark === null || typeof p.benchmark === "string")) {
    fail("benchmark", "a benchmark id or null", p.benchmark);
  }
  return p as unknown as Preset;
}

/**
 * Reads and checks a preset file.
 *
 * @example
 * ```ts
 * const preset = await readPreset("presets/sentiment_best.json");
 * preset.params.lag;
 * ```
 */
export async function readPreset(path: string): Promise<Preset> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new Error(`${path}: preset file not found`);
    if (error instanceof Deno.errors.IsADirectory) {
      throw new Error(`${path}: is a directory, expected a preset file`);
    }
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return checkPreset(value, path);
}

/** Writes a preset (checked first) atomically as pretty JSON. */
export async function writePreset(path: string, preset: Preset): Promise<void> {
  checkPreset(preset, path);
  await writeFileAtomic(path, JSON.stringify(preset, null, 2) + "\n");
}

/** The `dates` of a preset from a panel's first and last date. */
export function presetDates(dates: Float64Array): Preset["dates"] {
  return dates.length
    ? { start: isoDate(dates[0]), end: isoDate(dates[dates.length - 1]) }
    : { start: null, end: null };
}

/**
 * The backtest config a preset pins (engine `backtest`): its parameters, with the preset's cost when
 * the parameters do not set one.
 *
 * @example
 * ```ts
 * presetBacktestOptions(preset); // => { lag: 1, fractile: 5, weight: "equal", tcBps: 10 }
 * ```
 */
export function presetBacktestOptions(preset: Preset): BacktestOptions {
  if (preset.engine !== "backtest") {
    throw new RangeError(
      `preset "${preset.name}" is for the ${preset.engine} engine, not the cross-sectional backtest`,
    );
  }
  return { tcBps: preset.costs.tc_bps, ...backtestOptions(preset.params) };
}
