import { SeededRng, hashString } from '../../src/core/rng';

function draws(rng: SeededRng, n: number, draw: (r: SeededRng) => number): number[] {
  return Array.from({ length: n }, () => draw(rng));
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function variance(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
}

const N = 100_000;

describe('SeededRng: seeding', () => {
  it.each([0, 1, 42, -7, 2 ** 31 - 1])('seed %i: two generators give the same 1,000 values', (seed) => {
    const a = draws(new SeededRng(seed), 1000, (r) => r.next());
    const b = draws(new SeededRng(seed), 1000, (r) => r.next());
    expect(a).toEqual(b);
  });

  it('gives different sequences for neighbouring seeds', () => {
    const a = draws(new SeededRng(1), 100, (r) => r.next());
    const b = draws(new SeededRng(2), 100, (r) => r.next());
    expect(a.filter((x, i) => x === b[i])).toEqual([]);
  });

  it('uses only the low 32 bits of a numeric seed (5, 2^32 + 5; -1, 2^32 - 1) and truncates fractions', () => {
    const first = (seed: number): number[] => draws(new SeededRng(seed), 20, (r) => r.next());
    expect(first(2 ** 32 + 5)).toEqual(first(5));
    expect(first(2 ** 32 - 1)).toEqual(first(-1));
    expect(first(5.9)).toEqual(first(5));
  });

  it('gives the same sequence for the same string seed and different ones for different strings', () => {
    const a = draws(new SeededRng('keepalive'), 200, (r) => r.next());
    const b = draws(new SeededRng('keepalive'), 200, (r) => r.next());
    const c = draws(new SeededRng('keepalivf'), 200, (r) => r.next());
    expect(a).toEqual(b);
    expect(c.filter((x, i) => x === a[i])).toEqual([]);
  });

  it('seeds a string the same as its FNV-1a hash given as a number', () => {
    for (const s of ['', 'a', 'arrivals', 'séed ✓']) {
      expect(draws(new SeededRng(s), 20, (r) => r.next())).toEqual(draws(new SeededRng(hashString(s)), 20, (r) => r.next()));
    }
  });

  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('hashString(%j) is the FNV-1a 32-bit test vector %i', (s, h) => {
    expect(hashString(s)).toBe(h);
  });

  it('does not depend on Math.random', () => {
    const spy = jest.spyOn(Math, 'random');
    try {
      const r = new SeededRng(3);
      r.next();
      r.normal();
      r.exponential(2);
      r.poisson(4);
      r.poisson(1000);
      r.int(10);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('SeededRng.next', () => {
  it('stays in [0, 1) over 100,000 draws', () => {
    const xs = draws(new SeededRng(11), N, (r) => r.next());
    expect(xs.reduce((a, b) => Math.min(a, b), Infinity)).toBeGreaterThanOrEqual(0);
    expect(xs.reduce((a, b) => Math.max(a, b), -Infinity)).toBeLessThan(1);
  });

  it('has mean 1/2 and variance 1/12 over 100,000 draws', () => {
    const xs = draws(new SeededRng(12), N, (r) => r.next());
    // Standard errors: mean sqrt(1/12/N) = 0.0009, variance sqrt((1/80 - 1/144)/N) = 0.00024;
    // the tolerances are ~5 standard errors.
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance(xs) - 1 / 12)).toBeLessThan(0.0012);
  });

  it('fills ten equal bins evenly (each within 5% of N/10)', () => {
    const bins = new Array<number>(10).fill(0);
    const r = new SeededRng(13);
    for (let i = 0; i < N; i++) bins[Math.floor(r.next() * 10)]++;
    // Each bin count is Binomial(N, 0.1): sd 95, so +-500 is ~5 sd.
    for (const b of bins) expect(Math.abs(b - N / 10)).toBeLessThan(500);
  });

  it('uses more than 32 bits: values are not all multiples of 2^-32', () => {
    const xs = draws(new SeededRng(14), 100, (r) => r.next());
    expect(xs.some((x) => !Number.isInteger(x * 2 ** 32))).toBe(true);
  });
});

describe('SeededRng.int', () => {
  it.each([1, 2, 7, 1000])('int(%i) returns integers in [0, n) and hits every value for small n', (n) => {
    const r = new SeededRng(n);
    const xs = draws(r, 20_000, (g) => g.int(n));
    expect(xs.every((x) => Number.isInteger(x) && x >= 0 && x < n)).toBe(true);
    if (n <= 7) expect(new Set(xs).size).toBe(n);
    // Mean (n - 1) / 2 within 5 standard errors (sd of a uniform integer ~ n / sqrt(12)).
    expect(Math.abs(mean(xs) - (n - 1) / 2)).toBeLessThanOrEqual((5 * n) / Math.sqrt(12 * 20_000) + 1e-12);
  });
});

describe('SeededRng.normal', () => {
  it('has mean 0 and variance 1 over 100,000 draws (both halves of each polar pair used)', () => {
    const xs = draws(new SeededRng(21), N, (r) => r.normal());
    // Standard errors: mean 1/sqrt(N) = 0.0032, variance sqrt(2/N) = 0.0045; tolerances ~5 standard errors.
    expect(Math.abs(mean(xs))).toBeLessThan(0.016);
    expect(Math.abs(variance(xs) - 1)).toBeLessThan(0.023);
    // About 68.27% within one standard deviation and 95.45% within two (binomial sd ~0.0015, 0.0007).
    expect(Math.abs(xs.filter((x) => Math.abs(x) < 1).length / N - 0.6827)).toBeLessThan(0.008);
    expect(Math.abs(xs.filter((x) => Math.abs(x) < 2).length / N - 0.9545)).toBeLessThan(0.004);
  });

  it('does not repeat a value: the spare of a pair differs from its first half', () => {
    const xs = draws(new SeededRng(22), 1000, (r) => r.normal());
    expect(new Set(xs).size).toBe(1000);
  });
});

describe('SeededRng.exponential', () => {
  it.each([1, 250, 0.01])('exponential(%d) is non-negative with mean and standard deviation both ~mean over 100,000 draws', (m) => {
    const xs = draws(new SeededRng(31), N, (r) => r.exponential(m));
    expect(xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
    // Standard errors relative to the mean: mean 1/sqrt(N) = 0.0032, sd ~sqrt(2/N) = 0.0045 (for the
    // variance 2 * 0.0045); tolerances ~5 standard errors.
    expect(Math.abs(mean(xs) / m - 1)).toBeLessThan(0.016);
    expect(Math.abs(Math.sqrt(variance(xs)) / m - 1)).toBeLessThan(0.03);
  });

  it('returns 0 for a mean of 0', () => {
    expect(draws(new SeededRng(32), 10, (r) => r.exponential(0))).toEqual(new Array<number>(10).fill(0));
  });
});

describe('SeededRng.poisson', () => {
  it.each([0, -3])('poisson(%d) is always 0', (lambda) => {
    expect(draws(new SeededRng(40), 100, (r) => r.poisson(lambda))).toEqual(new Array<number>(100).fill(0));
  });

  it.each([
    // [lambda, draws]: small means (inversion), a mean split into steps of 30, the largest inversion mean,
    // and means above 500 (normal approximation).
    [0.5, 100_000],
    [3, 100_000],
    [29.5, 20_000],
    [75, 10_000],
    [500, 2_000],
    [1000, 20_000],
    [1e6, 20_000],
  ])('poisson(%d) gives non-negative integers with mean and variance ~lambda (%i draws)', (lambda, n) => {
    const xs = draws(new SeededRng(`poisson-${lambda}`), n, (r) => r.poisson(lambda));
    expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    // Standard error of the mean sqrt(lambda / n); of the variance ~lambda * sqrt(2 / n) (plus 1/n for
    // the Poisson's excess kurtosis 1/lambda). Tolerances: 5 standard errors.
    expect(Math.abs(mean(xs) - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
    expect(Math.abs(variance(xs) / lambda - 1)).toBeLessThan(5 * Math.sqrt(2 / n + 1 / (lambda * n)));
  });

  it('poisson(2) gives P(0) = e^-2 and P(1) = 2e^-2 within 5 standard errors over 100,000 draws', () => {
    const xs = draws(new SeededRng(41), N, (r) => r.poisson(2));
    const p0 = Math.exp(-2);
    const p1 = 2 * Math.exp(-2);
    const f0 = xs.filter((x) => x === 0).length / N;
    const f1 = xs.filter((x) => x === 1).length / N;
    expect(Math.abs(f0 - p0)).toBeLessThan(5 * Math.sqrt((p0 * (1 - p0)) / N));
    expect(Math.abs(f1 - p1)).toBeLessThan(5 * Math.sqrt((p1 * (1 - p1)) / N));
  });
});
