import { MIN_COUNT_FOR_A_CONTAINER, containersNeeded, poissonQuantile } from '../../src/pool/container-sizing';

describe('poissonQuantile', () => {
  // Reference values: scipy.stats.poisson.ppf(p, mean).
  it.each([
    [0, 0.5, 0],
    [0.001, 0.999, 0],
    [0.01, 0.999, 1],
    [1, 0.5, 1],
    [1, 0.99, 4],
    [2, 0.9, 4],
    [3, 0.5, 3],
    [60, 0.5, 60],
    [700, 0.999, 783],
    // Above a mean of 700: the normal approximation with skew and continuity corrections.
    [701, 0.999, 784],
    [1000, 0.5, 1000],
    [1000, 0.99, 1074],
    [5000, 0.9, 5091],
  ])('the %p-mean Poisson %p-quantile is %p', (mean, p, expected) => {
    expect(poissonQuantile(mean, p)).toBe(expected);
  });

  it.each([
    [-1, 0.5, 'poissonQuantile: mean must be a finite number >= 0, got -1'],
    [Number.NaN, 0.5, 'poissonQuantile: mean must be a finite number >= 0, got NaN'],
    [Number.POSITIVE_INFINITY, 0.5, 'poissonQuantile: mean must be a finite number >= 0, got Infinity'],
    [1, 0, 'poissonQuantile: p must be strictly between 0 and 1, got 0'],
    [1, 1, 'poissonQuantile: p must be strictly between 0 and 1, got 1'],
    [1, Number.NaN, 'poissonQuantile: p must be strictly between 0 and 1, got NaN'],
  ])('poissonQuantile(%p, %p) throws %p', (mean, p, message) => {
    expect(() => poissonQuantile(mean, p)).toThrow(new RangeError(message));
  });
});

describe('containersNeeded', () => {
  it.each([
    // Below half an invocation: no container.
    [0, 1_000, 0.9, 0],
    [0.49, 60_000, 0.999, 0],
    // 0.5 invocations of 1 s: concurrency 1/120, P(none busy) = 0.9917 >= 0.9: one container.
    [0.5, 1_000, 0.9, 1],
    // 120 per minute x 1 s = concurrency 2; Poisson(2) 0.9-quantile is 4: 5 containers.
    [120, 1_000, 0.9, 5],
    [120, 1_000, 0.5, 3],
    // 60 per minute x 60 s = concurrency 60; median 60: 61 containers.
    [60, 60_000, 0.5, 61],
    // A zero duration still needs one container per active minute.
    [1_000, 0, 0.999, 1],
  ])('a minute of %p invocations of %p ms at risk %p needs %p containers', (count, durationMs, risk, expected) => {
    expect(containersNeeded(count, durationMs, risk)).toBe(expected);
  });

  it('needs no container below MIN_COUNT_FOR_A_CONTAINER (0.5) invocations and one at it', () => {
    expect(MIN_COUNT_FOR_A_CONTAINER).toBe(0.5);
    expect(containersNeeded(0.4999, 100, 0.5)).toBe(0);
    expect(containersNeeded(0.5, 100, 0.5)).toBe(1);
  });

  it('never needs fewer containers at a higher risk, a higher count or a longer duration', () => {
    const risks = [0.1, 0.5, 0.9, 0.99, 0.999];
    for (const count of [0, 0.5, 3, 40, 900]) {
      for (const durationMs of [0, 50, 1_000, 30_000]) {
        const byRisk = risks.map((r) => containersNeeded(count, durationMs, r));
        for (let i = 1; i < byRisk.length; i++) expect(byRisk[i]).toBeGreaterThanOrEqual(byRisk[i - 1]);
        expect(containersNeeded(count * 2, durationMs, 0.9)).toBeGreaterThanOrEqual(containersNeeded(count, durationMs, 0.9));
        expect(containersNeeded(count, durationMs * 2, 0.9)).toBeGreaterThanOrEqual(containersNeeded(count, durationMs, 0.9));
      }
    }
  });

  it.each([
    [-1, 100, 0.9, 'containersNeeded: count must be a finite number >= 0, got -1'],
    [Number.NaN, 100, 0.9, 'containersNeeded: count must be a finite number >= 0, got NaN'],
    [Number.POSITIVE_INFINITY, 100, 0.9, 'containersNeeded: count must be a finite number >= 0, got Infinity'],
    [1, -5, 0.9, 'containersNeeded: durationMs must be a finite number >= 0, got -5'],
    [1, Number.NaN, 0.9, 'containersNeeded: durationMs must be a finite number >= 0, got NaN'],
    [1, 100, 0, 'containersNeeded: risk must be strictly between 0 and 1, got 0'],
    [1, 100, 1, 'containersNeeded: risk must be strictly between 0 and 1, got 1'],
    [1, 100, -0.5, 'containersNeeded: risk must be strictly between 0 and 1, got -0.5'],
  ])('containersNeeded(%p, %p, %p) throws %p', (count, durationMs, risk, message) => {
    expect(() => containersNeeded(count, durationMs, risk)).toThrow(new RangeError(message));
  });
});
