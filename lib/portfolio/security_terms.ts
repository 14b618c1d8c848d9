/**
 * Per-security trading terms the simulator takes — lot size and tax class — read from a snapshot's
 * security master when it has one (the B3 pipeline's `security_master`: `lot_size`, `share_class`
 * ON/PN/PNA…/UNIT/ETF/FII/BDR). Without one, every name trades in the run's `--lot` and is a common
 * stock for the tax model.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlString } from "../store/db.ts";

/** Tax class of a B3 share class: units, ETFs, FIIs and BDRs by name; every share class (ON, PN, …) is "common". */
export const TAX_CLASS_OF_SHARE_CLASS: Readonly<Record<string, string>> = Object.freeze({
  UNIT: "unit",
  ETF: "etf",
  FII: "fii",
  BDR: "bdr",
});

/**
 * Tax class of a share class (see `TAX_CLASS_OF_SHARE_CLASS`).
 *
 * @example
 * ```ts
 * taxClassOf("PN"); // => "common"
 * taxClassOf("UNIT"); // => "unit"
 * ```
 */
export function taxClassOf(shareClass: string): string {
  return TAX_CLASS_OF_SHARE_CLASS[shareClass.toUpperCase()] ?? "common";
}

/** Lots and tax classes per security (in the order asked), when the data has a security master. */
export interface SecurityTerms {
  /** Lot size per security; NaN where the master has no row (the run's `--lot` applies). */
  readonly lots?: Float64Array;
  readonly taxClasses?: readonly string[];
}

/**
 * Reads the lot size and tax class of each of `securityIds` from the connection's `security_master`
 * table or view (a snapshot or the store); `{}` when there is none, or it has none of them. Securities
 * missing from the master get NaN lots and the "common" class.
 *
 * @example
 * ```ts
 * const terms = await readSecurityTerms(snapshot.conn, panel.securityIds);
 * simulatePortfolio(marketFromPanel(panel, terms), weights, { lot: 100 });
 * ```
 */
export async function readSecurityTerms(
  conn: DuckDBConnection,
  securityIds: readonly string[],
): Promise<SecurityTerms> {
  const [exists] = await queryRows(
    conn,
    `SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'security_master'
     AND column_name IN ('security_id', 'lot_size', 'share_class')`,
  );
  if (Number(exists.n) < 3 || securityIds.length === 0) return {};
  const rows = await queryRows(
    conn,
    `SELECT security_id, lot_size::DOUBLE AS lot_size, share_class FROM security_master
     WHERE security_id IN (SELECT unnest([${securityIds.map(sqlString).join(", ")}]))`,
  );
  if (rows.length === 0) return {};
  const byId = new Map(rows.map((r) => [r.security_id as string, r]));
  return {
    lots: Float64Array.from(securityIds, (id) => {
      const lot = byId.get(id)?.lot_size as number | undefined;
      return lot && lot >= 1 ? lot : NaN;
    }),
    taxClasses: securityIds.map((id) => taxClassOf((byId.get(id)?.share_class as string | undefined) ?? "")),
  };
}
