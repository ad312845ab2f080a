import { levelIndex, mergeShards, StoredCountForecast } from '../../src/scheduler/stored-forecast';
import type { Forecast } from '../../src/store/forecast-repository';

const doc = (fns: string[], shard?: { index: number; count: number }): Forecast => ({
  firstMinute: '2024-05-01T10:00:00.000Z',
  horizonMinutes: 3,
  model: 'aquatope',
  levels: [0.5, 0.9, 0.99],
  functions: fns.map((f) => ({ function: f, mean: [1, 2, 3], quantiles: [[0, 1, 2], [2, 3, 4], [5, 6, 7]] })),
  ...(shard === undefined ? {} : { shard }),
});

describe('stored forecasts', () => {
  it('levelIndex picks the level asked for, else the smallest above it, else the largest', () => {
    expect(levelIndex([0.5, 0.9, 0.99], 0.9)).toBe(1);
    expect(levelIndex([0.5, 0.9, 0.99], 0.9 + 1e-12)).toBe(1);
    expect(levelIndex([0.5, 0.9, 0.99], 0.95)).toBe(2);
    expect(levelIndex([0.5, 0.9, 0.99], 0.999)).toBe(2);
  });

  it('a StoredCountForecast reads the stored quantiles offset steps on, with a lower-bound cdf', () => {
    const d = doc(['/g/a']);
    const f = new StoredCountForecast([{ entry: d.functions[0], levels: d.levels, horizonMinutes: 3 }], 1, 2);
    expect([f.windows, f.horizon]).toEqual([1, 2]);
    expect([f.quantile(0, 0, 0.5), f.quantile(0, 1, 0.9), f.quantile(0, 0, 0.95), f.point(0, 1)]).toEqual([1, 4, 6, 3]);
    // Step 0 here is stored step 1: q0.5 = 1, q0.9 = 3, q0.99 = 6.
    expect([f.cdf(0, 0, 0), f.cdf(0, 0, 1), f.cdf(0, 0, 3), f.cdf(0, 0, 6)]).toEqual([0, 0.5, 0.9, 0.99]);
    expect(() => new StoredCountForecast([{ entry: d.functions[0], levels: d.levels, horizonMinutes: 3 }], 2, 2)).toThrow(RangeError);
  });

  it('mergeShards uses the smallest complete shard count, else the fullest one with its missing shards', () => {
    const complete = mergeShards([doc(['/g/a'], { index: 0, count: 2 }), doc(['/g/b'], { index: 1, count: 2 }), doc(['/g/c'], { index: 0, count: 3 })]);
    expect(complete && { count: complete.shardCount, missing: complete.missingShards, fns: [...complete.functions.keys()] }).toEqual({ count: 2, missing: [], fns: ['/g/a', '/g/b'] });
    const unsharded = mergeShards([doc(['/g/a', '/g/b']), doc(['/g/a'], { index: 0, count: 2 })]);
    expect(unsharded?.shardCount).toBe(1);
    const partial = mergeShards([doc(['/g/a'], { index: 0, count: 4 }), doc(['/g/b'], { index: 3, count: 4 }), doc(['/g/c'], { index: 1, count: 2 })]);
    expect(partial && { count: partial.shardCount, missing: partial.missingShards, fns: [...partial.functions.keys()] }).toEqual({ count: 4, missing: [1, 2], fns: ['/g/a', '/g/b'] });
    expect(mergeShards([])).toBeUndefined();
  });
});
