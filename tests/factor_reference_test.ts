// lib/factor against Alphalens ITSELF: tests/fixtures/factor/alphalens_library.py runs alphalens 0.4
// (quantopian/alphalens 77084f1, utils.py + performance.py) with empyrical 0.5.5 from their source on a
// 60 × 24 panel (a late listing, a delisting, a one-day price gap, one-decimal factor values full of
// ties, a constant date, a date whose ties span a quintile edge, missing factor values, three groups,
// two month ends) and writes the inputs and Alphalens' outputs to alphalens_library.json (numpy
// 1.24.2, pandas 1.5.3, scipy 1.10.1; forward returns with pandas 3's pct_change, no padding of a
// missing price). Every number below is Alphalens' own.

import { deepEqual } from "node:assert/strict";
import { makePanel, parseIsoDate } from "../lib/mod.ts";
import * as F from "../lib/factor/mod.ts";
import { assertAllNear, assertNear } from "./fixtures/metrics/near.ts";

type Num = number | null;
type ByDate = Record<string, number>;
interface Variant {
  quantile: Num[];
  forward?: Record<string, Num[]>;
  [key: string]: unknown;
}
const ref = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/factor/alphalens_library.json", import.meta.url)),
);
const dates: string[] = ref.dates, assets: string[] = ref.assets;
const T = dates.length;
const periods: number[] = ref.periods;
const columns = periods.map((p) => `${p}D`); // Alphalens' column labels
const toNum = (v: Num) => v ?? NaN;
const panel = makePanel({
  dates: dates.map(parseIsoDate),
  securityIds: assets,
  industries: ref.groups,
  fields: { adj_close: Float64Array.from(ref.prices as Num[], toNum) },
});
const known = Float64Array.from(ref.factor as Num[], toNum);
const common = { periods, groupBy: "industry", maxLoss: 1, filterZscore: 20 } as const;
const options: Record<string, F.FactorDataOptions> = {
  quantiles: { ...common, quantiles: 5 },
  quantiles_by_group: { ...common, quantiles: 5, binByGroup: true },
  zero_aware: { ...common, quantiles: 4, zeroAware: true },
  single_period: { ...common, quantiles: 5, cumulative: false },
};
/** A T-long series as Alphalens' by-date record (finite values only). */
const byDate = (x: ArrayLike<number>) => {
  const out: ByDate = {};
  for (let t = 0; t < T; t++) if (Number.isFinite(x[t])) out[dates[t]] = x[t];
  return out;
};
const assertByDate = (actual: ArrayLike<number>, expected: ByDate, label: string, tol = 1e-12) => {
  const ours = byDate(actual);
  deepEqual(Object.keys(ours), Object.keys(expected), `${label}: dates`);
  for (const d of Object.keys(expected)) assertNear(ours[d], expected[d], tol, `${label} ${d}`);
};
const nums = (x: Num[]) => x.map(toNum);

for (const [name, opts] of Object.entries(options)) {
  const v: Variant = ref[name];
  const data = F.factorData(panel, { known }, opts);
  const Q = data.nQuantiles, G = data.groupNames;
  Deno.test(`Alphalens ${name}: get_clean_factor_and_forward_returns`, async (t) => {
    await t.step("factor_quantile of every (date, asset), 0 = dropped", () => {
      assertAllNear(Array.from(data.quantile, (q) => q || NaN), nums(v.quantile), 0);
    });
    if (v.forward) {
      await t.step("forward returns of every (date, asset) in the universe", () => {
        columns.forEach((c, k) => assertAllNear(data.forward[k], nums(v.forward![c]), 1e-12));
      });
    }
  });
  if (name === "single_period") continue;
  Deno.test(`Alphalens ${name}: mean_return_by_quantile, factor_returns, factor_alpha_beta, IC`, async (t) => {
    const demeans: Record<string, F.DemeanOptions> = {
      demeaned: { demeaned: true },
      raw: { demeaned: false },
      group_adjust: { groupAdjust: true },
    };
    for (const [key, demean] of Object.entries(demeans)) {
      await t.step(
        `mean_return_by_quantile (${key}): overall, by group, by date, with standard errors`,
        () => {
          const result = F.meanReturnByQuantile(data, { ...demean, byGroup: true });
          columns.forEach((c, k) => {
            const e = (v[`mean_return_${key}`] as Record<string, Record<string, unknown>>)[c];
            const r = result[k];
            assertAllNear(r.mean, nums(e.mean as Num[]), 1e-12);
            assertAllNear(r.stdErr, nums(e.std_err as Num[]), 1e-12);
            for (const [gq, x] of Object.entries(e.by_group as Record<string, Num>)) {
              const [g, q] = gq.split(" ");
              assertNear(r.byGroup!.mean[G.indexOf(g) * Q + Number(q) - 1], toNum(x), 1e-12, `${c} ${gq}`);
            }
            for (const [gq, x] of Object.entries(e.by_group_std_err as Record<string, Num>)) {
              const [g, q] = gq.split(" ");
              assertNear(
                r.byGroup!.stdErr[G.indexOf(g) * Q + Number(q) - 1],
                toNum(x),
                1e-12,
                `${c} se ${gq}`,
              );
            }
            if (e.by_date) {
              assertAllNear(r.byDate.mean, nums(e.by_date as Num[]), 1e-12);
              assertAllNear(r.byDate.stdErr, nums(e.by_date_std_err as Num[]), 1e-12);
            }
          });
        },
      );
    }
    const weightings: Record<string, F.WeightOptions> = {
      demeaned: {},
      raw: { demeaned: false },
      group_adjust: { groupAdjust: true },
      equal_weight: { equalWeight: true },
      group_adjust_equal_weight: { groupAdjust: true, equalWeight: true },
    };
    for (const [key, weights] of Object.entries(weightings)) {
      if (!(`factor_returns_${key}` in v)) continue;
      await t.step(`factor_returns and factor_alpha_beta (${key})`, () => {
        const returns = F.factorReturns(data, weights);
        const alphaBeta = F.factorAlphaBeta(data, returns);
        columns.forEach((c, k) => {
          assertByDate(returns[k], (v[`factor_returns_${key}`] as Record<string, ByDate>)[c], `${key} ${c}`);
          const [alpha, beta] = (v[`alpha_beta_${key}`] as Record<string, number[]>)[c];
          assertNear(alphaBeta[k].ann_alpha, alpha, 1e-10, `${key} ${c} Ann. alpha`);
          assertNear(alphaBeta[k].beta, beta, 1e-10, `${key} ${c} beta`);
        });
      });
    }
    await t.step("factor_information_coefficient (Spearman per date)", () => {
      const ic = F.informationCoefficient(data);
      columns.forEach((c, k) => assertByDate(ic[k].ic, (v.ic as Record<string, ByDate>)[c], `IC ${c}`));
    });
  });
  if (name !== "quantiles") continue;
  Deno.test("Alphalens quantiles: IC variants and summary, turnover, rank autocorrelation, spread", async (t) => {
    await t.step("factor_information_coefficient(group_adjust=True)", () => {
      const ic = F.informationCoefficient(data, { groupAdjust: true });
      const e = v.ic_group_adjust as Record<string, ByDate>;
      columns.forEach((c, k) => assertByDate(ic[k].ic, e[c], `IC group-adjusted ${c}`));
    });
    await t.step("mean_information_coefficient(by_group=True) and (by_time='M')", () => {
      const ic = F.informationCoefficient(data, { byGroup: true });
      columns.forEach((c, k) => {
        const byGroup = F.meanIcByGroup(ic[k].byGroup!, G.length);
        for (
          const [g, x] of Object.entries((v.ic_mean_by_group as Record<string, Record<string, number>>)[c])
        ) {
          assertNear(byGroup[G.indexOf(g)], x, 1e-12, `${c} ${g}`);
        }
        const monthly = F.meanIcByPeriod(data.dates, ic[k].ic, "monthly");
        assertAllNear(monthly.mean, (v.ic_mean_monthly as Record<string, number[]>)[c], 1e-12);
      });
    });
    await t.step("information table: mean, std, risk-adjusted, t-stat, p-value, skew, kurtosis", () => {
      const ic = F.informationCoefficient(data);
      columns.forEach((c, k) => {
        const s = F.icSummary(ic[k].ic);
        const e = (v.ic_summary as Record<string, number[]>)[c];
        assertAllNear([s.mean, s.std, s.risk_adjusted, s.t_stat, s.p_value, s.skew, s.kurtosis], e, 1e-10);
      });
    });
    await t.step(
      "quantile_turnover(q, period) for every quantile and factor_rank_autocorrelation(period)",
      () => {
        for (const p of periods) {
          const turnover = F.quantileTurnovers(data, p);
          const e = (v.turnover as Record<string, ByDate[]>)[String(p)];
          for (let q = 1; q <= Q; q++) assertByDate(turnover[q - 1], e[q - 1], `turnover q${q} lag ${p}`);
          const autocorrelation = (v.rank_autocorrelation as Record<string, ByDate>)[String(p)];
          assertByDate(F.factorRankAutocorrelation(data, p), autocorrelation, `autocorrelation lag ${p}`);
        }
      },
    );
    await t.step(
      "compute_mean_returns_spread of the per-date rates (top minus bottom) and its standard error",
      () => {
        F.meanReturnByQuantile(data).forEach((r, k) => {
          const spread = F.quantileSpread(r, Q, 1, periods[0]);
          assertByDate(
            spread.spread,
            (v.spread as Record<string, ByDate>)[columns[k]],
            `spread ${columns[k]}`,
          );
          assertByDate(
            spread.stdErr,
            (v.spread_std_err as Record<string, ByDate>)[columns[k]],
            `se ${columns[k]}`,
          );
        });
      },
    );
  });
}
