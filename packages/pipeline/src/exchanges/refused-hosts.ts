import type { Exchange } from "ccxt";
import { ExchangeGeoBlockedError, isGeoBlockAnswer, type GeoBlockRemedy } from "./geo-block.js";
import { ExchangeBannedError, type BanRule } from "./ip-ban.js";
import { wrapHook } from "./instrument-exchange.js";

/** Why a host is not asked: a geo-block (for the whole run) or a ban (until its end). */
export type HostRefusal = ExchangeGeoBlockedError | ExchangeBannedError;

/** Where an exchange-wide ban is kept among the hosts (no host name has a space). */
const exchangeKey = (exchange: string): string => `exchange ${exchange}`;

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Maps a request URL to the real host it stands for (e.g. `fapi.binance.com`). */
export type RealHostOf = (url: string) => string;

/**
 * The real host of each request URL after `CEXDATA_EXCHANGE_URL_<ID>` rewrote ccxt's URLs, fed by the
 * override as it rewrites: a simulator or mirror at 127.0.0.1 still reports, and is remembered as,
 * the host it stands for. A URL the override did not touch is its own host.
 */
export function createRealHostMap(): {
  record(rewrittenUrl: string, realHost: string): void;
  realHostOf: RealHostOf;
} {
  const pairs: [prefix: string, host: string][] = [];
  return {
    record(rewrittenUrl, realHost) {
      pairs.push([rewrittenUrl, realHost]);
      // Longest first: `.../fapi/v1` and `.../fapi/v2` share a host, `.../api` is a prefix of both.
      pairs.sort((x, y) => y[0].length - x[0].length);
    },
    realHostOf: (url) => pairs.find(([prefix]) => url.startsWith(prefix))?.[1] ?? hostOf(url),
  };
}

/**
 * The hosts that refused this run, shared by every exchange of the run: a geo-blocked host is asked
 * once, then every later request to it fails at once without leaving the machine; a banned host
 * likewise until its ban ends (by `clockMs`, the wall clock waits are measured on).
 */
export class RefusedHosts {
  private readonly refused = new Map<string, HostRefusal>();
  /** Hosts that have answered a request of this run (whatever the answer). */
  private readonly heardFrom = new Set<string>();
  /** The first request of the run to a host, while it is in flight. */
  private readonly firstRequests = new Map<string, Promise<void>>();

  constructor(readonly clockMs: () => number = Date.now) {}

  record(refusal: HostRefusal): void {
    const known = this.refused.get(refusal.host);
    // A geo-block outlives any ban; a later ban replaces an earlier one.
    if (known instanceof ExchangeGeoBlockedError) return;
    this.refused.set(refusal.host, refusal);
    if (refusal instanceof ExchangeBannedError) {
      // A ban is of this address, not of one host: requests to the exchange's other hosts sent
      // meanwhile would count as asking while banned (a longer ban). The latest end is kept.
      const key = exchangeKey(refusal.exchange);
      const other = this.refused.get(key);
      if (!(other instanceof ExchangeBannedError) || other.untilMs < refusal.untilMs)
        this.refused.set(key, refusal);
    }
  }

  /** The ban of the address by `exchange` (on any of its hosts), while it lasts. */
  banOf(exchange: string): HostRefusal | undefined {
    return this.of(exchangeKey(exchange));
  }

  /**
   * The first request of the run to `host` while it has not answered, else undefined. Requests that
   * ccxt sends side by side (Bybit's markets load four categories at once) wait for it, so a host
   * that refuses is asked once, not once per request already on its way.
   */
  firstAnswerFrom(host: string): Promise<void> | undefined {
    return this.firstRequests.get(host);
  }

  /** Sends `request` to `host`, as the run's first request to it when none has been sent yet. */
  send<T>(host: string, request: () => Promise<T>): Promise<T> {
    if (this.heardFrom.has(host) || this.firstRequests.has(host)) return request();
    const answer = request();
    const settled = answer.then(
      () => undefined,
      () => undefined,
    );
    this.firstRequests.set(
      host,
      settled.then(() => {
        this.heardFrom.add(host);
        this.firstRequests.delete(host);
      }),
    );
    return answer;
  }

  /** Why a host is not to be asked now, if it is not. */
  of(host: string): HostRefusal | undefined {
    const refusal = this.refused.get(host);
    if (refusal instanceof ExchangeBannedError && refusal.untilMs <= this.clockMs()) {
      this.refused.delete(host);
      return undefined;
    }
    return refusal;
  }
}

export interface RefusalRules {
  readonly geoBlockRemedy: GeoBlockRemedy;
  readonly banRule: BanRule;
}

/**
 * Turns a geo-block answer into ExchangeGeoBlockedError, and a ban into ExchangeBannedError, before
 * ccxt maps them (to ExchangeNotAvailable or DDoSProtection, NetworkErrors that would be retried on
 * a schedule of our own), and records the host in `hosts`. Install before any other `handleErrors`
 * wrapper that should still see the status.
 */
export function detectRefusals(
  exchange: Exchange,
  hosts: RefusedHosts,
  rules: RefusalRules,
  realHostOf: RealHostOf = hostOf,
): void {
  wrapHook(
    exchange,
    "handleErrors",
    (handleErrors) =>
      (code, reason, url, method, headers, body, ...rest) => {
        const text = typeof body === "string" ? body : undefined;
        if (isGeoBlockAnswer(code, text)) {
          const host = realHostOf(url);
          const error = new ExchangeGeoBlockedError(exchange.id, host, code, rules.geoBlockRemedy(host));
          hosts.record(error);
          throw error;
        }
        const bannedUntil = rules.banRule({ status: code, headers, body: text, nowMs: hosts.clockMs() });
        if (bannedUntil !== null) {
          const error = new ExchangeBannedError(exchange.id, realHostOf(url), code, bannedUntil);
          hosts.record(error);
          throw error;
        }
        return handleErrors(code, reason, url, method, headers, body, ...rest);
      },
  );
}

/**
 * Refuses, without sending it, every request to a host found geo-blocked in this run or banned
 * until later, and holds requests to a host until it has answered the run's first one. Install last
 * (outermost), so a refused request is not counted as sent.
 */
export function refuseKnownHosts(
  exchange: Exchange,
  hosts: RefusedHosts,
  realHostOf: RealHostOf = hostOf,
): void {
  wrapHook(exchange, "fetch", (fetch) => async (url, ...rest) => {
    const host = realHostOf(url);
    // Checked again after each wait: the first answer may have been a refusal.
    for (let first = hosts.firstAnswerFrom(host); first; first = hosts.firstAnswerFrom(host)) await first;
    const known = hosts.of(host) ?? hosts.banOf(exchange.id);
    if (known) throw known;
    return hosts.send(host, () => fetch(url, ...rest));
  });
}
