import type { TableName } from "@cexdata/schema";

/**
 * Where a table's rows come from on each exchange and how far back each source goes, for the
 * dataset card. `restOnly` marks a history the exchanges serve only for a while: what a scheduled
 * run did not fetch in time is lost, so the dataset is the only place that keeps it.
 */
export interface TableSources {
  readonly sources: readonly string[];
  readonly restOnly?: string;
}

export const TABLE_SOURCES: Partial<Record<TableName, TableSources>> = {
  ohlcv_1h: {
    sources: [
      "`taker_buy_volume`, `taker_buy_quote_volume`: Binance klines (REST and archive, columns 10 and 11); null on " +
        "the other exchanges and in rows stored before schema 1.1. The same holds for `ohlcv_1m` and `ohlcv_1d`.",
    ],
  },
  open_interest: {
    sources: [
      "Binance: REST `openInterestHist` (the last 30 days) and, for older days, the archive's daily `metrics` files.",
      "OKX: rubik `open-interest-history` (the latest 1,440 hours). Bybit: `open-interest`.",
    ],
  },
  mark_ohlcv_1h: {
    sources: [
      "Binance: REST `/fapi/v1/markPriceKlines` and the archive's `markPriceKlines` daily and monthly files (checksum-verified), the whole life of the contract.",
      'OKX: `history-mark-price-candles` ("recent years"). Bybit: `mark-price-kline`, since listing.',
    ],
  },
  index_ohlcv_1h: {
    sources: [
      "Binance: REST `/fapi/v1/indexPriceKlines` (by pair) and the archive's `indexPriceKlines` files.",
      "OKX: `history-index-candles` of the underlying index (`BTC-USDT`). Bybit: `index-price-kline`.",
    ],
  },
  premium_index_ohlcv_1h: {
    sources: [
      "Binance: REST `/fapi/v1/premiumIndexKlines` and the archive's `premiumIndexKlines` files.",
      'OKX: `premium-history`, point samples about a minute apart, "in the past 6 months": each hour\'s candle is ' +
        "its first, highest, lowest and last sample. Bybit: `premium-index-price-kline`.",
    ],
    restOnly: "OKX keeps premium history for 6 months: REST-only history, only a scheduled run keeps it.",
  },
  long_short_ratios: {
    sources: [
      "Binance: REST `/futures/data/topLongShortAccountRatio`, `topLongShortPositionRatio`, " +
        "`globalLongShortAccountRatio` and `takerlongshortRatio` (period 1h) for the last 30 days; older days from " +
        "the archive's daily `metrics` files (5-minute rows since late 2021; the on-the-hour row is kept, its " +
        "taker ratio is that 5-minute period's).",
      "OKX: rubik contract statistics (`long-short-account-ratio-contract`, its `-top-trader` account and position " +
        "variants, `taker-volume-contract` as buy / sell volume), the latest 1,440 hours (60 days), from February 2024.",
      "Bybit: `account-ratio` (buy / sell shares of all accounts): `global_account_ratio` only.",
    ],
    restOnly:
      "OKX serves 60 days and Binance's REST 30 (its archive the rest): for OKX this is REST-only history, " +
      "only a scheduled run keeps it.",
  },
  funding_predictions: {
    sources: [
      "Binance: REST `/fapi/v1/premiumIndex` (`lastFundingRate` is the rate predicted for `nextFundingTime`, with the " +
        "mark and index price of the same answer). OKX: `/api/v5/public/funding-rate` (`fundingRate` for `fundingTime`). " +
        "Bybit: `/v5/market/tickers` (`fundingRate` for `nextFundingTime`, with mark and index price).",
      "One reading per UTC hour, the first a run makes: the exchanges keep no history of their predictions.",
    ],
    restOnly:
      "No exchange serves past predictions: every hour is REST-only history, only a scheduled run keeps it.",
  },
};
