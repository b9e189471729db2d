-- Every market (spot and perpetual) listing the requested base assets, from exchange_info.
-- params: bases
-- views: exchange_info
SELECT
  e.exchange AS "exchange",
  e.symbol AS "symbol",
  e.market AS "market",
  e.base AS "base",
  e.quote AS "quote",
  e.active AS "active",
  e.contract_size AS "contractSize",
  e.tick_size AS "tickSize",
  e.amount_step AS "amountStep",
  e.min_amount AS "minAmount",
  e.min_notional AS "minNotional",
  e.maker_fee AS "makerFee",
  e.taker_fee AS "takerFee",
  e.listed_at AS "listedAt",
  e.delisted_at AS "delistedAt",
  e.updated_at AS "updatedAt"
FROM exchange_info AS e
WHERE list_contains($bases, e.base)
ORDER BY e.base, e.exchange, e.market, e.symbol
