import {
  compareExchanges,
  defaultQuote,
  findCloseMatches,
  type Market,
  type SpecFile,
  type TableName,
} from "@cexdata/schema";
import { loadTemplate } from "@cexdata/sql-templates";
import { InvalidArgumentError, UnknownTokenError } from "../errors/index.js";
import type { SpecSnapshot } from "../source/SpecTracker.js";
import type { QueryContext } from "./query-context.js";
import { listStoredBases } from "./select-files.js";

/** One series a query reads: a token on one exchange, as one symbol. */
export interface Series {
  readonly base: string;
  readonly exchange: string;
  readonly symbol: string;
}

interface Candidate extends Series {
  readonly quote: string;
}

/** Throws UnknownTokenError for bases no file of the dataset holds, with close matches. */
export function checkBasesKnown(snapshot: SpecSnapshot, bases: readonly string[]): void {
  const stored = listStoredBases(snapshot.spec);
  for (const base of bases) {
    if (!stored.has(base)) throw new UnknownTokenError(base, { didYouMean: findCloseMatches(base, stored) });
  }
}

/**
 * Picks the series of each base from the files the query reads (so no extra download): the given
 * exchange, else the first in the schema's exchange order (then others by name) that has the market
 * with the given quote, else the exchange's default quote (the schema's `defaultQuote`). A base with no data in the range gets none.
 */
export async function resolveSeries(
  ctx: QueryContext,
  snapshot: SpecSnapshot,
  request: {
    table: TableName;
    files: readonly SpecFile[];
    bases: readonly string[];
    market: Market;
    exchange: string | undefined;
    quote: string | undefined;
  },
): Promise<Series[]> {
  if (request.files.length === 0) return [];
  const rows = await listCandidates(ctx, snapshot, request);
  return request.bases.flatMap((base) => {
    const candidates = rows.filter((row) => row.base === base);
    const chosen = chooseSeries(candidates, request);
    if (chosen) return [{ base, exchange: chosen.exchange, symbol: chosen.symbol }];
    if (candidates.length === 0) return [];
    const available = candidates.map((c) => `${c.exchange} ${c.symbol}`).join(", ");
    const wanted = [request.exchange, request.quote].filter(Boolean).join(" ") || "the default quote";
    throw new InvalidArgumentError(
      `${base} has no ${request.market} series for ${wanted}; available: ${available}`,
      {
        argument: request.exchange ? "exchange" : "quote",
        value: request.exchange ?? request.quote,
      },
    );
  });
}

// Series found per spec (a spec is immutable, and replaced by a new object on refresh): a warm query
// runs one SQL statement, not two.
const candidatesBySpec = new WeakMap<object, Map<string, Promise<Candidate[]>>>();

function listCandidates(
  ctx: QueryContext,
  snapshot: SpecSnapshot,
  request: { table: TableName; files: readonly SpecFile[]; bases: readonly string[]; market: Market },
): Promise<Candidate[]> {
  const memo = candidatesBySpec.get(snapshot.spec) ?? new Map<string, Promise<Candidate[]>>();
  candidatesBySpec.set(snapshot.spec, memo);
  const key = JSON.stringify([
    request.table,
    request.market,
    request.bases,
    request.files.map((f) => f.sha256),
  ]);
  let rows = memo.get(key);
  if (!rows) {
    const template = loadTemplate("select_series_by_base", { bases: request.bases, market: request.market });
    const views = [
      { view: "series_source", table: request.table, files: request.files, shape: "series" as const },
    ];
    rows = ctx.runTemplate(snapshot, template, views).then((r) => r as unknown as Candidate[]);
    rows.catch(() => memo.delete(key));
    memo.set(key, rows);
  }
  return rows;
}

function chooseSeries(
  candidates: readonly Candidate[],
  request: { exchange: string | undefined; quote: string | undefined },
): Candidate | undefined {
  const matching = candidates.filter(
    (c) =>
      (request.exchange === undefined || c.exchange === request.exchange) &&
      c.quote === (request.quote ?? defaultQuote(c.exchange)),
  );
  return matching.sort(compareSeries)[0];
}

function compareSeries(a: Candidate, b: Candidate): number {
  return compareExchanges(a.exchange, b.exchange) || a.symbol.localeCompare(b.symbol);
}
