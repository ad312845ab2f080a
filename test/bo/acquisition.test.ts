import { normalCdf } from '../../src/core/normal';
import {
  constrainedExpectedImprovement,
  expectedImprovement,
  isSafe,
  noisyIncumbent,
  probabilityOfFeasibility,
  type Moments,
  type ObservedPosterior,
} from '../../src/bo/acquisition';

const m = (mean: number, sd: number): Moments => ({ mean, sd });

describe('expectedImprovement', () => {
  it('is 0.1978 at BoTorch\'s mean -0.5, sd 1, best 0 (maximisation), which is mean 0.5 when minimising cost', () => {
    expect(expectedImprovement(m(0.5, 1), 0)).toBeCloseTo(0.1978, 4);
    // The mirror case, a mean 0.5 below the best: 0.5 Phi(0.5) + phi(0.5).
    expect(expectedImprovement(m(-0.5, 1), 0)).toBeCloseTo(0.6978, 4);
  });

  it('matches (best - mu) Phi(z) + sd phi(z) written out, at a scaled point', () => {
    // mu = 3, sd = 2, best = 4: z = 0.5, EI = 1 x Phi(0.5) + 2 x phi(0.5).
    const phi = Math.exp(-0.125) / Math.sqrt(2 * Math.PI);
    expect(expectedImprovement(m(3, 2), 4)).toBeCloseTo(normalCdf(0.5) + 2 * phi, 10);
  });

  it('is max(best - mu, 0) with no uncertainty', () => {
    expect(expectedImprovement(m(1, 0), 3)).toBe(2);
    expect(expectedImprovement(m(5, 0), 3)).toBe(0);
  });

  it('agrees with a Monte Carlo estimate of E[max(best - Y, 0)]', () => {
    // Midpoint rule over the normal density on [-8 sd, 8 sd].
    const mu = 1.2;
    const sd = 0.7;
    const best = 1;
    let sum = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const z = -8 + (16 * (i + 0.5)) / n;
      sum += Math.max(best - (mu + sd * z), 0) * (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)) * (16 / n);
    }
    expect(expectedImprovement(m(mu, sd), best)).toBeCloseTo(sum, 6);
  });

  it('grows with uncertainty at the same mean', () => {
    expect(expectedImprovement(m(1, 2), 1)).toBeGreaterThan(expectedImprovement(m(1, 1), 1));
  });

  it.each<[string, Moments, number, string]>([
    ['a NaN mean', m(Number.NaN, 1), 0, 'mean must be finite, got NaN'],
    ['a negative sd', m(0, -1), 0, 'sd must be a finite number >= 0, got -1'],
    ['an infinite best', m(0, 1), Number.POSITIVE_INFINITY, 'best must be finite, got Infinity'],
  ])('rejects %s', (_name, y, best, message) => {
    expect(() => expectedImprovement(y, best)).toThrow(message);
  });
});

describe('probabilityOfFeasibility', () => {
  it.each([
    [900, 100, 1000],
    [1200, 300, 1000],
    [1000, 50, 1000],
  ])('equals the normal CDF of (threshold - mean) / sd for mean %d, sd %d, threshold %d', (mean, sd, t) => {
    expect(probabilityOfFeasibility(m(mean, sd), t)).toBeCloseTo(normalCdf((t - mean) / sd), 12);
  });

  it('is 1 or 0 with no uncertainty', () => {
    expect(probabilityOfFeasibility(m(999, 0), 1000)).toBe(1);
    expect(probabilityOfFeasibility(m(1001, 0), 1000)).toBe(0);
  });
});

describe('constrainedExpectedImprovement', () => {
  it('is EI times PoF, and PoF alone before any feasible point', () => {
    const cost = m(0.5, 1);
    const lat = m(1100, 100);
    expect(constrainedExpectedImprovement(cost, lat, 0, 1000)).toBeCloseTo(0.1978 * normalCdf(-1), 4);
    expect(constrainedExpectedImprovement(cost, lat, undefined, 1000)).toBeCloseTo(normalCdf(-1), 12);
  });
});

describe('noisyIncumbent', () => {
  const obs = (cost: number, latency: number, sd = 10): ObservedPosterior => ({ cost: m(cost, 0.1), latency: m(latency, sd) });

  it('never lets a point predicted infeasible outrank a feasible one, however cheap', () => {
    const observed = [obs(5, 900), obs(1, 1200), obs(3, 950)];
    expect(noisyIncumbent(observed, 1000)).toEqual({ index: 2, cost: 3 });
  });

  it('takes the posterior mean cost, not a raw sample', () => {
    expect(noisyIncumbent([{ cost: m(2.5, 1), latency: m(100, 1) }], 1000)).toEqual({ index: 0, cost: 2.5 });
  });

  it('is undefined when no point is likely feasible, and honours a stricter level', () => {
    expect(noisyIncumbent([obs(1, 1100), obs(2, 1050)], 1000)).toBeUndefined();
    // 995 +- 10 against 1000: PoF = Phi(0.5) = 0.69, feasible at 0.5, not at 0.9.
    expect(noisyIncumbent([obs(1, 995)], 1000)?.index).toBe(0);
    expect(noisyIncumbent([obs(1, 995)], 1000, 0.9)).toBeUndefined();
  });

  it.each([0, 1.5, Number.NaN])('rejects minFeasibility %p', (level) => {
    expect(() => noisyIncumbent([], 1000, level)).toThrow(`minFeasibility must be in (0, 1], got ${level}`);
  });
});

describe('isSafe', () => {
  it('admits a candidate only when PoF >= 1 - delta', () => {
    // 900 +- 100 against 1000: PoF = Phi(1) = 0.841.
    expect(isSafe(m(900, 100), 1000, 0.2)).toBe(true);
    expect(isSafe(m(900, 100), 1000, 0.1)).toBe(false);
  });

  it.each([0, 1, -0.1])('rejects delta %p', (delta) => {
    expect(() => isSafe(m(0, 1), 1, delta)).toThrow(`delta must be in (0, 1), got ${delta}`);
  });
});
