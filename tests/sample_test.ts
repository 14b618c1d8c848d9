import { deepStrictEqual as deepEqual, equal, ok } from "node:assert/strict";
import { ingestSample, SAMPLE_ID, samplePath } from "../lib/ingest/sample.ts";
import { createSnapshot } from "../lib/snapshot/create.ts";
import { loadPanel } from "../lib/panel/load.ts";
import { isoDate } from "../lib/panel/types.ts";
import { drawdownSeries, maxDrawdown } from "../lib/metrics/core.ts";
import { queryRows } from "../lib/store/db.ts";
import { tempStore } from "./fixtures/foundation/helpers.ts";

// The bundled file (vega-datasets 2.11.0 data/sp500-2000.csv): a header and 5105 data rows
// (`awk 'END{print NR}'` gives 5106 lines; `wc -l` says 5105 because the last line has no newline),
// 2000-01-03 → 2020-04-17. The worst drawdown of the close, by hand from the CSV: peak 2007-10-09
// (close 1565.150024), trough 2009-03-09 (close 676.530029) ⇒ 676.53 / 1565.15 − 1 ≈ −0.56775.
const ROWS = 5105;
const PEAK = { date: "2007-10-09", close: 1565.150024 };
const TROUGH = { date: "2009-03-09", close: 676.530029 };

Deno.test("ingestSample() loads the S&P 500 sample as index SPX; its panel has the 2007-09 drawdown", async (t) => {
  const { dir, store } = await tempStore();
  try {
    await t.step("the file has the rows we expect", async () => {
      const lines = (await Deno.readTextFile(samplePath())).split("\n").filter((l) => l.trim() !== "");
      equal(lines[0], "date,open,high,low,close,adjclose,volume");
      equal(lines.length - 1, ROWS);
    });

    await t.step("ingest: 5105 rows of SPX, asset class index, idempotent", async () => {
      const r = await ingestSample(store);
      equal(r.rows, ROWS);
      equal(r.securities, 1);
      equal(r.dateFormat, "%Y-%m-%d");
      await ingestSample(store); // twice: still one row per date
      deepEqual(
        await queryRows(
          store.conn,
          "SELECT count(*) AS n, min(date)::VARCHAR AS lo, max(date)::VARCHAR AS hi FROM prices WHERE security_id = 'SPX'",
        ),
        [{ n: ROWS, lo: "2000-01-03", hi: "2020-04-17" }],
      );
      deepEqual(
        await queryRows(store.conn, "SELECT security_id, name, industry, asset_class FROM securities"),
        [{ security_id: SAMPLE_ID, name: "S&P 500 index", industry: "Index", asset_class: "index" }],
      );
      // First row as in the file: 2000-01-03 open 1469.25, close 1455.219971, volume 931800000.
      deepEqual(
        await queryRows(store.conn, "SELECT open, close, volume FROM prices ORDER BY date LIMIT 1"),
        [{ open: 1469.25, close: 1455.219971, volume: 931800000 }],
      );
    });

    await t.step("snapshot → panel → maxDrawdown", async () => {
      await createSnapshot(store, "sample", { snapshotsDir: `${dir}/snaps` });
      const equity = await loadPanel({ snapshot: "sample", snapshotsDir: `${dir}/snaps`, fields: ["close"] });
      equal(equity.securityIds.length, 0, "SPX is not an equity");
      const panel = await loadPanel({
        snapshot: "sample",
        snapshotsDir: `${dir}/snaps`,
        fields: ["close", "ret"],
        assetClass: "index",
      });
      deepEqual(panel.securityIds, [SAMPLE_ID]);
      equal(panel.dates.length, ROWS);
      equal(isoDate(panel.dates[0]), "2000-01-03");
      equal(isoDate(panel.dates[ROWS - 1]), "2020-04-17");
      const { ret, close } = panel.fields;

      const mdd = maxDrawdown(ret);
      ok(Math.abs(mdd - (676.53 / 1565.15 - 1)) < 1e-4, `max drawdown ${mdd}`);
      ok(Math.abs(mdd - (TROUGH.close / PEAK.close - 1)) < 1e-12, `max drawdown ${mdd}`);

      const dd = drawdownSeries(ret);
      let trough = 0;
      for (let k = 1; k < dd.length; k++) if (dd[k] < dd[trough]) trough = k;
      let peak = trough;
      while (peak > 0 && dd[peak] < 0) peak--;
      equal(isoDate(panel.dates[trough]), TROUGH.date);
      equal(isoDate(panel.dates[peak]), PEAK.date);
      equal(close[trough], TROUGH.close);
      equal(close[peak], PEAK.close);
    });
  } finally {
    store.close();
  }
});
