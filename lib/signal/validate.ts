/**
 * Signal validation: every problem at once, each with its 1-based data row (header excluded).
 */
import { spearman } from "../engine/rank.ts";
import { isoDate, type Panel } from "../panel/types.ts";
import { lowerBound } from "./align.ts";
import { type ParsedSignal, parseSignal, type SignalTable } from "./parse_signal.ts";
import { problem, type SignalProblem, type ValidationResult } from "./problem.ts";
import type { Signal } from "./types.ts";

/** What to check the signal against; `panel` supplies calendar and securities when they are not given. */
export interface ValidateOptions {
  /** Trading days (epoch ms, ascending). */
  readonly calendar?: Float64Array;
  /** Known security ids. */
  readonly securityIds?: readonly string[];
  /** A panel; with a `ret` field it also enables the suspected-lookahead check. */
  readonly panel?: Panel;
}

/** Mean next-day rank correlation above which a signal is flagged `lookahead_suspected`. */
export const LOOKAHEAD_THRESHOLD = 0.2;

/**
 * Validates a signal — columnar `Signal`, raw `SignalTable`, or `ParsedSignal` (from `readSignal`,
 * whose parse problems are kept) — and returns EVERY problem found (see `ProblemKind`), sorted by
 * row. Row numbers are 1-based data rows (row 1 = first row under the header); for a `Signal` given
 * directly, row r is entry r − 1.
 *
 * Checks: empty input, missing columns, wrong types, non-finite values, duplicate
 * (security_id, date_sig), `date_avail < date_sig` (lookahead), unknown securities, dates before /
 * after the calendar or not a trading day, no overlap at all with the panel, and — when the panel has
 * `ret` — suspected lookahead: per trading day `t`, the Spearman correlation of the signal dated
 * `date_sig = t` with `ret[t]` (realised by that close: fine) and with `ret[t + 1]` (not yet
 * realised); over days with ≥ 5 common names, a mean next-day correlation above 0.2 in absolute
 * value with |t-stat| > 3 (mean / sd · √days; guards small samples) is an error.
 *
 * @example
 * ```ts
 * const result = validate(await readSignal("momentum.csv"), { panel });
 * if (!result.ok) console.log(formatReport(result));
 * ```
 */
export function validate(
  input: Signal | SignalTable | ParsedSignal,
  options: ValidateOptions = {},
): ValidationResult {
  const parsed = "nRows" in input ? parseSignal(input) : "rows" in input ? input : undefined;
  const signal = parsed ? parsed.signal : input as Signal;
  const problems: SignalProblem[] = [...(parsed?.problems ?? [])];
  const n = signal.signal.length;
  const rowOf = (r: number) => (parsed ? parsed.rows[r] : r + 1);
  const lengths = [signal.security_id.length, signal.date_sig.length, signal.date_avail?.length ?? n];
  if (lengths.some((len) => len !== n)) {
    problems.push(problem(
      "wrong_type",
      `columns have different lengths: security_id ${lengths[0]}, date_sig ${lengths[1]}, date_avail ${
        lengths[2]
      }, signal ${n}`,
    ));
    return finish(problems);
  }
  if (n === 0 && !problems.some((p) => p.kind === "empty" || p.kind === "missing_column")) {
    problems.push(problem("empty", "the signal has no usable rows"));
  }
  const avail = signal.date_avail ?? signal.date_sig;
  const usable = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const row = rowOf(r);
    let good = true;
    if (signal.security_id[r] === "") {
      problems.push(problem("wrong_type", "security_id is empty", row, "security_id"));
      good = false;
    }
    if (!Number.isFinite(signal.date_sig[r])) {
      problems.push(problem("wrong_type", `date_sig is ${signal.date_sig[r]}, not a date`, row, "date_sig"));
      good = false;
    }
    if (!Number.isFinite(avail[r])) {
      problems.push(problem("wrong_type", `date_avail is ${avail[r]}, not a date`, row, "date_avail"));
      good = false;
    }
    if (!Number.isFinite(signal.signal[r])) {
      problems.push(
        problem("non_finite", `signal is ${signal.signal[r]}; expected a finite number`, row, "signal"),
      );
      good = false;
    }
    if (good && avail[r] < signal.date_sig[r]) {
      problems.push(problem(
        "lookahead",
        `date_avail ${stamp(avail[r])} is before date_sig ${stamp(signal.date_sig[r])}: ` +
          "a value cannot be known before it is computed",
        row,
        "date_avail",
      ));
    }
    usable[r] = good ? 1 : 0;
  }
  checkDuplicates(signal, usable, rowOf, problems);
  const calendar = options.calendar ?? options.panel?.dates;
  const ids = options.securityIds ?? options.panel?.securityIds;
  const matched = checkPanel(signal, usable, rowOf, calendar, ids, problems);
  if ((calendar || ids) && n > 0 && matched.every((x) => x < 0)) {
    problems.push(problem(
      "no_overlap",
      "no row matches a known security on a calendar trading day: is this signal for another universe or period?",
    ));
  }
  const ret = options.panel?.fields.ret;
  if (options.panel && ret) checkLookahead(signal, matched, options.panel, ret, problems);
  return finish(problems);
}

function finish(problems: SignalProblem[]): ValidationResult {
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { ok: !problems.some((p) => p.severity === "error"), problems };
}

function stamp(ms: number): string {
  return ms % 86_400_000 === 0 ? isoDate(ms) : new Date(ms).toISOString();
}

function checkDuplicates(
  signal: Signal,
  usable: Uint8Array,
  rowOf: (r: number) => number,
  problems: SignalProblem[],
): void {
  const code = new Map<string, number>();
  const codes = new Int32Array(usable.length);
  let m = 0;
  for (let r = 0; r < usable.length; r++) {
    if (!usable[r]) continue;
    const id = signal.security_id[r];
    let c = code.get(id);
    if (c === undefined) code.set(id, c = code.size);
    codes[r] = c;
    m++;
  }
  const order = new Int32Array(m);
  m = 0;
  for (let r = 0; r < usable.length; r++) if (usable[r]) order[m++] = r;
  order.sort((a, b) => codes[a] - codes[b] || signal.date_sig[a] - signal.date_sig[b] || a - b);
  for (let k = 1; k < m; k++) {
    const a = order[k - 1], b = order[k];
    if (codes[a] !== codes[b] || signal.date_sig[a] !== signal.date_sig[b]) continue;
    let first = k - 1;
    while (
      first > 0 && codes[order[first - 1]] === codes[b] &&
      signal.date_sig[order[first - 1]] === signal.date_sig[b]
    ) {
      first--;
    }
    problems.push(problem(
      "duplicate",
      `second row for (${signal.security_id[b]}, ${stamp(signal.date_sig[b])}); first seen at row ${
        rowOf(order[first])
      }`,
      rowOf(b),
      "date_sig",
    ));
  }
}

/** Checks securities and calendar; returns per row the matched date index (−1 when not usable). */
function checkPanel(
  signal: Signal,
  usable: Uint8Array,
  rowOf: (r: number) => number,
  calendar: Float64Array | undefined,
  ids: readonly string[] | undefined,
  problems: SignalProblem[],
): Int32Array {
  const known = ids ? new Set(ids) : undefined;
  const avail = signal.date_avail ?? signal.date_sig;
  const matched = new Int32Array(usable.length).fill(-1);
  const first = calendar?.[0] ?? NaN, last = calendar?.[calendar.length - 1] ?? NaN;
  for (let r = 0; r < usable.length; r++) {
    if (!usable[r]) continue;
    const row = rowOf(r);
    let good = true;
    if (known && !known.has(signal.security_id[r])) {
      problems.push(problem(
        "unknown_security",
        `security_id "${signal.security_id[r]}" is not in the panel; the row is ignored`,
        row,
        "security_id",
      ));
      good = false;
    }
    let t = 0;
    if (calendar && calendar.length > 0) {
      const d = signal.date_sig[r];
      t = lowerBound(calendar, d);
      if (d < first) {
        problems.push(problem(
          "date_before_calendar",
          `date_sig ${stamp(d)} is before the first trading day ${stamp(first)}; the row is ignored`,
          row,
          "date_sig",
        ));
        good = false;
      } else if (d > last) {
        problems.push(problem(
          "date_after_calendar",
          `date_sig ${stamp(d)} is after the last trading day ${stamp(last)}; the row is ignored`,
          row,
          "date_sig",
        ));
        good = false;
      } else if (calendar[t] !== d) {
        problems.push(problem(
          "not_trading_day",
          `date_sig ${stamp(d)} is not a trading day (next one: ${stamp(calendar[t])}); ` +
            "date_sig must be the day whose close the signal was computed at",
          row,
          "date_sig",
        ));
        good = false;
      } else if (avail[r] > last) {
        problems.push(problem(
          "date_after_calendar",
          `date_avail ${stamp(avail[r])} is after the last trading day ${
            stamp(last)
          }; the row is never known`,
          row,
          "date_avail",
        ));
        good = false;
      }
    }
    if (good) matched[r] = t;
  }
  return matched;
}

function checkLookahead(
  signal: Signal,
  matched: Int32Array,
  panel: Panel,
  ret: Float64Array,
  problems: SignalProblem[],
): void {
  const nT = panel.dates.length, nS = panel.securityIds.length;
  const index = new Map(panel.securityIds.map((id, i) => [id, i]));
  const bySig = new Float64Array(nT * nS).fill(NaN);
  for (let r = 0; r < matched.length; r++) {
    const i = index.get(signal.security_id[r]);
    if (matched[r] >= 0 && i !== undefined) bySig[matched[r] * nS + i] = signal.signal[r];
  }
  const same: number[] = [], next: number[] = [];
  for (let t = 0; t + 1 < nT; t++) {
    const row = bySig.subarray(t * nS, (t + 1) * nS);
    const nextRet = ret.subarray((t + 1) * nS, (t + 2) * nS);
    let common = 0;
    for (let i = 0; i < nS; i++) if (Number.isFinite(row[i]) && Number.isFinite(nextRet[i])) common++;
    if (common < 5) continue;
    next.push(spearman(row, nextRet));
    same.push(spearman(row, ret.subarray(t * nS, (t + 1) * nS)));
  }
  const stats = (xs: number[]) => {
    const v = xs.filter(Number.isFinite);
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
    return { m, t: (m / sd) * Math.sqrt(v.length), n: v.length };
  };
  const nx = stats(next);
  if (nx.n >= 5 && Math.abs(nx.m) > LOOKAHEAD_THRESHOLD && !(Math.abs(nx.t) <= 3)) {
    problems.push(problem(
      "lookahead_suspected",
      `the signal's ranks correlate with the NEXT trading day's returns at mean Spearman ${
        nx.m.toFixed(3)
      } ` +
        `over ${nx.n} days (t = ${Number.isFinite(nx.t) ? nx.t.toFixed(1) : "∞"}; same-day mean ${
          stats(same).m.toFixed(3)
        }): a signal known at the close of date_sig cannot know that return — is date_sig a day early?`,
      undefined,
      "date_sig",
    ));
  }
}
