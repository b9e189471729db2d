import type { Exchange } from "ccxt";
import { applyExchangeProxy } from "../proxy/apply-exchange-proxy.js";
import { defaultGeoBlockRemedy, type GeoBlockRemedy } from "./geo-block.js";
import { teapotBan, type BanRule } from "./ip-ban.js";
import { createRealHostMap, detectRefusals, type RealHostOf, type RefusedHosts } from "./refused-hosts.js";
import { applyExchangeUrlOverride } from "./url-override.js";

/** How an exchange says "not from here" and "banned": each adapter may say it better for its own hosts. */
export interface ExchangeRefusalQuirks {
  readonly geoBlockRemedy?: GeoBlockRemedy;
  /** Default: 418 with Retry-After. */
  readonly banRule?: BanRule;
}

export interface ConnectedExchange {
  /** Whether `CEXDATA_EXCHANGE_URL_<ID>` rewrote any URL. */
  readonly overridden: boolean;
  /** Whether a proxy applies to the exchange. */
  readonly proxied: boolean;
  /** The real host a request URL stands for, for `refuseKnownHosts`. */
  readonly realHostOf: RealHostOf;
}

/**
 * Points a ccxt instance, REST or websocket, where the environment says: `CEXDATA_EXCHANGE_URL_<ID>`,
 * then its proxy (judged on the final URLs, so a generic one skips loopback and NO_PROXY hosts); and
 * turns geo-blocks and bans into their errors, remembered in `refusedHosts` by real host name.
 */
export function connectExchange(
  exchange: Exchange,
  p: {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly refusedHosts: RefusedHosts;
    readonly quirks?: ExchangeRefusalQuirks;
  },
): ConnectedExchange {
  const hosts = createRealHostMap();
  const overridden = applyExchangeUrlOverride(exchange, p.env, hosts.record);
  const proxied = applyExchangeProxy(exchange, p.env) !== null;
  detectRefusals(
    exchange,
    p.refusedHosts,
    {
      geoBlockRemedy: p.quirks?.geoBlockRemedy ?? defaultGeoBlockRemedy(exchange.id),
      banRule: p.quirks?.banRule ?? teapotBan,
    },
    hosts.realHostOf,
  );
  return { overridden, proxied, realHostOf: hosts.realHostOf };
}
