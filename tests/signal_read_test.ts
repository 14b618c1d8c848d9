import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { parseSignal, readSignal, readSignalTable, writeSignal } from "../lib/signal/mod.ts";
import type { Signal } from "../lib/signal/types.ts";

const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
const signal: Signal = {
  security_id: ["B", "A", "C"],
  date_sig: Float64Array.of(day("2024-01-02"), day("2024-01-02"), day("2024-01-03")),
  date_avail: Float64Array.of(day("2024-01-02"), day("2024-01-03"), day("2024-01-04")),
  signal: Float64Array.of(1.5, -0.25, 3),
  signal_name: "toy",
};

Deno.test("writeSignal() then readSignal() round-trips, and the typed path equals the text path", async (t) => {
  const dir = await Deno.makeTempDir();
  for (const ext of ["parquet", "csv"]) {
    await t.step(ext, async () => {
      const path = `${dir}/s.${ext}`;
      await writeSignal(path, signal);
      const fast = await readSignal(path);
      const text = parseSignal(await readSignalTable(path));
      assertEquals(fast.problems, []);
      assertEquals(fast.signal, text.signal);
      assertEquals(fast.rows, text.rows);
      assertEquals(fast.signal.security_id, ["B", "A", "C"]);
      assertEquals(Array.from(fast.signal.signal), [1.5, -0.25, 3]);
      assertEquals(Array.from(fast.signal.date_avail!), Array.from(signal.date_avail!));
      assertEquals(fast.signal.signal_name, "toy");
    });
  }
  await t.step("a file with a bad row falls back to the text path and names the row", async () => {
    const path = `${dir}/bad.csv`;
    await Deno.writeTextFile(path, "security_id,date_sig,signal\nA,2024-01-02,1\nB,2024-01-02,oops\n");
    const parsed = await readSignal(path);
    assert(parsed.problems.some((p) => p.row === 2 && p.column === "signal" && p.kind === "wrong_type"));
  });
  await t.step("a zoned date_avail (TIMESTAMPTZ) is read as its instant", async () => {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    await conn.run(
      `COPY (SELECT 'A' AS security_id, DATE '2024-01-02' AS date_sig,
         TIMESTAMPTZ '2024-01-02 16:30:00+01' AS date_avail, 1.0 AS signal) TO '${dir}/tz.parquet' (FORMAT parquet)`,
    );
    conn.closeSync();
    db.closeSync();
    const { signal: read } = await readSignal(`${dir}/tz.parquet`);
    assertEquals(Array.from(read.date_avail!), [Date.UTC(2024, 0, 2, 15, 30)]); // 16:30 at +01 = 15:30 UTC
  });
  await Deno.remove(dir, { recursive: true });
});
