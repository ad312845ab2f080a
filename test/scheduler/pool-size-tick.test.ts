import { AquatopePolicy, WORTH_POLICY_LEAST_LEVEL, worthHeadroomLevel, worthTheta } from '../../src/pool/aquatope';
import { containersNeeded, poissonQuantile } from '../../src/pool/container-sizing';
import { ForecastMemo } from '../../src/pool/forecast-memo';
import type { PoolControl } from '../../src/sim/policy';
import type { PoolPlatform, PrewarmOutcome, StemCellOutcome, StemCellPlatform, StemCellTarget } from '../../src/scheduler/pool-size-tick-ports';
import { RUNTIME_MANIFEST_TARGET } from '../../src/store/applied-action-repository';
import { StoreError } from '../../src/store/store-error';
import { POOL_SIZER_TICK_KIND, runPoolSizeTick, type PoolSizeTickActed, type PoolSizeTickOptions, type PoolSizeTickSummary } from '../../src/scheduler/pool-size-tick';
import { PlatformError } from '../../src/platform/platform-error';
import type { Forecast, FunctionForecast } from '../../src/store/forecast-repository';
import type { FunctionMinute } from '../../src/store/series-repository';
import type { Store } from '../../src/store/store';
import { stepForecaster } from '../support/fake-forecasters';
import { at, logged, TestClock, unreachable, useTestStores } from './support/scheduler-fixtures';

const T = at('2024-05-01T10:00:00Z');
const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const LEVELS = [0.5, 0.9, 0.95, 0.99];
const OPTIONS: PoolSizeTickOptions = { leaseMs: 60_000, riskLevel: 0.95, platformKeepAliveMinutes: 10, defaultMemoryMB: 256 };

/** A function's forecast whose quantile at level k and step s is `q95[s]` scaled: 0.5 -> half, 0.9 -> 0.8, 0.95 -> 1, 0.99 -> 1.5. */
function entry(fn: string, q95: readonly number[]): FunctionForecast {
  const scale = [0.5, 0.8, 1, 1.5];
  return { function: fn, mean: q95.map((v) => v * 0.6), quantiles: scale.map((k) => q95.map((v) => Math.round(v * k))) };
}

function forecastAt(firstMinute: string, functions: FunctionForecast[], shard?: { index: number; count: number }): Forecast {
  return { firstMinute, horizonMinutes: functions[0]?.mean.length ?? 3, model: 'aquatope', levels: LEVELS, functions, ...(shard === undefined ? {} : { shard }) };
}

function minute(fn: string, invocations: number, extra: Partial<FunctionMinute> = {}): FunctionMinute {
  return { function: fn, invocations, coldStarts: 0, peakConcurrency: invocations > 0 ? 1 : 0, meanConcurrency: 0.1, meanDurationMs: invocations > 0 ? 2000 : null, ...extra };
}

/** Prewarms by recording the calls; answers each warm-up warmed unless told otherwise. */
class FakePool implements PoolPlatform {
  readonly calls: [string, number][] = [];
  readonly failOn = new Set<string>();
  constructor(readonly log: string[] = []) {}
  async prewarm(action: string, count: number): Promise<PrewarmOutcome> {
    this.log.push(`platform.prewarm ${action} ${count}`);
    this.calls.push([action, count]);
    if (this.failOn.has(action)) throw new PlatformError('server', 'invoke', `action ${action}`, 'boom', 503, 5);
    return { warmed: count, failures: [] };
  }
}

/** The stem-cell path: kinds from a table, every target set (those of kinds in `missingKinds` skipped); records the calls. */
class FakeStemCells implements StemCellPlatform {
  readonly kindCalls: (readonly string[])[] = [];
  readonly setCalls: (readonly StemCellTarget[])[] = [];
  readonly missingKinds = new Set<string>();
  failSet = 0;
  constructor(readonly kinds: ReadonlyMap<string, string>, readonly log: string[] = []) {}
  async kindsOf(actions: readonly string[]): Promise<ReadonlyMap<string, string>> {
    this.log.push('platform.kindsOf');
    this.kindCalls.push(actions);
    return this.kinds;
  }
  async setStemCells(targets: readonly StemCellTarget[]): Promise<StemCellOutcome> {
    this.log.push('platform.setStemCells');
    this.setCalls.push(targets);
    if (this.failSet > 0) {
      this.failSet--;
      throw new PlatformError('server', 'set', 'runtime manifest at http://ctl/config/runtime', 'boom', 503, 5);
    }
    return {
      applied: targets.filter((t) => !this.missingKinds.has(t.kind)),
      skipped: targets.filter((t) => this.missingKinds.has(t.kind)).map((t) => ({ ...t, reason: `no runtime of kind ${t.kind}` })),
    };
  }
}

/** A pool whose warm-up path must not be used, with the stem-cell path. */
class StemCellPool extends FakePool {
  constructor(readonly stemCells: FakeStemCells, log: string[] = []) {
    super(log);
  }
}

/** The simulator policy's step-0 target for /g/a (512 MB, one 2 s run seen) under a step forecast of `perStep` at every level. */
function simulatorTarget(perStep: readonly number[], options: { readonly risk: number; readonly coldStartWorthGBs?: number }): number {
  const policy = new AquatopePolicy({ ...options, memo: new ForecastMemo(stepForecaster(2, perStep), 1), horizonMinutes: perStep.length, history: [Float64Array.from([1, 1])] });
  const control: PoolControl = { prewarm: () => undefined, cancelPrewarms: () => undefined, idleOrLoading: () => 0, keepIdle: () => undefined };
  policy.reset({ functionCount: 1, functionIds: ['/g/a'], memoryMB: Float64Array.from([512]), prewarmLoadMs: 0, minutes: 5 });
  policy.onInvocationEnd(0, 0, control, 2000);
  policy.onMinute(0, 0, control);
  return policy.containersNeeded(0, 0);
}

/**
 * What the simulator's policy needs at minute 0 for a function still in its
 * warm-up (fewer minutes of history than its forecaster's window): `history`
 * as the pre-run counts, `durationMs` as its run time.
 */
function simulatorWarmUpTarget(history: readonly number[], durationMs: number, memoryMB: number, options: { readonly risk: number; readonly headroomRisk?: number; readonly coldStartWorthGBs?: number }): number {
  const policy = new AquatopePolicy({ ...options, memo: new ForecastMemo(stepForecaster(history.length + 12, [0]), 1), horizonMinutes: 1, history: [Float64Array.from(history)] });
  const control: PoolControl = { prewarm: () => undefined, cancelPrewarms: () => undefined, idleOrLoading: () => 0, keepIdle: () => undefined };
  policy.reset({ functionCount: 1, functionIds: ['/g/w'], memoryMB: Float64Array.from([memoryMB]), prewarmLoadMs: 0, minutes: 5 });
  policy.onInvocationEnd(0, 0, control, durationMs);
  policy.onMinute(0, 0, control);
  return policy.containersNeeded(0, 0);
}

/** The same step forecast stored at one level, as the pool sizer reads it. */
function storedStepForecast(perStep: number[]): Forecast {
  return { firstMinute: '2024-05-01T10:00:00.000Z', horizonMinutes: perStep.length, model: 'aquatope', levels: [0.95], functions: [{ function: '/g/a', mean: perStep, quantiles: [perStep] }] };
}

describe('runPoolSizeTick', () => {
  const stores = useTestStores();
  let store: Store;
  beforeEach(async () => {
    store = await stores.store('pool');
  });

  async function tick(platform: PoolPlatform, options: PoolSizeTickOptions = OPTIONS, fireTime = '2024-05-01T10:00:00Z', clock = new TestClock(T + 2000), log?: string[]): Promise<PoolSizeTickSummary> {
    const s = log === undefined ? store : { ...store, poolDecisions: logged(store.poolDecisions, 'poolDecisions', log), appliedActions: logged(store.appliedActions, 'appliedActions', log) };
    return runPoolSizeTick({ fireTime, claimant: 'test' }, { store: s, platform, wallClock: clock }, options);
  }

  function acted(s: PoolSizeTickSummary): PoolSizeTickActed {
    if ('skipped' in s) throw new Error(`skipped ${s.skipped}`);
    return s;
  }

  /** 60 minutes of series before T: /g/a (2 s runs, 512 MB, peak 1 in the last 10 minutes), /g/new (no forecast). */
  async function seed(): Promise<void> {
    for (let m = 60; m >= 1; m--) {
      await store.series.record(iso(T - m * MIN), [minute('/g/a', 10, { memoryMB: 512, peakConcurrency: m <= 10 ? 1 : 3 }), minute('/g/new', 1)]);
    }
  }

  it('sizes the warm pool with the simulator policy\'s rule, stores the decision first, then prewarms the deficit and records it', async () => {
    await seed();
    await store.forecasts.save(forecastAt('2024-05-01T10:00:00.000Z', [entry('/g/a', [30, 30, 0])]));
    const log: string[] = [];
    const pool = new FakePool(log);
    const summary = acted(await tick(pool, OPTIONS, '2024-05-01T10:00:00Z', new TestClock(T + 2000), log));
    // 30 invocations (the 0.95-quantile) of 2 s: Little's law gives 1 busy on average; the 0.95-quantile of Poisson(1) is 3, plus the arriving one: 4.
    expect(poissonQuantile(1, 0.95)).toBe(3);
    expect(containersNeeded(30, 2000, 0.95)).toBe(4);
    const decision = await store.poolDecisions.get('2024-05-01T10:00:00Z');
    expect(decision).toEqual({
      minute: '2024-05-01T10:00:00.000Z',
      riskLevel: 0.95,
      forecastFirstMinute: '2024-05-01T10:00:00.000Z',
      functions: [
        // Peak concurrency 1 within the platform's 10-minute keep-alive: 3 to prewarm; steps 0 and 1 need containers, step 2 none.
        { function: '/g/a', warmContainers: 4, prewarm: 3, keepAliveMinutes: 2, memoryMB: 512 },
        // No forecast (less than one input window of history): the warm-up rule, its busiest minute (1 invocation
        // of 2 s) needs 1 container, which its peak concurrency already holds; the platform's keep-alive.
        { function: '/g/new', warmContainers: 1, prewarm: 0, keepAliveMinutes: 10, memoryMB: 256 },
      ],
    });
    // Read what was applied before, store the decision, and only then prewarm and record.
    expect(log).toEqual(['appliedActions.appliedSince', 'poolDecisions.save', 'appliedActions.get', 'platform.prewarm /g/a 3', 'appliedActions.record']);
    expect(await store.appliedActions.historyOf('/g/a')).toEqual([
      {
        action: '/g/a',
        at: '2024-05-01T10:00:00.000Z',
        change: { kind: 'prewarm', containers: 3, keepAliveMinutes: 10, warmed: 3 },
        reason: 'pool-sizer q0.95: 4 warm wanted, 1 estimated warm',
        tickId: `tick:${POOL_SIZER_TICK_KIND}:2024-05-01T10:00:00.000Z`,
      },
    ]);
    expect(summary).toMatchObject({
      minute: '2024-05-01T10:00:00.000Z', riskLevel: 0.95, functions: 2, forecastFunctions: 1, fallbackFunctions: 1, warmContainers: 5, estimatedWarm: 2,
      forecast: { firstMinute: '2024-05-01T10:00:00.000Z', ageMinutes: 0, shardCount: 1, missingShards: [], level: 0.95 },
      decision: 'created', prewarms: [{ function: '/g/a', containers: 3, warmed: 3, failures: [], outcome: 'applied' }], tick: 'completed',
    });
  });

  it('gives the same targets as the simulator\'s aquatope@<risk> policy for the same forecast and duration', async () => {
    const perStep = [30, 30, 0, 5, 200, 1];
    await seed();
    await store.forecasts.save(storedStepForecast(perStep));
    acted(await tick(new FakePool()));
    const target = (await store.poolDecisions.get('2024-05-01T10:00:00Z'))?.functions.find((f) => f.function === '/g/a');
    expect(target?.warmContainers).toBe(simulatorTarget(perStep, { risk: 0.95 }));
    expect(target?.keepAliveMinutes).toBe(2);
  });

  it('sizes the Poisson headroom at headroomRiskLevel, the count at riskLevel, as aquatope@<risk>/<headroomRisk> does', async () => {
    await seed();
    await store.forecasts.save(forecastAt('2024-05-01T10:00:00.000Z', [entry('/g/a', [30, 30, 0])]));
    acted(await tick(new FakePool(), { ...OPTIONS, headroomRiskLevel: 0.99999 }));
    // 30 invocations of 2 s: Poisson(1) busy, whose 0.99999-quantile is 8, plus the arriving one: 9 (4 at 0.95).
    expect(containersNeeded(30, 2000, 0.99999)).toBe(9);
    const target = (await store.poolDecisions.get('2024-05-01T10:00:00Z'))?.functions.find((f) => f.function === '/g/a');
    expect(target).toEqual({ function: '/g/a', warmContainers: 9, prewarm: 8, keepAliveMinutes: 2, memoryMB: 512 });
  });

  it('with a cold-start worth gives the same targets as the simulator\'s aquatope-worth@<GB-s> policy for the same forecast, duration and memory', async () => {
    const perStep = [30, 30, 0, 5, 200, 1];
    const worth = 300;
    await seed();
    await store.forecasts.save(storedStepForecast(perStep));
    const summary = acted(await tick(new FakePool(), { ...OPTIONS, coldStartWorthGBs: worth }));
    const target = (await store.poolDecisions.get('2024-05-01T10:00:00Z'))?.functions.find((f) => f.function === '/g/a');
    // 512 MB idle for a minute is 30 GB-s, a tenth of the worth: the headroom level of 30 invocations is 1 - 0.1 / sqrt(30).
    expect(worthTheta(512, worth)).toBeCloseTo(0.1, 12);
    expect(target?.warmContainers).toBe(containersNeeded(30, 2000, worthHeadroomLevel(0.1, 30, 0.5)));
    expect(target?.warmContainers).toBe(simulatorTarget(perStep, { risk: WORTH_POLICY_LEAST_LEVEL, coldStartWorthGBs: worth }));
    expect(target?.keepAliveMinutes).toBe(2);
    expect(summary).toMatchObject({ riskLevel: 0.5, coldStartWorthGBs: worth, forecast: { level: null } });
  });

  it('with a cold-start worth a big-memory function is sized at a lower quantile than a small one with the same forecast, and the decision records the worth', async () => {
    for (let m = 60; m >= 1; m--) {
      await store.series.record(iso(T - m * MIN), [minute('/g/big', 10, { memoryMB: 512 }), minute('/g/small', 10, { memoryMB: 128 })]);
    }
    await store.forecasts.save(forecastAt('2024-05-01T10:00:00.000Z', [entry('/g/big', [30, 30, 0]), entry('/g/small', [30, 30, 0])]));
    const summary = acted(await tick(new FakePool(), { ...OPTIONS, coldStartWorthGBs: 150 }));
    // theta: 512 MB x 60 s / 150 GB-s = 0.2, count level 0.8, read at the stored 0.9 (24 invocations); 128 MB: 0.05, level 0.95 (30).
    const big = containersNeeded(24, 2000, worthHeadroomLevel(0.2, 24, 0.5));
    const small = containersNeeded(30, 2000, worthHeadroomLevel(0.05, 30, 0.5));
    expect(big).toBeLessThan(small);
    const decision = await store.poolDecisions.get('2024-05-01T10:00:00Z');
    expect(decision).toMatchObject({ riskLevel: 0.5, coldStartWorthGBs: 150 });
    expect(decision?.functions.map((f) => [f.function, f.warmContainers, f.prewarm])).toEqual([['/g/big', big, big - 1], ['/g/small', small, small - 1]]);
    expect(summary.coldStartWorthGBs).toBe(150);
    expect((await store.appliedActions.historyOf('/g/big')).map((a) => a.reason)).toEqual([`pool-sizer worth 150 GB-s (q0.9 at 512 MB): ${big} warm wanted, 1 estimated warm`]);
    expect((await store.appliedActions.historyOf('/g/small')).map((a) => a.reason)).toEqual([`pool-sizer worth 150 GB-s (q0.95 at 128 MB): ${small} warm wanted, 1 estimated warm`]);
  });

  it('a repeated tick applies nothing again', async () => {
    await seed();
    await store.forecasts.save(forecastAt('2024-05-01T10:00:00.000Z', [entry('/g/a', [30, 30, 0])]));
    const pool = new FakePool();
    acted(await tick(pool));
    expect(await tick(pool, OPTIONS, '2024-05-01T10:00:00.000+00:00', new TestClock(T + 5000))).toEqual({ fireTime: '2024-05-01T10:00:00.000Z', skipped: 'already-done' });
    expect(pool.calls).toEqual([['/g/a', 3]]);
  });

  it('a tick re-claimed after a failed prewarm keeps the stored decision and sends only the prewarms not recorded yet', async () => {
    await seed();
    for (let m = 3; m >= 1; m--) await store.series.record(iso(T - m * MIN), [minute('/g/b', 5, { memoryMB: 128 })]);
    await store.forecasts.save(forecastAt('2024-05-01T10:00:00.000Z', [entry('/g/a', [30, 30, 0]), entry('/g/b', [60, 0, 0])]));
    const pool = new FakePool();
    pool.failOn.add('/g/b');
    await expect(tick(pool, { ...OPTIONS, prewarmParallelism: 1 })).rejects.toMatchObject({ code: 'platform-error', message: expect.stringMatching(/^prewarm \/g\/b: /) });
    pool.failOn.clear();
    // The lease (60 s) has run out: the tick is claimed again.
    const again = acted(await tick(pool, { ...OPTIONS, prewarmParallelism: 1 }, '2024-05-01T10:00:00Z', new TestClock(T + 70_000)));
    expect(again.decision).toBe('already-stored');
    expect(again.prewarms.map((p) => [p.function, p.outcome])).toEqual([['/g/a', 'already-applied'], ['/g/b', 'applied']]);
    // /g/b: 60 runs of 2 s, 2 busy on average, 0.95-quantile of Poisson(2) 5, plus one: 6, one warm.
    expect(pool.calls).toEqual([['/g/a', 3], ['/g/b', 5], ['/g/b', 5]]);
    expect((await store.appliedActions.historyOf('/g/b')).map((a) => a.change)).toEqual([{ kind: 'prewarm', containers: 5, keepAliveMinutes: 10, warmed: 5 }]);
  });

  it('counts the containers an earlier prewarm warmed within the keep-alive as warm', async () => {
    await seed();
    await store.appliedActions.record({ action: '/g/a', at: iso(T - 5 * MIN), change: { kind: 'prewarm', containers: 4, keepAliveMinutes: 10, warmed: 4 }, reason: 'earlier', tickId: null });
    await store.appliedActions.record({ action: '/g/a', at: iso(T - 11 * MIN), change: { kind: 'prewarm', containers: 9, keepAliveMinutes: 10, warmed: 9 }, reason: 'expired', tickId: null });
    await store.forecasts.save(forecastAt('2024-05-01T10:00:00.000Z', [entry('/g/a', [30, 30, 0])]));
    const pool = new FakePool();
    const summary = acted(await tick(pool));
    expect(summary.prewarms).toEqual([]);
    expect(pool.calls).toEqual([]);
    expect((await store.poolDecisions.get('2024-05-01T10:00:00Z'))?.functions[0]).toMatchObject({ function: '/g/a', warmContainers: 4, prewarm: 0 });
  });

  it('stops prewarming at 80% of the cluster memory, the functions likeliest to be invoked first', async () => {
    await seed();
    // /g/x is certain to be invoked (q0.5 > 0), /g/y only at the tail (q0.5 = 0): /g/x goes first.
    await store.forecasts.save({
      firstMinute: '2024-05-01T10:00:00.000Z', horizonMinutes: 2, model: 'aquatope', levels: LEVELS,
      functions: [
        { function: '/g/x', mean: [20, 20], quantiles: [[10, 10], [20, 20], [30, 30], [40, 40]] },
        { function: '/g/y', mean: [1, 1], quantiles: [[0, 0], [0, 0], [30, 30], [40, 40]] },
        // Forecast idle: it needs nothing beyond what it holds (not the warm-up rule).
        { function: '/g/a', mean: [0, 0], quantiles: [[0, 0], [0, 0], [0, 0], [0, 0]] },
      ],
    });
    // Warm now: /g/a 1 x 512 + /g/new 1 x 256 = 768 MB; budget 0.8 x 2,560 = 2,048 MB: room for 5 of 256 MB.
    const summary = acted(await tick(new FakePool(), { ...OPTIONS, clusterMemoryMB: 2560 }));
    const decision = await store.poolDecisions.get('2024-05-01T10:00:00Z');
    const need = containersNeeded(30, 1000, 0.95);
    expect(need).toBe(3);
    expect(decision?.functions.filter((f) => f.function.startsWith('/g/x') || f.function.startsWith('/g/y')).map((f) => [f.function, f.warmContainers, f.prewarm])).toEqual([
      ['/g/x', 3, 3],
      ['/g/y', 3, 2],
    ]);
    expect(summary.budgetCapped).toBe(1);
  });

  it('reads a forecast made earlier that many steps on, merges its shards and says which are missing', async () => {
    await seed();
    await store.forecasts.save(forecastAt('2024-05-01T09:58:00.000Z', [entry('/g/a', [0, 0, 30, 30])], { index: 0, count: 3 }));
    await store.forecasts.save(forecastAt('2024-05-01T09:58:00.000Z', [entry('/g/c', [0, 0, 0, 60])], { index: 2, count: 3 }));
    const summary = acted(await tick(new FakePool()));
    expect(summary.forecast).toEqual({ firstMinute: '2024-05-01T09:58:00.000Z', ageMinutes: 2, shardCount: 3, missingShards: [1], level: 0.95 });
    const decision = await store.poolDecisions.get('2024-05-01T10:00:00Z');
    expect(decision?.forecastFirstMinute).toBe('2024-05-01T09:58:00.000Z');
    expect(decision?.functions.map((f) => [f.function, f.warmContainers, f.keepAliveMinutes])).toEqual([
      ['/g/a', 4, 2],
      ['/g/c', 0, 1],
      // In the missing shard: the warm-up rule (busiest minute 1 invocation: 1 container).
      ['/g/new', 1, 10],
    ]);
  });

  it('without any forecast every function falls back; a forecast older than its horizon is not used', async () => {
    await seed();
    await store.forecasts.save(forecastAt('2024-05-01T09:50:00.000Z', [entry('/g/a', [30, 30, 30])]));
    const summary = acted(await tick(new FakePool()));
    // The warm-up rule: /g/a's busiest minute (10 invocations of 2 s) needs 2 containers, its peak 1 holds one: 1 prewarmed.
    expect(containersNeeded(10, 2000, 0.95)).toBe(2);
    expect(summary).toMatchObject({ forecast: null, forecastFunctions: 0, fallbackFunctions: 2, prewarms: [{ function: '/g/a', containers: 1, warmed: 1, failures: [], outcome: 'applied' }] });
    const decision = await store.poolDecisions.get('2024-05-01T10:00:00Z');
    expect(decision?.forecastFirstMinute).toBeNull();
    expect(decision?.functions.map((f) => [f.function, f.warmContainers, f.prewarm, f.keepAliveMinutes])).toEqual([
      ['/g/a', 2, 1, 10],
      ['/g/new', 1, 0, 10],
    ]);
  });

  it('sizes a function in its warm-up from its busiest minute at the headroom level (the worth rule\'s with a worth), as the simulator policy\'s warm-up does', async () => {
    // 48 minutes of a function that is not forecast yet: 3 invocations a minute, 40 in the busiest, 1.5 s runs, none warm now.
    for (let m = 48; m >= 1; m--) await store.series.record(iso(T - m * MIN), [minute('/g/w', m === 30 ? 40 : 3, { meanDurationMs: 1500, memoryMB: 1024, peakConcurrency: m <= 10 ? 0 : 2 })]);
    const worth = 500;
    const history = Array.from({ length: 48 }, (_, i) => (48 - i === 30 ? 40 : 3));
    let run = 0;
    for (const [options, headroom, policy] of [
      [OPTIONS, 0.95, { risk: 0.95 }],
      [{ ...OPTIONS, headroomRiskLevel: 0.999 }, 0.999, { risk: 0.95, headroomRisk: 0.999 }],
      [{ ...OPTIONS, coldStartWorthGBs: worth }, worthHeadroomLevel(worthTheta(1024, worth), 40, WORTH_POLICY_LEAST_LEVEL), { risk: WORTH_POLICY_LEAST_LEVEL, coldStartWorthGBs: worth }],
    ] as const) {
      const fresh = await stores.store(`pool-warm-up-${run++}`);
      const summary = acted(await runPoolSizeTick({ fireTime: '2024-05-01T10:00:00Z', claimant: 'test' }, { store: { ...fresh, series: store.series }, platform: new FakePool(), wallClock: new TestClock(T + 2000) }, options));
      const expected = containersNeeded(40, 1500, headroom);
      expect(expected).toBeGreaterThan(1);
      // The simulator's policy in its warm-up, on the same 48 minutes, needs the same.
      expect(simulatorWarmUpTarget(history, 1500, 1024, policy)).toBe(expected);
      expect((await fresh.appliedActions.historyOf('/g/w')).map((a) => a.reason)).toEqual([`pool-sizer warm-up rule (no forecast: its busiest series minute): ${expected} warm wanted, 0 estimated warm`]);
      expect(summary.prewarms).toEqual([{ function: '/g/w', containers: expected, warmed: expected, failures: [], outcome: 'applied' }]);
      expect((await fresh.poolDecisions.get('2024-05-01T10:00:00Z'))?.functions).toEqual([{ function: '/g/w', warmContainers: expected, prewarm: expected, keepAliveMinutes: 10, memoryMB: 1024 }]);
    }
  });

  describe('in prewarm mode runtime-manifest', () => {
    const MANIFEST: PoolSizeTickOptions = { ...OPTIONS, prewarmMode: 'runtime-manifest' };

    /** /g/a (512 MB, nodejs:20 by the platform), /g/b and /g/c (no series: 256 MB; /g/b python:3, /g/c unknown: the default kind), /g/z (no need, nodejs:20). */
    async function seedForecast(): Promise<void> {
      await seed();
      await store.forecasts.save(forecastAt('2024-05-01T10:00:00.000Z', [entry('/g/a', [30, 30, 0]), entry('/g/b', [60, 60, 0]), entry('/g/c', [30, 0, 0]), entry('/g/z', [0, 0, 0])]));
    }
    const KINDS = new Map([['/g/a', 'nodejs:20'], ['/g/b', 'python:3'], ['/g/z', 'nodejs:20']]);

    it('sums the per-function prewarms per (kind, memory), sets them in ONE port call after storing the decision, and records the change', async () => {
      await seedForecast();
      const log: string[] = [];
      const cells = new FakeStemCells(KINDS, log);
      const pool = new StemCellPool(cells, log);
      const summary = acted(await tick(pool, { ...MANIFEST, defaultRuntimeKind: 'nodejs:18' }, '2024-05-01T10:00:00Z', new TestClock(T + 2000), log));
      const decision = await store.poolDecisions.get('2024-05-01T10:00:00Z');
      const prewarmOf = (fn: string): number => decision?.functions.find((f) => f.function === fn)?.prewarm ?? -1;
      // /g/a as in warm-up mode: 4 wanted, 1 warm. /g/b, /g/c: no series, the policy's 1,000 ms: 60 a minute is 1 busy on average: 3 + 1; 30 a minute 0.5: 2 + 1.
      expect([containersNeeded(60, 1000, 0.95), containersNeeded(30, 1000, 0.95)]).toEqual([4, 3]);
      expect(['/g/a', '/g/b', '/g/c', '/g/new', '/g/z'].map(prewarmOf)).toEqual([3, 4, 3, 0, 0]);
      const targets = [
        { kind: 'nodejs:18', memoryMB: 256, count: 3 },
        { kind: 'nodejs:20', memoryMB: 256, count: 0 },
        { kind: 'nodejs:20', memoryMB: 512, count: 3 },
        { kind: 'python:3', memoryMB: 256, count: 4 },
      ];
      // The functions concerned: those sized from the forecast (/g/new is on the fallback: its stem cells are left as they are).
      expect(cells.kindCalls).toEqual([['/g/a', '/g/b', '/g/c', '/g/z']]);
      expect(cells.setCalls).toEqual([targets]);
      expect(pool.calls).toEqual([]);
      expect(log).toEqual(['appliedActions.appliedSince', 'poolDecisions.save', 'appliedActions.get', 'platform.kindsOf', 'platform.setStemCells', 'appliedActions.record']);
      expect(await store.appliedActions.historyOf(RUNTIME_MANIFEST_TARGET)).toEqual([
        {
          action: RUNTIME_MANIFEST_TARGET,
          at: '2024-05-01T10:00:00.000Z',
          change: { kind: 'stem-cells', cells: targets, skipped: [] },
          reason: 'pool-sizer q0.95: 10 containers wanted beyond those estimated warm, summed per runtime kind and memory',
          tickId: `tick:${POOL_SIZER_TICK_KIND}:2024-05-01T10:00:00.000Z`,
        },
      ]);
      expect(summary).toMatchObject({ decision: 'created', prewarms: [], stemCells: { cells: targets, skipped: [], outcome: 'applied' }, tick: 'completed' });
    });

    it('the default runtime kind is nodejs:20; counts the platform could not set are recorded as skipped', async () => {
      await seedForecast();
      const cells = new FakeStemCells(new Map([['/g/b', 'go:1.21']]));
      cells.missingKinds.add('go:1.21');
      const summary = acted(await tick(new StemCellPool(cells), MANIFEST));
      expect(cells.setCalls).toEqual([[{ kind: 'go:1.21', memoryMB: 256, count: 4 }, { kind: 'nodejs:20', memoryMB: 256, count: 3 }, { kind: 'nodejs:20', memoryMB: 512, count: 3 }]]);
      expect(summary.stemCells).toEqual({
        cells: [{ kind: 'nodejs:20', memoryMB: 256, count: 3 }, { kind: 'nodejs:20', memoryMB: 512, count: 3 }],
        skipped: [{ kind: 'go:1.21', memoryMB: 256, count: 4, reason: 'no runtime of kind go:1.21' }],
        outcome: 'applied',
      });
      expect((await store.appliedActions.get(RUNTIME_MANIFEST_TARGET, '2024-05-01T10:00:00Z', 'stem-cells'))?.change).toEqual({ kind: 'stem-cells', cells: summary.stemCells?.cells, skipped: summary.stemCells?.skipped });
    });

    it('a repeated tick sets nothing again; a tick re-claimed after a failed set sets once; one re-claimed after the record does not set again', async () => {
      await seedForecast();
      const cells = new FakeStemCells(KINDS);
      const pool = new StemCellPool(cells);
      cells.failSet = 1;
      await expect(tick(pool, MANIFEST)).rejects.toMatchObject({ code: 'platform-error', message: expect.stringMatching(/^set the stem cells: set runtime manifest/) });
      expect(await store.appliedActions.historyOf(RUNTIME_MANIFEST_TARGET)).toEqual([]);
      const again = acted(await tick(pool, MANIFEST, '2024-05-01T10:00:00Z', new TestClock(T + 70_000)));
      expect(again).toMatchObject({ decision: 'already-stored', stemCells: { outcome: 'applied' } });
      expect(cells.setCalls).toHaveLength(2);
      expect(await tick(pool, MANIFEST, '2024-05-01T10:00:00Z', new TestClock(T + 200_000))).toEqual({ fireTime: '2024-05-01T10:00:00.000Z', skipped: 'already-done' });
      expect(cells.setCalls).toHaveLength(2);

      // Recorded, but the tick was not completed (CouchDB went away): the next claim reads the record and sets nothing.
      const ticks = new Proxy(store.ticks, {
        get(obj, key, receiver) {
          if (key === 'completeTick') return () => Promise.reject(new StoreError('unavailable', 'completeTick', 'http://127.0.0.1:1/x', 'ECONNREFUSED'));
          const value: unknown = Reflect.get(obj, key, receiver);
          return typeof value === 'function' ? value.bind(obj) : value;
        },
      });
      const failing = { ...store, ticks };
      const fire = '2024-05-01T10:01:00Z';
      await store.forecasts.save(forecastAt('2024-05-01T10:01:00.000Z', [entry('/g/a', [30, 30, 0])]));
      const first = runPoolSizeTick({ fireTime: fire, claimant: 'test' }, { store: failing, platform: pool, wallClock: new TestClock(T + MIN + 2000) }, MANIFEST);
      await expect(first).rejects.toMatchObject({ code: 'store-unavailable' });
      expect(cells.setCalls).toHaveLength(3);
      const reclaimed = acted(await tick(pool, MANIFEST, fire, new TestClock(T + MIN + 70_000)));
      expect(reclaimed.stemCells).toEqual({ cells: cells.setCalls[2], skipped: [], outcome: 'already-applied' });
      expect(cells.setCalls).toHaveLength(3);
    });

    it('with nothing concerned (no forecast, and no deficit by the warm-up rule) it makes no call and records nothing', async () => {
      // Only /g/new, whose busiest minute needs the one container its peak holds.
      for (let m = 60; m >= 1; m--) await store.series.record(iso(T - m * MIN), [minute('/g/new', 1)]);
      const cells = new FakeStemCells(KINDS);
      const summary = acted(await tick(new StemCellPool(cells), MANIFEST));
      expect(summary.stemCells).toEqual({ cells: [], skipped: [], outcome: 'nothing-to-set' });
      expect(cells.kindCalls).toEqual([]);
      expect(cells.setCalls).toEqual([]);
      expect(await store.appliedActions.historyOf(RUNTIME_MANIFEST_TARGET)).toEqual([]);
    });

    it('in warm-up mode the stem-cell path is not used and the summary has none', async () => {
      await seedForecast();
      const cells = new FakeStemCells(KINDS);
      const pool = new StemCellPool(cells);
      const summary = acted(await tick(pool, { ...OPTIONS, prewarmMode: 'warmup' }));
      expect(summary.stemCells).toBeNull();
      expect(cells.setCalls).toEqual([]);
      expect(pool.calls.map(([fn]) => fn)).toEqual(['/g/a', '/g/b', '/g/c']);
    });

    it.each([
      ['prewarmMode', 'runtime-manifest', 'prewarmMode: expected warmup, or a platform port with the stem-cell path (the runtime-manifest admin endpoint), found "runtime-manifest"'],
      ['prewarmMode', 'stem-cells', 'prewarmMode: expected warmup or runtime-manifest, found "stem-cells"'],
      ['defaultRuntimeKind', 'node 20', 'defaultRuntimeKind: expected a runtime kind such as nodejs:20, found "node 20"'],
      ['headroomRiskLevel', 1, 'headroomRiskLevel: expected a number strictly between 0 and 1, found 1'],
      ['headroomRiskLevel', Number.NaN, 'headroomRiskLevel: expected a number strictly between 0 and 1, found NaN'],
      ['coldStartWorthGBs', 0, 'coldStartWorthGBs: expected a finite number of GB-s > 0, found 0'],
      ['coldStartWorthGBs', -260, 'coldStartWorthGBs: expected a finite number of GB-s > 0, found -260'],
      ['coldStartWorthGBs', Number.POSITIVE_INFINITY, 'coldStartWorthGBs: expected a finite number of GB-s > 0, found Infinity'],
    ])('a bad %s %p (no stem-cell port) is invalid-input naming the value, before the tick is claimed', async (key, value, message) => {
      const options: PoolSizeTickOptions = { ...OPTIONS };
      Reflect.set(options, key, value);
      await expect(runPoolSizeTick({ fireTime: '2024-05-01T10:00:00Z', claimant: 't' }, { store, platform: new FakePool(), wallClock: new TestClock(T) }, options)).rejects.toMatchObject({ code: 'invalid-input', message });
      expect(await store.ticks.get(POOL_SIZER_TICK_KIND, '2024-05-01T10:00:00Z')).toBeUndefined();
    });
  });

  it('bad options are invalid-input; a store outage store-unavailable', async () => {
    await expect(tick(new FakePool(), { ...OPTIONS, riskLevel: 1 })).rejects.toMatchObject({ code: 'invalid-input', message: 'riskLevel: expected a number strictly between 0 and 1, found 1' });
    const down = runPoolSizeTick({ fireTime: '2024-05-01T10:00:00Z', claimant: 't' }, { store: { ...store, ticks: unreachable(store.ticks) }, platform: new FakePool(), wallClock: new TestClock(T) }, OPTIONS);
    await expect(down).rejects.toMatchObject({ code: 'store-unavailable' });
  });
});
