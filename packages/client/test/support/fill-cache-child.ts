// Run by processes.test.ts in several processes at once: fills one shared cache from the Hub simulator.
import { Dataset, Tokens } from "../../src/index.js";

const [hubUrl, cacheDir, repo] = process.argv.slice(2);
const dataset = new Dataset({ source: `hf://datasets/${repo}`, hubUrl, cacheDir });
const results: Record<string, { rows: number; close: number; volume: number }> = {};
for (const interval of ["1m", "1h", "1d", "4h"] as const) {
  const rows = await new Tokens(["BTC", "ETH", "SOL"], { dataset }).ohlcv({ interval });
  results[interval] = {
    rows: rows.length,
    close: rows.reduce((sum, r) => sum + r.close, 0),
    volume: rows.reduce((sum, r) => sum + r.volume, 0),
  };
}
await dataset.close();
process.stdout.write(JSON.stringify(results));
