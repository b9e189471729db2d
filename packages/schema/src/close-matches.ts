/**
 * The candidates closest to `input` by edit distance (case-insensitive), best first: at most
 * `max` of them, each within a distance of a third of the longer string (at least 2).
 * The one "did you mean" of cexdata: unknown template names, tokens, symbols, exchanges, intervals.
 */
export function findCloseMatches(input: string, candidates: Iterable<string>, max = 3): string[] {
  const needle = input.toLowerCase();
  const scored: { candidate: string; distance: number }[] = [];
  for (const candidate of new Set(candidates)) {
    const distance = measureEditDistance(needle, candidate.toLowerCase());
    const allowed = Math.max(2, Math.floor(Math.max(needle.length, candidate.length) / 3));
    const contains = candidate.toLowerCase().includes(needle) || needle.includes(candidate.toLowerCase());
    if (distance <= allowed || (contains && needle.length >= 3)) scored.push({ candidate, distance });
  }
  scored.sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate));
  return scored.slice(0, max).map((s) => s.candidate);
}

/** Levenshtein distance with one rolling row. */
export function measureEditDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
