import { assertAllClose } from "./_assert.ts";
import { deepStrictEqual as deepEqual, equal, ok, rejects } from "node:assert/strict";
import { createSnapshot } from "../lib/snapshot/create.ts";
import { loadPanel, PANEL_FIELDS, type PanelQuery, readPanel } from "../lib/panel/load.ts";
import { isoDate, type Panel } from "../lib/panel/types.ts";
import { writeTables } from "../lib/store/write.ts";
import { handTables, tempStore } from "./fixtures/foundation/helpers.ts";
import { isShared } from "../lib/util/shared.ts";

const N = NaN;

/**
 * Five trading days, rows deliberately out of id order:
 * - BBB: 20, 21, (no row on 01-04), 22, 22; dividend D = 1 ex 2024-01-08 on close_prev 22.
 * - AAA: 10, 11, 12, 6.5, 7.8; 2-for-1 split ex 2024-01-05.
 * - CCC: listed late, 30, 33, 29.7 from 2024-01-04.
 * - IDX: an index, 100 … 104.
 */
const TABLES = handTables(
  [
    ["BBB", "2024-01-02", 20],
    ["BBB", "2024-01-03", 21],
    ["BBB", "2024-01-05", 22],
    ["BBB", "2024-01-08", 22],
    ["AAA", "2024-01-02", 10],
    ["AAA", "2024-01-03", 11],
    ["AAA", "2024-01-04", 12],
    ["AAA", "2024-01-05", 6.5],
    ["AAA", "2024-01-08", 7.8],
    ["CCC", "2024-01-04", 30],
    ["CCC", "2024-01-05", 33],
    ["CCC", "2024-01-08", 29.7],
    ["IDX", "2024-01-02", 100],
    ["IDX", "2024-01-03", 101],
    ["IDX", "2024-01-04", 102],
    ["IDX", "2024-01-05", 103],
    ["IDX", "2024-01-08", 104],
  ],
  {
    indexes: ["IDX"],
    industries: { AAA: "Tech", BBB: "Energy", CCC: "Health", IDX: "Index" },
    actions: [["AAA", "2024-01-05", "split", 2], ["BBB", "2024-01-08", "dividend", 1]],
    descriptors: [
      ["AAA", "2024-01-02", 1e9, 5e6, 0.5, 1.1],
      ["CCC", "2024-01-05", 3e9, 7e6, -0.2, 0.9],
    ],
  },
);

const DATES = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"];

const dates = (p: Panel) => Array.from(p.dates, isoDate);

Deno.test("readPanel() builds a dense date × security panel", async (t) => {
  const { store } = await tempStore();
  try {
    await writeTables(store, TABLES);
    const panel = await readPanel(store.conn);

    await t.step("shape T×N, sorted securities, industries, every field", () => {
      deepEqual(dates(panel), DATES);
      deepEqual(panel.securityIds, ["AAA", "BBB", "CCC"]);
      deepEqual(panel.industries, ["Tech", "Energy", "Health"]);
      deepEqual(Object.keys(panel.fields), [...PANEL_FIELDS]);
      for (const name of PANEL_FIELDS) equal(panel.fields[name].length, 5 * 3, name);
      equal(panel.periodsPerYear, 252);
    });

    await t.step("raw close with NaN for missing rows and before listing", () => {
      // Rows are dates, columns AAA, BBB, CCC.
      // deno-fmt-ignore
      assertAllClose(panel.fields.close, [
        10, 20, N,
        11, 21, N,
        12, N, 30,
        6.5, 22, 33,
        7.8, 22, 29.7,
      ], 1e-12, "close");
      // deno-fmt-ignore
      assertAllClose(panel.fields.volume, [
        1000, 1000, N,
        1000, 1000, N,
        1000, N, 1000,
        1000, 1000, 1000,
        1000, 1000, 1000,
      ], 1e-12, "volume");
    });

    await t.step("ret is the adjusted close-to-close return", () => {
      // AAA: adj closes 5, 5.5, 6, 6.5, 7.8 ⇒ 0.1, 6/5.5 − 1, 6.5/6 − 1, 0.2 (raw 6.5/12 − 1 ≈ −46%).
      // BBB: measured from its last close across the gap: 22/21 − 1 on 01-05; 22/(22 − 1) − 1 = 1/21 on 01-08.
      // CCC: NaN on its listing day, then 0.1 and −0.1.
      // deno-fmt-ignore
      assertAllClose(panel.fields.ret, [
        N, N, N,
        0.1, 0.05, N,
        6 / 5.5 - 1, N, N,
        6.5 / 6 - 1, 22 / 21 - 1, 0.1,
        0.2, 1 / 21, 29.7 / 33 - 1,
      ], 1e-12, "ret");
      // adj_close: AAA halved before 01-05; BBB × 21/22 before 01-08.
      const f = 21 / 22;
      assertAllClose(
        panel.fields.adj_close,
        [5, 20 * f, N, 5.5, 21 * f, N, 6, N, 30, 6.5, 22 * f, 33, 7.8, 22, 29.7],
        1e-12,
        "adj_close",
      );
      // open = close in the fixture ⇒ ret_oc = 0 wherever there is a row.
      assertAllClose(panel.fields.ret_oc, [0, 0, N, 0, 0, N, 0, N, 0, 0, 0, 0, 0, 0, 0], 1e-12, "ret_oc");
    });

    await t.step("descriptor fields, NaN where absent", () => {
      assertAllClose(panel.fields.mcap, [1e9, N, N, N, N, N, N, N, N, N, N, 3e9, N, N, N], 1e-12, "mcap");
      assertAllClose(panel.fields.value, [0.5, N, N, N, N, N, N, N, N, N, N, -0.2, N, N, N], 1e-12, "value");
      assertAllClose(panel.fields.beta, [1.1, N, N, N, N, N, N, N, N, N, N, 0.9, N, N, N], 1e-12, "beta");
    });
  } finally {
    store.close();
  }
});

Deno.test("readPanel() filters dates, securities, fields and asset class", async (t) => {
  const { store } = await tempStore();
  try {
    await writeTables(store, TABLES);
    await t.step("start/end are inclusive", async () => {
      const p = await readPanel(store.conn, {
        fields: ["close", "ret"],
        start: "2024-01-04",
        end: "2024-01-05",
      });
      deepEqual(dates(p), ["2024-01-04", "2024-01-05"]);
      deepEqual(Object.keys(p.fields), ["close", "ret"]);
      assertAllClose(p.fields.close, [12, N, 30, 6.5, 22, 33], 1e-12, "close");
      // Split ex 01-05 inside the window: 6.5·2/12 − 1.
      assertAllClose(p.fields.ret.subarray(3, 4), [13 / 12 - 1], 1e-12, "AAA ret 01-05");
    });
    await t.step("a security list keeps its order sorted and the dates it trades", async () => {
      const p = await readPanel(store.conn, { fields: ["close"], securities: ["CCC", "AAA"] });
      deepEqual(p.securityIds, ["AAA", "CCC"]);
      deepEqual(dates(p), DATES);
      const c = await readPanel(store.conn, { fields: ["close"], securities: ["CCC"] });
      deepEqual(dates(c), ["2024-01-04", "2024-01-05", "2024-01-08"]);
      assertAllClose(c.fields.close, [30, 33, 29.7], 1e-12, "CCC close");
      const none = await readPanel(store.conn, { fields: ["close"], securities: [] });
      deepEqual([none.securityIds.length, none.dates.length], [0, 0]);
    });
    await t.step("the index is excluded by default and loads with assetClass index", async () => {
      const equity = await readPanel(store.conn, { fields: ["close"] });
      ok(!equity.securityIds.includes("IDX"));
      const p = await readPanel(store.conn, { fields: ["close", "ret"], assetClass: "index" });
      deepEqual(p.securityIds, ["IDX"]);
      deepEqual(dates(p), DATES);
      assertAllClose(p.fields.close, [100, 101, 102, 103, 104], 1e-12, "IDX close");
      assertAllClose(p.fields.ret, [N, 0.01, 1 / 101, 1 / 102, 1 / 103], 1e-12, "IDX ret");
    });
    await t.step("bad queries are refused", async () => {
      await rejects(readPanel(store.conn, { fields: ["close", "colour"] }), /unknown panel field "colour"/);
      await rejects(
        readPanel(store.conn, { start: "2024-1-4" }),
        /expected a date as YYYY-MM-DD, found "2024-1-4"/,
      );
    });
  } finally {
    store.close();
  }
});

Deno.test("loadPanel() reads a snapshot like readPanel() reads the store", async () => {
  const { dir, store } = await tempStore();
  try {
    await writeTables(store, TABLES);
    await createSnapshot(store, "hand", { snapshotsDir: `${dir}/snaps` });
    const query = { fields: ["close", "ret", "mcap"], start: "2024-01-03" };
    const fromSnapshot = await loadPanel({ snapshot: "hand", snapshotsDir: `${dir}/snaps`, ...query });
    deepEqual(fromSnapshot, await readPanel(store.conn, query));
    deepEqual(fromSnapshot.securityIds, ["AAA", "BBB", "CCC"]);
    equal(fromSnapshot.dates.length, 4);
    await rejects(
      loadPanel({ snapshot: "missing", snapshotsDir: `${dir}/snaps` }),
      /snapshot "missing" not found/,
    );
  } finally {
    store.close();
  }
});

Deno.test("readPanel() with a start date keeps the first day's return (the prior close is loaded)", async () => {
  const { store } = await tempStore();
  try {
    await writeTables(store, TABLES);
    const panel = await readPanel(store.conn, { fields: ["close", "ret"], start: "2024-01-05" });
    deepEqual(dates(panel), ["2024-01-05", "2024-01-08"]);
    // AAA on 01-05: split 2:1, 6.5·2/12 − 1; BBB: 22/21 − 1 (no row on 01-04); CCC: 33/30 − 1.
    assertAllClose(
      panel.fields.ret.subarray(0, 3),
      [6.5 * 2 / 12 - 1, 22 / 21 - 1, 33 / 30 - 1],
      1e-12,
      "ret on the start day",
    );
    assertAllClose(panel.fields.close.subarray(0, 3), [6.5, 22, 33], 1e-12, "close on the start day");
  } finally {
    store.close();
  }
});

Deno.test("readPanel() returns: 'stored' reads the prices table's own ret column (vendor returns) as given", async (t) => {
  const { dir, store } = await tempStore();
  try {
    await writeTables(store, TABLES);
    await t.step("without a ret column the option is refused, naming the columns present", async () => {
      await rejects(
        readPanel(store.conn, { fields: ["ret"], returns: "stored" }),
        /returns: "stored" needs a "ret" column in prices; columns present: security_id, date, open/,
      );
      await rejects(
        readPanel(store.conn, { fields: ["ret"], returns: "vendor" as "stored" }),
        /"adjusted" or "stored"/,
      );
    });
    // Vendor returns for AAA that ignore the split (a vendor's own convention) and one NULL day for BBB.
    await store.conn.run("ALTER TABLE prices ADD COLUMN ret DOUBLE");
    await store.conn.run(`UPDATE prices SET ret = CASE
      WHEN security_id = 'AAA' THEN 0.001 * extract(day FROM date)
      WHEN security_id = 'BBB' AND date = DATE '2024-01-03' THEN NULL
      ELSE 0.5 END`);
    await t.step("ret is exactly the stored values on the grid; close is untouched", async () => {
      const p = await readPanel(store.conn, { fields: ["close", "ret"], returns: "stored" });
      // Rows: dates 01-02 … 01-08; columns AAA, BBB, CCC. AAA: 0.001 × day; BBB: 0.5 but NULL on
      // 01-03 and no row on 01-04; CCC: 0.5 from its listing day 01-04.
      // deno-fmt-ignore
      assertAllClose(p.fields.ret, [
        0.002, 0.5, N,
        0.003, N, N,
        0.004, N, 0.5,
        0.005, 0.5, 0.5,
        0.008, 0.5, 0.5,
      ], 0, "stored ret");
      assertAllClose(
        p.fields.close,
        [10, 20, N, 11, 21, N, 12, N, 30, 6.5, 22, 33, 7.8, 22, 29.7],
        0,
        "close",
      );
    });
    await t.step("the default still derives ret from adjusted closes", async () => {
      const p = await readPanel(store.conn, { fields: ["ret"] });
      assertAllClose(p.fields.ret.subarray(3, 6), [0.1, 0.05, N], 1e-12, "derived ret on 01-03");
    });
    await t.step(
      "a window needs no prior close, and other derived fields still come from prices",
      async () => {
        const p = await readPanel(store.conn, {
          fields: ["ret", "adj_close"],
          returns: "stored",
          start: "2024-01-05",
        });
        deepEqual(dates(p), ["2024-01-05", "2024-01-08"]);
        assertAllClose(p.fields.ret, [0.005, 0.5, 0.5, 0.008, 0.5, 0.5], 0, "stored ret in the window");
        assertAllClose(p.fields.adj_close, [6.5, 22 * (21 / 22), 33, 7.8, 22, 29.7], 1e-12, "adj_close");
      },
    );
    await t.step("a snapshot carries the column, and loadPanel() reads it", async () => {
      await createSnapshot(store, "vendor", { snapshotsDir: `${dir}/snaps` });
      const p = await loadPanel({
        snapshot: "vendor",
        snapshotsDir: `${dir}/snaps`,
        fields: ["ret"],
        returns: "stored",
      });
      assertAllClose(p.fields.ret.subarray(0, 3), [0.002, 0.5, N], 0, "first date");
    });
  } finally {
    store.close();
  }
});

Deno.test("loadPanel() matrices live in shared memory (workers read them without a copy)", async () => {
  const { store } = await tempStore();
  try {
    await writeTables(store, TABLES);
    const p = await readPanel(store.conn, { fields: ["close", "ret", "mcap"], start: "2024-01-03" });
    for (const [name, matrix] of Object.entries(p.fields)) ok(isShared(matrix), name);
  } finally {
    store.close();
  }
});

Deno.test("readPanel() with parquet files places rows by each security's run, and joins where it cannot", async (t) => {
  const { dir, store } = await tempStore();
  try {
    await writeTables(store, TABLES);
    /** The store's `table` copied to a Parquet file in `order`, with closes × `scale`. */
    const copy = async (table: string, order: string, scale = 1) => {
      const path = `${dir}/${table}_${order.replace(/\W+/g, "_")}_${scale}.parquet`;
      const select = table === "prices" ? `* REPLACE (close * ${scale} AS close)` : "*";
      await store.conn.run(
        `COPY (SELECT ${select} FROM ${table} ORDER BY ${order}) TO '${path}' (FORMAT parquet)`,
      );
      return path;
    };
    await t.step(
      "copies in key order give the joined panel: windows, subsets, descriptors, indexes",
      async () => {
        const parquet = {
          prices: { path: await copy("prices", "security_id, date") },
          descriptors: { path: await copy("descriptors", "security_id, date") },
        };
        for (
          const query of [
            {},
            { start: "2024-01-04" },
            { end: "2024-01-04", fields: ["close", "ret", "mcap", "beta"] },
            { fields: ["mcap", "adv"], start: "2024-01-03", end: "2024-01-05" },
            { securities: ["AAA", "BBB"] },
            { securities: [] },
            { assetClass: "index" as const, fields: ["close", "ret"] },
          ]
        ) {
          deepEqual(
            await readPanel(store.conn, query, { parquet }),
            await readPanel(store.conn, query),
            JSON.stringify(query),
          );
        }
      },
    );
    await t.step("closes × 2 in the file show which source was read", async () => {
      // The store's closes (the joined panel) against the file's doubled ones: a file grouped by
      // security with ascending days is placed by its runs (whatever the order of the groups); one
      // in date order, or with descending days, falls back to the join on the store's table, as does
      // a panel whose securities hold under half the rows (CCC: 3 of the 17 price rows).
      const closes = async (order: string, query: PanelQuery = {}) =>
        Array.from(
          (await readPanel(store.conn, { ...query, fields: ["close"] }, {
            parquet: { prices: { path: await copy("prices", order, 2) } },
          })).fields.close,
        );
      const stored = async (query: PanelQuery = {}) =>
        Array.from((await readPanel(store.conn, { ...query, fields: ["close"] })).fields.close);
      const doubled = (x: number[]) => x.map((v) => v * 2);
      deepEqual(await closes("security_id, date"), doubled(await stored()));
      deepEqual(await closes("security_id DESC, date"), doubled(await stored()));
      deepEqual(
        await closes("security_id, date", { end: "2024-01-04" }),
        doubled(await stored({ end: "2024-01-04" })),
      );
      deepEqual(await closes("date, security_id"), await stored());
      deepEqual(await closes("security_id, date DESC"), await stored());
      deepEqual(
        await closes("security_id, date", { securities: ["CCC"] }),
        await stored({ securities: ["CCC"] }),
      );
      deepEqual(await closes("security_id, date", { securities: ["CCC"] }), [30, 33, 29.7]); // its 3 days
    });
  } finally {
    store.close();
  }
});

Deno.test("loadPanel() keeps a snapshot's DuckDB instance yet verifies every load and follows a rewritten snapshot", async (t) => {
  const { dir, store } = await tempStore();
  const snaps = `${dir}/snaps`;
  try {
    await writeTables(store, TABLES);
    await createSnapshot(store, "hand", { snapshotsDir: snaps });
    const query = { snapshot: "hand", snapshotsDir: snaps, fields: ["close", "ret", "mcap"] };
    const first = await loadPanel(query);
    deepEqual(first, await readPanel(store.conn, { fields: query.fields }));
    await t.step(
      "a snapshot rewritten under the same id is read anew (closes × 10 in the store)",
      async () => {
        await Deno.remove(`${snaps}/hand`, { recursive: true });
        await store.conn.run("UPDATE prices SET close = close * 10");
        await createSnapshot(store, "hand", { snapshotsDir: snaps });
        const again = await loadPanel(query);
        deepEqual(Array.from(again.fields.close), Array.from(first.fields.close, (v) => v * 10));
        deepEqual(again, await readPanel(store.conn, { fields: query.fields }));
      },
    );
    await t.step(
      "a file rewritten after a load is still refused, and the restored file is read",
      async () => {
        const path = `${snaps}/hand/prices.parquet`;
        const original = await Deno.readFile(path);
        await store.conn.run(
          `COPY (SELECT * REPLACE (close * 3 AS close) FROM read_parquet('${path}')) TO '${path}.tmp' (FORMAT parquet)`,
        );
        await Deno.rename(`${path}.tmp`, path);
        await rejects(loadPanel(query), /prices\.parquet/);
        await Deno.writeFile(path, original);
        deepEqual(
          Array.from((await loadPanel(query)).fields.close),
          Array.from(first.fields.close, (v) => v * 10),
        );
      },
    );
    await t.step(
      "concurrent loads of one snapshot share its instance, each on its own connections",
      async () => {
        // Each load creates its own temp panel_sec: a subset and the full panel at once must not mix.
        const subset = { ...query, securities: ["BBB"] };
        const [all, one] = await Promise.all([loadPanel(query), loadPanel(subset)]);
        deepEqual(all, await readPanel(store.conn, { fields: query.fields }));
        deepEqual(one, await readPanel(store.conn, { fields: query.fields, securities: ["BBB"] }));
        deepEqual(one.securityIds, ["BBB"]);
      },
    );
    await t.step("more snapshots than instances kept, loaded in turn, each read its own window", async () => {
      const windows = [{ start: "2024-01-03" }, { end: "2024-01-04" }, {
        start: "2024-01-04",
        end: "2024-01-05",
      }];
      for (const [k, window] of windows.entries()) {
        await createSnapshot(store, `w${k}`, { snapshotsDir: snaps, ...window });
      }
      for (const k of [0, 1, 2, 0, 2, 1]) {
        const p = await loadPanel({ snapshot: `w${k}`, snapshotsDir: snaps, fields: ["close", "mcap"] });
        deepEqual(p, await readPanel(store.conn, { fields: ["close", "mcap"], ...windows[k] }), `w${k}`);
      }
    });
  } finally {
    store.close();
  }
});
