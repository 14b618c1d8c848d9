/**
 * The signal contract: a table `security_id, date_sig, signal` (+ optional `date_avail`,
 * `signal_name`, `region`, `universe`, `version`), read from CSV/Parquet, validated with row-numbered
 * problems, and aligned to the trading day whose return each value earns.
 *
 * @example
 * ```ts
 * import { formatReport, knownMatrix, readSignal, validate } from "./mod.ts";
 * const parsed = await readSignal("signals/momentum.csv");
 * const result = validate(parsed, { panel });
 * if (!result.ok) throw new TypeError(formatReport(result));
 * const known = knownMatrix(panel, parsed.signal); // T × N, known at each close
 * ```
 *
 * @module
 */
export type { Signal } from "./types.ts";
export { formatReport, problem } from "./problem.ts";
export type { ProblemKind, SignalProblem, ValidationResult } from "./problem.ts";
export { missingValueProblem, parseSignal, parseSignalDate } from "./parse_signal.ts";
export type { ParsedSignal, SignalTable } from "./parse_signal.ts";
export { readSignal, readSignalName, readSignalTable } from "./read_signal.ts";
export { validate } from "./validate.ts";
export type { ValidateOptions } from "./validate.ts";
export { LOOKAHEAD, lookaheadStats } from "./lookahead.ts";
export type { HorizonIc, LookaheadOptions, LookaheadReport } from "./lookahead.ts";
export { alignKnown, knownMatrix, lowerBound, securityIndex } from "./align.ts";
export { writeSignal } from "./write_signal.ts";
