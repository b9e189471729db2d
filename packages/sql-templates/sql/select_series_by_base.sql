-- The series stored for the requested base assets in one table, used to pick a default exchange
-- when exchange_info is not in the dataset. `series_source` is a table's files seen as
-- (exchange, symbol, base, quote, market); perpetual-only tables report market 'perp'.
-- params: bases, market
-- views: series_source
SELECT DISTINCT
  s.exchange AS "exchange",
  s.symbol AS "symbol",
  s.market AS "market",
  s.base AS "base",
  s.quote AS "quote"
FROM series_source AS s
WHERE list_contains($bases, s.base)
  AND s.market = $market
ORDER BY s.base, s.exchange, s.symbol
