import { writeStore } from "../store/write_store.ts";
import { renderTextTable } from "../nb/text_table.ts";
import { type B3Period, runB3Pipeline } from "../ingest/b3/pipeline.ts";
import { DEFAULT_RAW_DIR, listRawFiles } from "../ingest/b3/download.ts";
import { DEFAULT_KEEP, KEEP_KINDS, type KeepKind } from "../ingest/b3/market.ts";
import { syntheticB3Events, writeSyntheticB3 } from "../ingest/b3/synthetic.ts";
import { COMMON_HELP, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task ingest b3 [--year Y | --from Y --to Y | --month YYYY-MM | --day YYYY-MM-DD] [options]

B3 market data: COTAHIST files → the store, in nine steps (download, parse, upsert, corporate actions,
split detection, adjustment factors, adjusted prices, summary stats, snapshot). Each file is one
transaction, idempotent by (security_id, date); malformed lines are reported with file, line and field.

What to load:
  --year Y              one yearly file (COTAHIST_AY.ZIP)
  --from Y --to Y       every yearly file of the range
  --month YYYY-MM       a monthly file (COTAHIST_MMMYYYY.ZIP); repeatable
  --day YYYY-MM-DD      a daily file (COTAHIST_DDDMMYYYY.ZIP); repeatable
  --file PATH           a local COTAHIST ZIP or TXT of any name; repeatable

Options:
  --raw-dir DIR         raw cache (default ${DEFAULT_RAW_DIR})
  --offline             never download: use the files already in --raw-dir
  --base-url URL        B3's COTAHIST folder (default https://bvmf.bmfbovespa.com.br/InstDados/SerHist/)
  --keep K1,K2          instruments to keep: ${KEEP_KINDS.join(", ")} (default ${DEFAULT_KEEP.join(",")})
  --strict              stop at the first malformed line
  --rebuild             drop every B3 row first, then load (same store as a first load)
  --corporate-actions F published events CSV (B3 labels DESDOBRAMENTO, GRUPAMENTO, BONIFICACAO,
                        DIVIDENDO, JRS CAP PROPRIO, RENDIMENTO; see lib/ingest/b3/corporate_actions.ts)
  --skip-corporate-actions  skip the import and the split detection
  --no-series           do not load the CDI (BCB SGS 12) and the Ibovespa
  --cdi-csv F --ibov-csv F  load them from local CSVs (date/data, value/valor) instead
  --snapshot ID         snapshot id (default b3-<store fingerprint>); --no-snapshot for none
  --list-raw            list the raw cache's files (sizes, periods, sources) and exit
  --synthetic           write a synthetic B3 market for --from..--to into --raw-dir first and load
                        it (offline), with its published events and CDI/Ibovespa CSVs (planted: an
                        unpublished 2:1 split of QAAA3, a published 1:10 reverse split of QAAB4)
  --json                print the result as JSON
${COMMON_HELP}

Examples:
  deno task ingest b3 --from 2015 --to 2024 --corporate-actions data/raw/b3/proventos.csv
  deno task ingest b3 --year 2024 --rebuild
  deno task ingest b3 --list-raw
  deno task ingest b3 --synthetic --from 2022 --to 2024 --raw-dir data/raw/b3-synthetic --db data/b3.duckdb`;

function year(text: string | undefined, flag: string): number {
  const y = Number(text);
  if (!/^\d{4}$/.test(text ?? "") || y < 1986) {
    throw new UsageError(`${flag} expects a year from 1986, found "${text}"`);
  }
  return y;
}

/** The periods the flags ask for. */
function periodsOf(values: Record<string, unknown>): B3Period[] {
  const out: B3Period[] = [];
  if (values.year !== undefined) out.push({ kind: "yearly", year: year(values.year as string, "--year") });
  if (values.from !== undefined || values.to !== undefined) {
    const from = year(values.from as string | undefined, "--from"),
      to = year(values.to as string | undefined, "--to");
    if (to < from) throw new UsageError(`--to ${to} is before --from ${from}`);
    for (let y = from; y <= to; y++) out.push({ kind: "yearly", year: y });
  }
  for (const m of (values.month as string[] | undefined) ?? []) {
    const match = /^(\d{4})-(\d{2})$/.exec(m);
    if (!match || +match[2] < 1 || +match[2] > 12) {
      throw new UsageError(`--month expects YYYY-MM, found "${m}"`);
    }
    out.push({ kind: "monthly", year: +match[1], month: +match[2] });
  }
  for (const d of (values.day as string[] | undefined) ?? []) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    const ms = match ? Date.UTC(+match[1], +match[2] - 1, +match[3]) : NaN;
    if (!match || new Date(ms).toISOString().slice(0, 10) !== d) {
      throw new UsageError(`--day expects YYYY-MM-DD, found "${d}"`);
    }
    out.push({ kind: "daily", year: +match[1], month: +match[2], day: +match[3] });
  }
  return out;
}

/** `deno task ingest b3`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values } = parseTaskArgs(args, {
      year: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      month: { type: "string", multiple: true },
      day: { type: "string", multiple: true },
      file: { type: "string", multiple: true },
      "raw-dir": { type: "string", default: DEFAULT_RAW_DIR },
      offline: { type: "boolean", default: false },
      "base-url": { type: "string" },
      keep: { type: "string" },
      strict: { type: "boolean", default: false },
      rebuild: { type: "boolean", default: false },
      "corporate-actions": { type: "string" },
      "skip-corporate-actions": { type: "boolean", default: false },
      "no-series": { type: "boolean", default: false },
      "cdi-csv": { type: "string" },
      "ibov-csv": { type: "string" },
      snapshot: { type: "string" },
      "no-snapshot": { type: "boolean", default: false },
      "list-raw": { type: "boolean", default: false },
      synthetic: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const rawDir = values["raw-dir"];
    if (values["list-raw"]) {
      const files = await listRawFiles(rawDir);
      if (values.json) console.log(JSON.stringify(files, null, 2));
      else if (!files.length) console.log(`${rawDir}: no raw files yet`);
      else console.log(renderTextTable(files as unknown as Record<string, unknown>[]));
      return 0;
    }
    const keep = values.keep ? values.keep.split(",").map((k) => k.trim()) : [...DEFAULT_KEEP];
    for (const k of keep) {
      if (!(KEEP_KINDS as readonly string[]).includes(k)) {
        throw new UsageError(`--keep: unknown kind "${k}"; expected some of ${KEEP_KINDS.join(", ")}`);
      }
    }
    const periods = periodsOf(values);
    if (!periods.length && !values.file?.length) {
      throw new UsageError("say what to load: --year, --from/--to, --month, --day or --file (or --list-raw)");
    }
    let synthetic: Awaited<ReturnType<typeof writeSyntheticB3>> | undefined;
    if (values.synthetic) {
      const years = periods.filter((p) => p.kind === "yearly").map((p) => p.year);
      if (!years.length) throw new UsageError("--synthetic needs --year or --from/--to");
      const [from, to] = [Math.min(...years), Math.max(...years)];
      synthetic = await writeSyntheticB3(rawDir, { from, to, ...syntheticB3Events(from, to) });
      console.log(`synthetic B3 market written to ${rawDir} (${synthetic.cotahist.length} yearly file(s))`);
    }
    // One atomic load (see writeStore): a failed or killed run leaves the store as it was.
    const result = await writeStore(values.db, (store) =>
      runB3Pipeline(store, {
        periods,
        files: values.file,
        rawDir,
        download: !(values.offline || values.synthetic),
        baseUrl: values["base-url"],
        keep: keep as KeepKind[],
        strict: values.strict,
        rebuild: values.rebuild,
        corporateActions: values["corporate-actions"] ?? synthetic?.corporateActions,
        skipCorporateActions: values["skip-corporate-actions"],
        series: !values["no-series"],
        cdiCsv: values["cdi-csv"] ?? synthetic?.cdi,
        ibovCsv: values["ibov-csv"] ?? synthetic?.ibov,
        snapshot: values["no-snapshot"] ? false : values.snapshot,
        snapshotsDir: values.snapshots,
        log: values.json ? () => {} : undefined,
        progressMode: values.json ? "none" : undefined,
      }), { log: values.json ? undefined : (line) => console.error(line) });
    if (values.json) {
      console.log(JSON.stringify({ ...result, tables: result.tables }, null, 2));
    } else {
      console.log(renderTextTable(result.tables as unknown as Record<string, unknown>[]));
    }
    return result.problemCount && values.strict ? 1 : 0;
  }, HELP);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
