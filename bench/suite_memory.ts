/**
 * Peak memory of the standard suite by worker count (issue 8: 2 workers must peak at ≤ 1.2× the
 * 0-worker peak). Builds, once, a synthetic store of 3,000 securities × 20 years, its snapshot and
 * the vendor sentiment signal for it (kept in --dir for later runs), then runs
 * `lib/cli/suite.ts` under `/usr/bin/time -v` for each worker count, alternating the order round
 * by round, and prints each run's maximum resident set size and wall time, and the median ratio of
 * each count's peak to the 0-worker peak.
 *
 *   deno run -A bench/suite_memory.ts [--securities 3000] [--years 20] [--workers 0,1,2] [--rounds 1] [--dir DIR]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sentimentSignal, simulateUniverse } from "../lib/ingest/synthetic.ts";
import { writeSignal } from "../lib/signal/write_signal.ts";
import { median } from "./_side_by_side.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    securities: { type: "string", default: "3000" },
    years: { type: "string", default: "20" },
    workers: { type: "string", default: "0,1,2" },
    rounds: { type: "string", default: "1" },
    dir: { type: "string", default: join(Deno.env.get("TMPDIR") ?? "/tmp", "quantnb-suite-memory") },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(
    "Usage: deno run -A bench/suite_memory.ts [--securities N] [--years Y] [--workers 0,1,2] [--rounds R] [--dir DIR]",
  );
  Deno.exit(0);
}
const nSecurities = Number(values.securities), years = Number(values.years);
const counts = values.workers.split(",").map(Number);
const dir = join(values.dir, `${nSecurities}x${years}y`);
const db = join(dir, "store.duckdb"),
  snapshots = join(dir, "snapshots"),
  signal = join(dir, "signal.parquet");
const root = new URL("..", import.meta.url).pathname;

async function run(args: string[], label: string): Promise<string> {
  const out = await new Deno.Command("/usr/bin/time", { args: ["-v", Deno.execPath(), ...args], cwd: root })
    .output();
  const text = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${label} failed:\n${new TextDecoder().decode(out.stdout)}\n${text}`);
  return text;
}

const exists = async (path: string) => await Deno.stat(path).then(() => true, () => false);
if (!(await exists(join(snapshots, "mem", "manifest.json"))) || !(await exists(signal))) {
  await Deno.mkdir(dir, { recursive: true });
  console.error(`building ${nSecurities} × ${years} y store, snapshot and signal in ${dir} (once)`);
  const common = ["--db", db, "--snapshots", snapshots];
  await run([
    "run",
    "-A",
    "lib/cli/ingest.ts",
    "synthetic",
    "--securities",
    String(nSecurities),
    "--years",
    String(years),
    ...common,
  ], "ingest");
  await run(["run", "-A", "lib/cli/snapshot.ts", "create", "mem", ...common], "snapshot");
  await writeSignal(signal, sentimentSignal(simulateUniverse({ nSecurities, years })));
}

const peaks = new Map<number, number[]>(counts.map((w) => [w, []]));
const rows: string[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  const order = round % 2 ? [...counts].reverse() : counts;
  for (const workers of order) {
    const runs = await Deno.makeTempDir({ dir, prefix: "runs-" }); // a fresh registry: nothing is reused
    const text = await run(
      [
        "run",
        "-A",
        "lib/cli/suite.ts",
        "--snapshot",
        "mem",
        "--signal",
        signal,
        "--db",
        db,
        "--snapshots",
        snapshots,
        "--runs",
        runs,
        "--workers",
        String(workers),
        "--json",
      ],
      `suite --workers ${workers}`,
    );
    await Deno.remove(runs, { recursive: true });
    const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(text)![1]);
    const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)/.exec(text)![1];
    peaks.get(workers)!.push(kb);
    const line = `| ${workers} | ${(kb / 2 ** 20).toFixed(2)} GiB | ${wall} |`;
    rows.push(line);
    console.error(`round ${round + 1}: ${line}`);
  }
}
console.log(`Standard suite, ${nSecurities} × ${years} years (/usr/bin/time -v):\n`);
console.log("| workers | max RSS | wall |\n| --- | --- | --- |\n" + rows.join("\n"));
const base = median(peaks.get(0) ?? peaks.get(counts[0])!);
for (const w of counts) {
  console.log(
    `workers ${w}: median peak ${(median(peaks.get(w)!) / 2 ** 20).toFixed(2)} GiB = ${
      (median(peaks.get(w)!) / base).toFixed(3)
    }× the ${counts[0]}-worker peak`,
  );
}
