import { DEFAULT_SYNTHETIC, generateUniverse } from "../lib/ingest/synthetic.ts";

Deno.bench({
  name:
    `generateUniverse() default ${DEFAULT_SYNTHETIC.nSecurities} securities × ${DEFAULT_SYNTHETIC.years} years`,
  group: "synthetic",
  n: 5,
  warmup: 1,
  fn: () => {
    generateUniverse();
  },
});

Deno.bench({
  name: "generateUniverse() 100 securities × 2 years",
  group: "synthetic",
  fn: () => {
    generateUniverse({ nSecurities: 100, years: 2 });
  },
});
