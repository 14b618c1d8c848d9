/**
 * quantnb's six-variant fractile suite (lags {0,1,2} × residualize {off, industry}, default config:
 * deciles, equal weights, 10 bps) next to a dense numpy reference of the same backtest
 * (`bench/fractile_numpy.py`, Debian's python3-numpy), alternating round by round on the same seeded
 * random panel. Prints each round, checks that both give the same net Sharpes, and ends with the
 * median of the per-round time ratios (target ≤ 0.25 on 3,000 × 2,520).
 *
 *   deno run -A bench/engine_vs_numpy.ts [--securities 3000] [--dates 2520] [--rounds 7] [--warm] [--python /usr/bin/python3]
 */
import { parseArgs } from "node:util";
import { createBacktester } from "../lib/engine/backtest.ts";
import { randomCase } from "./_cases.ts";
import { sideBySide, summaryLine } from "./_side_by_side.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    securities: { type: "string", default: "3000" },
    dates: { type: "string", default: "2520" },
    rounds: { type: "string", default: "7" },
    python: { type: "string", default: "/usr/bin/python3" },
    warm: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(
    "Usage: deno run -A bench/engine_vs_numpy.ts [--securities N] [--dates T] [--rounds R] [--warm] [--python PATH]",
  );
  Deno.exit(0);
}
const nS = Number(values.securities), nT = Number(values.dates), rounds = Number(values.rounds);
const { panel, known, groups } = randomCase(nT, nS, 2);
const dir = await Deno.makeTempDir({ prefix: "quantnb-engine-numpy-" });
const bytes = (a: Float64Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
await Deno.writeFile(`${dir}/ret.f64`, bytes(panel.fields.ret));
await Deno.writeFile(`${dir}/known.f64`, bytes(known));
await Deno.writeFile(`${dir}/groups.i32`, bytes(groups));

const child = new Deno.Command(values.python, {
  args: [new URL("./fractile_numpy.py", import.meta.url).pathname, dir, String(nT), String(nS)],
  stdin: "piped",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
let buffered = "";
async function readLine(): Promise<string> {
  for (;;) {
    const nl = buffered.indexOf("\n");
    if (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      return line;
    }
    const { value, done } = await lines.read();
    if (done) throw new Error("numpy reference exited early");
    buffered += value;
  }
}
const stdin = child.stdin.getWriter();
const ready = JSON.parse(await readLine());
console.error(`numpy ${ready.numpy}, panel ${nT} × ${nS}, ${rounds} rounds`);

const labels = ["off", "industry"].flatMap((mode) => [0, 1, 2].map((lag) => `lag${lag}_${mode}`));
let oursSharpe: Record<string, number> = {}, refSharpe: Record<string, number> = {};

function ours(): Promise<number> {
  const started = performance.now();
  // Cold (default): a fresh panel object each round, so the per-panel preparation (sorted returns and
  // caps) is rebuilt and timed, as numpy redoes all of its work. --warm reuses it, as the signals of a
  // suite (and every later backtest on the panel) do.
  const bt = createBacktester(values.warm ? panel : { ...panel }, { known });
  const sharpe: Record<string, number> = {};
  for (const residualize of ["off", "industry"] as const) {
    for (const lag of [0, 1, 2]) {
      sharpe[`lag${lag}_${residualize}`] = bt.run({ lag, residualize }).summary.overall.sharpe;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  oursSharpe = sharpe;
  return Promise.resolve(seconds);
}

async function reference(): Promise<number> {
  await stdin.write(new TextEncoder().encode("run\n"));
  const reply = JSON.parse(await readLine());
  refSharpe = reply.sharpe;
  return reply.seconds;
}

const result = await sideBySide(rounds, ours, reference, (r, a, b) => {
  console.error(
    `round ${r + 1}: quantnb ${a.toFixed(3)} s, numpy ${b.toFixed(3)} s, ratio ${(a / b).toFixed(3)}`,
  );
});
await stdin.write(new TextEncoder().encode("quit\n"));
await stdin.close();
await child.status;
await Deno.remove(dir, { recursive: true });

let worst = 0;
for (const label of labels) worst = Math.max(worst, Math.abs(oursSharpe[label] / refSharpe[label] - 1));
console.log(
  `Sharpes (quantnb | numpy): ${
    labels.map((l) => `${l} ${oursSharpe[l].toFixed(6)} | ${refSharpe[l].toFixed(6)}`).join("; ")
  }`,
);
console.log(`largest relative Sharpe difference: ${worst.toExponential(2)}`);
console.log("| case | quantnb | numpy | ratio (min … max) | rounds |\n| --- | --- | --- | --- | --- |");
console.log(
  summaryLine(`6 variants, ${nS} × ${nT}, ${values.warm ? "panel prepared once" : "cold"}`, result),
);
if (worst > 1e-9) {
  console.error("Sharpes differ between quantnb and the numpy reference");
  Deno.exit(1);
}
