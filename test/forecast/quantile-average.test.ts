import { SeededRng } from '../../src/core/rng';
import type { ForecastWindow } from '../../src/forecast/forecast-types';
import { QuantileAverageForecaster } from '../../src/forecast/quantile-average';
import { FakeForecaster } from '../support/fake-forecasters';

const win = (counts: readonly number[]): ForecastWindow => ({ counts: Float64Array.from(counts), endMinute: 60 });

/** a: q-quantile 10 q (point 5); b: every quantile 2 + the last count. */
function parts(): { a: FakeForecaster; b: FakeForecaster } {
  return {
    a: new FakeForecaster('a', 48, (_c, _s, q) => 10 * (q ?? 0.5)),
    b: new FakeForecaster('b', 12, (c) => 2 + c[c.length - 1], 1440),
  };
}

describe('QuantileAverageForecaster', () => {
  it('averages the two quantile functions with the weight: closed form', () => {
    const { a, b } = parts();
    const f = new QuantileAverageForecaster('v', a, b, 0.5);
    const r = f.forecast([win(new Array<number>(48).fill(0)), win(new Array<number>(48).fill(4))], 2, new SeededRng(1));
    // Window 0: Q(q) = 0.5 x 10 q + 0.5 x 2 = 5 q + 1; window 1: 5 q + 3.
    expect(r.quantile(0, 0, 0.9)).toBeCloseTo(5.5, 12);
    expect(r.quantile(1, 1, 0.99)).toBeCloseTo(7.95, 12);
    expect(r.point(0, 0)).toBeCloseTo(3.5, 12);
    // P(Y <= 3) of 5 q + 1: q = 0.4; below the lowest quantile, 0.
    expect(r.cdf(0, 0, 3)).toBeCloseTo(0.4, 8);
    expect(r.cdf(1, 0, 2)).toBe(0);
    expect(r.cdf(0, 0, -1)).toBe(0);
    expect(r.windows).toBe(2);
    expect(r.horizon).toBe(2);
  });

  it('is either part alone at weight 1 or 0', () => {
    const { a, b } = parts();
    const windows = [win(new Array<number>(48).fill(3))];
    expect(new QuantileAverageForecaster('v', a, b, 1).forecast(windows, 1, new SeededRng(1)).quantile(0, 0, 0.9)).toBeCloseTo(9, 12);
    expect(new QuantileAverageForecaster('v', a, b, 0).forecast(windows, 1, new SeededRng(1)).quantile(0, 0, 0.9)).toBe(5);
  });

  it('needs the longer history of its parts and reads the longer context', () => {
    const { a, b } = parts();
    const f = new QuantileAverageForecaster('v', a, b, 0.25);
    expect(f.historyMinutes).toBe(48);
    expect(f.contextMinutes).toBe(1440);
    expect(f.name).toBe('v');
  });

  it('passes the seeded generator on to its parts', () => {
    const { a, b } = parts();
    new QuantileAverageForecaster('v', a, b, 0.5).forecast([win(new Array<number>(48).fill(1))], 1, new SeededRng(5));
    const g = new SeededRng(5);
    expect(a.calls[0].firstDraw).toBe(g.next());
    expect(b.calls[0].firstDraw).toBe(g.next());
  });

  it.each([-0.1, 1.5, Number.NaN])('rejects a weight of %p', (w) => {
    const { a, b } = parts();
    expect(() => new QuantileAverageForecaster('v', a, b, w)).toThrow('weight must be in [0, 1]');
  });

  it('rejects a quantile level outside (0, 1)', () => {
    const { a, b } = parts();
    const r = new QuantileAverageForecaster('v', a, b, 0.5).forecast([win(new Array<number>(48).fill(1))], 1, new SeededRng(5));
    expect(() => r.quantile(0, 0, 1)).toThrow('q must be in (0, 1)');
  });
});
