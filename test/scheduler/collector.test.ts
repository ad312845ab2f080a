import { OpenWhiskPlatform } from '../../src/platform/openwhisk';
import type { ActivationPageQuery, CallControl, LimitsUpdate, OpenWhiskClientPort } from '../../src/platform/openwhisk-client-port';
import { PlatformError } from '../../src/platform/platform-error';
import { COLLECTOR_TICK_KIND, runCollector, type CollectorActed, type CollectorOptions, type CollectorSummary } from '../../src/scheduler/collector';
import type { CollectedActivation, CollectionWindow, CollectorPlatform } from '../../src/scheduler/collector-ports';
import { openWhiskCollectorPlatform } from '../../src/scheduler/openwhisk-collector-platform';
import { SchedulerError } from '../../src/scheduler/scheduler-error';
import type { Store } from '../../src/store/store';
import { at, logged, TestClock, unreachable, useTestStores } from './support/scheduler-fixtures';

const OPTIONS: CollectorOptions = { leaseMs: 60_000, managerPackage: 'aquatope', firstMinutes: 2, lookbackMinutes: 1, maxMinutes: 60 };

/** A finished action activation. */
function act(id: string, action: string, start: string, end: string | undefined, extra: Partial<CollectedActivation> = {}): CollectedActivation {
  return { activationId: id, action, kind: 'nodejs:20', startMs: at(start), endMs: end === undefined ? undefined : at(end), coldStart: false, warmup: false, success: true, memoryMB: undefined, ...extra };
}

/** Lists its activations by start time, recording each window asked for. */
class FakeActivations implements CollectorPlatform {
  readonly windows: CollectionWindow[] = [];
  constructor(
    public list: CollectedActivation[],
    readonly log: string[] = [],
  ) {}
  async activations(window: CollectionWindow): Promise<CollectedActivation[]> {
    this.log.push('platform.activations');
    this.windows.push(window);
    return this.list.filter((a) => a.startMs >= window.sinceMs && a.startMs <= window.uptoMs);
  }
}

const D = '2024-05-01T10:';
const ACTIVATIONS: CollectedActivation[] = [
  act('a0', '/g/a', '2024-05-01T09:59:30Z', `${D}00:15Z`),
  act('a1', '/g/a', `${D}00:10Z`, `${D}00:40Z`, { coldStart: true, memoryMB: 512 }),
  act('a2', '/g/a', `${D}00:20Z`, `${D}00:30Z`),
  act('a3', '/g/a', `${D}00:50Z`, `${D}01:20Z`, { memoryMB: 256 }),
  act('b1', '/g/b', `${D}01:00Z`, `${D}01:00.500Z`),
  act('m1', '/g/aquatope/forecaster', `${D}00:05Z`, `${D}00:06Z`),
  act('w1', '/g/a', `${D}00:01Z`, `${D}00:02Z`, { warmup: true }),
  act('t1', '/g/every-minute', `${D}00:00Z`, `${D}00:00Z`, { kind: undefined }),
  act('u1', '/g/b', `${D}01:30Z`, undefined),
  act('s1', '/g/wf', `${D}00:10Z`, `${D}00:45Z`, { kind: 'sequence' }),
  act('s2', '/g/wf', `${D}00:40Z`, `${D}00:58Z`, { kind: 'sequence', success: false }),
];

describe('runCollector', () => {
  const stores = useTestStores();
  let store: Store;
  beforeEach(async () => {
    store = await stores.store('collector');
  });

  async function tick(platform: CollectorPlatform, fireTime: string, options: CollectorOptions = OPTIONS, clock = new TestClock(at(fireTime) + 500)): Promise<CollectorSummary> {
    return runCollector({ fireTime, claimant: 'test', workflows: { wf: '/g/wf', other: 'g/other' } }, { store, platform, wallClock: clock }, options);
  }

  function acted(summary: CollectorSummary): CollectorActed {
    if ('skipped' in summary) throw new Error(`skipped: ${summary.skipped}`);
    return summary;
  }

  it('turns a small set of activations into per-function minutes with hand-computed counts, concurrency and durations', async () => {
    const platform = new FakeActivations(ACTIVATIONS);
    const summary = acted(await tick(platform, '2024-05-01T10:02:00Z'));
    // First tick: the 2 minutes before the fire time, listed from a minute earlier (concurrency of what runs into 10:00).
    expect(platform.windows).toEqual([{ sinceMs: at('2024-05-01T09:59:00Z'), uptoMs: at('2024-05-01T10:02:00Z') }]);
    expect(summary).toMatchObject({ start: 'first-tick', range: { from: '2024-05-01T10:00:00.000Z', to: '2024-05-01T10:02:00.000Z' }, missedMinutes: 0, tick: 'completed' });
    expect(summary.activations).toEqual({ listed: 11, counted: 7, manager: 1, warmups: 1, triggers: 1, unfinished: 1 });

    const m0 = await store.series.get('2024-05-01T10:00:00Z');
    expect(m0?.functions).toEqual([
      // a1, a2, a3 started in the minute (a1 cold); a0 ran into it until 10:00:15. Peak 2 (a0 + a1, then a1 + a2);
      // busy 15 + 30 + 10 + 10 s = 65 s of the minute; mean duration (30 + 10 + 30) / 3 s; the latest memory seen is a3's.
      { function: '/g/a', invocations: 3, coldStarts: 1, peakConcurrency: 2, meanConcurrency: 65 / 60, meanDurationMs: 70_000 / 3, memoryMB: 256 },
    ]);
    // The sequence is no function, but the workflow's top level: s1 succeeded after 35 s, s2 failed, both ended in 10:00.
    expect(m0?.workflows).toEqual([
      { workflow: 'other', invocations: 0, failures: 0, latenciesMs: [] },
      { workflow: 'wf', invocations: 2, failures: 1, latenciesMs: [35_000] },
    ]);
    const m1 = await store.series.get('2024-05-01T10:01:00Z');
    expect(m1?.functions).toEqual([
      // a3 runs on until 10:01:20: no invocation, but a busy container.
      { function: '/g/a', invocations: 0, coldStarts: 0, peakConcurrency: 1, meanConcurrency: 20 / 60, meanDurationMs: null, memoryMB: 256 },
      { function: '/g/b', invocations: 1, coldStarts: 0, peakConcurrency: 1, meanConcurrency: 0.5 / 60, meanDurationMs: 500 },
    ]);
    expect(summary.minutes).toEqual([
      { minute: '2024-05-01T10:00:00.000Z', functions: 1, invocations: 3, coldStarts: 1, workflowInvocations: 2, outcome: 'written' },
      { minute: '2024-05-01T10:01:00.000Z', functions: 2, invocations: 1, coldStarts: 0, workflowInvocations: 0, outcome: 'written' },
    ]);
  });

  it('a repeated tick does nothing: skipped, nothing listed, nothing written', async () => {
    const log: string[] = [];
    const platform = new FakeActivations(ACTIVATIONS, log);
    acted(await tick(platform, '2024-05-01T10:02:00Z'));
    const before = await store.series.range('2024-05-01T10:00:00Z', '2024-05-01T10:02:00Z');
    const again = await runCollector(
      { fireTime: '2024-05-01T10:02:00.000+00:00', claimant: 'again' },
      { store: { ticks: store.ticks, series: logged(store.series, 'series', log) }, platform, wallClock: new TestClock(at('2024-05-01T10:02:03Z')) },
      OPTIONS,
    );
    expect(again).toEqual({ fireTime: '2024-05-01T10:02:00.000Z', skipped: 'already-done' });
    expect(log).toEqual(['platform.activations']);
    expect(await store.series.range('2024-05-01T10:00:00Z', '2024-05-01T10:02:00Z')).toEqual(before);
    expect((await store.ticks.get(COLLECTOR_TICK_KIND, '2024-05-01T10:02:00Z'))?.doc.state).toBe('done');
  });

  it('the next tick starts at the cursor, computes the last minute again with the activations that ended since, and writes an idle minute with no function', async () => {
    const platform = new FakeActivations(ACTIVATIONS);
    acted(await tick(platform, '2024-05-01T10:02:00Z'));
    // Ended after the first tick: listed only now.
    platform.list = [...ACTIVATIONS.filter((a) => a.activationId !== 'u1'), act('u1', '/g/b', `${D}01:30Z`, `${D}01:31Z`, { coldStart: true })];
    const next = acted(await tick(platform, '2024-05-01T10:03:00Z'));
    expect(platform.windows[1]).toEqual({ sinceMs: at('2024-05-01T10:00:00Z'), uptoMs: at('2024-05-01T10:03:00Z') });
    expect(next).toMatchObject({ start: 'cursor', range: { from: '2024-05-01T10:01:00.000Z', to: '2024-05-01T10:03:00.000Z' } });
    expect(next.minutes.map((m) => [m.minute.slice(11, 16), m.invocations, m.coldStarts, m.outcome])).toEqual([
      ['10:01', 2, 1, 'written'],
      ['10:02', 0, 0, 'written'],
    ]);
    expect((await store.series.get('2024-05-01T10:01:00Z'))?.functions.find((f) => f.function === '/g/b')).toEqual({
      function: '/g/b', invocations: 2, coldStarts: 1, peakConcurrency: 1, meanConcurrency: 1.5 / 60, meanDurationMs: 750,
    });
    expect(await store.series.get('2024-05-01T10:02:00Z')).toEqual({
      minute: '2024-05-01T10:02:00.000Z',
      functions: [],
      workflows: [
        { workflow: 'other', invocations: 0, failures: 0, latenciesMs: [] },
        { workflow: 'wf', invocations: 0, failures: 0, latenciesMs: [] },
      ],
    });
    // The same activations again at a later tick: recomputed, nothing changed.
    const third = acted(await tick(platform, '2024-05-01T10:03:00.001Z'));
    expect(third.minutes.map((m) => m.outcome)).toEqual(['unchanged']);
  });

  it('after an outage it writes at most maxMinutes and says how many minutes were left unrecorded', async () => {
    await store.series.record('2024-05-01T09:50:00Z', []);
    const summary = acted(await tick(new FakeActivations([]), '2024-05-01T10:02:00Z', { ...OPTIONS, maxMinutes: 3 }));
    expect(summary).toMatchObject({ start: 'cursor', range: { from: '2024-05-01T09:59:00.000Z', to: '2024-05-01T10:02:00.000Z' }, missedMinutes: 8 });
    expect((await store.series.range('2024-05-01T09:50:00Z', '2024-05-01T10:05:00Z')).map((m) => m.minute.slice(11, 16))).toEqual(['09:50', '09:59', '10:00', '10:01']);
  });

  it('a fire time inside a minute collects up to that minute; a bad one is invalid-input', async () => {
    const summary = acted(await tick(new FakeActivations([]), '2024-05-01T10:02:40Z', { ...OPTIONS, firstMinutes: 1 }));
    expect(summary.range).toEqual({ from: '2024-05-01T10:01:00.000Z', to: '2024-05-01T10:02:00.000Z' });
    await expect(tick(new FakeActivations([]), 'noon')).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('"noon"') });
  });

  it('a store outage is store-unavailable and a platform failure platform-error, naming what the tick was doing', async () => {
    const down = runCollector({ fireTime: '2024-05-01T10:02:00Z', claimant: 't' }, { store: { ticks: unreachable(store.ticks), series: unreachable(store.series) }, platform: new FakeActivations([]), wallClock: new TestClock(0) }, OPTIONS);
    await expect(down).rejects.toBeInstanceOf(SchedulerError);
    await expect(down).rejects.toMatchObject({ code: 'store-unavailable', message: expect.stringMatching(/^claim the tick: /) });
    const failing: CollectorPlatform = { activations: () => Promise.reject(new PlatformError('server', 'list', 'activations', 'boom', 503, 5)) };
    await expect(tick(failing, '2024-05-01T10:02:00Z')).rejects.toMatchObject({ code: 'platform-error', message: expect.stringMatching(/^list the activations: list activations failed: HTTP 503/) });
  });
});

/** A client whose activation listing pages through `pages` (newest first), recording each query. */
class PagingClient implements OpenWhiskClientPort {
  readonly queries: ActivationPageQuery[] = [];
  constructor(private readonly records: unknown[]) {}
  listActivations(query: ActivationPageQuery, _control: CallControl): Promise<unknown> {
    this.queries.push(query);
    return Promise.resolve(this.records.slice(query.skip, query.skip + query.limit));
  }
  getActivation(): Promise<unknown> {
    return Promise.reject(new Error('unexpected'));
  }
  invokeAction(): Promise<unknown> {
    return Promise.reject(new Error('unexpected'));
  }
  fireTrigger(): Promise<unknown> {
    return Promise.reject(new Error('unexpected'));
  }
  getAction(): Promise<unknown> {
    return Promise.reject(new Error('unexpected'));
  }
  updateActionLimits(_name: string, _limits: LimitsUpdate): Promise<unknown> {
    return Promise.reject(new Error('unexpected'));
  }
}

describe('openWhiskCollectorPlatform', () => {
  const record = (id: string, start: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    activationId: id, name: 'resize', namespace: 'guest', start, end: start + 100, duration: 100, statusCode: 0,
    response: { status: 'success', success: true, result: {} },
    annotations: [{ key: 'path', value: 'guest/ml/resize' }, { key: 'kind', value: 'nodejs:20' }, { key: 'limits', value: { memory: 512, timeout: 60000 } }],
    ...extra,
  });

  it('reads every page of full records with upto fixed at the window end, and maps each record', async () => {
    const T = at('2024-05-01T10:00:00Z');
    const records = [
      record('e', T + 5000),
      record('d', T + 4000, { annotations: [{ key: 'path', value: 'guest/ml/resize' }, { key: 'kind', value: 'nodejs:20' }, { key: 'initTime', value: 120 }] }),
      record('c', T + 3000, { response: { status: 'success', success: true, result: { warmed: true } } }),
      record('b', T + 2000, { name: 'tick', annotations: [{ key: 'path', value: 'guest/tick' }] }),
      record('a', T + 1000, { end: undefined, duration: undefined, response: { status: 'application error', success: false, result: { error: 'x' } }, statusCode: 1 }),
    ];
    const client = new PagingClient(records);
    const platform = OpenWhiskPlatform.create({ apiHost: 'http://127.0.0.1:9', apiKey: 'u:k', env: {}, clientFactory: () => client });
    const out = await openWhiskCollectorPlatform(platform, { pageSize: 2 }).activations({ sinceMs: T, uptoMs: T + 60_000 });
    expect(client.queries.map((q) => [q.skip, q.limit, q.since, q.upto, q.docs])).toEqual([
      [0, 2, T, T + 60_000, true],
      [2, 2, T, T + 60_000, true],
      [4, 2, T, T + 60_000, true],
    ]);
    expect(out).toEqual([
      { activationId: 'e', action: '/guest/ml/resize', kind: 'nodejs:20', startMs: T + 5000, endMs: T + 5100, coldStart: false, warmup: false, success: true, memoryMB: 512 },
      { activationId: 'd', action: '/guest/ml/resize', kind: 'nodejs:20', startMs: T + 4000, endMs: T + 4100, coldStart: true, warmup: false, success: true, memoryMB: undefined },
      { activationId: 'c', action: '/guest/ml/resize', kind: 'nodejs:20', startMs: T + 3000, endMs: T + 3100, coldStart: false, warmup: true, success: true, memoryMB: 512 },
      { activationId: 'b', action: '/guest/tick', kind: undefined, startMs: T + 2000, endMs: T + 2100, coldStart: false, warmup: false, success: true, memoryMB: undefined },
      { activationId: 'a', action: '/guest/ml/resize', kind: 'nodejs:20', startMs: T + 1000, endMs: undefined, coldStart: false, warmup: false, success: false, memoryMB: 512 },
    ]);
  });
});
