-- Closed candles of a native interval (1m, 1h, 1d) for the given series, oldest first.
-- A series is one (exchange, symbol) pair: exchanges[i] goes with symbols[i], so several tokens run as one query.
-- `limit` keeps the most recent `limit` candles of each series; NULL keeps all.
-- params: exchanges, symbols, market, start, end, limit
-- views: ohlcv
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol),
picked AS (
  SELECT o.*
  FROM ohlcv AS o
  SEMI JOIN series AS s ON o.exchange = s.exchange AND o.symbol = s.symbol
  WHERE o.market = $market
    AND o.ts >= epoch_ms($start::BIGINT)
    AND o.ts < epoch_ms($end::BIGINT)
),
-- One series per base in a query, so (base, ts) orders rows by series then time.
-- Two branches so that without a limit no window is computed (a parameter is not folded at plan time).
kept AS (
  SELECT * FROM picked WHERE $limit IS NULL
  UNION ALL
  SELECT * FROM picked WHERE $limit IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY exchange, symbol ORDER BY ts DESC) <= $limit
)
SELECT
  k.exchange AS "exchange",
  k.market AS "market",
  k.symbol AS "symbol",
  k.ts AS "ts",
  k.base AS "base",
  k.quote AS "quote",
  k.open AS "open",
  k.high AS "high",
  k.low AS "low",
  k.close AS "close",
  k.volume AS "volume",
  k.quote_volume AS "quoteVolume",
  k.trades AS "trades",
  k.taker_buy_volume AS "takerBuyVolume",
  k.taker_buy_quote_volume AS "takerBuyQuoteVolume"
FROM kept AS k
ORDER BY k.base, k.ts
