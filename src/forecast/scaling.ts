/**
 * Per-function scaling, so that one global model serves functions whose rates
 * span eight orders of magnitude: a count c becomes x = log1p(c), and x becomes
 * z = (x - level) / scale, with the level of the function's own recent minutes
 * and the scale of its whole input window. The network reads and predicts z;
 * forecasts go back through the same two steps (see {@link fromZ}).
 */

/** Minutes at the end of a window whose mean log1p is its level. Default 12. */
export const RECENT_MINUTES = 12;

/** Smallest scale, in log1p units: a flat window (a timer function) still gets a usable unit. Default 0.2. */
export const SCALE_FLOOR = 0.2;
/** z values are clipped to +-Z_CLIP so one burst cannot blow up the inputs. */
export const Z_CLIP = 8;

/** The level and scale of one window, in log1p units. */
export interface WindowScale {
  readonly level: number;
  readonly scale: number;
}

/**
 * The level (mean log1p of the last {@link RECENT_MINUTES} minutes of
 * `counts[from, to)`) and the scale (standard deviation of log1p over the whole
 * window, floored at {@link SCALE_FLOOR}).
 */
export function windowScale(counts: ArrayLike<number>, from: number, to: number): WindowScale {
  const n = to - from;
  if (n <= 0) throw new RangeError(`empty window [${from}, ${to})`);
  let sum = 0;
  for (let i = from; i < to; i++) sum += Math.log1p(counts[i]);
  const mean = sum / n;
  let ss = 0;
  for (let i = from; i < to; i++) {
    const d = Math.log1p(counts[i]) - mean;
    ss += d * d;
  }
  const recentFrom = Math.max(from, to - RECENT_MINUTES);
  let recent = 0;
  for (let i = recentFrom; i < to; i++) recent += Math.log1p(counts[i]);
  return { level: recent / (to - recentFrom), scale: Math.max(SCALE_FLOOR, Math.sqrt(ss / n)) };
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

/** Smallest local noise variance, log1p units squared (sd 0.01): even a flat window keeps a little width. Default 1e-4. */
export const LOCAL_NOISE_FLOOR = 1e-4;

/**
 * The window's own noise level: half the mean squared first difference of
 * log1p over `counts[from, to)` (for white noise around a slowly moving level
 * this estimates the noise variance), floored at {@link LOCAL_NOISE_FLOOR}.
 * The forecaster's inherent-noise term is this times a factor per horizon step
 * estimated on the validation split, so a steady timer gets a narrow interval
 * and a bursty function a wide one.
 */
export function localNoiseVariance(counts: ArrayLike<number>, from: number, to: number): number {
  if (to - from < 2) return LOCAL_NOISE_FLOOR;
  let ss = 0;
  let prev = Math.log1p(counts[from]);
  for (let i = from + 1; i < to; i++) {
    const x = Math.log1p(counts[i]);
    ss += (x - prev) * (x - prev);
    prev = x;
  }
  return Math.max(LOCAL_NOISE_FLOOR, ss / (2 * (to - from - 1)));
}

/**
 * Variance of log1p(Y) for a Poisson count Y with mean lambda = expm1(x)
 * (x clipped at 0), by the delta method: lambda / (1 + lambda)^2. The sampling
 * noise of a count given its rate: about lambda for a rare function (so a
 * function seen twice in the last 48 minutes keeps a few percent chance of an
 * invocation next minute), about 1/lambda for a busy one.
 */
export function poissonLogVariance(x: number): number {
  const lambda = log1pToCount(x);
  return lambda / ((1 + lambda) * (1 + lambda));
}
