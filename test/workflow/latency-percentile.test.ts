import { latencyPercentile, violationRate } from '../../src/workflow/latency-percentile';

describe('latencyPercentile', () => {
  it.each<[number[], number, number]>([
    // numpy.percentile values on the same samples.
    [[400, 100, 300, 200], 50, 250],
    [[100, 200, 300, 400], 95, 385],
    [[10, 20, 30, 40, 50], 90, 46],
    [[7], 95, 7],
    [[100, 200, 300, 400], 0, 100],
    [[100, 200, 300, 400], 100, 400],
  ])('of %j at %d is %d (linear between closest ranks)', (samples, p, expected) => {
    expect(latencyPercentile(samples, p)).toBeCloseTo(expected, 10);
  });

  it('is +Infinity when the percentile reaches a failed invocation, and finite when it does not', () => {
    // 20 samples, one failure: p95 sits at rank 18.05, between the 19th value and the failure.
    const samples = [...Array.from({ length: 19 }, (_, i) => 100 + i), Infinity];
    expect(latencyPercentile(samples, 95)).toBe(Infinity);
    expect(latencyPercentile(samples, 90)).toBeCloseTo(117.1, 10);
    expect(latencyPercentile([Infinity, Infinity], 50)).toBe(Infinity);
    expect(latencyPercentile([100, Infinity, 200], 50)).toBe(200);
  });

  it('does not reorder its input and is NaN for no samples', () => {
    const samples = [3, 1, 2];
    latencyPercentile(samples, 50);
    expect(samples).toEqual([3, 1, 2]);
    expect(latencyPercentile([], 95)).toBeNaN();
  });

  it.each([-1, 101, Number.NaN])('rejects percentile %d', (p) => {
    expect(() => latencyPercentile([1], p)).toThrow(`percentile must be in [0, 100], got ${p}`);
  });

  it('rejects NaN samples', () => {
    expect(() => latencyPercentile([1, Number.NaN], 50)).toThrow('latency samples must not be NaN');
  });
});

describe('violationRate', () => {
  it('counts samples above the target and every failure: 2 of 4', () => {
    expect(violationRate([900, 1000, 1001, Infinity], 1000)).toBe(0.5);
    expect(violationRate([], 1000)).toBeNaN();
  });
});
