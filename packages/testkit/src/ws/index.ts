export { attachLiquidationFeed } from "./liquidation-feed.js";
export type { LiquidationFeed, LiquidationFeedOptions } from "./liquidation-feed.js";
export { makeFeedLiquidation } from "./feed-events.js";
export type { FeedLiquidation } from "./feed-events.js";
export { WIRE_PROTOCOLS, okxContractSize } from "./wire-formats.js";
export type { FeedExchange, WireProtocol } from "./wire-formats.js";
