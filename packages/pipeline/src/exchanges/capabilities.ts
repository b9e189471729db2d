import {
  cadenceMsOf,
  CANDLE_TABLES,
  dueUntilOf,
  isPresentOnly,
  marketNotInTable,
  type CandleTable,
  type Market,
} from "@cexdata/schema";
import type { BaseAdapter } from "./base-adapter.js";
import type {
  Capabilities,
  ExchangeAdapter,
  FetchedPage,
  PageQuery,
  SeriesTable,
  TableCapability,
} from "./types.js";

/** What an exchange's file declares; everything else of its adapter is derived here. */
export interface AdapterDeclaration {
  readonly tables: Capabilities;
  /** Why a table without an entry is not served, where there is more to say than the default. */
  readonly notServed?: Readonly<Partial<Record<SeriesTable, string>>>;
  /** The markets collected from this exchange at all, and why the others are not (Coinbase: spot only). */
  readonly markets?: { readonly only: readonly Market[]; readonly reason: string };
}

/** The same entry for every candle table of the schema (an exchange's kline endpoint serves them all). */
export function forEachCandleTable(capability: TableCapability): Record<CandleTable, TableCapability> {
  return Object.fromEntries(CANDLE_TABLES.map((t) => [t, capability])) as Record<
    CandleTable,
    TableCapability
  >;
}

export class TableNotServedError extends Error {
  override readonly name = "TableNotServedError";
  constructor(
    readonly exchange: string,
    readonly table: string,
  ) {
    super(`${exchange}: ${table} is not fetched over REST`);
  }
}

/**
 * Why `table` is not fetched for `market`: the exchange's own market limit first, then a table it has
 * no entry for (with its reason, else the schema's market limit, else "not served over REST"), then
 * the schema's market limit on a table it serves. Null when served.
 */
export function unsupportedBy(
  declaration: AdapterDeclaration,
  table: SeriesTable,
  market: Market,
): string | null {
  if (declaration.markets && !declaration.markets.only.includes(market)) return declaration.markets.reason;
  if (declaration.tables[table] === undefined)
    return declaration.notServed?.[table] ?? marketNotInTable(table, market) ?? "not served over REST";
  return marketNotInTable(table, market);
}

/** An adapter from the parts every exchange shares and one exchange's declaration. */
export function completeAdapter(
  base: BaseAdapter,
  declaration: AdapterDeclaration,
  overrides: Partial<
    Omit<ExchangeAdapter, "tables" | "unsupported" | "earliestMs" | "pageSize" | "fetchPage">
  > = {},
): ExchangeAdapter {
  const { market: _market, ...shared } = base;
  for (const [table, capability] of Object.entries(declaration.tables)) {
    // What only the present holds is lost unless its bodies are kept: the raw layer needs the parser.
    if (isPresentOnly(table as SeriesTable) && capability?.replay === undefined)
      throw new Error(`${base.id}: ${table} is read as of now, so its entry needs a replay parser`);
  }
  const entry = (table: SeriesTable): TableCapability => {
    const capability = declaration.tables[table];
    if (capability === undefined) throw new TableNotServedError(base.id, table);
    return capability;
  };
  return {
    ...shared,
    ...overrides,
    tables: declaration.tables,
    unsupported: (table, market) => unsupportedBy(declaration, table, market),
    earliestMs: (table, nowMs) => earliestOf(declaration.tables[table], table, nowMs),
    pageSize: (table, market) => {
      const size = entry(table).pageSize;
      return typeof size === "number" ? size : size(market);
    },
    fetchPage: (query: PageQuery): Promise<FetchedPage> => entry(query.series.table).fetchPage(query),
  };
}

/**
 * The earliest time an entry still serves: its own horizon, and for a table read as of now
 * (`presentOnly`) the start of the step running, since nothing before it can be asked for.
 */
function earliestOf(capability: TableCapability | undefined, table: SeriesTable, nowMs: number): number {
  const own = capability?.earliest?.(nowMs) ?? 0;
  const stepMs = cadenceMsOf(table);
  if (!isPresentOnly(table) || stepMs === undefined) return own;
  return Math.max(own, dueUntilOf(table, nowMs) - stepMs);
}

/** The tables whose history an exchange forgets: entries with a horizon, which carry a replay parser. */
export function forgettingTables(tables: Capabilities): ReadonlySet<string> {
  return new Set(Object.entries(tables).flatMap(([table, entry]) => (entry?.replay ? [table] : [])));
}
