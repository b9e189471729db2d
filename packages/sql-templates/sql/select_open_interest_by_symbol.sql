-- Open interest snapshots of the given perpetual series, oldest first.
-- exchanges[i] goes with symbols[i]; `limit` keeps the most recent `limit` rows of each series (NULL: all).
-- params: exchanges, symbols, start, end, limit
-- views: open_interest
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol)
SELECT
  i.exchange AS "exchange",
  i.symbol AS "symbol",
  i.ts AS "ts",
  i.base AS "base",
  i.quote AS "quote",
  i.open_interest AS "openInterest",
  i.open_interest_value AS "openInterestValue"
FROM open_interest AS i
SEMI JOIN series AS s ON i.exchange = s.exchange AND i.symbol = s.symbol
WHERE i.ts >= epoch_ms($start::BIGINT)
  AND i.ts < epoch_ms($end::BIGINT)
QUALIFY $limit IS NULL
  OR row_number() OVER (PARTITION BY i.exchange, i.symbol ORDER BY i.ts DESC) <= $limit
ORDER BY i.base, i.exchange, i.symbol, i.ts
