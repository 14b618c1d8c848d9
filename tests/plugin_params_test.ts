// External plugins validate their parameters with the strategy registry's validator (one
// implementation, lib/strategy/params.ts): the same ParamError, naming the plugin, each parameter,
// what is allowed and what was given; `k=v` text parsed by type; manifest schemas checked by the
// registry's `schemaProblems`. Expected messages: validateParams' format, written out by hand here.

import { deepEqual, equal, match, ok, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { loadManifest } from "../lib/plugin/manifest.ts";
import { runStreamPlugin } from "../lib/plugin/stream.ts";
import { ParamError, schemaProblems, validateParams } from "../lib/strategy/params.ts";

const fixtures = (name: string) => new URL(`./fixtures/plugins/${name}`, import.meta.url).pathname;

Deno.test("a plugin's invalid parameters throw the registry's ParamError, every problem listed", async () => {
  const plugin = await loadManifest(fixtures("misbehaving"));
  const close = new Float64Array([10, 11, 12, 13, 14]);
  const given = { at: 2000, mode: "melt", mood: "ok" };
  const expected = 'strategy "misbehaving": 3 invalid parameters\n' +
    '  - mood: expected a known parameter (mode, at), found unknown parameter "mood" = "ok"\n' +
    "  - mode: expected one of ok, sleep, exit1, garbage, wrong_shape, crash, raise, nan_token, env, " +
    'no_init, found "melt"\n' +
    "  - at: expected an integer in [0, 1000], found 2000";
  await rejects(runStreamPlugin(plugin, close, { params: given }), (e: Error) => {
    ok(e instanceof ParamError);
    equal(e.strategy, "misbehaving");
    equal(e.message, expected);
    return true;
  });
  // one implementation: the registry's validator says exactly the same about the manifest's schema
  throws(() => validateParams(plugin.name, plugin.params, given), (e: Error) => e.message === expected);
});

Deno.test("a plugin takes k=v text parsed by the schema's types, with defaults filled", async () => {
  const plugin = await loadManifest(fixtures("misbehaving"));
  deepEqual(validateParams(plugin.name, plugin.params, { at: "7" }), { mode: "ok", at: 7 });
  // a well-behaved run with text parameters (mode "ok" never misbehaves): one hold per bar
  const out = await runStreamPlugin(plugin, new Float64Array([1, 2, 3]), { params: { mode: "ok", at: "1" } });
  equal(out.params.at, 1);
});

Deno.test("a plugin manifest's schema is checked by the registry's schemaProblems, naming the file", async () => {
  const dir = await Deno.makeTempDir();
  const schema = {
    window: { type: "integer", min: 10, max: 5, default: 3, description: "bars" },
    Kind: { type: "text", default: "a", description: "?" },
  };
  await Deno.mkdir(join(dir, "bad_params"));
  await Deno.writeTextFile(
    join(dir, "bad_params", "manifest.json"),
    JSON.stringify({
      name: "bad_params",
      description: "schema errors",
      protocol: 1,
      mode: "stream",
      command: ["python", "x.py"],
      timeout: 5,
      params: schema,
    }),
  );
  const expected = [
    'parameter "window": min 10 > max 5',
    'parameter "window": default 3 is not an integer in [10, 5]',
    'parameter "Kind": name must be snake_case',
    'parameter "Kind": type must be number, integer, boolean, enum, date or string, found "text"',
  ];
  deepEqual(schemaProblems(schema), expected);
  await rejects(loadManifest("bad_params", dir), (e: Error) => {
    match(e.message, /bad_params\/manifest\.json: invalid manifest/);
    for (const p of expected) ok(e.message.includes(`"params": ${p}`), e.message);
    return true;
  });
  await Deno.remove(dir, { recursive: true });
});
