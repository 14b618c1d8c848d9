/**
 * B3 benchmarks for BENCHMARKS.md: a synthetic 2024 COTAHIST year of ~1M records (the size of a recent
 * real year: shares, units, ETFs, FIIs, BDRs, fractional lots, options, terms) and one of ~3M, as ZIP
 * and TXT, generated once into `.tmp-bench/b3/`.
 *
 * - parse + filter the 1M file (the pipeline's default filter: spot shares and units), from TXT and
 *   ZIP, alternated round by round with two references on the same TXT: pandas `read_fwf` (the
 *   usual Python route) and DuckDB's own SQL (read as one column, `substr` + casts); medians of the
 *   per-round ratios;
 * - a full-year load into a fresh store (`loadCotahistFile`: parse, filter, build, one transaction);
 * - peak resident memory of parse and of load on the 1M and the 3M file, each in a fresh process.
 *
 *   deno run -A bench/b3_runner.ts [--rounds 3] [--no-reference] [--no-rss]
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { writeSyntheticB3 } from "../lib/ingest/b3/synthetic.ts";
import { cotahistTexts } from "../lib/ingest/b3/source.ts";
import { loadCotahistFile } from "../lib/ingest/b3/load.ts";
import { openStore } from "../lib/store/db.ts";
import { parseAndFilter } from "./b3_rss.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "3" },
    "no-reference": { type: "boolean", default: false },
    "no-rss": { type: "boolean", default: false },
  },
});
const rounds = Number(values.rounds);
const dir = ".tmp-bench/b3";

/** The 1M-record market; the 3M one triples every count. */
const ONE_MILLION = {
  shares: 400,
  units: 20,
  etfs: 80,
  fiis: 450,
  bdrs: 600,
  optionUnderlyings: 140,
  terms: 60,
};

async function ensureYear(name: string, scale: number): Promise<{ zip: string; txt: string }> {
  const folder = join(dir, name);
  const zip = join(folder, "COTAHIST_A2024.ZIP"), txt = join(folder, "COTAHIST_A2024.TXT");
  try {
    await Deno.stat(txt);
    return { zip, txt };
  } catch {
    // generate below
  }
  const counts = Object.fromEntries(Object.entries(ONE_MILLION).map(([k, v]) => [k, v * scale]));
  console.error(`generating ${folder} (once) …`);
  await writeSyntheticB3(folder, { from: 2024, to: 2024, seed: 2024, ...counts });
  const [text] = await cotahistTexts(zip);
  using file = await Deno.open(txt, { write: true, create: true, truncate: true });
  for await (const chunk of text.chunks()) {
    for (let k = 0; k < chunk.length;) k += await file.write(chunk.subarray(k));
  }
  return { zip, txt };
}

const PANDAS = `
import sys, time
import pandas as pd
path = sys.argv[1]
edges = [0,2,10,12,24,27,39,49,52,56,69,82,95,108,121,134,147,152,170,188,201,202,210,217,230,242,245]
names = ["TIPREG","DATA","CODBDI","CODNEG","TPMERC","NOMRES","ESPECI","PRAZOT","MODREF","PREABE","PREMAX",
  "PREMIN","PREMED","PREULT","PREOFC","PREOFV","TOTNEG","QUATOT","VOLTOT","PREEXE","INDOPC","DATVEN","FATCOT",
  "PTOEXE","CODISI","DISMES"]
t = time.perf_counter()
df = pd.read_fwf(path, colspecs=list(zip(edges[:-1], edges[1:])), names=names, dtype=str, encoding="latin-1", header=None)
df = df[(df.TIPREG == "01") & (df.TPMERC == "010") & df.CODBDI.isin(["02","05","06","07","08","09"])
        & ~df.ESPECI.fillna("").str.startswith("DR")]
fatcot = df.FATCOT.astype(float)
for c in ["PREABE","PREMAX","PREMIN","PREMED","PREULT","PREOFC","PREOFV","PREEXE"]:
    df[c] = df[c].astype(float) / 100 / fatcot
df["VOLTOT"] = df.VOLTOT.astype(float) / 100
df["DATA"] = pd.to_datetime(df.DATA, format="%Y%m%d")
print(len(df), time.perf_counter() - t)
`;

async function pandasSeconds(txt: string): Promise<{ kept: number; seconds: number }> {
  const out = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", PANDAS, txt],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  const [kept, seconds] = new TextDecoder().decode(out.stdout).trim().split(" ").map(Number);
  return { kept, seconds };
}

async function duckdbSeconds(txt: string): Promise<{ kept: number; seconds: number }> {
  const store = await openStore(":memory:");
  try {
    const started = performance.now();
    const price = (at: number) => `substr(l, ${at}, 13)::DOUBLE / 100 / substr(l, 211, 7)::DOUBLE`;
    await store.conn.run(`CREATE TEMP TABLE q AS SELECT strptime(substr(l, 3, 8), '%Y%m%d')::DATE AS date,
      substr(l, 11, 2) AS codbdi, rtrim(substr(l, 13, 12)) AS codneg, rtrim(substr(l, 40, 10)) AS especi,
      ${price(57)} AS preabe, ${price(70)} AS premax, ${price(83)} AS premin, ${price(96)} AS premed,
      ${price(109)} AS preult, ${price(122)} AS preofc, ${price(135)} AS preofv,
      substr(l, 148, 5)::BIGINT AS totneg, substr(l, 153, 18)::DOUBLE AS quatot,
      substr(l, 171, 18)::DOUBLE / 100 AS voltot, substr(l, 231, 12) AS codisi
      FROM read_csv('${txt}', columns = {'l': 'VARCHAR'}, header = false, delim = '\x1f', quote = '',
                    escape = '', encoding = 'latin-1', auto_detect = false)
      WHERE substr(l, 1, 2) = '01' AND substr(l, 25, 3) = '010'
        AND substr(l, 11, 2) IN ('02', '05', '06', '07', '08', '09') AND substr(l, 40, 2) <> 'DR'`);
    const seconds = (performance.now() - started) / 1000;
    const kept = Number((await store.conn.runAndReadAll("SELECT count(*) FROM q")).getRows()[0][0]);
    return { kept, seconds };
  } finally {
    store.close();
  }
}

async function ours(path: string): Promise<{ kept: number; records: number; seconds: number }> {
  const started = performance.now();
  const r = await parseAndFilter(path);
  return { ...r, seconds: (performance.now() - started) / 1000 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (xs: number[]) =>
  `${median(xs).toFixed(2)} s (${Math.min(...xs).toFixed(2)} … ${Math.max(...xs).toFixed(2)})`;

const one = await ensureYear("1m", 1);
const times: Record<string, number[]> = { txt: [], zip: [], pandas: [], duckdb: [], load: [] };
const ratios: Record<string, number[]> = { pandas: [], duckdb: [] };
let records = 0, kept = 0;
for (let r = 0; r <= rounds; r++) { // round 0 warms up
  const txt = await ours(one.txt);
  const zip = await ours(one.zip);
  records = txt.records;
  kept = txt.kept;
  if (r === 0) continue;
  times.txt.push(txt.seconds);
  times.zip.push(zip.seconds);
  if (!values["no-reference"]) {
    const pd = await pandasSeconds(one.txt);
    const db = await duckdbSeconds(one.txt);
    if (pd.kept !== kept || db.kept !== kept) {
      throw new Error(`kept differ: ours ${kept}, pandas ${pd.kept}, duckdb ${db.kept}`);
    }
    times.pandas.push(pd.seconds);
    times.duckdb.push(db.seconds);
    ratios.pandas.push(pd.seconds / txt.seconds);
    ratios.duckdb.push(db.seconds / txt.seconds);
  }
  const storePath = join(dir, "load.duckdb");
  await Deno.remove(storePath).catch(() => {});
  const store = await openStore(storePath);
  const started = performance.now();
  await loadCotahistFile(store, one.zip);
  times.load.push((performance.now() - started) / 1000);
  store.close();
  await Deno.remove(storePath).catch(() => {});
}
console.log(
  `1M-record year: ${records.toLocaleString("en-US")} records, ${
    kept.toLocaleString("en-US")
  } kept (spot shares + units)`,
);
console.log(
  `| parse + filter, TXT | ${fmt(times.txt)} | ${
    (records / median(times.txt) / 1e3).toFixed(0)
  }k records/s |`,
);
console.log(
  `| parse + filter, ZIP | ${fmt(times.zip)} | ${
    (records / median(times.zip) / 1e3).toFixed(0)
  }k records/s |`,
);
if (times.pandas.length) {
  console.log(
    `| pandas read_fwf + filter, TXT | ${fmt(times.pandas)} | ours ${
      median(ratios.pandas).toFixed(1)
    }× faster (median of per-round ratios) |`,
  );
  console.log(
    `| DuckDB SQL substr + casts, TXT | ${fmt(times.duckdb)} | DuckDB / ours = ${
      median(ratios.duckdb).toFixed(2)
    } |`,
  );
}
console.log(`| full-year load into a fresh store (ZIP) | ${fmt(times.load)} | |`);

if (!values["no-rss"]) {
  const three = await ensureYear("3m", 3);
  for (
    const [label, file] of [["1M TXT", one.txt], ["3M TXT", three.txt], ["1M ZIP", one.zip], [
      "3M ZIP",
      three.zip,
    ]]
  ) {
    for (const mode of ["parse", "load"]) {
      const storePath = join(dir, "rss.duckdb");
      await Deno.remove(storePath).catch(() => {});
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "bench/b3_rss.ts", mode, file, storePath],
        stdout: "piped",
      }).output();
      const r = JSON.parse(new TextDecoder().decode(out.stdout));
      console.log(
        `| ${mode} ${label} | ${r.records.toLocaleString("en-US")} records | ${
          r.seconds.toFixed(2)
        } s | peak RSS ${r.peak_rss_mb.toFixed(0)} MB |`,
      );
      await Deno.remove(storePath).catch(() => {});
    }
  }
}
