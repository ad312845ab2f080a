import type { CountForecast } from '../../src/forecast/forecast-types';
import { ForecastAccumulator, pinball, type ForecastScores } from '../../src/forecast/metrics';

/** Quantile values of one cell at the levels the accumulator asks for. */
type Levels = Readonly<Record<'0.05' | '0.5' | '0.9' | '0.95' | '0.99', number>>;

/** A forecast given cell by cell: cells[w][s] = [point, quantiles]. */
function tableForecast(cells: readonly (readonly (readonly [number, Levels])[])[]): CountForecast {
  const level = (w: number, s: number, q: number): number => {
    const key = String(q);
    const levels = cells[w][s][1];
    if (key === '0.05' || key === '0.5' || key === '0.9' || key === '0.95' || key === '0.99') return levels[key];
    throw new Error(`unexpected q ${q}`);
  };
  return { windows: cells.length, horizon: cells[0].length, point: (w, s) => cells[w][s][0], quantile: level };
}

const wide: Levels = { '0.05': 1, '0.5': 4, '0.9': 6, '0.95': 7, '0.99': 10 };
const narrow: Levels = { '0.05': 0, '0.5': 2, '0.9': 3, '0.95': 3, '0.99': 5 };
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
  for (const k of ['mae', 'rmse', 'coverage90'] as const) expect(got[k]).toBeCloseTo(want[k], 12);
  for (const k of ['q50', 'q90', 'q99'] as const) expect(got.pinball[k]).toBeCloseTo(want.pinball[k], 12);
}

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
    // Coverage: 1 <= 5 <= 7 yes, 0 <= 8 <= 3 no.
    expectScores(acc.scores(), {
      cells: 2,
      mae: 3.5,
      rmse: Math.sqrt(18.5),
      pinball: { q50: 1.75, q90: 2.3, q99: 1.51 },
      coverage90: 0.5,
    });
    expect(acc.stepCount).toBe(1);
  });

  it('scores every step with a known actual when asked for all steps, skipping NaN actuals', () => {
    const acc = new ForecastAccumulator({ steps: 'all' });
    acc.add(forecast, actual);
    // The extra cell w0 s1: y = 0, point 4: error 4; pinball q50 2, q90 0.1 * 6, q99 0.01 * 10; not covered (0 < 1).
    expectScores(acc.scores(), {
      cells: 3,
      mae: 11 / 3,
      rmse: Math.sqrt(53 / 3),
      pinball: { q50: 5.5 / 3, q90: 5.2 / 3, q99: 3.12 / 3 },
      coverage90: 1 / 3,
    });
    expectScores(acc.stepScores(0), { cells: 2, mae: 3.5, rmse: Math.sqrt(18.5), pinball: { q50: 1.75, q90: 2.3, q99: 1.51 }, coverage90: 0.5 });
    expectScores(acc.stepScores(1), { cells: 1, mae: 4, rmse: 4, pinball: { q50: 2, q90: 0.6, q99: 0.1 }, coverage90: 0 });
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
    for (const x of [empty.mae, empty.rmse, empty.coverage90, empty.pinball.q50, empty.pinball.q90, empty.pinball.q99]) expect(x).toBeNaN();
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
