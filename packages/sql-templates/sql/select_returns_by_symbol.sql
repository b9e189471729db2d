-- Period returns of the given series, in-database, oldest first: simple close / previous close - 1
-- and log ln(close / previous close). The first candle of each series in the range has NULL returns.
-- The definition is computeReturns in @cexdata/client (src/analytics/returns.ts); a client test proves this agrees.
-- exchanges[i] goes with symbols[i].
-- params: exchanges, symbols, market, start, end
-- views: ohlcv
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol),
candles AS (
  SELECT o.exchange, o.symbol, o.ts, o.base, o.close, lag(o.close) OVER w AS prev_close
  FROM ohlcv AS o
  SEMI JOIN series AS s ON o.exchange = s.exchange AND o.symbol = s.symbol
  WHERE o.market = $market
    AND o.ts >= epoch_ms($start::BIGINT)
    AND o.ts < epoch_ms($end::BIGINT)
  WINDOW w AS (PARTITION BY o.exchange, o.symbol ORDER BY o.ts)
)
SELECT
  c.exchange AS "exchange",
  c.symbol AS "symbol",
  c.ts AS "ts",
  c.close AS "close",
  CASE WHEN c.prev_close > 0 THEN c.close / c.prev_close - 1 END AS "return",
  CASE WHEN c.prev_close > 0 THEN ln(c.close / c.prev_close) END AS "logReturn"
FROM candles AS c
ORDER BY c.base, c.exchange, c.symbol, c.ts
