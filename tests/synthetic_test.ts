import { deepEqual, fail, notEqual, ok as assert, throws } from "node:assert/strict";
import { isoDate } from "../lib/panel/types.ts";
import { syntheticCalendar } from "../lib/ingest/calendar.ts";
import { DEFAULT_SYNTHETIC, generateUniverse, simulateUniverse } from "../lib/ingest/synthetic.ts";
import type { Tables } from "../lib/store/tables.ts";

const DAY_MS = 86_400_000;

/** Default universe, generated once for the shape, arithmetic and statistics tests. */
const universe = simulateUniverse();
const tables = universe.tables;

/** SHA-256 (hex) of every column of the tables, in a fixed order. */
async function hashTables(t: Tables): Promise<string> {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [enc.encode(JSON.stringify(t.securities))];
  const floats = [
    t.calendar,
    t.prices.date,
    t.prices.open,
    t.prices.high,
    t.prices.low,
    t.prices.close,
    t.prices.volume,
    t.corporate_actions.ex_date,
    t.corporate_actions.value,
    t.descriptors.date,
    t.descriptors.mcap,
    t.descriptors.adv,
    t.descriptors.value,
    t.descriptors.beta,
  ];
  for (const a of floats) parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  for (const s of [t.prices.security_id, t.corporate_actions.security_id, t.corporate_actions.kind]) {
    parts.push(enc.encode(s.join(",")));
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Price row of each corporate action (binary search of its ex_date in the security's block of rows). */
function actionRows(t: Tables): Int32Array {
  const { security_id, date } = t.prices;
  const blocks = new Map<string, [number, number]>();
  for (let k = 0; k < date.length; k++) {
    if (k === 0 || security_id[k] !== security_id[k - 1]) blocks.set(security_id[k], [k, k]);
    blocks.get(security_id[k])![1] = k + 1;
  }
  const ca = t.corporate_actions;
  const rows = new Int32Array(ca.kind.length);
  for (let a = 0; a < rows.length; a++) {
    let [lo, hi] = blocks.get(ca.security_id[a]) ?? [0, 0];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (date[mid] < ca.ex_date[a]) lo = mid + 1;
      else hi = mid;
    }
    if (date[lo] !== ca.ex_date[a] || security_id[lo] !== ca.security_id[a]) {
      fail(`action ${a} (${ca.security_id[a]}, ${isoDate(ca.ex_date[a])}) has no price row`);
    }
    rows[a] = lo;
  }
  return rows;
}

/**
 * Rebuilds total returns from raw closes and the actions table with the CRSP/Yahoo back-adjustment:
 * `ret_e = close_e · s / (close_{e−1} − D) − 1` (s = 1, D = 0 without an action). Row-aligned, NaN
 * on each security's first row.
 */
function rebuildReturns(t: Tables): Float64Array {
  const { security_id, close } = t.prices;
  const split = new Float64Array(close.length).fill(1), dividend = new Float64Array(close.length);
  const rows = actionRows(t), ca = t.corporate_actions;
  for (let a = 0; a < rows.length; a++) {
    if (ca.kind[a] === "split") split[rows[a]] *= ca.value[a];
    else dividend[rows[a]] += ca.value[a];
  }
  const ret = new Float64Array(close.length).fill(NaN);
  for (let k = 1; k < close.length; k++) {
    if (security_id[k] === security_id[k - 1]) {
      ret[k] = close[k] * split[k] / (close[k - 1] - dividend[k]) - 1;
    }
  }
  return ret;
}

/** Date-major T×N matrix of a row-aligned column (NaN where a security has no row). */
function toMatrix(t: Tables, column: Float64Array): Float64Array {
  const n = t.securities.length;
  const col = new Map(t.securities.map((s, i) => [s.security_id, i]));
  const row = new Map(Array.from(t.calendar, (d, k) => [d, k]));
  const m = new Float64Array(t.calendar.length * n).fill(NaN);
  for (let k = 0; k < column.length; k++) {
    m[row.get(t.prices.date[k])! * n + col.get(t.prices.security_id[k])!] = column[k];
  }
  return m;
}

/** Ranks (0-based; the data are continuous, so ties do not occur) via a native sort and binary search. */
function ranks(x: Float64Array): Float64Array {
  const sorted = Float64Array.from(x).sort();
  const r = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) {
    let lo = 0, hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < x[k]) lo = mid + 1;
      else hi = mid;
    }
    r[k] = lo;
  }
  return r;
}

function pearson(a: Float64Array, b: Float64Array): number {
  let ma = 0, mb = 0;
  for (let k = 0; k < a.length; k++) (ma += a[k]), (mb += b[k]);
  ma /= a.length;
  mb /= b.length;
  let ab = 0, aa = 0, bb = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k] - ma, y = b[k] - mb;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Mean and t-statistic (mean / (sd/√n)) of a series. */
function meanT(xs: number[]): { mean: number; t: number } {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return { mean, t: mean / (sd / Math.sqrt(n)) };
}

/**
 * Daily Spearman IC of a signal known at the close of t against the return of t+1. The signal is a
 * sum of log(1 + ret) over days t−from … t−to, valid only where all of those days have returns.
 */
function dailyRankIc(ret: Float64Array, n: number, from: number, to: number, sign: number): number[] {
  const nT = ret.length / n;
  const cum = new Float64Array((nT + 1) * n); // cum[(t+1)n+i] = Σ_{u≤t} log1p(ret)
  const valid = new Float64Array((nT + 1) * n); // count of finite returns up to t
  for (let t = 0; t < nT; t++) {
    for (let i = 0; i < n; i++) {
      const r = ret[t * n + i], ok = Number.isNaN(r) ? 0 : 1;
      cum[(t + 1) * n + i] = cum[t * n + i] + (ok ? Math.log1p(r) : 0);
      valid[(t + 1) * n + i] = valid[t * n + i] + ok;
    }
  }
  const ics: number[] = [];
  const sig = new Float64Array(n), fwd = new Float64Array(n);
  for (let t = from; t + 1 < nT; t++) {
    let m = 0;
    for (let i = 0; i < n; i++) {
      const next = ret[(t + 1) * n + i];
      const lo = (t - from) * n + i, hi = (t - to + 1) * n + i;
      if (Number.isNaN(next) || valid[hi] - valid[lo] !== from - to + 1) continue;
      sig[m] = sign * (cum[hi] - cum[lo]);
      fwd[m++] = next;
    }
    if (m >= 30) ics.push(pearson(ranks(sig.subarray(0, m)), ranks(fwd.subarray(0, m))));
  }
  return ics;
}

Deno.test("syntheticCalendar() skips weekends, Jan 1 and Dec 25", () => {
  deepEqual(Array.from(syntheticCalendar("2014-12-24", 4), isoDate), [
    "2014-12-24",
    "2014-12-26",
    "2014-12-29",
    "2014-12-30",
  ]);
  deepEqual(Array.from(syntheticCalendar("2015-01-01", 2), isoDate), ["2015-01-02", "2015-01-05"]);
  deepEqual(syntheticCalendar(Date.UTC(2024, 0, 6), 1)[0], Date.UTC(2024, 0, 8));
  throws(() => syntheticCalendar("2014-13-01", 1), RangeError);
  throws(() => syntheticCalendar("2014-01-02", -1), RangeError);
});

Deno.test("generateUniverse() is deterministic in the seed", async (t) => {
  const small = { nSecurities: 80, years: 2 };
  const a = await hashTables(generateUniverse(small));
  await t.step("same seed ⇒ identical bytes", async () => {
    deepEqual(await hashTables(generateUniverse(small)), a);
  });
  await t.step("different seed ⇒ different bytes", async () => {
    notEqual(await hashTables(generateUniverse({ ...small, seed: 43 })), a);
  });
  await t.step("defaults are the documented ones", () => {
    deepEqual(
      { seed: 42, nSecurities: 500, years: 10, start: "2010-01-04" },
      {
        seed: DEFAULT_SYNTHETIC.seed,
        nSecurities: DEFAULT_SYNTHETIC.nSecurities,
        years: DEFAULT_SYNTHETIC.years,
        start: DEFAULT_SYNTHETIC.start,
      },
    );
  });
  await t.step("bad options throw", () => {
    throws(() => generateUniverse({ seed: 1.5 }), TypeError);
    throws(() => generateUniverse({ nSecurities: 0 }), RangeError);
    throws(() => generateUniverse({ years: 0 }), RangeError);
  });
});

Deno.test("generateUniverse() has the shape of an equity universe", async (t) => {
  const { securities, prices, calendar, descriptors } = tables;
  const n = securities.length;
  await t.step("calendar: 2520 complete trading days from 2010-01-04", () => {
    deepEqual(calendar.length, 2520);
    deepEqual(isoDate(calendar[0]), "2010-01-04");
    for (let k = 1; k < calendar.length; k++) {
      for (let d = calendar[k - 1] + DAY_MS; d < calendar[k]; d += DAY_MS) {
        const day = new Date(d), dow = day.getUTCDay(), md = isoDate(d).slice(5);
        assert(
          dow === 0 || dow === 6 || md === "01-01" || md === "12-25",
          `missing trading day ${isoDate(d)}`,
        );
      }
      const dow = new Date(calendar[k]).getUTCDay();
      assert(dow !== 0 && dow !== 6, `weekend in calendar: ${isoDate(calendar[k])}`);
    }
  });
  await t.step("securities: ids, 11 industries, late listings and delistings", () => {
    deepEqual(n, 500);
    deepEqual(securities[0].security_id, "SYN0001");
    deepEqual(securities[499].security_id, "SYN0500");
    deepEqual(new Set(securities.map((s) => s.industry)).size, 11);
    const late = securities.filter((s) => s.listed! > calendar[0]).length;
    const delisted = securities.filter((s) => s.delisted !== null).length;
    assert(late >= 0.08 * n && late <= 0.22 * n, `late listings ${late} of ${n}`);
    assert(delisted >= 0.04 * n && delisted <= 0.12 * n, `delistings ${delisted} of ${n}`);
  });
  await t.step("prices: every listed day present, none outside [listed, delisted]", () => {
    const byId = new Map(securities.map((s) => [s.security_id, s]));
    const dayIndex = new Map(Array.from(calendar, (d, k) => [d, k]));
    const rows = new Map<string, number>();
    for (let k = 0; k < prices.close.length; k++) {
      const s = byId.get(prices.security_id[k])!;
      const d = prices.date[k];
      if (d < s.listed! || d > (s.delisted ?? calendar[calendar.length - 1])) fail(`row ${k} outside window`);
      rows.set(s.security_id, (rows.get(s.security_id) ?? 0) + 1);
    }
    for (const s of securities) {
      const first = dayIndex.get(s.listed!)!,
        last = dayIndex.get(s.delisted ?? calendar[calendar.length - 1])!;
      deepEqual(rows.get(s.security_id), last - first + 1, `${s.security_id} row count`);
    }
  });
  await t.step("prices: positive, OHLC ordered, volume positive; descriptors sane", () => {
    const { open, high, low, close, volume } = prices;
    let minMcap = Infinity, maxMcap = 0;
    for (let k = 0; k < close.length; k++) {
      if (!(low[k] > 0 && low[k] <= open[k] && low[k] <= close[k])) fail(`row ${k}: low ${low[k]}`);
      if (!(high[k] >= open[k] && high[k] >= close[k])) fail(`row ${k}: high ${high[k]}`);
      if (!(volume[k] >= 1 && Number.isInteger(volume[k]))) fail(`row ${k}: volume ${volume[k]}`);
      if (!(descriptors.adv[k] > 0 && descriptors.value[k] > 0 && descriptors.beta[k] > 0)) fail(`row ${k}`);
      minMcap = Math.min(minMcap, descriptors.mcap[k]);
      maxMcap = Math.max(maxMcap, descriptors.mcap[k]);
    }
    assert(minMcap < 1e9 && maxMcap > 1e11, `mcap spread ${minMcap}…${maxMcap}`);
  });
  await t.step("adv is the trailing 20-day mean of close × volume", () => {
    let k = 1000; // a row with 19 earlier rows of the same security
    while (prices.security_id[k - 19] !== prices.security_id[k]) k++;
    let sum = 0;
    for (let j = k - 19; j <= k; j++) sum += prices.close[j] * prices.volume[j];
    assert(Math.abs(descriptors.adv[k] / (sum / 20) - 1) < 1e-9, `adv ${descriptors.adv[k]} vs ${sum / 20}`);
  });
});

Deno.test("generateUniverse() corporate actions obey the back-adjustment arithmetic", async (t) => {
  const { corporate_actions: ca, prices, securities, descriptors } = tables;
  const rebuilt = rebuildReturns(tables);
  const rows = actionRows(tables);
  const splitRows: number[] = [], dividendRows: number[] = [];
  for (let a = 0; a < rows.length; a++) {
    const row = rows[a];
    if (row === 0 || prices.security_id[row - 1] !== ca.security_id[a]) {
      fail(`action ${a} has no previous close`);
    }
    (ca.kind[a] === "split" ? splitRows : dividendRows).push(row);
  }
  await t.step("counts: ~1 split per name per 15 years, dividends for about half the names", () => {
    const nameYears = prices.close.length / 252;
    assert(
      splitRows.length > nameYears / 30 && splitRows.length < nameYears / 8,
      `${splitRows.length} splits`,
    );
    const payers = new Set(dividendRows.map((r) => prices.security_id[r])).size;
    assert(payers > 0.3 * securities.length && payers < 0.7 * securities.length, `${payers} payers`);
    for (const k of ca.value.keys()) {
      if (ca.kind[k] === "split") assert([1.5, 2, 3].includes(ca.value[k]), `split ratio ${ca.value[k]}`);
    }
  });
  await t.step("rebuilt total return equals the model return on split and dividend ex-dates", () => {
    for (const row of [...splitRows, ...dividendRows]) {
      assert(
        Math.abs(rebuilt[row] - universe.ret[row]) < 1e-9,
        `row ${row}: ${rebuilt[row]} vs ${universe.ret[row]}`,
      );
    }
  });
  await t.step("… and on every other day", () => {
    let worst = 0;
    for (let k = 0; k < rebuilt.length; k++) {
      if (Number.isNaN(universe.ret[k]) !== Number.isNaN(rebuilt[k])) fail(`row ${k}: NaN mismatch`);
      if (!Number.isNaN(universe.ret[k])) worst = Math.max(worst, Math.abs(rebuilt[k] - universe.ret[k]));
    }
    assert(worst < 1e-9, `largest mismatch ${worst}`);
  });
  await t.step("splits show in raw prices; mcap is continuous through them", () => {
    for (const row of splitRows) {
      const raw = prices.close[row] / prices.close[row - 1] - 1;
      assert(Math.abs(raw - universe.ret[row]) > 0.2, `split at row ${row} not visible in raw close`);
      const mcapRet = descriptors.mcap[row] / descriptors.mcap[row - 1] - 1;
      assert(Math.abs(mcapRet - universe.ret[row]) < 1e-9, `mcap jumps at split row ${row}`);
    }
  });
});

Deno.test("generateUniverse() returns have realistic statistics and cross-sectional effects", async (t) => {
  const n = tables.securities.length;
  const ret = toMatrix(tables, rebuildReturns(tables));
  const nT = tables.calendar.length;
  const market: number[] = [];
  let dispersion = 0, s1 = 0, s2 = 0, s4 = 0, count = 0;
  for (let d = 1; d < nT; d++) {
    let m = 0, sq = 0, c = 0;
    for (let i = 0; i < n; i++) {
      const r = ret[d * n + i];
      if (Number.isNaN(r)) continue;
      m += r;
      sq += r * r;
      c++;
      s1 += r;
      count++;
    }
    market.push(m / c);
    dispersion += Math.sqrt((sq - m * m / c) / (c - 1));
  }
  dispersion /= nT - 1;
  const mu = s1 / count;
  for (const r of ret) if (!Number.isNaN(r)) (s2 += (r - mu) ** 2), (s4 += (r - mu) ** 4);
  const kurtosis = (s4 / count) / (s2 / count) ** 2 - 3;
  await t.step("cross-sectional dispersion 1–4% a day; fat tails", () => {
    assert(dispersion > 0.01 && dispersion < 0.04, `dispersion ${dispersion}`);
    assert(kurtosis > 1, `excess kurtosis ${kurtosis}`);
  });
  await t.step("volatility clusters: autocorrelation of |market| at lag 1 > 0.1", () => {
    const abs = Float64Array.from(market, Math.abs);
    const acf = pearson(abs.subarray(1), abs.subarray(0, abs.length - 1));
    assert(acf > 0.1, `acf ${acf}`);
    const annualVol = Math.sqrt(market.reduce((s, x) => s + x * x, 0) / market.length * 252);
    assert(annualVol > 0.1 && annualVol < 0.3, `market annual vol ${annualVol}`);
  });
  await t.step("5-day reversal: mean daily rank IC > 0.005 with t > 3", () => {
    const { mean, t: tStat } = meanT(dailyRankIc(ret, n, 4, 0, -1));
    assert(mean > 0.005 && mean < 0.03 && tStat > 3, `reversal IC ${mean}, t ${tStat}`);
  });
  await t.step("12-1 momentum: mean daily rank IC > 0", () => {
    const { mean } = meanT(dailyRankIc(ret, n, 251, 21, 1));
    assert(mean > 0 && mean < 0.02, `momentum IC ${mean}`);
  });
  await t.step("12-1 momentum is the model's doing: 4× the strength gives t > 3, 0 gives none", () => {
    const ics = (momentum: number) => {
      const u = generateUniverse({ nSecurities: 300, years: 6, momentum });
      return meanT(dailyRankIc(toMatrix(u, rebuildReturns(u)), 300, 251, 21, 1));
    };
    const strong = ics(4 * DEFAULT_SYNTHETIC.momentum), none = ics(0);
    assert(strong.t > 3, `4× momentum IC ${strong.mean}, t ${strong.t}`);
    assert(Math.abs(none.t) < 3, `no momentum but IC ${none.mean}, t ${none.t}`);
  });
});
