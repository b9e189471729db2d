import { INTERVAL_INFO, type Interval } from "@cexdata/schema";

/** Crypto trades every day of the year: annualisation uses 365 days, not 252 trading days. */
export const DAYS_PER_YEAR = 365;
const MS_PER_YEAR = DAYS_PER_YEAR * 24 * 60 * 60 * 1000;

/**
 * How many candles of `interval` fit in a 365-day year: 365 for `1d`, 8,760 for `1h`,
 * 525,600 for `1m`, 365 / 7 for `1w`. The factor every annualised statistic scales by.
 */
export function computePeriodsPerYear(interval: Interval): number {
  return MS_PER_YEAR / INTERVAL_INFO[interval].ms;
}

/** Years between two instants, on a 365-day year. */
export function computeYearsBetween(start: Date, end: Date): number {
  return (end.getTime() - start.getTime()) / MS_PER_YEAR;
}
