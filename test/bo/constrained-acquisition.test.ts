import { normalCdf } from '../../src/core/normal';
import { SeededRng } from '../../src/core/rng';
import { expectedImprovement, noisyIncumbent } from '../../src/bo/acquisition';
import { constrainedExpectedImprovementAcquisition, observedPosteriors, safeSetPredicate } from '../../src/bo/constrained-acquisition';
import { fitGaussianProcess } from '../../src/bo/gaussian-process';
import type { Posterior, Surrogate } from '../../src/bo/surrogate';

/** A surrogate with a closed-form posterior: mean and variance as functions of the point. */
function stub(mean: (u: readonly number[]) => number, variance: (u: readonly number[]) => number): Surrogate {
  return {
    dimension: 1,
    posterior: (points): Posterior => ({ mean: points.map(mean), variance: points.map(variance) }),
  };
}

// Cost falls with u (mean 10 - 8u, sd 1); latency rises with u (mean 100 + 200u, sd 20); target 200 ms.
const cost = stub((u) => 10 - 8 * u[0], () => 1);
const latency = stub((u) => 100 + 200 * u[0], () => 400);
const points = [[0], [0.25], [0.5], [0.75], [1]];

describe('constrainedExpectedImprovementAcquisition', () => {
  it('is EI(cost; best) x Phi((200 - latency mean) / 20) at each point', () => {
    const values = constrainedExpectedImprovementAcquisition(cost, latency, 200, 5)(points);
    points.forEach((p, i) => {
      const ei = expectedImprovement({ mean: 10 - 8 * p[0], sd: 1 }, 5);
      const pof = normalCdf((200 - (100 + 200 * p[0])) / 20);
      expect(values[i]).toBeCloseTo(ei * pof, 12);
    });
    // u = 0.5: latency mean 200, PoF 0.5; cost mean 6 against best 5: EI = -Phi(-1) + phi(1) = 0.0833.
    expect(values[2]).toBeCloseTo(0.5 * 0.08332, 4);
  });

  it('is PoF alone before any feasible incumbent', () => {
    const values = constrainedExpectedImprovementAcquisition(cost, latency, 200, undefined)(points);
    expect(values[2]).toBeCloseTo(0.5, 6);
    expect(values[0]).toBeCloseTo(normalCdf(5), 6);
  });

  it('scores points outside the safe set -Infinity with a safety delta: only PoF >= 0.95 survives', () => {
    // PoF at u = 0.25: Phi(2.5) = 0.994; at 0.5: 0.5.
    const values = constrainedExpectedImprovementAcquisition(cost, latency, 200, 5, 0.05)(points);
    expect(values[1]).toBeGreaterThan(0);
    expect(values.slice(2)).toEqual([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  });

  it.each([0, 1, Number.NaN])('rejects safety delta %p', (delta) => {
    expect(() => constrainedExpectedImprovementAcquisition(cost, latency, 200, 5, delta)).toThrow(`safe set: delta must be in (0, 1), got ${delta}`);
  });
});

describe('safeSetPredicate', () => {
  it('admits exactly the points with PoF >= 1 - delta', () => {
    // PoF: Phi(5), Phi(2.5) = 0.9938, Phi(0) = 0.5, Phi(-2.5), Phi(-5).
    expect(safeSetPredicate(latency, 200, 0.01)(points, points)).toEqual([true, true, false, false, false]);
    expect(safeSetPredicate(latency, 200, 0.001)(points, points)).toEqual([true, false, false, false, false]);
    expect(safeSetPredicate(latency, 200, 0.6)(points, points)).toEqual([true, true, true, false, false]);
  });
});

describe('observedPosteriors and the noisy incumbent with fitted surrogates', () => {
  it('takes sd as the square root of the posterior variance', () => {
    expect(observedPosteriors([[0.5]], cost, latency)).toEqual([{ cost: { mean: 6, sd: 1 }, latency: { mean: 200, sd: 20 } }]);
  });

  it('never makes a cheap point predicted infeasible the incumbent: a feasible one outranks it', () => {
    // Cost falls with CPU share u; latency rises past the 200 ms target for u > 0.6. The cheapest observed point (u = 1) is infeasible.
    const x = [0, 0.2, 0.4, 0.5, 0.6, 0.8, 1].map((u) => [u]);
    const costs = x.map((p) => 10 - 8 * p[0]);
    const latencies = x.map((p) => 100 + 250 * p[0] ** 2);
    const rng = new SeededRng(3);
    const c = fitGaussianProcess(x, costs, { rng });
    const l = fitGaussianProcess(x, latencies, { rng });
    const incumbent = noisyIncumbent(observedPosteriors(x, c, l), 200);
    // u = 0.6 has latency 190: feasible and the cheapest feasible one (cost 5.2); u = 0.8 (260 ms) and u = 1 (350 ms) are not.
    expect(incumbent?.index).toBe(4);
    expect(incumbent?.cost).toBeCloseTo(5.2, 2);
    expect(Math.min(...costs)).toBeLessThan(incumbent?.cost ?? 0);
  });
});
