-- Closed candles of a native interval (1m, 1h, 1d) for the given series, oldest first.
-- A series is one (exchange, symbol) pair: exchanges[i] goes with symbols[i], so several tokens run as one query.
-- `limit` keeps the most recent `limit` candles of each series; NULL keeps all.
-- params: exchanges, symbols, market, start, end, limit
-- views: ohlcv
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol)
SELECT
  o.exchange AS "exchange",
  o.market AS "market",
  o.symbol AS "symbol",
  o.ts AS "ts",
  o.base AS "base",
  o.quote AS "quote",
  o.open AS "open",
  o.high AS "high",
  o.low AS "low",
  o.close AS "close",
  o.volume AS "volume",
  o.quote_volume AS "quoteVolume",
  o.trades AS "trades"
FROM ohlcv AS o
SEMI JOIN series AS s ON o.exchange = s.exchange AND o.symbol = s.symbol
WHERE o.market = $market
  AND o.ts >= epoch_ms($start::BIGINT)
  AND o.ts < epoch_ms($end::BIGINT)
QUALIFY $limit IS NULL
  OR row_number() OVER (PARTITION BY o.exchange, o.symbol ORDER BY o.ts DESC) <= $limit
ORDER BY o.base, o.exchange, o.symbol, o.ts
