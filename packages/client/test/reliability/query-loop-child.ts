// Child process of concurrency.test.ts: queries one Hub dataset through the shared cache
// (CEXDATA_CACHE_DIR) in a loop, printing one JSON line per round of queries, until every query has
// given the awaited answer for `settleMs` in a row (or the deadline passes).
// Usage: tsx --conditions=@cexdata/source query-loop-child.ts <hubUrl> <repo> <ttlMs> <awaited> <settleMs> <deadlineMs>
import { createHash } from "node:crypto";
import { Dataset, Token } from "../../src/index.js";

/** One hash per query a user makes (BTC hourly, ETH daily): each query sees one version or the other. */
export async function answer(dataset: Dataset): Promise<{ btc: string; eth: string }> {
  const hash = (rows: unknown) => createHash("sha256").update(JSON.stringify(rows)).digest("hex");
  return {
    btc: hash(await new Token("BTC", { dataset }).ohlcv({ interval: "1h" })),
    eth: hash(await new Token("ETH", { dataset }).ohlcv({ interval: "1d" })),
  };
}

if (process.argv[1]?.endsWith("query-loop-child.ts")) {
  const [hubUrl, repo, ttlMs, awaited, settleMs, deadlineMs] = process.argv.slice(2) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const dataset = new Dataset({
    source: `hf://datasets/${repo}`,
    hubUrl,
    ttlMs: Number(ttlMs),
    logger: { warn: () => undefined },
  });
  const end = Date.now() + Number(deadlineMs);
  let streakFrom: number | null = null;
  while (Date.now() < end && (streakFrom === null || Date.now() - streakFrom < Number(settleMs))) {
    const startedAt = Date.now();
    const got = await answer(dataset);
    streakFrom = JSON.stringify(got) === awaited ? (streakFrom ?? startedAt) : null;
    process.stdout.write(`${JSON.stringify({ startedAt, ...got })}\n`);
  }
  await dataset.close();
}
