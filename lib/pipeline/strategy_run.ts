/**
 * A strategy run end to end, above the engines and the report: snapshot → panel, series, corporate
 * actions and benchmark → strategy weights → portfolio simulation → metrics → recorded run (kind
 * "strategy") with its tear sheet. An identical run (same snapshot, strategy source, parameters and
 * settings) is recognised from its config hash before anything is computed.
 *
 * On intraday bars (`interval` 1h, 5m, 1m) the strategy sees the bar panel (lookbacks count in bars),
 * its daily series (rates, levels) as of the previous session's date, so no bar sees a value published
 * at its own session's close; the simulator runs per bar with cash, borrow, corporate actions and the
 * tax day per session (see `lib/portfolio/simulate.ts`); the metrics annualise over the panel's
 * `periodsPerYear` (252 × bars per session). A benchmark must then be an index with bars of the
 * interval.
 */
import { join } from "node:path";
import { readPanel } from "../panel/load.ts";
import { asOf, readSeries, type Series } from "../panel/series.ts";
import { isoDate, type Panel } from "../panel/types.ts";
import { readCorporateEvents } from "../portfolio/actions.ts";
import { readSecurityTerms, type SecurityTerms } from "../portfolio/security_terms.ts";
import { resolveSimulation, type SimulationConfig, type SimulationOptions } from "../portfolio/config.ts";
import { scheduleLabel } from "../portfolio/calendar.ts";
import { marketFromPanel, type PortfolioResult, simulatePortfolio } from "../portfolio/simulate.ts";
import { monthlyCosts, type PortfolioMetrics, portfolioMetrics } from "../portfolio/summary.ts";
import { TRADE_KINDS } from "../portfolio/records.ts";
import { portfolioTearsheet } from "../report/portfolio_tearsheet.ts";
import { portfolioView, recordedRunView } from "../report/portfolio_view.ts";
import { readDaily } from "../track/read_daily.ts";
import { type Displayable, displayable } from "../nb/displayable.ts";
import { shellQuote } from "../report/page_parts.ts";
import { openSnapshot } from "../snapshot/catalog.ts";
import { verifiedManifest } from "../snapshot/verify.ts";
import { queryRows, sqlString } from "../store/db.ts";
import {
  instrumentId,
  type InstrumentSpec,
  parseInstrument,
  withInstruments,
} from "../strategy/instruments.ts";
import { type Params, validateParams } from "../strategy/params.ts";
import { discoverStrategies, type Registry } from "../strategy/registry.ts";
import { generateWeights } from "../strategy/run.ts";
import type { StrategyEntry } from "../strategy/types.ts";
import { recordOnce, runConfigHash, type RunIdentity } from "../track/record_run.ts";
import type { LockHolder } from "../track/run_lock.ts";
import type { RunInput, RunJson, RunRecord, RunTable } from "../track/types.ts";
import { sha256File, sha256Hex } from "../util/hash.ts";
import { readBarSession } from "../bars/panel.ts";
import { checkInterval, type Interval, sessionDays } from "../bars/session.ts";
import { checkOptions, optionKeys } from "../util/options.ts";

/** What to run and how. */
export interface StrategyRunOptions {
  readonly strategy: string;
  readonly snapshot: string;
  readonly snapshotsDir?: string;
  /**
   * Bar size: `1d` (default, daily prices) or intraday `1h`, `5m`, `1m` (the snapshot's bars; see the
   * module doc).
   */
  readonly interval?: Interval;
  /** Strategy parameters (typed or strings); validated against its schema before anything runs. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Simulator settings; the schedule defaults to the strategy's own (else monthly). */
  readonly simulation?: SimulationOptions;
  /**
   * The benchmark for the comparison and trend filters: an index security of the snapshot (e.g. "SPX"),
   * else an index-level series (e.g. "IBOV" from the B3 loaders).
   */
  readonly benchmark?: string | null;
  /** Synthetic instruments the strategy trades (`spread:A:B[:beta]`, `ratio:A:B` or specs). */
  readonly instruments?: readonly (InstrumentSpec | string)[];
  /** Restrict the strategy's universe to these securities (with instruments: keep them beside). */
  readonly securities?: readonly string[];
  /** Where strategies come from (default: `discoverStrategies()`). */
  readonly registry?: Registry;
  readonly runsDir?: string;
  /** Record the run (default true); false computes and returns without writing. */
  readonly record?: boolean;
  /** Record a new run even when an identical one exists. */
  readonly force?: boolean;
  /** Called once when an identical run is being computed by another process (this one waits for it). */
  readonly onWait?: (holder: LockHolder | undefined) => void;
  readonly author?: string;
  /** Run grouping (default: the strategy name). */
  readonly experiment?: string;
  /** Called (and awaited) as each step starts: load snapshot, strategy weights, simulate, record. */
  readonly onStep?: (step: string, index: number, total: number) => void | Promise<void>;
}

const STRATEGY_RUN_KEYS = optionKeys<StrategyRunOptions>({
  strategy: true,
  snapshot: true,
  snapshotsDir: true,
  interval: true,
  params: true,
  simulation: true,
  benchmark: true,
  instruments: true,
  securities: true,
  registry: true,
  runsDir: true,
  record: true,
  force: true,
  onWait: true,
  author: true,
  experiment: true,
  onStep: true,
});

/** What a strategy run produced (everything but `run` is absent when an identical run was reused). */
export interface StrategyRun {
  readonly strategy: StrategyEntry;
  readonly params: Params;
  readonly config: SimulationConfig;
  readonly configHash: string;
  readonly reused: boolean;
  readonly run?: RunRecord;
  readonly result?: PortfolioResult;
  readonly metrics?: PortfolioMetrics;
  readonly weights?: Float64Array;
  readonly benchmark?: { readonly id: string; readonly ret: Float64Array };
}

const STEPS = ["load snapshot", "strategy weights", "simulate", "record"];

/**
 * Hash of every strategy source a run executes: the strategy's file and any registered strategy a
 * string parameter names (a wrapper's inner strategy).
 */
export async function sourceHash(entry: StrategyEntry, params: Params, registry: Registry): Promise<string> {
  const names = [
    entry.name,
    ...Object.values(params).filter((v): v is string =>
      typeof v === "string" && registry.entries.some((e) => e.name === v && v !== entry.name)
    ),
  ];
  const parts: string[] = [];
  for (const name of names) {
    const source = registry.get(name).source;
    parts.push(
      `${name}:${source.kind === "module" ? await sha256File(source.path) : JSON.stringify(source)}`,
    );
  }
  return await sha256Hex(parts.join("\n"));
}

/** The equivalent `deno task run` command line. */
export function runCommand(options: StrategyRunOptions, config: SimulationConfig, params: Params): string {
  const words = ["deno", "task", "run", options.strategy, "--snapshot", options.snapshot];
  if (intraday(options.interval)) words.push("--interval", options.interval!);
  for (const [k, v] of Object.entries(params)) if (v !== null) words.push("--param", `${k}=${v}`);
  words.push(
    "--schedule",
    String(config.schedule),
    "--execution",
    config.execution,
    "--capital",
    String(config.capital),
  );
  if (config.fractional) words.push("--fractional");
  else words.push("--lot", String(config.lot));
  if (config.commission.bps) words.push("--commission-bps", String(config.commission.bps));
  if (config.slippage.model === "bps" && config.slippage.bps) {
    words.push("--slippage-bps", String(config.slippage.bps));
  }
  if (typeof config.tax === "string" && config.tax !== "none") words.push("--tax", config.tax);
  if (config.cashRate.kind === "series") words.push("--cash-rate", config.cashRate.id.toLowerCase());
  if (config.cashRate.kind === "constant") words.push("--cash-rate", String(config.cashRate.annual));
  if (options.benchmark) words.push("--benchmark", options.benchmark);
  for (const i of options.instruments ?? []) {
    words.push("--instrument", typeof i === "string" ? i : specText(i));
  }
  if (options.securities?.length) words.push("--securities", options.securities.join(","));
  return words.map(shellQuote).join(" ");
}

function specText(spec: InstrumentSpec): string {
  return spec.kind === "spread"
    ? `spread:${spec.a}:${spec.b}:${spec.beta ?? 1}`
    : `ratio:${spec.a}:${spec.b}`;
}

/** Whether `interval` names intraday bars (`1d` and none are daily). */
function intraday(interval: Interval | undefined): boolean {
  return interval !== undefined && interval !== "1d";
}

/** Everything a run reads from the snapshot. */
export interface RunData {
  panel: Panel;
  /** On intraday bars, the session (trading day) of each bar (`sessionDays`). */
  sessions?: Float64Array;
  series: Record<string, Series>;
  events: Awaited<ReturnType<typeof readCorporateEvents>>;
  /** Lots and tax classes from the snapshot's security master, when it has one. */
  terms: SecurityTerms;
  benchmarkClose?: Float64Array;
}

/** The last snapshot data loaded (runs of several strategies on one snapshot load it once). */
let cached: { key: string; data: Promise<RunData> } | undefined;

/** The run's data, from the cache when the same snapshot (same content hash) and benchmark were loaded last. */
function runData(options: StrategyRunOptions, hash: string): Promise<RunData> {
  const key = JSON.stringify([
    options.snapshotsDir ?? "",
    options.snapshot,
    hash,
    options.benchmark ?? null,
    intraday(options.interval) ? options.interval : "1d",
  ]);
  if (cached?.key !== key) {
    const data = loadRunData(options);
    cached = { key, data };
    data.catch(() => (cached = undefined));
  }
  return cached.data;
}

/**
 * Reads what a strategy run needs from a snapshot: the whole panel (of `interval` bars, daily by
 * default), every series, corporate actions on the panel's bars (on intraday bars, on the first bar of
 * the ex-date's session), lots and tax classes, and the benchmark's close on the panel's dates (an
 * index security, else an index-level series; on intraday bars an index with bars of the interval; an
 * unknown benchmark is a `RangeError` listing the ones there).
 */
export async function loadRunData(
  options: Pick<StrategyRunOptions, "snapshot" | "snapshotsDir" | "benchmark" | "interval">,
): Promise<RunData> {
  const snap = await openSnapshot(options.snapshot, options.snapshotsDir);
  const interval = intraday(options.interval) ? options.interval : undefined;
  try {
    const panel = await readPanel(snap.conn, interval ? { interval } : {});
    const sessions = interval
      ? sessionDays(panel.dates, await readBarSession(snap.conn, panel.securityIds))
      : undefined;
    const ids = (await queryRows(snap.conn, "SELECT series_id FROM series_info ORDER BY series_id"))
      .map((r) => r.series_id as string);
    const series: Record<string, Series> = {};
    for (const id of ids) series[id] = await readSeries(snap.conn, id);
    const events = await readCorporateEvents(snap.conn, sessions ?? panel.dates, panel.securityIds);
    const terms = await readSecurityTerms(snap.conn, panel.securityIds);
    let benchmarkClose: Float64Array | undefined;
    if (options.benchmark) {
      const index = await benchmarkIndex(snap.conn, options.benchmark, interval);
      const level = interval ? undefined : series[options.benchmark];
      if (index?.securityIds.length) {
        benchmarkClose = asOf({ dates: index.dates, values: index.fields.close }, panel.dates);
      } else if (level?.unit === "level") benchmarkClose = asOf(level, panel.dates);
      else {
        const known =
          (await queryRows(snap.conn, "SELECT security_id FROM securities WHERE asset_class = 'index'"))
            .map((r) => r.security_id as string)
            .concat(Object.values(series).filter((x) => x.unit === "level").map((x) => x.series_id));
        throw new RangeError(
          interval
            ? `benchmark "${options.benchmark}" has no ${interval} bars in snapshot "${options.snapshot}": an intraday run compares against an index with bars of its interval`
            : `benchmark "${options.benchmark}" is neither an index nor an index-level series of snapshot "${options.snapshot}"; available: ${
              known.join(", ") || "none"
            }`,
        );
      }
    }
    return { panel, sessions, series, events, terms, benchmarkClose };
  } finally {
    snap.close();
  }
}

/** The benchmark index's close panel (of `interval` bars when given; undefined when it has none). */
async function benchmarkIndex(
  conn: Parameters<typeof readPanel>[0],
  id: string,
  interval: Interval | undefined,
): Promise<Panel | undefined> {
  const query = { assetClass: "index" as const, securities: [id], fields: ["close"] };
  if (!interval) return await readPanel(conn, query);
  const known = await queryRows(
    conn,
    `SELECT 1 FROM bar_sessions JOIN securities USING (security_id)
     WHERE asset_class = 'index' AND security_id = ${sqlString(id)}`,
  );
  return known.length ? await readPanel(conn, { ...query, interval }) : undefined;
}

/** The strategy's weights on the full panel (through instruments and a restricted universe when asked). */
async function strategyWeights(
  entry: StrategyEntry,
  params: Params,
  data: RunData,
  options: StrategyRunOptions,
  registry: Registry,
): Promise<Float64Array> {
  const { panel } = data;
  const specs = (options.instruments ?? []).map((i) => (typeof i === "string" ? parseInstrument(i) : i));
  const keep = options.securities ?? (specs.length ? [] : panel.securityIds);
  const view = specs.length || options.securities ? withInstruments(panel, specs, keep) : undefined;
  const target = view?.panel ?? panel;
  // On intraday bars a daily value is known from the next session on (its own session's bars precede its close).
  const seen = data.sessions ? data.sessions.map((day) => day - 1) : panel.dates;
  const generated = await generateWeights(entry, target, params, {
    series: Object.fromEntries(Object.entries(data.series).map(([id, s]) => [id, asOf(s, seen)])),
    benchmark: options.benchmark && data.benchmarkClose
      ? { id: options.benchmark, close: data.benchmarkClose }
      : undefined,
    registry,
  });
  return view ? view.toBase(generated.weights) : generated.weights;
}

/** Daily return of a level series on the result's dates (NaN on the first). */
function levelReturns(level: Float64Array, from: number, n: number): Float64Array {
  const ret = new Float64Array(n).fill(NaN);
  for (let k = 1; k < n; k++) ret[k] = level[from + k] / level[from + k - 1] - 1;
  return ret;
}

/** The run's tables as Parquet-ready columns: trades, positions (non-zero), taxes, monthly costs. */
function runTables(result: PortfolioResult): Record<string, RunTable> {
  const t = result.trades, ids = result.securityIds, N = ids.length;
  const trades: RunTable = {
    date: Float64Array.from(t.t, (k) => result.dates[k]),
    security_id: Array.from(t.i, (i) => ids[i]),
    side: Array.from(t.qty, (q) => (q > 0 ? "buy" : "sell")),
    quantity: t.qty.map(Math.abs),
    price: t.price,
    reference_price: t.reference,
    commission: t.commission,
    slippage: t.slippage,
    realized_pnl: t.realized,
    kind: Array.from(t.kind, (k) => TRADE_KINDS[k]),
  };
  let n = 0;
  for (let c = 0; c < result.shares.length; c++) if (result.shares[c] !== 0) n++;
  const date = new Float64Array(n), shares = new Float64Array(n), weight = new Float64Array(n);
  const security: string[] = new Array(n);
  for (let c = 0, r = 0; c < result.shares.length; c++) {
    if (result.shares[c] === 0) continue;
    date[r] = result.dates[Math.floor(c / N)];
    security[r] = ids[c % N];
    shares[r] = result.shares[c];
    weight[r++] = result.weights[c];
  }
  const months = monthlyCosts(result);
  const monthly: RunTable = Object.fromEntries(
    Object.keys(months[0] ?? { month: 0 }).map((
      k,
    ) => [k, Float64Array.from(months, (m) => m[k as keyof typeof m])]),
  );
  return {
    trades,
    positions: { date, security_id: security, shares, weight },
    taxes: result.taxes as unknown as RunTable,
    monthly_costs: monthly,
  };
}

/** What a strategy run is before it is computed: its strategy, checked parameters and settings, identity. */
export interface StrategyRunPlan {
  readonly registry: Registry;
  readonly entry: StrategyEntry;
  readonly params: Params;
  readonly config: SimulationConfig;
  readonly manifest: { readonly snapshot_id: string; readonly hash: string };
  /** The identity the run is recorded under (`runConfigHash` of it is the run's config hash). */
  readonly identity: RunIdentity;
}

/**
 * Plans a strategy run without computing it: the strategy found, its parameters and the settings
 * validated (every problem at once), the snapshot verified, the identity built from the snapshot's
 * hash, the strategy sources' hash and every setting. `runStrategy` records under this identity; a
 * batch job uses it to know its run before running.
 *
 * @example
 * ```ts
 * const plan = await planStrategyRun({ strategy: "low_volatility", snapshot: "demo" });
 * await runConfigHash(plan.identity); // => the config hash runStrategy records
 * ```
 */
export async function planStrategyRun(options: StrategyRunOptions): Promise<StrategyRunPlan> {
  checkOptions("runStrategy", options, STRATEGY_RUN_KEYS);
  const registry = options.registry ?? await discoverStrategies();
  const entry = registry.get(options.strategy);
  const params = validateParams(entry.name, entry.params, options.params ?? {});
  const config = resolveSimulation({ schedule: entry.schedule ?? "monthly", ...options.simulation });
  if (options.interval !== undefined) checkInterval(options.interval);
  const instruments = (options.instruments ?? []).map((
    i,
  ) => (typeof i === "string" ? parseInstrument(i) : i));
  const manifest = await verifiedManifest(options.snapshot, options.snapshotsDir);
  const runParams = {
    strategy: entry.name,
    strategy_params: params,
    simulation: config,
    benchmark: options.benchmark ?? null,
    instruments: instruments.map(instrumentId),
    securities: options.securities ?? null,
    // Daily runs keep the identity they had before intraday runs existed: `1d` is the default, unhashed.
    ...(intraday(options.interval) ? { interval: options.interval } : {}),
  };
  const identity: RunIdentity = {
    experiment: options.experiment ?? entry.name,
    kind: "strategy",
    tags: {
      strategy: entry.name,
      snapshot_id: manifest.snapshot_id,
      snapshot_hash: manifest.hash,
      ...(options.author !== undefined ? { author: options.author } : {}),
    },
    params: runParams,
    inputHash: await sourceHash(entry, params, registry),
  };
  return { registry, entry, params, config, manifest, identity };
}

/**
 * Runs a registered strategy on a snapshot as a portfolio and records it: validates the parameters and
 * the settings first (every problem at once), returns an identical earlier run without computing
 * (`reused: true`) unless `force`, else loads the snapshot, builds the weights, simulates, measures
 * and records `runs/<run_id>/` (run.json with kind "strategy", daily.parquet, trades, positions, taxes
 * and monthly_costs tables, tearsheet.html).
 *
 * @example
 * ```ts
 * const out = await runStrategy({ strategy: "momentum_12_1", snapshot: "demo", simulation: { lot: 100, tax: "brazil" } });
 * out.metrics?.sharpe; out.run?.dir;
 * ```
 */
export async function runStrategy(options: StrategyRunOptions): Promise<StrategyRun> {
  const { registry, entry, params, config, manifest, identity } = await planStrategyRun(options);
  const configHash = await runConfigHash(identity);
  const record = options.record ?? true;
  const step = async (k: number) =>
    await options.onStep?.(STEPS[k], k, record ? STEPS.length : STEPS.length - 1);
  const simulate = async () => {
    await step(0);
    const data = await runData(options, manifest.hash);
    await step(1);
    const weights = await strategyWeights(entry, params, data, options, registry);
    await step(2);
    const market = marketFromPanel(data.panel, {
      events: data.events,
      series: data.series,
      ...data.terms,
      ...(data.sessions ? { sessions: data.sessions } : {}),
    });
    const result = simulatePortfolio(market, weights, config);
    const from = data.panel.dates.indexOf(result.dates[0]);
    const benchmark = options.benchmark && data.benchmarkClose
      ? { id: options.benchmark, ret: levelReturns(data.benchmarkClose, from, result.dates.length) }
      : undefined;
    const metrics = portfolioMetrics(result, { benchmark: benchmark?.ret });
    return {
      strategy: entry,
      params,
      config,
      configHash,
      reused: false,
      result,
      metrics,
      weights,
      benchmark,
    };
  };
  if (!record) return await simulate();
  let computed: Awaited<ReturnType<typeof simulate>> | undefined;
  const { run, result: stored } = await recordOnce<StoredStrategyRun>(identity, async () => {
    computed = await simulate();
    await step(3);
    return {
      input: strategyRunInput(identity, computed, options, manifest),
      result: { metrics: computed.metrics },
    };
  }, { runsDir: options.runsDir, force: options.force, onWait: options.onWait });
  if (!computed) {
    return { strategy: entry, params, config, configHash, reused: true, run, metrics: stored.metrics };
  }
  return { ...computed, run, reused: run.reused };
}

/** What a strategy run stores for an identical rerun (`result.bin`): its metrics. */
interface StoredStrategyRun {
  readonly metrics: PortfolioMetrics;
}

/**
 * The run input of a simulated strategy: the identity's tags plus schedule, tax model, period,
 * command and benchmark; the metrics; the daily series; the trades, positions, taxes and monthly-cost
 * tables; and the tear sheet, rendered with the run's own id and time.
 */
function strategyRunInput(
  identity: RunIdentity,
  out: {
    result: PortfolioResult;
    metrics: PortfolioMetrics;
    benchmark?: { id: string; ret: Float64Array };
    params: Params;
    config: SimulationConfig;
    strategy: StrategyEntry;
  },
  options: StrategyRunOptions,
  manifest: { snapshot_id: string; hash: string },
): RunInput {
  const { result, metrics, benchmark, params, config, strategy } = out;
  const command = runCommand(options, config, params);
  const d = result.daily;
  return {
    ...identity,
    tags: {
      ...identity.tags,
      schedule: scheduleLabel(config.schedule),
      ...(intraday(options.interval) ? { interval: options.interval! } : {}),
      tax: result.taxModel.name,
      period: `${isoDate(result.dates[0])}..${isoDate(result.dates[result.dates.length - 1])}`,
      command,
      ...(options.benchmark ? { benchmark: options.benchmark } : {}),
    },
    metrics: Object.fromEntries(Object.entries(metrics).filter(([, v]) => typeof v === "number")),
    daily: {
      date: d.date,
      net: d.ret,
      nav: d.nav,
      cash: d.cash,
      gross_exposure: d.gross_exposure,
      net_exposure: d.net_exposure,
      turnover: d.turnover,
      commission: d.commission,
      slippage: d.slippage,
      borrow: d.borrow,
      interest: d.interest,
      dividends: d.dividends,
      tax_paid: d.tax_paid,
      withholding: d.withholding,
      cash_rate: d.cash_rate,
      ...(benchmark ? { benchmark: benchmark.ret } : {}),
    },
    tables: runTables(result),
    artifacts: {
      "tearsheet.html": (run: RunJson) =>
        portfolioTearsheet({
          result,
          metrics,
          strategy: { name: strategy.name, title: strategy.title, params },
          benchmark,
          context: {
            run_id: run.run_id,
            snapshot_id: manifest.snapshot_id,
            snapshot_hash: manifest.hash,
            git_sha: run.tags.git_sha,
            created_at: run.created_at,
            command,
            author: run.tags.author,
            config: identity.params,
          },
        }),
    },
  };
}

/** Where a run's tear sheet is. */
export function tearsheetPath(run: RunRecord): string {
  return join(run.dir, "tearsheet.html");
}

/**
 * `runStrategy` whose result renders itself in a notebook (`portfolioView`: key numbers and the NAV
 * chart; a reused run shows the same from what was recorded).
 *
 * @example
 * ```ts
 * await runStrategyView({ strategy: "low_volatility", snapshot: "demo" }); // last expression of a cell
 * ```
 */
export async function runStrategyView(options: StrategyRunOptions): Promise<StrategyRun & Displayable> {
  const out = await runStrategy(options);
  if (out.result && out.metrics) {
    const { result, metrics, benchmark } = out;
    return displayable(
      out,
      () => portfolioView({ name: out.strategy.name, result, metrics, benchmark, runId: out.run?.run_id }),
    );
  }
  const run = out.run!;
  const daily = await readDaily(run.run_id, { runsDir: options.runsDir ?? "runs" });
  return displayable(out, () => recordedRunView(out.strategy.name, run, daily));
}
