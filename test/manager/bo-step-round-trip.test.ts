/**
 * One bo-step round trip against the real things: the embedded CouchDB
 * (memory), the local OpenWhisk reached through the real `openwhisk` client
 * (the platform adapter), and stage actions whose run times come from the
 * modelled social-network workflow at the limits the actions have now.
 */
import openwhisk from 'openwhisk';
import { lookupWorkflow } from '../../benchmark/workflows';
import type { Clock } from '../../src/core/clock';
import { SeededRng } from '../../src/core/rng';
import { generateAuthKey } from '../../src/local-openwhisk/ids';
import type { InvocationContext, InvocationOutcome, Invoker } from '../../src/local-openwhisk/invoker';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../../src/local-openwhisk/local-openwhisk-server';
import { RegistryInvoker } from '../../src/local-openwhisk/registry-invoker';
import type { StoredAction } from '../../src/local-openwhisk/stored-entities';
import { runBoStep, type BoStepSummary } from '../../src/manager/bo-step';
import { cpuOfMemory } from '../../src/manager/managed-workflow';
import { openWhiskBoStepPlatform } from '../../src/manager/openwhisk-bo-step-platform';
import { OpenWhiskPlatform } from '../../src/platform/openwhisk';
import { startEmbeddedCouchDb, type EmbeddedCouchDb } from '../../src/store/embedded-couchdb';
import { openStore, type Store } from '../../src/store/store';
import { createMethods } from '../../src/tuning/method-registry';
import { ManualClock } from '../support/manual-clock';

const model = lookupWorkflow('social-network');
const T0 = Date.parse('2024-05-01T10:00:00.000Z');
const WINDOW_MS = 300_000;

/** The registry's functions, with each activation's duration drawn from the model at the action's current limits. */
class ModelledInvoker implements Invoker {
  private readonly registry: RegistryInvoker;
  private readonly rng = new SeededRng(11);

  constructor(clock: Clock) {
    this.registry = new RegistryInvoker(clock, Object.fromEntries(model.stages.map((s) => [s.name, () => ({ stage: s.name })])));
  }

  async invoke(action: StoredAction, params: Record<string, unknown>, context: InvocationContext): Promise<InvocationOutcome> {
    const outcome = await this.registry.invoke(action, params, context);
    const stage = model.stages.findIndex((s) => s.name === action.name);
    const memoryMB = action.limits.memory;
    const run = model.runStage(stage, { memoryMB, cpu: cpuOfMemory(memoryMB) }, this.rng);
    if (run.outOfMemory) return { ...outcome, status: 'application error', result: { error: 'The action exhausted its memory and was aborted.' }, durationMs: Math.round(run.latencyMs) };
    return { ...outcome, durationMs: Math.max(1, Math.round(run.latencyMs)) };
  }
}

describe('bo-step round trip on the embedded CouchDB and the local OpenWhisk', () => {
  const clock = new ManualClock(T0);
  let couch: EmbeddedCouchDb;
  let server: LocalOpenWhisk;
  let store: Store;
  let ow: ReturnType<typeof openwhisk>;

  beforeAll(async () => {
    couch = await startEmbeddedCouchDb({ storage: { kind: 'memory' } });
    store = await openStore({ url: couch.url, dbPrefix: 'roundtrip_' });
    server = await startLocalOpenWhisk({ auth: generateAuthKey(new SeededRng(1)), invoker: new ModelledInvoker(clock), clock, rng: new SeededRng(2) });
    ow = openwhisk({ apihost: server.apiHost, api_key: server.apiKey });
    for (const s of model.stages) await ow.actions.create({ name: s.name, action: 'exports.main = () => ({})', kind: 'nodejs:20', limits: { memory: 1024 } });
    await store.workflowConfigs.create({
      workflow: model.name,
      qos: model.qos,
      stages: model.stages.map((s) => ({ stage: s.name, memoryMB: 1024, cpu: cpuOfMemory(1024) })),
      source: 'default',
      updatedAt: new Date(T0).toISOString(),
    });
  }, 60_000);

  afterAll(async () => {
    await server.stop();
    await couch.stop();
  });

  /** One invocation of the workflow: every stage invoked blocking in DAG order, the clock moved past each run. */
  async function invokeWorkflowOnce(): Promise<void> {
    const ends = new Map<string, number>();
    for (const s of model.stages) {
      clock.now = Math.max(clock.now, ...s.after.map((a) => ends.get(a) ?? 0)) + 5;
      const activation: unknown = await ow.actions.invoke({ name: s.name, blocking: true }).catch((e: unknown) => (typeof e === 'object' && e !== null && 'error' in e ? e.error : e));
      const end = typeof activation === 'object' && activation !== null && 'end' in activation && typeof activation.end === 'number' ? activation.end : clock.now;
      ends.set(s.name, end);
    }
    clock.now = Math.max(clock.now, ...ends.values()) + 100;
  }

  async function tick(k: number): Promise<BoStepSummary> {
    clock.now = T0 + k * WINDOW_MS + 1000;
    const platform = OpenWhiskPlatform.create({ apiHost: server.apiHost, apiKey: server.apiKey, env: {} });
    return runBoStep(
      { workflow: model.name, fireTime: new Date(T0 + k * WINDOW_MS).toISOString(), claimant: `tick-${k}`, definition: { stages: model.stages.map((s) => ({ name: s.name, after: s.after })), overheadMs: model.overheadMs } },
      { store, platform: openWhiskBoStepPlatform(platform), method: createMethods().aquatope, wallClock: { nowEpochMs: () => clock.now } },
      // The stage actions here are not wrapped to answer warm-ups: no handover (the live runtime's test has one).
      { leaseMs: 60_000, cpuLimitExtension: false, handoverMaxContainers: 0 },
    );
  }

  it('collects the probe window from the activations, stores the observation and sets the next limits on the actions', async () => {
    const first = await tick(0);
    expect(first).toMatchObject({ decision: { kind: 'probe', why: 'start at the largest configuration' }, observation: null });
    for (const s of model.stages) expect((await ow.actions.get({ name: s.name })).limits?.memory).toBe(2048);

    clock.now = T0 + 2000;
    for (let k = 0; k < 6; k++) await invokeWorkflowOnce();
    await server.settled();

    const second = await tick(1);
    if ('skipped' in second) throw new Error(`tick 1 skipped: ${second.skipped}`);
    expect(second.observation).toMatchObject({ outcome: 'created', invocations: 6, failures: 0, incomplete: 0 });
    const stored = await store.observations.forWorkflow(model.name);
    expect(stored).toHaveLength(1);
    expect(stored[0].latenciesMs).toHaveLength(6);
    expect(stored[0].config.map((c) => c.memoryMB)).toEqual([2048, 2048, 2048, 2048]);
    expect(stored[0].stageRuns?.map((r) => r.runMs.length)).toEqual([6, 6, 6, 6]);
    // Each end-to-end latency is the critical path of that invocation's stage durations plus the overhead.
    const [compose, text, graph, post] = model.stages.map((s) => stored[0].stageRuns?.find((r) => r.stage === s.name)?.runMs ?? []);
    expect(stored[0].latenciesMs).toEqual(compose.map((c, i) => c + Math.max(text[i], graph[i]) + post[i] + model.overheadMs));

    if (second.decision.kind !== 'probe') throw new Error(`expected a probe, got ${second.decision.kind}`);
    const wanted = second.decision.limits;
    for (const l of wanted) expect((await ow.actions.get({ name: l.stage })).limits?.memory).toBe(l.memoryMB);
    expect(wanted.some((l) => l.memoryMB < 2048)).toBe(true);
    const applied = await store.appliedActions.historyOf('compose-post');
    expect(applied.map((a) => a.change)).toEqual([
      { kind: 'limits', memoryMB: 2048, cpu: null, timeoutMs: null },
      { kind: 'limits', memoryMB: wanted[0].memoryMB, cpu: null, timeoutMs: null },
    ]);
    expect((await store.searchStates.get(model.name))?.doc).toMatchObject({ phase: 'exploring', iteration: 2, pending: { config: wanted } });
  }, 60_000);
});
