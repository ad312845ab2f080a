import type { Rng } from './rng';

/**
 * One standard normal draw from any {@link Rng}, by the Box-Muller transform
 * of two uniforms (the second value of the pair is discarded, so the draw is
 * stateless: it consumes exactly two `rng.next()` calls).
 *
 * `SeededRng.normal()` is faster but needs the concrete class; this works on
 * the {@link Rng} interface that workflow stages receive.
 */
export function standardNormal(rng: Rng): number {
  // 1 - u is in (0, 1], so the logarithm is finite.
  const radius = Math.sqrt(-2 * Math.log(1 - rng.next()));
  return radius * Math.cos(2 * Math.PI * rng.next());
}
