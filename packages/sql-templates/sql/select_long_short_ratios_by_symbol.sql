-- Hourly long/short ratios of the given perpetual series, oldest first; a ratio the exchange does
-- not publish is NULL. `limit` keeps the most recent `limit` rows of each series (NULL: all).
-- params: exchanges, symbols, start, end, limit
-- views: long_short_ratios
WITH series AS (SELECT unnest($exchanges) AS exchange, unnest($symbols) AS symbol),
picked AS (
  SELECT r.*
  FROM long_short_ratios AS r
  SEMI JOIN series AS s ON r.exchange = s.exchange AND r.symbol = s.symbol
  WHERE r.ts >= epoch_ms($start::BIGINT)
    AND r.ts < epoch_ms($end::BIGINT)
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
  k.top_trader_account_ratio AS "topTraderAccountRatio",
  k.top_trader_position_ratio AS "topTraderPositionRatio",
  k.global_account_ratio AS "globalAccountRatio",
  k.taker_buy_sell_ratio AS "takerBuySellRatio"
FROM kept AS k
ORDER BY k.base, k.ts
