-- The basis of perpetuals: the contract's close against its index's close and against the spot
-- close of the same exchange, at the end of each bucket of bucket_ms (the last stored hour of it),
-- as a fraction (perp / reference - 1) and annualised as a funding rate paid every 8 hours would be
-- (x 3 x 365). perp and spot are ohlcv_1h rows, index is index_ohlcv_1h; a reference an exchange
-- does not have is NULL. Series i: exchanges[i], perp_symbols[i], spot_symbols[i] (spot may be '').
-- params: exchanges, perp_symbols, spot_symbols, start, end, bucket_ms, offset_ms
-- views: perp, spot, idx
WITH series AS (
  SELECT unnest($exchanges) AS exchange, unnest($perp_symbols) AS symbol, unnest($spot_symbols) AS spot_symbol
),
closes AS (
  SELECT
    p.exchange,
    p.symbol,
    any_value(p.base) AS base,
    any_value(p.quote) AS quote,
    floor((epoch_ms(p.ts) - $offset_ms) / $bucket_ms) * $bucket_ms + $offset_ms AS bucket,
    arg_max(p.close, p.ts) AS perp_close,
    max(p.ts) AS last_ts
  FROM perp AS p
  SEMI JOIN series AS s ON p.exchange = s.exchange AND p.symbol = s.symbol
  WHERE p.market = 'perp'
    AND p.ts >= epoch_ms($start::BIGINT)
    AND p.ts < epoch_ms($end::BIGINT)
  GROUP BY p.exchange, p.symbol, bucket
)
SELECT
  c.exchange AS "exchange",
  c.symbol AS "symbol",
  epoch_ms(c.bucket::BIGINT) AS "ts",
  c.base AS "base",
  c.quote AS "quote",
  c.perp_close AS "perpClose",
  i.close AS "indexClose",
  sp.close AS "spotClose",
  c.perp_close / i.close - 1 AS "basisIndex",
  (c.perp_close / i.close - 1) * 3 * 365 AS "basisIndexAnnualised",
  c.perp_close / sp.close - 1 AS "basisSpot",
  (c.perp_close / sp.close - 1) * 3 * 365 AS "basisSpotAnnualised"
FROM closes AS c
JOIN series AS s ON c.exchange = s.exchange AND c.symbol = s.symbol
LEFT JOIN idx AS i ON i.exchange = c.exchange AND i.symbol = c.symbol AND i.ts = c.last_ts
LEFT JOIN spot AS sp
  ON sp.exchange = c.exchange AND sp.symbol = s.spot_symbol AND sp.market = 'spot' AND sp.ts = c.last_ts
ORDER BY c.base, c.bucket
