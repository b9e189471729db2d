-- The hourly readings of the funding rate each exchange predicted for the perpetuals' next funding,
-- oldest first; mark and index price are NULL where the reading does not carry them (OKX).
-- `limit` keeps the most recent `limit` rows of each series (NULL: all).
-- params: exchanges, symbols, start, end, limit
-- views: funding_predictions
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol),
picked AS (
  SELECT p.*
  FROM funding_predictions AS p
  SEMI JOIN series AS s ON p.exchange = s.exchange AND p.symbol = s.symbol
  WHERE p.ts >= epoch_ms($start::BIGINT)
    AND p.ts < epoch_ms($end::BIGINT)
),
kept AS (
  SELECT * FROM picked WHERE $limit IS NULL
  UNION ALL
  SELECT * FROM picked WHERE $limit IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY exchange, symbol ORDER BY ts DESC) <= $limit
)
SELECT
  k.exchange AS "exchange",
  k.symbol AS "symbol",
  k.ts AS "ts",
  k.base AS "base",
  k.quote AS "quote",
  k.funding_time AS "fundingTime",
  k.funding_rate AS "fundingRate",
  k.mark_price AS "markPrice",
  k.index_price AS "indexPrice"
FROM kept AS k
ORDER BY k.base, k.ts
