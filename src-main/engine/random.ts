/**
 * Seeded randomness. Every random choice in Epochlab (synthetic data, validation split, random search,
 * epoch shuffles, weight init seeds) goes through here so that a seed reproduces a run exactly.
 */

/** mulberry32: a small, fast 32-bit PRNG; good enough for shuffles and sampling, not for crypto. */
export function createRng(seed: number): () => number {
  let a = (Math.floor(seed) >>> 0) ^ 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derive an independent seed from a seed and a label (e.g. the epoch number), so streams do not overlap. */
export function deriveSeed(seed: number, ...labels: number[]): number {
  let h = (Math.floor(seed) >>> 0) ^ 0x811c9dc5;
  for (const label of labels) {
    h = Math.imul(h ^ (label >>> 0), 0x01000193) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995) >>> 0;
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** Standard normal sample (Box–Muller). */
export function randomNormal(rng: () => number): number {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** In-place Fisher–Yates shuffle. */
export function shuffleInPlace<T extends { length: number; [i: number]: number } | unknown[]>(array: T, rng: () => number): T {
  const a = array as unknown as unknown[];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return array;
}

/** A permutation of 0..n-1. */
export function permutation(n: number, rng: () => number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p as unknown as number[], rng) as unknown as Uint32Array;
}
