import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { parseConfig, runCycle } from "@cexdata/pipeline";
import { startExchangeSimulator } from "@cexdata/testkit";

/** The simulated present of every server test: the dataset ends here. */
export const NOW = Date.UTC(2026, 10, 20, 10, 30, 0);
const DAY = 86_400_000;

/**
 * A dataset the pipeline wrote from the testkit's exchanges: one `runCycle` over Binance, OKX and
 * Bybit for BTC and ETH (candles, funding, open interest, liquidations, markets), three days back.
 * The simulator is stopped once the dataset is written: the server only reads files.
 */
export async function writePipelineDataset(
  opts: { exchanges?: string[]; bases?: string[]; days?: number } = {},
): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "cexdata-server-ds-"));
  const sim = await startExchangeSimulator({ seed: 3, nowMs: () => NOW });
  try {
    const config = parseConfig({
      exchanges: opts.exchanges ?? ["binance", "okx", "bybit"],
      bases: opts.bases ?? ["BTC", "ETH"],
      since: NOW - (opts.days ?? 3) * DAY,
    });
    const { report } = await runCycle({
      config,
      datasetDir: dir,
      logger: pino({ level: "silent" }),
      env: sim.env(),
      nowMs: () => NOW,
    });
    if (!report.ok) throw new Error(`the fixture run failed: ${JSON.stringify(report.failures)}`);
  } finally {
    await sim.stop();
  }
  return dir;
}
