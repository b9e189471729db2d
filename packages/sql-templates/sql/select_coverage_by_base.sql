-- Daily coverage of a token's series of one table: rows due, present and missing per UTC day, the
-- sources, whether the market was listed all day and the zero-volume candles after a delisting.
-- exchange NULL takes every exchange. Ordered by exchange, market, symbol, day.
-- params: bases, table_name, exchange, start, end
-- views: coverage
SELECT
  c.exchange AS "exchange",
  c.market AS "market",
  c.symbol AS "symbol",
  c.table_name AS "tableName",
  c.day AS "day",
  c.base AS "base",
  c.expected AS "expected",
  c.present AS "present",
  c.missing_minutes AS "missingMinutes",
  c.sources AS "sources",
  c.listed_all_day AS "listedAllDay",
  c.zombie_rows AS "zombieRows",
  c.updated_at AS "updatedAt"
FROM coverage AS c
WHERE list_contains($bases, c.base)
  AND c.table_name = $table_name
  AND ($exchange IS NULL OR c.exchange = $exchange)
  AND c.day >= epoch_ms($start::BIGINT)
  AND c.day < epoch_ms($end::BIGINT)
ORDER BY c.exchange, c.market, c.symbol, c.day
