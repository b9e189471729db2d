// Public API of @cexdata/testkit: test doubles of services our machines and CI cannot reach.
export { startHubSimulator, type HubSimulator, type HubSimulatorOptions } from "./hub/start-hub-simulator.js";
export { HubFaults, HUB_ROUTES, type HubFault, type HubFaultKind, type HubRoute } from "./hub/hub-faults.js";
export type { HubCounters } from "./hub/hub-context.js";
export type { HubCommitSummary, HubInspector, HubRepoDesignation } from "./hub/hub-inspector.js";
export { LFS_SIZE_THRESHOLD } from "./hub/upload-mode.js";
