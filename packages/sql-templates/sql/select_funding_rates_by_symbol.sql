-- Funding payments of the given perpetual series, oldest first.
-- exchanges[i] goes with symbols[i]; `limit` keeps the most recent `limit` rows of each series (NULL: all).
-- params: exchanges, symbols, start, end, limit
-- views: funding_rates
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol)
SELECT
  f.exchange AS "exchange",
  f.symbol AS "symbol",
  f.ts AS "ts",
  f.base AS "base",
  f.quote AS "quote",
  f.funding_rate AS "fundingRate",
  f.mark_price AS "markPrice",
  f.interval_hours AS "intervalHours"
FROM funding_rates AS f
SEMI JOIN series AS s ON f.exchange = s.exchange AND f.symbol = s.symbol
WHERE f.ts >= epoch_ms($start::BIGINT)
  AND f.ts < epoch_ms($end::BIGINT)
QUALIFY $limit IS NULL
  OR row_number() OVER (PARTITION BY f.exchange, f.symbol ORDER BY f.ts DESC) <= $limit
ORDER BY f.base, f.exchange, f.symbol, f.ts
