/**
 * Plugin of `cexdata backfill` (loaded by commands/index.ts): `--source archive` (Binance's public
 * archive only) and `--source auto` (archive, then REST for the remainder and every gap). Owned by
 * sources/archive; the command itself and `--source rest` stay in backfill.ts.
 */
import { createAdapter } from "../../exchanges/registry.js";
import { newRunId } from "../../report/run-id.js";
import { updateCoverage } from "../../coverage/update-coverage.js";
import { openDatasetStore } from "../../store/index.js";
import {
  backfillFromArchive,
  createRestFillGap,
  formatArchiveReport,
  ARCHIVE_TABLES,
  isArchiveTable,
} from "../../sources/archive/index.js";
import type { CliContext } from "./context.js";
import { backfillOverRest, registerBackfillSource, type BackfillSource } from "./backfill.js";

function archiveSource(mode: "archive" | "auto"): BackfillSource {
  return async (ctx, request) => {
    const { series } = request;
    if (series.exchange !== "binance" || !isArchiveTable(series.table)) {
      ctx.logger.error(
        `--source ${mode}: the archive holds Binance ${ARCHIVE_TABLES.join(", ")} only; use --source rest`,
      );
      return false;
    }
    const nowMs = Date.now();
    const store = await openDatasetStore({ dir: request.datasetDir });
    try {
      const result = await backfillFromArchive({
        store,
        runId: `backfill-${newRunId(nowMs)}`,
        market: series.market,
        symbol: series.symbol,
        table: series.table,
        startMs: request.sinceMs,
        endMs: request.untilMs ?? nowMs,
        nowMs,
        source: mode,
        env: ctx.env,
        ...(ctx.env["CEXDATA_ARCHIVE_URL"] ? { archiveUrl: ctx.env["CEXDATA_ARCHIVE_URL"] } : {}),
        ...(mode === "auto"
          ? {
              fillGap: createRestFillGap({
                adapter: createAdapter("binance", { env: ctx.env }),
                nowMs: Date.now,
              }),
            }
          : {}),
      });
      for (const line of formatArchiveReport(result)) ctx.logger.info(line);
      // backfillFromArchive committed: the coverage of the days it touched, from what is now stored.
      await updateCoverage({ store, runId: `backfill-${newRunId(nowMs)}`, nowMs });
      await store.commit();
      // Gaps the exchange really has are data, not failures; a REST range that errored is a failure.
      return !result.rest.some((r) => r.error !== undefined);
    } catch (error) {
      ctx.logger.error({ err: error }, `archive backfill of ${series.symbol} ${series.table} failed`);
      return false;
    } finally {
      await store.close();
    }
  };
}

/**
 * The default: REST, except where REST cannot reach back to `--since` (Binance keeps long/short
 * ratios and open-interest statistics for 30 days) and the archive keeps the table: then whole days
 * come from the archive and the last days, and any gap, from REST, as `--source auto`.
 */
function restOrArchiveSource(): BackfillSource {
  const auto = archiveSource("auto");
  return async (ctx, request) => {
    const { series } = request;
    const beyondRest =
      series.exchange === "binance" &&
      series.market === "perp" &&
      isArchiveTable(series.table) &&
      request.sinceMs < createAdapter("binance", { env: ctx.env }).earliestMs(series.table, Date.now());
    return (beyondRest ? auto : backfillOverRest)(ctx, request);
  };
}

export function extend(_ctx: CliContext): void {
  registerBackfillSource("archive", archiveSource("archive"));
  registerBackfillSource("auto", archiveSource("auto"));
  registerBackfillSource("default", restOrArchiveSource(), { default: true });
}
