/**
 * The Matern 5/2 covariance with automatic relevance determination (one
 * lengthscale per input dimension) and an output scale:
 *
 *     k(x, y) = s2 (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r),   r = sqrt(sum_d ((x_d - y_d) / l_d)^2)
 *
 * and its derivatives with respect to the log-hyperparameters, which the
 * log marginal likelihood gradient needs:
 *
 *     dk / d log l_d = s2 (5/3) (1 + sqrt5 r) exp(-sqrt5 r) (x_d - y_d)^2 / l_d^2
 *     dk / d log s2  = k
 *
 * (from dk/dr = -s2 (5/3) r (1 + sqrt5 r) exp(-sqrt5 r) and dr / d log l_d =
 * -(x_d - y_d)^2 / (l_d^2 r), so the 1/r cancels and r = 0 is harmless).
 * Pure functions.
 */

/** sqrt(5), the constant of the Matern 5/2 kernel. */
export const SQRT5 = Math.sqrt(5);

/** Hyperparameters of the Matern 5/2 ARD kernel. */
export interface MaternKernelParameters {
  /** One lengthscale per input dimension, in input units (the unit cube in the GP), each > 0. */
  readonly lengthscales: readonly number[];
  /** Signal variance s2 (the output scale, k(x, x)), in squared output units, > 0. */
  readonly signalVariance: number;
}

/** The Matern 5/2 covariance at scaled distance `r` >= 0: s2 (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r). */
export function matern52(r: number, signalVariance: number): number {
  return signalVariance * (1 + SQRT5 * r + (5 / 3) * r * r) * Math.exp(-SQRT5 * r);
}

/**
 * The factor s2 (5/3) (1 + sqrt5 r) exp(-sqrt5 r): dk / d log l_d is this times
 * (x_d - y_d)^2 / l_d^2.
 */
export function matern52LengthscaleFactor(r: number, signalVariance: number): number {
  return signalVariance * (5 / 3) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

function checkDimensions(x: readonly number[], y: readonly number[], params: MaternKernelParameters): void {
  if (x.length !== params.lengthscales.length || y.length !== params.lengthscales.length) {
    throw new RangeError(`kernel: points of dimension ${x.length} and ${y.length} for ${params.lengthscales.length} lengthscales`);
  }
}

/** The scaled distance r = sqrt(sum_d ((x_d - y_d) / l_d)^2). */
export function scaledDistance(x: readonly number[], y: readonly number[], lengthscales: readonly number[]): number {
  let q = 0;
  for (let d = 0; d < lengthscales.length; d++) {
    const u = (x[d] - y[d]) / lengthscales[d];
    q += u * u;
  }
  return Math.sqrt(q);
}

/**
 * k(x, y) of the Matern 5/2 ARD kernel.
 * @throws RangeError when a point's dimension differs from the number of lengthscales.
 */
export function matern52Covariance(x: readonly number[], y: readonly number[], params: MaternKernelParameters): number {
  checkDimensions(x, y, params);
  return matern52(scaledDistance(x, y, params.lengthscales), params.signalVariance);
}

/** Derivatives of k(x, y) with respect to the log-hyperparameters. */
export interface KernelLogGradient {
  /** dk / d log l_d, one per dimension. */
  readonly logLengthscales: number[];
  /** dk / d log s2 (equal to k). */
  readonly logSignalVariance: number;
}

/**
 * The gradient of k(x, y) with respect to log l_d and log s2 (formulas in the
 * module comment).
 * @throws RangeError when a point's dimension differs from the number of lengthscales.
 */
export function matern52LogGradient(x: readonly number[], y: readonly number[], params: MaternKernelParameters): KernelLogGradient {
  checkDimensions(x, y, params);
  const r = scaledDistance(x, y, params.lengthscales);
  const factor = matern52LengthscaleFactor(r, params.signalVariance);
  const logLengthscales = params.lengthscales.map((l, d) => (factor * (x[d] - y[d]) ** 2) / (l * l));
  return { logLengthscales, logSignalVariance: matern52(r, params.signalVariance) };
}

/**
 * The cross-covariance matrix k(a_i, b_j), row-major (a.length rows, b.length
 * columns).
 * @throws RangeError when a point's dimension differs from the number of lengthscales.
 */
export function matern52CrossCovariance(
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
  params: MaternKernelParameters,
): Float64Array {
  const inv = params.lengthscales.map((l) => 1 / l);
  const dims = inv.length;
  for (const p of [...a, ...b]) {
    if (p.length !== dims) throw new RangeError(`kernel: a point of dimension ${p.length} for ${dims} lengthscales`);
  }
  const out = new Float64Array(a.length * b.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    for (let j = 0; j < b.length; j++) {
      const y = b[j];
      let q = 0;
      for (let d = 0; d < dims; d++) {
        const u = (x[d] - y[d]) * inv[d];
        q += u * u;
      }
      out[i * b.length + j] = matern52(Math.sqrt(q), params.signalVariance);
    }
  }
  return out;
}
