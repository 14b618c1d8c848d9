/**
 * Issue 8 item 1: a load killed at any instant leaves the store as it was before the load or as it
 * is after it — never in between. Real child processes, real SIGKILLs.
 *
 * The load replaces 100 of the store's securities and adds 200 (300 synthetic securities × 2 years:
 * 138,335 price rows and as many descriptor rows, more than one DuckDB row group of 122,880 rows, so
 * DuckDB writes them optimistically into the file during the transaction — the path whose torn
 * write-ahead log corrupted stores on `main`: old securities, new prices, duplicate keys).
 */
import { deepStrictEqual as deepEqual, equal, ok } from "node:assert/strict";
import { inspect, type KillAt, killedLoad, timedLoad } from "./fixtures/store/crash.ts";
import { listDir } from "./fixtures/foundation/helpers.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const KILLS = 20;
/** Kills as a commit's write-ahead log is being written: on `main`, about 1 in 3 corrupted the store. */
const WAL_KILLS = 8;

Deno.test("a load killed at 20+ instants leaves the store before or after the load, checked clean", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-crash-" });
  const base = `${dir}/base.duckdb`;
  const db = `${dir}/store.duckdb`;
  const ingest = (...args: string[]) => ["run", "-A", "lib/cli/ingest.ts", "--db", db, ...args];
  const load = ingest("synthetic", "--securities", "300", "--years", "2");
  const reset = async () => {
    await Deno.copyFile(base, db);
    await Deno.remove(`${db}.wal`).catch(() => {});
  };

  // The store before: 100 synthetic securities × 2 years + the S&P 500 sample.
  await timedLoad(ROOT, ingest("synthetic", "--securities", "100", "--years", "2"));
  await timedLoad(ROOT, ingest("sample"));
  await Deno.copyFile(db, base);
  const before = (await inspect(db)).fingerprint;
  // The store after: the same load run to completion (its wall time spaces the kills).
  const duration = await timedLoad(ROOT, load);
  const after = (await inspect(db)).fingerprint;
  // 101 → 301 securities (SYN0001…0300 + SPX); the ingest log gains one row.
  equal(before.securities.split(":")[0], "101");
  equal(after.securities.split(":")[0], "301");
  deepEqual([before.ingest_log, after.ingest_log], ["2", "3"]);

  const kills: KillAt[] = [
    ...Array.from({ length: KILLS }, (_, k) => ({ ms: (duration * (k + 1)) / (KILLS + 1) })),
    ...Array.from({ length: WAL_KILLS }, () => ({ event: "wal" as const })),
    { event: "published" },
  ];
  const outcomes: Record<string, number> = { before: 0, after: 0 };
  for (const kill of kills) {
    const label = "ms" in kill
      ? `kill at ${kill.ms.toFixed(0)} ms of ${duration.toFixed(0)}`
      : `kill on ${kill.event}`;
    await t.step(label, async () => {
      await reset();
      const round = await killedLoad(ROOT, load, db, kill);
      const { fingerprint: found, check } = await inspect(db);
      const state = JSON.stringify(found) === JSON.stringify(before)
        ? "before"
        : JSON.stringify(found) === JSON.stringify(after)
        ? "after"
        : undefined;
      ok(
        state,
        `neither before nor after (${
          round.exited ? "exited" : `killed at ${round.killedAfterMs.toFixed(0)} ms`
        }): ${JSON.stringify(found)}`,
      );
      outcomes[state]++;
      deepEqual(check.problems, []);
    });
  }
  console.log(`outcomes over ${kills.length} kills: ${JSON.stringify(outcomes)}`);
  ok(outcomes.before >= KILLS / 4, "the kills land during the load, not after it");

  await t.step("the next load removes the leftovers of killed loads and completes", async () => {
    await reset();
    await timedLoad(ROOT, load);
    deepEqual((await inspect(db)).fingerprint, after);
    const names = await listDir(dir);
    deepEqual(names.filter((n) => n.includes(".tmp-")), []);
    deepEqual(names.filter((n) => n.endsWith(".wal")), []);
  });
  await Deno.remove(dir, { recursive: true });
});
