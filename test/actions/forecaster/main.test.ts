import { main } from '../../../actions/forecaster';
import { startEmbeddedCouchDb, type EmbeddedCouchDb } from '../../../src/store/embedded-couchdb';
import type { FunctionMinute } from '../../../src/store/series-repository';
import { openStore, type Store } from '../../../src/store/store';
import { storeParamCases } from '../../support/store-param-cases';

const good = { fireTime: '2024-05-01T10:01:00Z', couchdbUrl: 'http://127.0.0.1:1' };

describe('forecaster main', () => {
  it.each([
    ['fireTime', { ...good, fireTime: 'soon' }, 'fireTime: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found "soon"'],
    ['fireTime', { ...good, fireTime: 42 }, 'fireTime: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found 42'],
    ['shard', { ...good, shard: 'first' }, 'shard: expected {index, count}, found "first"'],
    ['shard.index', { ...good, shard: { index: 2, count: 2 } }, 'shard.index: expected an integer in [0, 1], found 2'],
    ['shard.index', { ...good, shard: { count: 2 } }, 'shard.index: expected an integer in [0, 1], found nothing'],
    ['shard.count', { ...good, shard: { index: 0, count: 0 } }, 'shard.count: expected an integer in [1, 64], found 0'],
    ['shard.count', { ...good, shard: { index: 0, count: 65 } }, 'shard.count: expected an integer in [1, 64], found 65'],
    ['describeModel', { ...good, describeModel: 'yes' }, 'describeModel: expected true or false, found "yes"'],
    ['riskLevel', { ...good, riskLevel: 2 }, 'param riskLevel: expected a number strictly between 0 and 1, found 2'],
    ['forecastContextMinutes', { ...good, forecastContextMinutes: 10 }, 'param forecastContextMinutes: expected an integer >= 48 (minutes), found 10'],
    ['collectorLookbackMinutes', { ...good, collectorLookbackMinutes: 1.5 }, 'param collectorLookbackMinutes: expected an integer >= 0 (minutes), found 1.5'],
    ['couchdbUrl', { ...good, couchdbUrl: 'ftp://admin:secret@db' }, 'param couchdbUrl: expected an http:// or https:// CouchDB URL, found "ftp://admin:***@db"'],
    ['dbPrefix', { ...good, dbPrefix: 'Aquatope' }, 'param dbPrefix: expected a database prefix of a-z, 0-9, _ and -, starting with a letter, found "Aquatope"'],
  ])('a bad %s answers invalid-param naming it: %j', async (_param, params, message) => {
    expect(await main(params)).toEqual({ error: { code: 'invalid-param', message } });
  });

  storeParamCases(main, { fireTime: good.fireTime }, good);

  it('describeModel loads the committed model with the wasm backend and forecasts with it, no CouchDB needed', async () => {
    const result = await main({ describeModel: true });
    expect(result).toMatchObject({ loadedModel: { forecaster: 'aquatope', window: 48, horizon: 12, backend: 'wasm' } });
    if (!('loadedModel' in result)) throw new Error('no model');
    expect(result.loadedModel.dir.endsWith('models/default')).toBe(true);
    // A steady 20 a minute is forecast near 20.
    expect(result.loadedModel.selfTest.q50.every((q) => q >= 10 && q <= 30)).toBe(true);
  }, 60_000);
});

describe('forecaster main on the embedded CouchDB with the committed model', () => {
  const T0 = Date.parse('2024-05-01T10:00:00Z');
  const MIN = 60_000;
  let couch: EmbeddedCouchDb;
  let store: Store;

  const fn = (name: string, invocations: number): FunctionMinute => ({
    function: name, invocations, coldStarts: 0, peakConcurrency: invocations > 0 ? 1 : 0, meanConcurrency: invocations / 60, meanDurationMs: invocations > 0 ? 1000 : null,
  });

  beforeAll(async () => {
    couch = await startEmbeddedCouchDb({ storage: { kind: 'memory' } });
    store = await openStore({ url: couch.url, dbPrefix: 'forecaster_main_' });
    // 60 minutes before 10:00: a busy function (about 20 a minute), a sparse one (every 7 minutes) and a steady 2 a minute.
    for (let m = 60; m >= 1; m--) {
      const k = 60 - m;
      await store.series.record(new Date(T0 - m * MIN).toISOString(), [fn('/guest/busy', 18 + (k % 5)), fn('/guest/sparse', k % 7 === 0 ? 3 : 0), fn('/guest/steady', 2)]);
    }
  }, 60_000);

  afterAll(async () => {
    await couch.stop();
  });

  it('forecasts every function 12 minutes ahead at the stated levels, stores it, and a repeated tick stores nothing', async () => {
    const params = { fireTime: '2024-05-01T10:00:00Z', couchdbUrl: couch.url, dbPrefix: 'forecaster_main_', riskLevel: 0.97 };
    const result = await main(params);
    expect(result).toMatchObject({
      fireTime: '2024-05-01T10:00:00.000Z', fireTimeSource: 'param', shard: { index: 0, count: 1 }, firstMinute: '2024-05-01T10:00:00.000Z',
      model: 'aquatope', horizonMinutes: 12, levels: [0.05, 0.5, 0.9, 0.95, 0.97, 0.99], windowMinutes: 60, tooShort: false,
      functions: 3, forecast: 3, copied: 0, stored: 'created', tick: 'completed',
    });
    const stored = await store.forecasts.get('2024-05-01T10:00:00Z');
    expect(stored?.functions.map((f) => f.function)).toEqual(['/guest/busy', '/guest/sparse', '/guest/steady']);
    const busy = stored?.functions[0];
    expect(busy?.quantiles).toHaveLength(6);
    expect(busy?.mean).toHaveLength(12);
    // The busy function is forecast near its 18..22 a minute; the sparse one's median is 0.
    expect(busy?.quantiles[1].every((q) => q >= 10 && q <= 35)).toBe(true);
    expect(stored?.functions[1].quantiles[1].every((q) => q === 0)).toBe(true);
    expect(await main(params)).toEqual({ fireTime: '2024-05-01T10:00:00.000Z', shard: { index: 0, count: 1 }, skipped: 'already-done', fireTimeSource: 'param' });
  }, 60_000);

  it('the next minute copies the steady function\'s forecast (an identical window) and forecasts the others again; shards store their own documents', async () => {
    await store.series.record('2024-05-01T10:00:00Z', [fn('/guest/busy', 20), fn('/guest/sparse', 0), fn('/guest/steady', 2)]);
    await store.series.record('2024-05-01T10:01:00Z', [fn('/guest/busy', 19), fn('/guest/sparse', 0), fn('/guest/steady', 2)]);
    // A full context (48 minutes here) at both ticks: the steady function's window is the same minute by minute.
    const base = { couchdbUrl: couch.url, dbPrefix: 'forecaster_main_', riskLevel: 0.97, forecastContextMinutes: 48 };
    expect(await main({ ...base, fireTime: '2024-05-01T10:01:00Z' })).toMatchObject({ model: 'aquatope-context-48', windowMinutes: 48, functions: 3, forecast: 3, copied: 0 });
    expect(await main({ ...base, fireTime: '2024-05-01T10:02:00Z' })).toMatchObject({ windowMinutes: 48, functions: 3, forecast: 2, copied: 1 });
    const before = await store.forecasts.get('2024-05-01T10:01:00Z');
    const after = await store.forecasts.get('2024-05-01T10:02:00Z');
    expect(after?.functions[2]).toEqual(before?.functions[2]);
    expect(after?.functions[0]).not.toEqual(before?.functions[0]);

    const names: string[] = [];
    for (const index of [0, 1]) {
      const shard = await main({ fireTime: '2024-05-01T10:01:00Z', couchdbUrl: couch.url, dbPrefix: 'forecaster_main_', shard: { index, count: 2 } });
      expect(shard).toMatchObject({ shard: { index, count: 2 }, stored: 'created' });
      names.push(...((await store.forecasts.getShard('2024-05-01T10:01:00Z', { index, count: 2 }))?.functions ?? []).map((f) => f.function));
    }
    expect(names.sort()).toEqual(['/guest/busy', '/guest/sparse', '/guest/steady']);
  }, 60_000);
});
