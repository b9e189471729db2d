-- Liquidations of the given perpetual series, oldest first.
-- exchanges[i] goes with symbols[i]; `limit` keeps the most recent `limit` rows of each series (NULL: all).
-- params: exchanges, symbols, start, end, limit
-- views: liquidations
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol),
picked AS (
  SELECT l.*
  FROM liquidations AS l
  SEMI JOIN series AS s ON l.exchange = s.exchange AND l.symbol = s.symbol
  WHERE l.ts >= epoch_ms($start::BIGINT)
    AND l.ts < epoch_ms($end::BIGINT)
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
  k.id AS "id",
  k.base AS "base",
  k.quote AS "quote",
  k.side AS "side",
  k.price AS "price",
  k.amount AS "amount",
  k.value AS "value"
FROM kept AS k
ORDER BY k.base, k.ts, k.id
