import type { Exchange } from "ccxt";
import { PayloadFormatError } from "./parse-values.js";
import { replayBodies, statisticOf } from "./replay-bodies.js";
import { requestJson } from "./request-json.js";
import { longShortRows, type LongShortValues } from "./series-rows.js";
import type { ReplayParser, SeriesRef } from "./types.js";

/**
 * One statistic a long_short_ratios row is made of: the ccxt method that asks it, the column it
 * fills, then whatever else its exchange needs to read it (Binance: the field holding the value).
 */
export type Statistic = readonly [method: string, column: keyof LongShortValues, ...rest: string[]];

/** What one statistic's body gives: its ratio per hour. */
export type StatisticPart = readonly { ts: number; values: Partial<LongShortValues> }[];

/**
 * The bodies of every statistic of one window, in the list's order. Sequential: they share one
 * rate limiter, and a failure of any retries the window whole.
 */
export async function requestStatistics(
  exchange: Exchange,
  statistics: readonly Statistic[],
  params: Record<string, unknown>,
): Promise<unknown[]> {
  const bodies: unknown[] = [];
  for (const [method] of statistics) bodies.push(await requestJson(exchange, method, params));
  return bodies;
}

/** The long_short_ratios rows of one window from its bodies (one per statistic, in the list's order). */
export function statisticsRows<S extends Statistic>(
  series: SeriesRef,
  statistics: readonly S[],
  bodies: readonly unknown[],
  read: (body: unknown, statistic: S) => StatisticPart,
) {
  return longShortRows(
    series,
    statistics.map((statistic, i) => read(bodies[i], statistic)),
  );
}

/**
 * The replay parser of captured statistics: each body is one statistic, named by its URL path
 * (`statisticOf`), and a row joins all of its hour. A body of another path is unreadable.
 */
export function replayStatistics<S extends Statistic>(
  statistics: readonly S[],
  read: (body: unknown, statistic: S) => StatisticPart,
  family: string,
): ReplayParser {
  return replayBodies(
    (_series, raw) => {
      const statistic = statisticOf(statistics, raw.endpoint);
      if (!statistic) throw new PayloadFormatError(`${raw.endpoint} is not a ${family} statistic`);
      return read(raw.body, statistic);
    },
    (series, parts) => longShortRows(series, parts),
  );
}
