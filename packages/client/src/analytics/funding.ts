import type { ClientRow } from "@cexdata/schema";
import { DAYS_PER_YEAR } from "./periods.js";

type FundingRow = Pick<ClientRow<"funding_rates">, "ts" | "fundingRate" | "intervalHours">;

/**
 * Annualised funding rate (simple, not compounded): APR = rate * (24 / intervalHours) * 365.
 * A 0.01% rate every 8 hours is 0.0001 * 3 * 365 = 10.95% a year. Exchanges change the interval
 * per contract (8, 4 or 1 hours), which is why the row carries it.
 */
export function computeFundingApr(fundingRate: number, intervalHours: number): number {
  if (!(intervalHours > 0)) throw new RangeError(`intervalHours must be positive, got ${intervalHours}`);
  return fundingRate * (24 / intervalHours) * DAYS_PER_YEAR;
}

export interface FundingPoint {
  readonly ts: Date;
  readonly fundingRate: number;
  /** This payment annualised (`computeFundingApr`). */
  readonly apr: number;
  /**
   * Sum of the rates paid up to and including this one: what a long position of constant notional
   * paid, as a fraction of that notional (0.01 = 1%; negative means it was paid). Simple sum, not
   * compounded, because funding is paid on notional, not on a growing balance.
   */
  readonly cumulative: number;
}

/** Each funding payment with its APR and the cumulative funding since the first row, in time order. */
export function computeFundingSeries(rows: readonly FundingRow[]): FundingPoint[] {
  const sorted = [...rows].sort((a, b) => a.ts.getTime() - b.ts.getTime());
  let cumulative = 0;
  return sorted.map((r) => {
    cumulative += r.fundingRate;
    return {
      ts: r.ts,
      fundingRate: r.fundingRate,
      apr: computeFundingApr(r.fundingRate, r.intervalHours),
      cumulative,
    };
  });
}

/**
 * Average APR over a period: total funding paid / years spanned by the payments, where each payment
 * covers its own interval (so a mix of 8 h and 4 h payments weighs correctly). NaN with no rows.
 */
export function computeAverageFundingApr(rows: readonly FundingRow[]): number {
  if (rows.length === 0) return Number.NaN;
  const total = rows.reduce((a, r) => a + r.fundingRate, 0);
  const hours = rows.reduce((a, r) => a + r.intervalHours, 0);
  return (total / hours) * 24 * DAYS_PER_YEAR;
}
