/**
 * Transaction-cost formulas of the simulator (see `CommissionModel` and `SlippageModel` in
 * `config.ts`), as small functions the kernel calls per order.
 */
import type { CommissionModel, SlippageModel } from "./config.ts";

/**
 * Commission of an order of `qty` shares (either sign) filled at `fill`:
 * `max(minimum, bps/1e4 · |qty|·fill + perShare · |qty| + perOrder)`; 0 for no shares.
 *
 * @example
 * ```ts
 * commission(100, 50, { bps: 5, perShare: 0.01, perOrder: 2, minimum: 5 }); // => 5.5 (2.5 + 1 + 2)
 * commission(10, 50, { bps: 5, perShare: 0, perOrder: 0, minimum: 5 }); // => 5 (0.25 is below the minimum)
 * ```
 */
export function commission(qty: number, fill: number, model: CommissionModel): number {
  if (qty === 0) return 0;
  const q = Math.abs(qty);
  return Math.max(model.minimum, (model.bps / 1e4) * q * fill + model.perShare * q + model.perOrder);
}

/**
 * Slippage as a fraction of the price for an order of `qty` shares at `price` when the security's ADV
 * (traded value per day) is `adv`: `bps / 1e4` for the bps model; `(bps + impactBps ·
 * (|qty|·price / adv)^exponent) / 1e4` for the participation model (NaN when `adv` is unknown: the
 * order cannot be priced and waits).
 *
 * @example
 * ```ts
 * slippageFraction(1000, 10, 1e6, { model: "participation", bps: 2, impactBps: 100, exponent: 0.5, maxParticipation: 0.1 });
 * // => 0.0012 (2 bps + 100 bps · sqrt(10,000 / 1,000,000) = 12 bps)
 * ```
 */
export function slippageFraction(qty: number, price: number, adv: number, model: SlippageModel): number {
  if (model.model === "bps") return model.bps / 1e4;
  if (!(adv > 0)) return NaN;
  return (model.bps + model.impactBps * Math.pow((Math.abs(qty) * price) / adv, model.exponent)) / 1e4;
}

/**
 * Largest order (in shares, a multiple of `lot`, or fractional when `lot` is 0) the participation model
 * fills today: `maxParticipation · adv / price`, rounded down to the lot; `Infinity` for the bps model
 * and 0 when the ADV is unknown.
 *
 * @example
 * ```ts
 * fillCap(25, 1e6, 100, { model: "participation", bps: 0, impactBps: 0, exponent: 0.5, maxParticipation: 0.1 });
 * // => 4000 (10% of R$1M at R$25 = 4,000 shares)
 * ```
 */
export function fillCap(price: number, adv: number, lot: number, model: SlippageModel): number {
  if (model.model === "bps") return Infinity;
  if (!(adv > 0) || !(price > 0)) return 0;
  const q = (model.maxParticipation * adv) / price;
  return lot > 0 ? Math.floor(q / lot + 1e-9) * lot : q;
}
