/**
 * CSV ingest side by side with DuckDB's own `read_csv` into a table (issue 17 item 1).
 *
 *   deno run -A bench/ingest_csv.ts [--rounds 7] [--csv FILE]
 *
 * The file: the default synthetic universe (500 × 10 years, 1.13 M rows) as a 12-column vendor CSV
 * (security_id, date, open, high, low, close, adj_close, volume, mcap, adv, value, beta; prices to 4
 * decimals), written once to a temp folder unless `--csv` names one.
 * - reference: a fresh DuckDB file, `CREATE TABLE t AS SELECT * FROM read_csv(FILE)` (auto-detected
 *   types), closed (checkpointed), 2 threads;
 * - quantnb: a fresh store, `writeStore(db, (s) => ingestFile(s, FILE))` — typed read, every check,
 *   the upsert, the integrity check, checkpoint and atomic rename.
 * Rounds alternate which goes first; prints the median of each and the median of per-round ratios.
 */
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { openStore } from "../lib/store/db.ts";
import { writeStore } from "../lib/store/write_store.ts";
import { writeTables } from "../lib/store/write.ts";
import { generateUniverse, ingestFile } from "../lib/ingest/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string", default: "7" }, csv: { type: "string" } },
});
const rounds = Number(values.rounds);
const root = await Deno.makeTempDir({ prefix: "quantnb-ingest-bench-" });
const csv = values.csv ?? `${root}/prices12.csv`;

if (!values.csv) {
  console.error("writing the 12-column CSV of the default universe…");
  const store = await openStore(":memory:");
  await writeTables(store, generateUniverse());
  await store.conn.run(`COPY (
      SELECT p.security_id, p.date, round(p.open, 4) AS open, round(p.high, 4) AS high, round(p.low, 4) AS low,
        round(p.close, 4) AS close, round(p.close * 0.97, 4) AS adj_close, p.volume::BIGINT AS volume,
        round(d.mcap) AS mcap, round(d.adv) AS adv, round(d.value, 6) AS value, round(d.beta, 6) AS beta
      FROM prices p LEFT JOIN descriptors d USING (security_id, date) ORDER BY p.security_id, p.date)
    TO '${csv}' (HEADER, DELIMITER ',')`);
  store.close();
}
const size = (await Deno.stat(csv)).size;

async function reference(k: number): Promise<number> {
  const started = performance.now();
  const instance = await DuckDBInstance.create(`${root}/ref-${k}.duckdb`, { threads: "2" });
  const conn = await instance.connect();
  await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv('${csv}')`);
  conn.closeSync();
  instance.closeSync();
  return performance.now() - started;
}

async function quantnb(k: number): Promise<number> {
  const started = performance.now();
  const r = await writeStore(`${root}/q-${k}.duckdb`, (store) => ingestFile(store, csv));
  const ms = performance.now() - started;
  if (r.rows < 1_000_000) throw new Error(`expected > 1M rows, loaded ${r.rows}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
await quantnb(-1); // warm-up: module and DuckDB extension loading
await reference(-1);
const refs: number[] = [], ours: number[] = [], ratios: number[] = [];
for (let k = 0; k < rounds; k++) {
  let r: number, q: number;
  if (k % 2 === 0) [r, q] = [await reference(k), await quantnb(k)];
  else [q, r] = [await quantnb(k), await reference(k)];
  refs.push(r);
  ours.push(q);
  ratios.push(q / r);
  console.error(
    `round ${k + 1}: DuckDB read_csv ${r.toFixed(0)} ms, quantnb ${q.toFixed(0)} ms, ratio ${
      (q / r).toFixed(2)
    }`,
  );
  await Deno.remove(`${root}/ref-${k}.duckdb`).catch(() => {});
  await Deno.remove(`${root}/q-${k}.duckdb`).catch(() => {});
}
console.log(
  `CSV ${(size / 2 ** 20).toFixed(0)} MB: DuckDB read_csv median ${
    (median(refs) / 1000).toFixed(2)
  } s, quantnb ingest median ${(median(ours) / 1000).toFixed(2)} s, median ratio ${
    median(ratios).toFixed(2)
  } (${rounds} rounds)`,
);
await Deno.remove(root, { recursive: true });
