import { symbolLife } from "../series/index.js";
import { isGeneratedBase } from "./generated-bases.js";
import { OKX_INSTRUMENTS_FUTURES } from "./recorded/okx-instruments-futures.js";
import { OKX_INSTRUMENTS_SPOT } from "./recorded/okx-instruments-spot.js";
import { OKX_INSTRUMENTS_SWAP } from "./recorded/okx-instruments-swap.js";

type Json = Record<string, unknown>;
type Listing = { data: readonly Json[] };

const spot = (OKX_INSTRUMENTS_SPOT as unknown as Listing).data;
const swap = (OKX_INSTRUMENTS_SWAP as unknown as Listing).data;
const listTime = (symbol: string): string => String(symbolLife("okx", symbol).listedMs);

/** The recording holds no USDT spot pairs; these are cloned from its BTC-USD entry. */
function spotEntry(base: string, quote: string): Json[] {
  const template = spot.find((i) => i["instId"] === "BTC-USD");
  return template === undefined
    ? []
    : [
        {
          ...template,
          instId: `${base}-${quote}`,
          baseCcy: base,
          quoteCcy: quote,
          listTime: listTime(`${base}/${quote}`),
        },
      ];
}

function swapEntry(base: string, ctVal: string): Json[] {
  const template = swap.find((i) => i["instId"] === "BTC-USDT-SWAP");
  if (template === undefined) return [];
  const family = `${base}-USDT`;
  return [
    {
      ...template,
      instId: `${family}-SWAP`,
      instFamily: family,
      uly: family,
      ctVal,
      ctValCcy: base,
      listTime: listTime(`${base}/USDT:USDT`),
    },
  ];
}

export const OKX_INSTRUMENTS: Readonly<Record<string, readonly Json[]>> = {
  SPOT: [...spot, ...spotEntry("BTC", "USDT"), ...spotEntry("ETH", "USDT"), ...spotEntry("SOL", "USDT")],
  SWAP: [...swap, ...swapEntry("SOL", "1"), ...swapEntry("DOGE", "1000")],
  FUTURES: (OKX_INSTRUMENTS_FUTURES as unknown as Listing).data,
  OPTION: [],
};

/** The listing of `instType` with the generated bases' spot pairs and perpetuals after the fixed ones. */
export function okxInstruments(instType: string, generated: readonly string[]): readonly Json[] {
  const fixed = OKX_INSTRUMENTS[instType] ?? [];
  if (instType === "SPOT") return [...fixed, ...generated.flatMap((base) => spotEntry(base, "USDT"))];
  if (instType === "SWAP") return [...fixed, ...generated.flatMap((base) => swapEntry(base, "1"))];
  return fixed;
}

export interface OkxInstrument {
  readonly symbol: string;
  readonly swap: boolean;
  /** Base units per contract (1 for spot). */
  readonly ctVal: number;
}

/** instId -> simulated symbol: BTC-USDT -> BTC/USDT, BTC-USDT-SWAP -> BTC/USDT:USDT. */
export function okxInstrument(instId: string): OkxInstrument | undefined {
  const entry = [...(OKX_INSTRUMENTS["SPOT"] ?? []), ...(OKX_INSTRUMENTS["SWAP"] ?? [])].find(
    (i) => i["instId"] === instId,
  );
  const [base, quote] = instId.split("-");
  if (entry === undefined) {
    // A generated base (see generated-bases.ts): BASE-USDT, or BASE-USDT-SWAP of one base per contract.
    if (!isGeneratedBase(base) || quote !== "USDT") return undefined;
    const swap = instId === `${base}-USDT-SWAP`;
    return swap || instId === `${base}-USDT`
      ? { symbol: swap ? `${base}/USDT:USDT` : `${base}/USDT`, swap, ctVal: 1 }
      : undefined;
  }
  if (entry["instType"] === "SWAP") {
    const settle = String(entry["settleCcy"] ?? quote);
    const symbol = settle === base ? `${base}/USD:${base}` : `${base}/${quote}:${settle}`;
    return { symbol, swap: true, ctVal: Number(entry["ctVal"] ?? 1) };
  }
  return { symbol: `${base}/${quote}`, swap: false, ctVal: 1 };
}
