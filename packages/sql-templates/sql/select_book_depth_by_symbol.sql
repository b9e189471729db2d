-- Order book depth of the given series, oldest snapshot first, bids then asks, nearest level first.
-- exchanges[i] goes with symbols[i] (a symbol names its market); `limit` keeps the rows of the most
-- recent `limit` snapshots of each series (NULL: all).
-- params: exchanges, symbols, start, end, limit
-- views: book_depth
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol),
picked AS (
  SELECT b.*
  FROM book_depth AS b
  SEMI JOIN series AS s ON b.exchange = s.exchange AND b.symbol = s.symbol
  WHERE b.ts >= epoch_ms($start::BIGINT)
    AND b.ts < epoch_ms($end::BIGINT)
),
kept AS (
  SELECT * FROM picked WHERE $limit IS NULL
  UNION ALL
  SELECT * FROM picked WHERE $limit IS NOT NULL
  QUALIFY dense_rank() OVER (PARTITION BY exchange, symbol ORDER BY ts DESC) <= $limit
)
SELECT
  k.exchange AS "exchange",
  k.market AS "market",
  k.symbol AS "symbol",
  k.ts AS "ts",
  k.side AS "side",
  k.level AS "level",
  k.base AS "base",
  k.quote AS "quote",
  k.price AS "price",
  k.percentage AS "percentage",
  k.amount AS "amount",
  k.notional AS "notional"
FROM kept AS k
ORDER BY k.base, k.exchange, k.ts, k.side DESC, k.level
