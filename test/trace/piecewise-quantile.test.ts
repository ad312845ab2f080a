import type { DurationModel } from '../../src/sim/workload';
import { ConstantDuration, PiecewiseQuantile } from '../../src/trace/piecewise-quantile';

/** Azure-2019-like percentiles: 0, 1, 25, 50, 75, 99, 100. */
const AZURE = new PiecewiseQuantile([0, 0.01, 0.25, 0.5, 0.75, 0.99, 1], [5, 10, 40, 100, 200, 1000, 3000]);

describe('PiecewiseQuantile.quantile', () => {
  it.each([
    [0, 5],
    [0.01, 10],
    [0.25, 40],
    [0.5, 100],
    [0.75, 200],
    [0.99, 1000],
    [1, 3000],
  ])('returns the given value at the point u = %d (%d)', (u, v) => {
    expect(AZURE.quantile(u)).toBeCloseTo(v, 9);
  });

  it.each([
    [0.005, 7.5], // halfway 0..0.01 -> halfway 5..10
    [0.13, 25], // halfway 0.01..0.25 -> halfway 10..40
    [0.3, 52], // 0.25 + 0.2*0.25 -> 40 + 0.2*60
    [0.625, 150], // halfway 0.5..0.75
    [0.87, 600], // halfway 0.75..0.99
    [0.995, 2000], // halfway 0.99..1
    [0.9999, 2980], // 99% of the way 0.99..1
  ])('interpolates linearly between points: quantile(%d) = %d', (u, v) => {
    expect(AZURE.quantile(u)).toBeCloseTo(v, 6);
  });

  it('is non-decreasing in u over a fine grid and stays within [first value, last value]', () => {
    let prev = -Infinity;
    const decreases: number[] = [];
    for (let i = 0; i <= 10_000; i++) {
      const u = i / 10_000;
      const v = AZURE.quantile(u);
      if (v < prev || v < 5 || v > 3000) decreases.push(u);
      prev = v;
    }
    expect(decreases).toEqual([]);
  });

  it('handles flat segments (repeated values) and a two-point table', () => {
    const flat = new PiecewiseQuantile([0, 0.5, 1], [100, 100, 300]);
    expect(flat.quantile(0)).toBe(100);
    expect(flat.quantile(0.25)).toBe(100);
    expect(flat.quantile(0.5)).toBe(100);
    expect(flat.quantile(0.75)).toBe(200);
    const two = new PiecewiseQuantile([0, 1], [0, 60]);
    expect(two.quantile(0.5)).toBe(30);
    expect(two.quantile(0.1)).toBeCloseTo(6, 12);
  });

  it('clamps u outside [0, 1] to the end values', () => {
    expect(AZURE.quantile(-0.5)).toBe(5);
    expect(AZURE.quantile(1.5)).toBe(3000);
  });
});

describe('PiecewiseQuantile.meanMs', () => {
  it('is the trapezoid sum over the segments of a known table', () => {
    // 0.5*(10+20)/2 + 0.4*(20+60)/2 + 0.1*(60+100)/2 = 7.5 + 16 + 8 = 31.5
    expect(new PiecewiseQuantile([0, 0.5, 0.9, 1], [10, 20, 60, 100]).meanMs).toBeCloseTo(31.5, 12);
    // Azure-like table: 0.01*7.5 + 0.24*25 + 0.25*70 + 0.25*150 + 0.24*600 + 0.01*2000 = 225.075
    expect(AZURE.meanMs).toBeCloseTo(225.075, 9);
  });

  it('equals the value of a constant table and the midpoint of a two-point table', () => {
    expect(new PiecewiseQuantile([0, 0.3, 1], [42, 42, 42]).meanMs).toBe(42);
    expect(new PiecewiseQuantile([0, 1], [100, 300]).meanMs).toBe(200);
  });

  it('matches the average of quantile(u) over a fine midpoint grid (the integral of the quantile function)', () => {
    const n = 100_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += AZURE.quantile((i + 0.5) / n);
    expect(sum / n).toBeCloseTo(AZURE.meanMs, 6);
  });
});

describe('PiecewiseQuantile constructor', () => {
  it.each([
    [[0, 1], [5], 'PiecewiseQuantile: need as many values as probabilities (at least 2), got 2 and 1'],
    [[0, 0.5, 1], [1, 2], 'PiecewiseQuantile: need as many values as probabilities (at least 2), got 3 and 2'],
    [[0], [5], 'PiecewiseQuantile: need as many values as probabilities (at least 2), got 1 and 1'],
    [[], [], 'PiecewiseQuantile: need as many values as probabilities (at least 2), got 0 and 0'],
    [[0.1, 1], [1, 2], 'PiecewiseQuantile: probabilities must run from 0 to 1, got 0.1..1'],
    [[0, 0.9], [1, 2], 'PiecewiseQuantile: probabilities must run from 0 to 1, got 0..0.9'],
    [[-0.1, 0.5, 1], [1, 2, 3], 'PiecewiseQuantile: probabilities must run from 0 to 1, got -0.1..1'],
    [[0, 0.5, 1.2], [1, 2, 3], 'PiecewiseQuantile: probabilities must run from 0 to 1, got 0..1.2'],
    [[0, 0.5, 0.5, 1], [1, 2, 3, 4], 'PiecewiseQuantile: probabilities must increase, got 0.5 then 0.5'],
    [[0, 0.6, 0.4, 1], [1, 2, 3, 4], 'PiecewiseQuantile: probabilities must increase, got 0.6 then 0.4'],
    [[0, Number.NaN, 1], [1, 2, 3], 'PiecewiseQuantile: probabilities must increase, got 0 then NaN'],
    [[0, 0.5, 1], [10, 5, 20], 'PiecewiseQuantile: values must not decrease, got 10 then 5 at p=0.5'],
    [[0, 0.5, 1], [10, 20, 19.5], 'PiecewiseQuantile: values must not decrease, got 20 then 19.5 at p=1'],
    [[0, 0.5, 1], [10, Number.NaN, 20], 'PiecewiseQuantile: values must not decrease, got 10 then NaN at p=0.5'],
    [[0, 1], [Number.NaN, 20], 'PiecewiseQuantile: values must not decrease, got NaN then 20 at p=1'],
  ])('rejects probabilities %j with values %j: %s', (probabilities, values, message) => {
    expect(() => new PiecewiseQuantile(probabilities, values)).toThrow(RangeError);
    expect(() => new PiecewiseQuantile(probabilities, values)).toThrow(new RangeError(message));
  });
});

describe('ConstantDuration', () => {
  it.each([0, 0.5, 0.999999])('returns its value at u = %d and as its mean', (u) => {
    const model: DurationModel = new ConstantDuration(123.5);
    expect(model.quantile(u)).toBe(123.5);
    expect(model.meanMs).toBe(123.5);
  });
});
