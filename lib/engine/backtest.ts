/**
 * The cross-sectional fractile backtest: `backtest(panel, signal, config)`, and `createBacktester`
 * for running many variants of one signal cheaply (sorting and residualization are done once per
 * residualize mode and re-used across lags, weights, fractiles and costs).
 */
import { drawdownSeries, mean, sampleStd } from "../metrics/core.ts";
import type { Panel } from "../panel/types.ts";
import { knownMatrix } from "../signal/align.ts";
import { resolveConfig } from "./config.ts";
import { averageRanksInto, pearsonOver, spearman } from "./rank.ts";
import { residualize } from "./residualize.ts";
import { earnedReturns } from "./returns.ts";
import {
  type PreparedCap,
  type PreparedReturns,
  type PreparedSignal,
  simulate,
  type SliceSeries,
} from "./simulate.ts";
import { rowOrders } from "./sort.ts";
import { sharedInt32, sharedUint8 } from "../util/shared.ts";
import { gather, pickDays, type SliceDaily, sliceSummary } from "./summary.ts";
import type {
  BacktestConfig,
  BacktestOptions,
  BacktestResult,
  ResidualizeMode,
  SignalInput,
  SliceSummary,
} from "./types.ts";

/** What a backtester computes beyond the configuration's results. */
export interface BacktesterOptions {
  /**
   * Compute `diagnostics.rank_autocorrelation` (one extra pass over the sorted signal per residualize
   * mode, cached). Default false: it is NaN in the results. `backtest()` asks for it.
   */
  rankAutocorrelation?: boolean;
}

/** A signal bound to a panel, with caches; `run(options)` backtests one configuration. */
export interface Backtester {
  /** The `T × N` matrix of values known at each close (before residualization). */
  readonly known: Float64Array;
  /** Runs one configuration (options over `DEFAULT_CONFIG`). */
  run(options?: BacktestOptions): BacktestResult;
}

/**
 * Binds a signal to a panel for repeated backtests. Caches, each built on first use: per residualize
 * mode the residualized matrix, its per-date sort orders and (when asked) the rank autocorrelation; per PANEL
 * (shared by every backtester on it, held weakly) the earned returns and their sort orders per
 * `fromOpen`, and the mcap sort orders — panels are treated as immutable. Memory stays proportional
 * to the panel (a few `T × N` arrays per mode used).
 *
 * @example
 * ```ts
 * const bt = createBacktester(panel, { known });
 * for (const residualize of ["off", "industry"] as const) {
 *   for (const lag of [0, 1, 2]) console.log(lag, residualize, bt.run({ lag, residualize }).summary.overall.sharpe);
 * }
 * ```
 */
export function createBacktester(
  panel: Panel,
  signal: SignalInput,
  backtesterOptions: BacktesterOptions = {},
): Backtester {
  const nT = panel.dates.length, nS = panel.securityIds.length;
  if (!panel.fields.ret) {
    throw new RangeError(
      `backtest needs a "ret" field; fields present: ${Object.keys(panel.fields).join(", ")}`,
    );
  }
  const known = "known" in signal ? signal.known : knownMatrix(panel, signal);
  if (known.length !== nT * nS) {
    throw new RangeError(`known matrix has ${known.length} cells, expected ${nT} dates × ${nS} securities`);
  }
  const signals = new Map<ResidualizeMode, PreparedSignal>();
  const autocorrelations = new Map<ResidualizeMode, number>();
  const shared = panelCache(panel);

  const preparedSignal = (mode: ResidualizeMode): PreparedSignal => {
    let prepared = signals.get(mode);
    if (!prepared) {
      const values = residualize(known, panel, mode);
      const orders = rowOrders(values, nT, nS);
      let firstRow = -1, lastRow = -1;
      for (let t = 0; t < nT; t++) {
        if (orders.start[t + 1] > orders.start[t]) {
          if (firstRow < 0) firstRow = t;
          lastRow = t;
        }
      }
      prepared = { values, orders, firstRow, lastRow };
      signals.set(mode, prepared);
    }
    return prepared;
  };

  const run = (options: BacktestOptions = {}): BacktestResult => {
    const config = resolveConfig(options);
    const sig = preparedSignal(config.residualize);
    const needCap = config.weight === "cap" || config.slices.includes("cap");
    const capInput = needCap ? shared.cap() : null;
    if (config.weight === "cap" && !capInput) {
      throw new RangeError(
        `weight "cap" needs an "mcap" field; fields present: ${Object.keys(panel.fields).join(", ")}`,
      );
    }
    const sim = simulate(sig, shared.returns(config.fromOpen), capInput, nT, nS, config);
    let autocorrelation = autocorrelations.get(config.residualize) ?? NaN;
    if (backtesterOptions.rankAutocorrelation && !autocorrelations.has(config.residualize)) {
      autocorrelation = rankAutocorrelation(sig, nT, nS);
      autocorrelations.set(config.residualize, autocorrelation);
    }
    return assemble(panel, sim, config, autocorrelation);
  };
  return { known, run };
}

/**
 * Backtests one signal on a panel: long the top fractile, short the bottom, rebalanced daily,
 * with costs, slices, fractile returns, rank IC and diagnostics. Conventions are in
 * `lib/engine/simulate.ts` (ranks, legs, weights, turnover, skipping) and `lib/signal/align.ts`
 * (timing: a value known at the close of day k earns the return of day k + 1 + lag).
 *
 * @example
 * ```ts
 * const result = backtest(panel, signal, { lag: 1, residualize: "industry", tcBps: 5 });
 * result.summary.overall.sharpe; result.ic.mean; result.daily.net;
 * ```
 */
export function backtest(panel: Panel, signal: SignalInput, options: BacktestOptions = {}): BacktestResult {
  return createBacktester(panel, signal, { rankAutocorrelation: true }).run(options);
}

/**
 * A panel's preparations that do not depend on the signal: per-date sorted earned returns
 * (close-to-close) and market caps. Built once per panel object and shared by every backtester on
 * it; a suite builds them in shared memory and hands them to its workers (`adoptPreparation`).
 */
export interface PanelPreparation {
  readonly returns: PreparedReturns;
  readonly cap: PreparedCap | null;
}

/** Per-panel caches: earned returns per `fromOpen`, market caps. */
interface PanelCache {
  returns(fromOpen: boolean): PreparedReturns;
  cap(): PreparedCap | null;
}

const panelCaches = new WeakMap<Panel, PanelCache>();

/**
 * The close-to-close preparation of `panel` (built on first use and cached for the panel object),
 * in shared memory when `shared` — then it can be posted to workers without a copy.
 *
 * @example
 * ```ts
 * const prep = preparePanel(panel, true);
 * worker.postMessage({ panel, prep }); // the worker calls adoptPreparation(panel, prep)
 * ```
 */
export function preparePanel(panel: Panel, shared = false): PanelPreparation {
  const cache = panelCache(panel, shared);
  return { returns: cache.returns(false), cap: cache.cap() };
}

/**
 * Makes a preparation built elsewhere (by `preparePanel` on another thread, for the same data) the
 * cache of this panel object, so its backtesters do not sort the returns and caps again.
 */
export function adoptPreparation(panel: Panel, preparation: PanelPreparation): void {
  const cache = panelCache(panel);
  const { returns: build } = cache;
  panelCaches.set(panel, {
    returns: (fromOpen) => (fromOpen ? build(true) : preparation.returns),
    cap: () => preparation.cap,
  });
}

function panelCache(panel: Panel, shared = false): PanelCache {
  let cache = panelCaches.get(panel);
  if (cache) return cache;
  const nT = panel.dates.length, nS = panel.securityIds.length;
  const returns = new Map<boolean, PreparedReturns>();
  let cap: PreparedCap | null | undefined;
  cache = {
    returns(fromOpen) {
      let prepared = returns.get(fromOpen);
      if (!prepared) {
        const { earned, overnight } = earnedReturns(panel, fromOpen);
        const orders = rowOrders(earned, nT, nS, shared);
        const withRet = shared ? sharedInt32(nT) : new Int32Array(nT);
        for (let t = 0; t < nT; t++) withRet[t] = orders.start[t + 1] - orders.start[t];
        const valid = shared ? sharedUint8(earned.length) : new Uint8Array(earned.length);
        for (let c = 0; c < valid.length; c++) valid[c] = Number.isFinite(earned[c]) ? 1 : 0;
        prepared = { earned, overnight, orders, valid, withRet };
        returns.set(fromOpen, prepared);
      }
      return prepared;
    },
    cap() {
      if (cap === undefined) {
        const mcap = panel.fields.mcap;
        cap = mcap ? { mcap, orders: rowOrders(mcap, nT, nS, shared) } : null;
      }
      return cap;
    },
  };
  panelCaches.set(panel, cache);
  return cache;
}

/** Daily series of a slice over its traded dates, plus those dates' indices. */
function sliceDaily(
  series: SliceSeries,
  coverage: Float64Array,
  tcBps: number,
): SliceDaily & { index: Int32Array; long: Float64Array; short: Float64Array } {
  let n = 0;
  for (let t = 0; t < series.traded.length; t++) n += series.traded[t];
  const index = new Int32Array(n);
  n = 0;
  for (let t = 0; t < series.traded.length; t++) if (series.traded[t]) index[n++] = t;
  const pick = (x: Float64Array) => gather(x, index);
  const long = pick(series.long), short = pick(series.short), turnover = pick(series.turnover);
  const gross = long.map((l, k) => l - short[k]);
  const net = gross.map((g, k) => g - (tcBps / 1e4) * turnover[k]);
  return {
    index,
    long,
    short,
    gross,
    net,
    turnover,
    n_long: pick(series.nLong),
    n_short: pick(series.nShort),
    coverage: pick(coverage),
  };
}

function assemble(
  panel: Panel,
  sim: ReturnType<typeof simulate>,
  config: BacktestConfig,
  rankAutocorrelation: number,
): BacktestResult {
  const ppy = panel.periodsPerYear;
  const dates = panel.dates;
  const overall = sliceDaily(sim.overall, sim.coverage, config.tcBps);
  const date = gather(dates, overall.index);
  const years = new Map<string, number[]>();
  date.forEach((d, k) => {
    const year = String(new Date(d).getUTCFullYear());
    const list = years.get(year) ?? [];
    list.push(k);
    years.set(year, list);
  });
  const year: Record<string, SliceSummary> = {};
  if (config.slices.includes("year")) {
    for (const [y, ks] of years) year[y] = sliceSummary(pickDays(overall, Int32Array.from(ks)), ppy);
  }
  const cap = sim.terciles
    ? Object.fromEntries(
      (["small", "mid", "large"] as const).map((name, g) => [
        name,
        sliceSummary(sliceDaily(sim.terciles![g], sim.coverage, config.tcBps), ppy),
      ]),
    ) as Record<"small" | "mid" | "large", SliceSummary>
    : undefined;
  const wealth = new Float64Array(overall.net.length);
  let w = 1;
  overall.net.forEach((r, k) => (wealth[k] = (w *= 1 + r) - 1));
  const meanReturn = sim.bucketDateMeanSum.map((
    s,
    b,
  ) => (sim.bucketDates[b] > 0 ? s / sim.bucketDates[b] : NaN));
  const pooled = sim.bucketSum.map((s, b) => (sim.bucketCount[b] > 0 ? s / sim.bucketCount[b] : NaN));
  const ic = gather(sim.ic, overall.index);
  const icMean = mean(ic), icStd = sampleStd(ic);
  let icN = 0;
  for (let k = 0; k < ic.length; k++) if (Number.isFinite(ic[k])) icN++;
  return {
    summary: { overall: sliceSummary(overall, ppy), year, ...(cap ? { cap } : {}) },
    daily: {
      date,
      long: overall.long,
      short: overall.short,
      gross: overall.gross,
      net: overall.net,
      cumulative: wealth,
      drawdown: drawdownSeries(overall.net),
      turnover: overall.turnover,
      n_long: overall.n_long,
      n_short: overall.n_short,
    },
    fractiles: {
      buckets: meanReturn.length,
      mean_return: meanReturn,
      mean_return_pooled: pooled,
      count: sim.bucketCount,
      dates: sim.bucketDates,
      monotonicity: spearman(meanReturn.map((_, b) => b), meanReturn),
    },
    ic: { date, ic, mean: icMean, std: icStd, ir: icMean / icStd, t_stat: (icMean / icStd) * Math.sqrt(icN) },
    diagnostics: {
      coverage: sim.coverage,
      missing_share: sim.missingShare,
      rank_autocorrelation: rankAutocorrelation,
      skipped_dates: sim.skipped.length,
      skipped: gather(dates, sim.skipped),
      tied_dates: sim.tied.length,
      tied: gather(dates, sim.tied),
    },
    warnings: sim.tied.length
      ? [
        `${sim.tied.length} of ${
          sim.tied.length + overall.index.length
        } dates have no position: the signal is tied across a leg's edge there (e.g. constant that day), and tied values are never split by column order`,
      ]
      : [],
    config,
  };
}

/**
 * Mean Spearman correlation between consecutive rows' values over the names finite in both (≥ 3),
 * average ranks for ties. NaN when no pair of consecutive rows qualifies.
 */
function rankAutocorrelation(sig: PreparedSignal, nT: number, nS: number): number {
  const { values, orders } = sig;
  const inPrev = new Int32Array(nS), inCur = new Int32Array(nS);
  const a = new Int32Array(nS), b = new Int32Array(nS);
  const ra = new Float64Array(nS), rb = new Float64Array(nS);
  let sum = 0, count = 0;
  for (let t = 1; t < nT; t++) {
    for (let p = orders.start[t - 1]; p < orders.start[t]; p++) inPrev[orders.order[p]] = t;
    for (let p = orders.start[t]; p < orders.start[t + 1]; p++) inCur[orders.order[p]] = t;
    let n = 0;
    for (let p = orders.start[t]; p < orders.start[t + 1]; p++) {
      if (inPrev[orders.order[p]] === t) a[n++] = orders.order[p];
    }
    if (n < 3) continue;
    let m = 0;
    for (let p = orders.start[t - 1]; p < orders.start[t]; p++) {
      if (inCur[orders.order[p]] === t) b[m++] = orders.order[p];
    }
    averageRanksInto(a, n, values, t * nS, ra);
    averageRanksInto(b, m, values, (t - 1) * nS, rb);
    const r = pearsonOver(ra, rb, a, n);
    if (Number.isFinite(r)) {
      sum += r;
      count++;
    }
  }
  return count ? sum / count : NaN;
}
