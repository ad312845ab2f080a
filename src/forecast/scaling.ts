/**
 * Per-function scaling, so that one global model serves functions whose rates
 * span eight orders of magnitude: a count c becomes x = log1p(c), and x becomes
 * z = (x - level) / scale, with the level of the function's own recent minutes
 * and the scale of its whole input window. The network reads and predicts z;
 * forecasts go back through the same two steps (see {@link fromZ}).
 */

/** Minutes at the end of a window whose mean log1p is its level. Default 1: the last minute (persistence in log space, which busy functions need to follow a burst). */
export const RECENT_MINUTES = 1;

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
 * The window's own noise level, robustly: (1.4826 x the median absolute first
 * difference of log1p over `counts[from, to)`)^2 / 2, floored at
 * {@link LOCAL_NOISE_FLOOR}. For white noise around a slowly moving level this
 * estimates the noise variance (a Poisson count at rate lambda gives about
 * 1/lambda); the median ignores the few jumps of a bursty function, whose
 * bursts would otherwise make every later interval enormous. The forecaster's
 * overdispersion term is this times a factor per horizon step estimated on the
 * validation split, so a steady timer gets a narrow interval.
 */
export function localNoiseVariance(counts: ArrayLike<number>, from: number, to: number): number {
  const n = to - from - 1;
  if (n < 1) return LOCAL_NOISE_FLOOR;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.abs(Math.log1p(counts[from + i + 1]) - Math.log1p(counts[from + i]));
  d.sort();
  const median = n % 2 === 1 ? d[(n - 1) / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
  const sigma = 1.4826 * median;
  return Math.max(LOCAL_NOISE_FLOOR, (sigma * sigma) / 2);
}

/**
 * The sampling noise of a rare function's count given its rate: the delta-method
 * variance of log1p(Y) for a Poisson Y with mean lambda = expm1(x) (x clipped
 * at 0), lambda / (1 + lambda)^2, weighted by 1 / (1 + lambda) so it fades out
 * for busy functions (whose noise the window's own first differences measure,
 * and a steady timer has none): lambda / (1 + lambda)^3. About lambda for a
 * function seen a few times in the window, so it keeps a few percent chance of
 * an invocation next minute.
 */
export function poissonLogVariance(x: number): number {
  const lambda = log1pToCount(x);
  return lambda / ((1 + lambda) * (1 + lambda) * (1 + lambda));
}
