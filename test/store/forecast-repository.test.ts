import { CouchServer, openDatabase } from '../../src/store/couch';
import { FORECAST_INDEXES, ForecastRepository, forecastId, type Forecast } from '../../src/store/forecast-repository';
import { MalformedDocumentError, StoreError } from '../../src/store/store-error';
import { putRaw, startTestCouch, type TestCouch } from './support/test-couch';

const forecast = (firstMinute: string, scale = 1): Forecast => ({
  firstMinute,
  horizonMinutes: 3,
  model: 'aquatope',
  levels: [0.5, 0.9],
  functions: [
    { function: '/g/a', mean: [1.5 * scale, 2, 2.5], quantiles: [[1, 2, 2], [3, 4, 5]] },
    { function: '/g/b', mean: [0, 0, 0.1], quantiles: [[0, 0, 0], [0, 0, 1]] },
  ],
});

describe('ForecastRepository', () => {
  let couch: TestCouch;
  beforeAll(async () => {
    couch = await startTestCouch();
  });
  afterAll(() => couch.stop());

  async function open(label: string): Promise<{ forecasts: ForecastRepository; db: string }> {
    const db = `${couch.prefix(label)}forecasts`;
    return { forecasts: new ForecastRepository(await openDatabase(new CouchServer({ url: couch.url }), db, FORECAST_INDEXES)), db };
  }

  it('saves a forecast once; saving it again is already-stored; a different one for that minute is a conflict', async () => {
    const { forecasts } = await open('save');
    const f = forecast('2024-05-01T10:00:00.000Z');
    expect((await forecasts.save(f)).outcome).toBe('created');
    expect((await forecasts.save(f)).outcome).toBe('already-stored');
    await expect(forecasts.save(forecast('2024-05-01T10:00:00.000Z', 2))).rejects.toBeInstanceOf(StoreError);
    expect(await forecasts.get('2024-05-01T10:00:00Z')).toEqual(f);
  });

  it('latestAtOrBefore finds the newest forecast not after the minute', async () => {
    const { forecasts } = await open('latest');
    for (const m of ['10:00', '10:01', '10:03']) await forecasts.save(forecast(`2024-05-01T${m}:00.000Z`));
    expect((await forecasts.latestAtOrBefore('2024-05-01T10:02:00Z'))?.firstMinute).toBe('2024-05-01T10:01:00.000Z');
    expect((await forecasts.latestAtOrBefore('2024-05-01T10:03:00Z'))?.firstMinute).toBe('2024-05-01T10:03:00.000Z');
    expect(await forecasts.latestAtOrBefore('2024-05-01T09:59:00Z')).toBeUndefined();
  });

  it('a sharded tick stores one document per shard; shardsAt reads them all, getShard one, and count 1 is the unsharded document', async () => {
    const { forecasts } = await open('shards');
    const m = '2024-05-01T10:00:00.000Z';
    expect(forecastId(m, { index: 1, count: 3 })).toBe('forecast:2024-05-01T10:00:00.000Z:shard-1-of-3');
    expect(forecastId(m, { index: 0, count: 1 })).toBe(forecastId(m));
    expect(() => forecastId(m, { index: 3, count: 3 })).toThrow(RangeError);
    const s0 = { ...forecast(m), shard: { index: 0, count: 2 } };
    const s1 = { ...forecast(m, 2), shard: { index: 1, count: 2 } };
    expect((await forecasts.save(s1)).stored.id).toBe('forecast:2024-05-01T10:00:00.000Z:shard-1-of-2');
    await forecasts.save(s0);
    await forecasts.save({ ...forecast('2024-05-01T10:01:00.000Z'), shard: { index: 0, count: 1 } });
    expect(await forecasts.get(m)).toBeUndefined();
    expect(await forecasts.getShard(m, { index: 1, count: 2 })).toEqual(s1);
    expect(await forecasts.shardsAt(m)).toEqual([s0, s1]);
    // Count 1 is stored without the field, as an unsharded forecast.
    expect(await forecasts.get('2024-05-01T10:01:00Z')).toEqual(forecast('2024-05-01T10:01:00.000Z'));
    expect(await forecasts.latestMinuteAtOrBefore('2024-05-01T10:00:00Z')).toBe(m);
    expect(await forecasts.latestMinuteAtOrBefore('2024-05-01T10:05:00Z')).toBe('2024-05-01T10:01:00.000Z');
    expect(await forecasts.latestMinuteAtOrBefore('2024-05-01T09:59:00Z')).toBeUndefined();
  });

  const bad = (change: Partial<Forecast>): Forecast => ({ ...forecast('2024-05-01T10:00:00.000Z'), ...change });
  const id = 'forecast:2024-05-01T10:00:00.000Z';
  it.each([
    [bad({ horizonMinutes: 0 }), `cannot store forecast ${id}: horizonMinutes: expected an integer >= 1, found 0`],
    [bad({ levels: [0.9, 0.5] }), `cannot store forecast ${id}: levels: expected strictly increasing levels, found 0.9 then 0.5`],
    [bad({ levels: [0.5, 1] }), `cannot store forecast ${id}: levels[1]: expected a finite number > 0 and < 1, found 1`],
    [bad({ functions: [{ function: '/g/a', mean: [1, 2], quantiles: [[1, 2, 2], [3, 4, 5]] }] }), `cannot store forecast ${id}: functions[0].mean: expected 3 values (horizonMinutes), found 2`],
    [bad({ functions: [{ function: '/g/a', mean: [1, 2, 3], quantiles: [[1, 2, 2]] }] }), `cannot store forecast ${id}: functions[0].quantiles: expected 2 rows (one per level), found 1`],
    [bad({ functions: [{ function: '/g/a', mean: [1, 2, 3], quantiles: [[1, 5, 2], [3, 4, 5]] }] }), `cannot store forecast ${id}: functions[0].quantiles: expected quantiles non-decreasing in level, found [0][1] = 5 > [1][1] = 4`],
    [bad({ functions: [{ function: '/g/a', mean: [-1, 2, 3], quantiles: [[1, 2, 2], [3, 4, 5]] }] }), `cannot store forecast ${id}: functions[0].mean[0]: expected a finite number >= 0, found -1`],
  ])('save(%j) is a RangeError: %s', async (f, message) => {
    const { forecasts } = await open('invalid');
    await expect(forecasts.save(f)).rejects.toThrow(new RangeError(message));
  });

  it('a stored shard whose index is out of range is reported naming the doc id and field', async () => {
    const { forecasts, db } = await open('malformed-shard');
    const f = forecast('2024-05-01T10:00:00.000Z');
    await putRaw(couch.url, db, { _id: forecastId(f.firstMinute, { index: 0, count: 2 }), docType: 'forecast', ...f, shard: { index: 2, count: 2 } });
    await expect(forecasts.shardsAt(f.firstMinute)).rejects.toThrow(new MalformedDocumentError('forecast:2024-05-01T10:00:00.000Z:shard-0-of-2', 'shard.index', 'expected an integer >= 0 and <= 1, found 2'));
  });

  it('a stored forecast with a repeated function is reported naming the doc id and field', async () => {
    const { forecasts, db } = await open('malformed');
    const f = forecast('2024-05-01T10:00:00.000Z');
    await putRaw(couch.url, db, { _id: forecastId(f.firstMinute), docType: 'forecast', ...f, functions: [f.functions[0], f.functions[0]] });
    await expect(forecasts.get(f.firstMinute)).rejects.toThrow(new MalformedDocumentError(id, 'functions', 'function "/g/a" appears twice (again at [1])'));
  });
});
