/**
 * Side by side: HRP, ERC (covariance included) and the Ledoit–Wolf covariance of 500 streams × 2,520
 * days, in quantnb (one thread) and in numpy/scipy/scikit-learn (`construct_python.py`, timed inside
 * Python so interpreter start-up is excluded), alternating, `--rounds` rounds (default 5). Prints
 * the medians and the median of the per-round ratios (Python / quantnb) as Markdown. `--blas-threads 1`
 * holds numpy's BLAS to one thread (OPENBLAS/OMP/MKL_NUM_THREADS), like quantnb's single thread.
 *
 *   deno run -A bench/construct_vs_python.ts [--rounds 5] [--blas-threads 1]
 */
import { parseArgs } from "node:util";
import { covarianceEstimate, ercWeights, hrpWeights, rowRange } from "../lib/portfolio/construct/mod.ts";
import { constructionCase } from "./construct_case.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string", default: "5" }, "blas-threads": { type: "string" } },
});
const threads = values["blas-threads"];
const env: Record<string, string> = threads
  ? { OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads, MKL_NUM_THREADS: threads }
  : {};
const rounds = Number(values.rounds);
const { returns, streams, bars } = constructionCase();
const file = await Deno.makeTempFile({ suffix: ".f64" });
await Deno.writeFile(file, new Uint8Array(returns.buffer));
const columns = Int32Array.from({ length: streams }, (_, i) => i), rows = rowRange(0, bars);

const time = (fn: () => unknown) => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};
const ours = () => ({
  hrp_ms: time(() => hrpWeights(covarianceEstimate(returns, streams, columns, rows))),
  erc_ms: time(() => ercWeights(covarianceEstimate(returns, streams, columns, rows))),
  lw_ms: time(() => covarianceEstimate(returns, streams, columns, rows, "ledoit_wolf")),
});
const python = async () => {
  const out = await new Deno.Command("/usr/bin/python3", {
    args: [new URL("./construct_python.py", import.meta.url).pathname, file, String(bars), String(streams)],
    stdout: "piped",
    env,
  }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout)) as ReturnType<typeof ours>;
};

ours(); // warm-up (JIT)
const rows_: { ts: ReturnType<typeof ours>; py: ReturnType<typeof ours> }[] = [];
for (let r = 0; r < rounds; r++) rows_.push({ ts: ours(), py: await python() });
await Deno.remove(file);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  "| computation | quantnb (ms, median) | numpy/scipy/sklearn (ms, median) | ratio (median of rounds) |",
);
console.log("| --- | ---: | ---: | ---: |");
for (const key of ["hrp_ms", "erc_ms", "lw_ms"] as const) {
  const ts = median(rows_.map((r) => r.ts[key])), py = median(rows_.map((r) => r.py[key]));
  const ratio = median(rows_.map((r) => r.py[key] / r.ts[key]));
  console.log(`| ${key.replace("_ms", "")} | ${ts.toFixed(0)} | ${py.toFixed(0)} | ${ratio.toFixed(2)}× |`);
}
