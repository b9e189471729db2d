-- Liquidations of the given perpetual series, oldest first.
-- exchanges[i] goes with symbols[i]; `limit` keeps the most recent `limit` rows of each series (NULL: all).
-- params: exchanges, symbols, start, end, limit
-- views: liquidations
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol)
SELECT
  l.exchange AS "exchange",
  l.symbol AS "symbol",
  l.ts AS "ts",
  l.id AS "id",
  l.base AS "base",
  l.quote AS "quote",
  l.side AS "side",
  l.price AS "price",
  l.amount AS "amount",
  l.value AS "value"
FROM liquidations AS l
SEMI JOIN series AS s ON l.exchange = s.exchange AND l.symbol = s.symbol
WHERE l.ts >= epoch_ms($start::BIGINT)
  AND l.ts < epoch_ms($end::BIGINT)
QUALIFY $limit IS NULL
  OR row_number() OVER (PARTITION BY l.exchange, l.symbol ORDER BY l.ts DESC) <= $limit
ORDER BY l.base, l.exchange, l.symbol, l.ts, l.id
