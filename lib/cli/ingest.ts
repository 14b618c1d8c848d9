import type { ParseArgsConfig } from "node:util";
import type { Store } from "../store/db.ts";
import { writeStore } from "../store/write_store.ts";
import { ingestFile, ingestSample, ingestSynthetic } from "../ingest/mod.ts";
import { FILE_TABLES, type FileTable } from "../ingest/file_rules.ts";
import { COMMON_HELP, parseTaskArgs, runTask, UsageError } from "./args.ts";
import { main as ingestB3 } from "./ingest_b3.ts";

/** Parsed option values (strings and booleans, as `parseArgs` gives them). */
type Values = Record<string, string | boolean | undefined>;

/**
 * One ingest source (a subcommand): its help, its options, and how it loads into the store. `run`
 * gets a store opened by `writeStore`, so whatever it writes is published atomically or not at all.
 */
export interface IngestCommand {
  help: string;
  /** Takes FILE arguments (others refuse extra positionals). */
  files?: boolean;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(store: Store, values: Values, args: string[]): Promise<string[]>;
}

const fileCommand = (kind: "csv" | "parquet"): IngestCommand => ({
  files: true,
  help: `  ${kind} FILE…${
    kind === "csv" ? "          " : "      "
  }your own files (each path literal), loaded together in one atomic load
    --table T           ${FILE_TABLES.join(" | ")} (default prices);
                        securities: name, industry, asset_class, listed, delisted by security_id
    --map a=B,c=D       target column = file column, e.g. --map "date=Date,close=Adj Close"
    --security ID       security id for every row (files without an id column)
    --date-format F     strptime pattern (default: detected, e.g. %Y-%m-%d, %m/%d/%Y, %d.%m.%Y;
                        a file whose days and months are all ≤ 12 needs it)
    --min-date D        earliest plausible date (default 1900-01-01)
    A file updates only the columns it has: a close-only file corrects closes and keeps the rest.`,
  options: {
    table: { type: "string", default: "prices" },
    map: { type: "string" },
    security: { type: "string" },
    "date-format": { type: "string" },
    "min-date": { type: "string" },
  },
  async run(store, values, files) {
    if (files.length === 0) throw new UsageError(`${kind} needs a FILE`);
    const table = values.table as FileTable;
    if (!FILE_TABLES.includes(table)) {
      throw new UsageError(`--table must be ${FILE_TABLES.join(", ")}, found "${table}"`);
    }
    const lines: string[] = [];
    for (const file of files) {
      const r = await ingestFile(store, file, {
        table,
        map: parseMap(values.map as string | undefined),
        security: values.security as string | undefined,
        dateFormat: values["date-format"] as string | undefined,
        minDate: values["min-date"] as string | undefined,
      });
      lines.push(
        `${file}: ${r.rows} rows, ${r.securities} securities into ${r.table} (${r.inserted} new, ${r.replaced} replaced${
          r.dateFormat ? `; dates ${r.dateFormat}` : ""
        })`,
      );
      for (const w of r.warnings) console.error(`warning: ${file}, column "${w.column}": ${w.message}`);
    }
    return lines;
  },
});

/** The sources of `deno task ingest`, by subcommand name. Add one here to add a source. */
export const INGEST_COMMANDS: Record<string, IngestCommand> = {
  synthetic: {
    help: `  synthetic             deterministic synthetic equity universe
    --seed N            random seed (default 42)
    --securities N      number of securities (default 500)
    --years Y           years of trading days (default 10)
    --start DATE        first day, YYYY-MM-DD`,
    options: {
      seed: { type: "string" },
      securities: { type: "string" },
      years: { type: "string" },
      start: { type: "string" },
    },
    async run(store, values) {
      const started = performance.now();
      const counts = await ingestSynthetic(store, {
        ...(values.seed ? { seed: Number(values.seed) } : {}),
        ...(values.securities ? { nSecurities: Number(values.securities) } : {}),
        ...(values.years ? { years: Number(values.years) } : {}),
        ...(values.start ? { start: values.start as string } : {}),
      });
      return [
        `synthetic: ${JSON.stringify(counts)} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      ];
    },
  },
  sample: {
    help: "  sample                bundled real S&P 500 daily OHLCV 2000-01-03 → 2020-04-17 as security SPX",
    options: {},
    async run(store) {
      const r = await ingestSample(store);
      return [`sample: ${r.rows} rows of SPX from ${r.file}`];
    },
  },
  csv: fileCommand("csv"),
  parquet: fileCommand("parquet"),
};

/** Every source's options (parsed together, so any option may precede the source). */
const SOURCE_OPTIONS: NonNullable<ParseArgsConfig["options"]> = Object.assign(
  {},
  ...Object.values(INGEST_COMMANDS).map((c) => c.options),
);

const HELP = `deno task ingest <source> [options]

Load data into the store. Each run is one atomic load: it is written to a copy of the store that
replaces the store only once complete and checked, so bad input or a crash leaves the store as it was.
Loads are idempotent upserts by key. One writer at a time: a second load waits up to --wait seconds.

Sources:
${Object.values(INGEST_COMMANDS).map((c) => c.help).join("\n")}
  b3 …                  B3 COTAHIST pipeline (see deno task ingest b3 --help)

Options:
  --wait S              seconds to wait for another load of the same store (default 10)
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
    const parsed = parseTaskArgs(args, {
      wait: { type: "string", default: "10" },
      ...SOURCE_OPTIONS,
    });
    const values = parsed.values as Values & { db: string };
    const positionals = parsed.positionals;
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const [source, ...rest] = positionals;
    if (!source) throw new UsageError("missing <source>");
    const command = INGEST_COMMANDS[source];
    if (!command) throw new UsageError(`unknown source "${source}"`);
    if (rest.length && !command.files) throw new UsageError(`${source} takes no FILE, found "${rest[0]}"`);
    const wait = Number(values.wait);
    if (!(wait >= 0)) throw new UsageError(`--wait must be a number of seconds ≥ 0, found "${values.wait}"`);
    const lines = await writeStore(values.db, (store) => command.run(store, values, rest), {
      waitMs: wait * 1000,
      log: (line) => console.error(line),
    });
    for (const line of lines) console.log(line);
    return 0;
  }, HELP);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
