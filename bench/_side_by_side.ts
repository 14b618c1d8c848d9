/**
 * Side-by-side timing for the runners that compare quantnb with a reference (numpy, DuckDB): the two
 * alternate round by round on the same machine, and the figure reported is the median of the
 * per-round ratios, which moves far less than either absolute time on a busy shared VM.
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";

/** Median of a list of numbers (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Per-round seconds of both sides and the per-round ratios ours / reference. */
export interface SideBySide {
  ours: number[];
  reference: number[];
  ratios: number[];
}

/**
 * Runs `rounds` rounds (after one warm-up round of each), alternating which side goes first, and
 * collects each side's seconds as returned by its callback.
 */
export async function sideBySide(
  rounds: number,
  ours: () => Promise<number>,
  reference: () => Promise<number>,
  onRound: (round: number, ours: number, reference: number) => void = () => {},
): Promise<SideBySide> {
  await ours();
  await reference();
  const out: SideBySide = { ours: [], reference: [], ratios: [] };
  for (let r = 0; r < rounds; r++) {
    let a: number, b: number;
    if (r % 2 === 0) {
      a = await ours();
      b = await reference();
    } else {
      b = await reference();
      a = await ours();
    }
    out.ours.push(a);
    out.reference.push(b);
    out.ratios.push(a / b);
    onRound(r, a, b);
  }
  return out;
}

/** One Markdown line: medians of both sides and of the per-round ratios, with their ranges. */
export function summaryLine(label: string, r: SideBySide): string {
  const s = (x: number) => `${x.toFixed(3)} s`;
  const range = (x: number[]) => `${Math.min(...x).toFixed(3)} … ${Math.max(...x).toFixed(3)}`;
  return `| ${label} | ${s(median(r.ours))} | ${s(median(r.reference))} | ${median(r.ratios).toFixed(3)}× (${
    range(r.ratios)
  }) | ${r.ratios.length} |`;
}

/**
 * The arguments of an A/B runner against another tree (`--base DIR --rounds R`), and that tree's
 * module at `modulePath` (relative to the tree, e.g. `lib/panel/load.ts`), imported; `--help` or no
 * `--base` prints the usage of `script` and exits. Other options are left to the runner.
 */
export async function baseTree<M>(script: string, modulePath: string): Promise<{ base: M; rounds: number }> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      base: { type: "string" },
      rounds: { type: "string", default: "15" },
      help: { type: "boolean", default: false },
    },
    strict: false,
  });
  if (values.help || !values.base) {
    console.log(`Usage: deno run -A ${script} --base DIR (a tree holding lib/) [--rounds R]`);
    Deno.exit(values.help ? 0 : 2);
  }
  const base = await import(pathToFileURL(join(resolve(String(values.base)), modulePath)).href) as M;
  return { base, rounds: Number(values.rounds) };
}
