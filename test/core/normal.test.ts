import { normalCdf, normalPdf, normalQuantile } from '../../src/core/normal';

describe('normal distribution', () => {
  it.each([
    [0, 0.5],
    [1, 0.8413447],
    [-1.959964, 0.025],
    [2.326348, 0.99],
  ])('Phi(%p) is %p to 1e-6', (z, p) => {
    expect(normalCdf(z)).toBeCloseTo(p, 6);
  });

  it('phi(0) is 1/sqrt(2 pi)', () => {
    expect(normalPdf(0)).toBeCloseTo(0.3989423, 7);
  });

  it.each([
    [0.5, 0],
    [0.9, 1.2815516],
    [0.95, 1.6448536],
    [0.99, 2.3263479],
    [0.001, -3.0902323],
  ])('quantile(%p) is %p to 1e-6', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 6);
  });

  it('quantile inverts the distribution function', () => {
    for (const p of [0.01, 0.2, 0.5, 0.77, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
  });

  it.each([0, 1, -0.1, 1.5, Number.NaN])('quantile(%p) throws a RangeError naming the value', (p) => {
    expect(() => normalQuantile(p)).toThrow(new RangeError(`normal quantile needs 0 < p < 1, got ${p}`));
  });
});
