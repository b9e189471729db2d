import {
  INTERVAL_INFO,
  CANDLE_TABLE_BY_INTERVAL,
  type ClientRow,
  type Interval,
  type Market,
} from "@cexdata/schema";
import type { TearsheetCoverageDay } from "./coverage-strip.js";
import { Tearsheet } from "./Tearsheet.js";
import type { TearsheetBasisRow, TearsheetInput, TearsheetLongShortRow } from "./tearsheet-input.js";

type TimeInput = Date | string | number;

interface SeriesQuery {
  exchange?: string;
  quote?: string;
  start?: TimeInput;
  end?: TimeInput;
}

/**
 * What `tearsheetForToken` needs of a Token: its candles, its perpetual's funding and open interest,
 * and the dataset's spec for the provenance. `Token` has all of it; the interface keeps this module
 * from depending on Token's internals.
 */
export interface TearsheetToken {
  readonly base: string;
  readonly dataset: {
    readonly source: { readonly label: string };
    spec(): Promise<{ readonly version: number; readonly update_time: string }>;
  };
  ohlcv(options: SeriesQuery & { interval?: Interval; market?: Market }): Promise<ClientRow<"ohlcv_1m">[]>;
  fundingRates(options: SeriesQuery): Promise<ClientRow<"funding_rates">[]>;
  openInterest(options: SeriesQuery): Promise<ClientRow<"open_interest">[]>;
  /** Optional: a token source without the derivatives tables simply draws no such panels. */
  basis?(options: SeriesQuery & { interval?: Interval }): Promise<readonly TearsheetBasisRow[]>;
  longShortRatios?(options: SeriesQuery): Promise<readonly TearsheetLongShortRow[]>;
  /** Daily coverage (drawn under the candles when the token has it). */
  coverage?(options: {
    table: "ohlcv_1m" | "ohlcv_1h" | "ohlcv_1d";
    exchange?: string;
    start?: TimeInput;
    end?: TimeInput;
  }): Promise<(TearsheetCoverageDay & { symbol: string })[]>;
}

/** The basis is built from hourly closes: the sheet's interval where it is one of those, else hourly. */
const BASIS_INTERVALS: readonly Interval[] = ["1h", "4h", "12h", "1d", "1w"];

export interface TokenTearsheetOptions {
  /** Candle interval. Default 1d. */
  readonly interval?: Interval;
  /** Inclusive start, exclusive end (Date, ISO-8601 string or epoch ms). Default: all stored. */
  readonly start?: TimeInput;
  readonly end?: TimeInput;
  /** Exchange; default: the Token's default (first of binance, okx, bybit, coinbase listing it). */
  readonly exchange?: string;
  /** Quote asset; default USDT (USD on coinbase). */
  readonly quote?: string;
  /** Market of the candles. Default spot. */
  readonly market?: Market;
  /** Draw the perpetual's funding and open interest (same exchange and quote). Default true. */
  readonly perp?: boolean;
  /** When given, the sheet is also written to this path. */
  readonly out?: string;
  /** Passed on to the sheet (see `TearsheetInput`). */
  readonly riskFreeRate?: number;
  readonly volatilityWindow?: number;
  readonly title?: string;
}

/**
 * Fetches a token's candles (and its perpetual's funding and open interest) and makes its tearsheet:
 * what `token.tearsheet(options)` does. A token with no perpetual simply gets no perpetual panels.
 */
export async function tearsheetForToken(
  token: TearsheetToken,
  options: TokenTearsheetOptions = {},
): Promise<Tearsheet> {
  const interval = options.interval ?? "1d";
  const range = { start: options.start, end: options.end };
  const query = { ...range, ...(options.exchange === undefined ? {} : { exchange: options.exchange }) };
  const withQuote = options.quote === undefined ? query : { ...query, quote: options.quote };
  const candles = await token.ohlcv({ ...withQuote, interval, market: options.market ?? "spot" });
  const exchange = candles[0]?.exchange ?? options.exchange;
  const perpQuery = { ...withQuote, ...(exchange === undefined ? {} : { exchange }) };
  const wantPerp = options.perp !== false;
  const basisInterval = BASIS_INTERVALS.includes(interval) ? interval : "1h";
  // Coverage of the stored table the candles come from (resampled intervals read a finer one).
  const coverageTable = CANDLE_TABLE_BY_INTERVAL[INTERVAL_INFO[interval].source];
  const [fundingRates, openInterest, spec, basis, longShortRatios, coverage] = await Promise.all([
    wantPerp ? token.fundingRates(perpQuery) : Promise.resolve([]),
    wantPerp ? token.openInterest(perpQuery) : Promise.resolve([]),
    token.dataset.spec(),
    wantPerp && token.basis ? token.basis({ ...perpQuery, interval: basisInterval }) : Promise.resolve([]),
    wantPerp && token.longShortRatios ? token.longShortRatios(perpQuery) : Promise.resolve([]),
    token.coverage && candles[0]
      ? token.coverage({ table: coverageTable, exchange: candles[0].exchange, ...range })
      : Promise.resolve([]),
  ]);
  const symbol = candles[0]?.symbol;
  const exchanges = [...new Set([...candles, ...fundingRates, ...openInterest].map((r) => r.exchange))];
  const input: TearsheetInput = {
    candles,
    fundingRates,
    openInterest,
    basis,
    longShortRatios,
    coverage: coverage.filter((d) => d.symbol === symbol),
    provenance: {
      datasetVersion: spec.version,
      updateTime: spec.update_time,
      dataset: token.dataset.source.label,
      exchanges,
      symbol: candles[0]?.symbol ?? token.base,
      interval,
      ...(fundingRates[0] === undefined ? {} : { perpSymbol: fundingRates[0].symbol }),
    },
    ...(options.riskFreeRate === undefined ? {} : { riskFreeRate: options.riskFreeRate }),
    ...(options.volatilityWindow === undefined ? {} : { volatilityWindow: options.volatilityWindow }),
    ...(options.title === undefined ? {} : { title: options.title }),
  };
  const sheet = new Tearsheet(input);
  if (options.out !== undefined) await sheet.write(options.out);
  return sheet;
}
