/**
 * A rule that changed on a date, as data: `[{ until: Date.UTC(2025, 0, 1), use: old }, { use: now }]`.
 * The first entry whose `until` is after the time wins; the last entry has no `until`.
 */
export type Dated<T> = readonly { readonly until?: number; readonly use: T }[];

export class DatedRuleError extends Error {
  override readonly name = "DatedRuleError";
}

/** The entry of `rules` in force at `tsMs`. */
export function inForceAt<T>(rules: Dated<T>, tsMs: number): T {
  const rule = rules.find((r) => r.until === undefined || tsMs < r.until);
  if (rule === undefined) throw new DatedRuleError(`no rule in force at ${new Date(tsMs).toISOString()}`);
  return rule.use;
}
