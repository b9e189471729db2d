-- Candles of a derived interval (5m, 15m, 30m, 4h, 12h, 1w) built from a finer stored interval:
-- open of the first candle, highest high, lowest low, close of the last, volumes (taker-buy volumes
-- too: NULL unless every candle of the bucket carries one) and trades summed.
-- A bucket starts at offset_ms + k * bucket_ms after the epoch (weeks start on Monday).
-- Only closed buckets (the stored series reaches the bucket's end) unless `partial` is true.
-- `start` and `end` should be aligned to bucket boundaries by the caller.
-- params: exchanges, symbols, market, start, end, limit, bucket_ms, offset_ms, source_ms, partial
-- views: ohlcv
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol),
source AS (
  SELECT
    o.*,
    floor((epoch_ms(o.ts) - $offset_ms) / $bucket_ms) * $bucket_ms + $offset_ms AS bucket
  FROM ohlcv AS o
  SEMI JOIN series AS s ON o.exchange = s.exchange AND o.symbol = s.symbol
  WHERE o.market = $market
    AND o.ts >= epoch_ms($start::BIGINT)
    AND o.ts < epoch_ms($end::BIGINT)
),
buckets AS (
  SELECT
    exchange,
    market,
    symbol,
    bucket,
    any_value(base) AS base,
    any_value(quote) AS quote,
    arg_min(open, ts) AS open,
    max(high) AS high,
    min(low) AS low,
    arg_max(close, ts) AS close,
    sum(volume) AS volume,
    sum(quote_volume) AS quote_volume,
    sum(trades) AS trades,
    -- A bucket's taker-buy volume only where every candle of it carries one: never a partial sum.
    CASE WHEN count(taker_buy_volume) = count(*) THEN sum(taker_buy_volume) END AS taker_buy_volume,
    CASE WHEN count(taker_buy_quote_volume) = count(*) THEN sum(taker_buy_quote_volume) END AS taker_buy_quote_volume,
    max(max(epoch_ms(ts))) OVER (PARTITION BY exchange, symbol) AS series_last_ms
  FROM source
  GROUP BY exchange, market, symbol, bucket
)
SELECT
  b.exchange AS "exchange",
  b.market AS "market",
  b.symbol AS "symbol",
  epoch_ms(b.bucket::BIGINT) AS "ts",
  b.base AS "base",
  b.quote AS "quote",
  b.open AS "open",
  b.high AS "high",
  b.low AS "low",
  b.close AS "close",
  b.volume AS "volume",
  b.quote_volume AS "quoteVolume",
  b.trades AS "trades",
  b.taker_buy_volume AS "takerBuyVolume",
  b.taker_buy_quote_volume AS "takerBuyQuoteVolume"
FROM buckets AS b
WHERE $partial OR b.bucket + $bucket_ms <= b.series_last_ms + $source_ms
QUALIFY $limit IS NULL
  OR row_number() OVER (PARTITION BY b.exchange, b.symbol ORDER BY b.bucket DESC) <= $limit
ORDER BY b.base, b.exchange, b.symbol, b.bucket
