// The per-date rankings of lib/factor/_rank.ts against the definition of average ("fractional") ranks,
// scipy.stats.rankdata(method="average"): rank(x_i) = 1 + #{j : x_j < x_i} + (#{j : x_j = x_i} - 1) / 2,
// counted here by brute force over the pairs, on cross-sections built to hit the distribution sort's
// edge cases (ties, a crowded bucket, ranges at both ends of the doubles, a constant row).

import { deepEqual, equal } from "node:assert/strict";
import { rankRows, RowRanker } from "../lib/factor/_rank.ts";
import { createRng } from "../lib/util/rng.ts";

/** Average ranks by the definition, O(n²). */
function averageRanks(x: readonly number[]): number[] {
  return x.map((v) => 1 + x.filter((w) => w < v).length + (x.filter((w) => w === v).length - 1) / 2);
}

const rng = createRng(7);
const cases: [string, number[]][] = [
  // hand-checked: 3 → 2.5 (tied with the other 3, positions 2 and 3), 1 → 1, 5 → 4
  ["ties", [3, 1, 3, 5]],
  ["a constant row", [2, 2, 2, 2, 2]],
  ["two names", [0.5, -0.5]],
  ["returns with ties", Array.from({ length: 500 }, () => Math.round(40 * rng.normal()) / 1000)],
  // one outlier puts every other value into the first bucket (one crowded bucket, sorted as a whole)
  ["an outlier", [...Array.from({ length: 300 }, () => 0.01 * rng.normal()), 50]],
  // max - min overflows to Infinity: no buckets
  ["a range beyond the doubles", [1e308, -1e308, 0, 5, -5, 1e308]],
  // a range of a few subnormals: n / range overflows, no buckets
  ["a subnormal range", [5e-324, 0, 1e-323, 5e-324, 1.5e-323]],
  ["negative zero", [-0, 0, -1, 1, 0]],
];

Deno.test("RowRanker ranks each date like scipy's rankdata(method='average'), whatever the spread of values", async (t) => {
  for (const [name, x] of cases) {
    await t.step(name, () => {
      // the values sit in a wider row at an offset, in column order 3, 4, …, as a date's universe does
      const nS = x.length + 3, base = 2 * nS, values = new Float64Array(3 * nS).fill(NaN);
      const cols = Int32Array.from(x, (_, j) => j + 3);
      x.forEach((v, j) => (values[base + j + 3] = v));
      const ranker = new RowRanker(nS);
      equal(ranker.rank(values, base, cols), x.length);
      deepEqual(Array.from(cols, (i) => ranker.ranks[i]), averageRanks(x));
      // the order lists every name once, ascending by value
      const order = Array.from(ranker.order.subarray(0, x.length));
      deepEqual([...order].sort((a, b) => a - b), Array.from(cols));
      for (let j = 1; j < order.length; j++) {
        equal(values[base + order[j - 1]] <= values[base + order[j]], true, `order at ${j}`);
      }
    });
  }
  await t.step("the same ranks as rankRows over a whole matrix", () => {
    const nT = 4,
      nS = 200,
      values = Float64Array.from({ length: nT * nS }, () => Math.round(rng.normal() * 30));
    const cols = Int32Array.from({ length: nT * nS }, (_, c) => c % nS);
    const start = Int32Array.from({ length: nT + 1 }, (_, t) => t * nS);
    const { ranks } = rankRows(values, { start, cols }, nS);
    const ranker = new RowRanker(nS);
    for (let t = 0; t < nT; t++) {
      ranker.rank(values, t * nS, cols.subarray(start[t], start[t + 1]));
      deepEqual(Array.from(ranker.ranks), Array.from(ranks.subarray(t * nS, (t + 1) * nS)));
    }
  });
  await t.step(
    "rankRows keeps the quicksort's order among tied factor values (it orders the IC's sums)",
    () => {
      // 40 values 0..8 in a cycle: beyond the 24 keys sortPairs insertion-sorts, so its partitioning
      // shuffles the ties; the order pinned is main's rankRows (a2546d1, quicksort only) on this input
      const x = Float64Array.from({ length: 40 }, (_, j) => (j * 7) % 9);
      const rows = { start: Int32Array.of(0, 40), cols: Int32Array.from({ length: 40 }, (_, j) => j) };
      deepEqual(
        Array.from(rankRows(x, rows, 40).order),
        [
          0,
          36,
          27,
          9,
          18,
          4,
          31,
          22,
          13,
          35,
          8,
          26,
          17,
          39,
          30,
          21,
          12,
          3,
          16,
          25,
          7,
          34,
          20,
          11,
          29,
          2,
          38,
          15,
          24,
          6,
          33,
          19,
          10,
          28,
          37,
          1,
          14,
          23,
          5,
          32,
        ],
      );
    },
  );
});

Deno.test("RowRanker.rankWithinGroups gives each group's average ranks (rankdata within the group)", async (t) => {
  const cases: [string, number[]][] = [
    // hand-checked, groups [0, 1, 0, 1, 0, 1]: group 0 holds 3, 3, 1 → 2.5, 2.5, 1; group 1 holds
    // 5, 2, 4 → 3, 1, 2
    ["ties in one group", [3, 5, 3, 2, 1, 4]],
    ["no ties", Array.from({ length: 300 }, () => rng.normal())],
    ["ties across and within groups", Array.from({ length: 300 }, () => Math.round(10 * rng.normal()))],
  ];
  for (const [name, x] of cases) {
    await t.step(name, () => {
      const nS = x.length, nG = 3 - Number(nS === 6), groups = Int32Array.from(x, (_, i) => i % nG);
      const values = Float64Array.from(x), cols = Int32Array.from(x, (_, i) => i);
      const ranker = new RowRanker(nS), out = new Float64Array(nS).fill(NaN);
      ranker.rank(values, 0, cols);
      ranker.rankWithinGroups(nS, groups, nG, out);
      const expected = new Array<number>(nS);
      for (let g = 0; g < nG; g++) {
        const members = cols.filter((i) => groups[i] === g);
        const ranks = averageRanks(Array.from(members, (i) => x[i]));
        members.forEach((i, j) => (expected[i] = ranks[j]));
      }
      deepEqual(Array.from(out), expected);
      if (nS === 6) deepEqual(Array.from(out), [2.5, 3, 2.5, 1, 1, 2]);
    });
  }
});
