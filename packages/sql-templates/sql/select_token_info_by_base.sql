-- One token_info row per requested base asset.
-- params: bases
-- views: token_info
SELECT
  t.base AS "base",
  t.name AS "name",
  t.exchanges AS "exchanges",
  t.markets AS "markets",
  t.delisted_markets AS "delistedMarkets",
  t.first_ts AS "firstTs",
  t.last_ts AS "lastTs",
  t.updated_at AS "updatedAt"
FROM token_info AS t
WHERE list_contains($bases, t.base)
ORDER BY t.base
