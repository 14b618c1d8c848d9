/**
 * `deno task portfolio` end to end: a returns file and recorded runs as inputs, the comparison and
 * stability tables against the library's own `comparePortfolios`, the recorded run's files, reuse,
 * and one clear message per bad input. Streams: the 8 columns of
 * tests/fixtures/portfolio/construct_reference.json on weekdays from 2021-01-04.
 */
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { main } from "../lib/cli/portfolio.ts";
import { comparePortfolios, readReturnsFile, streamsFromRuns } from "../lib/portfolio/construct/mod.ts";
import { isoDate } from "../lib/panel/types.ts";
import { listRuns, readTableParquet, recordRun } from "../lib/track/mod.ts";
import { capture } from "./fixtures/capture.ts";
import { assertAllClose } from "./_assert.ts";

const ref = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/portfolio/construct_reference.json", import.meta.url)),
);

function weekdays(n: number): number[] {
  const out: number[] = [];
  for (let d = Date.UTC(2021, 0, 4); out.length < n; d += 86_400_000) {
    if (![0, 6].includes(new Date(d).getUTCDay())) out.push(d);
  }
  return out;
}

Deno.test("deno task portfolio", async (t) => {
  const dir = await Deno.makeTempDir();
  const dates = weekdays(ref.returns.length);
  const csv = [
    "date,a,b,c,d",
    ...ref.returns.map((r: number[], k: number) => [isoDate(dates[k]), ...r.slice(0, 4)].join(",")),
  ];
  await Deno.writeTextFile(`${dir}/streams.csv`, csv.join("\n") + "\n");
  const args = ["--returns", `${dir}/streams.csv`, "--lookback", "60", "--runs", `${dir}/runs`];

  await t.step("--json compares the methods exactly as the library does and records the run", async () => {
    const { code, out, err } = await capture(() =>
      main([...args, "--methods", "inverse_vol,erc,hrp", "--json"])
    );
    assertEquals(code, 0, err);
    const json = JSON.parse(out);
    const streams = await readReturnsFile(`${dir}/streams.csv`);
    assertEquals(streams.names, ["a", "b", "c", "d"]);
    const lib = comparePortfolios(streams, { methods: ["inverse_vol", "erc", "hrp"], lookback: 60 });
    assertEquals(json.comparison.map((r: { sharpe: number }) => r.sharpe), lib.rows.map((r) => r.sharpe));
    assertEquals(json.stability.map((r: { lookback: number }) => r.lookback), [
      30,
      60,
      120,
      30,
      60,
      120,
      30,
      60,
      120,
    ]);
    assertEquals(json.stability.find((r: { lookback: number }) => r.lookback === 60).weight_distance, 0);
    const runDir = `${dir}/runs/${json.run_id}`;
    const files = [...Deno.readDirSync(runDir)].map((e) => e.name).sort();
    assertEquals(files, [
      "comparison.parquet",
      "daily.parquet",
      "report.html",
      "run.json",
      "stability.parquet",
      "weights.parquet",
    ]);
    const weights = await readTableParquet(`${runDir}/weights.parquet`);
    const hrp = lib.portfolios[2];
    const last = (weights.method as string[]).map((m, i) => [m, i] as const).filter(([m]) => m === "hrp")
      .slice(-4).map(([, i]) => (weights.weight as Float64Array)[i]);
    assertAllClose(last, hrp.weights.subarray(hrp.weights.length - 4), 0);
    const html = await Deno.readTextFile(`${runDir}/report.html`);
    assert(html.includes("Stability across lookbacks") && html.includes("Risk contributions"));
  });

  await t.step("an identical rerun is reused", async () => {
    const { code, out } = await capture(() => main([...args, "--methods", "inverse_vol,erc,hrp"]));
    assertEquals(code, 0);
    assert(out.includes("reused"), out);
    assertEquals((await listRuns({ runsDir: `${dir}/runs` })).length, 1);
  });

  await t.step(
    "recorded runs are streams: their dates united, a missing day inside a run's span is flat",
    async () => {
      const runs: { run_id: string }[] = [];
      for (const [name, skip] of [["one", 5], ["two", 7]] as const) {
        const keep = dates.map((_, k) => k).filter((k) => k % skip !== 3);
        runs.push(
          await recordRun({
            experiment: name,
            kind: "backtest",
            tags: {},
            params: { name },
            metrics: {},
            inputHash: "",
            daily: {
              date: Float64Array.from(keep, (k) => dates[k]),
              net: Float64Array.from(keep, (k) => ref.returns[k][name === "one" ? 0 : 1]),
            },
          }, { runsDir: `${dir}/runs` }),
        );
      }
      const streams = await streamsFromRuns(runs.map((r) => r.run_id), { runsDir: `${dir}/runs` });
      // Days k ≡ 3 (mod 5) are missing from "one", k ≡ 3 (mod 7) from "two", k ≡ 3 (mod 35) from both.
      assertEquals(streams.dates.length, dates.length - dates.filter((_, k) => k % 35 === 3).length);
      const at = (k: number) => Array.from(streams.dates).indexOf(dates[k]);
      assertEquals(at(3), -1);
      assertEquals(streams.returns[at(8) * 2 + 0], 0); // missing from "one" only: flat
      assertEquals(streams.returns[at(8) * 2 + 1], ref.returns[8][1]);
      assertEquals(streams.returns[at(10) * 2 + 1], 0); // missing from "two" only: flat
      assertEquals(streams.returns[at(4) * 2 + 0], ref.returns[4][0]);
      const { code, out, err } = await capture(() =>
        main([
          "--run-ids",
          runs.map((r) => r.run_id).join(","),
          "--methods",
          "erc",
          "--lookback",
          "60",
          "--runs",
          `${dir}/runs`,
          "--json",
        ])
      );
      assertEquals(code, 0, err);
      assertEquals(JSON.parse(out).streams.length, 2);
    },
  );

  await t.step("bad input gets one clear message", async () => {
    const cases: [string[], number, RegExp][] = [
      [["--returns", `${dir}/streams.csv`, "--run-ids", "x"], 2, /one of the two/],
      [[...args, "--methods", "erc,magic"], 2, /unknown method "magic"/],
      [["--returns", `${dir}/missing.csv`], 1, /missing\.csv: returns file not found/],
      [
        [...args.slice(0, 2), "--lookback", "900", "--runs", `${dir}/runs`],
        1,
        /lookback of 900 bars is longer than the data \(300 bars\)/,
      ],
      [[...args, "--methods", "regime", "--force"], 1, /regime-conditional weights need a benchmark/],
      [[...args, "--rebalance", "fortnightly"], 1, /rebalance schedule must be one of/],
    ];
    for (const [a, want, message] of cases) {
      const { code, err } = await capture(() => main(a));
      assertEquals(code, want, err);
      assert(message.test(err), err);
    }
    await Deno.writeTextFile(`${dir}/bad.csv`, "date,a\n2021-01-04,0.1\n2021-01-05,x\n");
    const { err } = await capture(() => main(["--returns", `${dir}/bad.csv`, "--runs", `${dir}/runs`]));
    assert(/bad\.csv: column "a": expected numbers \(returns\), found VARCHAR/.test(err), err);
    assertEquals((await capture(() => main(["--help"]))).code, 0);
  });
  await Deno.remove(dir, { recursive: true });
});
