/**
 * The portfolio simulator of this tree against another tree's on daily bars (issue 16 item 4: intraday
 * sessions must leave the daily path as it was): the seeded case of `portfolio_case.ts` (500 × 2,520
 * days, daily and monthly rebalancing, Brazilian tax) is checked bit-identical on both trees (NAV,
 * cash, fills, taxes), then the two alternate round by round and the median of the per-round ratios
 * (this / base) is printed. Last, the same 2,520 bars as 360 B3 sessions of 7 hourly bars
 * (`MarketData.sessions`: cash, tax day and participation once per session) against the bars taken as
 * days, in this tree: the cost of the session bookkeeping.
 *
 *   git archive main lib | tar -x -C /tmp/quantnb-main
 *   deno run -A bench/portfolio_interval_ab.ts --base /tmp/quantnb-main [--rounds 15]
 */
import { sessionDays, SESSIONS } from "../lib/bars/session.ts";
import { type PortfolioResult, simulatePortfolio } from "../lib/portfolio/mod.ts";
import { portfolioCase, SETTINGS, T } from "./portfolio_case.ts";
import { baseTree, sideBySide, summaryLine } from "./_side_by_side.ts";

const { base, rounds } = await baseTree<{ simulatePortfolio: typeof simulatePortfolio }>(
  "bench/portfolio_interval_ab.ts",
  "lib/portfolio/simulate.ts",
);

const { market, weights } = portfolioCase();

/** Throws unless the two results are the same to the bit. */
function checkIdentical(label: string, a: PortfolioResult, b: PortfolioResult): void {
  const pairs: [string, ArrayLike<number>, ArrayLike<number>][] = [
    ["nav", a.daily.nav, b.daily.nav],
    ["cash", a.daily.cash, b.daily.cash],
    ["trade qty", a.trades.qty, b.trades.qty],
    ["trade price", a.trades.price, b.trades.price],
    ["tax", a.taxes.tax, b.taxes.tax],
  ];
  for (const [name, x, y] of pairs) {
    const k = Array.prototype.findIndex.call(x, (v: number, c: number) => !Object.is(v, y[c]));
    if (x.length !== y.length || k >= 0) {
      throw new Error(`${label}: ${name} differs at ${k}: ${x[k]} vs ${y[k]}`);
    }
  }
}

const timed = (run: () => unknown) => () => {
  const started = performance.now();
  run();
  return Promise.resolve((performance.now() - started) / 1000);
};
const lines: string[] = [];
for (const schedule of ["daily", "monthly"] as const) {
  const options = { ...SETTINGS, schedule };
  checkIdentical(
    schedule,
    simulatePortfolio(market, weights, options),
    base.simulatePortfolio(market, weights, options),
  );
  console.error(`${schedule}: bit-identical to the base tree`);
  const r = await sideBySide(
    rounds,
    timed(() => simulatePortfolio(market, weights, options)),
    timed(() => base.simulatePortfolio(market, weights, options)),
    (k, a, b) => console.error(`${schedule} round ${k + 1}: this ${a.toFixed(3)} s, base ${b.toFixed(3)} s`),
  );
  lines.push(summaryLine(`simulate 500 × 2,520 days, ${schedule} (this tree vs base)`, r));
}

// The same bars as hourly bars of 360 B3 sessions (13:00 … 19:00 UTC), decided at each session's last bar.
const HOUR_MS = 3_600_000;
const hourly = Float64Array.from(
  { length: T },
  (_, t) => market.dates[Math.floor(t / 7)] + (13 + (t % 7)) * HOUR_MS,
);
const intraday = {
  ...market,
  dates: hourly,
  sessions: sessionDays(hourly, SESSIONS.B3),
  periodsPerYear: 252 * 7,
};
const asDays = { ...market, dates: hourly, periodsPerYear: 252 * 7 };
const options = { ...SETTINGS, schedule: 1 };
const r = await sideBySide(
  rounds,
  timed(() => simulatePortfolio(intraday, weights, options)),
  timed(() => simulatePortfolio(asDays, weights, options)),
);
lines.push(summaryLine("simulate 500 × 2,520 hourly bars (360 sessions) vs the bars as days, every bar", r));

console.log(
  "| case | this / sessions | base / as days | ratio (min … max) | rounds |\n| --- | --- | --- | --- | --- |",
);
for (const line of lines) console.log(line);
