import { lookupWorkflow } from '../../benchmark/workflows';
import { SeededRng } from '../../src/core/rng';
import { BoStepError } from '../../src/manager/bo-step-error';
import { boStepTickKind, runBoStep, type BoStepActed, type BoStepOptions, type BoStepSummary } from '../../src/manager/bo-step';
import type { BoStepPorts } from '../../src/manager/bo-step-ports';
import type { WorkflowDefinitionInput } from '../../src/manager/managed-workflow';
import { StoreError } from '../../src/store/store-error';
import { createMethods } from '../../src/tuning/method-registry';
import type { TuningMethod } from '../../src/tuning/tuning-method';
import type { StageConfig } from '../../src/workflow/workflow-types';
import { FakePlatform } from './support/fake-platform';
import { FakeStore } from './support/fake-store';

const model = lookupWorkflow('social-network');
const actions = model.stages.map((s) => `social/${s.name}`);
const definition: WorkflowDefinitionInput = {
  stages: model.stages.map((s, i) => ({ name: s.name, after: s.after, action: actions[i], memoryMB: { min: 128, max: 3008, step: 64 } })),
  prices: model.prices,
  overheadMs: model.overheadMs,
};
const MAX = { memoryMB: 3008, cpu: 2 };
const options: BoStepOptions = { leaseMs: 60_000, cpuLimitExtension: true, handoverMaxContainers: 4 };
const T0 = Date.parse('2024-05-01T10:00:00.000Z');
const WINDOW_MS = 300_000;
const fireTime = (k: number): string => new Date(T0 + k * WINDOW_MS).toISOString();

interface Rig {
  readonly log: string[];
  readonly store: FakeStore;
  readonly platform: FakePlatform;
  readonly ports: BoStepPorts;
  now: number;
  /** Runs tick k (wall clock 1 s after its fire time), then `invocations` invocations of traffic in its window. */
  tick(k: number, invocations?: number): Promise<BoStepSummary>;
}

/** A method that probes `configs` in turn, each with 6 invocations (the same one twice in a row is a replicate), and deploys the last probe. */
function scripted(configs: readonly (readonly StageConfig[])[]): TuningMethod {
  return {
    name: 'scripted',
    propose: (history) => (history.length < configs.length ? { kind: 'probe', config: configs[history.length], invocations: 6, why: `scripted probe ${history.length}` } : { kind: 'done', why: 'script ended' }),
    recommend: (history) => (history.length === 0 ? undefined : history[history.length - 1].config),
  };
}

function rig(method: TuningMethod = createMethods().aquatope): Rig {
  const log: string[] = [];
  const store = new FakeStore(log);
  store.register({ workflow: model.name, qos: model.qos, stages: model.stages.map((s) => ({ stage: s.name, ...MAX })), source: 'default', updatedAt: fireTime(0) });
  const platform = new FakePlatform(model, actions, log, MAX);
  const traffic = new SeededRng(7);
  const r: Rig = {
    log,
    store,
    platform,
    now: T0,
    ports: { store, platform, method, wallClock: { nowEpochMs: () => r.now } },
    async tick(k: number, invocations = 6) {
      r.now = T0 + k * WINDOW_MS + 1000;
      const summary = await runBoStep({ workflow: model.name, fireTime: fireTime(k), claimant: `act-${k}`, definition }, r.ports, options);
      platform.traffic(T0 + k * WINDOW_MS + 2000, invocations, 1000, traffic);
      return summary;
    },
  };
  return r;
}

function acted(s: BoStepSummary): BoStepActed {
  if ('skipped' in s) throw new Error(`expected the tick to act, it skipped: ${s.skipped}`);
  return s;
}

const costOf = (limits: readonly { memoryMB: number; cpu: number }[]): number => limits.reduce((c, l) => c + l.memoryMB / 1024 * model.prices.gbSecond + l.cpu * model.prices.cpuCoreSecond, 0);

describe('runBoStep with fake ports', () => {
  it('a loop of ticks on social-network stores one observation per window and reaches a configuration cheaper than the largest', async () => {
    const r = rig();
    const first = acted(await r.tick(0));
    expect(first.observation).toBeNull();
    expect(first.decision).toMatchObject({ kind: 'probe', why: 'start at the largest configuration' });
    for (let k = 1; k <= 10; k++) {
      const s = acted(await r.tick(k));
      expect(s.observation).toMatchObject({ outcome: 'created', failures: expect.any(Number) });
      expect(s.step).toBe(k);
    }
    expect(r.store.observationDocs.docs.size).toBe(10);
    const state = r.store.stateDocs.get(`search-state:${model.name}`)?.doc;
    expect(state?.phase).toBe('exploring');
    expect(state?.iteration).toBe(11);
    // Probes after the first are cheaper than the largest configuration (per second of holding the resources).
    const probed = [...r.store.observationDocs.docs.values()].map((o) => o.doc.config);
    expect(probed.slice(1).some((c) => costOf(c) < costOf(model.stages.map(() => MAX)))).toBe(true);
    // The incumbent (what would be deployed) costs less per invocation than the largest configuration did.
    const largest = [...r.store.observationDocs.docs.values()][0].doc;
    const largestCost = largest.costs.reduce((a, b) => a + b, 0) / largest.costs.length;
    expect(state?.incumbent?.costPerInvocation).toBeLessThan(largestCost);
    expect(state?.incumbent?.latencyMs).toBeLessThanOrEqual(model.qos.targetMs);
  }, 120_000);

  it('changes and records only the stage actions whose limits differ: the first probe at the largest configuration and a replicate leave every action as it is', async () => {
    const large = model.stages.map(() => ({ cpu: MAX.cpu, memoryMB: MAX.memoryMB }));
    const small = model.stages.map(() => ({ cpu: 0.5, memoryMB: 512 }));
    const mixed = model.stages.map((_, i) => (i < 2 ? large[i] : small[i]));
    // The largest, a replicate of it, a smaller one and its replicate, two stages back up, then all of them.
    const r = rig(scripted([large, large, small, small, mixed, large]));
    const first = acted(await r.tick(0));
    expect(first.applied).toEqual([]);
    expect(r.store.appliedDocs.docs.size).toBe(0);
    // The pending probe's window opens when the actions last changed (the platform says nothing here: the tick's clock).
    expect(r.store.stateDocs.get(`search-state:${model.name}`)?.doc.pending?.startedAt).toBe(new Date(T0 + 1000).toISOString());
    let current = new Map(actions.map((a) => [a, { memoryMB: MAX.memoryMB, cpu: MAX.cpu }]));
    let unchangedProbes = 0;
    let records = 0;
    for (let k = 1; k <= 6; k++) {
      const s = acted(await r.tick(k));
      if (s.decision.kind !== 'probe') continue;
      const wanted = new Map(s.decision.limits.map((l, i) => [actions[i], { memoryMB: l.memoryMB, cpu: l.cpu }]));
      const differing = actions.filter((a) => current.get(a)?.memoryMB !== wanted.get(a)?.memoryMB || current.get(a)?.cpu !== wanted.get(a)?.cpu);
      expect(s.applied.map((x) => x.action)).toEqual(differing);
      if (differing.length === 0) unchangedProbes++;
      records += differing.length;
      current = wanted;
    }
    // Ticks 1 to 5 probe the script's second to sixth configurations (tick 6 finds it ended): the two replicates change nothing;
    // the smaller one changes all four stages, the mixed one the first two, the largest again the last two.
    expect(unchangedProbes).toBe(2);
    expect(records).toBe(4 + 2 + 2);
    expect(r.store.appliedDocs.docs.size).toBe(records);
  });

  it.each([
    [4, 3],
    [2, 2],
  ])('hands each changed stage action over warm (at most %p warm-ups): %p, its most concurrent runs in the window; none to unchanged ones or without changes', async (max, expected) => {
    const r = rig();
    const opts = { ...options, handoverMaxContainers: max };
    const first = acted(await runBoStep({ workflow: model.name, fireTime: fireTime(0), claimant: 'a', definition }, r.ports, opts));
    // The first probe is the largest configuration, which every action has: nothing changed, nothing to hand over.
    expect(first.applied).toEqual([]);
    expect(first.handover).toEqual([]);
    r.platform.traffic(T0 + 2000, 6, 1000, new SeededRng(5));
    // Three overlapping runs of every stage action late in the window: each action's peak is 3.
    for (const a of actions) for (let j = 0; j < 3; j++) r.platform.activations.get(a)?.push({ activationId: `burst-${a}-${j}`, startMs: T0 + 200_000 + j, durationMs: 500, success: true, outOfMemory: false });
    r.now = T0 + WINDOW_MS + 1000;
    const second = acted(await runBoStep({ workflow: model.name, fireTime: fireTime(1), claimant: 'b', definition }, r.ports, opts));
    expect(second.decision.kind).toBe('probe');
    expect(second.applied.length).toBeGreaterThan(0);
    expect(second.handover).toEqual(second.applied.map((x) => ({ action: x.action, containers: expected, warmed: expected, failures: [] })));
    expect(r.platform.warmups).toEqual(second.applied.map((x) => ({ action: x.action, count: expected })));
    // The warm-ups go out after the search state is written.
    expect(r.log.lastIndexOf('searchStates.replace')).toBeLessThan(r.log.findIndex((l) => l.startsWith('platform.prewarm')));
  });

  it('reports a failed handover in the summary without failing the tick, and sends no warm-up at handoverMaxContainers 0', async () => {
    const r = rig();
    await r.tick(0);
    r.platform.prewarmError = new Error('platform down');
    const s = acted(await r.tick(1));
    expect(s.applied.length).toBeGreaterThan(0);
    expect(s.handover).toEqual(s.applied.map((x) => ({ action: x.action, containers: 1, warmed: 0, failures: ['platform down'] })));
    expect(r.store.stateDocs.get(`search-state:${model.name}`)?.doc.iteration).toBe(2);

    const off = rig();
    await runBoStep({ workflow: model.name, fireTime: fireTime(0), claimant: 'a', definition }, off.ports, { ...options, handoverMaxContainers: 0 });
    off.platform.traffic(T0 + 2000, 6, 1000, new SeededRng(5));
    off.now = T0 + WINDOW_MS + 1000;
    const quiet = acted(await runBoStep({ workflow: model.name, fireTime: fireTime(1), claimant: 'b', definition }, off.ports, { ...options, handoverMaxContainers: 0 }));
    expect(quiet.applied.length).toBeGreaterThan(0);
    expect(quiet.handover).toEqual([]);
    expect(off.log.some((l) => l.startsWith('platform.prewarm'))).toBe(false);
  });

  it('the same tick fired twice changes nothing the second time: no second observation, no second limits update', async () => {
    const r = rig();
    await r.tick(0);
    acted(await r.tick(1));
    const observations = r.store.observationDocs.docs.size;
    const updates = r.log.filter((l) => l.startsWith('platform.updateLimits')).length;
    r.now += 5000;
    const again = await runBoStep({ workflow: model.name, fireTime: fireTime(1), claimant: 'redelivered', definition }, r.ports, options);
    expect(again).toEqual({ workflow: model.name, fireTime: fireTime(1), skipped: 'already-done' });
    expect(r.store.observationDocs.docs.size).toBe(observations);
    expect(r.log.filter((l) => l.startsWith('platform.updateLimits')).length).toBe(updates);
  });

  it('stores the observation before it applies any limits', async () => {
    const r = rig();
    await r.tick(0);
    r.log.length = 0;
    acted(await r.tick(1));
    const stored = r.log.indexOf('observations.append');
    const firstUpdate = r.log.findIndex((l) => l.startsWith('platform.updateLimits'));
    expect(stored).toBeGreaterThanOrEqual(0);
    expect(firstUpdate).toBeGreaterThan(stored);
    expect(r.log.filter((l) => l.startsWith('platform.updateLimits'))).toEqual(actions.map((a) => `platform.updateLimits ${a}`));
  });

  it('retries the search state write after a 409, re-reading it', async () => {
    const r = rig();
    await r.tick(0);
    r.store.failOnce.set('searchStates.replace', [new StoreError('conflict', 'put', 'http://fake-couch', 'Document update conflict.', 'search-state:social-network', 409)]);
    r.log.length = 0;
    const s = acted(await r.tick(1));
    expect(s.stateWriteAttempts).toBe(2);
    expect(r.log.filter((l) => l === 'searchStates.replace')).toHaveLength(2);
    expect(r.store.stateDocs.get('search-state:social-network')?.doc.iteration).toBe(2);
  });

  it('a CouchDB outage after the observation was stored loses nothing, and the tick resumes once its lease has passed', async () => {
    const r = rig();
    await r.tick(0);
    // The outage starts right after the observation is stored.
    const append = r.store.observations.append;
    r.store.observations.append = async (o) => {
      const result = await append(o);
      r.store.down = true;
      return result;
    };
    r.now = T0 + WINDOW_MS + 1000;
    const failure = runBoStep({ workflow: model.name, fireTime: fireTime(1), claimant: 'crashing', definition }, r.ports, options);
    await expect(failure).rejects.toBeInstanceOf(BoStepError);
    await expect(failure).rejects.toMatchObject({ code: 'store-unavailable' });
    r.store.observations.append = append;
    r.store.down = false;
    expect(r.store.observationDocs.docs.size).toBe(1);
    const updatesBefore = r.log.filter((l) => l.startsWith('platform.updateLimits')).length;
    // Within the lease the tick is still held.
    r.now = T0 + WINDOW_MS + 30_000;
    expect(await runBoStep({ workflow: model.name, fireTime: fireTime(1), claimant: 'early', definition }, r.ports, options)).toMatchObject({ skipped: 'in-progress' });
    // After it, the same tick is claimed again: the stored observation is found, not doubled, and the step goes on.
    r.now = T0 + WINDOW_MS + 1000 + options.leaseMs;
    const resumed = acted(await runBoStep({ workflow: model.name, fireTime: fireTime(1), claimant: 'retry', definition }, r.ports, options));
    expect(resumed.observation?.outcome).toBe('already-stored');
    expect(resumed.decision.kind).toBe('probe');
    expect(r.store.observationDocs.docs.size).toBe(1);
    expect(r.log.filter((l) => l.startsWith('platform.updateLimits')).length).toBe(updatesBefore + actions.length);
    expect(r.store.tickDocs.get(`tick:${boStepTickKind(model.name)}:${fireTime(1)}`)?.doc).toMatchObject({ state: 'done', attempt: 2 });
  });

  it('a later tick after an unfinished one collects only its own window', async () => {
    const r = rig();
    await r.tick(0);
    r.store.down = false;
    // Tick 1 stores its window, then CouchDB goes down before the state is written.
    const replace = r.store.searchStates.replace;
    r.store.searchStates.replace = async () => {
      throw new StoreError('unavailable', 'put', 'http://fake-couch', 'socket hang up');
    };
    r.now = T0 + WINDOW_MS + 1000;
    await expect(runBoStep({ workflow: model.name, fireTime: fireTime(1), claimant: 'x', definition }, r.ports, options)).rejects.toMatchObject({ code: 'store-unavailable' });
    r.store.searchStates.replace = replace;
    r.platform.traffic(T0 + WINDOW_MS + 2000, 4, 1000, new SeededRng(3));
    const s = acted(await r.tick(2));
    expect(s.observation).toMatchObject({ outcome: 'created', invocations: 4 });
    expect(r.store.observationDocs.docs.size).toBe(2);
  });

  it('a probe window opens at the time the platform stamped the limits change, not at the tick\'s wall clock', async () => {
    const r = rig();
    // The platform's clock runs 10 minutes behind the action's (the local runtime's simulated clock, or skew).
    r.platform.platformTimeMs = T0 - 600_000;
    await r.tick(0);
    const pending = r.store.stateDocs.get(`search-state:${model.name}`)?.doc.pending;
    expect(pending?.startedAt).toBe(new Date(T0 - 600_000).toISOString());
    // Traffic stamped by the platform's clock (before the wall-clock time of the tick) is in the window.
    r.platform.traffic(T0 - 590_000, 5, 1000, new SeededRng(4));
    const s = acted(await r.tick(1, 0));
    expect(s.observation).toMatchObject({ outcome: 'created', invocations: 5 + 6 });
  });

  it('without the CPU-limit extension only memory is set, CPU follows memory, and the summary says so', async () => {
    const r = rig();
    const s = acted(await runBoStep({ workflow: model.name, fireTime: fireTime(0), claimant: 'a', definition: { stages: model.stages.map((st, i) => ({ name: st.name, after: st.after, action: actions[i], memoryMB: { min: 128, max: 3008, step: 64 } })) } }, r.ports, { ...options, cpuLimitExtension: false }));
    expect(s.applied).toEqual(actions.map((action) => ({ action, memoryMB: 3008, cpu: null })));
    expect(r.platform.limits.get(actions[0])).toEqual({ memoryMB: 3008 });
    expect(s.cpuNote).toMatch(/CPU follows memory/);
  });

  it.each([
    ['an unknown workflow', 'unknown-workflow', { workflow: 'nope', fireTime: fireTime(0), definition }, /nope/],
    ['a bad fire time', 'invalid-input', { workflow: model.name, fireTime: 'yesterday', definition }, /fireTime.*"yesterday"/],
    ['a definition naming a stage that is not stored', 'invalid-input', { workflow: model.name, fireTime: fireTime(0), definition: { stages: [{ name: 'ghost' }] } }, /unknown stage "ghost"/],
    ['a definition with a cycle', 'invalid-input', { workflow: model.name, fireTime: fireTime(0), definition: { stages: model.stages.map((s) => ({ name: s.name, after: s.name === 'compose-post' ? ['store-post'] : s.after })) } }, /cycle/],
  ])('%s is a BoStepError with code %s', async (_what, code, input, message) => {
    const r = rig();
    const failure = runBoStep({ claimant: 'c', ...input }, r.ports, options);
    await expect(failure).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });
});
