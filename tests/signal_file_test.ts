/**
 * Signal paths are literal and bad files get clear messages (issue 8 items 12 and 15, issue 10
 * "missing signal file"): no glob, no directory merge, no DuckDB SQL in any message.
 */
import { deepStrictEqual as deepEqual, equal, ok, rejects } from "node:assert/strict";
import { readSignal, readSignalTable } from "../lib/signal/mod.ts";
import { duckdbReason } from "../lib/util/literal_file.ts";

const HEADER = "security_id,date_sig,signal\n";

/** Asserts `fn` rejects with a TypeError whose message includes every part and no SQL. */
async function refuses(fn: () => Promise<unknown>, ...parts: string[]): Promise<void> {
  await rejects(fn, (e: Error) => {
    ok(e instanceof TypeError, `${e.name}: ${e.message}`);
    for (const part of parts) ok(e.message.includes(part), `"${part}" not in: ${e.message}`);
    ok(!/SELECT|LINE \d|read_csv|read_parquet/.test(e.message), `SQL leaked: ${e.message}`);
    return true;
  });
}

Deno.test("readSignal() takes paths literally: no glob, no directory merge", async (t) => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a*b.csv`, `${HEADER}A,2024-01-02,1\n`);
  await Deno.writeTextFile(`${dir}/aXb.csv`, `${HEADER}B,2024-01-02,2\n`);
  await Deno.writeTextFile(`${dir}/c[1].csv`, `${HEADER}C,2024-01-02,3\n`);
  await Deno.writeTextFile(`${dir}/c1.csv`, `${HEADER}D,2024-01-02,4\n`);
  await t.step("a name with * reads that one file, not every match", async () => {
    deepEqual((await readSignal(`${dir}/a*b.csv`)).signal.security_id, ["A"]);
    deepEqual((await readSignalTable(`${dir}/a*b.csv`)).columns.security_id, ["A"]);
  });
  await t.step("a name with [ ] reads that file, not the bracket match", async () => {
    deepEqual((await readSignal(`${dir}/c[1].csv`)).signal.security_id, ["C"]);
  });
  await t.step("a glob that names no file is not found (DuckDB would have merged aXb.csv)", async () => {
    await refuses(() => readSignal(`${dir}/a?b.csv`), `signal file ${dir}/a?b.csv not found`);
  });
  await t.step("a directory is refused", async () => {
    await refuses(() => readSignal(dir), `signal file ${dir} is a directory`);
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readSignal() names the file and the problem for missing, empty, binary and mislabelled files", async (t) => {
  const dir = await Deno.makeTempDir();
  await t.step("missing", async () => {
    await refuses(() => readSignal(`${dir}/nope.parquet`), `signal file ${dir}/nope.parquet not found`);
  });
  await t.step("0 bytes", async () => {
    await Deno.writeFile(`${dir}/empty.csv`, new Uint8Array(0));
    await refuses(() => readSignal(`${dir}/empty.csv`), "empty (0 bytes)");
  });
  await t.step("binary data named .csv", async () => {
    await Deno.writeFile(`${dir}/blob.csv`, Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
    await refuses(() => readSignal(`${dir}/blob.csv`), "not a CSV text file", "NUL byte at offset 4");
  });
  await t.step("not UTF-8", async () => {
    // "Aç" in Latin-1: 0xe7 starts no valid UTF-8 sequence here.
    await Deno.writeFile(
      `${dir}/latin1.csv`,
      Uint8Array.from([...new TextEncoder().encode(`${HEADER}A`), 0xe7, 0x0a]),
    );
    await refuses(() => readSignal(`${dir}/latin1.csv`), "not UTF-8 text", "0xe7");
  });
  await t.step("text named .parquet, and Parquet named .csv", async () => {
    await Deno.writeTextFile(`${dir}/text.parquet`, `${HEADER}A,2024-01-02,1\n`);
    await refuses(() => readSignal(`${dir}/text.parquet`), "is not a Parquet file", `"secu"`);
    await Deno.writeFile(`${dir}/real.csv`, new TextEncoder().encode("PAR1\u0000\u0000"));
    await refuses(() => readSignal(`${dir}/real.csv`), "is a Parquet file", "rename it to .parquet");
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("duckdbReason() keeps DuckDB's reason and drops the SQL it quotes", () => {
  // The shape of a DuckDB 1.5 error (copied from a failed read_csv of a missing file).
  const error = new Error(
    "IO Error: No files found that match the pattern \"/x.csv\"\n\nLINE 1: SELECT * FROM read_csv('/x.csv')\n                      ^",
  );
  equal(duckdbReason(error), 'IO Error: No files found that match the pattern "/x.csv"');
  equal(duckdbReason(new Error("Conversion Error: bad value")), "Conversion Error: bad value");
});
