-- Rolling annualised volatility of the given series, in-database, oldest first:
-- stddev_samp of the last `window` simple returns * sqrt(periods_per_year) (365 days a year: 365 for 1d, 8760 for 1h).
-- NULL until `window` returns exist (the first value is at the `window`-th candle after the first).
-- The definition is computeRollingVolatility in @cexdata/client (src/analytics/volatility.ts); a client test proves this agrees.
-- exchanges[i] goes with symbols[i].
-- params: exchanges, symbols, market, start, end, window, periods_per_year
-- views: ohlcv
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol),
returns AS (
  SELECT
    o.exchange, o.symbol, o.ts, o.base, o.close,
    CASE WHEN lag(o.close) OVER w > 0 THEN o.close / lag(o.close) OVER w - 1 END AS ret
  FROM ohlcv AS o
  SEMI JOIN series AS s ON o.exchange = s.exchange AND o.symbol = s.symbol
  WHERE o.market = $market
    AND o.ts >= epoch_ms($start::BIGINT)
    AND o.ts < epoch_ms($end::BIGINT)
  WINDOW w AS (PARTITION BY o.exchange, o.symbol ORDER BY o.ts)
)
SELECT
  r.exchange AS "exchange",
  r.symbol AS "symbol",
  r.ts AS "ts",
  r.close AS "close",
  CASE WHEN count(r.ret) OVER w = $window THEN stddev_samp(r.ret) OVER w * sqrt($periods_per_year) END AS "volatility"
FROM returns AS r
WINDOW w AS (PARTITION BY r.exchange, r.symbol ORDER BY r.ts ROWS BETWEEN $window - 1 PRECEDING AND CURRENT ROW)
ORDER BY r.base, r.exchange, r.symbol, r.ts
