// Public API of @cexdata/testkit: test doubles of services our machines and CI cannot reach.
export { startTestkit, type Testkit, type TestkitEnv, type TestkitOptions } from "./start-testkit.js";

export { startHubSimulator, type HubSimulator, type HubSimulatorOptions } from "./hub/start-hub-simulator.js";
export { HubFaults, HUB_ROUTES, type HubFault, type HubFaultKind, type HubRoute } from "./hub/hub-faults.js";
export type { HubCounters } from "./hub/hub-context.js";
export type { HubCommitSummary, HubInspector, HubRepoDesignation } from "./hub/hub-inspector.js";
export { LFS_SIZE_THRESHOLD } from "./hub/upload-mode.js";

export {
  startArchiveSimulator,
  type ArchiveCounters,
  type ArchiveSimulator,
  type ArchiveSimulatorOptions,
} from "./archive/start-archive-simulator.js";
export {
  DEFAULT_ARCHIVE_DEFECTS,
  NO_ARCHIVE_DEFECTS,
  type ArchiveDefects,
  type MissingDayDefect,
} from "./archive/archive-defects.js";
export {
  FUNDING_RATE_HEADER,
  FUTURES_KLINE_HEADER_FROM_MS,
  KLINE_HEADER,
  METRICS_HEADER,
  SPOT_MICROSECONDS_FROM_MS,
} from "./archive/archive-csv.js";
export { parseArchivePath, type ArchiveRequest } from "./archive/archive-paths.js";

export * from "./exchanges/index.js";
export * from "./series/index.js";
export * from "./ws/index.js";

export {
  startGeoBlockGate,
  type GeoBlockAnswer,
  type GeoBlockGate,
  type GeoBlockGateCounters,
  type GeoBlockGateOptions,
} from "./geo-block/start-geo-block-gate.js";
export {
  BINANCE_451_BODY,
  BYBIT_403_JSON_BODY,
  CLOUDFRONT_403_HTML_BODY,
} from "./geo-block/recorded/geo-block-bodies.js";
export {
  startForwardProxy,
  type ForwardProxy,
  type ForwardProxyOptions,
} from "./proxy/start-forward-proxy.js";
