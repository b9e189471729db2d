import { startArchiveSimulator, type ArchiveSimulator } from "./archive/start-archive-simulator.js";
import type { ArchiveDefects } from "./archive/archive-defects.js";
import {
  startExchangeSimulator,
  type ExchangeSimulator,
  type ExchangeSimulatorOptions,
} from "./exchanges/index.js";
import { startHubSimulator, type HubSimulator } from "./hub/start-hub-simulator.js";
import { createSeriesSource } from "./series/index.js";

export interface TestkitOptions {
  /** Seed shared by the exchange and archive simulators, so REST and archive serve the same series. Default 1. */
  readonly seed?: number;
  /** The simulated present for exchanges and archive. Default Date.now. */
  readonly nowMs?: () => number;
  /** The Hub write token. Default: a random `hf_testkit_...`. */
  readonly hubToken?: string;
  /** Default DEFAULT_ARCHIVE_DEFECTS. */
  readonly archiveDefects?: ArchiveDefects;
  /** Recorded CSV text the archive serves at a zip path instead of a generated file. */
  readonly archiveRecordedCsv?: Readonly<Record<string, string>>;
  /** Further exchange simulator options (faults, recorded series, rate-limit clock, listing scenario). */
  readonly exchanges?: Omit<ExchangeSimulatorOptions, "seed" | "nowMs">;
}

/** The environment a pipeline or client process needs to use the simulators instead of the real services. */
export interface TestkitEnv {
  readonly CEXDATA_EXCHANGE_URL_BINANCE: string;
  readonly CEXDATA_EXCHANGE_URL_OKX: string;
  readonly CEXDATA_EXCHANGE_URL_BYBIT: string;
  readonly CEXDATA_EXCHANGE_URL_COINBASE: string;
  readonly CEXDATA_ARCHIVE_URL: string;
  readonly HF_ENDPOINT: string;
  readonly HF_TOKEN: string;
}

export interface Testkit {
  readonly env: TestkitEnv;
  readonly exchanges: ExchangeSimulator;
  readonly archive: ArchiveSimulator;
  readonly hub: HubSimulator;
  /** Stops all three; safe to call more than once. */
  stop(): Promise<void>;
}

/** Starts the exchange, archive and Hub simulators on 127.0.0.1 (ephemeral ports). */
export async function startTestkit(opts: TestkitOptions = {}): Promise<Testkit> {
  const seed = opts.seed ?? 1;
  const nowMs = opts.nowMs ?? Date.now;
  const recorded = opts.exchanges?.recorded ?? [];
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const exchanges = await startExchangeSimulator({ ...opts.exchanges, seed, nowMs });
    started.push(exchanges);
    const archive = await startArchiveSimulator({
      series: createSeriesSource({ seed, recorded }),
      nowMs,
      ...(opts.archiveDefects && { defects: opts.archiveDefects }),
      ...(opts.archiveRecordedCsv && { recordedCsv: opts.archiveRecordedCsv }),
    });
    started.push(archive);
    const hub = await startHubSimulator(opts.hubToken === undefined ? {} : { token: opts.hubToken });
    started.push(hub);
    const env: TestkitEnv = {
      CEXDATA_EXCHANGE_URL_BINANCE: exchanges.urls.binance,
      CEXDATA_EXCHANGE_URL_OKX: exchanges.urls.okx,
      CEXDATA_EXCHANGE_URL_BYBIT: exchanges.urls.bybit,
      CEXDATA_EXCHANGE_URL_COINBASE: exchanges.urls.coinbase,
      CEXDATA_ARCHIVE_URL: archive.url,
      HF_ENDPOINT: hub.url,
      HF_TOKEN: hub.token,
    };
    let stopping: Promise<void> | undefined;
    return { env, exchanges, archive, hub, stop: () => (stopping ??= stopAll(started)) };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

async function stopAll(services: ReadonlyArray<{ stop(): Promise<void> }>): Promise<void> {
  await Promise.allSettled([...services].reverse().map((s) => s.stop()));
}
