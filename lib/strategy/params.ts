/**
 * Parameter schemas: what a strategy (or an external plugin's manifest) accepts, and one validation
 * that reports every problem at once, with the allowed range and the value given.
 *
 * A schema maps each parameter name to a spec: `number` | `integer` (optional `min`, `max`, `step`),
 * `boolean`, `enum` (`choices`), `date` (`YYYY-MM-DD`, optional `min`/`max`, default may be `null` =
 * unset), `string` (free text such as a run id, optional `pattern`, default may be `null` = unset).
 * Every spec has a `default` and a `description`. Values may arrive typed (library calls) or as
 * strings (`--param k=v` on the command line); strings are parsed by the spec's type.
 */
import { parseIsoDate } from "../panel/types.ts";

/** A numeric parameter; `step` means the value must be `min + k·step` (or `k·step` without `min`). */
export interface NumberSpec {
  readonly type: "number" | "integer";
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  readonly description: string;
}

/** An on/off parameter. */
export interface BooleanSpec {
  readonly type: "boolean";
  readonly default: boolean;
  readonly description: string;
}

/** One of a fixed list of strings. */
export interface EnumSpec {
  readonly type: "enum";
  readonly choices: readonly string[];
  readonly default: string;
  readonly description: string;
}

/** A calendar date `YYYY-MM-DD`; `default: null` leaves it unset. */
export interface DateSpec {
  readonly type: "date";
  readonly default: string | null;
  readonly min?: string;
  readonly max?: string;
  readonly description: string;
}

/**
 * Free text (a run id, a folder, a security id): non-empty; with `pattern` (a regular expression's
 * source) the whole value must match it; `default: null` leaves it unset.
 */
export interface StringSpec {
  readonly type: "string";
  readonly default: string | null;
  readonly pattern?: string;
  readonly description: string;
}

/** One parameter's spec. */
export type ParamSpec = NumberSpec | BooleanSpec | EnumSpec | DateSpec | StringSpec;

/** A strategy's parameters by name, in display order. */
export type ParamSchema = Readonly<Record<string, ParamSpec>>;

/** A validated value: numbers, booleans, enum and free strings, dates as `YYYY-MM-DD` (null when unset). */
export type ParamValue = number | boolean | string | null;

/** Validated parameters with every default filled in. */
export type Params = Readonly<Record<string, ParamValue>>;

/** One problem found by `validateParams`. */
export interface ParamProblem {
  readonly param: string;
  /** What is allowed, e.g. `an integer in [1, 500]` or `one of sma, ema`. */
  readonly expected: string;
  /** The value given, as text. */
  readonly found: string;
}

/**
 * Invalid parameters: `problems` lists every one; the message names the strategy and, per problem,
 * the parameter, what is allowed and what was given.
 */
export class ParamError extends RangeError {
  constructor(readonly strategy: string, readonly problems: readonly ParamProblem[]) {
    super(
      `strategy "${strategy}": ${problems.length} invalid parameter${problems.length === 1 ? "" : "s"}\n` +
        problems.map((p) => `  - ${p.param}: expected ${p.expected}, found ${p.found}`).join("\n"),
    );
    this.name = "ParamError";
  }
}

/**
 * What a spec allows, in words: `an integer in [1, 500] in steps of 1`, `a number ≥ 0`, `true or
 * false`, `one of sma, ema`, `a date YYYY-MM-DD from 2010-01-01`.
 *
 * @example
 * ```ts
 * allowedText({ type: "integer", min: 1, max: 50, default: 10, description: "" }); // => "an integer in [1, 50]"
 * ```
 */
export function allowedText(spec: ParamSpec): string {
  switch (spec.type) {
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${spec.choices.join(", ")}`;
    case "date":
      return `a date YYYY-MM-DD${spec.min ? ` from ${spec.min}` : ""}${spec.max ? ` to ${spec.max}` : ""}`;
    case "string":
      return spec.pattern === undefined ? "a non-empty string" : `a string matching /^(?:${spec.pattern})$/`;
    default: {
      const what = spec.type === "integer" ? "an integer" : "a number";
      const range = spec.min !== undefined && spec.max !== undefined
        ? ` in [${spec.min}, ${spec.max}]`
        : spec.min !== undefined
        ? ` ≥ ${spec.min}`
        : spec.max !== undefined
        ? ` ≤ ${spec.max}`
        : "";
      const step = spec.step !== undefined && !(spec.type === "integer" && spec.step === 1)
        ? ` in steps of ${spec.step}`
        : "";
      return what + range + step;
    }
  }
}

function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "nothing";
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

/** Parses and checks one value against its spec: the value, or the reason it is not allowed. */
function checkValue(spec: ParamSpec, raw: unknown): { value: ParamValue } | { problem: true } {
  switch (spec.type) {
    case "boolean": {
      if (typeof raw === "boolean") return { value: raw };
      if (typeof raw === "string" && /^(true|false|1|0|yes|no)$/i.test(raw.trim())) {
        return { value: /^(true|1|yes)$/i.test(raw.trim()) };
      }
      return { problem: true };
    }
    case "enum": {
      return typeof raw === "string" && spec.choices.includes(raw) ? { value: raw } : { problem: true };
    }
    case "date": {
      if (raw === null && spec.default === null) return { value: null };
      if (typeof raw !== "string") return { problem: true };
      try {
        parseIsoDate(raw);
      } catch {
        return { problem: true };
      }
      if ((spec.min && raw < spec.min) || (spec.max && raw > spec.max)) return { problem: true };
      return { value: raw };
    }
    case "string": {
      if (raw === null && spec.default === null) return { value: null };
      if (typeof raw !== "string" || raw === "") return { problem: true };
      if (spec.pattern !== undefined && !new RegExp(`^(?:${spec.pattern})$`).test(raw)) {
        return { problem: true };
      }
      return { value: raw };
    }
    default: {
      const x = typeof raw === "number"
        ? raw
        : typeof raw === "string" && raw.trim() !== ""
        ? Number(raw)
        : NaN;
      if (!Number.isFinite(x)) return { problem: true };
      if (spec.type === "integer" && !Number.isInteger(x)) return { problem: true };
      if ((spec.min !== undefined && x < spec.min) || (spec.max !== undefined && x > spec.max)) {
        return { problem: true };
      }
      if (spec.step !== undefined) {
        const k = (x - (spec.min ?? 0)) / spec.step;
        if (Math.abs(k - Math.round(k)) > 1e-9) return { problem: true };
      }
      return { value: x };
    }
  }
}

/**
 * Validates `given` against `schema` and fills defaults. Every problem is collected — unknown names
 * (with the known ones), wrong types, values out of range or off the step, choices not in the list —
 * and thrown together as one `ParamError` naming `strategy`. Strings are parsed by the spec's type,
 * so command-line `k=v` pairs validate the same way as typed values.
 *
 * @example
 * ```ts
 * const schema = { top_n: { type: "integer", min: 1, max: 500, default: 50, description: "names held" } } as const;
 * validateParams("momentum_12_1", schema, { top_n: "20" }); // => { top_n: 20 }
 * validateParams("momentum_12_1", schema, { top_n: 0 });
 * // throws ParamError: strategy "momentum_12_1": 1 invalid parameter
 * //   - top_n: expected an integer in [1, 500], found 0
 * ```
 */
export function validateParams(
  strategy: string,
  schema: ParamSchema,
  given: Readonly<Record<string, unknown>> = {},
): Params {
  const problems: ParamProblem[] = [];
  const known = Object.keys(schema);
  for (const name of Object.keys(given)) {
    if (!(name in schema)) {
      problems.push({
        param: name,
        expected: `a known parameter (${known.length ? known.join(", ") : "this strategy takes none"})`,
        found: `unknown parameter "${name}" = ${shown(given[name])}`,
      });
    }
  }
  const out: Record<string, ParamValue> = {};
  for (const [name, spec] of Object.entries(schema)) {
    if (!(name in given) || given[name] === undefined) {
      out[name] = spec.default;
      continue;
    }
    const checked = checkValue(spec, given[name]);
    if ("problem" in checked) {
      problems.push({ param: name, expected: allowedText(spec), found: shown(given[name]) });
    } else out[name] = checked.value;
  }
  if (problems.length) throw new ParamError(strategy, problems);
  return out;
}

/**
 * Checks that a schema is well-formed (what the registry runs on every strategy it loads): each spec
 * has a known type, a description, a default that passes its own spec, `min ≤ max`, a positive
 * `step` and non-empty `choices`. Returns the problems as sentences (empty when fine).
 *
 * @example
 * ```ts
 * schemaProblems({ n: { type: "integer", min: 5, max: 1, default: 3, description: "" } });
 * // => ['parameter "n": min 5 > max 1', 'parameter "n": default 3 is not an integer in [5, 1]']
 * ```
 */
export function schemaProblems(schema: unknown): string[] {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    return [`params must be an object of parameter specs, found ${shown(schema)}`];
  }
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(schema as Record<string, unknown>)) {
    const at = `parameter "${name}"`;
    if (!/^[a-z][a-z0-9_]*$/.test(name)) problems.push(`${at}: name must be snake_case`);
    const spec = raw as ParamSpec;
    if (typeof spec !== "object" || spec === null) {
      problems.push(`${at}: expected a spec object, found ${shown(raw)}`);
      continue;
    }
    if (!["number", "integer", "boolean", "enum", "date", "string"].includes(spec.type)) {
      problems.push(
        `${at}: type must be number, integer, boolean, enum, date or string, found ${shown(spec.type)}`,
      );
      continue;
    }
    if (typeof spec.description !== "string") problems.push(`${at}: description must be a string`);
    if (spec.type === "number" || spec.type === "integer") {
      if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
        problems.push(`${at}: min ${spec.min} > max ${spec.max}`);
      }
      if (spec.step !== undefined && !(spec.step > 0)) problems.push(`${at}: step must be > 0`);
    }
    if (spec.type === "string" && spec.pattern !== undefined) {
      try {
        new RegExp(spec.pattern);
      } catch (error) {
        problems.push(
          `${at}: pattern ${shown(spec.pattern)} is not a regular expression (${(error as Error).message})`,
        );
        continue;
      }
    }
    if (spec.type === "enum" && !(Array.isArray(spec.choices) && spec.choices.length)) {
      problems.push(`${at}: choices must be a non-empty list`);
      continue;
    }
    if ("problem" in checkValue(spec, spec.default)) {
      problems.push(`${at}: default ${shown(spec.default)} is not ${allowedText(spec)}`);
    }
  }
  return problems;
}

/**
 * Parses command-line `k=v` assignments into a record of strings (validated later by
 * `validateParams`); a missing `=` or an empty or repeated name is a `RangeError` naming it.
 *
 * @example
 * ```ts
 * parseParamAssignments(["top_n=20", "ma=ema"]); // => { top_n: "20", ma: "ema" }
 * ```
 */
export function parseParamAssignments(assignments: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const text of assignments) {
    const eq = text.indexOf("=");
    const name = eq < 0 ? "" : text.slice(0, eq).trim();
    if (!name) throw new RangeError(`--param expects NAME=VALUE, found "${text}"`);
    if (name in out) throw new RangeError(`--param ${name} is given twice`);
    out[name] = text.slice(eq + 1).trim();
  }
  return out;
}
