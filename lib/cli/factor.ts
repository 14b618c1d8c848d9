/**
 * `deno task factor --snapshot ID --signal FILE [options]` — Alphalens-style factor analysis of a
 * signal file on a snapshot: tables on the terminal (or JSON), and the factor tear sheet as HTML.
 */
import { dirname } from "node:path";
import { analyzeFactor, type FactorAnalysisOptions } from "../factor/analyze.ts";
import { type BinningOptions, checkBinning } from "../factor/quantize.ts";
import { loadPanel } from "../panel/load.ts";
import { progress } from "../nb/progress.ts";
import { renderTextTable } from "../nb/text_table.ts";
import { factorTables, factorTearsheet } from "../report/factor_tearsheet.ts";
import { formatReport } from "../signal/problem.ts";
import { readSignal } from "../signal/read_signal.ts";
import { validate } from "../signal/validate.ts";
import { readManifest } from "../snapshot/paths.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { gitSha } from "../util/git.ts";
import { stringifyJson } from "../util/json.ts";
import { COMMON_HELP, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task factor --snapshot ID --signal FILE [options]

Factor analysis of a signal at Alphalens depth: forward returns over several horizons, quantiles,
mean return by quantile with standard errors, the top-minus-bottom spread, the factor-weighted
long/short portfolio (alpha, beta, cumulative return), rank information coefficient (summary,
monthly means, by group), quantile turnover, rank autocorrelation and an event study. Prints the
tables and writes the factor tear sheet (HTML).

A value known at the close of day k (first trading day on/after date_avail) is analysed against the
returns from the close of day k + lag. Forward returns use back-adjusted closes, counted in bars of
the price panel. A date whose factor is constant or all tied gets no quantile (no position, no IC),
with a warning.

Options:
  --snapshot ID        snapshot to load (required)
  --signal FILE        signal file, CSV or Parquet (required)
  --periods LIST       forward-return horizons in bars (default 1,5,10)
  --quantiles Q        equal-count quantiles (default 5), or probabilities "0,0.1,0.5,0.9,1"
  --bins B             equal-width bins, or edges "-4,-2,0,2,4" (instead of --quantiles)
  --zero-aware         bin positive and negative values separately
  --by industry        attach groups: IC and returns by group (default: none)
  --bin-by-group       bin within each group (needs --by)
  --group-neutral      demean returns and weights within groups (needs --by)
  --long-only          do not demean (default: long/short views)
  --equal-weight       equal instead of factor-proportional weights
  --lag N              bars between knowing a value and taking the position (default 0)
  --single-period      forward returns of the single bar p ahead, not cumulative over p bars
  --events B,A         event window: B bars before, A after (default 5,15; "off" to skip)
  --max-loss X         largest share of factor values that may be dropped (default 0.35)
  --zscore Z           drop forward returns beyond Z std devs (default 20; "off" to keep all)
  --out FILE           tear sheet path (default reports/factor/<signal name>.html; "none" to skip)
  --json               print the tables and warnings as JSON (NaN = null, ±Infinity as strings)
${COMMON_HELP}

Exit codes: 0 ok, 1 failure (e.g. more than --max-loss dropped), 2 usage or an invalid signal.`;

/** `deno task factor`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values } = parseTaskArgs(args, {
      snapshot: { type: "string" },
      signal: { type: "string" },
      periods: { type: "string" },
      quantiles: { type: "string" },
      bins: { type: "string" },
      "zero-aware": { type: "boolean", default: false },
      by: { type: "string" },
      "bin-by-group": { type: "boolean", default: false },
      "group-neutral": { type: "boolean", default: false },
      "long-only": { type: "boolean", default: false },
      "equal-weight": { type: "boolean", default: false },
      lag: { type: "string" },
      "single-period": { type: "boolean", default: false },
      events: { type: "string" },
      "max-loss": { type: "string" },
      zscore: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean", default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.snapshot) throw new UsageError("--snapshot ID is required");
    if (!values.signal) throw new UsageError("--signal FILE is required");
    const options = analysisOptions(values);
    const parsed = await readSignal(values.signal);
    if (parsed.problems.some((p) => p.severity === "error")) {
      console.error(`${values.signal}: ${formatReport(validate(parsed))}`);
      return 2;
    }
    const panel = await loadPanel({
      snapshot: values.snapshot,
      snapshotsDir: values.snapshots,
      fields: ["adj_close", "ret"],
    });
    const checked = validate(parsed, { panel });
    if (!checked.ok) {
      console.error(`${values.signal}: ${formatReport(checked)}`);
      return 2;
    }
    const bar = values.json ? null : progress(5, {
      label: "factor analysis",
      write: (s) => Deno.stderr.writeSync(new TextEncoder().encode(s)),
    });
    const fa = analyzeFactor(panel, parsed.signal, { ...options, onStep: (_s, k) => k > 0 && bar?.tick() });
    bar?.tick();
    await bar?.done();
    const name = parsed.signal.signal_name ?? values.signal.replace(/^.*\//, "").replace(/\.[^.]+$/, "");
    const tables = factorTables(fa);
    const out = values.out === "none" ? null : values.out ?? `reports/factor/${safeName(name)}.html`;
    if (out) {
      const manifest = await readManifest(values.snapshot, values.snapshots);
      const html = factorTearsheet(fa, {
        signal_name: name,
        snapshot_id: values.snapshot,
        snapshot_hash: manifest.hash,
        git_sha: await gitSha(),
        created_at: new Date().toISOString(),
        command: ["deno", "task", "factor", ...args].join(" "),
      });
      await Deno.mkdir(dirname(out), { recursive: true });
      await writeFileAtomic(out, html);
    }
    if (values.json) {
      console.log(
        stringifyJson(
          { signal: name, loss: fa.data.loss, warnings: fa.warnings, ...tables, tearsheet: out },
          2,
        ),
      );
      return 0;
    }
    for (const w of fa.warnings) console.error(`warning: ${w}`);
    const plain = (rows: Record<string, unknown>[]) => ({ plain: Object.keys(rows[0] ?? {}), maxRows: 100 });
    console.log(`factor analysis of ${name} on snapshot ${values.snapshot}\n`);
    console.log(
      renderTextTable(tables.returns, { ...plain(tables.returns), caption: "Returns analysis" }) + "\n",
    );
    console.log(
      renderTextTable(tables.information, { ...plain(tables.information), caption: "Information analysis" }) +
        "\n",
    );
    console.log(
      renderTextTable(tables.turnover, { ...plain(tables.turnover), caption: "Turnover analysis" }) + "\n",
    );
    console.log(
      renderTextTable(tables.quantileStats, {
        ...plain(tables.quantileStats),
        caption: "Quantile statistics",
      }),
    );
    console.log(
      `\ndropped ${(fa.data.loss.total * 100).toFixed(1)}% of the factor values (${
        (fa.data.loss.forward_returns * 100).toFixed(1)
      }% ` +
        `without forward returns, ${(fa.data.loss.binning * 100).toFixed(1)}% in binning)`,
    );
    if (out) console.log(`tear sheet ${out}`);
    return 0;
  }, HELP);
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, "_") || "factor";
}

function numberList(flag: string, text: string): number[] {
  const parts = text.split(",").map((x) => Number(x.trim()));
  if (parts.length === 0 || parts.some((x) => !Number.isFinite(x))) {
    throw new UsageError(`--${flag} expects a number or a comma-separated list, found "${text}"`);
  }
  return parts;
}

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x)) {
    throw new UsageError(`--${flag} expects a number, found "${text}"`);
  }
  return x;
}

function analysisOptions(values: Record<string, string | boolean | undefined>): FactorAnalysisOptions {
  const str = (k: string) => values[k] as string | undefined;
  if (str("quantiles") !== undefined && str("bins") !== undefined) {
    throw new UsageError("give either --quantiles or --bins, not both");
  }
  const spec = (flag: string) => {
    const text = str(flag);
    if (text === undefined) return undefined;
    const list = numberList(flag, text);
    return list.length === 1 ? list[0] : list;
  };
  const by = str("by");
  if (by !== undefined && by !== "industry") throw new UsageError(`--by expects "industry", found "${by}"`);
  if ((values["bin-by-group"] || values["group-neutral"]) && !by) {
    throw new UsageError("--bin-by-group and --group-neutral need --by industry");
  }
  const events = str("events");
  let eventWindow: FactorAnalysisOptions["events"];
  if (events === "off") eventWindow = false;
  else if (events !== undefined) {
    const [before, after] = numberList("events", events);
    if (after === undefined) throw new UsageError(`--events expects "BEFORE,AFTER", found "${events}"`);
    eventWindow = { before, after };
  }
  const zscore = str("zscore");
  const options: FactorAnalysisOptions = {
    periods: str("periods") !== undefined ? numberList("periods", str("periods")!) : undefined,
    quantiles: spec("quantiles") as FactorAnalysisOptions["quantiles"],
    bins: spec("bins") as FactorAnalysisOptions["bins"],
    zeroAware: values["zero-aware"] as boolean,
    groupBy: by ? "industry" : undefined,
    binByGroup: values["bin-by-group"] as boolean,
    groupNeutral: values["group-neutral"] as boolean,
    longShort: !values["long-only"],
    equalWeight: values["equal-weight"] as boolean,
    lag: number("lag", str("lag")),
    cumulative: !values["single-period"],
    events: eventWindow,
    maxLoss: number("max-loss", str("max-loss")),
    filterZscore: zscore === "off" ? null : number("zscore", zscore),
  };
  const resolved = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  if (resolved.quantiles !== undefined || resolved.bins !== undefined) {
    try {
      checkBinning(resolved as BinningOptions);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return resolved as FactorAnalysisOptions;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
