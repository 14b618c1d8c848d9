/**
 * Signal validation: every problem at once, each with its 1-based data row (header excluded). Runs
 * in O(rows) plus the lookahead check's per-date ranks: security ids are coded once, duplicates found
 * by a counting sort per security, dates matched through a calendar index.
 */
import { isoDate, type Panel } from "../panel/types.ts";
import { knownMatrix, lowerBound } from "./align.ts";
import { type LookaheadReport, lookaheadStats } from "./lookahead.ts";
import { missingValueProblem, type ParsedSignal, parseSignal, type SignalTable } from "./parse_signal.ts";
import { problem, type SignalProblem, type ValidationResult } from "./problem.ts";
import type { Signal } from "./types.ts";
import { checkOptions, optionKeys } from "../util/options.ts";

/** What to check the signal against; `panel` supplies calendar and securities when they are not given. */
export interface ValidateOptions {
  /** Trading days (epoch ms, ascending). */
  readonly calendar?: Float64Array;
  /** Known security ids. */
  readonly securityIds?: readonly string[];
  /** A panel; with a `ret` field it also enables the lookahead check. */
  readonly panel?: Panel;
  /**
   * Lags the signal will be traded at (default `[0, 1, 2]`, the standard suite's): the lookahead
   * check tests the returns of horizons 0 … max(lags) after the value becomes known.
   */
  readonly lags?: readonly number[];
}

/**
 * Validates a signal — columnar `Signal`, raw `SignalTable`, or `ParsedSignal` (from `readSignal`,
 * whose parse problems are kept) — and returns EVERY problem found (see `ProblemKind`), sorted by
 * row. Row numbers are 1-based data rows (row 1 = first row under the header); for a `Signal` given
 * directly, row r is entry r − 1.
 *
 * Checks: empty input, missing columns, wrong types, missing values (NaN: "no opinion", one
 * warning), ±Infinity, duplicate (security_id, date_sig), `date_avail < date_sig` (lookahead),
 * unknown securities, dates before / after the calendar or not a trading day, no overlap at all with
 * the panel, and — when the panel has `ret` — the lookahead check of `lookahead.ts` on the values as
 * the engine holds them (from `date_avail`, at each lag in `lags`): a mean daily rank IC with a
 * return realised after the value was known significantly above what any known anomaly reaches is
 * an error (`lookahead_suspected`). The measured statistics come back as `lookahead`.
 *
 * @example
 * ```ts
 * const result = validate(await readSignal("momentum.csv"), { panel, lags: [1] });
 * if (!result.ok) console.log(formatReport(result));
 * ```
 */
const VALIDATE_KEYS = optionKeys<ValidateOptions>({
  calendar: true,
  securityIds: true,
  panel: true,
  lags: true,
});

export function validate(
  input: Signal | SignalTable | ParsedSignal,
  options: ValidateOptions = {},
): ValidationResult {
  checkOptions("validate", options, VALIDATE_KEYS);
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
  const missing: number[] = [];
  const given = parsed?.securityCodes;
  const { codes, names } = given && given.codes.length === n ? given : codeSecurities(signal.security_id);
  for (let r = 0; r < n; r++) {
    let good = true;
    const v = signal.signal[r];
    if (names[codes[r]] === "") {
      problems.push(problem("wrong_type", "security_id is empty", rowOf(r), "security_id"));
      good = false;
    }
    if (!Number.isFinite(signal.date_sig[r])) {
      problems.push(
        problem("wrong_type", `date_sig is ${signal.date_sig[r]}, not a date`, rowOf(r), "date_sig"),
      );
      good = false;
    }
    if (!Number.isFinite(avail[r])) {
      problems.push(problem("wrong_type", `date_avail is ${avail[r]}, not a date`, rowOf(r), "date_avail"));
      good = false;
    }
    if (v !== v) {
      if (good) missing.push(rowOf(r));
      continue;
    }
    if (v === Infinity || v === -Infinity) {
      problems.push(problem("non_finite", `signal is ${v}; expected a finite number`, rowOf(r), "signal"));
      good = false;
    }
    if (good && avail[r] < signal.date_sig[r]) {
      problems.push(problem(
        "lookahead",
        `date_avail ${stamp(avail[r])} is before date_sig ${stamp(signal.date_sig[r])}: ` +
          "a value cannot be known before it is computed",
        rowOf(r),
        "date_avail",
      ));
    }
    usable[r] = good ? 1 : 0;
  }
  if (missing.length) problems.push(missingValueProblem(missing));
  if (n > 0 && missing.length === n) problems.push(problem("empty", "no row of the signal has a value"));
  checkDuplicates(signal, codes, names, usable, rowOf, problems);
  const calendar = options.calendar ?? options.panel?.dates;
  const ids = options.securityIds ?? options.panel?.securityIds;
  const matched = checkPanel(signal, codes, names, usable, rowOf, calendar, ids, problems);
  if ((calendar || ids) && n > 0 && matched === 0) {
    problems.push(problem(
      "no_overlap",
      "no row matches a known security on a calendar trading day: is this signal for another universe or period?",
    ));
  }
  let lookahead: LookaheadReport | undefined;
  if (options.panel?.fields.ret && matched > 0) {
    lookahead = checkLookahead(signal, usable, matched, options.panel, options.lags, problems);
  }
  return lookahead ? { ...finish(problems), lookahead } : finish(problems);
}

function finish(problems: SignalProblem[]): ValidationResult {
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { ok: !problems.some((p) => p.severity === "error"), problems };
}

const DAY_MS = 86_400_000;

function stamp(ms: number): string {
  return ms % DAY_MS === 0 ? isoDate(ms) : new Date(ms).toISOString();
}

/** Codes each row's security id: `names[codes[r]]` is the trimmed-as-given id of row r. */
function codeSecurities(ids: readonly string[]): { codes: Int32Array; names: string[] } {
  const index = new Map<string, number>();
  const codes = new Int32Array(ids.length);
  const names: string[] = [];
  let last = "", lastCode = -1;
  for (let r = 0; r < ids.length; r++) {
    const id = ids[r];
    if (id === last && lastCode >= 0) {
      codes[r] = lastCode;
      continue;
    }
    let c = index.get(id);
    if (c === undefined) {
      c = names.length;
      index.set(id, c);
      names.push(id);
    }
    codes[r] = lastCode = c;
    last = id;
  }
  return { codes, names };
}

/** Reports each second row of a (security_id, date_sig): rows grouped by security (counting sort), dates compared in order. */
function checkDuplicates(
  signal: Signal,
  codes: ArrayLike<number>,
  names: readonly string[],
  usable: Uint8Array,
  rowOf: (r: number) => number,
  problems: SignalProblem[],
): void {
  const n = usable.length, date = signal.date_sig;
  const start = new Int32Array(names.length + 1);
  for (let r = 0; r < n; r++) if (usable[r]) start[codes[r] + 1]++;
  for (let c = 0; c < names.length; c++) start[c + 1] += start[c];
  const order = new Int32Array(start[names.length]);
  const fill = start.slice(0, names.length);
  for (let r = 0; r < n; r++) if (usable[r]) order[fill[codes[r]]++] = r;
  for (let c = 0; c < names.length; c++) {
    const group = order.subarray(start[c], start[c + 1]);
    let sorted = true;
    for (let j = 1; j < group.length && sorted; j++) sorted = date[group[j]] > date[group[j - 1]];
    if (sorted) continue;
    group.sort((a, b) => date[a] - date[b] || a - b);
    for (let j = 1, first = 0; j < group.length; j++) {
      if (date[group[j]] !== date[group[j - 1]]) {
        first = j;
        continue;
      }
      const b = group[j];
      problems.push(problem(
        "duplicate",
        `second row for (${names[c]}, ${stamp(date[b])}); first seen at row ${rowOf(group[first])}`,
        rowOf(b),
        "date_sig",
      ));
    }
  }
}

/**
 * Checks securities and calendar; rows that fail are marked not usable (`usable[r] = 0`). Returns
 * how many rows match a known security on a calendar day.
 */
function checkPanel(
  signal: Signal,
  codes: ArrayLike<number>,
  names: readonly string[],
  usable: Uint8Array,
  rowOf: (r: number) => number,
  calendar: Float64Array | undefined,
  ids: readonly string[] | undefined,
  problems: SignalProblem[],
): number {
  const knownIds = ids ? new Set(ids) : undefined;
  const isKnown = Uint8Array.from(names, (id) => (knownIds ? (knownIds.has(id) ? 1 : 0) : 1));
  const isDay = calendarMembership(calendar ?? new Float64Array(0));
  const avail = signal.date_avail ?? signal.date_sig, dateSig = signal.date_sig;
  const first = calendar?.[0] ?? NaN, last = calendar?.[calendar.length - 1] ?? NaN;
  let matched = 0, lastDate = NaN, lastKnown = false;
  for (let r = 0; r < usable.length; r++) {
    if (!usable[r]) continue;
    let good = true;
    if (!isKnown[codes[r]]) {
      problems.push(problem(
        "unknown_security",
        `security_id "${names[codes[r]]}" is not in the panel; the row is ignored`,
        rowOf(r),
        "security_id",
      ));
      good = false;
    }
    if (calendar && calendar.length > 0) {
      const d = dateSig[r];
      if (d !== lastDate) lastKnown = isDay(lastDate = d);
      if (lastKnown) {
        if (avail[r] > last) {
          problems.push(problem(
            "date_after_calendar",
            `date_avail ${stamp(avail[r])} is after the last trading day ${
              stamp(last)
            }; the row is never known`,
            rowOf(r),
            "date_avail",
          ));
          good = false;
        }
      } else if (d < first) {
        problems.push(problem(
          "date_before_calendar",
          `date_sig ${stamp(d)} is before the first trading day ${stamp(first)}; the row is ignored`,
          rowOf(r),
          "date_sig",
        ));
        good = false;
      } else if (d > last) {
        problems.push(problem(
          "date_after_calendar",
          `date_sig ${stamp(d)} is after the last trading day ${stamp(last)}; the row is ignored`,
          rowOf(r),
          "date_sig",
        ));
        good = false;
      } else {
        problems.push(problem(
          "not_trading_day",
          `date_sig ${stamp(d)} is not a trading day (next one: ${
            stamp(calendar[lowerBound(calendar, d)])
          }); ` +
            "date_sig must be the day whose close the signal was computed at",
          rowOf(r),
          "date_sig",
        ));
        good = false;
      }
    }
    if (good) matched++;
    else usable[r] = 0;
  }
  return matched;
}

/**
 * A test of "is this instant one of the calendar's days": a bitmap over the day numbers when the
 * calendar is made of UTC midnights (daily bars), else a set.
 */
function calendarMembership(calendar: Float64Array): (d: number) => boolean {
  if (calendar.length === 0 || !calendar.every((d) => d % DAY_MS === 0)) {
    const set = new Set(calendar);
    return (d) => set.has(d);
  }
  const first = calendar[0], bitmap = new Uint8Array((calendar[calendar.length - 1] - first) / DAY_MS + 1);
  for (const d of calendar) bitmap[(d - first) / DAY_MS] = 1;
  return (d) => {
    const q = (d - first) / DAY_MS;
    return q >= 0 && q < bitmap.length && Number.isInteger(q) && bitmap[q] === 1;
  };
}

/** Runs the lookahead check on the usable rows as the engine would hold them; adds one problem per suspect horizon. */
function checkLookahead(
  signal: Signal,
  usable: Uint8Array,
  matched: number,
  panel: Panel,
  lags: readonly number[] | undefined,
  problems: SignalProblem[],
): LookaheadReport {
  const held = matched === usable.length ? signal : subset(signal, usable, matched);
  const report = lookaheadStats(panel, knownMatrix(panel, held), { lags });
  const sameDay = report.horizons[0];
  const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "n/a");
  const t1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : x > 0 ? "∞" : x < 0 ? "-∞" : "n/a");
  for (const h of report.horizons) {
    if (!h.suspect) continue;
    problems.push(problem(
      "lookahead_suspected",
      `held as the engine holds it (known at the close of the first trading day ≥ date_avail), the signal ` +
        `predicts the return ${
          h.horizon === 0
            ? "it earns at lag 0"
            : `${h.horizon} day${h.horizon > 1 ? "s" : ""} after that (earned at lag ${h.horizon})`
        } with mean rank IC ${f3(h.mean)} over ${h.days} days ` +
        `(t = ${t1(h.t)}); no known anomaly exceeds |IC| ${report.maxPlausibleIc} (z = ${
          t1(h.z)
        } > ${report.zCritical}; ` +
        `same-day IC ${f3(sameDay.mean)}): the value knows a return realised after it became known — ` +
        "are date_sig / date_avail too early?",
      undefined,
      "date_avail",
    ));
  }
  return report;
}

/** The `count` usable rows of a signal, in order. */
function subset(signal: Signal, usable: Uint8Array, count: number): Signal {
  const ids: string[] = new Array(count);
  const sig = new Float64Array(count), avail = new Float64Array(count), value = new Float64Array(count);
  const from = signal.date_avail ?? signal.date_sig;
  for (let r = 0, k = 0; r < usable.length; r++) {
    if (!usable[r]) continue;
    ids[k] = signal.security_id[r];
    sig[k] = signal.date_sig[r];
    avail[k] = from[r];
    value[k++] = signal.signal[r];
  }
  return { security_id: ids, date_sig: sig, date_avail: avail, signal: value };
}
