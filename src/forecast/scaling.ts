/**
 * Per-function scaling, so that one global model serves functions whose rates
 * span eight orders of magnitude: a count c becomes x = log1p(c), and x becomes
 * z = (x - level) / scale with the level and scale of the function's own input
 * window. The network reads and predicts z; forecasts go back through the same
 * two steps (see {@link fromZ}).
 */

/** Smallest scale, in log1p units: a flat window (a timer function) still gets a usable unit. Default 0.2. */
export const SCALE_FLOOR = 0.2;
/** z values are clipped to +-Z_CLIP so one burst cannot blow up the inputs. */
export const Z_CLIP = 8;

/** The level and scale of one window, in log1p units. */
export interface WindowScale {
  readonly level: number;
  readonly scale: number;
}

/** Mean and floored standard deviation of log1p over `counts[from, to)`. */
export function windowScale(counts: ArrayLike<number>, from: number, to: number): WindowScale {
  const n = to - from;
  if (n <= 0) throw new RangeError(`empty window [${from}, ${to})`);
  let sum = 0;
  for (let i = from; i < to; i++) sum += Math.log1p(counts[i]);
  const level = sum / n;
  let ss = 0;
  for (let i = from; i < to; i++) {
    const d = Math.log1p(counts[i]) - level;
    ss += d * d;
  }
  return { level, scale: Math.max(SCALE_FLOOR, Math.sqrt(ss / n)) };
}

/** z of a count under `s`, clipped to +-{@link Z_CLIP}. */
export function toZ(count: number, s: WindowScale): number {
  const z = (Math.log1p(count) - s.level) / s.scale;
  return z > Z_CLIP ? Z_CLIP : z < -Z_CLIP ? -Z_CLIP : z;
}

/** The log1p value of z under `s` (not yet a count: see {@link log1pToCount}). */
export function fromZ(z: number, s: WindowScale): number {
  return s.level + z * s.scale;
}

/** expm1, clipped at 0: a log1p value back to a count per minute. */
export function log1pToCount(x: number): number {
  return x <= 0 ? 0 : Math.expm1(x);
}
