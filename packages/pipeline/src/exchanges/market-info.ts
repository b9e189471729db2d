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

/** One exchange_info row from a loaded ccxt market. */
export function mapMarketInfo(exchange: Exchange, m: CcxtMarket, nowMs: number): ExchangeInfoRow | null {
  const market = marketTypeOf(m);
  if (market === null) return null;
  const listed = m.created === undefined || m.created === null ? null : readEpochMs(m.created);
  return {
    exchange: exchange.id,
    symbol: m.symbol,
    market,
    base: m.base,
    quote: m.quote,
    active: m.active !== false,
    contract_size: market === "perp" ? finiteOrNull(m.contractSize) : null,
    tick_size: step(exchange, m.precision?.price),
    amount_step: step(exchange, m.precision?.amount),
    min_amount: finiteOrNull(m.limits?.amount?.min),
    min_notional: finiteOrNull(m.limits?.cost?.min),
    maker_fee: finiteOrNull(m.maker),
    taker_fee: finiteOrNull(m.taker),
    listed_at: listed !== null && Number.isFinite(listed) && listed > 0 ? listed : null,
    updated_at: nowMs,
  };
}
