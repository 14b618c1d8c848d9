/**
 * The benchmark runner behind BENCHMARKS.md: `deno bench` reports averages and percentiles but no
 * median, so this runs the same `Deno.bench` definitions (the files in `bench/`, unchanged) a fixed
 * number of times and prints the median, min and max of each as a Markdown table.
 *
 *   deno run -A bench/medians.ts [FILE…] [--runs N]
 *
 * Explicit timers (`b.start()` / `b.end()`) are honoured, so setup inside a bench is excluded as
 * `deno bench` excludes it.
 */
import { parseArgs } from "node:util";

interface Definition {
  name: string;
  fn: (b: { start(): void; end(): void }) => unknown;
  ignore?: boolean;
}

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string", default: "5" }, help: { type: "boolean", default: false } },
  allowPositionals: true,
});
if (values.help) {
  console.log(
    "Usage: deno run -A bench/medians.ts [FILE…] [--runs N]  (default: every bench/*_bench.ts, 5 runs)",
  );
  Deno.exit(0);
}
const runs = Number(values.runs);
const files = positionals.length
  ? positionals
  : [...Deno.readDirSync(new URL(".", import.meta.url))].map((e) => e.name).filter((n) =>
    n.endsWith("_bench.ts")
  )
    .sort().map((n) => new URL(n, import.meta.url).pathname);

const definitions: Definition[] = [];
(Deno as unknown as { bench: (d: Definition | string, f?: Definition["fn"]) => void }).bench = (d, f) => {
  definitions.push(typeof d === "string" ? { name: d, fn: f! } : d);
};
const rows: string[] = [];
for (const file of files) {
  const before = definitions.length;
  await import(new URL(file, `file://${Deno.cwd()}/`).href);
  for (const def of definitions.slice(before)) {
    if (def.ignore) continue;
    const times: number[] = [];
    for (let k = 0; k <= runs; k++) { // the first run warms up and is not counted
      let started = performance.now(), ended = NaN;
      await def.fn({ start: () => (started = performance.now()), end: () => (ended = performance.now()) });
      if (Number.isNaN(ended)) ended = performance.now();
      if (k > 0) times.push(ended - started);
    }
    times.sort((a, b) => a - b);
    const median = times.length % 2
      ? times[times.length >> 1]
      : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
    const ms = (
      x: number,
    ) => (x >= 1000
      ? `${(x / 1000).toFixed(2)} s`
      : x >= 1
      ? `${x.toFixed(1)} ms`
      : `${(x * 1000).toFixed(0)} µs`);
    const row = `| ${file.replace(/^.*\//, "")} | ${def.name} | ${ms(median)} | ${ms(times[0])} … ${
      ms(times[times.length - 1])
    } |`;
    rows.push(row);
    console.error(row);
  }
}
console.log(`| file | benchmark | median | min … max |\n| --- | --- | --- | --- |\n${rows.join("\n")}`);
