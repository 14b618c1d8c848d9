/**
 * The portfolio simulator's command-line options, shared by the tasks that simulate a strategy
 * (`deno task run`, `deno task optimize --strategy`): the option specs for `parseTaskArgs`, their help
 * lines and the parse into `SimulationOptions` (every value checked, a `UsageError` naming the flag).
 */
import type { CashRate, SimulationOptions } from "../portfolio/config.ts";
import { UsageError } from "./args.ts";

/** The simulator's options, for `parseTaskArgs` (`--start`/`--end` are each task's own). */
export const SIMULATION_ARGS = {
  schedule: { type: "string" },
  execution: { type: "string" },
  capital: { type: "string" },
  lot: { type: "string" },
  fractional: { type: "boolean", default: false },
  band: { type: "string" },
  "max-leverage": { type: "string" },
  "long-only": { type: "boolean", default: false },
  "borrow-rate": { type: "string" },
  "commission-bps": { type: "string" },
  "commission-per-share": { type: "string" },
  "commission-per-order": { type: "string" },
  "commission-min": { type: "string" },
  "slippage-bps": { type: "string" },
  slippage: { type: "string" },
  "impact-bps": { type: "string" },
  "max-participation": { type: "string" },
  "cash-rate": { type: "string" },
  tax: { type: "string" },
} as const;

/** Help lines of `SIMULATION_ARGS`. */
export const SIMULATION_HELP = `Portfolio:
  --schedule S             daily | weekly | monthly | quarterly | on_change (default: the strategy's),
                           each the last bar of its session / week / month / quarter, or N: every N bars
  --execution E            next_open | next_close (default next_open)
  --capital X              starting cash (default 1e6)
  --lot N                  shares trade in lots of N (default 1; B3: 100)
  --fractional             trade fractional shares
  --band F                 skip orders smaller than F × NAV (default 0)
  --max-leverage X         cap on gross exposure Σ|w| (default none)
  --long-only              treat negative weights as 0
  --borrow-rate R          annual fee on the short market value (default 0)

Costs, cash, taxes:
  --commission-bps X       commission in bps of the traded value (default 0)
  --commission-per-share X, --commission-per-order X, --commission-min X
  --slippage-bps X         slippage in bps of the price (default 0)
  --slippage participation ADV model: bps + impact-bps × sqrt(value / ADV), fills ≤ max-participation × ADV
  --impact-bps X           impact at 100% of ADV (default 100)
  --max-participation F    fill cap per session (day) as a fraction of ADV (default 0.1)
  --cash-rate R            cdi (the snapshot's CDI series), a series id, an annual rate (0.1075) or none
  --tax T                  none | brazil (default none)`;

function number(flag: string, text: string | undefined, check: (x: number) => boolean, expected: string) {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x) || !check(x)) {
    throw new UsageError(`--${flag} expects ${expected}, found "${text}"`);
  }
  return x;
}

function cashRate(text: string | undefined): CashRate | undefined {
  if (text === undefined) return undefined;
  if (text === "none") return { kind: "none" };
  const annual = Number(text);
  if (text.trim() !== "" && Number.isFinite(annual)) {
    if (annual <= -1 || annual > 1) {
      throw new UsageError(`--cash-rate as a number is an annual rate like 0.1075, found ${text}`);
    }
    return { kind: "constant", annual };
  }
  return { kind: "series", id: text.toUpperCase() };
}

/**
 * The simulator settings given on the command line (only those given: the rest keep their defaults),
 * from the values `parseTaskArgs` parsed with `SIMULATION_ARGS`; `start`/`end` as the task passes them.
 *
 * @example
 * ```ts
 * simulationOptions({ "commission-bps": "5", tax: "brazil" }); // => { commission: { bps: 5 }, slippage: { model: "bps" }, fractional: false, … }
 * ```
 */
export function simulationOptions(
  values: Readonly<Record<string, unknown>>,
  range: { readonly start?: string; readonly end?: string } = {},
): SimulationOptions {
  const v = values as Readonly<Record<string, string | undefined>>;
  const nonNegative = (x: number) => x >= 0;
  const participation = values.slippage === "participation";
  if (values.slippage !== undefined && !participation) {
    throw new UsageError(
      `--slippage expects "participation" (use --slippage-bps for the bps model), found "${values.slippage}"`,
    );
  }
  const simulation: SimulationOptions = {
    ...(v.schedule
      ? {
        schedule: /^\d+$/.test(v.schedule) ? Number(v.schedule) : v.schedule as SimulationOptions["schedule"],
      }
      : {}),
    ...(v.execution ? { execution: v.execution as SimulationOptions["execution"] } : {}),
    capital: number("capital", v.capital, (x) => x > 0, "a number > 0"),
    lot: number("lot", v.lot, (x) => Number.isInteger(x) && x >= 1, "an integer ≥ 1"),
    fractional: values.fractional === true,
    band: number("band", v.band, (x) => x >= 0 && x < 1, "a fraction of NAV in [0, 1)"),
    maxLeverage: number("max-leverage", v["max-leverage"], (x) => x > 0, "a number > 0") ?? null,
    allowShort: values["long-only"] !== true,
    borrowRate: number("borrow-rate", v["borrow-rate"], nonNegative, "an annual rate ≥ 0"),
    start: range.start ?? null,
    end: range.end ?? null,
    commission: {
      bps: number("commission-bps", v["commission-bps"], nonNegative, "a number ≥ 0"),
      perShare: number("commission-per-share", v["commission-per-share"], nonNegative, "a number ≥ 0"),
      perOrder: number("commission-per-order", v["commission-per-order"], nonNegative, "a number ≥ 0"),
      minimum: number("commission-min", v["commission-min"], nonNegative, "a number ≥ 0"),
    },
    slippage: participation
      ? {
        model: "participation",
        bps: number("slippage-bps", v["slippage-bps"], nonNegative, "a number ≥ 0"),
        impactBps: number("impact-bps", v["impact-bps"], nonNegative, "a number ≥ 0"),
        maxParticipation: number("max-participation", v["max-participation"], (x) =>
          x > 0 && x <= 1, "a fraction in (0, 1]"),
      }
      : { model: "bps", bps: number("slippage-bps", v["slippage-bps"], nonNegative, "a number ≥ 0") },
    cashRate: cashRate(v["cash-rate"]),
    tax: v.tax,
  };
  return JSON.parse(JSON.stringify(simulation)); // drop the options not given
}
