import { CouchServer, openDatabase } from '../../src/store/couch';
import { SERIES_INDEXES, SeriesRepository, seriesId, type FunctionMinute, type WorkflowMinute } from '../../src/store/series-repository';
import { MalformedDocumentError } from '../../src/store/store-error';
import { putRaw, startTestCouch, type TestCouch } from './support/test-couch';

const entry = (fn: string, invocations: number, extra: Partial<FunctionMinute> = {}): FunctionMinute => ({
  function: fn,
  invocations,
  coldStarts: 0,
  peakConcurrency: invocations > 0 ? 1 : 0,
  meanConcurrency: invocations * 0.01,
  meanDurationMs: invocations > 0 ? 600 : null,
  ...extra,
});

describe('SeriesRepository', () => {
  let couch: TestCouch;
  beforeAll(async () => {
    couch = await startTestCouch();
  });
  afterAll(() => couch.stop());

  async function open(label: string): Promise<{ series: SeriesRepository; db: string }> {
    const db = `${couch.prefix(label)}series`;
    return { series: new SeriesRepository(await openDatabase(new CouchServer({ url: couch.url }), db, SERIES_INDEXES)), db };
  }

  it('records a minute and reads it back with functions sorted by name', async () => {
    const { series } = await open('record');
    const result = await series.record('2024-05-01T10:00:00Z', [entry('/g/b', 3), entry('/g/a', 1, { coldStarts: 1, peakConcurrency: 1 })]);
    expect(result).toMatchObject({ outcome: 'written', created: true });
    expect(await series.get('2024-05-01T10:00:00.000Z')).toEqual({
      minute: '2024-05-01T10:00:00.000Z',
      functions: [entry('/g/a', 1, { coldStarts: 1, peakConcurrency: 1 }), entry('/g/b', 3)],
    });
  });

  it('a later pass replaces its functions\' entries, keeps the others, and the same entries again change nothing', async () => {
    const { series } = await open('merge');
    const minute = '2024-05-01T10:01:00Z';
    await series.record(minute, [entry('/g/a', 1), entry('/g/b', 2)]);
    expect(await series.record(minute, [entry('/g/b', 5), entry('/g/c', 1)])).toMatchObject({ outcome: 'written', created: false });
    expect((await series.get(minute))?.functions.map((f) => [f.function, f.invocations])).toEqual([['/g/a', 1], ['/g/b', 5], ['/g/c', 1]]);
    expect(await series.record(minute, [entry('/g/b', 5)])).toMatchObject({ outcome: 'unchanged' });
  });

  it('range returns the recorded minutes in [from, to), oldest first', async () => {
    const { series } = await open('range');
    for (const m of ['10:03', '10:00', '10:02', '10:05']) await series.record(`2024-05-01T${m}:00Z`, [entry('/g/a', 1)]);
    expect((await series.range('2024-05-01T10:00:00Z', '2024-05-01T10:05:00Z')).map((s) => s.minute)).toEqual([
      '2024-05-01T10:00:00.000Z', '2024-05-01T10:02:00.000Z', '2024-05-01T10:03:00.000Z',
    ]);
  });

  it('countsOf gives a count per minute: 0 where the function was absent, null where nobody recorded', async () => {
    const { series } = await open('counts');
    await series.record('2024-05-01T10:00:00Z', [entry('/g/a', 4)]);
    await series.record('2024-05-01T10:01:00Z', [entry('/g/b', 2)]);
    await series.record('2024-05-01T10:03:00Z', [entry('/g/a', 7)]);
    expect(await series.countsOf('/g/a', '2024-05-01T10:00:00Z', '2024-05-01T10:04:00Z')).toEqual([4, 0, null, 7]);
  });

  it('concurrent collectors recording different functions of one minute both land', async () => {
    const { series } = await open('concurrent');
    const minute = '2024-05-01T11:00:00Z';
    await Promise.all(['/g/a', '/g/b', '/g/c', '/g/d'].map((fn) => series.record(minute, [entry(fn, 1)], { maxAttempts: 10 })));
    expect((await series.get(minute))?.functions.map((f) => f.function)).toEqual(['/g/a', '/g/b', '/g/c', '/g/d']);
  });

  it('recordMinute also records workflows\' end-to-end latencies and functions\' memory, merged per name like functions', async () => {
    const { series } = await open('workflows');
    const minute = '2024-05-01T10:00:00Z';
    const wf = (workflow: string, latenciesMs: number[], failures = 0): WorkflowMinute => ({ workflow, invocations: latenciesMs.length + failures, failures, latenciesMs });
    await series.recordMinute(minute, { functions: [entry('/g/a', 2, { memoryMB: 512 })], workflows: [wf('ml', [900, 1200], 1)] });
    expect(await series.recordMinute(minute, { functions: [], workflows: [wf('social', [300]), wf('ml', [900, 1200], 1)] })).toMatchObject({ outcome: 'written' });
    expect(await series.get(minute)).toEqual({
      minute: '2024-05-01T10:00:00.000Z',
      functions: [entry('/g/a', 2, { memoryMB: 512 })],
      workflows: [wf('ml', [900, 1200], 1), wf('social', [300])],
    });
    expect(await series.recordMinute(minute, { functions: [entry('/g/a', 2, { memoryMB: 512 })], workflows: [wf('social', [300])] })).toMatchObject({ outcome: 'unchanged' });
    expect(await series.recordMinute(minute, { functions: [entry('/g/a', 2, { memoryMB: 1024 })] })).toMatchObject({ outcome: 'written' });
    await expect(series.recordMinute(minute, { functions: [], workflows: [{ workflow: 'ml', invocations: 1, failures: 0, latenciesMs: [] }] })).rejects.toThrow(
      new RangeError('cannot store series-minute series:2024-05-01T10:00:00.000Z: workflows[0].latenciesMs: expected 1 latencies (invocations - failures), found 0'),
    );
    await expect(series.recordMinute(minute, { functions: [], workflows: [wf('ml', [1]), wf('ml', [2])] })).rejects.toThrow(new RangeError('series 2024-05-01T10:00:00.000Z: workflow: "ml" appears twice'));
  });

  it('a minute stored before workflows and memory existed reads as it was, without them', async () => {
    const { series, db } = await open('old');
    await putRaw(couch.url, db, { _id: seriesId('2024-05-01T10:00:00Z'), docType: 'series-minute', minute: '2024-05-01T10:00:00.000Z', functions: [entry('/g/a', 1)] });
    const old = await series.get('2024-05-01T10:00:00Z');
    expect(old).toEqual({ minute: '2024-05-01T10:00:00.000Z', functions: [entry('/g/a', 1)] });
    expect(old !== undefined && 'workflows' in old).toBe(false);
    expect(old?.functions[0] !== undefined && 'memoryMB' in old.functions[0]).toBe(false);
  });

  it('latestMinuteAtOrBefore finds the newest recorded minute not after the given one', async () => {
    const { series } = await open('latest');
    expect(await series.latestMinuteAtOrBefore('2024-05-01T10:05:00Z')).toBeUndefined();
    for (const m of ['10:00', '10:02', '10:07']) await series.record(`2024-05-01T${m}:00Z`, []);
    expect(await series.latestMinuteAtOrBefore('2024-05-01T10:05:00Z')).toBe('2024-05-01T10:02:00.000Z');
    expect(await series.latestMinuteAtOrBefore('2024-05-01T10:07:00Z')).toBe('2024-05-01T10:07:00.000Z');
    expect(await series.latestMinuteAtOrBefore('2024-05-01T09:59:00Z')).toBeUndefined();
  });

  it.each([
    ['2024-05-01T10:00:30Z', [entry('/g/a', 1)], 'series minute: expected the start of a minute (seconds 0), found "2024-05-01T10:00:30Z"'],
    ['yesterday', [entry('/g/a', 1)], 'series minute: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:34:00Z, found "yesterday"'],
    ['2024-05-01T10:00:00Z', [entry('/g/a', 1), entry('/g/a', 2)], 'series 2024-05-01T10:00:00.000Z: function: "/g/a" appears twice'],
    ['2024-05-01T10:00:00Z', [entry('/g/a', -1)], 'cannot store series-minute series:2024-05-01T10:00:00.000Z: functions[0].invocations: expected an integer >= 0, found -1'],
    ['2024-05-01T10:00:00Z', [entry('/g/a', 2, { coldStarts: 3 })], 'cannot store series-minute series:2024-05-01T10:00:00.000Z: functions[0].coldStarts: expected an integer >= 0 and <= 2, found 3'],
    ['2024-05-01T10:00:00Z', [entry('/g/a', 0, { meanDurationMs: 5 })], 'cannot store series-minute series:2024-05-01T10:00:00.000Z: functions[0].meanDurationMs: expected null when invocations is 0'],
    ['2024-05-01T10:00:00Z', [entry('/g/a', 1, { meanConcurrency: Number.POSITIVE_INFINITY })], 'cannot store series-minute series:2024-05-01T10:00:00.000Z: functions[0].meanConcurrency: expected a finite number >= 0, found null'],
  ])('record(%p, %j) is a RangeError: %s', async (minute, functions, message) => {
    const { series } = await open('invalid');
    await expect(series.record(minute, functions)).rejects.toThrow(new RangeError(message));
  });

  it.each([
    ['unsorted functions', { functions: [entry('/g/b', 1), entry('/g/a', 1)] }, 'functions', 'expected functions sorted by name with no repeats, found "/g/a" at [1]'],
    ['a minute with seconds', { minute: '2024-05-01T10:00:01.000Z' }, 'minute', 'expected the start of a minute like 2024-05-01T12:34:00.000Z, found "2024-05-01T10:00:01.000Z"'],
    ['unsorted workflows', { workflows: [{ workflow: 'b', invocations: 0, failures: 0, latenciesMs: [] }, { workflow: 'a', invocations: 0, failures: 0, latenciesMs: [] }] }, 'workflows', 'expected workflows sorted by name with no repeats, found "a" at [1]'],
    ['a zero memoryMB', { functions: [{ ...entry('/g/a', 1), memoryMB: 0 }] }, 'functions[0].memoryMB', 'expected a finite number > 0, found 0'],
    ['a missing peakConcurrency', { functions: [{ function: '/g/a', invocations: 1, coldStarts: 0, meanConcurrency: 0, meanDurationMs: 1 }] }, 'functions[0].peakConcurrency', 'missing'],
  ])('a stored minute with %s is reported naming the doc id and field', async (_what, change, field, detail) => {
    const { series, db } = await open('malformed');
    const id = seriesId('2024-05-01T10:00:00Z');
    await putRaw(couch.url, db, { _id: id, docType: 'series-minute', minute: '2024-05-01T10:00:00.000Z', functions: [], ...change });
    await expect(series.get('2024-05-01T10:00:00Z')).rejects.toThrow(new MalformedDocumentError(id, field, detail));
  });
});
