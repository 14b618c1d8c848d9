/**
 * `deno task backtest` on a real snapshot: a backtest that trades no day is an error, not a result
 * (issue 8 item 10), and the lookahead check runs at the lag asked for (item 2).
 */
import { deepStrictEqual as deepEqual, equal, ok } from "node:assert/strict";
import { generateUniverse } from "../lib/ingest/synthetic.ts";
import { createSnapshot } from "../lib/snapshot/mod.ts";
import { writeTables } from "../lib/store/write.ts";
import { loadPanel } from "../lib/panel/load.ts";
import { type Signal, writeSignal } from "../lib/signal/mod.ts";
import { main } from "../lib/cli/backtest.ts";
import { capture, tempStore } from "./fixtures/foundation/helpers.ts";

Deno.test("deno task backtest: 0 traded days is an error; a leak is refused at the lag used", async (t) => {
  const { dir, store } = await tempStore();
  await writeTables(store, generateUniverse({ nSecurities: 30, years: 1, seed: 9, start: "2014-01-02" }), {
    source: "synthetic",
    params: {},
  });
  await createSnapshot(store, "s", { snapshotsDir: `${dir}/snaps` });
  store.close();
  const panel = await loadPanel({ snapshot: "s", snapshotsDir: `${dir}/snaps`, fields: ["ret"] });
  const nT = panel.dates.length, nS = panel.securityIds.length, ret = panel.fields.ret;
  /** A signal on the first `names` securities whose value at date t is ret[t + lead] (0 = known). */
  const signal = (names: number, lead: number): Signal => {
    const rows = { security_id: [] as string[], date_sig: [] as number[], signal: [] as number[] };
    for (let t = 1; t + lead < nT; t++) {
      for (let i = 0; i < names; i++) {
        const v = ret[(t + lead) * nS + i];
        if (!Number.isFinite(v)) continue;
        rows.security_id.push(panel.securityIds[i]);
        rows.date_sig.push(panel.dates[t]);
        rows.signal.push(v);
      }
    }
    return { ...rows, date_sig: Float64Array.from(rows.date_sig), signal: Float64Array.from(rows.signal) };
  };
  const args = (file: string, ...more: string[]) => [
    "--snapshot",
    "s",
    "--snapshots",
    `${dir}/snaps`,
    "--signal",
    `${dir}/${file}`,
    ...more,
  ];
  await t.step("5 names a day never reach --mincos 10: exit 1 saying why", async () => {
    await writeSignal(`${dir}/thin.parquet`, signal(5, 0));
    const r = await capture(() => main(args("thin.parquet")));
    equal(r.code, 1, r.out);
    equal(r.out, "");
    ok(r.err.startsWith(`error: the backtest of ${dir}/thin.parquet traded 0 days: on all 250 dates`), r.err);
    ok(r.err.includes("fewer than --mincos 10 names had a value"), r.err);
    // 5 names at deciles 10/90 leave the long leg empty: quintiles with --mincos 2 trade every day.
    const enough = await capture(() =>
      main(args("thin.parquet", "--mincos", "2", "--fractile", "5", "--json"))
    );
    equal(enough.code, 0, enough.err);
    ok(JSON.parse(enough.out).summary.overall.n_days > 200);
  });
  await t.step("a 2-day-ahead leak is refused at --lag 1 (what it would earn), not at --lag 0", async () => {
    await writeSignal(`${dir}/ahead.parquet`, signal(nS, 2));
    const lag1 = await capture(() => main(args("ahead.parquet", "--lag", "1")));
    equal(lag1.code, 2);
    ok(lag1.err.includes("lookahead_suspected") && lag1.err.includes("earned at lag 1"), lag1.err);
    const lag0 = await capture(() => main(args("ahead.parquet", "--lag", "0", "--json")));
    equal(lag0.code, 0, lag0.err);
    ok(Math.abs(JSON.parse(lag0.out).ic.mean) < 0.1); // at lag 0 it earns ret[t + 1]: noise
  });
  deepEqual((await Deno.stat(`${dir}/snaps/s`)).isDirectory, true);
  await Deno.remove(dir, { recursive: true });
});
