/**
 * `deno task run STRATEGY --snapshot ID …`: a strategy simulated as a portfolio, recorded as a run with
 * its tear sheet.
 */
import { type Progress, progress } from "../nb/progress.ts";
import { renderTextTable } from "../nb/text_table.ts";
import type { CashRate, SimulationOptions } from "../portfolio/config.ts";
import { parseInstrument } from "../strategy/instruments.ts";
import { parseParamAssignments } from "../strategy/params.ts";
import { runStrategy, tearsheetPath } from "../pipeline/strategy_run.ts";
import { COMMON_HELP, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task run STRATEGY --snapshot ID [options]

Runs a registered strategy (deno task strategies list) on a snapshot as a portfolio: target weights →
orders at the next open (or close) in lots, costs, cash rate, dividends and splits, taxes → NAV,
positions, trades and a monthly tax ledger. Records the run in runs/ (kind "strategy") with an HTML
tear sheet; an identical run (same snapshot, strategy source, parameters and settings) is reused.

Strategy:
  --param K=V              a strategy parameter (repeatable; see deno task strategies show STRATEGY)
  --instrument SPEC        trade a synthetic instrument: spread:A:B[:beta] or ratio:A:B (repeatable)
  --securities A,B,…       restrict the strategy's universe (kept beside the instruments)
  --benchmark ID           an index of the snapshot (SPX) or an index-level series (IBOV): comparison, trend filters

Portfolio:
  --schedule S             daily | weekly | monthly | quarterly | on_change (default: the strategy's)
  --execution E            next_open | next_close (default next_open)
  --capital X              starting cash (default 1e6)
  --lot N                  shares trade in lots of N (default 1; B3: 100)
  --fractional             trade fractional shares
  --band F                 skip orders smaller than F × NAV (default 0)
  --max-leverage X         cap on gross exposure Σ|w| (default none)
  --long-only              treat negative weights as 0
  --borrow-rate R          annual fee on the short market value (default 0)
  --start D, --end D       simulate from / to YYYY-MM-DD (default: first decision → last bar)

Costs, cash, taxes:
  --commission-bps X       commission in bps of the traded value (default 0)
  --commission-per-share X, --commission-per-order X, --commission-min X
  --slippage-bps X         slippage in bps of the price (default 0)
  --slippage participation ADV model: bps + impact-bps × sqrt(value / ADV), fills ≤ max-participation × ADV
  --impact-bps X           impact at 100% of ADV (default 100)
  --max-participation F    daily fill cap as a fraction of ADV (default 0.1)
  --cash-rate R            cdi (the snapshot's CDI series), a series id, an annual rate (0.1075) or none
  --tax T                  none | brazil (default none)

Run:
  --runs DIR               run registry (default runs/)
  --author NAME            recorded author
  --force                  record a new run even when an identical one exists
  --json                   print the result as JSON
${COMMON_HELP}

Example: deno task run momentum_12_1 --snapshot demo --param top_n=30 --lot 100 --commission-bps 5 \\
  --slippage-bps 10 --tax brazil --cash-rate cdi --benchmark SPX`;

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

/** \`deno task run\`: see \`--help\`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values, positionals } = parseTaskArgs(args, {
      snapshot: { type: "string" },
      param: { type: "string", multiple: true },
      instrument: { type: "string", multiple: true },
      securities: { type: "string" },
      benchmark: { type: "string" },
      schedule: { type: "string" },
      execution: { type: "string" },
      capital: { type: "string" },
      lot: { type: "string" },
      fractional: { type: "boolean", default: false },
      band: { type: "string" },
      "max-leverage": { type: "string" },
      "long-only": { type: "boolean", default: false },
      "borrow-rate": { type: "string" },
      start: { type: "string" },
      end: { type: "string" },
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
      runs: { type: "string", default: "runs" },
      author: { type: "string" },
      force: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new UsageError("exactly one STRATEGY is required (deno task strategies list)");
    }
    if (!values.snapshot) throw new UsageError("--snapshot ID is required");
    const nonNegative = (x: number) => x >= 0;
    const v = values as unknown as Record<string, string | undefined>;
    const participation = values.slippage === "participation";
    if (values.slippage !== undefined && !participation) {
      throw new UsageError(
        `--slippage expects "participation" (use --slippage-bps for the bps model), found "${values.slippage}"`,
      );
    }
    const simulation: SimulationOptions = {
      ...(values.schedule ? { schedule: values.schedule as SimulationOptions["schedule"] } : {}),
      ...(values.execution ? { execution: values.execution as SimulationOptions["execution"] } : {}),
      capital: number("capital", v.capital, (x) => x > 0, "a number > 0"),
      lot: number("lot", v.lot, (x) => Number.isInteger(x) && x >= 1, "an integer ≥ 1"),
      fractional: values.fractional,
      band: number("band", v.band, (x) => x >= 0 && x < 1, "a fraction of NAV in [0, 1)"),
      maxLeverage: number("max-leverage", v["max-leverage"], (x) => x > 0, "a number > 0") ?? null,
      allowShort: !values["long-only"],
      borrowRate: number("borrow-rate", v["borrow-rate"], nonNegative, "an annual rate ≥ 0"),
      start: values.start ?? null,
      end: values.end ?? null,
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
      cashRate: cashRate(values["cash-rate"]),
      tax: values.tax,
    };
    const clean = JSON.parse(JSON.stringify(simulation)); // drop the options not given
    let instruments;
    try {
      instruments = (values.instrument ?? []).map(parseInstrument);
    } catch (error) {
      throw new UsageError(`--instrument: ${(error as Error).message}`);
    }
    let params;
    try {
      params = parseParamAssignments(values.param ?? []);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    let bar: Progress | undefined = undefined as Progress | undefined;
    const out = await runStrategy({
      strategy: positionals[0],
      snapshot: values.snapshot,
      snapshotsDir: values.snapshots,
      params,
      simulation: clean,
      benchmark: values.benchmark ?? null,
      instruments,
      securities: values.securities?.split(",").map((s) => s.trim()).filter(Boolean),
      runsDir: values.runs,
      author: values.author,
      force: values.force,
      onWait: (holder) =>
        console.error(
          `an identical run is being computed${
            holder ? ` by process ${holder.pid} on ${holder.hostname}` : ""
          }; waiting for it`,
        ),
      onStep: async (step) => {
        if (values.json) return;
        if (bar) (bar.tick(), await bar.done());
        bar = progress(1, { label: step });
      },
    });
    if (bar) (bar.tick(), await bar.done());
    const run = out.run!;
    const metrics = run.metrics;
    if (values.json) {
      console.log(
        JSON.stringify(
          { run_id: run.run_id, reused: out.reused, dir: run.dir, tearsheet: tearsheetPath(run), metrics },
          null,
          2,
        ),
      );
      return 0;
    }
    const shown = [
      "annual_return",
      "annual_volatility",
      "sharpe",
      "sharpe_vs_cash",
      "max_drawdown",
      "alpha",
      "beta",
      "turnover",
      "avg_gross_exposure",
      "final_nav",
      "commission",
      "slippage",
      "tax_paid",
      "tax_outstanding",
      "interest",
      "n_trades",
    ].filter((m) => m in metrics);
    console.log(renderTextTable(Object.fromEntries(shown.map((m) => [m, metrics[m]])), {
      maxRows: shown.length,
      caption: `${out.strategy.name} on ${values.snapshot}`,
    }));
    console.log(`\nrun ${run.run_id}${out.reused ? " (identical run already recorded; reused)" : ""}`);
    console.log(`tear sheet: ${tearsheetPath(run)}`);
    return 0;
  }, HELP);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
