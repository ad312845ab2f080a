import { SeededRng } from '../../src/core/rng';
import { MarginalLikelihood } from '../../src/bo/marginal-likelihood';

function matern(r: number, s2: number): number {
  return s2 * (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r);
}

describe('MarginalLikelihood.evaluate', () => {
  it('equals the closed form of a 2-point example: -1/2 y^T K^-1 y - 1/2 log det K - log 2 pi', () => {
    // x = 0.2 and 0.7 in 1-D, l = 0.5 (r = 1), s2 = 1.3, noise 0.1, y = (1, -0.5).
    const k12 = matern(1, 1.3);
    const a = 1.3 + 0.1;
    const det = a * a - k12 * k12;
    const y = [1, -0.5];
    const quad = (a * y[0] * y[0] - 2 * k12 * y[0] * y[1] + a * y[1] * y[1]) / det;
    const expected = -0.5 * quad - 0.5 * Math.log(det) - Math.log(2 * Math.PI);
    const ml = new MarginalLikelihood([[0.2], [0.7]], y);
    expect(ml.evaluate([Math.log(0.5), Math.log(1.3), Math.log(0.1)], false).value).toBeCloseTo(expected, 12);
  });

  it('adds known per-point noise to the diagonal', () => {
    const y = [1, -0.5];
    const known = [0.3, 0];
    const k12 = matern(1, 1.3);
    const a = 1.3 + 0.1 + 0.3;
    const b = 1.3 + 0.1;
    const det = a * b - k12 * k12;
    const quad = (b * y[0] * y[0] - 2 * k12 * y[0] * y[1] + a * y[1] * y[1]) / det;
    const expected = -0.5 * quad - 0.5 * Math.log(det) - Math.log(2 * Math.PI);
    const ml = new MarginalLikelihood([[0.2], [0.7]], y, known);
    expect(ml.evaluate([Math.log(0.5), Math.log(1.3), Math.log(0.1)], false).value).toBeCloseTo(expected, 12);
  });

  describe('gradient against a central finite difference', () => {
    const rng = new SeededRng(5);
    const x = Array.from({ length: 12 }, () => [rng.next(), rng.next(), rng.next()]);
    const y = x.map((p) => Math.sin(4 * p[0]) + p[1] * p[2] + 0.1 * rng.normal());
    const known = x.map((_, i) => (i % 3 === 0 ? 0.05 : 0));
    const thetas: [string, number[], number[] | undefined][] = [
      ['learned noise only', [Math.log(0.3), Math.log(0.7), Math.log(2), Math.log(1.5), Math.log(0.05)], undefined],
      ['known noise on every third point', [Math.log(0.5), Math.log(0.2), Math.log(1.1), Math.log(0.8), Math.log(0.01)], known],
    ];
    it.each(thetas)('%s: every component within 1e-5 relative', (_name, theta, noise) => {
      const ml = new MarginalLikelihood(x, y, noise);
      const g = ml.evaluate(theta, true).gradient;
      expect(g).toHaveLength(5);
      const h = 1e-5;
      theta.forEach((_, i) => {
        const up = theta.slice();
        const down = theta.slice();
        up[i] += h;
        down[i] -= h;
        const fd = (ml.evaluate(up, false).value - ml.evaluate(down, false).value) / (2 * h);
        expect(Math.abs(fd)).toBeGreaterThan(1e-3);
        expect(Math.abs(g[i] - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
      });
    });
  });

  it('returns no gradient when not asked', () => {
    expect(new MarginalLikelihood([[0], [1]], [0, 1]).evaluate([0, 0, -2], false).gradient).toEqual([]);
  });

  it('is -Infinity when the covariance cannot be factored (a NaN hyperparameter)', () => {
    expect(new MarginalLikelihood([[0], [1]], [0, 1]).evaluate([Number.NaN, 0, -2], true)).toEqual({ value: Number.NEGATIVE_INFINITY, gradient: [] });
  });

  it.each<[string, () => unknown, string]>([
    ['no points', () => new MarginalLikelihood([], []), 'marginal likelihood: no training points'],
    ['more outputs than inputs', () => new MarginalLikelihood([[0]], [0, 1]), 'marginal likelihood: 1 inputs and 2 outputs'],
    ['a short noise list', () => new MarginalLikelihood([[0], [1]], [0, 1], [0]), 'marginal likelihood: 2 inputs and 1 noise variances'],
    ['ragged inputs', () => new MarginalLikelihood([[0], [1, 2]], [0, 1]), 'marginal likelihood: inputs must all have the same dimension >= 1'],
    ['the wrong number of log-hyperparameters', () => new MarginalLikelihood([[0], [1]], [0, 1]).evaluate([0, 0], false), 'marginal likelihood: 2 log-hyperparameters for dimension 1 (need 3)'],
  ])('rejects %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});
