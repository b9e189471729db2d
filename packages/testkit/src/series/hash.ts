/**
 * Deterministic hashing for the series generator: every value is a pure function of its key, so
 * any page of any range reproduces the same numbers without state.
 */

const TWO_32 = 4_294_967_296;

function mix32(x: number): number {
  let a = x | 0;
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  return (a ^ (a >>> 16)) >>> 0;
}

/** FNV-1a of a string, then mixed: a stable 32-bit key for names such as "binance|BTC/USDT". */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A 32-bit hash of a key and an integer index (safe for indices beyond 2^32, such as epoch ms). */
export function hashAt(key: number, index: number): number {
  const lo = index % TWO_32;
  const hi = Math.floor(index / TWO_32);
  return mix32(key ^ mix32(lo + 0x9e3779b9) ^ mix32(hi * 0x27d4eb2f + 0x165667b1));
}

/** A uniform number in [0, 1) for (key, index). */
export function unitAt(key: number, index: number): number {
  return hashAt(key, index) / TWO_32;
}

/** Smooth value noise in [-1, 1] at a position measured in lattice cells. */
export function valueNoise(key: number, x: number): number {
  const i = Math.floor(x);
  const f = x - i;
  const s = f * f * (3 - 2 * f);
  const a = unitAt(key, i) * 2 - 1;
  const b = unitAt(key, i + 1) * 2 - 1;
  return a + (b - a) * s;
}

/** Rounds to `decimals` places and returns a clean binary number (no 0.30000000000000004). */
export function roundTo(x: number, decimals: number): number {
  return Number(x.toFixed(decimals));
}
