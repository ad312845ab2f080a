import type { CountForecast } from '../../src/forecast/forecast-types';
import { cdfAt, expectedCoverage, ForecastAccumulator, pinball, type ForecastScores } from '../../src/forecast/metrics';

type Quantile = (q: number) => number;

/**
 * The quantile function of a discrete distribution given as steps [upTo, value]
 * (upTo ascending, the last 1): q -> the value of the first step with q <= upTo,
 * i.e. P(Y = value) = upTo - the previous upTo.
 */
function steps(...table: readonly (readonly [number, number])[]): Quantile {
  return (q) => {
    const step = table.find(([upTo]) => q <= upTo);
    if (step === undefined) throw new Error(`q ${q} past the last step`);
    return step[1];
  };
}

/** A forecast given cell by cell: cells[w][s] = [point, quantile function]. */
function tableForecast(cells: readonly (readonly (readonly [number, Quantile])[])[]): CountForecast {
  return { windows: cells.length, horizon: cells[0].length, point: (w, s) => cells[w][s][0], quantile: (w, s, q) => cells[w][s][1](q), cdf: (w, s, k) => cdfAt(cells[w][s][1], k, false) };
}

// wide: P(0) = 0.1, P(4) = 0.4, P(6) = 0.4, P(7) = 0.05, P(10) = 0.04, P(12) = 0.01; q05 0, q50 4, q90 6, q95 7, q99 10.
const wide = steps([0.1, 0], [0.5, 4], [0.9, 6], [0.95, 7], [0.99, 10], [1, 12]);
// narrow: P(0) = 0.05, P(2) = 0.45, P(3) = 0.45, P(5) = 0.04, P(6) = 0.01; q05 0, q50 2, q90 3, q95 3, q99 5.
const narrow = steps([0.05, 0], [0.5, 2], [0.95, 3], [0.99, 5], [1, 6]);
// Window 0: point 4 at both steps; window 1: point 2. Actuals: w0 = [5, 0], w1 = [8, unknown].
const forecast = tableForecast([
  [
    [4, wide],
    [4, wide],
  ],
  [
    [2, narrow],
    [2, narrow],
  ],
]);
const actuals = [
  [5, 0],
  [8, Number.NaN],
];
const actual = (w: number, s: number): number => actuals[w][s];

function expectScores(got: ForecastScores, want: ForecastScores): void {
  expect(got.cells).toBe(want.cells);
  for (const k of ['mae', 'rmse', 'coverage90Closed'] as const) expect(got[k]).toBeCloseTo(want[k], 12);
  // The PIT coverage rests on cdfAt's bisection, exact to 2^-30.
  expect(got.coverage90).toBeCloseTo(want.coverage90, 6);
  for (const k of ['q50', 'q90', 'q99'] as const) expect(got.pinball[k]).toBeCloseTo(want.pinball[k], 12);
}

/** P(Y = 0) = 0.7, P(Y = 1) = 0.2, P(Y = 2) = 0.1. */
const discrete: Quantile = (q) => (q <= 0.7 ? 0 : q <= 0.9 ? 1 : 2);
/** Exponential with rate 1: P(Y <= y) = 1 - e^-y. */
const exponential: Quantile = (q) => -Math.log1p(-q);

describe('cdfAt', () => {
  it.each([
    // [y, strict, P]: P(Y <= y), or P(Y < y) when strict.
    [1, false, 0.9],
    [1, true, 0.7],
    [0, false, 0.7],
    [2, true, 0.9],
    [0.5, false, 0.7],
    [0.5, true, 0.7],
  ])('of P(0) = 0.7, P(1) = 0.2, P(2) = 0.1 at y = %d (strict %s) is %d within 1e-6', (y, strict, p) => {
    expect(Math.abs(cdfAt(discrete, y, strict) - p)).toBeLessThan(1e-6);
  });

  it.each([
    [0, true, 0],
    [-1, false, 0],
    [2, false, 1],
    [3, true, 1],
  ])('is exactly 0 or 1 outside the support: y = %d, strict %s gives %d', (y, strict, p) => {
    expect(cdfAt(discrete, y, strict)).toBe(p);
  });

  it('finds a continuous cdf: strict or not, the same', () => {
    expect(Math.abs(cdfAt(exponential, 1, false) - (1 - Math.exp(-1)))).toBeLessThan(1e-6);
    expect(cdfAt(exponential, 1, true)).toBe(cdfAt(exponential, 1, false));
  });
});

describe('expectedCoverage', () => {
  it.each([
    // y = 0: [0, 0.7] ∩ [0.05, 0.95] = 0.65 of 0.7; y = 1: [0.7, 0.9] lies inside; y = 2: [0.9, 1] ∩ [0.05, 0.95] = 0.05 of 0.1.
    [0, 0.65 / 0.7],
    [1, 1],
    [2, 0.5],
    // Outside the support: P(Y < y) = P(Y <= y) = 1 (0 for y < 0), outside [0.05, 0.95].
    [3, 0],
    [-1, 0],
  ])('of [q0.05, q0.95] for P(0) = 0.7, P(1) = 0.2, P(2) = 0.1 and y = %d is %d', (y, coverage) => {
    expect(expectedCoverage(discrete, y, 0.05, 0.95)).toBeCloseTo(coverage, 6);
  });

  it('is 1 or 0 for a continuous forecast: whether P(Y <= y) lies in [lo, hi]', () => {
    expect(expectedCoverage(exponential, 1, 0.05, 0.95)).toBe(1);
    expect(expectedCoverage(exponential, 0.01, 0.05, 0.95)).toBe(0);
    expect(expectedCoverage(exponential, 5, 0.05, 0.95)).toBe(0);
  });

  it('averages to 0.9 for a calibrated discrete forecast, where the closed interval covers every observation', () => {
    // 70 zeros, 20 ones, 10 twos: exactly P(0) = 0.7, P(1) = 0.2, P(2) = 0.1.
    const acc = new ForecastAccumulator();
    for (const [y, n] of [[0, 70], [1, 20], [2, 10]]) for (let i = 0; i < n; i++) acc.addCell(0, y, 0.4, discrete);
    const scores = acc.scores();
    // (70 x 0.65 / 0.7 + 20 x 1 + 10 x 0.5) / 100 = (65 + 20 + 5) / 100. Closed: q05 = 0, q95 = 2 holds every y.
    expect(scores.coverage90).toBeCloseTo(0.9, 6);
    expect(scores.coverage90Closed).toBe(1);
  });

  it('averages to 0.9 when 97% of minutes are zero, where the closed interval [0, 0] covers 97%', () => {
    const mostlyZero: Quantile = (q) => (q <= 0.97 ? 0 : 1);
    const acc = new ForecastAccumulator();
    for (const [y, n] of [[0, 97], [1, 3]]) for (let i = 0; i < n; i++) acc.addCell(0, y, 0.03, mostlyZero);
    const scores = acc.scores();
    // Zeros: [0, 0.97] ∩ [0.05, 0.95] = 0.9 of 0.97; ones: [0.97, 1] lies above 0.95. 97 x 0.9 / 0.97 / 100 = 0.9.
    expect(scores.coverage90).toBeCloseTo(0.9, 6);
    expect(scores.coverage90Closed).toBeCloseTo(0.97, 12);
  });
});

describe('pinball', () => {
  it.each([
    // [q, y, yq, loss]: q * (y - yq) below the outcome, (1 - q) * (yq - y) above it.
    [0.9, 10, 8, 1.8],
    [0.9, 8, 10, 0.2],
    [0.5, 7, 2, 2.5],
    [0.5, 2, 7, 2.5],
    [0.5, 3, 3, 0],
    [0.99, 0, 1, 0.01],
    [0.99, 1, 0, 0.99],
    [0.01, 0, 1, 0.99],
    [0.05, 4, 0, 0.2],
  ])('pinball(%d, y = %d, yq = %d) = %d', (q, y, yq, loss) => {
    expect(pinball(q, y, yq)).toBeCloseTo(loss, 12);
  });
});

describe('ForecastAccumulator', () => {
  it('scores step 0 only by default: MAE, RMSE, pinball at 0.5 / 0.9 / 0.99 and 90% coverage by hand', () => {
    const acc = new ForecastAccumulator();
    acc.add(forecast, actual);
    // Errors 5 - 4 = 1 and 8 - 2 = 6. Pinball q50: 0.5 and 3; q90: 0.1 * 1 (above) and 0.9 * 5; q99: 0.01 * 5 and 0.99 * 3.
    // Closed interval: 0 <= 5 <= 7 yes, 0 <= 8 <= 3 no.
    // PIT: wide has no mass at 5, P(Y < 5) = P(Y <= 5) = 0.5 inside [0.05, 0.95]: 1; narrow below 8, P = 1: 0.
    expectScores(acc.scores(), {
      cells: 2,
      mae: 3.5,
      rmse: Math.sqrt(18.5),
      pinball: { q50: 1.75, q90: 2.3, q99: 1.51 },
      coverage90: 0.5,
      coverage90Closed: 0.5,
    });
    expect(acc.stepCount).toBe(1);
  });

  it('scores every step with a known actual when asked for all steps, skipping NaN actuals', () => {
    const acc = new ForecastAccumulator({ steps: 'all' });
    acc.add(forecast, actual);
    // The extra cell w0 s1: y = 0, point 4: error 4; pinball q50 2, q90 0.1 * 6, q99 0.01 * 10; inside the closed
    // interval (0 <= 0 <= 7); PIT: [P(Y < 0), P(Y <= 0)] = [0, 0.1], of which [0.05, 0.1] is inside [0.05, 0.95]: 0.5.
    expectScores(acc.scores(), {
      cells: 3,
      mae: 11 / 3,
      rmse: Math.sqrt(53 / 3),
      pinball: { q50: 5.5 / 3, q90: 5.2 / 3, q99: 3.12 / 3 },
      coverage90: 1.5 / 3,
      coverage90Closed: 2 / 3,
    });
    expectScores(acc.stepScores(0), {
      cells: 2,
      mae: 3.5,
      rmse: Math.sqrt(18.5),
      pinball: { q50: 1.75, q90: 2.3, q99: 1.51 },
      coverage90: 0.5,
      coverage90Closed: 0.5,
    });
    expectScores(acc.stepScores(1), { cells: 1, mae: 4, rmse: 4, pinball: { q50: 2, q90: 0.6, q99: 0.1 }, coverage90: 0.5, coverage90Closed: 1 });
  });

  it('adds cells one at a time with the same result as add()', () => {
    const acc = new ForecastAccumulator({ steps: 'all' });
    acc.addCell(0, 5, 4, (q) => forecast.quantile(0, 0, q));
    acc.addCell(0, 8, 2, (q) => forecast.quantile(1, 0, q));
    acc.addCell(1, 0, 4, (q) => forecast.quantile(0, 1, q));
    const viaAdd = new ForecastAccumulator({ steps: 'all' });
    viaAdd.add(forecast, actual);
    expect(acc.scores()).toEqual(viaAdd.scores());
  });

  it('accumulates over several forecasts and grows to the longest horizon', () => {
    const acc = new ForecastAccumulator({ steps: 'all' });
    acc.add(tableForecast([[[4, wide]]]), () => 5);
    expect(acc.stepCount).toBe(1);
    acc.add(forecast, actual);
    expect(acc.stepCount).toBe(2);
    expect(acc.stepScores(0).cells).toBe(3);
    expect(acc.stepScores(0).mae).toBeCloseTo((1 + 1 + 6) / 3, 12);
    expect(acc.stepScores(1).cells).toBe(1);
  });

  it('gives zero cells and NaN means before anything is scored, and for a step never scored', () => {
    const acc = new ForecastAccumulator({ steps: 'all' });
    const empty = acc.scores();
    expect(empty.cells).toBe(0);
    for (const x of [empty.mae, empty.rmse, empty.coverage90, empty.coverage90Closed, empty.pinball.q50, empty.pinball.q90, empty.pinball.q99]) expect(x).toBeNaN();
    acc.add(forecast, actual);
    expect(acc.stepScores(5).cells).toBe(0);
    expect(acc.stepScores(5).mae).toBeNaN();
  });

  it.each([
    ['a negative step', 'all', -1, 'step must be an integer >= 0, got -1'],
    ['a fractional step', 'all', 0.5, 'step must be an integer >= 0, got 0.5'],
    ['a NaN step', 'all', Number.NaN, 'step must be an integer >= 0, got NaN'],
    ['step 1 on a step-0 accumulator', 'first', 1, 'this accumulator scores step 0 only, got step 1'],
  ] as const)('addCell rejects %s with a RangeError', (_, steps, step, message) => {
    const acc = new ForecastAccumulator({ steps });
    expect(() => acc.addCell(step, 1, 1, () => 1)).toThrow(new RangeError(message));
  });

  it.each([
    [-1, 'step must be an integer >= 0, got -1'],
    [1.5, 'step must be an integer >= 0, got 1.5'],
  ])('stepScores(%d) throws a RangeError', (step, message) => {
    expect(() => new ForecastAccumulator().stepScores(step)).toThrow(new RangeError(message));
  });
});
