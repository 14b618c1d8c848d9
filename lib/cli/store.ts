import { basename } from "node:path";
import { dirOf, openStore } from "../store/db.ts";
import { checkStore, type StoreCheck } from "../store/check.ts";
import { describeHolder, lockPathOf, readHolder } from "../store/lock.ts";
import { renderTextTable } from "../nb/text_table.ts";
import { COMMON_HELP, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task store <command> [options]

Inspect the DuckDB store.

Commands:
  check                integrity of every table: duplicate keys, NULL keys, rows whose security_id
                       is not in securities, row counts against what the last load recorded; also
                       reports a load in progress and files left by interrupted loads.
                       Exit 0 when clean, 1 when a problem is found (ingest refuses such a store).
    --json             the result as JSON

Options:
${COMMON_HELP}`;

/** What `store check` reports beyond `checkStore`: the files around the store. */
interface Surroundings {
  /** A load holding the writer lock right now. */
  writer?: string;
  /** Temp copies left by interrupted loads (removed by the next load). */
  leftovers: { files: number; bytes: number };
  /** A DuckDB write-ahead log beside the store (an interrupted direct write). */
  wal: boolean;
}

/** `deno task store`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values, positionals } = parseTaskArgs(args, { json: { type: "boolean", default: false } });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const [command] = positionals;
    if (command !== "check") {
      throw new UsageError(command ? `unknown command "${command}"` : "missing <command>");
    }
    let check: StoreCheck;
    const store = await openStore(values.db, { readOnly: true });
    try {
      check = await checkStore(store);
    } finally {
      store.close();
    }
    const around = await surroundings(values.db);
    if (values.json) {
      console.log(JSON.stringify({ store: values.db, ...check, ...around }, null, 2));
      return check.ok ? 0 : 1;
    }
    console.log(
      `store ${values.db}${
        check.lastLoad ? `, last load ${check.lastLoad.source} at ${check.lastLoad.loaded_at}` : ""
      }\n`,
    );
    console.log(renderTextTable(
      Object.entries(check.tables).map(([table, rows]) => ({
        table,
        rows,
        problems: check.problems.filter((p) => p.table === table).map((p) => p.kind).join(", ") || "ok",
      })),
    ));
    if (around.writer) console.log(`\na load is in progress: ${around.writer}`);
    if (around.leftovers.files) {
      console.log(
        `\n${around.leftovers.files} file(s) (${
          (around.leftovers.bytes / 2 ** 20).toFixed(0)
        } MB) left by interrupted loads; the next load removes them`,
      );
    }
    if (around.wal) {
      console.log(
        `\n${values.db}.wal: a write-ahead log left by an interrupted direct write; the results above include it, the file without it holds the state before that write`,
      );
    }
    if (check.ok) {
      console.log("\nok: no problems");
      return 0;
    }
    console.log(`\n${check.problems.length} problem(s):`);
    for (const p of check.problems) console.log(`  ${p.message}`);
    console.log("\nIngest refuses to write to this store. Rebuild it from your sources or restore a copy.");
    return 1;
  }, HELP);
}

async function surroundings(db: string): Promise<Surroundings> {
  const prefix = `.${basename(db)}.tmp-`;
  const leftovers = { files: 0, bytes: 0 };
  for await (const entry of Deno.readDir(dirOf(db))) {
    if (entry.isFile && entry.name.startsWith(prefix)) {
      leftovers.files++;
      leftovers.bytes += (await Deno.stat(`${dirOf(db)}/${entry.name}`)).size;
    }
  }
  const lockPath = lockPathOf(db);
  let writer: string | undefined;
  try {
    using lock = await Deno.open(lockPath, { read: true });
    if (!(await lock.tryLock(false))) writer = describeHolder(await readHolder(lockPath));
  } catch {
    writer = undefined; // no lock file: nothing was ever loaded through a lock here
  }
  const wal = await Deno.stat(`${db}.wal`).then(() => true, () => false);
  return { writer, leftovers, wal };
}

if (import.meta.main) Deno.exit(await main(Deno.args));
