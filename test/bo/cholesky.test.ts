import {
  choleskyInverse,
  choleskySolve,
  choleskyWithJitter,
  logDeterminant,
  NotPositiveDefiniteError,
  solveLower,
  solveLowerTransposed,
} from '../../src/bo/cholesky';

// The textbook example: A = L L^T with L = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]].
const A = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);

function multiply(a: Float64Array, b: ArrayLike<number>, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += a[i * n + k] * b[k];
    return s;
  });
}

describe('choleskyWithJitter', () => {
  it('factors the textbook 3 x 3 matrix exactly, with no jitter', () => {
    const f = choleskyWithJitter(A, 3);
    expect(Array.from(f.lower)).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
    expect(f.jitter).toBe(0);
    expect(logDeterminant(f)).toBeCloseTo(Math.log(36), 14);
  });

  it('adds 1e-8 of the diagonal mean to the singular matrix of ones', () => {
    const f = choleskyWithJitter(Float64Array.from([1, 1, 1, 1]), 2);
    expect(f.jitter).toBe(1e-8);
    // L L^T reproduces A + jitter I.
    const l = f.lower;
    expect(l[0] * l[0]).toBeCloseTo(1 + 1e-8, 14);
    expect(l[2] * l[0]).toBeCloseTo(1, 14);
    expect(l[2] * l[2] + l[3] * l[3]).toBeCloseTo(1 + 1e-8, 14);
  });

  it('escalates the jitter until it works: eigenvalue -2e-6 with diagonal mean 1 needs 1e-5', () => {
    // [[1, 1 + 2e-6], [1 + 2e-6, 1]] has eigenvalues 2 + 2e-6 and -2e-6.
    const f = choleskyWithJitter(Float64Array.from([1, 1 + 2e-6, 1 + 2e-6, 1]), 2);
    expect(f.jitter).toBe(1e-5);
  });

  it.each<[string, number[], number]>([
    ['an indefinite matrix (eigenvalue -1)', [1, 2, 2, 1], 2],
    ['a negative diagonal', [-1, 0, 0, -1], 2],
    ['a NaN entry', [1, Number.NaN, Number.NaN, 1], 2],
  ])('throws NotPositiveDefiniteError for %s', (_name, a, n) => {
    expect(() => choleskyWithJitter(Float64Array.from(a), n)).toThrow(NotPositiveDefiniteError);
  });

  it.each<[string, number[], number, string]>([
    ['too few entries', [1, 0, 0], 2, 'cholesky: 3 entries for order 2'],
    ['order 0', [], 0, 'cholesky: 0 entries for order 0'],
    ['an asymmetric matrix', [1, 0.5, 0.4, 1], 2, 'cholesky: not symmetric at (1, 0): 0.4 and 0.5'],
  ])('rejects %s', (_name, a, n, message) => {
    expect(() => choleskyWithJitter(Float64Array.from(a), n)).toThrow(message);
  });
});

describe('Cholesky solves', () => {
  const f = choleskyWithJitter(A, 3);

  it('solves L x = b and L^T x = b by substitution', () => {
    // L (1, 2, 3) = (2, 8, 11); L^T (1, 2, 3) = (2 + 12 - 24, 1 + 15, 9) = (-10, 17, 9).
    expect(Array.from(solveLower(f, [2, 8, 11]))).toEqual([1, 2, 3]);
    expect(Array.from(solveLowerTransposed(f, [-10, 17, 9]))).toEqual([1, 2, 3]);
  });

  it('solves A x = b', () => {
    const x = choleskySolve(f, [1, -2, 0.5]);
    multiply(A, x, 3).forEach((v, i) => expect(v).toBeCloseTo([1, -2, 0.5][i], 10));
  });

  it('inverts A: A A^-1 = I and the inverse is symmetric', () => {
    const inv = choleskyInverse(f);
    for (let j = 0; j < 3; j++) {
      const column = [0, 1, 2].map((i) => inv[i * 3 + j]);
      multiply(A, column, 3).forEach((v, i) => expect(v).toBeCloseTo(i === j ? 1 : 0, 10));
      for (let i = 0; i < 3; i++) expect(inv[i * 3 + j]).toBe(inv[j * 3 + i]);
    }
    // (A^-1)_00 = (37 x 98 - 43^2) / det(A) = 1777 / 36.
    expect(inv[0]).toBeCloseTo(1777 / 36, 10);
  });
});
