/**
 * `deno task portfolio (--runs-ids ID,ID,… | --returns FILE) [options]` — combine return streams
 * with portfolio-construction methods, compare them and record the run.
 */
import { renderTextTable } from "../nb/text_table.ts";
import { type PortfolioJobOptions, type PortfolioJobResult, runPortfolioJob } from "../pipeline/portfolio.ts";
import { CONSTRUCTION_METHODS, type ConstructionMethod, parseSchedule } from "../portfolio/construct/mod.ts";
import { stringifyJson } from "../util/json.ts";
import { numberOption, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task portfolio (--run-ids ID,ID,… | --returns FILE) [options]

Combines return streams (recorded runs — strategies, searches, suites — or the columns of a returns
file) into one book with each construction method, long-only: weights re-estimated on a trailing
lookback at every rebalance, drifting in between. Prints the comparison table (return, volatility,
Sharpe, drawdown, turnover, effective N, diversification) and the stability across lookbacks, and
records the run (combined returns per method, weights and risk contributions as Parquet, report.html).

Options:
  --run-ids IDS        comma-separated run ids (or unique prefixes); each run's daily net/ret column
  --returns FILE       CSV or Parquet: a date column and one return column per stream
  --methods LIST       ${CONSTRUCTION_METHODS.join(",")}
                       (default: all; regime only with --benchmark)
  --lookback N         bars per estimate (default 252)
  --rebalance R        daily | weekly | monthly | quarterly | yearly | N bars (default monthly)
  --shrinkage S        none | ledoit_wolf (default none: the sample covariance)
  --tc-bps X           cost per unit of turnover, in bps (default 0)
  --benchmark FILE     date,ret CSV of the benchmark, for regime weights (above/below its trend)
  --trend N            regime: the benchmark's trend in bars (default 200)
  --regime-base M      regime: the method estimated per regime (default rolling_sharpe)
  --lookbacks LIST     stability analysis lookbacks (default: half, the lookback, double)
  --name NAME          experiment name (default portfolio)
  --author NAME        recorded author (default $USER)
  --runs DIR           run registry folder (default runs/)
  --force              record a new run even when an identical one exists
  --json               print the result as JSON
  -h, --help           show this help

Exit codes: 0 ok, 1 failure, 2 usage.`;

/** A comma-separated list of whole numbers ≥ 2, or undefined. */
function integers(text: string | undefined, name: string): number[] | undefined {
  if (text === undefined) return undefined;
  const out = text.split(",").map((x) => Number(x.trim()));
  if (out.some((n) => !(Number.isInteger(n) && n >= 2))) {
    throw new UsageError(`--${name} expects whole numbers ≥ 2 separated by commas, found "${text}"`);
  }
  return out;
}

/** The options of `deno task portfolio` that say what it constructs (the batch's `portfolio` job kind takes them too). */
export const PORTFOLIO_OPTIONS = {
  "run-ids": { type: "string" },
  returns: { type: "string" },
  methods: { type: "string" },
  lookback: { type: "string" },
  rebalance: { type: "string" },
  shrinkage: { type: "string" },
  "tc-bps": { type: "string" },
  benchmark: { type: "string" },
  trend: { type: "string" },
  "regime-base": { type: "string" },
  lookbacks: { type: "string" },
  name: { type: "string" },
  author: { type: "string" },
} as const;

/** What a portfolio job constructs: `runPortfolioJob`'s options less the registry and output ones. */
export type PortfolioSettings = Omit<PortfolioJobOptions, "runsDir" | "force" | "command" | "log">;

/**
 * `deno task portfolio`'s options checked (a `UsageError` naming the option at fault). The streams
 * (`--run-ids` or `--returns`) are checked by the caller: a batch may give them otherwise.
 *
 * @example
 * ```ts
 * portfolioSettings({ returns: "streams.csv", methods: "erc,hrp" }).methods; // => ["erc", "hrp"]
 * ```
 */
export function portfolioSettings(
  values: Readonly<Record<string, string | boolean | undefined>>,
): PortfolioSettings {
  const text = (name: keyof typeof PORTFOLIO_OPTIONS) => values[name] as string | undefined;
  const methods = text("methods")?.split(",").map((m) => m.trim()) as ConstructionMethod[] | undefined;
  for (const m of methods ?? []) {
    if (!(CONSTRUCTION_METHODS as readonly string[]).includes(m)) {
      throw new UsageError(
        `--methods: unknown method "${m}"; expected one of ${CONSTRUCTION_METHODS.join(", ")}`,
      );
    }
  }
  const base = text("regime-base");
  if (
    base !== undefined && (base === "regime" || !(CONSTRUCTION_METHODS as readonly string[]).includes(base))
  ) {
    throw new UsageError(`--regime-base must be a method other than regime, found "${base}"`);
  }
  const shrinkage = text("shrinkage");
  if (shrinkage !== undefined && !["none", "ledoit_wolf"].includes(shrinkage)) {
    throw new UsageError(`--shrinkage must be none or ledoit_wolf, found "${shrinkage}"`);
  }
  const tc = numberOption(values, "tc-bps", { min: 0 });
  const trend = integers(text("trend"), "trend")?.[0];
  let rebalance;
  try {
    rebalance = text("rebalance") === undefined ? undefined : parseSchedule(text("rebalance")!);
  } catch (error) {
    throw new RangeError(`--rebalance: ${(error as Error).message}`);
  }
  return {
    runIds: text("run-ids")?.split(",").map((s) => s.trim()).filter(Boolean),
    returnsFile: text("returns"),
    methods,
    lookback: integers(text("lookback"), "lookback")?.[0],
    rebalance,
    shrinkage: shrinkage as "none" | "ledoit_wolf" | undefined,
    tcBps: tc,
    benchmarkFile: text("benchmark"),
    ...(trend || base
      ? {
        regime: {
          ...(trend ? { trend } : {}),
          ...(base ? { base: base as Exclude<ConstructionMethod, "regime"> } : {}),
        },
      }
      : {}),
    lookbacks: integers(text("lookbacks"), "lookbacks"),
    experiment: text("name"),
    author: text("author"),
  };
}

/** `deno task portfolio`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values, positionals } = parseTaskArgs(args, {
      ...PORTFOLIO_OPTIONS,
      runs: { type: "string", default: "runs" },
      force: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (Boolean(values["run-ids"]) === Boolean(values.returns)) {
      throw new UsageError("give the streams with --run-ids ID,ID,… or --returns FILE (one of the two)");
    }
    const log = values.json ? () => {} : (line: string) => console.log(line);
    const job = await runPortfolioJob({
      ...portfolioSettings(values),
      runsDir: values.runs,
      force: values.force,
      command: `deno task portfolio ${args.join(" ")}`,
      log,
    });
    if (values.json) console.log(stringifyJson(jobJson(job), 2));
    else printJob(job);
    return 0;
  }, HELP);
}

/** The job as plain JSON: run, comparison, stability, last weights per method. */
export function jobJson(job: PortfolioJobResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    run_id: job.run.run_id,
    reused: job.reused,
    report: `${job.run.dir}/report.html`,
    metrics: job.run.metrics,
  };
  if (!job.portfolios) return out;
  return {
    ...out,
    streams: job.streams!.names,
    comparison: job.rows,
    stability: job.stability,
    last_weights: Object.fromEntries(job.portfolios.map((p) => {
      const k = p.names.length, r = p.rebalances.length - 1;
      return [p.method, Object.fromEntries(p.names.map((n, i) => [n, p.weights[r * k + i]]))];
    })),
    warnings: [...new Set(job.portfolios.flatMap((p) => p.warnings))],
  };
}

function printJob(job: PortfolioJobResult): void {
  if (!job.portfolios) {
    console.log(`\nrun ${job.run.run_id} (identical run already recorded; reused — --force to run again)`);
    console.log(`report: ${job.run.dir}/report.html`);
    return;
  }
  console.log("");
  console.log(
    renderTextTable(job.rows!.map((r) => ({ ...r })), { caption: "methods", maxRows: job.rows!.length }),
  );
  console.log("");
  console.log(
    renderTextTable(job.stability!.map((r) => ({ ...r })), {
      caption: "stability across lookbacks",
      maxRows: job.stability!.length,
    }),
  );
  for (const w of new Set(job.portfolios.flatMap((p) => p.warnings))) console.log(`warning: ${w}`);
  console.log(`\nrun ${job.run.run_id}`);
  console.log(`report: ${job.run.dir}/report.html`);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
