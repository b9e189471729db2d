// Public API of @cexdata/server: start the API, stream and dashboard in a process of your own.
export { startServer, type RunningServer, type StartServerParams } from "./app/start-server.js";
export { buildApp, DEFAULT_DASHBOARD_DIR, type BuildAppParams } from "./app/build-app.js";
export {
  NotFoundError,
  InvalidParameterError,
  RateLimitedError,
  type ErrorBody,
} from "./rest/http-errors.js";
export { TopicBus, type BusSink, type StreamEvent, type SubscriptionFilter } from "./stream/topic-bus.js";
export { StreamProtocolError, UnknownTopicError } from "./stream/parse-client-message.js";
export { CLOSE_GARBAGE, CLOSE_TOO_SLOW, type StreamSessionOptions } from "./stream/stream-session.js";
export { startLiveSources, type LiveOptions, type LiveSources } from "./live/start-live-sources.js";
export { CandleBuilder, LIVE_INTERVALS, type LiveCandle, type LiveInterval } from "./live/candle-builder.js";
export {
  DEFAULT_SPIKE_THRESHOLDS,
  OpenInterestMonitor,
  type MonitorOptions,
  type OiSpike,
} from "./live/open-interest-monitor.js";
export { INDICATOR_NAMES, type IndicatorName } from "./rest/compute-indicator.js";
