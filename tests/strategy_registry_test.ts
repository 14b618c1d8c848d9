/**
 * The strategy registry and parameter schemas: discovery of a folder of strategy files (broken files
 * reported by name, the others registered), validation with every problem in one message, and running
 * a strategy (weights, signal + construction, wrappers).
 */
import { deepEqual, equal, match, ok, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { makePanel } from "../lib/panel/make_panel.ts";
import { topNWeights } from "../lib/strategy/construct.ts";
import { createRng } from "../lib/util/rng.ts";
import {
  ParamError,
  type ParamSchema,
  parseParamAssignments,
  schemaProblems,
  validateParams,
} from "../lib/strategy/params.ts";
import { createRegistry, discoverStrategies } from "../lib/strategy/registry.ts";
import { generateWeights } from "../lib/strategy/run.ts";
import type { StrategyEntry } from "../lib/strategy/types.ts";

const SCHEMA: ParamSchema = {
  lookback: { type: "integer", min: 21, max: 504, default: 252, description: "formation window (bars)" },
  top_n: { type: "integer", min: 1, max: 500, default: 50, description: "names held" },
  fraction: { type: "number", min: 0, max: 1, step: 0.05, default: 0.5, description: "a share" },
  ma: { type: "enum", choices: ["sma", "ema"], default: "sma", description: "moving average" },
  short: { type: "boolean", default: false, description: "short the bottom" },
  since: { type: "date", default: null, min: "2000-01-01", description: "first date" },
};

Deno.test("validateParams fills defaults and parses command-line strings by type", () => {
  deepEqual(validateParams("s", SCHEMA, {}), {
    lookback: 252,
    top_n: 50,
    fraction: 0.5,
    ma: "sma",
    short: false,
    since: null,
  });
  deepEqual(
    validateParams("s", SCHEMA, {
      top_n: "20",
      fraction: "0.35",
      ma: "ema",
      short: "yes",
      since: "2015-06-30",
    }),
    { lookback: 252, top_n: 20, fraction: 0.35, ma: "ema", short: true, since: "2015-06-30" },
  );
});

Deno.test("validateParams lists every problem: strategy, parameter, allowed range, value given", () => {
  const error = (() => {
    try {
      validateParams("momentum_12_1", SCHEMA, {
        top_n: 0,
        lookback: "12.5",
        fraction: 0.33,
        ma: "wma",
        short: "maybe",
        since: "1999-12-31",
        lookbak: 100,
      });
    } catch (e) {
      return e as ParamError;
    }
  })();
  ok(error instanceof ParamError);
  equal(error.strategy, "momentum_12_1");
  equal(error.problems.length, 7);
  equal(
    error.message,
    [
      'strategy "momentum_12_1": 7 invalid parameters',
      '  - lookbak: expected a known parameter (lookback, top_n, fraction, ma, short, since), found unknown parameter "lookbak" = 100',
      '  - lookback: expected an integer in [21, 504], found "12.5"',
      "  - top_n: expected an integer in [1, 500], found 0",
      "  - fraction: expected a number in [0, 1] in steps of 0.05, found 0.33",
      '  - ma: expected one of sma, ema, found "wma"',
      '  - short: expected true or false, found "maybe"',
      '  - since: expected a date YYYY-MM-DD from 2000-01-01, found "1999-12-31"',
    ].join("\n"),
  );
});

Deno.test("schemaProblems checks a schema's own defaults and ranges", () => {
  deepEqual(schemaProblems(SCHEMA), []);
  deepEqual(schemaProblems({ n: { type: "integer", min: 5, max: 1, default: 3, description: "" } }), [
    'parameter "n": min 5 > max 1',
    'parameter "n": default 3 is not an integer in [5, 1]',
  ]);
  deepEqual(schemaProblems({ Bad: { type: "text", default: "", description: "" } }), [
    'parameter "Bad": name must be snake_case',
    'parameter "Bad": type must be number, integer, boolean, enum, date or string, found "text"',
  ]);
  deepEqual(schemaProblems({ id: { type: "string", default: "", description: "" } }), [
    'parameter "id": default "" is not a non-empty string',
  ]);
  deepEqual(schemaProblems({ id: { type: "string", default: null, pattern: "[", description: "" } }), [
    'parameter "id": pattern "[" is not a regular expression (Invalid regular expression: /[/: Unterminated character class)',
  ]);
});

Deno.test("validateParams checks string parameters: non-empty, the whole value matching the pattern", () => {
  const schema = {
    run_id: { type: "string", default: null, pattern: "[0-9]{8}-[\\w-]+", description: "a run" },
    dir: { type: "string", default: "runs", description: "a folder" },
  } as const;
  deepEqual(validateParams("ml_model", schema, {}), { run_id: null, dir: "runs" });
  deepEqual(validateParams("ml_model", schema, { run_id: "20240102-abc", dir: "x/y" }), {
    run_id: "20240102-abc",
    dir: "x/y",
  });
  throws(
    () => validateParams("ml_model", schema, { run_id: "x20240102-abc", dir: "" }),
    (error: unknown) => {
      equal(
        (error as Error).message,
        'strategy "ml_model": 2 invalid parameters\n' +
          '  - run_id: expected a string matching /^(?:[0-9]{8}-[\\w-]+)$/, found "x20240102-abc"\n' +
          '  - dir: expected a non-empty string, found ""',
      );
      return true;
    },
  );
});

Deno.test("parseParamAssignments reads k=v pairs and names a malformed one", () => {
  deepEqual(parseParamAssignments(["top_n=20", "ma = ema"]), { top_n: "20", ma: "ema" });
  throws(() => parseParamAssignments(["top_n"]), /--param expects NAME=VALUE, found "top_n"/);
  throws(() => parseParamAssignments(["a=1", "a=2"]), /--param a is given twice/);
});

/** A strategy module's source: exports plus a generate body. */
function moduleSource(
  name: string,
  extra = "",
  generate = "return new Float64Array(data.dates.length * data.securityIds.length);",
) {
  return `export const name = ${JSON.stringify(name)};
export const title = "T ${name}";
export const description = "D ${name}";
export const category = "trend";
export const params = { n: { type: "integer", min: 1, max: 10, default: 2, description: "n" } };
${extra}
export function generate(data, params, ctx) { ${generate} }
`;
}

Deno.test("discoverStrategies registers valid files and reports each broken one by name", async () => {
  const dir = await Deno.makeTempDir({ prefix: "quantnb-strategies-" });
  try {
    await Deno.writeTextFile(join(dir, "alpha.ts"), moduleSource("alpha"));
    await Deno.writeTextFile(join(dir, "beta.ts"), moduleSource("beta"));
    await Deno.writeTextFile(join(dir, "syntax.ts"), "export const name = ;");
    await Deno.writeTextFile(join(dir, "throws.ts"), 'throw new Error("boom at import");');
    await Deno.writeTextFile(join(dir, "mismatch.ts"), moduleSource("other_name"));
    await Deno.writeTextFile(
      join(dir, "bad_schema.ts"),
      moduleSource("bad_schema").replace('category = "trend"', 'category = "magic"').replace(
        "max: 10",
        "max: 0",
      ),
    );
    await Deno.writeTextFile(join(dir, "_helper.ts"), "export const x = 1;");
    await Deno.writeTextFile(join(dir, "notes.md"), "# not a strategy");
    const registry = await discoverStrategies(dir);
    deepEqual(registry.entries.map((e) => e.name), ["alpha", "beta"]);
    deepEqual(registry.entries[0].source, { kind: "module", path: join(dir, "alpha.ts") });
    const errors = Object.fromEntries(registry.errors.map((e) => [e.file.replace(/^.*\//, ""), e.message]));
    deepEqual(Object.keys(errors).sort(), ["bad_schema.ts", "mismatch.ts", "syntax.ts", "throws.ts"]);
    match(errors["syntax.ts"], /^cannot be imported: /);
    match(errors["throws.ts"], /cannot be imported: .*boom at import/);
    match(errors["mismatch.ts"], /export "name" is "other_name" but the file is mismatch\.ts/);
    match(
      errors["bad_schema.ts"],
      /export "category" must be one of factor, trend, reversal, breakout, pairs, regime, portfolio, found "magic"/,
    );
    match(errors["bad_schema.ts"], /parameter "n": min 1 > max 0/);
    throws(() => registry.get("throws"), /strategy "throws" failed to load: cannot be imported/);
    throws(() => registry.get("gamma"), /unknown strategy "gamma"; strategies available: alpha, beta/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const panel = makePanel({
  dates: [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)],
  securityIds: ["A", "B", "C"],
  fields: { close: [[10, 20, 30], [11, 19, 31]] },
});

function entry(name: string, generate: StrategyEntry["generate"], params: ParamSchema = {}): StrategyEntry {
  return {
    name,
    title: name,
    description: name,
    category: "portfolio",
    params,
    generate,
    source: { kind: "test", path: "" },
  };
}

Deno.test("generateWeights: weights, a signal with its construction, wrappers through ctx.run", async () => {
  const equal3 = entry("equal3", () => new Float64Array(6).fill(1 / 3));
  const scored = entry("scored", (data) => ({
    signal: {
      security_id: ["A", "B", "C", "A", "B", "C"],
      date_sig: Float64Array.of(...[0, 0, 0, 1, 1, 1].map((t) => data.dates[t])),
      signal: Float64Array.of(3, 1, 2, 1, 2, 3),
    },
    construction: { method: "top_n", n: 1 },
  }));
  const halve = entry(
    "halve",
    async (_, params, ctx) => (await ctx.run(params.inner as string)).map((w) => w / 2),
    { inner: { type: "enum", choices: ["equal3", "scored", "halve"], default: "equal3", description: "" } },
  );
  const registry = createRegistry([equal3, scored, halve]);
  deepEqual(Array.from((await generateWeights(scored, panel)).weights), [1, 0, 0, 0, 0, 1]);
  deepEqual(
    Array.from((await generateWeights(halve, panel, {}, { registry })).weights),
    new Array(6).fill(1 / 6),
  );
  deepEqual(
    Array.from((await generateWeights(halve, panel, { inner: "scored" }, { registry })).weights),
    [0.5, 0, 0, 0, 0, 0.5],
  );
  await rejects(
    generateWeights(halve, panel, { inner: "halve" }, { registry }),
    /strategy "halve" runs itself: halve → halve/,
  );
  await rejects(generateWeights(halve, panel, { inner: "nope" }), /strategy "halve": 1 invalid parameter/);
  const wrongShape = entry("wrong", () => new Float64Array(5));
  await rejects(
    generateWeights(wrongShape, panel),
    /weights have 5 cells, expected 2 dates × 3 securities = 6/,
  );
  const infinite = entry("inf", () => Float64Array.of(0, 0, 0, 0, Infinity, 0));
  await rejects(generateWeights(infinite, panel), /weight of B on 2024-01-03 is Infinity/);
});

Deno.test("topNWeights: equal weights on the top n, a short leg on the bottom n, NaN rows undecided", () => {
  const scores = Float64Array.of(5, 1, 4, 2, 3, NaN, NaN, NaN, NaN, NaN);
  deepEqual(Array.from(topNWeights(scores, 2, 5, { method: "top_n", n: 2 })), [
    0.5,
    0,
    0.5,
    0,
    0,
    NaN,
    NaN,
    NaN,
    NaN,
    NaN,
  ]);
  deepEqual(
    Array.from(topNWeights(scores, 2, 5, { method: "top_n", n: 2, long: 1, short: 0.5 })).slice(0, 5),
    [0.5, -0.25, 0.5, -0.25, 0],
  );
});

Deno.test("topNWeights: ties broken by security order (the bottom leg from the last name), as a full sort ranks them", () => {
  // Hand case: scores 2, 1, 2, 1, 2 with one name per leg: the top tie at 2 goes to the first name (0),
  // the bottom tie at 1 to the last name (3).
  deepEqual(
    Array.from(topNWeights(Float64Array.of(2, 1, 2, 1, 2), 1, 5, { method: "top_n", n: 1, short: 1 })),
    [1, 0, 0, -1, 0],
  );
  // Against the rule written as a full sort (score descending, then security index) on 300 random
  // rows of 40 names with many ties and gaps, for long-only and long-short legs of several sizes.
  const rng = createRng(11);
  const T = 300, N = 40;
  const scores = Float64Array.from({ length: T * N }, (_, c) => {
    const u = rng.uniform();
    return u < 0.15 ? NaN : c % 3 === 0 ? Math.round(4 * rng.normal()) : rng.normal();
  });
  for (let t = 0; t < 5; t++) scores.fill(NaN, t * N, t * N + N - t); // rows with 0..4 scores
  for (const construction of [{ n: 1 }, { n: 5 }, { n: 25 }, { n: 3, short: 1 }, { n: 30, short: 0.5 }]) {
    const c = { method: "top_n" as const, ...construction };
    const expected = new Float64Array(T * N).fill(NaN);
    for (let t = 0; t < T; t++) {
      const row = (i: number) => scores[t * N + i];
      const ranked = [...Array(N).keys()].filter((i) => Number.isFinite(row(i)))
        .sort((a, b) => row(b) - row(a) || a - b);
      if (!ranked.length) continue;
      expected.fill(0, t * N, t * N + N);
      const short = c.short ?? 0;
      const kLong = short > 0 ? Math.min(c.n, Math.floor(ranked.length / 2)) : Math.min(c.n, ranked.length);
      const kShort = short > 0 ? Math.min(c.n, ranked.length - kLong) : 0;
      for (const i of ranked.slice(0, kLong)) expected[t * N + i] = 1 / kLong;
      for (const i of ranked.slice(ranked.length - kShort)) expected[t * N + i] = -short / kShort;
    }
    deepEqual(Array.from(topNWeights(scores, T, N, c)), Array.from(expected), JSON.stringify(construction));
  }
});
