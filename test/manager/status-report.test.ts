import { buildStatusReport } from '../../src/manager/status-report';
import type { AppliedAction } from '../../src/store/applied-action-repository';
import { startEmbeddedCouchDb, type EmbeddedCouchDb } from '../../src/store/embedded-couchdb';
import { openStore, type Store } from '../../src/store/store';

const qos = { percentile: 95, targetMs: 800 };
const stages = [
  { stage: 'resize', memoryMB: 512, cpu: 0.5 },
  { stage: 'tag', memoryMB: 256, cpu: 0.25 },
];

describe('buildStatusReport on the embedded CouchDB', () => {
  let couch: EmbeddedCouchDb;
  let store: Store;

  beforeAll(async () => {
    couch = await startEmbeddedCouchDb({ storage: { kind: 'memory' } });
    store = await openStore({ url: couch.url, dbPrefix: 'status_' });
    await store.workflowConfigs.create({ workflow: 'alpha', qos, stages, source: 'search', updatedAt: '2024-05-01T10:00:00.000Z' });
    await store.workflowConfigs.create({ workflow: 'beta', qos: { percentile: 99, targetMs: 2000 }, stages: [{ stage: 'solo', memoryMB: 128, cpu: 0.125 }], source: 'default', updatedAt: '2024-05-01T09:00:00.000Z' });
    await store.searchStates.create({
      workflow: 'alpha',
      phase: 'exploring',
      iteration: 3,
      pending: { config: stages, probesDone: 1, probesWanted: 2, startedAt: '2024-05-01T10:05:00.000Z' },
      incumbent: { config: stages, costPerInvocation: 0.002, latencyMs: 640 },
      gpLogParams: null,
      updatedAt: '2024-05-01T10:05:00.000Z',
    });
    const limits = (memoryMB: number, at: string): AppliedAction => ({ action: 'resize', at, change: { kind: 'limits', memoryMB, cpu: null, timeoutMs: null }, reason: `bo-step: ${memoryMB}`, tickId: null });
    await store.appliedActions.record(limits(1024, '2024-05-01T10:00:00.000Z'));
    await store.appliedActions.record(limits(512, '2024-05-01T10:05:00.000Z'));
    await store.appliedActions.record({ action: 'resize', at: '2024-05-01T10:06:00.000Z', change: { kind: 'prewarm', containers: 2, keepAliveMinutes: 5 }, reason: 'pool', tickId: null });
    const fns = (warm: number) => ['/g/a', '/g/b', '/g/c'].map((f, i) => ({ function: f, warmContainers: warm + i, prewarm: i, keepAliveMinutes: 10, memoryMB: 256 }));
    await store.poolDecisions.save({ minute: '2024-05-01T10:00:00.000Z', riskLevel: 0.9, forecastFirstMinute: null, functions: fns(1) });
    await store.poolDecisions.save({ minute: '2024-05-01T10:02:00.000Z', riskLevel: 0.95, coldStartWorthGBs: 260, forecastFirstMinute: '2024-05-01T10:02:00.000Z', functions: fns(5) });
    const forecast = (firstMinute: string, scale: number) => ({
      firstMinute,
      horizonMinutes: 2,
      model: 'aquatope',
      levels: [0.5, 0.9],
      functions: [
        { function: '/g/a', mean: [1 * scale, 2 * scale], quantiles: [[1, 2], [3 * scale, 4 * scale]] },
        { function: '/g/b', mean: [0, 0.5], quantiles: [[0, 0], [1, 2]] },
      ],
    });
    await store.forecasts.save(forecast('2024-05-01T10:00:00.000Z', 1));
    await store.forecasts.save(forecast('2024-05-01T10:02:00.000Z', 10));
  }, 60_000);

  afterAll(async () => {
    await couch.stop();
  });

  it('reports the latest of everything without at', async () => {
    const report = await buildStatusReport(store, { workflow: undefined, limit: 2, at: undefined });
    expect(report.generatedFor).toBeNull();
    expect(report.workflows.map((w) => w.name)).toEqual(['alpha', 'beta']);
    const [alpha, beta] = report.workflows;
    expect(alpha).toEqual({
      name: 'alpha',
      qos,
      configSource: 'search',
      phase: 'exploring',
      iteration: 3,
      pendingProbe: { config: stages, probesDone: 1, probesWanted: 2, startedAt: '2024-05-01T10:05:00.000Z' },
      incumbent: { config: stages, costPerInvocation: 0.002, latencyMs: 640 },
      lastAppliedLimits: [
        { stage: 'resize', action: 'resize', at: '2024-05-01T10:05:00.000Z', memoryMB: 512, cpu: null, reason: 'bo-step: 512' },
        { stage: 'tag', action: 'tag', applied: null },
      ],
    });
    expect(beta).toMatchObject({ name: 'beta', phase: null, iteration: null, pendingProbe: null, incumbent: null, lastAppliedLimits: [{ stage: 'solo', applied: null }] });
    expect(report.pool.latest).toEqual({
      minute: '2024-05-01T10:02:00.000Z',
      riskLevel: 0.95,
      coldStartWorthGBs: 260,
      forecastFirstMinute: '2024-05-01T10:02:00.000Z',
      functionCount: 3,
      truncated: true,
      functions: [
        { function: '/g/a', warmContainers: 5, prewarm: 0, keepAliveMinutes: 10, memoryMB: 256 },
        { function: '/g/b', warmContainers: 6, prewarm: 1, keepAliveMinutes: 10, memoryMB: 256 },
      ],
    });
    expect(report.forecast.latest).toEqual({
      minute: '2024-05-01T10:02:00.000Z',
      horizonMinutes: 2,
      model: 'aquatope',
      functionCount: 2,
      truncated: false,
      functions: [
        { function: '/g/a', mean: [10, 20], q90: [30, 40] },
        { function: '/g/b', mean: [0, 0.5], q90: [1, 2] },
      ],
    });
  });

  it('with at, reports the latest decision, forecast and applied limits at or before it', async () => {
    const report = await buildStatusReport(store, { workflow: 'alpha', limit: 1, at: '2024-05-01T12:01:59+02:00' });
    expect(report.generatedFor).toBe('2024-05-01T10:01:59.000Z');
    expect(report.workflows.map((w) => w.name)).toEqual(['alpha']);
    expect(report.workflows[0]?.lastAppliedLimits[0]).toMatchObject({ at: '2024-05-01T10:00:00.000Z', memoryMB: 1024 });
    expect(report.pool.latest).toMatchObject({ minute: '2024-05-01T10:00:00.000Z', functionCount: 3, truncated: true, functions: [{ function: '/g/a', warmContainers: 1 }] });
    expect(report.forecast.latest).toMatchObject({ minute: '2024-05-01T10:00:00.000Z', truncated: true, functions: [{ function: '/g/a', mean: [1, 2], q90: [3, 4] }] });
  });

  it('a forecast stored in shards is reported whole: every shard\'s functions, sorted by name', async () => {
    const minute = '2024-05-01T11:00:00.000Z';
    const shard = (index: number, fn: string, mean: number) => ({
      firstMinute: minute,
      horizonMinutes: 1,
      model: 'aquatope',
      levels: [0.9],
      shard: { index, count: 2 },
      functions: [{ function: fn, mean: [mean], quantiles: [[mean + 1]] }],
    });
    await store.forecasts.save(shard(1, '/g/a', 7));
    await store.forecasts.save(shard(0, '/g/z', 3));
    const report = await buildStatusReport(store, { workflow: 'alpha', limit: 50, at: '2024-05-01T11:00:30Z' });
    expect(report.forecast.latest).toEqual({
      minute,
      horizonMinutes: 1,
      model: 'aquatope',
      functionCount: 2,
      truncated: false,
      functions: [
        { function: '/g/a', mean: [7], q90: [8] },
        { function: '/g/z', mean: [3], q90: [4] },
      ],
    });
  });

  it('before anything was stored, pool and forecast are null', async () => {
    const report = await buildStatusReport(store, { workflow: 'beta', limit: 50, at: '2024-05-01T09:59:00Z' });
    expect(report.pool.latest).toBeNull();
    expect(report.forecast.latest).toBeNull();
  });

  it('an unregistered workflow is an UnknownWorkflowError naming it', async () => {
    await expect(buildStatusReport(store, { workflow: 'gamma', limit: 50, at: undefined })).rejects.toThrow('workflow: no stored configuration for "gamma"');
  });
});
