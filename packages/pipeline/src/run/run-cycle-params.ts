import type { PipelineConfig } from "../config/config-schema.js";
import type { SeriesRef } from "../exchanges/types.js";
import type { Logger } from "../log/create-logger.js";
import type { RetryPolicy } from "../sources/rest/with-retry.js";

/** What one cycle is given: the config, the dataset, and the world it may touch (clocks, env, retry). */
export interface RunCycleParams {
  readonly config: PipelineConfig;
  readonly datasetDir: string;
  readonly logger: Logger;
  /** `run`, `backfill`, ... as written in the report. */
  readonly command?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly nowMs?: () => number;
  readonly retry?: RetryPolicy;
  /** Per-request timeout of every exchange (ccxt `timeout`), 30 s by default. */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The wall clock that waits and bans are measured on (Date.now); tests pass the one `sleep` advances. */
  readonly clockMs?: () => number;
  /**
   * Keep every body fetched for history the exchange forgets in `<dataset>/raw` (default true), so
   * `cexdata replay` can re-derive it with a fixed parser after the exchange no longer serves it.
   */
  readonly captureRaw?: boolean;
  /** Explicit series instead of the config's (backfill); `sinceMs`/`untilMs` bound each. */
  readonly only?: { series: SeriesRef; sinceMs: number; untilMs?: number }[];
  /** Per-series progress, for progress bars. */
  readonly onProgress?: (event: {
    series: SeriesRef;
    sinceMs: number;
    untilMs: number;
    progressMs: number;
    rows: number;
  }) => void;
  readonly signal?: AbortSignal;
}
