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

// ---- Alphalens' own test expectations (alphalens/tests/test_utils.py and test_performance.py of
// quantopian/alphalens 77084f1), on its hand-built inputs.

/** A `FactorData` holding `factor` (dates × assets, NaN = absent) as is: every finite value in the universe. */
function handBuilt(
  factor: number[][],
  options: { groups?: string[]; quantile?: number[][]; forward?: number[][] } = {},
): F.FactorData {
  const nT = factor.length, nS = factor[0].length;
  const flat = Float64Array.from(factor.flat());
  const quantile = Int32Array.from(
    options.quantile ? options.quantile.flat() : Array.from(flat, (v) => (Number.isFinite(v) ? 1 : 0)),
    (q) => (Number.isFinite(q) ? q : 0),
  );
  const start = new Int32Array(nT + 1), cols: number[] = [];
  for (let t = 0; t < nT; t++) {
    for (let i = 0; i < nS; i++) if (quantile[t * nS + i] > 0) cols.push(i);
    start[t + 1] = cols.length;
  }
  const names = options.groups ? [...new Set(options.groups)] : [];
  return {
    dates: Float64Array.from({ length: nT }, (_, t) => Date.UTC(2000, 0, 12 + t)),
    securityIds: Array.from({ length: nS }, (_, i) => String.fromCharCode(65 + i)),
    periodsPerYear: 252,
    periods: [1],
    factor: flat,
    forward: options.forward ? [Float64Array.from(options.forward.flat())] : [new Float64Array(nT * nS)],
    quantile,
    nQuantiles: Math.max(1, ...quantile),
    groups: options.groups ? Int32Array.from(options.groups, (g) => names.indexOf(g)) : null,
    groupNames: names,
    rows: { start, cols: Int32Array.from(cols) },
    loss: { total: 0, forward_returns: 0, binning: 0 },
    binning: { quantiles: 1, byGroup: false },
    warnings: [],
  };
}

Deno.test("Alphalens test_utils.py: compute_forward_returns", async (t) => {
  // prices A = [1, 1, 2], B = [1, 2, 1] on 2015-01-01..03; expected rows (date, asset) in order
  const prices = makePanel({
    dates: [Date.UTC(2015, 0, 1), Date.UTC(2015, 0, 2), Date.UTC(2015, 0, 3)],
    securityIds: ["A", "B"],
    fields: { adj_close: Float64Array.of(1, 1, 1, 2, 2, 1) },
  });
  await t.step("test_compute_forward_returns", () => {
    const [r1, r2] = F.forwardReturns(prices, [1, 2]);
    assertAllNear(r1, [0, 1, 1, -0.5, NaN, NaN]);
    assertAllNear(r2, [1, 0, NaN, NaN, NaN, NaN]);
  });
  await t.step("test_compute_forward_returns_non_cum", () => {
    const [r1, r2] = F.forwardReturns(prices, [1, 2], { cumulative: false });
    assertAllNear(r1, [0, 1, 1, -0.5, NaN, NaN]);
    assertAllNear(r2, [1, -0.5, NaN, NaN, NaN, NaN]);
  });
});

Deno.test("Alphalens test_utils.py: test_quantize_factor (qcut / cut, by group, zero-aware)", () => {
  // factor_data: 2 dates × A..D = [[1, 2, 3, 4], [4, 3, 2, 1]], groups [1, 1, 2, 2];
  // biased_factor_data: 2 dates × 8 = [[-1, 3, -2, 4, -5, 7, -6, 8], [-4, 2, -3, 1, -8, 6, -7, 5]]
  const plain = [[1, 2, 3, 4], [4, 3, 2, 1]], plainGroups = [0, 0, 1, 1];
  const biased = [[-1, 3, -2, 4, -5, 7, -6, 8], [-4, 2, -3, 1, -8, 6, -7, 5]];
  const biasedGroups = [0, 0, 1, 1, 0, 0, 1, 1];
  const quantize = (rows: number[][], groups: number[], options: F.BinningOptions, byGroup: boolean) =>
    rows.flatMap((row) => {
      const values = Float64Array.from(row), out = new Int32Array(row.length);
      for (const g of byGroup ? [0, 1] : [-1]) {
        const idx = Int32Array.from(row.map((_, i) => i).filter((i) => g < 0 || groups[i] === g));
        F.binCrossSection(values, idx, idx.length, options, out);
      }
      return Array.from(out, (q) => q || NaN);
    });
  // deno-fmt-ignore
  const cases: [number[][], number[], F.BinningOptions, boolean, number[]][] = [
    [plain, plainGroups, { quantiles: 4 }, false, [1, 2, 3, 4, 4, 3, 2, 1]],
    [plain, plainGroups, { quantiles: 2 }, false, [1, 1, 2, 2, 2, 2, 1, 1]],
    [plain, plainGroups, { quantiles: 2 }, true, [1, 2, 1, 2, 2, 1, 2, 1]],
    [biased, biasedGroups, { quantiles: 4, zeroAware: true }, false, [
      2,
      3,
      2,
      3,
      1,
      4,
      1,
      4,
      2,
      3,
      2,
      3,
      1,
      4,
      1,
      4,
    ]],
    [biased, biasedGroups, { quantiles: 2, zeroAware: true }, false, [
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
    ]],
    [biased, biasedGroups, { quantiles: 2, zeroAware: true }, true, [
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
    ]],
    [biased, biasedGroups, { bins: 4, zeroAware: true }, false, [
      2,
      3,
      2,
      3,
      1,
      4,
      1,
      4,
      2,
      3,
      2,
      3,
      1,
      4,
      1,
      4,
    ]],
    [biased, biasedGroups, { bins: 2, zeroAware: true }, false, [
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
    ]],
    [biased, biasedGroups, { bins: 2, zeroAware: true }, true, [
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
      1,
      2,
    ]],
    [plain, plainGroups, { quantiles: [0, 0.25, 0.5, 0.75, 1] }, false, [1, 2, 3, 4, 4, 3, 2, 1]],
    [plain, plainGroups, { quantiles: [0, 0.5, 0.75, 1] }, false, [1, 1, 2, 3, 3, 2, 1, 1]],
    [plain, plainGroups, { quantiles: [0, 0.25, 0.5, 1] }, false, [1, 2, 3, 3, 3, 3, 2, 1]],
    [plain, plainGroups, { quantiles: [0, 0.5, 1] }, false, [1, 1, 2, 2, 2, 2, 1, 1]],
    [plain, plainGroups, { quantiles: [0.25, 0.5, 0.75] }, false, [NaN, 1, 2, NaN, NaN, 2, 1, NaN]],
    [plain, plainGroups, { quantiles: [0, 0.5, 1] }, true, [1, 2, 1, 2, 2, 1, 2, 1]],
    [plain, plainGroups, { quantiles: [0.5, 1] }, true, [NaN, 1, NaN, 1, 1, NaN, 1, NaN]],
    [plain, plainGroups, { quantiles: [0, 1] }, true, [1, 1, 1, 1, 1, 1, 1, 1]],
    [plain, plainGroups, { bins: 4 }, false, [1, 2, 3, 4, 4, 3, 2, 1]],
    [plain, plainGroups, { bins: 2 }, false, [1, 1, 2, 2, 2, 2, 1, 1]],
    [plain, plainGroups, { bins: 3 }, false, [1, 1, 2, 3, 3, 2, 1, 1]],
    [plain, plainGroups, { bins: 8 }, false, [1, 3, 6, 8, 8, 6, 3, 1]],
    [plain, plainGroups, { bins: [0, 1, 2, 3, 5] }, false, [1, 2, 3, 4, 4, 3, 2, 1]],
    [plain, plainGroups, { bins: [1, 2, 3] }, false, [NaN, 1, 2, NaN, NaN, 2, 1, NaN]],
    [plain, plainGroups, { bins: [0, 2, 5] }, false, [1, 1, 2, 2, 2, 2, 1, 1]],
    [plain, plainGroups, { bins: [0.5, 2.5, 4.5] }, false, [1, 1, 2, 2, 2, 2, 1, 1]],
    [plain, plainGroups, { bins: [0.5, 2.5] }, true, [1, 1, NaN, NaN, NaN, NaN, 1, 1]],
    [plain, plainGroups, { bins: 2 }, true, [1, 2, 1, 2, 2, 1, 2, 1]],
  ];
  for (const [rows, groups, options, byGroup, expected] of cases) {
    assertAllNear(quantize(rows, groups, options, byGroup), expected, 0);
  }
});

Deno.test("Alphalens test_performance.py: test_factor_weights", () => {
  const groups = ["Group1", "Group2", "Group1", "Group2", "Group1"]; // A..E
  const n = NaN;
  // [factor (dates × A..E), options, expected weights of the stacked finite values]
  // deno-fmt-ignore
  const cases: [number[][], F.WeightOptions, number[]][] = [
    [[[3, 4, 2, 1, n], [3, 4, -2, -1, n], [3, n, n, 1, 4]], { demeaned: false },
      [0.3, 0.4, 0.2, 0.1, 0.3, 0.4, -0.2, -0.1, 0.375, 0.125, 0.5]],
    [[[3, 4, 2, 1, n], [3, 4, -2, -1, n], [3, n, n, 1, 4]], {},
      [0.125, 0.375, -0.125, -0.375, 0.2, 0.3, -0.3, -0.2, 0.1, -0.5, 0.4]],
    [[[3, 4, 2, 1, n], [-3, 4, -2, 1, n], [2, 2, 2, 3, 1]], { demeaned: false, groupAdjust: true },
      [0.3, 0.4, 0.2, 0.1, -0.3, 0.4, -0.2, 0.1, 0.2, 0.2, 0.2, 0.3, 0.1]],
    [[[3, 4, 2, 1, n], [3, 4, -2, -1, n], [3, n, n, 1, 4]], { groupAdjust: true },
      [0.25, 0.25, -0.25, -0.25, 0.25, 0.25, -0.25, -0.25, -0.5, NaN, 0.5]],
    [[[3, 4, 2, 1, 5], [3, 4, -2, -1, 5], [3, n, n, 1, n]], { demeaned: false, equalWeight: true },
      [0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, -0.2, -0.2, 0.2, 0.5, 0.5]],
    [[[1, 4, 2, 3, n], [1, 4, -2, -3, n], [3, n, n, 2, 7]], { equalWeight: true },
      [-0.25, 0.25, -0.25, 0.25, 0.25, 0.25, -0.25, -0.25, 0, -0.5, 0.5]],
    [[[3, 4, 2, 1, n], [-3, 4, -2, 1, n], [3, n, n, 1, 4], [3, n, n, -1, 4], [3, n, n, 1, -4]],
      { demeaned: false, groupAdjust: true, equalWeight: true },
      [0.25, 0.25, 0.25, 0.25, -0.25, 0.25, -0.25, 0.25, 0.25, 0.5, 0.25, 0.25, -0.5, 0.25, 0.25, 0.5, -0.25]],
    [[[1, 4, 2, 3, n], [3, 4, -2, -1, n], [3, n, n, 2, 7], [3, n, n, 2, -7]], { groupAdjust: true, equalWeight: true },
      [-0.25, 0.25, 0.25, -0.25, 0.25, 0.25, -0.25, -0.25, -0.5, NaN, 0.5, 0.5, NaN, -0.5]],
  ];
  for (const [factor, options, expected] of cases) {
    const data = handBuilt(factor, { groups });
    const w = F.factorWeights(data, options);
    assertAllNear(
      Array.from(data.factor).flatMap((v, c) => (Number.isFinite(v) ? [w[c]] : [])),
      expected,
      1e-12,
    );
  }
});

Deno.test("Alphalens test_performance.py: test_factor_rank_autocorrelation and test_quantile_turnover", () => {
  const up = [1, 2, 3, 4], down = [4, 3, 2, 1], swap = [2, 1, 4, 3];
  const autocorrelation = (factor: number[][], lag: number) =>
    F.factorRankAutocorrelation(handBuilt(factor), lag);
  assertAllNear(autocorrelation([up, up, up, up], 1), [NaN, 1, 1, 1], 1e-12);
  assertAllNear(autocorrelation([down, up, down, up], 1), [NaN, -1, -1, -1], 1e-12);
  const twelve = [up, swap, down, up, swap, down, swap, down, up, swap, swap, down];
  // deno-fmt-ignore
  assertAllNear(autocorrelation(twelve, 3), [NaN, NaN, NaN, 1, 1, 1, 0.6, -0.6, -1, 1, -0.6, -1], 1e-12);
  // quantile_turnover: the quantile labels themselves are the input
  const turnover = (quantiles: number[][], q: number, lag: number) =>
    F.quantileTurnover(handBuilt(quantiles, { quantile: quantiles }), q, lag);
  assertAllNear(turnover([up, down, up, down], 2, 1), [NaN, 1, 1, 1], 1e-12);
  const alternating = Array.from({ length: 12 }, (_, t) => (t % 2 ? [1, 3, 2, 4] : up));
  assertAllNear(turnover(alternating, 3, 4), [NaN, NaN, NaN, NaN, 0, 0, 0, 0, 0, 0, 0, 0], 1e-12);
  const last = [...alternating.slice(0, 11), up];
  // deno-fmt-ignore
  assertAllNear(turnover(last, 3, 10), [NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, 0, 1], 1e-12);
});
