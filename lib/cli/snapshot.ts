import { openStore } from "../store/db.ts";
import { parseIsoDate } from "../panel/types.ts";
import { createSnapshot, listSnapshots, validateSnapshotId, verifySnapshot } from "../snapshot/mod.ts";
import { COMMON_HELP, numberOption, parseTaskArgs, runTask, UsageError } from "./args.ts";

const HELP = `deno task snapshot <command> [options]

Immutable, versioned Parquet snapshots of the store, with a manifest (hashes, rows, date ranges).

Commands:
  create ID            write snapshots/ID/ (refuses an existing ID)
    --top N            lightweight: the N most liquid equities (median ADV) plus every index
    --start DATE       first date kept (YYYY-MM-DD)
    --end DATE         last date kept
  list                 every snapshot folder with its hash, securities, rows and dates; "!" flags a
                       folder whose manifest is unreadable or names another id
  verify ID            recompute every file hash and the manifest's own; exit 1 naming the file
                       on a mismatch (every open verifies cheaply: sizes and mtimes against the
                       last verified state, full hashes where they changed)

Options:
${COMMON_HELP}`;

/** `deno task snapshot`: see `--help`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return await runTask(async () => {
    const { values, positionals } = parseTaskArgs(args, {
      top: { type: "string" },
      start: { type: "string" },
      end: { type: "string" },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const [command, id] = positionals;
    if (command === "create") {
      if (!id) throw new UsageError("create needs an ID");
      const top = numberOption(values, "top", { integer: true, min: 1 });
      try {
        validateSnapshotId(id);
        for (const name of ["start", "end"] as const) {
          if (values[name] !== undefined) parseIsoDate(values[name]);
        }
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const store = await openStore(values.db, { readOnly: true });
      try {
        const m = await createSnapshot(store, id, {
          snapshotsDir: values.snapshots,
          top,
          start: values.start,
          end: values.end,
        });
        console.log(
          `snapshot ${m.snapshot_id}  hash ${
            m.hash.slice(0, 16)
          }  ${m.securities} securities  ${m.rows.prices} price rows  ${m.date_range.prices?.min} → ${m.date_range.prices?.max}`,
        );
      } finally {
        store.close();
      }
      return 0;
    }
    if (command === "list") {
      const entries = await listSnapshots(values.snapshots);
      if (entries.length === 0) console.log(`no snapshots in ${values.snapshots}/`);
      for (const e of entries) {
        console.log(
          e.problem && !e.manifest_id
            ? `${e.snapshot_id.padEnd(20)} ! ${e.problem}`
            : `${e.snapshot_id.padEnd(20)} ${e.hash.slice(0, 12)}  ${
              String(e.securities).padStart(5)
            } securities  ${String(e.rows).padStart(9)} rows  ${e.start} → ${e.end}  created ${e.created_at}${
              e.problem ? `  ! ${e.problem}` : ""
            }`,
        );
      }
      return 0;
    }
    if (command === "verify") {
      if (!id) throw new UsageError("verify needs an ID");
      const problems = await verifySnapshot(id, values.snapshots);
      for (const p of problems) console.error(`MISMATCH ${p.file}: expected ${p.expected}, found ${p.found}`);
      if (problems.length === 0) console.log(`snapshot ${id}: every file matches its manifest`);
      return problems.length ? 1 : 0;
    }
    throw new UsageError(command ? `unknown command "${command}"` : "missing <command>");
  }, HELP);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
