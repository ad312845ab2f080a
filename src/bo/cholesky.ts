/**
 * Cholesky factorisation of a symmetric positive definite matrix with a jitter
 * loop, and the solves a Gaussian process needs. The factorisation is
 * ml-matrix's `CholeskyDecomposition`; the triangular solves and the inverse
 * run on flat row-major `Float64Array`s, because ml-matrix's `solve` with an
 * identity right-hand side costs about 6 ms for n = 100 on a 2-core machine
 * (the factorisation itself about 0.8 ms), too slow to call once per
 * likelihood evaluation.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/** Jitter levels tried in turn, as multiples of the diagonal mean, after the plain factorisation fails. */
export const JITTER_LEVELS: readonly number[] = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4];

/** A matrix is not positive definite even with the largest jitter. */
export class NotPositiveDefiniteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotPositiveDefiniteError';
  }
}

/** A lower-triangular factor L with L L^T = A + jitter I. */
export interface CholeskyFactor {
  /** n, the matrix order. */
  readonly size: number;
  /** L, row-major n x n (zeros above the diagonal). */
  readonly lower: Float64Array;
  /** Absolute jitter added to the diagonal (units of A's entries); 0 when none was needed. */
  readonly jitter: number;
}

function factorOnce(a: Float64Array, n: number, jitter: number): Float64Array | undefined {
  // Filled with set(): building a Matrix from row arrays spends longer validating them than the factorisation takes.
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m.set(i, j, i === j ? a[i * n + j] + jitter : a[i * n + j]);
  }
  const decomposition = new CholeskyDecomposition(m);
  if (!decomposition.isPositiveDefinite()) return undefined;
  const l = decomposition.lowerTriangularMatrix;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = l.get(i, j);
      if (!Number.isFinite(v)) return undefined;
      out[i * n + j] = v;
    }
  }
  return out;
}

/**
 * Factor the symmetric matrix `a` (row-major n x n; only exact symmetry is
 * accepted, as ml-matrix checks it). Tries A first; on failure A + j m I for
 * j in {@link JITTER_LEVELS}, m the mean of A's diagonal.
 * @throws RangeError when `a` is not n x n or not exactly symmetric;
 *   NotPositiveDefiniteError when an entry is not finite or every level fails.
 */
export function choleskyWithJitter(a: Float64Array, n: number): CholeskyFactor {
  if (a.length !== n * n || n < 1) throw new RangeError(`cholesky: ${a.length} entries for order ${n}`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = a[i * n + j];
      if (!Number.isFinite(v)) throw new NotPositiveDefiniteError(`cholesky: entry (${i}, ${j}) is ${v}`);
      if (v !== a[j * n + i]) throw new RangeError(`cholesky: not symmetric at (${i}, ${j}): ${v} and ${a[j * n + i]}`);
    }
  }
  let diagonalMean = 0;
  for (let i = 0; i < n; i++) diagonalMean += a[i * n + i] / n;
  const plain = factorOnce(a, n, 0);
  if (plain !== undefined) return { size: n, lower: plain, jitter: 0 };
  if (!(diagonalMean > 0) || !Number.isFinite(diagonalMean)) {
    throw new NotPositiveDefiniteError(`cholesky: diagonal mean ${diagonalMean} is not a positive number`);
  }
  for (const level of JITTER_LEVELS) {
    const jitter = level * diagonalMean;
    const lower = factorOnce(a, n, jitter);
    if (lower !== undefined) return { size: n, lower, jitter };
  }
  const largest = JITTER_LEVELS[JITTER_LEVELS.length - 1] * diagonalMean;
  throw new NotPositiveDefiniteError(`cholesky: not positive definite even with jitter ${largest} (1e-4 of the diagonal mean)`);
}

/** x with L x = b (forward substitution). */
export function solveLower(factor: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  const { size: n, lower: l } = factor;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    const row = i * n;
    for (let k = 0; k < i; k++) s -= l[row + k] * x[k];
    x[i] = s / l[row + i];
  }
  return x;
}

/** x with L^T x = b (back substitution). */
export function solveLowerTransposed(factor: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  const { size: n, lower: l } = factor;
  const x = Float64Array.from(b);
  for (let i = n - 1; i >= 0; i--) {
    const xi = x[i] / l[i * n + i];
    x[i] = xi;
    for (let k = 0; k < i; k++) x[k] -= l[i * n + k] * xi;
  }
  return x;
}

/** x with L L^T x = b: (A + jitter I)^-1 b. */
export function choleskySolve(factor: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  return solveLowerTransposed(factor, solveLower(factor, b));
}

/** log det(L L^T) = 2 sum_i log L_ii. */
export function logDeterminant(factor: CholeskyFactor): number {
  let s = 0;
  for (let i = 0; i < factor.size; i++) s += Math.log(factor.lower[i * factor.size + i]);
  return 2 * s;
}

/**
 * (L L^T)^-1, row-major n x n, from M = L^-1 (forward substitution, n^3/6
 * multiply-adds) and M^T M (n^3/6 more, by symmetry).
 */
export function choleskyInverse(factor: CholeskyFactor): Float64Array {
  const { size: n, lower: l } = factor;
  // m = L^-1, lower triangular, row-major.
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    const inv = 1 / l[row + i];
    m[row + i] = inv;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[row + k] * m[k * n + j];
      m[row + j] = s * inv;
    }
  }
  // out_ij = sum_{k >= max(i, j)} m_ki m_kj.
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const row = k * n;
    for (let i = 0; i <= k; i++) {
      const mki = m[row + i];
      if (mki === 0) continue;
      const outRow = i * n;
      for (let j = 0; j <= i; j++) out[outRow + j] += mki * m[row + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[j * n + i] = out[i * n + j];
  return out;
}
