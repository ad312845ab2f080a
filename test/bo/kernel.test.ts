import {
  matern52,
  matern52Covariance,
  matern52CrossCovariance,
  matern52LengthscaleFactor,
  matern52LogGradient,
  scaledDistance,
  SQRT5,
  type MaternKernelParameters,
} from '../../src/bo/kernel';

const params: MaternKernelParameters = { lengthscales: [0.5, 0.5], signalVariance: 2 };

describe('matern52', () => {
  it('is the signal variance at r = 0', () => {
    expect(matern52(0, 2)).toBe(2);
    expect(matern52Covariance([0.3, 0.7], [0.3, 0.7], params)).toBe(2);
  });

  it('is s2 (1 + sqrt5 + 5/3) exp(-sqrt5) at r = 1: 2 x 0.52399 for s2 = 2', () => {
    const expected = 2 * (1 + Math.sqrt(5) + 5 / 3) * Math.exp(-Math.sqrt(5));
    expect(expected).toBeCloseTo(2 * 0.523994, 5);
    // (0.3, 0.4) over lengthscales 0.5: r = sqrt(0.36 + 0.64) = 1.
    expect(scaledDistance([0, 0], [0.3, 0.4], params.lengthscales)).toBeCloseTo(1, 15);
    expect(matern52Covariance([0, 0], [0.3, 0.4], params)).toBeCloseTo(expected, 14);
  });

  it('is s2 (1 + 2 sqrt5 + 20/3) exp(-2 sqrt5) at r = 2 and decreases with r', () => {
    expect(matern52(2, 1)).toBeCloseTo((1 + 2 * SQRT5 + 20 / 3) * Math.exp(-2 * SQRT5), 15);
    expect(matern52(2, 1)).toBeLessThan(matern52(1, 1));
    expect(matern52(1, 1)).toBeLessThan(matern52(0.5, 1));
  });

  it('scales each dimension by its own lengthscale (ARD): a long lengthscale makes that dimension nearly irrelevant', () => {
    const ard: MaternKernelParameters = { lengthscales: [100, 0.1], signalVariance: 1 };
    expect(matern52Covariance([0, 0], [1, 0], ard)).toBeCloseTo(matern52(0.01, 1), 14);
    expect(matern52Covariance([0, 0], [1, 0], ard)).toBeGreaterThan(0.999);
    expect(matern52Covariance([0, 0], [0, 1], ard)).toBeCloseTo(matern52(10, 1), 14);
    expect(matern52Covariance([0, 0], [0, 1], ard)).toBeLessThan(1e-7);
  });
});

describe('matern52LogGradient', () => {
  const p: MaternKernelParameters = { lengthscales: [0.3, 0.8, 1.7], signalVariance: 1.4 };
  const x = [0.1, 0.9, 0.4];
  const y = [0.6, 0.2, 1.0];
  const h = 1e-6;
  const kAt = (logL: number[], logS2: number): number => matern52Covariance(x, y, { lengthscales: logL.map(Math.exp), signalVariance: Math.exp(logS2) });
  const logL = p.lengthscales.map(Math.log);
  const logS2 = Math.log(p.signalVariance);
  const g = matern52LogGradient(x, y, p);

  it.each([0, 1, 2])('d k / d log l_%i matches a central finite difference', (d) => {
    const up = logL.slice();
    const down = logL.slice();
    up[d] += h;
    down[d] -= h;
    const fd = (kAt(up, logS2) - kAt(down, logS2)) / (2 * h);
    expect(Math.abs(fd)).toBeGreaterThan(1e-3);
    expect(g.logLengthscales[d]).toBeCloseTo(fd, 7);
  });

  it('d k / d log s2 is k and matches a central finite difference', () => {
    const fd = (kAt(logL, logS2 + h) - kAt(logL, logS2 - h)) / (2 * h);
    expect(g.logSignalVariance).toBeCloseTo(fd, 7);
    expect(g.logSignalVariance).toBeCloseTo(matern52Covariance(x, y, p), 14);
  });

  it('has zero lengthscale derivatives at r = 0 and the factor s2 5/3 there', () => {
    expect(matern52LogGradient(x, x, p).logLengthscales).toEqual([0, 0, 0]);
    expect(matern52LengthscaleFactor(0, 1.4)).toBeCloseTo((1.4 * 5) / 3, 14);
  });
});

describe('matern52CrossCovariance', () => {
  it('gives k(a_i, b_j) row-major', () => {
    const a = [[0, 0], [0.5, 1]];
    const b = [[0.2, 0.1], [1, 1], [0, 0]];
    const k = matern52CrossCovariance(a, b, params);
    expect(k).toHaveLength(6);
    a.forEach((ai, i) => b.forEach((bj, j) => expect(k[i * 3 + j]).toBeCloseTo(matern52Covariance(ai, bj, params), 15)));
    expect(k[2]).toBe(2);
  });

  it.each<[string, number[][], number[][]]>([
    ['a row of the wrong dimension', [[0, 0, 0]], [[0, 0]]],
    ['a column of the wrong dimension', [[0, 0]], [[0]]],
    ['an otherwise empty side', [[0]], []],
  ])('rejects %s', (_name, a, b) => {
    expect(() => matern52CrossCovariance(a, b, params)).toThrow(/dimension 1|dimension 3/);
  });

  it('rejects points of the wrong dimension in the pairwise functions', () => {
    expect(() => matern52Covariance([0], [0, 0], params)).toThrow('kernel: points of dimension 1 and 2 for 2 lengthscales');
    expect(() => matern52LogGradient([0, 0], [0, 0, 1], params)).toThrow('kernel: points of dimension 2 and 3 for 2 lengthscales');
  });
});
