-- The bases listed at a moment, from exchange_info: a market counts from its listed_at (or always,
-- where the exchange never said) until its delisted_at. Delisted markets keep their rows, so the
-- answer for a past moment holds the coins that died since: no survivorship bias.
-- exchange, market and quote narrow it down; NULL takes every one.
-- params: at, exchange, market, quote
-- views: exchange_info
SELECT DISTINCT e.base AS "base"
FROM exchange_info AS e
WHERE (e.listed_at IS NULL OR e.listed_at <= epoch_ms($at::BIGINT))
  AND (e.delisted_at IS NULL OR epoch_ms($at::BIGINT) < e.delisted_at)
  -- A market seen only inactive, with no date either way, never traded as far as anyone knows.
  AND (e.active OR e.listed_at IS NOT NULL OR e.delisted_at IS NOT NULL)
  AND ($exchange IS NULL OR e.exchange = $exchange)
  AND ($market IS NULL OR e.market = $market)
  AND ($quote IS NULL OR e.quote = $quote)
ORDER BY e.base
