import type { CountForecast, ForecastWindow } from '../../src/forecast/forecast-types';
import { ForecastMemo, forecastTickRng } from '../../src/pool/forecast-memo';
import { FakeForecaster, lastValueForecaster } from '../support/fake-forecasters';

/** A window over the minutes [endMinute - counts.length, endMinute), in a fresh array. */
function win(counts: number[], endMinute: number): ForecastWindow {
  return { counts: Float64Array.from(counts), endMinute };
}

/** Windows of two functions at tick `minute` (origin 100), from one series per function. */
function batch(minute: number, a: number[], b: number[]): ForecastWindow[] {
  return [win(a.slice(minute, minute + 3), 100 + minute + 3), win(b.slice(minute, minute + 3), 100 + minute + 3)];
}

const A = [1, 2, 3, 4, 5, 6];
const B = [0, 0, 7, 0, 0, 9];

describe('ForecastMemo', () => {
  it('returns the cached forecast for windows with equal counts, end minutes and keys, without running the forecaster', () => {
    const f = lastValueForecaster(3);
    const memo = new ForecastMemo(f, 5);
    const first = memo.forecast(0, batch(0, A, B), [0, 1], 4);
    // Fresh arrays with the same values: a second policy's own windows.
    const second = memo.forecast(0, batch(0, A, B), [0, 1], 4);
    expect(second).toBe(first);
    expect(f.calls).toHaveLength(1);
    expect([memo.hits, memo.misses]).toEqual([1, 1]);
    // point = last count, 0.9-quantile = last count x 1.9.
    expect([second.point(0, 0), second.quantile(0, 0, 0.9), second.point(1, 2)]).toEqual([3, 3 * 1.9, 7]);
  });

  it('caches one forecast per tick minute over overlapping windows', () => {
    const f = lastValueForecaster(3);
    const memo = new ForecastMemo(f, 5);
    const firstRun = [0, 1, 2, 3].map((m) => memo.forecast(m, batch(m, A, B), [0, 1], 2));
    const secondRun = [0, 1, 2, 3].map((m) => memo.forecast(m, batch(m, A, B), [0, 1], 2));
    expect(secondRun).toEqual(firstRun);
    secondRun.forEach((fc, i) => expect(fc).toBe(firstRun[i]));
    expect(f.calls).toHaveLength(4);
    expect(f.calls.map((c) => c.counts)).toEqual([
      [[1, 2, 3], [0, 0, 7]],
      [[2, 3, 4], [0, 7, 0]],
      [[3, 4, 5], [7, 0, 0]],
      [[4, 5, 6], [0, 0, 9]],
    ]);
  });

  const changes: [string, (w: ForecastWindow[]) => ForecastWindow[], number[], number][] = [
    ['one count differs', (w) => [win([1, 2, 4], 103), w[1]], [0, 1], 4],
    ['an end minute differs', (w) => [win([1, 2, 3], 104), w[1]], [0, 1], 4],
    ['a window is longer', (w) => [win([0, 1, 2, 3], 103), w[1]], [0, 1], 4],
    ['a window is missing', (w) => [w[0]], [0], 4],
    ['the keys differ', (w) => w, [0, 2], 4],
    ['the horizon differs', (w) => w, [0, 1], 5],
  ];
  it.each(changes)('recomputes when %s', (_what, change, keys, horizon) => {
    const f = lastValueForecaster(3);
    const memo = new ForecastMemo(f, 5);
    const first = memo.forecast(0, batch(0, A, B), [0, 1], 4);
    const other = memo.forecast(0, change(batch(0, A, B)), keys, horizon);
    expect(other).not.toBe(first);
    expect(f.calls).toHaveLength(2);
    expect([memo.hits, memo.misses]).toEqual([0, 2]);
  });

  it('computes a batch that contradicts earlier windows of the same keys every time, never from the cache', () => {
    const f = lastValueForecaster(3);
    const memo = new ForecastMemo(f, 5);
    memo.forecast(0, [win([1, 2, 3], 3)], [0], 2);
    // Minute 1's window says minute 1 had 9 invocations, minute 0's said 2.
    const contradicting = (): CountForecast => memo.forecast(1, [win([9, 3, 4], 4)], [0], 2);
    const a = contradicting();
    const b = contradicting();
    expect(b).not.toBe(a);
    expect(f.calls).toHaveLength(3);
    // The consistent window of minute 1 is computed once, then served from the cache.
    const c = memo.forecast(1, [win([2, 3, 4], 4)], [0], 2);
    expect(memo.forecast(1, [win([2, 3, 4], 4)], [0], 2)).toBe(c);
    expect(f.calls).toHaveLength(4);
  });

  it('draws each tick from a generator seeded by (seed, minute) only, whatever the order or number of callers', () => {
    const f1 = lastValueForecaster(3);
    const f2 = lastValueForecaster(3);
    const forward = new ForecastMemo(f1, 42);
    const backward = new ForecastMemo(f2, 42);
    for (const m of [0, 1, 2, 3]) forward.forecast(m, batch(m, A, B), [0, 1], 2);
    for (const m of [3, 2, 1, 0]) {
      backward.forecast(m, batch(m, A, B), [0, 1], 2);
      backward.forecast(m, batch(m, A, B), [0, 1], 2);
    }
    const expected = [0, 1, 2, 3].map((m) => forecastTickRng(42, m).next());
    expect(f1.calls.map((c) => c.firstDraw)).toEqual(expected);
    expect(f2.calls.map((c) => c.firstDraw)).toEqual([...expected].reverse());
    expect(new Set(expected).size).toBe(4);
    expect(forecastTickRng(43, 0).next()).not.toBe(expected[0]);
  });

  it.each([
    ['two keys for one window', [win([1, 2, 3], 3)], [0, 1], 'ForecastMemo: 2 keys for 1 windows'],
    ['a key twice in one batch', [win([1, 2, 3], 3), win([1, 2, 3], 3)], [4, 4], 'ForecastMemo: key 4 appears twice in one batch'],
  ])('rejects %s', (_what, windows, keys, message) => {
    const memo = new ForecastMemo(lastValueForecaster(3), 1);
    expect(() => memo.forecast(0, windows, keys, 2)).toThrow(new RangeError(message));
  });

  it('rejects a forecast of another shape than asked for', () => {
    const wrong = new FakeForecaster('wrong-shape', 3, () => 1);
    wrong.forecast = () => ({ windows: 1, horizon: 3, point: () => 1, quantile: () => 1, cdf: (_w, _s, k) => (k >= 1 ? 1 : 0) });
    const memo = new ForecastMemo(wrong, 1);
    expect(() => memo.forecast(0, [win([1, 2, 3], 3)], [0], 2)).toThrow('ForecastMemo: wrong-shape returned 1 windows x 3 steps for 1 windows x 2 steps');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('rejects the seed %p', (seed) => {
    expect(() => new ForecastMemo(lastValueForecaster(3), seed)).toThrow(`ForecastMemo: seed must be a finite number, got ${seed}`);
  });
});
