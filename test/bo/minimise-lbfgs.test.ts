import { minimiseBoxLbfgs, type ValueAndGradient } from '../../src/bo/minimise-lbfgs';

const rosenbrock = (x: readonly number[]): ValueAndGradient => ({
  value: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2,
  gradient: [-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)],
});

const bowl = (x: readonly number[]): ValueAndGradient => ({
  value: (x[0] - 3) ** 2 + 10 * (x[1] + 1) ** 2,
  gradient: [2 * (x[0] - 3), 20 * (x[1] + 1)],
});

describe('minimiseBoxLbfgs', () => {
  it('finds the Rosenbrock minimum (1, 1) from (-1.2, 1)', () => {
    const r = minimiseBoxLbfgs(rosenbrock, [-1.2, 1], { lower: [-5, -5], upper: [5, 5], maxIterations: 200, gradientTolerance: 1e-8, relativeTolerance: 0 });
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
    expect(r.value).toBeLessThan(1e-8);
    expect(r.converged).toBe(true);
  });

  it('stops on a bound when the minimum lies outside the box: (3, -1) clamped to (2, 0) in [0, 2]^2', () => {
    const r = minimiseBoxLbfgs(bowl, [1, 1], { lower: [0, 0], upper: [2, 2] });
    expect(r.x).toEqual([2, 0]);
    expect(r.value).toBeCloseTo(1 + 10, 12);
    expect(r.converged).toBe(true);
  });

  it('finds an interior minimum with one variable on its bound: (3, -1) in [0, 5] x [0, 5] is (3, 0)', () => {
    const r = minimiseBoxLbfgs(bowl, [0.5, 4], { lower: [0, 0], upper: [5, 5] });
    expect(r.x[0]).toBeCloseTo(3, 6);
    expect(r.x[1]).toBe(0);
  });

  it('clamps the start into the box and is deterministic', () => {
    const a = minimiseBoxLbfgs(rosenbrock, [9, -9], { lower: [-2, -2], upper: [2, 2], maxIterations: 30 });
    const b = minimiseBoxLbfgs(rosenbrock, [9, -9], { lower: [-2, -2], upper: [2, 2], maxIterations: 30 });
    expect(a).toEqual(b);
    expect(a.iterations).toBeLessThanOrEqual(30);
    expect(a.value).toBeLessThan(rosenbrock([2, -2]).value);
  });

  it('backs off from points where the objective is not finite', () => {
    // log barrier: infinite for x <= 0; minimum of x - log(x) at x = 1.
    const f = (x: readonly number[]): ValueAndGradient =>
      x[0] > 0 ? { value: x[0] - Math.log(x[0]), gradient: [1 - 1 / x[0]] } : { value: Number.POSITIVE_INFINITY, gradient: [0] };
    const r = minimiseBoxLbfgs(f, [8], { lower: [-10], upper: [10] });
    expect(r.x[0]).toBeCloseTo(1, 5);
  });

  it('returns the start with an infinite value when the objective is not finite there', () => {
    const r = minimiseBoxLbfgs(() => ({ value: Number.NaN, gradient: [0] }), [0.5], { lower: [0], upper: [1] });
    expect(r).toEqual({ x: [0.5], value: Number.POSITIVE_INFINITY, iterations: 0, evaluations: 1, converged: false });
  });

  it.each<[string, number[], number[], number[], string]>([
    ['a short lower bound', [0, 0], [0], [1, 1], 'lbfgs: 2 variables, 1 lower and 2 upper bounds'],
    ['a short upper bound', [0, 0], [0, 0], [1], 'lbfgs: 2 variables, 2 lower and 1 upper bounds'],
    ['a lower bound above its upper bound', [0], [2], [1], 'lbfgs: lower bound 2 above upper bound 1 for variable 0'],
  ])('rejects %s', (_name, x0, lower, upper, message) => {
    expect(() => minimiseBoxLbfgs(bowl, x0, { lower, upper })).toThrow(message);
  });
});
