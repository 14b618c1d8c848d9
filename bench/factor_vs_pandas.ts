/**
 * quantnb's factor data + mean return by quantile against a pandas re-implementation of Alphalens'
 * forward-returns + quantize + mean-by-quantile steps (bench/factor_pandas.py), on the same random
 * panel, alternating the two for `--rounds` rounds; prints each side's median seconds and the median
 * of the per-round ratios (pandas / quantnb). Needs /usr/bin/python3 with pandas.
 *
 *   deno run -A bench/factor_vs_pandas.ts [--securities 500] [--rounds 5]
 */
import { parseArgs } from "node:util";
import { factorData } from "../lib/factor/prepare.ts";
import { meanReturnByQuantile } from "../lib/factor/returns.ts";
import { factorCase } from "./factor_case.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { securities: { type: "string", default: "500" }, rounds: { type: "string", default: "5" } },
});
const N = Number(values.securities), T = 2520, rounds = Number(values.rounds);
const { panel, known } = factorCase(T, N, 1);
const dir = await Deno.makeTempDir({ prefix: "factor-vs-pandas-" });
try {
  await Deno.writeFile(`${dir}/close.f64`, new Uint8Array(panel.fields.adj_close.buffer));
  await Deno.writeFile(`${dir}/factor.f64`, new Uint8Array(known.buffer));
  await Deno.writeTextFile(`${dir}/shape.json`, JSON.stringify({ T, N }));
  const script = new URL("./factor_pandas.py", import.meta.url).pathname;
  const ours: number[] = [], theirs: number[] = [], ratios: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const started = performance.now();
    const data = factorData(panel, { known }, {
      periods: [1, 5, 10],
      quantiles: 5,
      filterZscore: null,
      maxLoss: 1,
    });
    meanReturnByQuantile(data);
    const q = (performance.now() - started) / 1000;
    const out = await new Deno.Command("/usr/bin/python3", { args: [script, dir], stdout: "piped" }).output();
    const p = JSON.parse(new TextDecoder().decode(out.stdout)).seconds as number;
    if (r === 0) continue; // warm-up
    ours.push(q);
    theirs.push(p);
    ratios.push(p / q);
  }
  const median = (x: number[]) => x.slice().sort((a, b) => a - b)[Math.floor(x.length / 2)];
  console.log(
    `${N} × ${T}: quantnb ${median(ours).toFixed(3)} s, pandas ${median(theirs).toFixed(3)} s, ` +
      `ratio (pandas / quantnb, median of ${rounds} rounds) ${median(ratios).toFixed(1)}×`,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
