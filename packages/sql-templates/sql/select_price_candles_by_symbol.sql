-- Mark, index or premium-index candles (the view `candles` is one of mark_ohlcv_1h, index_ohlcv_1h,
-- premium_index_ohlcv_1h) of the given perpetual series, in buckets of bucket_ms built from the
-- stored hours: open of the first hour, highest high, lowest low, close of the last. With
-- bucket_ms = 1 hour each row is a stored candle. Only complete buckets (the series reaches the
-- bucket's end) unless `partial` is true. A bucket starts at offset_ms + k * bucket_ms (weeks on Monday).
-- params: exchanges, symbols, start, end, limit, bucket_ms, offset_ms, partial
-- views: candles
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol),
source AS (
  SELECT
    c.*,
    floor((epoch_ms(c.ts) - $offset_ms) / $bucket_ms) * $bucket_ms + $offset_ms AS bucket
  FROM candles AS c
  SEMI JOIN series AS s ON c.exchange = s.exchange AND c.symbol = s.symbol
  WHERE c.ts >= epoch_ms($start::BIGINT)
    AND c.ts < epoch_ms($end::BIGINT)
),
buckets AS (
  SELECT
    exchange,
    symbol,
    bucket,
    any_value(base) AS base,
    any_value(quote) AS quote,
    arg_min(open, ts) AS open,
    max(high) AS high,
    min(low) AS low,
    arg_max(close, ts) AS close,
    max(max(epoch_ms(ts))) OVER (PARTITION BY exchange, symbol) AS series_last_ms
  FROM source
  GROUP BY exchange, symbol, bucket
)
SELECT
  b.exchange AS "exchange",
  b.symbol AS "symbol",
  epoch_ms(b.bucket::BIGINT) AS "ts",
  b.base AS "base",
  b.quote AS "quote",
  b.open AS "open",
  b.high AS "high",
  b.low AS "low",
  b.close AS "close"
FROM buckets AS b
WHERE $partial OR b.bucket + $bucket_ms <= b.series_last_ms + 3600000
QUALIFY $limit IS NULL
  OR row_number() OVER (PARTITION BY b.exchange, b.symbol ORDER BY b.bucket DESC) <= $limit
ORDER BY b.base, b.exchange, b.symbol, b.bucket
