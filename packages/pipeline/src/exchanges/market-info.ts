import type { Exchange, MarketInterface as CcxtMarket } from "ccxt";
import type { ExchangeInfoRow, Market } from "@cexdata/schema";
import { readEpochMs, readNullableNumber } from "./parse-values.js";

/** Our market type of a ccxt market: spot, a linear perpetual, or neither (futures, options, inverse). */
export function marketTypeOf(m: CcxtMarket): Market | null {
  if (m.spot) return "spot";
  if (m.swap && m.linear) return "perp";
  return null;
}

// ccxt's DECIMAL_PLACES precision mode gives digits; TICK_SIZE gives the step itself.
const DECIMAL_PLACES = 2;

function step(exchange: Exchange, value: unknown): number | null {
  const n = readNullableNumber(value);
  if (n === null || !Number.isFinite(n)) return null;
  return exchange.precisionMode === DECIMAL_PLACES ? 10 ** -n : n;
}

function finiteOrNull(value: unknown): number | null {
  const n = readNullableNumber(value);
  return n !== null && Number.isFinite(n) ? n : null;
}

/**
 * When the exchange says a market stopped (or stops) trading, from its raw listing entry; null where
 * it gives no such time. One per exchange, beside its quirks (Binance's deliveryDate, OKX's expTime,
 * Bybit's deliveryTime).
 */
export type DelistedAtOf = (m: CcxtMarket) => number | null;

/** An epoch-ms time from a raw field, or null when absent, zero or not a time. */
export function epochMsOrNull(value: unknown): number | null {
  if (value === undefined || value === null || value === "" || value === "0" || value === 0) return null;
  const ms = readEpochMs(value);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

/**
 * One exchange_info row from a loaded ccxt market. `delisted_at` is the exchange's own stop time of a
 * market that no longer trades; `reconcileListing` fills it from history where the exchange gives none.
 */
export function mapMarketInfo(
  exchange: Exchange,
  m: CcxtMarket,
  nowMs: number,
  delistedAtOf: DelistedAtOf = () => null,
): ExchangeInfoRow | null {
  const market = marketTypeOf(m);
  if (market === null) return null;
  const listed = m.created === undefined || m.created === null ? null : readEpochMs(m.created);
  const active = m.active !== false;
  return {
    exchange: exchange.id,
    symbol: m.symbol,
    market,
    base: m.base,
    quote: m.quote,
    active,
    contract_size: market === "perp" ? finiteOrNull(m.contractSize) : null,
    tick_size: step(exchange, m.precision?.price),
    amount_step: step(exchange, m.precision?.amount),
    min_amount: finiteOrNull(m.limits?.amount?.min),
    min_notional: finiteOrNull(m.limits?.cost?.min),
    maker_fee: finiteOrNull(m.maker),
    taker_fee: finiteOrNull(m.taker),
    listed_at: listed !== null && Number.isFinite(listed) && listed > 0 ? listed : null,
    delisted_at: active ? null : delistedAtOf(m),
    updated_at: nowMs,
  };
}
