/**
 * The seeded generator of the real workflow stages: mulberry32 (Tommy
 * Ettinger's 32-bit generator), tiny and fast, so every image, word, weight
 * and edge a stage makes follows from its `seed` and the same seed gives the
 * same bytes (and the same sha256). Nothing here calls `Math.random`.
 */
import { hashString } from '../../../src/core/rng';

/** A seeded stream of random numbers. */
export interface SeededRandom {
  /** Uniform double in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n); `n` a positive integer. */
  int(n: number): number;
  /** Standard normal draw (Box-Muller). */
  normal(): number;
  /** A uniformly chosen element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/** FNV-1a hash of a string to 32 bits (the project's): derives a sub-seed from a name (`deriveSeed(seed, 'classify-a')`). */
export { hashString };

/** A seed derived from `seed` and a label, so two uses of one seed draw independent streams. */
export function deriveSeed(seed: number, label: string): number {
  return (hashString(label) ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
}

/**
 * A mulberry32 generator.
 * @param seed any number; only its low 32 bits are used
 */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('pick: the list is empty');
      return item;
    },
  };
}
