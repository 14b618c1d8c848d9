import { deepStrictEqual as deepEqual, equal, rejects } from "node:assert/strict";
import { join } from "node:path";
import { createSnapshot } from "../lib/snapshot/create.ts";
import { contentHash } from "../lib/snapshot/verify.ts";
import { asOf, loadSeries, readSeries } from "../lib/panel/series.ts";
import { writeTables } from "../lib/store/write.ts";
import { isoDate } from "../lib/panel/types.ts";
import { handTables, tempStore } from "./fixtures/foundation/helpers.ts";

const d = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** Two securities, plus a daily CDI (BCB series 12 style, % per day) and an index level series. */
function tables() {
  return {
    ...handTables([["AAA", "2024-01-02", 10], ["AAA", "2024-01-03", 11], ["BBB", "2024-01-03", 20]]),
    series: {
      series_id: ["CDI", "CDI", "CDI", "IBOV"],
      date: Float64Array.of(d("2024-01-02"), d("2024-01-03"), d("2024-01-05"), d("2024-01-02")),
      value: Float64Array.of(0.043739, 0.043739, 0.043739, 134_185),
    },
    series_info: [
      {
        series_id: "CDI",
        name: "CDI daily rate",
        kind: "rate" as const,
        unit: "percent_per_day" as const,
        source: "test",
      },
      { series_id: "IBOV", name: "Ibovespa", kind: "index" as const, unit: "level" as const, source: "test" },
    ],
  };
}

Deno.test("series: stored, snapshotted whole (also in a top-N snapshot), read back and put on dates", async (t) => {
  const { store, dir } = await tempStore();
  const snaps = join(dir, "snaps");
  try {
    const counts = await writeTables(store, tables(), { source: "test", params: {} });
    equal(counts.series, 4);
    equal(counts.series_info, 2);
    await createSnapshot(store, "top1", { snapshotsDir: snaps, top: 1 });

    await t.step("readSeries() from the store: info and values in date order, window inclusive", async () => {
      const cdi = await readSeries(store.conn, "CDI", { end: "2024-01-03" });
      deepEqual(
        { kind: cdi.kind, unit: cdi.unit, name: cdi.name, dates: Array.from(cdi.dates, isoDate) },
        {
          kind: "rate",
          unit: "percent_per_day",
          name: "CDI daily rate",
          dates: ["2024-01-02", "2024-01-03"],
        },
      );
      deepEqual(Array.from(cdi.values), [0.043739, 0.043739]);
    });
    await t.step("a lightweight snapshot keeps every series (they belong to no security)", async () => {
      const ibov = await loadSeries({ snapshot: "top1", snapshotsDir: snaps, id: "IBOV" });
      deepEqual(Array.from(ibov.values), [134_185]);
      const cdi = await loadSeries({ snapshot: "top1", snapshotsDir: snaps, id: "CDI" });
      equal(cdi.values.length, 3);
    });
    await t.step("an unknown id names the series available", async () => {
      await rejects(readSeries(store.conn, "SELIC"), /unknown series "SELIC"; series available: CDI, IBOV/);
    });
  } finally {
    store.close();
  }
});

Deno.test("asOf() carries the last value on or before each date, NaN before the first", () => {
  const series = { dates: Float64Array.of(d("2024-01-02"), d("2024-01-05")), values: Float64Array.of(1, 2) };
  const on = Float64Array.of(
    d("2024-01-01"),
    d("2024-01-02"),
    d("2024-01-03"),
    d("2024-01-05"),
    d("2024-01-08"),
  );
  deepEqual(Array.from(asOf(series, on)), [NaN, 1, 1, 2, 2]);
});

Deno.test("a snapshot taken before series existed opens with empty series tables", async () => {
  const { store, dir } = await tempStore();
  const snaps = join(dir, "snaps");
  try {
    await writeTables(store, tables(), { source: "test", params: {} });
    const manifest = await createSnapshot(store, "old", { snapshotsDir: snaps });
    // Make it look like a snapshot written before the series tables: drop their files from the manifest.
    const path = join(snaps, "old", "manifest.json");
    const old = JSON.parse(await Deno.readTextFile(path));
    delete old.files["series.parquet"];
    delete old.files["series_info.parquet"];
    // … and, as such snapshots were written, unsealed (no manifest_hash), its hash over its own files.
    delete old.manifest_hash;
    old.hash = await contentHash(old);
    await Deno.remove(join(snaps, "old", "series.parquet"));
    await Deno.remove(join(snaps, "old", "series_info.parquet"));
    await Deno.writeTextFile(path, JSON.stringify(old));
    equal(manifest.rows.series, 4);
    await rejects(
      loadSeries({ snapshot: "old", snapshotsDir: snaps, id: "CDI" }),
      /none \(ingest one first\)/,
    );
  } finally {
    store.close();
  }
});
