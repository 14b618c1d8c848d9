/**
 * The cost model shared by the time-series engines (`fromSignals`, `runEvents`): proportional fees in
 * basis points of traded value, a fixed fee per order, and slippage in basis points that moves every
 * market or stop fill against the trader (buys higher, sells lower). Limit fills (take-profit, limit
 * orders) execute at their limit price without slippage.
 */

/** Fees and slippage of every fill. */
export interface CostModel {
  /** Proportional fee, bps of traded value (10 = 0.1%); default 0. */
  readonly feesBps?: number;
  /** Fixed fee per order, in cash; default 0. */
  readonly fixedFee?: number;
  /** Adverse price move of market and stop fills, bps of price; default 0. */
  readonly slippageBps?: number;
}

/** A cost model in the kernel's units: fractions, not bps. */
export interface ResolvedCosts {
  /** Fee as a fraction of traded value. */
  readonly fee: number;
  readonly fixedFee: number;
  /** Slippage as a fraction of price. */
  readonly slippage: number;
}

/**
 * Checks a cost model (each value finite and ≥ 0, fees < 100%) and converts bps to fractions.
 *
 * @example
 * ```ts
 * resolveCosts({ feesBps: 10, slippageBps: 5 }); // => { fee: 0.001, fixedFee: 0, slippage: 0.0005 }
 * ```
 */
export function resolveCosts(costs: CostModel = {}): ResolvedCosts {
  const { feesBps = 0, fixedFee = 0, slippageBps = 0 } = costs;
  for (
    const [name, value] of [["feesBps", feesBps], ["fixedFee", fixedFee], [
      "slippageBps",
      slippageBps,
    ]] as const
  ) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`costs.${name} must be a finite number ≥ 0, found ${value}`);
    }
  }
  if (feesBps >= 10_000) throw new RangeError(`costs.feesBps must be < 10000 (100%), found ${feesBps}`);
  if (slippageBps >= 10_000) {
    throw new RangeError(`costs.slippageBps must be < 10000 (100%), found ${slippageBps}`);
  }
  return { fee: feesBps / 1e4, fixedFee, slippage: slippageBps / 1e4 };
}

/** The price a market or stop BUY fills at: `price · (1 + slippage)`. */
export function buyFillPrice(price: number, costs: ResolvedCosts): number {
  return price * (1 + costs.slippage);
}

/** The price a market or stop SELL fills at: `price · (1 − slippage)`. */
export function sellFillPrice(price: number, costs: ResolvedCosts): number {
  return price * (1 - costs.slippage);
}

/** The fee of one fill of `quantity` at `price`: `|quantity| · price · fee + fixedFee`. */
export function fillFee(quantity: number, price: number, costs: ResolvedCosts): number {
  return Math.abs(quantity) * price * costs.fee + costs.fixedFee;
}

/**
 * The quantity a cash `budget` buys (or sells short) at `price` once the fees are paid out of it:
 * `(budget − fixedFee) / (price · (1 + fee))`, so notional + fees = budget exactly; 0 when the budget
 * does not cover the fixed fee.
 */
export function quantityForBudget(budget: number, price: number, costs: ResolvedCosts): number {
  const q = (budget - costs.fixedFee) / (price * (1 + costs.fee));
  return q > 0 && Number.isFinite(q) ? q : 0;
}
