/**
 * Parameter spaces: what a search varies. A space maps each parameter name to a dimension — a numeric
 * range (`min`, `max`, optional `step`, optional log scale), a list of choices, or one fixed value —
 * in a fixed order (the grid varies the last dimension fastest, as `itertools.product`). Spaces come
 * from plain objects, from `--param name=spec` strings, or from a strategy's parameter schema.
 */

/** A parameter value a trial takes. */
export type ParamValue = number | string | boolean | null;

/** A trial's parameters by name, in the space's order. */
export type TrialParams = Readonly<Record<string, ParamValue>>;

/** A numeric range: every `min + k·step ≤ max` when stepped, else continuous (random search only). */
export interface RangeDimension {
  readonly kind: "range";
  readonly name: string;
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
  /** Grid spacing; absent = continuous (integers default to 1). */
  readonly step?: number;
  /** Sample continuous ranges log-uniformly (min > 0). */
  readonly log: boolean;
}

/** An explicit list of values (enum choices, booleans, any numbers or strings). */
export interface ChoiceDimension {
  readonly kind: "choice";
  readonly name: string;
  readonly values: readonly ParamValue[];
}

/** A parameter held at one value in every trial. */
export interface FixedDimension {
  readonly kind: "fixed";
  readonly name: string;
  readonly value: ParamValue;
}

/** One dimension of a space. */
export type Dimension = RangeDimension | ChoiceDimension | FixedDimension;

/** A checked space: its dimensions in order. */
export interface Space {
  readonly dimensions: readonly Dimension[];
}

/**
 * How a dimension may be written: a range object (`{ min, max, step?, type?: "integer" | "number",
 * log? }`), a choice object (`{ choices: [...] }`, also `{ type: "enum", choices }` or
 * `{ type: "boolean" }` as in strategy schemas), an array (choices) or a bare value (fixed).
 */
export type DimensionSpec =
  | ParamValue
  | readonly ParamValue[]
  | {
    readonly type?: "integer" | "number" | "enum" | "boolean" | "date";
    readonly min?: number;
    readonly max?: number;
    readonly step?: number;
    readonly log?: boolean;
    readonly choices?: readonly ParamValue[];
    readonly value?: ParamValue;
  };

/** A space as written: parameter name → dimension spec, in order. */
export type SpaceSpec = Readonly<Record<string, DimensionSpec>>;

/** A space that cannot be searched: the message names the parameter, what was expected and found. */
export class SpaceError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "SpaceError";
  }
}

/** Tolerance for floating steps: `max` counts as reached within 1e-9 of a step. */
const STEP_EPS = 1e-9;

/**
 * Checks a space spec and returns the space. Refuses (`SpaceError`) an empty space, an empty list of
 * choices, a range whose step is not > 0 or whose min exceeds max, non-integer bounds of an integer
 * range, and a log range that does not start above 0.
 *
 * @example
 * ```ts
 * const space = defineSpace({ lag: { min: 0, max: 4, step: 1 }, weight: ["equal", "signal"], tcBps: 10 });
 * gridSize(space); // => 10
 * ```
 */
export function defineSpace(spec: SpaceSpec | Space): Space {
  if ("dimensions" in spec && Array.isArray(spec.dimensions)) return spec as Space;
  const names = Object.keys(spec);
  if (names.length === 0) throw new SpaceError("the parameter space is empty: give at least one parameter");
  return { dimensions: names.map((name) => dimension(name, (spec as SpaceSpec)[name])) };
}

function dimension(name: string, spec: DimensionSpec): Dimension {
  if (Array.isArray(spec)) return choices(name, spec);
  if (spec === null || typeof spec !== "object") return { kind: "fixed", name, value: spec as ParamValue };
  const s = spec as Exclude<DimensionSpec, ParamValue | readonly ParamValue[]>;
  if (s.value !== undefined) return { kind: "fixed", name, value: s.value };
  if (s.type === "boolean") return choices(name, [false, true]);
  if (s.choices !== undefined || s.type === "enum") return choices(name, s.choices ?? []);
  if (s.type === "date") {
    throw new SpaceError(`parameter "${name}": a date can be searched as a list of choices, not as a range`);
  }
  const { min, max, step, log = false } = s;
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new SpaceError(
      `parameter "${name}": a range needs finite min and max, found min ${min} and max ${max}`,
    );
  }
  if (min! > max!) throw new SpaceError(`parameter "${name}": min ${min} is above max ${max}`);
  if (step !== undefined && !(step > 0 && Number.isFinite(step))) {
    throw new SpaceError(`parameter "${name}": step must be a number > 0, found ${step}`);
  }
  const integer = s.type === "integer" ||
    (s.type === undefined && Number.isInteger(min) && Number.isInteger(max) &&
      (step === undefined ? false : Number.isInteger(step)));
  if (integer && !(Number.isInteger(min) && Number.isInteger(max))) {
    throw new SpaceError(`parameter "${name}": an integer range needs integer bounds, found ${min}..${max}`);
  }
  if (integer && step !== undefined && !Number.isInteger(step)) {
    throw new SpaceError(`parameter "${name}": an integer range needs an integer step, found ${step}`);
  }
  if (log && !(min! > 0)) {
    throw new SpaceError(`parameter "${name}": a log range needs min > 0, found ${min}`);
  }
  return {
    kind: "range",
    name,
    integer,
    min: min!,
    max: max!,
    ...(step !== undefined ? { step } : integer ? { step: 1 } : {}),
    log,
  };
}

function choices(name: string, values: readonly ParamValue[]): ChoiceDimension {
  if (values.length === 0) throw new SpaceError(`parameter "${name}": the list of choices is empty`);
  const seen = new Set<string>();
  for (const v of values) {
    const key = JSON.stringify(v);
    if (seen.has(key)) throw new SpaceError(`parameter "${name}": choice ${key} is listed twice`);
    seen.add(key);
  }
  return { kind: "choice", name, values: [...values] };
}

/**
 * The grid values of a dimension: the choices, the fixed value, or `min, min + step, …` up to `max`
 * (computed as `min + k·step`, so floating steps do not drift). Throws for a continuous range.
 *
 * @example
 * ```ts
 * dimensionValues({ kind: "range", name: "x", integer: false, min: 0, max: 0.3, step: 0.1, log: false }); // => [0, 0.1, 0.2, 0.3]
 * ```
 */
export function dimensionValues(d: Dimension): readonly ParamValue[] {
  if (d.kind === "choice") return d.values;
  if (d.kind === "fixed") return [d.value];
  if (d.step === undefined) {
    throw new SpaceError(
      `parameter "${d.name}": the range ${d.min}..${d.max} has no step; a grid needs one (e.g. ${d.name}=${d.min}:${d.max}:STEP)`,
    );
  }
  const count = Math.floor((d.max - d.min) / d.step + STEP_EPS) + 1;
  return Array.from({ length: count }, (_, k) => {
    const v = d.min + k * d.step!;
    return d.integer ? Math.round(v) : Number(v.toPrecision(12));
  });
}

/** Number of grid points: the product of the dimensions' value counts. */
export function gridSize(space: Space): number {
  return space.dimensions.reduce((n, d) => n * dimensionValues(d).length, 1);
}

/** The dimensions that vary (more than one value, or continuous). */
export function varyingDimensions(space: Space): Dimension[] {
  return space.dimensions.filter((d) =>
    d.kind === "range" ? d.step === undefined || d.max > d.min : d.kind === "choice" && d.values.length > 1
  );
}

/**
 * Every grid point, in `itertools.product` order (the first dimension slowest). Refuses a grid
 * above `limit` points (default 1,000,000) naming the size.
 *
 * @example
 * ```ts
 * gridPoints(defineSpace({ a: [1, 2], b: ["x", "y"] })); // => [{a:1,b:"x"}, {a:1,b:"y"}, {a:2,b:"x"}, {a:2,b:"y"}]
 * ```
 */
export function gridPoints(space: Space, limit = 1_000_000): TrialParams[] {
  const values = space.dimensions.map(dimensionValues);
  const size = values.reduce((n, v) => n * v.length, 1);
  if (size > limit) {
    throw new SpaceError(
      `the grid has ${size} points (${
        values.map((v) => v.length).join(" × ")
      }), above the limit of ${limit}; narrow it or use random search`,
    );
  }
  const out: TrialParams[] = new Array(size);
  const names = space.dimensions.map((d) => d.name);
  for (let k = 0; k < size; k++) {
    const params: Record<string, ParamValue> = {};
    let rest = k;
    for (let j = names.length - 1; j >= 0; j--) {
      params[names[j]] = values[j][rest % values[j].length];
      rest = Math.floor(rest / values[j].length);
    }
    out[k] = Object.fromEntries(names.map((name) => [name, params[name]]));
  }
  return out;
}

/**
 * Parses command-line dimensions `name=spec`: `a:b:step` a stepped range (integer when all three are
 * integers), `a:b` a continuous range, `a:b:step:log` or `a:b:log` on a log scale, `x,y,z` choices,
 * and a single value fixed. Values are numbers when they parse as numbers, `true`/`false` booleans,
 * otherwise strings.
 *
 * @example
 * ```ts
 * parseDimensionArgs(["lag=0:4:1", "weight=equal,signal", "tcBps=10"]);
 * // => { lag: { min: 0, max: 4, step: 1 }, weight: ["equal", "signal"], tcBps: 10 }
 * ```
 */
export function parseDimensionArgs(args: readonly string[]): SpaceSpec {
  const out: Record<string, DimensionSpec> = {};
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0) {
      throw new SpaceError(
        `--param expects NAME=SPEC (e.g. lag=0:4:1 or weight=equal,signal), found "${arg}"`,
      );
    }
    const name = arg.slice(0, eq).trim(), text = arg.slice(eq + 1).trim();
    if (name in out) throw new SpaceError(`--param ${name} is given twice`);
    if (text === "") throw new SpaceError(`--param ${name}: the spec is empty`);
    if (text.includes(":")) {
      const parts = text.split(":").map((p) => p.trim());
      const log = parts[parts.length - 1] === "log";
      if (log) parts.pop();
      const numbers = parts.map(Number);
      if (
        parts.length < 2 || parts.length > 3 || numbers.some((x, k) => parts[k] === "" || !Number.isFinite(x))
      ) {
        throw new SpaceError(
          `--param ${name}: a range is MIN:MAX or MIN:MAX:STEP (numbers), found "${text}"`,
        );
      }
      const [min, max, step] = numbers;
      out[name] = { min, max, ...(step !== undefined ? { step } : {}), ...(log ? { log } : {}) };
    } else if (text.includes(",")) out[name] = text.split(",").map((v) => parseValue(v.trim()));
    else out[name] = parseValue(text);
  }
  return out;
}

/** A command-line value: a number, a boolean, or the text itself. */
export function parseValue(text: string): ParamValue {
  if (text === "true") return true;
  if (text === "false") return false;
  const x = Number(text);
  return text !== "" && Number.isFinite(x) ? x : text;
}

/** One parameter of a strategy schema, as far as a search needs it (see `lib/strategy/params.ts`). */
export interface SchemaParam {
  readonly type: "number" | "integer" | "boolean" | "enum" | "date" | "string";
  readonly default: ParamValue;
  readonly min?: number | string;
  readonly max?: number | string;
  readonly step?: number;
  readonly choices?: readonly string[];
}

/**
 * The space a strategy's parameter schema describes, with `overrides` (e.g. from `--param`) taking
 * precedence. Without overrides every parameter with a searchable range varies over it (numbers with
 * `min`, `max` and `step`; integers with `min` and `max`, step 1 by default; enums over their choices;
 * booleans over false/true) and the rest stay at their defaults. With overrides only the overridden
 * parameters vary; the others stay at their defaults. An override naming no schema parameter is refused.
 *
 * @example
 * ```ts
 * spaceFromSchema({ fast: { type: "integer", min: 5, max: 50, step: 5, default: 10 } }, {}); // fast over 5..50
 * ```
 */
export function spaceFromSchema(
  schema: Readonly<Record<string, SchemaParam>>,
  overrides: SpaceSpec = {},
): Space {
  for (const name of Object.keys(overrides)) {
    if (!(name in schema)) {
      throw new SpaceError(
        `parameter "${name}" is not in the strategy's schema; expected one of ${
          Object.keys(schema).join(", ")
        }`,
      );
    }
  }
  const searchAll = Object.keys(overrides).length === 0;
  const spec: Record<string, DimensionSpec> = {};
  for (const [name, p] of Object.entries(schema)) {
    if (name in overrides) spec[name] = overrides[name];
    else if (!searchAll) spec[name] = p.default;
    else if (p.type === "enum") spec[name] = p.choices ?? [p.default];
    else if (p.type === "boolean") spec[name] = [false, true];
    else if (
      (p.type === "number" || p.type === "integer") && typeof p.min === "number" &&
      typeof p.max === "number" && (p.step !== undefined || p.type === "integer")
    ) {
      spec[name] = {
        type: p.type,
        min: p.min,
        max: p.max,
        ...(p.step !== undefined ? { step: p.step } : {}),
      };
    } else spec[name] = p.default;
  }
  return defineSpace(spec);
}
