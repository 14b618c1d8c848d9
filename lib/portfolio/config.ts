/**
 * The simulator's configuration as plain data (what is hashed and recorded), with defaults and one
 * validation that lists every problem.
 */
import { parseIsoDate } from "../panel/types.ts";
import { isSchedule, type Schedule, SCHEDULE_NAMES } from "./calendar.ts";
import { TAX_MODELS, type TaxModel } from "./tax/models.ts";
import { checkOptions, optionKeys } from "../util/options.ts";

/** Where orders fill: the open or the close of the bar after the decision. */
export const EXECUTIONS = ["next_open", "next_close"] as const;

/** One of `EXECUTIONS`. */
export type Execution = typeof EXECUTIONS[number];

/**
 * Commission of one order of `q` shares filled at `fill`:
 * `max(minimum, bps/1e4 · |q|·fill + perShare · |q| + perOrder)`.
 */
export interface CommissionModel {
  readonly bps: number;
  readonly perShare: number;
  readonly perOrder: number;
  readonly minimum: number;
}

/**
 * Slippage: the fill is `price · (1 ± s)` (+ buys, − sells). `bps`: `s = bps / 1e4`. `participation`:
 * `s = (bps + impactBps · (|q|·price / ADV)^exponent) / 1e4` (square-root law by default), and each
 * session's fills (a day's; on intraday bars over all its bars) are capped at `maxParticipation · ADV`
 * (the rest waits for the next bars), with ADV the security's average daily traded value as of the
 * previous close (on intraday bars, the previous session's close).
 */
export type SlippageModel =
  | { readonly model: "bps"; readonly bps: number }
  | {
    readonly model: "participation";
    readonly bps: number;
    readonly impactBps: number;
    readonly exponent: number;
    readonly maxParticipation: number;
  };

/**
 * What cash earns (and negative cash pays), a daily rate accrued once per session (per bar on daily
 * bars; on the first bar of each session on intraday bars): nothing; a constant annual rate,
 * `(1 + annual)^(1 / sessionsPerYear)` a session (Brazil's 252-business-day basis); or a rate series of
 * the snapshot (`percent_per_day` such as the CDI: the rate of day d accrues overnight d → d + 1,
 * compounded over every series day between two sessions; `percent_per_year`: the annual rate as of
 * the previous session, compounded per session).
 */
export type CashRate =
  | { readonly kind: "none" }
  | { readonly kind: "constant"; readonly annual: number }
  | { readonly kind: "series"; readonly id: string };

/** Every setting of a simulation. */
export interface SimulationConfig {
  /** Starting cash. */
  readonly capital: number;
  readonly schedule: Schedule;
  readonly execution: Execution;
  /** No-trade band: skip an order smaller than `band` × NAV (a full exit always trades). */
  readonly band: number;
  /** Shares trade in multiples of this lot (B3: 100); per-security lots override it. */
  readonly lot: number;
  /** Trade fractional shares (lots ignored). */
  readonly fractional: boolean;
  /** Allow negative weights (shorts); when false they are treated as 0. */
  readonly allowShort: boolean;
  /** Cap on gross exposure Σ|w| as a multiple of NAV (null: no cap); targets are scaled down to fit. */
  readonly maxLeverage: number | null;
  /** Annual borrow fee on the short market value, accrued once per session over `sessionsPerYear`. */
  readonly borrowRate: number;
  readonly commission: CommissionModel;
  readonly slippage: SlippageModel;
  readonly cashRate: CashRate;
  /** A built-in tax model's name (`none`, `brazil`) or a model. */
  readonly tax: string | TaxModel;
  /**
   * First and last session to simulate, `YYYY-MM-DD` (null: from the first decision, to the last bar);
   * on intraday bars every bar of those sessions.
   */
  readonly start: string | null;
  readonly end: string | null;
}

/** The defaults: R$/$1M, monthly at the next open, whole shares, no costs, no cash rate, no taxes. */
export const DEFAULT_SIMULATION: SimulationConfig = Object.freeze<SimulationConfig>({
  capital: 1_000_000,
  schedule: "monthly",
  execution: "next_open",
  band: 0,
  lot: 1,
  fractional: false,
  allowShort: true,
  maxLeverage: null,
  borrowRate: 0,
  commission: { bps: 0, perShare: 0, perOrder: 0, minimum: 0 },
  slippage: { model: "bps", bps: 0 },
  cashRate: { kind: "none" },
  tax: "none",
  start: null,
  end: null,
});

/** A partial config: any top-level setting, and any part of the commission or slippage model. */
export type SimulationOptions =
  & Partial<Omit<SimulationConfig, "commission" | "slippage">>
  & {
    readonly commission?: Partial<CommissionModel>;
    readonly slippage?: Partial<SlippageModel> & { readonly model?: SlippageModel["model"] };
  };

const SIMULATION_KEYS = optionKeys<SimulationOptions>({
  capital: true,
  schedule: true,
  execution: true,
  band: true,
  lot: true,
  fractional: true,
  allowShort: true,
  maxLeverage: true,
  borrowRate: true,
  commission: true,
  slippage: true,
  cashRate: true,
  tax: true,
  start: true,
  end: true,
});

/**
 * Fills defaults into `options` and validates the result; every problem (setting, what is allowed,
 * what was given) is reported in one `RangeError`.
 *
 * @example
 * ```ts
 * resolveSimulation({ schedule: "daily", commission: { bps: 5 } }).commission;
 * // => { bps: 5, perShare: 0, perOrder: 0, minimum: 0 }
 * ```
 */
export function resolveSimulation(options: SimulationOptions = {}): SimulationConfig {
  checkOptions("simulation", options, SIMULATION_KEYS);
  const d = DEFAULT_SIMULATION;
  const slippageModel = options.slippage?.model ?? "bps";
  const slippage: SlippageModel = slippageModel === "participation"
    ? {
      model: "participation",
      bps: 0,
      impactBps: 100,
      exponent: 0.5,
      maxParticipation: 0.1,
      ...options.slippage,
    } as SlippageModel
    : { model: "bps", bps: (options.slippage as { bps?: number } | undefined)?.bps ?? 0 };
  const config: SimulationConfig = {
    ...d,
    ...options,
    commission: { ...d.commission, ...options.commission },
    slippage,
  };
  const problems: string[] = [];
  const check = (ok: boolean, what: string, expected: string, found: unknown) => {
    if (!ok) problems.push(`${what}: expected ${expected}, found ${JSON.stringify(found)}`);
  };
  const nonNegative = (x: unknown) => typeof x === "number" && Number.isFinite(x) && x >= 0;
  check(
    typeof config.capital === "number" && config.capital > 0 && Number.isFinite(config.capital),
    "capital",
    "a number > 0",
    config.capital,
  );
  check(isSchedule(config.schedule), "schedule", `one of ${SCHEDULE_NAMES}`, config.schedule);
  check(
    EXECUTIONS.includes(config.execution),
    "execution",
    `one of ${EXECUTIONS.join(", ")}`,
    config.execution,
  );
  check(nonNegative(config.band) && config.band < 1, "band", "a fraction of NAV in [0, 1)", config.band);
  check(Number.isInteger(config.lot) && config.lot >= 1, "lot", "an integer ≥ 1", config.lot);
  check(
    config.maxLeverage === null || (typeof config.maxLeverage === "number" && config.maxLeverage > 0),
    "maxLeverage",
    "a number > 0 or null",
    config.maxLeverage,
  );
  check(nonNegative(config.borrowRate), "borrowRate", "an annual rate ≥ 0", config.borrowRate);
  for (const [key, value] of Object.entries(config.commission)) {
    check(nonNegative(value), `commission.${key}`, "a number ≥ 0", value);
  }
  for (const [key, value] of Object.entries(config.slippage)) {
    if (key !== "model") check(nonNegative(value), `slippage.${key}`, "a number ≥ 0", value);
  }
  check(
    ["bps", "participation"].includes(config.slippage.model),
    "slippage.model",
    "bps or participation",
    config.slippage.model,
  );
  if (config.slippage.model === "participation") {
    const p = config.slippage.maxParticipation;
    check(p > 0 && p <= 1, "slippage.maxParticipation", "a fraction of ADV in (0, 1]", p);
  }
  const rate = config.cashRate;
  check(
    rate?.kind === "none" ||
      (rate?.kind === "constant" && Number.isFinite(rate.annual) && rate.annual > -1) ||
      (rate?.kind === "series" && typeof rate.id === "string" && rate.id !== ""),
    "cashRate",
    `{ kind: "none" }, { kind: "constant", annual > -1 } or { kind: "series", id }`,
    rate,
  );
  check(
    typeof config.tax === "object" || config.tax in TAX_MODELS,
    "tax",
    `a tax model or one of ${Object.keys(TAX_MODELS).join(", ")}`,
    config.tax,
  );
  for (const key of ["start", "end"] as const) {
    const value = config[key];
    let ok = value === null;
    if (typeof value === "string") {
      try {
        parseIsoDate(value);
        ok = true;
      } catch {
        ok = false;
      }
    }
    check(ok, key, "a date YYYY-MM-DD or null", value);
  }
  if (problems.length) throw new RangeError(`invalid simulation settings:\n  - ${problems.join("\n  - ")}`);
  return config;
}
