// lib/factor against Alphalens' functions re-written with pandas/scipy in
// tests/fixtures/factor/alphalens_reference.py (run with /usr/bin/python3: numpy 1.24.2, pandas 1.5.3,
// scipy 1.10.1; it writes alphalens_reference.json, read here). The 14 × 8 panel has a constant date,
// a date whose ties span a quantile edge, ties inside a quantile, a missing factor value, a missing
// price, two groups and a month end.

import { deepEqual, equal, match } from "node:assert/strict";
import { makePanel, parseIsoDate } from "../lib/mod.ts";
import * as F from "../lib/factor/mod.ts";
import { assertAllNear, assertNear } from "./fixtures/metrics/near.ts";

const ref = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/factor/alphalens_reference.json", import.meta.url)),
);
const dates: string[] = ref.dates;
const assets: string[] = ref.assets;
const T = dates.length, N = assets.length;
const panel = makePanel({
  dates: dates.map(parseIsoDate),
  securityIds: assets,
  industries: ref.groups,
  fields: { adj_close: ref.prices },
});
const known = Float64Array.from((ref.factor as (number | null)[][]).flat(), (v) => v ?? NaN);
const base = { periods: [1, 2], quantiles: 4, maxLoss: 1, filterZscore: null, events: false } as const;
const data = F.factorData(panel, { known }, { ...base, groupBy: "industry" });
const byDate = (series: Record<string, number | null>) => dates.map((d) => series[d] ?? NaN);
const quantiles = (d: F.FactorData) => {
  const out: Record<string, number> = {};
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) {
      if (d.quantile[t * N + i]) out[`${dates[t]} ${assets[i]}`] = d.quantile[t * N + i];
    }
  }
  return out;
};

Deno.test("factorData() bins like Alphalens' get_clean_factor_and_forward_returns (qcut, by group, cut, zero-aware)", async (t) => {
  await t.step("quantiles per date", () => {
    deepEqual(quantiles(data), ref.quantile.default);
    equal(data.rows.cols.length, ref.n_rows.default);
  });
  await t.step("quantiles per date and group", () => {
    const d = F.factorData(panel, { known }, { ...base, groupBy: "industry", binByGroup: true });
    deepEqual(quantiles(d), ref.quantile.by_group);
  });
  await t.step("equal-width bins", () => {
    const d = F.factorData(panel, { known }, { ...base, quantiles: undefined, bins: 3 });
    deepEqual(quantiles(d), ref.quantile.bins);
  });
  await t.step("zero-aware quantiles", () => {
    const d = F.factorData(panel, { known }, { ...base, quantiles: 4, zeroAware: true });
    deepEqual(quantiles(d), ref.quantile.zero_aware);
  });
  await t.step("a constant date and a date of tied edges get no quantile, with a warning", () => {
    for (let i = 0; i < N; i++) equal(data.quantile[2 * N + i], 0, "constant date 2");
    for (let i = 0; i < N; i++) equal(data.quantile[4 * N + i], 0, "tied edges on date 4");
    match(
      data.warnings.join("\n"),
      /1 date not binned: a constant \(all tied\) factor \(first 2024-01-30\)/,
    );
    match(
      data.warnings.join("\n"),
      /2 dates not binned: ties spanning a quantile edge .* \(first 2024-02-01\)/,
    );
  });
  await t.step("the last max(periods) dates and NaN prices drop out of the universe", () => {
    for (const t of [T - 1, T - 2]) equal(data.rows.start[t + 1] - data.rows.start[t], 0);
    // S2's price is missing on date 6. Alphalens (pct_change's default pad on pandas 1.x–2.x) carries
    // date 5's price into date 6, so S2 keeps its forward returns and its quantile on date 6 (quantile 4
    // in alphalens_reference.json); without padding (pandas 3) its returns from dates 5 and 6 are NaN.
    equal(data.quantile[6 * N + 2], 4);
    const unpadded = F.factorData(panel, { known }, { ...base, groupBy: "industry", padMissing: false });
    for (const t of [5, 6]) equal(unpadded.quantile[t * N + 2], 0);
  });
});

Deno.test("mean return by quantile, standard errors and the spread match Alphalens", () => {
  const returns = F.meanReturnByQuantile(data, { byGroup: true });
  for (const [k, p] of [1, 2].entries()) {
    assertAllNear(returns[k].mean, ref.mean_return[p], 1e-12);
    assertAllNear(returns[k].stdErr, ref.mean_return_se[p], 1e-12);
    const byGroup = ref.mean_return_by_group[p] as Record<string, number>;
    data.groupNames.forEach((g, gi) => {
      for (let q = 1; q <= 4; q++) {
        const expected = byGroup[`${g} ${q}.0`] ?? NaN; // pandas labels the quantile as a float
        assertNear(returns[k].byGroup!.mean[gi * 4 + q - 1], expected, 1e-12, `${g} q${q}`);
      }
    });
    const spread = F.quantileSpread(returns[k], 4, 1, 1);
    assertAllNear(spread.spread, byDate(ref.spread[p]), 1e-12);
    assertAllNear(spread.stdErr, byDate(ref.spread_se[p]), 1e-12);
  }
});

Deno.test("factor weights and returns (long/short, group-neutral, equal-weight) and alpha/beta match Alphalens", () => {
  const cases: [F.WeightOptions, string][] = [
    [{}, "factor_returns"],
    [{ groupAdjust: true }, "factor_returns_group_neutral"],
    [{ equalWeight: true }, "factor_returns_equal"],
  ];
  for (const [options, key] of cases) {
    const r = F.factorReturns(data, options);
    for (const [k, p] of [1, 2].entries()) assertAllNear(r[k], byDate(ref[key][p]), 1e-12);
  }
  const ab = F.factorAlphaBeta(data);
  for (const [k, p] of [1, 2].entries()) {
    assertNear(ab[k].ann_alpha, ref.alpha_beta[p][0], 1e-10);
    assertNear(ab[k].beta, ref.alpha_beta[p][1], 1e-10);
  }
  // gross exposure 1 per date, balanced long and short
  const w = F.factorWeights(data);
  let gross = 0, net = 0;
  for (let i = 0; i < N; i++) {
    gross += Math.abs(w[N + i]) || 0;
    net += w[N + i] || 0;
  }
  assertNear(gross, 1, 1e-12);
  assertNear(net, 0, 1e-12);
});

Deno.test("information coefficient by date, group-adjusted, by group, by month and its summary match Alphalens", () => {
  const ic = F.informationCoefficient(data, { byGroup: true });
  const adjusted = F.informationCoefficient(data, { groupAdjust: true });
  for (const [k, p] of [1, 2].entries()) {
    assertAllNear(ic[k].ic, byDate(ref.ic[p]), 1e-12);
    assertAllNear(adjusted[k].ic, byDate(ref.ic_group_adjusted[p]), 1e-12);
    const byGroup = F.meanIcByGroup(ic[k].byGroup!, data.groupNames.length);
    data.groupNames.forEach((g, gi) => assertNear(byGroup[gi], ref.ic_by_group_mean[p][g], 1e-12, g));
    assertAllNear(F.meanIcByPeriod(data.dates, ic[k].ic, "monthly").mean, ref.ic_monthly[p], 1e-12);
    const s = F.icSummary(ic[k].ic);
    const [mean, std, tStat, pValue, skew, kurtosis] = ref.ic_summary[p];
    assertNear(s.mean, mean, 1e-12);
    assertNear(s.std, std, 1e-12);
    assertNear(s.t_stat, tStat, 1e-12);
    assertNear(s.p_value, pValue, 1e-12);
    assertNear(s.skew, skew, 1e-10);
    assertNear(s.kurtosis, kurtosis, 1e-10);
  }
});

Deno.test("quantile turnover and factor rank autocorrelation match Alphalens", () => {
  for (const q of [1, 4]) {
    for (const p of [1, 2]) {
      assertAllNear(F.quantileTurnover(data, q, p), byDate(ref.turnover[`${q} ${p}`]), 1e-12);
    }
  }
  for (const p of [1, 2]) assertAllNear(F.factorRankAutocorrelation(data, p), byDate(ref.autocorr[p]), 1e-12);
});

Deno.test("cumulative returns of overlapping holdings and the event study", () => {
  const r = F.factorReturns(data);
  for (const [k, p] of [1, 2].entries()) {
    assertAllNear(F.cumulativePeriodReturns(r[k], p), ref.cumulative_factor[p], 1e-12);
  }
  // hand: period 1 is plain compounding; period 2 averages two books, each return spread over 2 bars
  assertAllNear(F.cumulativePeriodReturns([0.1, 0.1], 1), [0.1, 0.21]);
  assertAllNear(F.cumulativePeriodReturns([0.21, 0.44], 2), [(1.1 + 1) / 2 - 1, (1.21 + 1.2) / 2 - 1]);
  const ev = F.eventReturns(panel, data, { before: 2, after: 3 });
  deepEqual(Array.from(ev.offsets), [-2, -1, 0, 1, 2, 3]);
  for (let q = 1; q <= 4; q++) {
    assertAllNear(ev.mean.subarray((q - 1) * 6, q * 6), ref.events[q][0], 1e-12);
    assertAllNear(ev.std.subarray((q - 1) * 6, q * 6), ref.events[q][1], 1e-12);
  }
});

Deno.test("single-period forward returns look one bar, p bars ahead", () => {
  const d = F.factorData(panel, { known }, { ...base, cumulative: false });
  const mean = byDate(ref.forward_single_2);
  const { start, cols } = d.rows;
  for (let t = 0; t < T; t++) {
    if (start[t + 1] === start[t]) continue;
    let sum = 0;
    for (let p = start[t]; p < start[t + 1]; p++) sum += d.forward[1][t * N + cols[p]];
    assertNear(sum / (start[t + 1] - start[t]), mean[t], 1e-12, dates[t]);
  }
});
