/**
 * The live runtime end to end, with the real parts: the project's bundles
 * (built into a temporary folder), both manifests deployed by the deploy
 * code, the `openwhisk` client, the embedded CouchDB, and the social-network
 * workflow's real stages run in child processes under cgroup limits. The
 * alarms are fired by hand (the timers are the same `fire`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openwhisk from 'openwhisk';
import { buildAll } from '../../src/deploy/build-actions';
import { listAquatopeGroups, probeCgroups } from '../../src/live/cgroup-v1';
import { toStageActivation } from '../../src/manager/openwhisk-bo-step-platform';
import { BO_STEP_TRIGGER, SCHEDULER_TRIGGER } from '../../src/runtime/local-runtime';
import { LiveRuntime, liveBoStepDefinition, type LiveWorkflow } from '../../src/runtime/live-runtime';
import { LIVE_MAX_LIMITS, LIVE_SPACE } from '../../src/runtime/live-workflows';
import { recordLimits } from '../../src/runtime/live-workflow-summary';
import { SMALL_INPUTS } from '../benchmark/workflows/real/small-inputs';
import { stageInput } from '../../benchmark/workflows/real-workflows';
import { descendantPids, isAlive } from '../load/load-fixtures';

const REPO = join(__dirname, '..', '..');
const probe = probeCgroups();
if (!probe.writable) console.log(`the live runtime test is skipped: it needs writable cgroups (${probe.reason})`);
const live = probe.writable ? describe : describe.skip;

const WORKFLOW: LiveWorkflow = {
  name: 'social-network',
  stages: [
    { name: 'compose-post', after: [] },
    { name: 'text-filter', after: ['compose-post'] },
    { name: 'social-graph', after: ['compose-post'] },
    { name: 'store-post', after: ['text-filter', 'social-graph'] },
  ],
  qos: { percentile: 95, targetMs: 5000 },
  prices: { gbSecond: 0.0000166667, cpuCoreSecond: 0.0000287924 },
  overheadMs: 60,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

live('the live runtime', () => {
  const work = mkdtempSync(join(tmpdir(), 'aquatope-live-'));
  let runtime: LiveRuntime;
  let ow: ReturnType<typeof openwhisk>;
  let before = new Set<number>();

  beforeAll(async () => {
    await buildAll({ rootDir: REPO, outDir: join(work, 'dist') });
    // esbuild keeps its service process: count only what the runtime starts.
    before = new Set(descendantPids());
    runtime = new LiveRuntime({
      manifestPath: join(REPO, 'manifests', 'manifest.yaml'),
      deploymentPath: join(REPO, 'manifests', 'deployment.yaml'),
      workflowsManifestPath: join(REPO, 'manifests', 'workflows.yaml'),
      bundleDir: join(work, 'dist', 'actions'),
      workflowsBundleDir: join(work, 'dist', 'workflows'),
      workflows: [WORKFLOW],
      storage: { kind: 'memory' },
      managed: true,
      startLimits: LIVE_MAX_LIMITS,
      space: LIVE_SPACE,
      probeWindowMs: 60_000,
      seed: 3,
      log: () => undefined,
      warn: (line) => {
        throw new Error(`unexpected warning: ${line}`);
      },
    });
    const access = await runtime.start();
    ow = openwhisk({ apihost: access.apiHost, api_key: access.apiKey });
  }, 180_000);

  afterAll(async () => {
    await runtime.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('runs the real workflow under its stages\' limits: every stage record carries 1,024 MB and 2 cores, the first run of each is cold', async () => {
    expect(runtime.limitsEnforced).toBe(true);
    for (let k = 0; k < 3; k++) {
      const answer: unknown = await ow.actions.invoke({ name: 'social-network/invoke', params: { ...SMALL_INPUTS['social-network'] }, blocking: true, result: true });
      expect(isRecord(answer) && typeof answer['sha256'] === 'string').toBe(true);
    }
    const { platform } = runtime.handles;
    for (const stage of WORKFLOW.stages) {
      const records = await platform.listActivationsSince(0, { name: `social-network/${stage.name}`, docs: true });
      expect(records).toHaveLength(3);
      for (const r of records) expect(recordLimits(r)).toEqual({ memoryMB: 1024, cpu: 2 });
      expect(records.filter((r) => r.initTimeMs !== undefined)).toHaveLength(1);
    }
  }, 120_000);

  it('keeps processes warm for warm-ups, as the pool sizer asks, and counts the starts they saved', async () => {
    const { platform } = runtime.handles;
    // New limits: no process of text-filter at them yet.
    await platform.updateActionLimits('social-network/text-filter', { memoryMB: 512, cpu: 1 });
    const before = (await runtime.report()).processes;
    const warmed = await platform.prewarm('social-network/text-filter', 1);
    expect(warmed).toMatchObject({ requested: 1, warmed: 1, failures: [] });
    const after = (await runtime.report()).processes;
    expect(after.coldStarts).toBe(before.coldStarts + 1);
    // The next invocation's text-filter run starts warm, in the prewarmed process.
    await ow.actions.invoke({ name: 'social-network/invoke', params: { ...SMALL_INPUTS['social-network'] }, blocking: true, result: true });
    const used = (await runtime.report()).processes;
    expect(used.prewarmedStarts).toBe(before.prewarmedStarts + 1);
    expect(used.coldStarts).toBe(after.coldStarts);
  }, 60_000);

  it('fires the scheduler chain on the live records: it stores the minute of every stage action', async () => {
    const fireTime = new Date(Math.ceil(Date.now() / 60_000) * 60_000).toISOString();
    const tick = await runtime.fire(SCHEDULER_TRIGGER, { fireTime });
    expect(tick.failure).toBeNull();
    const { store } = runtime.handles;
    const minutes = await store.series.range(new Date(Date.parse(fireTime) - 30 * 60_000).toISOString(), fireTime);
    const functions = new Set(minutes.flatMap((m) => m.functions.map((f) => f.function)));
    const ns = runtime.handles.access.namespace;
    expect([...functions]).toEqual(expect.arrayContaining([`/${ns}/social-network/compose-post`, `/${ns}/social-network/store-post`]));
  }, 120_000);

  it('lets bo-step tune the real stages: a tick applies its first probe configuration, changing only the stage actions that lacked it', async () => {
    const { platform } = runtime.handles;
    const actions = WORKFLOW.stages.map((s) => `social-network/${s.name}`);
    const before = await Promise.all(actions.map((a) => platform.getAction(a)));
    const fireTime = new Date().toISOString();
    const tick = await runtime.fire(BO_STEP_TRIGGER, { workflow: WORKFLOW.name, fireTime, definition: liveBoStepDefinition(WORKFLOW, LIVE_SPACE) });
    expect(tick.failure).toBeNull();
    const result = tick.results[0];
    if (!isRecord(result) || !Array.isArray(result['applied']) || !isRecord(result['decision']) || !Array.isArray(result['decision']['limits'])) {
      throw new Error(`bo-step answered ${JSON.stringify(result)}`);
    }
    // The first probe is the largest configuration; text-filter was moved off it above, the other stages still have it.
    const wanted = result['decision']['limits'];
    expect(wanted).toEqual(WORKFLOW.stages.map((s) => ({ stage: s.name, memoryMB: 1024, cpu: 2 })));
    expect(result['applied']).toEqual([{ action: 'social-network/text-filter', memoryMB: 1024, cpu: 2 }]);
    const after = await Promise.all(actions.map((a) => platform.getAction(a)));
    for (const info of after) expect({ memoryMB: info.limits.memoryMB, cpu: info.limits.cpu }).toEqual({ memoryMB: 1024, cpu: 2 });
    // Only text-filter got a new revision: the others keep their warm processes.
    expect(after.map((a) => a.version)).toEqual(before.map((b, i) => (actions[i] === 'social-network/text-filter' ? expect.not.stringMatching(`^${b.version}$`) : b.version)));
    // Its new revision was handed over warm: one warm-up (no window yet), answered by a new process at the new limits.
    expect(result['handover']).toEqual([{ action: 'social-network/text-filter', containers: 1, warmed: 1, failures: [] }]);
    const warmups = await platform.listActivationsSince(Date.parse(fireTime) - 60_000, { name: 'social-network/text-filter', docs: true });
    const handedOver = warmups.filter((a) => isRecord(a.response?.result) && a.response?.result['warmed'] === true && recordLimits(a)?.memoryMB === 1024 && recordLimits(a)?.cpu === 2);
    expect(handedOver).toHaveLength(1);
    expect(handedOver[0].initTimeMs).toEqual(expect.any(Number));
  }, 120_000);

  it('shows a stage over its memory limit as out of memory in its activation record, which the manager reads as infeasible', async () => {
    const { platform } = runtime.handles;
    await platform.updateActionLimits('social-network/social-graph', { memoryMB: 128, cpu: 1 });
    // 2,000,000 users x 20 followers: 40 million edges, far beyond 128 MB.
    const input = await stageInput('social-network', 'social-graph', { ...SMALL_INPUTS['social-network'], users: 2_000_000, degree: 20, depth: 2 });
    const failed = await platform.invokeBlocking('social-network/social-graph', input);
    if (failed.kind !== 'completed') throw new Error('no record');
    expect(failed.activation.response?.success).toBe(false);
    expect(failed.activation.response?.result).toEqual({ error: 'The action exhausted its memory and was aborted.' });
    expect(toStageActivation(failed.activation)?.outOfMemory).toBe(true);
  }, 120_000);

  it('reports the run from the records: invocations, cost at the recorded limits, and an out-of-memory stage run', async () => {
    const report = await runtime.report();
    const [wf] = report.workflows;
    expect(wf.invocations).toBe(4);
    expect(wf.failed).toBe(0);
    expect(wf.costPerInvocation).toBeGreaterThan(0);
    expect(wf.outOfMemory).toBe(1);
    expect(report.limitsEnforced).toBe(true);
    expect(report.processes.outOfMemoryKills).toBe(1);
    expect(report.schedulerTicks).toBe(1);
    expect(report.boStepTicks).toBe(1);
    expect(report.search['social-network'].phase).not.toBeNull();
    // The one bo-step tick started the search at the largest configuration: the report says so.
    expect(report.search['social-network'].lastDecision).toBe('probe: start at the largest configuration');
  }, 60_000);

  it('stops every process and cgroup it started', async () => {
    await runtime.stop();
    const started = descendantPids().filter((p) => !before.has(p));
    expect(started.filter(isAlive)).toEqual([]);
    expect(listAquatopeGroups().filter((g) => g.includes(`aquatope-${process.pid}-`))).toEqual([]);
  }, 60_000);
});
