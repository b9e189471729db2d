import { unzipSync, strFromU8 } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_ARCHIVE_DEFECTS, startArchiveSimulator, type ArchiveSimulator } from "../src/index.js";
import { startExchangeSimulator, type ExchangeSimulator } from "../src/exchanges/index.js";

const NOW = Date.parse("2024-06-10T12:34:56Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let sim: ExchangeSimulator;
let archive: ArchiveSimulator;

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: 21, nowMs: () => NOW });
  archive = await startArchiveSimulator({ seed: 21, nowMs: () => NOW, defects: NO_ARCHIVE_DEFECTS });
});
afterAll(async () => {
  await sim.stop();
  await archive.stop();
});

async function get(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

describe("derivatives endpoints: real paging, caps and horizons", () => {
  it("Binance mark, index and premium klines: kline paging, cap 1500, the recorded row shape", async () => {
    const from = NOW - 2000 * HOUR;
    const mark = (await get(
      `${sim.urls.binance}/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=1h&startTime=${from}&limit=2000`,
    )) as { status: number; body: unknown[][] };
    expect(mark.status).toBe(200);
    expect(mark.body).toHaveLength(1500);
    expect(mark.body[0]![0]).toBe(Math.ceil(from / HOUR) * HOUR);
    // [openTime, o, h, l, c, "0", closeTime, "0", seconds, "0", "0", "0"], as recorded on 2025-09-15.
    expect(mark.body[0]!.slice(5)).toEqual([
      "0",
      Number(mark.body[0]![0]) + HOUR - 1,
      "0",
      3600,
      "0",
      "0",
      "0",
    ]);
    const index = (await get(
      `${sim.urls.binance}/fapi/v1/indexPriceKlines?pair=BTCUSDT&interval=1h&limit=3`,
    )) as {
      body: unknown[][];
    };
    expect(index.body).toHaveLength(3);
    const premium = (await get(
      `${sim.urls.binance}/fapi/v1/premiumIndexKlines?symbol=BTCUSDT&interval=1h&limit=50`,
    )) as {
      body: string[][];
    };
    expect(premium.body.some((k) => Number(k[4]) < 0)).toBe(true);
  });

  it("Binance long/short statistics: cap 500, the last 30 days only (-1130 before)", async () => {
    const url = `${sim.urls.binance}/futures/data/topLongShortAccountRatio?symbol=BTCUSDT&period=1h`;
    expect(await get(`${url}&startTime=${NOW - 31 * DAY}&limit=500`)).toEqual({
      status: 400,
      body: { code: -1130, msg: "parameter 'startTime' is invalid." },
    });
    const page = (await get(`${url}&startTime=${NOW - 29 * DAY}&limit=1000`)) as {
      body: { longShortRatio: string; longAccount: string; timestamp: number }[];
    };
    expect(page.body).toHaveLength(500);
    expect(typeof page.body[0]!.timestamp).toBe("number");
    const r = page.body[0]!;
    expect(Number(r.longAccount)).toBeCloseTo(Number(r.longShortRatio) / (1 + Number(r.longShortRatio)), 4);
    const taker = (await get(
      `${sim.urls.binance}/futures/data/takerlongshortRatio?symbol=BTCUSDT&period=1h&limit=2`,
    )) as {
      body: { buySellRatio: string; buyVol: string; sellVol: string }[];
    };
    expect(Object.keys(taker.body[0]!)).toEqual(["buySellRatio", "sellVol", "buyVol", "timestamp"]);
  });

  it("OKX premium history: newest first, cap 100, minute samples, the past 6 months only", async () => {
    const url = `${sim.urls.okx}/api/v5/public/premium-history?instId=BTC-USDT-SWAP`;
    const page = (await get(`${url}&limit=300`)) as { body: { data: { ts: string; premium: string }[] } };
    expect(page.body.data).toHaveLength(100);
    const ts = page.body.data.map((d) => Number(d.ts));
    expect(ts).toEqual([...ts].sort((a, b) => b - a));
    expect(ts[0]! - ts[1]!).toBe(60_000);
    expect(ts[0]! % 60_000).toBe(4_000);
    const old = (await get(`${url}&after=${NOW - 200 * DAY}`)) as { body: { code: string; data: unknown[] } };
    expect(old.body).toMatchObject({ code: "0", data: [] });
  });

  it("OKX rubik contract ratios: begin/end, cap 100, the latest 1440 periods", async () => {
    const url = `${sim.urls.okx}/api/v5/rubik/stat/contracts/long-short-account-ratio-contract?instId=BTC-USDT-SWAP&period=1H`;
    const page = (await get(`${url}&limit=500`)) as { body: { data: string[][] } };
    expect(page.body.data).toHaveLength(100);
    const tooOld = (await get(`${url}&end=${NOW - 61 * DAY}`)) as { body: { data: unknown[] } };
    expect(tooOld.body.data).toEqual([]);
    const taker = (await get(
      `${sim.urls.okx}/api/v5/rubik/stat/taker-volume-contract?instId=BTC-USDT-SWAP&period=1H&limit=1`,
    )) as {
      body: { data: string[][] };
    };
    expect(taker.body.data[0]).toHaveLength(3);
  });

  it("Bybit account-ratio: newest first, cap 500, a cursor to the next page", async () => {
    const url = `${sim.urls.bybit}/v5/market/account-ratio?category=linear&symbol=BTCUSDT&period=1h`;
    const page = (await get(`${url}&limit=900&startTime=${NOW - 40 * DAY}&endTime=${NOW}`)) as {
      body: {
        result: {
          list: { buyRatio: string; sellRatio: string; timestamp: string }[];
          nextPageCursor: string;
        };
      };
    };
    expect(page.body.result.list).toHaveLength(500);
    expect(page.body.result.nextPageCursor).toMatch(/lasttime%3D\d+/);
    const first = page.body.result.list[0]!;
    expect(Number(first.buyRatio) + Number(first.sellRatio)).toBeCloseTo(1, 6);
    const kline = (await get(
      `${sim.urls.bybit}/v5/market/premium-index-price-kline?category=linear&symbol=BTCUSDT&interval=60&limit=2`,
    )) as {
      body: { result: { list: string[][] } };
    };
    expect(kline.body.result.list.map((k) => k.length)).toEqual([5, 5]);
  });

  it("the archive serves mark klines and metrics ratios that agree with REST", async () => {
    const day = "2024-06-01";
    const dayMs = Date.parse(`${day}T00:00:00Z`);
    const zip = async (path: string) =>
      strFromU8(
        Object.values(
          unzipSync(new Uint8Array(await (await fetch(`${archive.url}/${path}`)).arrayBuffer())),
        )[0]!,
      );
    const mark = await zip(`data/futures/um/daily/markPriceKlines/BTCUSDT/1h/BTCUSDT-1h-${day}.zip`);
    const rest = (await get(
      `${sim.urls.binance}/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=1h&startTime=${dayMs}&limit=24`,
    )) as { body: unknown[][] };
    const [header, firstLine] = mark.split("\n");
    expect(header).toBe(
      "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore",
    );
    expect(firstLine!.split(",").slice(0, 5)).toEqual(rest.body[0]!.slice(0, 5).map(String));
    expect(
      (
        await fetch(
          `${archive.url}/data/futures/um/monthly/premiumIndexKlines/BTCUSDT/1h/BTCUSDT-1h-2024-05.zip.CHECKSUM`,
        )
      ).status,
    ).toBe(200);

    const metrics = (await zip(`data/futures/um/daily/metrics/BTCUSDT/BTCUSDT-metrics-${day}.zip`)).split(
      "\n",
    );
    const onHour = metrics.find((l) => l.startsWith(`${day} 05:00:00,`))!.split(",");
    const stat = (await get(
      `${sim.urls.binance}/futures/data/topLongShortPositionRatio?symbol=BTCUSDT&period=1h&startTime=${dayMs + 5 * HOUR}&limit=1`,
    )) as { body: { longShortRatio: string }[] };
    expect(Number(onHour[5])).toBe(Number(stat.body[0]!.longShortRatio));
  });
});
