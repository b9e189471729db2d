import type { ExchangeInfoRow, Market } from "@cexdata/schema";
import type { Logger } from "pino";
import type { ExchangeAdapter } from "../exchanges/types.js";
import type { RunReport } from "../report/run-report.js";
import type { DatasetStore } from "../store/index.js";
import { ingestRows, type IngestSink } from "../ingest/index.js";
import { reconcileListing } from "./reconcile-listing.js";

/**
 * exchange_info of this run, staged: each loaded exchange's listing reconciled with what is stored
 * (`reconcileListing`: markets that stop trading or vanish keep their rows, marked delisted; a
 * listing that lost too much at once is refused and reported), through `ingestRows`. Markets of a host this runner could
 * not ask (a geo-blocked market type) are left as stored. Returns every exchange_info row as it now
 * stands, stored ones of other exchanges included, for token_info.
 */
export async function stageExchangeInfo(c: {
  store: DatasetStore;
  adapters: readonly ExchangeAdapter[];
  markets: readonly Market[];
  suspectShare: number;
  /** False when the config leaves exchange_info out: the rows are only derived, for token_info. */
  write: boolean;
  report: RunReport;
  log: Pick<Logger, "warn">;
  /** Where the rows go: the run's store and quarantine. */
  sink: IngestSink;
  nowMs: number;
}): Promise<ExchangeInfoRow[]> {
  const stored = await c.store.readRows("exchange_info");
  const staged: ExchangeInfoRow[] = [];
  const counts: RunReport["tables"][string] = {};
  for (const adapter of c.adapters) {
    const markets = c.markets.filter((m) => adapter.blockedMarket(m) === null);
    const seen = adapter.exchangeInfo(markets, c.nowMs);
    const mine = stored.filter((r) => r.exchange === adapter.id && markets.includes(r.market));
    const result = reconcileListing({
      exchange: adapter.id,
      seen,
      stored: mine,
      nowMs: c.nowMs,
      suspectShare: c.suspectShare,
    });
    if (result.suspect !== null) {
      const { vanished, of } = result.suspect;
      c.log.warn(
        { exchange: adapter.id, vanished, of },
        `${adapter.id}: the listing lacks ${vanished} of ${of} trading markets; taken for a failed or truncated answer, exchange_info left as stored`,
      );
      c.report.suspectListings.push(result.suspect);
    }
    // A market refused by validation still counts as seen above: quarantined, never marked delisted.
    const { accepted } = c.write
      ? await ingestRows({
          table: "exchange_info",
          source: "rest",
          nowMs: c.nowMs,
          input: { rows: result.rows },
          sink: c.sink,
        })
      : { accepted: result.rows };
    staged.push(...accepted);
    counts[adapter.id] = {
      fetched: seen.length,
      accepted: accepted.length,
      quarantined: {},
      series: 1,
      failedSeries: 0,
    };
  }
  if (c.write) c.report.tables.exchange_info = counts;
  const key = (r: ExchangeInfoRow) => `${r.exchange}\u0000${r.symbol}`;
  const fresh = new Map(staged.map((r) => [key(r), r]));
  return [...stored.filter((r) => !fresh.has(key(r))), ...fresh.values()];
}
