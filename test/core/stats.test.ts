import { quantileSorted } from '../../src/core/stats';

describe('quantileSorted (numpy / R type 7: linear between closest ranks)', () => {
  it.each([
    // [sorted, q, expected] — expected values as numpy.quantile(sorted, q) gives them.
    [[1, 2, 3, 4], 0, 1],
    [[1, 2, 3, 4], 0.25, 1.75],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4], 0.75, 3.25],
    [[1, 2, 3, 4], 0.99, 3.97],
    [[1, 2, 3, 4], 1, 4],
    [[10, 20, 30, 40, 50], 0.5, 30],
    [[10, 20, 30, 40, 50], 0.9, 46],
    [[10, 20, 30, 40, 50], 0.1, 14],
    [[0, 0, 0, 100], 0.5, 0],
    [[0, 0, 0, 100], 0.95, 85],
    [[-5, -1, 0, 2, 2, 9], 0.3, -0.5],
    [[7], 0, 7],
    [[7], 0.37, 7],
    [[7], 1, 7],
    [[3, 3], 0.5, 3],
  ])('quantileSorted(%j, %d) = %d', (sorted, q, expected) => {
    expect(quantileSorted(sorted, q)).toBeCloseTo(expected, 12);
  });

  it('gives the median of 1..101 exactly and the 99th percentile of 1..1000 as numpy does (990.01)', () => {
    const hundredOne = Array.from({ length: 101 }, (_, i) => i + 1);
    const thousand = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(quantileSorted(hundredOne, 0.5)).toBe(51);
    expect(quantileSorted(thousand, 0.99)).toBeCloseTo(990.01, 9);
  });

  it('accepts typed arrays', () => {
    expect(quantileSorted(Float64Array.from([1, 2, 3, 4]), 0.5)).toBe(2.5);
    expect(quantileSorted(Uint32Array.from([0, 10]), 0.25)).toBe(2.5);
  });

  it('returns NaN for an empty array', () => {
    expect(quantileSorted([], 0.5)).toBeNaN();
    expect(quantileSorted(new Float64Array(0), 0)).toBeNaN();
  });

  it.each([
    [-0.01, 'quantile: q must be in [0, 1], got -0.01'],
    [1.5, 'quantile: q must be in [0, 1], got 1.5'],
    [Number.NaN, 'quantile: q must be in [0, 1], got NaN'],
    [Number.POSITIVE_INFINITY, 'quantile: q must be in [0, 1], got Infinity'],
    [Number.NEGATIVE_INFINITY, 'quantile: q must be in [0, 1], got -Infinity'],
  ])('throws a RangeError for q = %d: %s', (q, message) => {
    // toThrow(error) compares the whole message; toThrow(RangeError) the class.
    expect(() => quantileSorted([1, 2, 3], q)).toThrow(RangeError);
    expect(() => quantileSorted([1, 2, 3], q)).toThrow(new RangeError(message));
  });
});
