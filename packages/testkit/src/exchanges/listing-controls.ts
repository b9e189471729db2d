/**
 * What an exchange's listing endpoints answer beyond the fixed markets: the listing lifecycle
 * scenario's extra markets (see LISTING_LIFECYCLE), and a truncated answer, as a failed or partial
 * listing response looks: most markets suddenly missing. Live, so a test can change it between runs.
 */
export interface ListingControls {
  /** Serve the lifecycle scenario's markets (announced, trading, delisted, vanished by date). */
  scenario: boolean;
  /** Share of each listing answer's markets kept, from the first (1 = all, 0.1 = a tenth). */
  share: number;
  /** Generated bases listed after the fixed markets (see generated-bases.ts); none by default. */
  readonly generated: readonly string[];
}

export function defaultListingControls(scenario = false, generated: readonly string[] = []): ListingControls {
  return { scenario, share: 1, generated };
}

/** The first ceil(share * n) items (at least one): a listing answer cut short. */
export function keepShare<T>(items: readonly T[], share: number): T[] {
  if (share >= 1) return [...items];
  return items.slice(0, Math.max(1, Math.ceil(items.length * share)));
}
