import { isSeriesTable, type ExchangeInfoRow, type Market } from "@cexdata/schema";
import { ingestRows, storeSink } from "../ingest/index.js";
import type { DatasetStore } from "../store/index.js";
import { DAY_MS, deriveCoverage, type CoverageRequest, type ListingWindow } from "./derive-coverage.js";

/** The dataset's name for where rows came from (the store's `ws` is the websocket collectors). */
const SOURCE_NAME: Readonly<Record<string, string>> = { archive: "archive", rest: "rest", ws: "websocket" };

type Building = Omit<CoverageRequest, "days" | "sourcesByDay"> & {
  days: number[];
  sourcesByDay: Map<number, string[]>;
};

const key = (...parts: readonly (string | number)[]) => parts.join("\u0000");

/**
 * Derives again the coverage of every (series, UTC day) committed since the store last handed out
 * what it committed (`takeTouched`), from the stored rows and the listing windows of exchange_info
 * (this run's, or as stored), and stages it; the caller commits. Nothing else is counted: the
 * coverage of a day is always what its stored rows say. Returns the rows staged.
 */
export async function updateCoverage(p: {
  store: DatasetStore;
  /** The run whose quarantine file would take a refused row. */
  runId: string;
  nowMs: number;
  exchangeInfo?: readonly ExchangeInfoRow[];
}): Promise<number> {
  const requests = new Map<string, Building>();
  for (const [table, touches] of p.store.takeTouched()) {
    if (!isSeriesTable(table)) continue;
    for (const t of touches) {
      const { exchange, symbol, base } = t.values;
      if (exchange === undefined || symbol === undefined || base === undefined) continue;
      const market = (t.values["market"] ?? (symbol.includes(":") ? "perp" : "spot")) as Market;
      const k = key(table, exchange, market, symbol);
      let request = requests.get(k);
      if (request === undefined)
        requests.set(
          k,
          (request = { table, exchange, market, symbol, base, days: [], sourcesByDay: new Map() }),
        );
      for (let day = Math.floor(t.minTs / DAY_MS) * DAY_MS; day <= t.maxTs; day += DAY_MS) {
        if (!request.days.includes(day)) request.days.push(day);
        const sources = request.sourcesByDay.get(day) ?? [];
        const name = SOURCE_NAME[t.source] ?? t.source;
        if (!sources.includes(name)) sources.push(name);
        request.sourcesByDay.set(day, sources);
      }
    }
  }
  if (requests.size === 0) return 0;
  const exchanges = [...new Set([...requests.values()].map((r) => r.exchange))];
  const info = p.exchangeInfo ?? (await p.store.readRows("exchange_info", exchanges));
  const listing = new Map<string, ListingWindow>(
    info.map((r) => [key(r.exchange, r.symbol), { listedAt: r.listed_at, delistedAt: r.delisted_at }]),
  );
  const previous = new Map(
    (await p.store.readRows("coverage", exchanges)).map((r) => [
      key(r.table_name, r.exchange, r.market, r.symbol, r.day),
      r,
    ]),
  );
  const rows = await p.store.withConnection((conn) =>
    deriveCoverage({
      conn,
      dir: p.store.dir,
      spec: p.store.spec,
      jobs: [...requests.values()].map((request) => ({
        request,
        listing: listing.get(key(request.exchange, request.symbol)),
      })),
      previous: (r, day) => previous.get(key(r.table, r.exchange, r.market, r.symbol, day)),
      nowMs: p.nowMs,
    }),
  );
  const { acceptedCount } = await ingestRows({
    table: "coverage",
    source: "rest",
    nowMs: p.nowMs,
    input: { rows },
    sink: storeSink(p.store, { datasetDir: p.store.dir, runId: p.runId }),
  });
  return acceptedCount;
}
