import type { ExchangeInfoRow } from "@cexdata/schema";
import type { SuspectListing } from "../report/run-report.js";

export interface ReconciledListing {
  /** Rows to stage: every market seen, and every stored one that vanished (kept, marked delisted). */
  readonly rows: ExchangeInfoRow[];
  /** Markets that vanished from the listing this run and were marked delisted. */
  readonly vanished: number;
  /** Set when the listing was refused: nothing is staged for the exchange, the stored state stays. */
  readonly suspect: SuspectListing | null;
}

const keyOf = (r: Pick<ExchangeInfoRow, "exchange" | "symbol">) => `${r.exchange}\u0000${r.symbol}`;

/**
 * One exchange's exchange_info after this run's listing, so that no market is ever lost:
 * - a market seen trading has no `delisted_at` (a relisted one loses its old one);
 * - a market seen not trading keeps the exchange's own stop time, else the one stored, else now
 *   (the first run that saw it inactive); one not listed yet (`listed_at` ahead) is pending, not
 *   delisted;
 * - a stored market the listing lacks keeps its row, `active = false`, `delisted_at` as above.
 * When more than `suspectShare` of the markets stored as trading vanish at once, the listing is
 * suspect: nothing is staged and the caller reports it.
 * `stored` must hold only this exchange's rows of the markets the listing covers (not those of a
 * host that could not be asked).
 */
export function reconcileListing(p: {
  exchange: string;
  seen: readonly ExchangeInfoRow[];
  stored: readonly ExchangeInfoRow[];
  nowMs: number;
  suspectShare: number;
}): ReconciledListing {
  const stored = new Map(p.stored.map((r) => [keyOf(r), r]));
  const seenKeys = new Set(p.seen.map(keyOf));
  const wasTrading = p.stored.filter((r) => r.active && r.delisted_at === null);
  const gone = p.stored.filter((r) => !seenKeys.has(keyOf(r)));
  const vanished = gone.filter((r) => r.active && r.delisted_at === null).length;
  if (wasTrading.length > 0 && vanished / wasTrading.length > p.suspectShare) {
    return {
      rows: [],
      vanished: 0,
      suspect: { exchange: p.exchange, vanished, of: wasTrading.length, allowedShare: p.suspectShare },
    };
  }
  const rows = p.seen.map((row) => {
    const before = stored.get(keyOf(row));
    const pending = row.listed_at !== null && row.listed_at > p.nowMs;
    const delisted_at = row.active || pending ? null : (row.delisted_at ?? before?.delisted_at ?? p.nowMs);
    // Where this listing no longer says when the market listed, the time read earlier stays.
    const listed_at = row.listed_at ?? before?.listed_at ?? null;
    return { ...row, listed_at, delisted_at };
  });
  for (const row of gone) {
    if (!row.active && row.delisted_at !== null) continue; // already recorded as delisted
    rows.push({ ...row, active: false, delisted_at: row.delisted_at ?? p.nowMs, updated_at: p.nowMs });
  }
  return { rows, vanished, suspect: null };
}
