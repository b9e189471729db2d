// Quickstart: `pnpm --filter @cexdata/client build`, then
//   CEXDATA_DATASET=/path/to/dataset node --experimental-strip-types examples/quickstart.ts
// (or tsx). Without CEXDATA_DATASET it reads hf://datasets/cexdata/cexdata from the Hub.
import { Dataset, Token, Tokens } from "@cexdata/client";

const dataset = new Dataset(); // CEXDATA_DATASET, else the Hub; cached under CEXDATA_CACHE_DIR
try {
  const btc = new Token("BTC", { dataset });
  const hourly = await btc.ohlcv({ interval: "1h", limit: 5 });
  console.table(hourly.map((c) => ({ ts: c.ts.toISOString(), exchange: c.exchange, close: c.close })));

  const weekly = await btc.ohlcv({ interval: "1w", exchange: "okx" });
  console.log(`${weekly.length} weekly candles from okx`);

  const daily = await new Tokens(["BTC", "ETH"], { dataset }).ohlcv({ interval: "1d", start: "2024-01-01" });
  console.log(`${daily.length} daily candles for BTC and ETH, in one query`);

  const funding = await btc.fundingRates({ limit: 3 });
  console.log(funding.map((f) => `${f.ts.toISOString()} ${f.symbol} ${f.fundingRate}`).join("\n"));
} finally {
  await dataset.close();
}
