import type { BacktestOptions } from "../engine/types.ts";

/**
 * A suite preset: plain data, a name and the config matrix to expand. Every combination of the
 * listed values becomes one variant; `base` holds settings shared by every variant.
 */
export interface SuitePreset {
  name: string;
  matrix: { lag?: number[]; residualize?: BacktestOptions["residualize"][]; tcBps?: number[] };
  base?: BacktestOptions;
}

/** Built-in presets. `standard`: lags {0, 1, 2} × residualize {off, industry} = 6 variants. */
export const PRESETS: Readonly<Record<string, SuitePreset>> = {
  standard: { name: "standard", matrix: { lag: [0, 1, 2], residualize: ["off", "industry"] } },
  quick: { name: "quick", matrix: { lag: [0, 1], residualize: ["off"] } },
};

/** One variant of a suite: its label (e.g. `lag1_industry`) and its backtest options. */
export interface Variant {
  label: string;
  options: BacktestOptions;
}

/**
 * Expands a preset's matrix into variants, residualize-major then lag (so variants sharing a
 * residualization are adjacent). Labels read `lag<L>_<residualize>[_tc<X>]`.
 *
 * @example
 * ```ts
 * expandPreset(PRESETS.standard).map((v) => v.label);
 * // => ["lag0_off", "lag1_off", "lag2_off", "lag0_industry", "lag1_industry", "lag2_industry"]
 * ```
 */
export function expandPreset(preset: SuitePreset): Variant[] {
  const base = preset.base ?? {};
  const lags = preset.matrix.lag ?? [base.lag ?? 0];
  const modes = preset.matrix.residualize ?? [base.residualize ?? "off"];
  const costs = preset.matrix.tcBps ?? [base.tcBps ?? 10];
  if (!lags.length || !modes.length || !costs.length) {
    throw new RangeError(`preset "${preset.name}": every matrix entry needs at least one value`);
  }
  const variants: Variant[] = [];
  for (const residualize of modes) {
    for (const lag of lags) {
      for (const tcBps of costs) {
        const suffix = costs.length > 1 ? `_tc${tcBps}` : "";
        variants.push({
          label: `lag${lag}_${residualize}${suffix}`,
          options: { ...base, lag, residualize, tcBps },
        });
      }
    }
  }
  return variants;
}
