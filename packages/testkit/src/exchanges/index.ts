export { startExchangeSimulator } from "./start-exchange-simulator.js";
export type { ExchangeSimulator, ExchangeSimulatorOptions } from "./start-exchange-simulator.js";
export { MALFORMATIONS } from "./faults.js";
export type { FaultKind, FaultPlan, FaultSpec, Malformation } from "./faults.js";
export { SIMULATED_EXCHANGES } from "./types.js";
export type { ExchangeCounters, SimulatedExchange } from "./types.js";
export { simulatedDerivativeRows, type DerivativeTableName } from "./derivative-series.js";
export { parseLatency } from "./latency.js";
export type { LatencySpec } from "./latency.js";
