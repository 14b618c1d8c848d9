/**
 * The portfolio simulator side by side with a vectorbt-style numba reference of the same loop
 * (`portfolio_reference.py`, Debian's python3-numba) on the benchmark case (`portfolio_case.ts`).
 * Rounds alternate the two (TypeScript, then numba, in one process each), per schedule; it reports the
 * median of each and the median of the per-round ratios, checks that both end on the same NAV with the
 * same number of fills, and prints numba's compile time separately.
 *
 *   deno run -A bench/portfolio_reference.ts [--rounds 9] [--python /usr/bin/python3]
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { closesPeriod, decisionBars, periodDue, simulatePortfolio, taxModel } from "../lib/portfolio/mod.ts";
import { N, portfolioCase, SETTINGS, T } from "./portfolio_case.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "9" },
    python: { type: "string", default: "/usr/bin/python3" },
  },
});
const rounds = Number(values.rounds);
const { market, weights } = portfolioCase();
const dir = await Deno.makeTempDir({ prefix: "quantnb-portfolio-reference-" });
const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const model = taxModel("brazil");
await Deno.writeFile(join(dir, "open.f64"), bytes(market.open));
await Deno.writeFile(join(dir, "close.f64"), bytes(market.close));
await Deno.writeFile(join(dir, "weights.f64"), bytes(weights));
for (const s of ["daily", "monthly"] as const) {
  await Deno.writeFile(join(dir, `decide_${s}.u8`), decisionBars(market.dates, s));
}
const monthEnd = Uint8Array.from({ length: T }, (_, t) => (closesPeriod(market.dates, t, "month") ? 1 : 0));
const due = Int32Array.from(
  { length: T },
  (_, t) => (monthEnd[t] ? periodDue(market.dates, t, model).index : -1),
);
await Deno.writeFile(join(dir, "month_end.u8"), monthEnd);
await Deno.writeFile(join(dir, "due.i32"), bytes(due));
await Deno.writeTextFile(
  join(dir, "meta.json"),
  JSON.stringify({
    T,
    N,
    capital: SETTINGS.capital,
    comm: SETTINGS.commission!.bps! / 1e4,
    slip: (SETTINGS.slippage as { bps: number }).bps / 1e4,
    lot: SETTINGS.lot,
    growth: Math.pow(1.1, 1 / 252),
  }),
);

const child = new Deno.Command(values.python!, {
  args: [new URL("portfolio_reference.py", import.meta.url).pathname, dir],
  stdin: "piped",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const writer = child.stdin.getWriter();
const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
let buffer = "";
async function line(): Promise<string> {
  while (!buffer.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the numba reference exited");
    buffer += value;
  }
  const k = buffer.indexOf("\n");
  const out = buffer.slice(0, k);
  buffer = buffer.slice(k + 1);
  return out;
}
const compile = Number((await line()).split(" ")[1]);
const median = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1];
const rows: string[] = [];
for (const schedule of ["daily", "monthly"] as const) {
  const ts: number[] = [], py: number[] = [], ratio: number[] = [];
  for (let k = 0; k <= rounds; k++) {
    const started = performance.now();
    const result = simulatePortfolio(market, weights, { ...SETTINGS, schedule });
    const a = performance.now() - started;
    await writer.write(new TextEncoder().encode(`run ${schedule}\n`));
    const [b, nav, fills] = (await line()).split(" ").map(Number);
    const relative = Math.abs(result.totals.final_nav - nav) / nav;
    if (relative > 1e-9 || fills !== result.trades.length) {
      throw new Error(
        `${schedule}: the two disagree: NAV ${result.totals.final_nav} vs ${nav}, fills ${result.trades.length} vs ${fills}`,
      );
    }
    if (k === 0) continue; // warm-up round
    ts.push(a);
    py.push(b);
    ratio.push(a / b);
  }
  rows.push(
    `| ${schedule} | ${median(ts).toFixed(1)} ms | ${median(py).toFixed(1)} ms | ${
      median(ratio).toFixed(2)
    } |`,
  );
}
await writer.close();
await child.status;
await Deno.remove(dir, { recursive: true });
console.log(
  `numba compile (first call): ${compile.toFixed(0)} ms; ${rounds} rounds, same final NAV and fills`,
);
console.log(
  `| schedule | quantnb (TS) | numba reference | median TS / numba |\n| --- | --- | --- | --- |\n${
    rows.join("\n")
  }`,
);
