import type { Logger } from "../log/create-logger.js";
import type { RunReport } from "./run-report.js";

/** Human lines of a run report: one per table and exchange, then failures, gaps and requests. */
export function summarizeReport(report: RunReport): string[] {
  const lines: string[] = [];
  for (const [table, byExchange] of Object.entries(report.tables)) {
    for (const [exchange, c] of Object.entries(byExchange)) {
      const q = Object.entries(c.quarantined);
      const quarantined = q.length ? ` quarantined ${q.map(([r, n]) => `${n} ${r}`).join(", ")}` : "";
      const failed = c.failedSeries ? ` FAILED ${c.failedSeries}/${c.series} series` : "";
      lines.push(`${table} ${exchange}: fetched ${c.fetched}, accepted ${c.accepted}${quarantined}${failed}`);
    }
  }
  for (const n of report.notServed)
    lines.push(`${n.table} ${n.exchange} ${n.market}: ${n.reason} (${n.bases.join(", ")})`);
  if (report.stopped !== null)
    lines.push(
      `STOPPED (${report.stopped.reason}): ${report.stopped.unfinishedSeries} series unfinished; the next run resumes them`,
    );
  for (const f of report.failures) {
    lines.push(`FAILED ${f.table} ${f.exchange}${f.symbol ? ` ${f.symbol}` : ""}: ${f.error}: ${f.message}`);
  }
  for (const b of report.blocked) {
    const what = `${b.table} ${b.exchange}${b.symbol ? ` ${b.symbol}` : ""}`;
    lines.push(`BLOCKED ${what}: ${b.host} refuses this location; ${b.remedy}`);
  }
  for (const g of report.gaps) {
    // Stretches past the exchange's horizon come without candle counts (open interest, liquidations).
    const candles = g.expected > 0 ? `${g.present}/${g.expected} candles, ` : "";
    const missing = g.stretches.reduce((n, s) => n + s.missing, 0);
    lines.push(
      `gap ${g.table} ${g.exchange} ${g.symbol}: ${candles}${g.stretches.length} stretches, ${missing} missing`,
    );
  }
  for (const [exchange, r] of Object.entries(report.requests)) {
    lines.push(
      `requests ${exchange}: ${r.requests} (429: ${r.rateLimited}, 418: ${r.banned}, 5xx: ${r.serverErrors}, ` +
        `timeouts/resets: ${r.transportErrors}, retries: ${r.retries})`,
    );
  }
  return lines;
}

export function logReport(logger: Logger, report: RunReport, file: string): void {
  for (const line of summarizeReport(report)) logger.info(line);
  const ended = report.stopped !== null ? "run stopped" : "run finished";
  const msg = `${report.ok ? ended : `${ended} with failures`}: ${file}`;
  if (report.ok) logger.info({ runId: report.runId, commit: report.commit }, msg);
  else logger.error({ runId: report.runId, failures: report.failures.length }, msg);
}
