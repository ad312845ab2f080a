import { hashString } from '../../src/core/rng';
import type { Forecaster } from '../../src/forecast/forecast-types';
import { worthCountLevel } from '../../src/pool/aquatope';
import type { MinuteCounts, SchedulerForecaster, SeriesCountsReader } from '../../src/scheduler/forecast-tick-ports';
import {
  expectedCount, forecasterTickKind, forecastLevels, forecastTickRng, FORECAST_LEVELS, inShard, runForecastTick, storedForecastLevels, WORTH_FORECAST_LEVELS,
  type ForecastTickActed, type ForecastTickOptions, type ForecastTickSummary,
} from '../../src/scheduler/forecast-tick';
import { levelIndex, mergeShards } from '../../src/scheduler/stored-forecast';
import type { ForecastShard } from '../../src/store/forecast-repository';
import type { Store } from '../../src/store/store';
import { FakeForecaster } from '../support/fake-forecasters';
import { at, logged, TestClock, unreachable, useTestStores } from './support/scheduler-fixtures';

const T = at('2024-05-01T10:00:00Z');
const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** Recorded minutes from counts per function: `series[fn][i]` is minute T - (n - i) minutes (ending just before T). */
class FakeSeries implements SeriesCountsReader {
  readonly calls: [string, string][] = [];
  readonly minutes = new Map<string, Map<string, number>>();

  /** Records `counts` for the minutes ending just before `endMs`. */
  add(fn: string, counts: readonly number[], endMs = T): this {
    counts.forEach((n, i) => {
      const key = iso(endMs - (counts.length - i) * MIN);
      const m = this.minutes.get(key) ?? new Map<string, number>();
      m.set(fn, n);
      this.minutes.set(key, m);
    });
    return this;
  }

  drop(ms: number): this {
    this.minutes.delete(iso(ms));
    return this;
  }

  async countsBetween(from: string, to: string): Promise<MinuteCounts[]> {
    this.calls.push([from, to]);
    return [...this.minutes.entries()]
      .filter(([m]) => m >= from && m < to)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([minute, counts]) => ({ minute, counts }));
  }
}

/** A fake whose q-quantile at step s is (last count + s) x (1 + q), deterministic; countsOnly when the window's last count is < 10. */
function fake(historyMinutes = 4, contextMinutes = 6): FakeForecaster & SchedulerForecaster {
  const f = new FakeForecaster('fake', historyMinutes, (c, s, q) => Math.round((c[c.length - 1] + s) * (1 + (q ?? 0))), contextMinutes);
  return Object.assign(f, { countsOnly: (counts: Float64Array) => counts[counts.length - 1] < 10 });
}

const OPTIONS: ForecastTickOptions = { leaseMs: 60_000, contextMinutes: 6, horizonMinutes: 3, levels: [0.9, 0.5] };

describe('runForecastTick', () => {
  const stores = useTestStores();
  let store: Store;
  beforeEach(async () => {
    store = await stores.store('forecast');
  });

  async function tick(series: SeriesCountsReader, forecaster: SchedulerForecaster, fireTime = '2024-05-01T10:00:00Z', shard?: ForecastShard, options = OPTIONS): Promise<ForecastTickSummary> {
    return runForecastTick({ fireTime, claimant: 'test', ...(shard === undefined ? {} : { shard }) }, { store, series, forecaster, wallClock: new TestClock(at(fireTime) + 1000) }, options);
  }

  function acted(s: ForecastTickSummary): ForecastTickActed {
    if ('skipped' in s) throw new Error(`skipped ${s.skipped}`);
    return s;
  }

  it('forecasts every function invoked in the window from its per-minute counts and stores the mean and quantiles', async () => {
    const series = new FakeSeries().add('/g/a', [1, 0, 2, 3, 0, 4, 5]).add('/g/b', [0, 0, 0, 0, 0, 0, 0]).add('/g/c', [0, 0, 0, 0, 0, 0, 2]);
    const forecaster = fake();
    const summary = acted(await tick(series, forecaster, '2024-05-01T10:00:30Z'));
    // contextMinutes + 1 minutes before the fire time's minute (the previous tick's window too).
    expect(series.calls).toEqual([[iso(T - 7 * MIN), iso(T)]]);
    // /g/b was never invoked: not forecast. Windows of 6 minutes, the first forecast minute is the fire time's minute.
    expect(forecaster.calls).toHaveLength(1);
    expect(forecaster.calls[0].counts).toEqual([[0, 2, 3, 0, 4, 5], [0, 0, 0, 0, 0, 2]]);
    expect(forecaster.calls[0].endMinutes).toEqual([T / MIN, T / MIN]);
    expect(forecaster.calls[0].horizon).toBe(3);
    expect(forecaster.calls[0].firstDraw).toBe(forecastTickRng('2024-05-01T10:00:00.000Z', { index: 0, count: 1 }).next());
    expect(summary).toMatchObject({ firstMinute: '2024-05-01T10:00:00.000Z', levels: [0.5, 0.9], windowMinutes: 6, tooShort: false, functions: 2, forecast: 2, copied: 0, stored: 'created', tick: 'completed' });
    const stored = await store.forecasts.get('2024-05-01T10:00:00Z');
    expect(stored).toEqual({
      firstMinute: '2024-05-01T10:00:00.000Z',
      horizonMinutes: 3,
      model: 'fake',
      levels: [0.5, 0.9],
      functions: [
        // q0.5 = round((5 + s) x 1.5), q0.9 = round((5 + s) x 1.9); the fake's distribution has those two points.
        { function: '/g/a', mean: [expect.any(Number), expect.any(Number), expect.any(Number)], quantiles: [[8, 9, 11], [10, 11, 13]] },
        { function: '/g/c', mean: [expect.any(Number), expect.any(Number), expect.any(Number)], quantiles: [[3, 5, 6], [4, 6, 8]] },
      ],
    });
    // The mean is the sum of P(count > k) up to the 0.9999-quantile.
    const fc = forecaster.forecast([{ counts: Float64Array.from([0, 2, 3, 0, 4, 5]), endMinute: 0 }], 3, forecastTickRng('x', { index: 0, count: 1 }));
    expect(stored?.functions[0].mean).toEqual([0, 1, 2].map((s) => expectedCount(fc, 0, s)));
  });

  it('a window shorter than the forecaster needs (after an unrecorded minute) forecasts nothing and stores an empty forecast', async () => {
    const series = new FakeSeries().add('/g/a', [1, 1, 1, 1, 1, 1, 1]).drop(T - 4 * MIN);
    const forecaster = fake();
    const summary = acted(await tick(series, forecaster));
    expect(summary).toMatchObject({ windowMinutes: 3, tooShort: true, functions: 0, forecast: 0 });
    expect(forecaster.calls).toEqual([]);
    expect((await store.forecasts.get('2024-05-01T10:00:00Z'))?.functions).toEqual([]);
  });

  it('a function whose window is identical to the previous tick\'s and forecast from the counts alone keeps its forecast, copied; every other is forecast again', async () => {
    // Minutes 09:52 to 09:59. /g/idle: 2 a minute all along (identical windows); /g/moving: changes; /g/busy: identical but
    // countsOnly false (last count >= 10). The tick of 09:59 reads 09:53-09:58, the one of 10:00 reads 09:54-09:59.
    const series = new FakeSeries().add('/g/idle', Array(8).fill(2)).add('/g/moving', [0, 1, 2, 3, 4, 5, 6, 7]).add('/g/busy', Array(8).fill(12));
    const forecaster = fake();
    acted(await tick(series, forecaster, '2024-05-01T09:59:00Z'));
    const second = acted(await tick(series, forecaster, '2024-05-01T10:00:00Z'));
    expect(second).toMatchObject({ functions: 3, forecast: 2, copied: 1 });
    expect(forecaster.calls[1].counts).toEqual([Array(6).fill(12), [2, 3, 4, 5, 6, 7]]);
    const before = await store.forecasts.get('2024-05-01T09:59:00Z');
    const after = await store.forecasts.get('2024-05-01T10:00:00Z');
    expect(after?.functions.find((f) => f.function === '/g/idle')).toEqual(before?.functions.find((f) => f.function === '/g/idle'));
    // Copying gives what forecasting again would: a fresh store forecasts it from scratch.
    const fresh = await stores.store('forecast-fresh');
    const again = await runForecastTick({ fireTime: '2024-05-01T10:00:00Z', claimant: 'x' }, { store: fresh, series, forecaster: fake(), wallClock: new TestClock(T) }, OPTIONS);
    expect(again).toMatchObject({ forecast: 3, copied: 0 });
    expect(await fresh.forecasts.get('2024-05-01T10:00:00Z')).toEqual(after);
  });

  it('shards partition the functions by name hash: every function in exactly one shard, each shard stored on its own and read back together', async () => {
    const series = new FakeSeries();
    const names = Array.from({ length: 20 }, (_, i) => `/guest/pkg/fn-${i}`);
    names.forEach((n, i) => series.add(n, Array(7).fill(i + 1)));
    const count = 3;
    const seen: string[] = [];
    for (let index = 0; index < count; index++) {
      const summary = acted(await tick(series, fake(), '2024-05-01T10:00:00Z', { index, count }));
      expect(summary.shard).toEqual({ index, count });
      const doc = await store.forecasts.getShard('2024-05-01T10:00:00Z', { index, count });
      expect(doc?.shard).toEqual({ index, count });
      for (const f of doc?.functions ?? []) {
        expect(hashString(f.function) % count).toBe(index);
        expect(inShard(f.function, { index, count })).toBe(true);
      }
      seen.push(...(doc?.functions ?? []).map((f) => f.function));
    }
    expect(seen.sort()).toEqual([...names].sort());
    expect(new Set(seen).size).toBe(names.length);
    expect(await store.forecasts.get('2024-05-01T10:00:00Z')).toBeUndefined();
    const merged = mergeShards(await store.forecasts.shardsAt('2024-05-01T10:00:00Z'));
    expect(merged?.shardCount).toBe(3);
    expect(merged?.missingShards).toEqual([]);
    expect([...(merged?.functions.keys() ?? [])].sort()).toEqual([...names].sort());
    expect(await store.forecasts.latestMinuteAtOrBefore('2024-05-01T10:05:00Z')).toBe('2024-05-01T10:00:00.000Z');
    // Each shard claims its own tick.
    expect((await store.ticks.get(forecasterTickKind({ index: 2, count: 3 }), '2024-05-01T10:00:00Z'))?.doc.state).toBe('done');
  });

  it('the same tick gives the same forecast (seeded by the fire time and the shard), and a repeated tick stores nothing', async () => {
    const series = new FakeSeries().add('/g/a', [3, 1, 4, 1, 5, 9, 2]);
    const draws: number[] = [];
    const random: Forecaster = new FakeForecaster('fake', 4, (c, s, q, draw) => Math.floor(draw * 100) + s + (q ?? 0) * 10 + c[0], 6);
    const forecaster = Object.assign(random, { countsOnly: () => false });
    acted(await tick(series, forecaster, '2024-05-01T10:00:00Z', { index: 0, count: 1 }));
    const other = await stores.store('forecast-again');
    await runForecastTick({ fireTime: '2024-05-01T10:00:00Z', claimant: 'y' }, { store: other, series, forecaster, wallClock: new TestClock(T) }, OPTIONS);
    expect(await other.forecasts.get('2024-05-01T10:00:00Z')).toEqual(await store.forecasts.get('2024-05-01T10:00:00Z'));
    draws.push(forecastTickRng('2024-05-01T10:00:00.000Z', { index: 0, count: 2 }).next(), forecastTickRng('2024-05-01T10:00:00.000Z', { index: 1, count: 2 }).next());
    expect(draws[0]).not.toBe(draws[1]);

    const log: string[] = [];
    const again = await runForecastTick(
      { fireTime: '2024-05-01T10:00:00Z', claimant: 'z' },
      { store: { ticks: store.ticks, forecasts: logged(store.forecasts, 'forecasts', log) }, series: logged(series, 'series', log), forecaster, wallClock: new TestClock(T + 5000) },
      OPTIONS,
    );
    expect(again).toEqual({ fireTime: '2024-05-01T10:00:00.000Z', shard: { index: 0, count: 1 }, skipped: 'already-done' });
    expect(log).toEqual([]);
  });

  it('stores the worth rule\'s levels only with a cold-start worth: every theta from 0.5 to 0.001 within 1.75 times the stored one read for it', () => {
    expect(storedForecastLevels(0.95, undefined)).toEqual([0.05, 0.5, 0.9, 0.95, 0.99]);
    expect(storedForecastLevels(0.97, undefined)).toEqual([0.05, 0.5, 0.9, 0.95, 0.97, 0.99]);
    const levels = storedForecastLevels(0.95, 260);
    expect(levels).toEqual(forecastLevels([...FORECAST_LEVELS, ...WORTH_FORECAST_LEVELS]));
    expect(levels).toHaveLength(FORECAST_LEVELS.length + WORTH_FORECAST_LEVELS.length);
    for (let theta = 0.5; theta >= 0.001; theta *= 0.97) {
      const read = levels[levelIndex(levels, 1 - theta)];
      expect(read).toBeGreaterThanOrEqual(1 - theta - 1e-9);
      expect(theta / (1 - read)).toBeLessThanOrEqual(1.75 + 1e-9);
    }
    // At 260 GB-s (theta = memory GB x 60 s / 260): 256 MB's 0.942 is read at 0.95, 128 MB's 0.971 at 0.975, 512 MB's 0.885 at 0.9.
    expect([256, 128, 512].map((mb) => levels[levelIndex(levels, worthCountLevel(mb, 260, 0.5))])).toEqual([0.95, 0.975, 0.9]);
  });

  it('levels are sorted and de-duplicated (the risk level joins the fixed ones); bad ones, shards and contexts are invalid-input', async () => {
    expect(forecastLevels([...FORECAST_LEVELS, 0.95, 0.999])).toEqual([0.05, 0.5, 0.9, 0.95, 0.99, 0.999]);
    expect(() => forecastLevels([0.5, 1])).toThrow('forecast levels: each must be strictly between 0 and 1, found 1');
    const series = new FakeSeries();
    await expect(tick(series, fake(), '2024-05-01T10:00:00Z', { index: 3, count: 3 })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('shard') });
    await expect(tick(series, fake(), '2024-05-01T10:00:00Z', undefined, { ...OPTIONS, contextMinutes: 3 })).rejects.toMatchObject({
      code: 'invalid-input', message: "contextMinutes: expected an integer >= 4 (the forecaster's historyMinutes), found 3",
    });
  });

  it('a forecaster failure is model-error; a store outage store-unavailable', async () => {
    const series = new FakeSeries().add('/g/a', Array(7).fill(1));
    const broken = Object.assign(new FakeForecaster('broken', 4, () => Number.NaN, 6), { countsOnly: () => false });
    await expect(tick(series, broken)).rejects.toMatchObject({ code: 'model-error', message: expect.stringContaining('forecast of /g/a: mean at step 0 is NaN') });
    const down = runForecastTick(
      { fireTime: '2024-05-01T10:01:00Z', claimant: 't' },
      { store: { ticks: unreachable(store.ticks), forecasts: store.forecasts }, series, forecaster: fake(), wallClock: new TestClock(T) },
      OPTIONS,
    );
    await expect(down).rejects.toMatchObject({ code: 'store-unavailable' });
  });
});
