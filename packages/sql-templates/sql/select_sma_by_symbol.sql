-- Simple moving average of the close over the last `window` candles of the given series, in-database, oldest first.
-- NULL until `window` candles are in the window (the first value is at the `window`-th candle).
-- The definition is computeSma in @cexdata/client (src/analytics/moving-averages.ts); a client test proves this agrees.
-- exchanges[i] goes with symbols[i].
-- params: exchanges, symbols, market, start, end, window
-- views: ohlcv
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol)
SELECT
  o.exchange AS "exchange",
  o.symbol AS "symbol",
  o.ts AS "ts",
  o.close AS "close",
  CASE WHEN count(o.close) OVER w = $window THEN avg(o.close) OVER w END AS "sma"
FROM ohlcv AS o
SEMI JOIN series AS s ON o.exchange = s.exchange AND o.symbol = s.symbol
WHERE o.market = $market
  AND o.ts >= epoch_ms($start::BIGINT)
  AND o.ts < epoch_ms($end::BIGINT)
WINDOW w AS (PARTITION BY o.exchange, o.symbol ORDER BY o.ts ROWS BETWEEN $window - 1 PRECEDING AND CURRENT ROW)
ORDER BY o.base, o.exchange, o.symbol, o.ts
