/**
 * A small, deterministic, box-constrained quasi-Newton minimiser: L-BFGS
 * directions (two-loop recursion) restricted to the variables not held at a
 * bound, steps projected onto the box, Armijo backtracking. Enough for a
 * Gaussian process's dozen log-hyperparameters; not a general L-BFGS-B.
 */

/** The objective at a point: its value and gradient (same length as the point). */
export interface ValueAndGradient {
  readonly value: number;
  readonly gradient: readonly number[];
}

/**
 * An objective to minimise. It may return a non-finite value (for example when
 * a covariance matrix cannot be factored): the line search then backs off.
 */
export type DifferentiableObjective = (x: readonly number[]) => ValueAndGradient;

/** Options of {@link minimiseBoxLbfgs}. */
export interface BoxLbfgsOptions {
  /** Lower bound per variable. */
  readonly lower: readonly number[];
  /** Upper bound per variable (>= lower). */
  readonly upper: readonly number[];
  /** Most iterations (one accepted step each). Default 50. */
  readonly maxIterations?: number;
  /** Pairs (s, y) kept for the inverse Hessian estimate. Default 6. */
  readonly memory?: number;
  /** Stop when the largest projected gradient component is below this. Default 1e-5. */
  readonly gradientTolerance?: number;
  /** Stop when an accepted step lowers the value by less than this times (1 + |value|). Default 1e-9. */
  readonly relativeTolerance?: number;
}

/** Where {@link minimiseBoxLbfgs} stopped. */
export interface MinimiseResult {
  /** The best point found (inside the box). */
  readonly x: number[];
  /** The objective there. */
  readonly value: number;
  /** Accepted steps. */
  readonly iterations: number;
  /** Objective evaluations, the first included. */
  readonly evaluations: number;
  /** True when a tolerance was met, false when the iteration limit or a failed line search stopped it. */
  readonly converged: boolean;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 30;

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function isFiniteResult(r: ValueAndGradient): boolean {
  return Number.isFinite(r.value) && r.gradient.every((g) => Number.isFinite(g));
}

/**
 * Minimise `objective` over the box [lower, upper], starting from `x0`
 * (clamped into the box). Deterministic: the same inputs give the same path.
 * @throws RangeError when the bounds and `x0` differ in length or a lower bound exceeds its upper bound.
 */
export function minimiseBoxLbfgs(objective: DifferentiableObjective, x0: readonly number[], options: BoxLbfgsOptions): MinimiseResult {
  const { lower, upper } = options;
  const n = x0.length;
  if (lower.length !== n || upper.length !== n) throw new RangeError(`lbfgs: ${n} variables, ${lower.length} lower and ${upper.length} upper bounds`);
  for (let i = 0; i < n; i++) {
    if (!(lower[i] <= upper[i])) throw new RangeError(`lbfgs: lower bound ${lower[i]} above upper bound ${upper[i]} for variable ${i}`);
  }
  const maxIterations = options.maxIterations ?? 50;
  const memory = options.memory ?? 6;
  const gradientTolerance = options.gradientTolerance ?? 1e-5;
  const relativeTolerance = options.relativeTolerance ?? 1e-9;
  const clamp = (v: number, i: number): number => (v < lower[i] ? lower[i] : v > upper[i] ? upper[i] : v);

  let x = x0.map(clamp);
  let current = objective(x);
  let evaluations = 1;
  if (!isFiniteResult(current)) return { x, value: Number.POSITIVE_INFINITY, iterations: 0, evaluations, converged: false };

  const sList: number[][] = [];
  const yList: number[][] = [];
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    const g = current.gradient;
    // Variables held at a bound by a gradient pointing out of the box stay put.
    const free = g.map((gi, i) => !((x[i] <= lower[i] && gi > 0) || (x[i] >= upper[i] && gi < 0)));
    const pg = g.map((gi, i) => (free[i] ? gi : 0));
    if (Math.max(0, ...pg.map(Math.abs)) < gradientTolerance) {
      converged = true;
      break;
    }
    // Two-loop recursion on the free variables.
    const q = pg.slice();
    const alphas: number[] = [];
    for (let k = sList.length - 1; k >= 0; k--) {
      const a = dot(sList[k], q) / dot(yList[k], sList[k]);
      alphas[k] = a;
      for (let i = 0; i < n; i++) q[i] -= a * yList[k][i];
    }
    if (sList.length > 0) {
      const last = sList.length - 1;
      const gamma = dot(sList[last], yList[last]) / dot(yList[last], yList[last]);
      for (let i = 0; i < n; i++) q[i] *= gamma;
    }
    for (let k = 0; k < sList.length; k++) {
      const b = dot(yList[k], q) / dot(yList[k], sList[k]);
      for (let i = 0; i < n; i++) q[i] += sList[k][i] * (alphas[k] - b);
    }
    let direction = q.map((v, i) => (free[i] ? -v : 0));
    if (dot(direction, pg) >= 0) {
      sList.length = 0;
      yList.length = 0;
      direction = pg.map((v) => -v);
    }
    const steepest = sList.length === 0;
    let t = steepest ? Math.min(1, 1 / Math.max(...pg.map(Math.abs))) : 1;
    let accepted: { x: number[]; result: ValueAndGradient } | undefined;
    for (let b = 0; b < MAX_BACKTRACKS && accepted === undefined; b++, t *= 0.5) {
      const candidate = x.map((xi, i) => clamp(xi + t * direction[i], i));
      const step = candidate.map((c, i) => c - x[i]);
      const decrease = dot(g, step);
      if (step.every((s) => s === 0) || decrease >= 0) continue;
      const result = objective(candidate);
      evaluations++;
      if (isFiniteResult(result) && result.value <= current.value + ARMIJO * decrease) accepted = { x: candidate, result };
    }
    if (accepted === undefined) {
      if (steepest) break;
      // The quasi-Newton direction failed: forget the curvature and try steepest descent.
      sList.length = 0;
      yList.length = 0;
      continue;
    }
    iterations++;
    const s = accepted.x.map((v, i) => v - x[i]);
    const y = accepted.result.gradient.map((v, i) => v - g[i]);
    if (dot(s, y) > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      sList.push(s);
      yList.push(y);
      if (sList.length > memory) {
        sList.shift();
        yList.shift();
      }
    }
    const drop = current.value - accepted.result.value;
    x = accepted.x;
    current = accepted.result;
    if (drop <= relativeTolerance * (1 + Math.abs(current.value))) {
      converged = true;
      break;
    }
  }
  return { x, value: current.value, iterations, evaluations, converged };
}
