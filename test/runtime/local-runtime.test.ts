/**
 * End to end, with the real parts: the project's bundles (built once into a
 * temporary folder), the manifest deployed by the deploy code, the local
 * OpenWhisk reached through the `openwhisk` npm client, the actions run in
 * child Node processes, the embedded CouchDB on LevelDB (in a temporary
 * folder, so it can be stopped and restarted), and a synthetic trace replayed
 * on the simulated cluster. The scheduler chain fires every simulated minute
 * and bo-step every probe window for one workflow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openwhisk from 'openwhisk';
import { lookupWorkflow } from '../../benchmark/workflows';
import { loadWorkload } from '../../src/cli/load-workload';
import { buildAll } from '../../src/deploy/build-actions';
import { LocalRuntime, SCHEDULER_TRIGGER, type FiredTick, type LocalRuntimeOptions } from '../../src/runtime/local-runtime';
import { storedForecastLevels } from '../../src/scheduler/forecast-tick';
import { clusterConfig } from '../../src/sim/cluster-config';

const REPO = join(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'aquatope-runtime-'));
const workflow = lookupWorkflow('social-network');
/** Minutes replayed: the forecaster's 48-minute window fills, then at least 10 ticks with a full window. */
const MINUTES = 62;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resultOf(tick: FiredTick): Record<string, unknown> {
  const r = tick.results[0];
  if (!isRecord(r)) throw new Error(`${tick.trigger} at ${tick.fireTime}: no result (${tick.failure ?? 'no rule ran'})`);
  return r;
}

let runtime: LocalRuntime;
const ticks: FiredTick[][] = [];

beforeAll(async () => {
  await buildAll({ rootDir: REPO, outDir: join(work, 'dist') });
  const loaded = await loadWorkload({ functions: 40, minutes: { start: 0, end: MINUTES }, seed: 4 });
  runtime = new LocalRuntime({
    workload: loaded.workload,
    workflows: [workflow],
    seed: 4,
    cluster: clusterConfig(),
    manifestPath: join(REPO, 'manifests', 'manifest.yaml'),
    deploymentPath: join(REPO, 'manifests', 'deployment.yaml'),
    bundleDir: join(work, 'dist', 'actions'),
    storage: { kind: 'leveldb', dir: join(work, 'couchdb') },
    // The pool sizer's worth rule, bound on the package as `start --cold-start-worth 260` does.
    managerParams: { coldStartWorthGBs: 260 },
    log: () => undefined,
  });
  await runtime.start();
}, 120_000);

afterAll(async () => {
  await runtime.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the local runtime options', () => {
  it.each(['dbPrefix', 'workflows'])('refuses to bind the run\'s own %s as a manager param', async (key) => {
    const loaded = await loadWorkload({ functions: 2, minutes: { start: 0, end: 2 }, seed: 1 });
    const options: LocalRuntimeOptions = {
      workload: loaded.workload, seed: 1, cluster: clusterConfig(), manifestPath: 'unused', bundleDir: 'unused',
      storage: { kind: 'memory' }, log: () => undefined, managerParams: { [key]: 'x' },
    };
    expect(() => new LocalRuntime(options)).toThrow(new RangeError(`managerParams: "${key}" is set by the run itself and cannot be bound`));
  });
});

describe('the local runtime end to end', () => {
  it('deploys every action, trigger and rule of the manifest into the local OpenWhisk', async () => {
    const { ow } = runtime.handles;
    const actions = (await ow.actions.list({ limit: 200 })).map((a) => `${a.namespace}/${a.name}`);
    for (const name of ['collector', 'forecaster', 'pool-sizer', 'scheduler', 'bo-step', 'status']) expect(actions).toContain(`guest/aquatope/${name}`);
    const triggers = (await ow.triggers.list()).map((t) => t.name);
    expect(triggers).toEqual(expect.arrayContaining(['scheduler-tick', 'bo-step-tick']));
    const rules = await ow.rules.list();
    expect(rules.map((r) => r.name)).toEqual(expect.arrayContaining(['scheduler-on-tick', 'bo-step-on-tick']));
  });

  it('answers a request with a wrong key with 401', async () => {
    const { access } = runtime.handles;
    const wrong = openwhisk({ apihost: access.apiHost, api_key: `${access.apiKey.split(':')[0]}:${'x'.repeat(64)}` });
    await expect(wrong.actions.list()).rejects.toMatchObject({ statusCode: 401 });
  });

  it('runs the scheduler chain every minute: series, forecasts and pool decisions are stored, and warm-ups reach the simulated cluster', async () => {
    for (let m = 1; m <= 50; m++) ticks.push(await runtime.advance());
    const { store } = runtime.handles;
    const failures = ticks.flat().filter((t) => t.failure !== null);
    expect(failures).toEqual([]);
    // 10 more ticks, each with a full input window.
    const before = await store.poolDecisions.range(new Date(runtime.epochStartMs).toISOString(), new Date(runtime.epochStartMs + 51 * 60_000).toISOString());
    for (let m = 51; m <= 60; m++) ticks.push(await runtime.advance());
    const from = new Date(runtime.epochStartMs).toISOString();
    const to = new Date(runtime.epochStartMs + 61 * 60_000).toISOString();
    const series = await store.series.range(from, to);
    expect(series.length).toBeGreaterThanOrEqual(59);
    // The collector also recorded the workflow's end-to-end latencies from its entry action's activations.
    const latencies = series.flatMap((m) => m.workflows ?? []).filter((w) => w.workflow === workflow.name).flatMap((w) => w.latenciesMs);
    expect(latencies.length).toBeGreaterThan(20);
    expect(Math.min(...latencies)).toBeGreaterThan(0);
    const decisions = await store.poolDecisions.range(from, to);
    expect(decisions.length - before.length).toBe(10);
    // The bundled forecaster and pool sizer got the worth from the package: the levels it reads were stored, and it sized by it.
    expect(decisions.slice(-10).map((d) => [d.riskLevel, d.coldStartWorthGBs])).toEqual(Array.from({ length: 10 }, () => [0.5, 260]));
    const lastForecast = await store.forecasts.shardsAt(decisions[decisions.length - 1].forecastFirstMinute ?? '');
    expect(lastForecast.map((f) => f.levels)).toEqual([storedForecastLevels(0.95, 260)]);
    const scheduler = ticks.map((t) => t[0]).filter((t) => t.trigger === SCHEDULER_TRIGGER);
    expect(scheduler).toHaveLength(60);
    for (const t of scheduler.slice(-10)) expect(resultOf(t)).toMatchObject({ fireTime: t.fireTime });
    const prewarms = decisions.slice(-10).reduce((n, d) => n + d.functions.reduce((k, f) => k + f.prewarm, 0), 0);
    expect(prewarms).toBeGreaterThan(0);
    // Applied in the simulator: the warm-up invocations the pool sizer sent arrived there.
    const report = runtime.peekManager();
    expect(report.warmUpInvocations).toBeGreaterThan(0);
    expect(report.prewarmedContainers).toBeGreaterThan(0);
  }, 600_000);

  it('bo-step round trip: a probe window of stage activations stored as an observation, and new limits applied to the stage actions', async () => {
    const { store, server } = runtime.handles;
    const observations = await store.observations.forWorkflow(workflow.name);
    expect(observations.length).toBeGreaterThanOrEqual(2);
    expect(observations[0].latenciesMs.length).toBeGreaterThan(0);
    const bo = ticks.flat().filter((t) => t.trigger === 'bo-step-tick');
    expect(bo).toHaveLength(12);
    const probes = bo.map(resultOf).filter((r) => isRecord(r['decision']) && r['decision']['kind'] === 'probe');
    expect(probes.length).toBeGreaterThanOrEqual(2);
    const memories = workflow.stages.map((s) => server.controller.findAction({ packageName: workflow.name, name: s.name })?.limits.memory);
    expect(memories.some((m) => m !== 2048)).toBe(true);
  });

  it('firing the same alarm tick twice changes nothing the second time', async () => {
    const { store } = runtime.handles;
    const last = ticks[ticks.length - 1][0];
    const from = new Date(runtime.epochStartMs).toISOString();
    const to = new Date(runtime.epochStartMs + 61 * 60_000).toISOString();
    const decisionsBefore = await store.poolDecisions.range(from, to);
    const seriesBefore = await store.series.range(from, to);
    const warmUpsBefore = runtime.peekManager().warmUpInvocations;
    const again = await runtime.fire(SCHEDULER_TRIGGER, { fireTime: last.fireTime });
    expect(again.failure).toBeNull();
    expect(resultOf(again)).toMatchObject({ collector: { skipped: expect.any(String) } });
    expect(await store.poolDecisions.range(from, to)).toEqual(decisionsBefore);
    expect(await store.series.range(from, to)).toEqual(seriesBefore);
    expect(runtime.peekManager().warmUpInvocations).toBe(warmUpsBefore);

    const boLast = ticks.flat().filter((t) => t.trigger === 'bo-step-tick').pop();
    if (boLast === undefined) throw new Error('no bo-step tick');
    const observationsBefore = await store.observations.forWorkflow(workflow.name);
    const boAgain = await runtime.fire('bo-step-tick', { workflow: workflow.name, fireTime: boLast.fireTime });
    expect(resultOf(boAgain)).toMatchObject({ skipped: 'already-done' });
    expect(await store.observations.forWorkflow(workflow.name)).toEqual(observationsBefore);
  });

  it('stopping and restarting CouchDB mid-run loses no observation, and the run goes on', async () => {
    const { store } = runtime.handles;
    const before = await store.observations.forWorkflow(workflow.name);
    await runtime.stopCouchDb();
    // A tick during the outage fails with a named error and stores nothing.
    const during = await runtime.advance();
    expect(during[0].failure).toMatch(/store|CouchDB|unavailable|ECONNREFUSED/i);
    await runtime.resumeCouchDb();
    const after = await store.observations.forWorkflow(workflow.name);
    expect(after).toEqual(before);
    // The next ticks work again.
    const next = await runtime.advance();
    expect(next.every((t) => t.failure === null)).toBe(true);
    const report = await runtime.finish();
    expect(report.manager.seriesMinutes).toBeGreaterThanOrEqual(MINUTES - 2);
    expect((await store.observations.forWorkflow(workflow.name)).length).toBeGreaterThanOrEqual(after.length);
    expect(report.workflows[0].managed.invocations).toBe(report.workflows[0].baseline.invocations);
    expect(report.managed.invocations).toBe(report.baseline.invocations);
  }, 120_000);
});
