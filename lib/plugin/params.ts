/**
 * Parameter schemas of plugin manifests, in the strategy registry's format: each parameter has a `type`
 * (`number` | `integer` with optional `min`/`max`/`step`, `boolean`, `enum` with `choices`, `date` as
 * `YYYY-MM-DD` with optional `min`/`max`), a `default` and a `description`. `checkSchema` validates a
 * manifest's schema; `resolveParams` fills defaults and checks given values, reporting every problem.
 */

/** One parameter's spec. */
export interface PluginParamSpec {
  readonly type: "number" | "integer" | "boolean" | "enum" | "date";
  readonly default: number | boolean | string | null;
  readonly description: string;
  readonly min?: number | string;
  readonly max?: number | string;
  readonly step?: number;
  readonly choices?: readonly string[];
}

/** Parameters by name. */
export type PluginParamSchema = Readonly<Record<string, PluginParamSpec>>;

/** Resolved parameter values. */
export type PluginParams = Record<string, number | boolean | string | null>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Problems with `value` for `spec` (empty when valid). */
function check(spec: PluginParamSpec, value: unknown): string[] {
  switch (spec.type) {
    case "number":
    case "integer": {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return [`a finite number, found ${JSON.stringify(value)}`];
      }
      const problems: string[] = [];
      if (spec.type === "integer" && !Number.isInteger(value)) problems.push(`an integer, found ${value}`);
      if (typeof spec.min === "number" && value < spec.min) problems.push(`≥ ${spec.min}, found ${value}`);
      if (typeof spec.max === "number" && value > spec.max) problems.push(`≤ ${spec.max}, found ${value}`);
      if (spec.step !== undefined) {
        const k = (value - (typeof spec.min === "number" ? spec.min : 0)) / spec.step;
        if (Math.abs(k - Math.round(k)) > 1e-9) {
          problems.push(`a multiple of step ${spec.step}, found ${value}`);
        }
      }
      return problems;
    }
    case "boolean":
      return typeof value === "boolean" ? [] : [`true or false, found ${JSON.stringify(value)}`];
    case "enum":
      return spec.choices?.includes(value as string) ? [] : [
        `one of ${spec.choices?.join(", ")}, found ${JSON.stringify(value)}`,
      ];
    case "date": {
      if (value === null) return [];
      if (typeof value !== "string" || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
        return [`a date YYYY-MM-DD, found ${JSON.stringify(value)}`];
      }
      const problems: string[] = [];
      if (typeof spec.min === "string" && value < spec.min) {
        problems.push(`on or after ${spec.min}, found ${value}`);
      }
      if (typeof spec.max === "string" && value > spec.max) {
        problems.push(`on or before ${spec.max}, found ${value}`);
      }
      return problems;
    }
  }
}

/**
 * Problems with a schema (as `"<param>.<field>: expected …, found …"`), empty when valid.
 *
 * @example
 * ```ts
 * checkSchema({ n: { type: "integer", default: 0, min: 1, description: "window" } });
 * // => ['n.default: expected ≥ 1, found 0']
 * ```
 */
export function checkSchema(schema: unknown): string[] {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) {
    return [`params: expected an object of parameter specs, found ${JSON.stringify(schema)}`];
  }
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(schema as Record<string, unknown>)) {
    const spec = raw as PluginParamSpec;
    if (!spec || typeof spec !== "object") {
      problems.push(`${name}: expected a spec object, found ${JSON.stringify(raw)}`);
      continue;
    }
    if (!["number", "integer", "boolean", "enum", "date"].includes(spec.type)) {
      problems.push(
        `${name}.type: expected number, integer, boolean, enum or date, found ${JSON.stringify(spec.type)}`,
      );
      continue;
    }
    if (typeof spec.description !== "string" || !spec.description) {
      problems.push(`${name}.description: expected a text, found ${JSON.stringify(spec.description)}`);
    }
    if (spec.type === "enum" && (!Array.isArray(spec.choices) || spec.choices.length === 0)) {
      problems.push(
        `${name}.choices: expected a non-empty list of strings, found ${JSON.stringify(spec.choices)}`,
      );
      continue;
    }
    if (!("default" in spec)) problems.push(`${name}.default: expected a default value, found none`);
    else for (const p of check(spec, spec.default)) problems.push(`${name}.default: expected ${p}`);
  }
  return problems;
}

/**
 * Defaults overlaid with `given`; throws a `RangeError` listing every unknown or invalid parameter.
 *
 * @example
 * ```ts
 * resolveParams(schema, { fast: 5 }, "example_sma"); // => { fast: 5, slow: 30 }
 * ```
 */
export function resolveParams(
  schema: PluginParamSchema,
  given: Readonly<Record<string, unknown>> = {},
  plugin = "plugin",
): PluginParams {
  const out: PluginParams = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(schema)) out[name] = spec.default;
  for (const [name, value] of Object.entries(given)) {
    const spec = schema[name];
    if (!spec) {
      problems.push(
        `${name}: not a parameter of ${plugin} (parameters: ${Object.keys(schema).join(", ") || "none"})`,
      );
      continue;
    }
    const errors = check(spec, value);
    if (errors.length) problems.push(...errors.map((e) => `${name}: expected ${e}`));
    else out[name] = value as number | boolean | string | null;
  }
  if (problems.length) throw new RangeError(`${plugin}: invalid parameters\n  - ${problems.join("\n  - ")}`);
  return out;
}
