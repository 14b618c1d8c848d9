import { openStore } from "../store/db.ts";
import { ingestFile, ingestSample, ingestSynthetic } from "../ingest/mod.ts";
import type { FileTable } from "../ingest/file.ts";
import { COMMON_HELP, parseTaskArgs, runTask, UsageError } from "./args.ts";
import { main as ingestB3 } from "./ingest_b3.ts";

const HELP = `deno task ingest <source> [options]

Load data into the store (idempotent upserts, one transaction per load; bad input writes nothing).

Sources:
  synthetic             deterministic synthetic equity universe
    --seed N            random seed (default 42)
    --securities N      number of securities (default 500)
    --years Y           years of trading days (default 10)
    --start DATE        first day, YYYY-MM-DD
  sample                bundled real S&P 500 daily OHLCV 2000-01-03 → 2020-04-17 as security SPX
  b3 …                  B3 COTAHIST pipeline (see deno task ingest b3 --help)
  csv FILE | parquet FILE
    --table T           prices (default) | descriptors | corporate_actions
    --map a=B,c=D       target column = file column, e.g. --map "date=Date,close=Adj Close"
    --security ID       security id for every row (files without an id column)
    --date-format F     strptime pattern (default: detected, e.g. %Y-%m-%d, %m/%d/%Y, %d.%m.%Y)

Options:
${COMMON_HELP}

Examples:
  deno task ingest synthetic --seed 7 --securities 300
  deno task ingest csv prices.csv --map "security_id=Ticker,date=Date,close=Adj Close"`;

/** Parses `a=B,c=D` into a mapping, with a usage error naming a malformed pair. */
function parseMap(text: string | undefined): Record<string, string> {
  if (!text) return {};
  return Object.fromEntries(
    text.split(",").map((pair) => {
      const k = pair.indexOf("=");
      if (k <= 0) throw new UsageError(`--map expects target=column pairs, found "${pair}"`);
      return [pair.slice(0, k).trim(), pair.slice(k + 1).trim()];
    }),
  );
}

/** `deno task ingest`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  if (args[0] === "b3") return await ingestB3(args.slice(1));
  return await runTask(async () => {
    const { values, positionals } = parseTaskArgs(args, {
      seed: { type: "string" },
      securities: { type: "string" },
      years: { type: "string" },
      start: { type: "string" },
      table: { type: "string", default: "prices" },
      map: { type: "string" },
      security: { type: "string" },
      "date-format": { type: "string" },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const [source, file] = positionals;
    if (!source) throw new UsageError("missing <source>");
    const store = await openStore(values.db);
    try {
      if (source === "synthetic") {
        const started = performance.now();
        const counts = await ingestSynthetic(store, {
          ...(values.seed ? { seed: Number(values.seed) } : {}),
          ...(values.securities ? { nSecurities: Number(values.securities) } : {}),
          ...(values.years ? { years: Number(values.years) } : {}),
          ...(values.start ? { start: values.start } : {}),
        });
        console.log(
          `synthetic: ${JSON.stringify(counts)} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
      } else if (source === "sample") {
        const r = await ingestSample(store);
        console.log(`sample: ${r.rows} rows of SPX from ${r.file}`);
      } else if (source === "csv" || source === "parquet") {
        if (!file) throw new UsageError(`${source} needs a FILE`);
        const table = values.table as FileTable;
        if (!["prices", "descriptors", "corporate_actions"].includes(table)) {
          throw new UsageError(`--table must be prices, descriptors or corporate_actions, found "${table}"`);
        }
        const r = await ingestFile(store, file, {
          table,
          map: parseMap(values.map),
          security: values.security,
          dateFormat: values["date-format"],
        });
        console.log(
          `${file}: ${r.rows} rows, ${r.securities} securities into ${r.table} (dates ${r.dateFormat})`,
        );
      } else throw new UsageError(`unknown source "${source}"`);
    } finally {
      store.close();
    }
    return 0;
  }, HELP);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
