/**
 * Seeded pseudo-random numbers: every random process in quantnb takes one of these, so the same seed
 * gives the same numbers on every machine.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, as in PractRand),
 * seeded through splitmix32 so nearby seeds give unrelated streams.
 */
export interface Rng {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller, both values used). */
  normal(): number;
  /** Student-t with `df` degrees of freedom, scaled to unit variance (df > 2). */
  studentT(df: number): number;
  /** Uniform integer on [0, n). */
  int(n: number): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a seeded generator.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.uniform(); // same value for seed 42 on every run
 * ```
 */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, found ${seed}`);
  const init = splitmix32(seed);
  let a = init(), b = init(), c = init(), d = init();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let k = 0; k < 12; k++) next();
  let spare = NaN;
  const uniform = () => next() / 4294967296;
  const normal = () => {
    if (!Number.isNaN(spare)) {
      const v = spare;
      spare = NaN;
      return v;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  const studentT = (df: number) => {
    // t = Z / sqrt(chi2_df / df), chi2 as a sum of squared normals for integer df.
    let chi2 = 0;
    for (let k = 0; k < df; k++) {
      const z = normal();
      chi2 += z * z;
    }
    return normal() / Math.sqrt(chi2 / df) / Math.sqrt(df / (df - 2));
  };
  const int = (n: number) => Math.floor(uniform() * n);
  return { uniform, normal, studentT, int };
}
