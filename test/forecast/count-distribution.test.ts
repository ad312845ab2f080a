import { normalPdf } from '../../src/core/normal';
import {
  hermiteExpectation,
  MIXTURE_MAX_RATE,
  poissonLogNormalCdf,
  poissonLogNormalQuantile,
  roundedLogNormalCdf,
  roundedLogNormalQuantile,
} from '../../src/forecast/count-distribution';

/** P(Y <= k) for Y ~ Poisson(lambda), by summing the pmf. */
function poissonCdf(k: number, lambda: number): number {
  let p = Math.exp(-lambda);
  let c = p;
  for (let j = 1; j <= k; j++) {
    p *= lambda / j;
    c += p;
  }
  return c;
}

/** The mixture's P(Y <= k) by a fine trapezoid rule over z in [-10, 10]: an independent check of the quadrature. */
function trapezoidCdf(k: number, mean: number, sd: number): number {
  const steps = 20_000;
  const h = 20 / steps;
  let s = 0;
  for (let i = 0; i <= steps; i++) {
    const z = -10 + i * h;
    const weight = i === 0 || i === steps ? 0.5 : 1;
    s += weight * normalPdf(z) * poissonCdf(k, Math.max(0, Math.expm1(mean + sd * z)));
  }
  return s * h;
}

describe('hermiteExpectation', () => {
  it.each([
    ['1', () => 1, 1],
    ['Z^2', (z: number) => z * z, 1],
    ['Z^4', (z: number) => z ** 4, 3],
    ['Z^6', (z: number) => z ** 6, 15],
    ['exp(Z)', (z: number) => Math.exp(z), Math.exp(0.5)],
  ])('integrates E[%s] of a standard normal exactly', (_name, f, expected) => {
    expect(hermiteExpectation(f)).toBeCloseTo(expected, 10);
  });
});

describe('poissonLogNormalCdf and poissonLogNormalQuantile', () => {
  it('with no rate uncertainty are the Poisson distribution: rate 1 has P(0) = e^-1, q0.9 = 2, q0.99 = 4', () => {
    const mean = Math.log1p(1);
    expect(poissonLogNormalCdf(0, mean, 0)).toBeCloseTo(Math.exp(-1), 12);
    expect(poissonLogNormalCdf(2, mean, 0)).toBeCloseTo(2.5 * Math.exp(-1), 12);
    expect(poissonLogNormalQuantile(mean, 0, 0.5)).toBe(1);
    expect(poissonLogNormalQuantile(mean, 0, 0.9)).toBe(2);
    expect(poissonLogNormalQuantile(mean, 0, 0.99)).toBe(4);
  });

  it.each([0, 0.1])('a rare function (0.05 a minute, log1p sd %p) has q0.9 = 0 and q0.99 = 1', (sd) => {
    const mean = Math.log1p(0.05);
    expect(poissonLogNormalQuantile(mean, sd, 0.9)).toBe(0);
    expect(poissonLogNormalQuantile(mean, sd, 0.99)).toBe(1);
    expect(poissonLogNormalCdf(0, mean, 0)).toBeCloseTo(Math.exp(-0.05), 12);
  });

  it('an idle function (log1p mean 0, no spread) never needs a count above 0', () => {
    expect(poissonLogNormalQuantile(0, 0, 0.999)).toBe(0);
    expect(poissonLogNormalCdf(0, 0, 0)).toBe(1);
  });

  it.each([
    [0, Math.log1p(0.2), 0.8],
    [1, Math.log1p(2), 0.5],
    [5, Math.log1p(4), 1.2],
    [12, Math.log1p(10), 0.3],
  ])('matches a fine trapezoid integral to 0.005 (the rate clipped at 0 is a kink the quadrature smooths) at k = %p (mean %p, sd %p)', (k, mean, sd) => {
    expect(poissonLogNormalCdf(k, mean, sd)).toBeCloseTo(trapezoidCdf(k, mean, sd), 2);
  });

  it('widens with rate uncertainty: sd 1 puts q0.99 of a 2-a-minute function above the Poisson one', () => {
    const mean = Math.log1p(2);
    expect(poissonLogNormalQuantile(mean, 1, 0.99)).toBeGreaterThan(poissonLogNormalQuantile(mean, 0, 0.99));
  });

  it('the quantile is the smallest k whose cdf reaches q, and is non-decreasing in q', () => {
    const mean = Math.log1p(3);
    let last = 0;
    for (const q of [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999]) {
      const k = poissonLogNormalQuantile(mean, 0.6, q);
      expect(poissonLogNormalCdf(k, mean, 0.6)).toBeGreaterThanOrEqual(q - 1e-12);
      if (k > 0) expect(poissonLogNormalCdf(k - 1, mean, 0.6)).toBeLessThan(q);
      expect(k).toBeGreaterThanOrEqual(last);
      last = k;
    }
  });

  it('busy functions use the log1p-normal with Poisson variance folded in: 1000 a minute, sd 0.1, q0.5 = 1000', () => {
    const mean = Math.log1p(1000);
    expect(Math.expm1(mean)).toBeGreaterThan(MIXTURE_MAX_RATE);
    expect(poissonLogNormalQuantile(mean, 0.1, 0.5)).toBe(1000);
    const q90 = poissonLogNormalQuantile(mean, 0.1, 0.9);
    expect(q90).toBe(Math.round(Math.expm1(mean + Math.sqrt(0.01 + 1000 / 1001 ** 3) * 1.2815515655446004)));
  });

  it('handles node rates too large for exp(-rate): a 20-a-minute median with sd 2 reaches a finite q0.99', () => {
    const mean = Math.log1p(20);
    const q = poissonLogNormalQuantile(mean, 2, 0.99);
    expect(q).toBeGreaterThan(1000);
    expect(poissonLogNormalCdf(q, mean, 2)).toBeGreaterThanOrEqual(0.99 - 1e-9);
    expect(poissonLogNormalCdf(q - 1, mean, 2)).toBeLessThan(0.99);
  });

  it.each([
    ['a mean that is NaN', () => poissonLogNormalCdf(0, Number.NaN, 1), /mean must be finite, got NaN/],
    ['a negative sd', () => poissonLogNormalQuantile(0, -1, 0.5), /sd must be a finite number >= 0, got -1/],
    ['q = 1', () => poissonLogNormalQuantile(0, 1, 1), /q must be strictly between 0 and 1, got 1/],
    ['q = 0', () => poissonLogNormalQuantile(0, 1, 0), /q must be strictly between 0 and 1, got 0/],
  ])('rejects %s with a message naming it', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('roundedLogNormalCdf and roundedLogNormalQuantile', () => {
  it('with no spread put all mass on the rounded count: log1p(10) is exactly 10', () => {
    const mean = Math.log1p(10);
    expect([9, 10, 10.7, -1].map((k) => roundedLogNormalCdf(k, mean, 0))).toEqual([0, 1, 1, 0]);
    expect(roundedLogNormalQuantile(mean, 0, 0.99)).toBe(10);
  });

  it('invert each other: P(count <= q0.9) >= 0.9 > P(count <= q0.9 - 1), and the median of log1p(10) with sd 0.5 is 10', () => {
    const mean = Math.log1p(10);
    const k = roundedLogNormalQuantile(mean, 0.5, 0.9);
    expect(roundedLogNormalCdf(k, mean, 0.5)).toBeGreaterThanOrEqual(0.9);
    expect(roundedLogNormalCdf(k - 1, mean, 0.5)).toBeLessThan(0.9);
    expect(roundedLogNormalQuantile(mean, 0.5, 0.5)).toBe(10);
    expect(roundedLogNormalQuantile(-3, 0.1, 0.9)).toBe(0);
  });
});
