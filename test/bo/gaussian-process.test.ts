import { SeededRng } from '../../src/core/rng';
import {
  defaultHyperparameters,
  fitGaussianProcess,
  gaussianProcessWithHyperparameters,
  type GpHyperparameters,
} from '../../src/bo/gaussian-process';

/** Matern 5/2 written out, independent of src/bo/kernel.ts. */
function matern(distance: number, l: number, s2: number): number {
  const r = Math.abs(distance) / l;
  return s2 * (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r);
}

/** The inverse of a 3 x 3 matrix by its adjugate over its determinant. */
function inverse3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

const dot = (u: number[], v: number[]): number => u.reduce((s, x, k) => s + x * v[k], 0);
const times = (m: number[][], v: number[]): number[] => m.map((row) => dot(row, v));

describe('gaussianProcessWithHyperparameters: a 3-point example by hand', () => {
  // x = 0, 0.5, 1; y = 1, 5, 3: mean 3, sample sd 2, so z = (-1, 1, 0).
  const x = [[0], [0.5], [1]];
  const y = [1, 5, 3];
  const hyper: GpHyperparameters = { lengthscales: [0.4], signalVariance: 1.5, noiseVariance: 0.01 };
  const z = [-1, 1, 0];
  const xs = [0, 0.5, 1];
  const K = xs.map((a, i) => xs.map((b, j) => matern(a - b, 0.4, 1.5) + (i === j ? 0.01 : 0)));
  const Kinv = inverse3(K);
  const gp = gaussianProcessWithHyperparameters(x, y, hyper);

  it('standardises y by its mean 3 and sample standard deviation 2', () => {
    expect(gp.outputMean).toBe(3);
    expect(gp.outputScale).toBe(2);
    expect(gp.jitter).toBe(0);
  });

  it.each([0.25, 0.8, 0.5])('posterior at x* = %p: mean 3 + 2 k*^T K^-1 z, variance 4 (s2 - k*^T K^-1 k*)', (at) => {
    const kStar = xs.map((b) => matern(at - b, 0.4, 1.5));
    const mean = 3 + 2 * dot(kStar, times(Kinv, z));
    const variance = 4 * (1.5 - dot(kStar, times(Kinv, kStar)));
    const p = gp.posterior([[at]]);
    expect(p.mean[0]).toBeCloseTo(mean, 10);
    expect(p.variance[0]).toBeCloseTo(variance, 10);
  });

  it('at x* = 0.25 the numbers are mean 3.0983 and variance 1.0806 (the hand formula, checked independently with numpy)', () => {
    const p = gp.posterior([[0.25]]);
    expect(p.mean[0]).toBeCloseTo(3.0983, 4);
    expect(p.variance[0]).toBeCloseTo(1.0806, 4);
  });

  it('reports the log marginal likelihood of z: -1/2 z^T K^-1 z - 1/2 log det K - 3/2 log 2 pi', () => {
    const [[a, b, c], [d, e, f], [g, h, i]] = K;
    const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    const expected = -0.5 * dot(z, times(Kinv, z)) - 0.5 * Math.log(det) - 1.5 * Math.log(2 * Math.PI);
    expect(gp.logMarginalLikelihood).toBeCloseTo(expected, 10);
  });

  it('divides known noise variances by the squared scale: raw 0.4 at the middle point is 0.1 standardised', () => {
    const noisy = gaussianProcessWithHyperparameters(x, y, hyper, [0, 0.4, 0]);
    const Kn = K.map((row, i) => row.map((v, j) => v + (i === 1 && j === 1 ? 0.1 : 0)));
    const kStar = xs.map((b) => matern(0.5 - b, 0.4, 1.5));
    const mean = 3 + 2 * dot(kStar, times(inverse3(Kn), z));
    expect(noisy.posterior([[0.5]]).mean[0]).toBeCloseTo(mean, 10);
    // More noise on the middle point pulls the mean there further from its y = 5.
    expect(noisy.posterior([[0.5]]).mean[0]).toBeLessThan(gp.posterior([[0.5]]).mean[0]);
  });

  it('uses scale 1 when y has no spread, and predicts the constant', () => {
    const flat = gaussianProcessWithHyperparameters(x, [7, 7, 7], hyper);
    expect(flat.outputScale).toBe(1);
    expect(flat.posterior([[0.3]]).mean[0]).toBeCloseTo(7, 12);
  });
});

const smooth = (p: readonly number[]): number => Math.sin(3 * p[0]) + Math.cos(2 * p[1]) + p[0] * p[1];

describe('fitGaussianProcess on a smooth 2-D function', () => {
  const rng = new SeededRng(21);
  const x = Array.from({ length: 40 }, () => [rng.next(), rng.next()]);
  const y = x.map(smooth);
  const heldOut = Array.from({ length: 100 }, () => [rng.next(), rng.next()]);
  const gp = fitGaussianProcess(x, y, { rng: new SeededRng(1) });

  it('interpolates the 40 training points within 1e-3 (y spans about 2.5)', () => {
    const p = gp.posterior(x);
    p.mean.forEach((m, i) => expect(Math.abs(m - y[i])).toBeLessThan(1e-3));
    p.variance.forEach((v) => expect(v).toBeLessThan(1e-5));
  });

  it('predicts 100 held-out points with RMSE below 0.05 and every error below 0.2', () => {
    const p = gp.posterior(heldOut);
    const errors = p.mean.map((m, i) => m - smooth(heldOut[i]));
    const rmse = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
    expect(rmse).toBeLessThan(0.05);
    errors.forEach((e) => expect(Math.abs(e)).toBeLessThan(0.2));
  });

  it('is more uncertain far from the data than at it: variance grows outside the sampled square', () => {
    const far = gp.posterior([[1, 1]]).variance[0];
    const near = gp.posterior([x[0]]).variance[0];
    expect(far).toBeGreaterThan(near);
  });

  it('learns a larger noise on noisy data (sd 0.1) than on noiseless data, near the true variance 0.01', () => {
    const noise = new SeededRng(9);
    const noisy = fitGaussianProcess(x, y.map((v) => v + 0.1 * noise.normal()), { rng: new SeededRng(1) });
    const rawNoise = noisy.hyperparameters.noiseVariance * noisy.outputScale ** 2;
    const rawNoiseless = gp.hyperparameters.noiseVariance * gp.outputScale ** 2;
    expect(rawNoiseless).toBeLessThan(1e-5);
    expect(rawNoise).toBeGreaterThan(100 * rawNoiseless);
    expect(rawNoise).toBeGreaterThan(0.0025);
    expect(rawNoise).toBeLessThan(0.04);
  });

  it('gives the same hyperparameters for the same seed, and the warm start reaches at least the same optimum', () => {
    const again = fitGaussianProcess(x, y, { rng: new SeededRng(1) });
    expect(again.hyperparameters).toEqual(gp.hyperparameters);
    const warm = fitGaussianProcess(x, y, { rng: new SeededRng(2), warmStart: gp.hyperparameters, restarts: 0 });
    expect(warm.logPosteriorDensity).toBeGreaterThanOrEqual(gp.logPosteriorDensity - 1e-6);
  });

  it('fits from the default start alone with restarts 0', () => {
    const alone = fitGaussianProcess(x, y, { rng: new SeededRng(1), restarts: 0 });
    expect(alone.logPosteriorDensity).toBeGreaterThan(defaultStartDensity());
  });

  function defaultStartDensity(): number {
    return gaussianProcessWithHyperparameters(x, y, defaultHyperparameters(2)).logPosteriorDensity;
  }
});

describe('fitGaussianProcess on replicated probes', () => {
  it('fits three exact replicas of 10 points and learns noise near the true variance 0.04 (sd 0.2)', () => {
    const rng = new SeededRng(2);
    const base = Array.from({ length: 10 }, (_, i) => [i / 9, ((i * 7) % 10) / 9]);
    const x = [...base, ...base, ...base];
    const y = x.map((p) => Math.sin(3 * p[0]) + p[1] + 0.2 * rng.normal());
    const gp = fitGaussianProcess(x, y, { rng });
    const rawNoise = gp.hyperparameters.noiseVariance * gp.outputScale ** 2;
    expect(rawNoise).toBeGreaterThan(0.04 / 3);
    expect(rawNoise).toBeLessThan(0.04 * 3);
  });

  it('fits noiseless exact duplicates with the noise at its floor and no jitter', () => {
    const base = Array.from({ length: 10 }, (_, i) => [i / 9, ((i * 7) % 10) / 9]);
    const x = [...base, ...base];
    const gp = fitGaussianProcess(x, x.map((p) => Math.sin(3 * p[0]) + p[1]), { rng: new SeededRng(2) });
    expect(gp.hyperparameters.noiseVariance).toBeCloseTo(1e-6, 9);
    expect(gp.jitter).toBe(0);
  });
});

describe('fitGaussianProcess with known per-point noise', () => {
  const truth = (t: number): number => Math.sin(4 * t);
  const x = Array.from({ length: 15 }, (_, i) => [i / 14]);
  const clean = x.map((p) => truth(p[0]));
  const withOutlier = clean.slice();
  withOutlier[7] = 20;
  const at = [[0.5], [0.45]];

  it('barely moves the mean for a point with huge noise (variance 1e6): within 1e-3 of the truth at it', () => {
    const noiseVariances = clean.map((_, i) => (i === 7 ? 1e6 : 0));
    const gp = fitGaussianProcess(x, withOutlier, { rng: new SeededRng(1), noiseVariances });
    const p = gp.posterior(at);
    expect(Math.abs(p.mean[0] - truth(0.5))).toBeLessThan(1e-3);
    expect(Math.abs(p.mean[1] - truth(0.45))).toBeLessThan(1e-3);
  });

  it('is pulled far towards the outlier when the noise must be learned (mean above 2 at it)', () => {
    const gp = fitGaussianProcess(x, withOutlier, { rng: new SeededRng(1) });
    expect(gp.posterior(at).mean[0]).toBeGreaterThan(2);
  });
});

describe('gaussian process input checks', () => {
  const rng = new SeededRng(1);
  const good = [[0.1], [0.9]];
  it.each<[string, () => unknown, string]>([
    ['no training points', () => fitGaussianProcess([], [], { rng }), 'gaussian process: no training points'],
    ['more outputs than inputs', () => fitGaussianProcess(good, [1, 2, 3], { rng }), 'gaussian process: 2 inputs and 3 outputs'],
    ['an input outside the unit cube', () => fitGaussianProcess([[0.1], [2048]], [1, 2], { rng }), 'point 1 coordinate 0 is 2048, outside the unit cube'],
    ['a NaN output', () => fitGaussianProcess(good, [1, Number.NaN], { rng }), 'gaussian process: output 1 is NaN, must be finite'],
    ['a negative noise variance', () => fitGaussianProcess(good, [1, 2], { rng, noiseVariances: [0, -1] }), 'gaussian process: noise variance 1 is -1, must be finite and >= 0'],
    ['a short noise list', () => fitGaussianProcess(good, [1, 2], { rng, noiseVariances: [0] }), 'gaussian process: 2 outputs and 1 noise variances'],
    ['fractional restarts', () => fitGaussianProcess(good, [1, 2], { rng, restarts: 1.5 }), 'gaussian process: restarts must be a whole number >= 0, got 1.5'],
    ['zero iterations', () => fitGaussianProcess(good, [1, 2], { rng, maxIterations: 0 }), 'gaussian process: maxIterations must be a whole number >= 1, got 0'],
    [
      'a warm start of the wrong dimension',
      () => fitGaussianProcess(good, [1, 2], { rng, warmStart: defaultHyperparameters(3) }),
      'gaussian process: 3 lengthscales for dimension 1',
    ],
    [
      'a zero lengthscale',
      () => gaussianProcessWithHyperparameters(good, [1, 2], { lengthscales: [0], signalVariance: 1, noiseVariance: 0.1 }),
      'gaussian process: lengthscales must be finite and > 0, got 0',
    ],
    [
      'a negative noise hyperparameter',
      () => gaussianProcessWithHyperparameters(good, [1, 2], { lengthscales: [1], signalVariance: 1, noiseVariance: -0.1 }),
      'gaussian process: noise variance must be finite and > 0, got -0.1',
    ],
  ])('rejects %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  it.each<[string, number[][], string]>([
    ['a point outside the unit cube', [[1.5]], 'gaussian process posterior: point 0 coordinate 0 is 1.5, outside the unit cube'],
    ['a point of the wrong dimension', [[0.5, 0.5]], 'gaussian process posterior: point 0 has dimension 2, expected 1'],
  ])('posterior rejects %s', (_name, points, message) => {
    const gp = gaussianProcessWithHyperparameters(good, [1, 2], defaultHyperparameters(1));
    expect(() => gp.posterior(points)).toThrow(message);
  });
});
