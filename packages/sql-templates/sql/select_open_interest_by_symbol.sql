-- Open interest snapshots of the given perpetual series, oldest first.
-- exchanges[i] goes with symbols[i]; `limit` keeps the most recent `limit` rows of each series (NULL: all).
-- params: exchanges, symbols, start, end, limit
-- views: open_interest
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol),
picked AS (
  SELECT i.*
  FROM open_interest AS i
  SEMI JOIN series AS s ON i.exchange = s.exchange AND i.symbol = s.symbol
  WHERE i.ts >= epoch_ms($start::BIGINT)
    AND i.ts < epoch_ms($end::BIGINT)
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
  k.symbol AS "symbol",
  k.ts AS "ts",
  k.base AS "base",
  k.quote AS "quote",
  k.open_interest AS "openInterest",
  k.open_interest_value AS "openInterestValue"
FROM kept AS k
ORDER BY k.base, k.ts
