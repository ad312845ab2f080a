import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcessInvoker, OUT_OF_MEMORY_MESSAGE } from '../../src/local-openwhisk/child-process-invoker';
import { ManualClock } from '../support/manual-clock';
import { contextOf, nodeAction, numberField, sleeper, wallClock } from './live-fixtures';

/** Invokers without cgroups: the memory budget, eviction, the FIFO wait and the counters do not need them. */
describe('ChildProcessInvoker memory budget and accounting (no cgroups)', () => {
  let workDir: string;
  const invokers: ChildProcessInvoker[] = [];
  const make = (options: Partial<ConstructorParameters<typeof ChildProcessInvoker>[0]> = {}): ChildProcessInvoker => {
    const invoker = new ChildProcessInvoker({ clock: wallClock, workDir, ...options });
    invokers.push(invoker);
    return invoker;
  };

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'aquatope-budget-test-'));
  });
  afterAll(async () => {
    await Promise.all(invokers.map((i) => i.close()));
    expect(readdirSync(workDir)).toEqual([]);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('does not enforce limits, and says nothing, with limits none', () => {
    const lines: string[] = [];
    const invoker = make({ limits: 'none', warn: (l) => lines.push(l) });
    expect(invoker.limitsEnforced).toBe(false);
    expect(lines).toEqual([]);
  });

  it('warns once and runs unlimited when cgroup limits are asked for but not writable', async () => {
    const lines: string[] = [];
    const root = join(workDir, 'no-cgroups-here');
    const invoker = make({ limits: 'cgroup', cgroupRoot: root, warn: (l) => lines.push(l) });
    expect(invoker.limitsEnforced).toBe(false);
    const a = nodeAction('plain', 'exports.main = () => ({ ok: true });');
    expect((await invoker.invoke(a, {}, contextOf())).status).toBe('success');
    expect((await invoker.invoke(a, {}, contextOf())).status).toBe('success');
    expect(lines).toEqual([`aquatope: cgroup limits requested but cgroups are not writable (no cgroup v1 cpu controller at ${join(root, 'cpu')} (ENOENT)); actions run WITHOUT memory and CPU limits`]);
  });

  it('counts a cold, a warm and a prewarmed start, and integrates idle memory by the injected clock', async () => {
    const clock = new ManualClock(1_000_000);
    const invoker = make({ clock });
    const a = nodeAction('counted', 'exports.main = (p) => ({ pid: process.pid, warm: p.__aquatope_warmup === true });', { memory: 256 });
    const warmup = await invoker.invoke(a, { __aquatope_warmup: true }, contextOf());
    expect(warmup.initTimeMs).toEqual(expect.any(Number));
    expect(invoker.stats()).toMatchObject({ coldStarts: 1, warmStarts: 0, prewarmedStarts: 0, warmupInvocations: 1, containers: 1, idleContainers: 1, idleMemoryMBms: 0 });
    clock.now += 1_000;
    // Still idle: the running idle period counts up to now.
    expect(invoker.stats().idleMemoryMBms).toBe(256 * 1_000);
    const first = await invoker.invoke(a, {}, contextOf());
    expect(first.initTimeMs).toBeUndefined();
    expect(numberField(first, 'pid')).toBe(numberField(warmup, 'pid'));
    clock.now += 500;
    const second = await invoker.invoke(a, {}, contextOf());
    expect(numberField(second, 'pid')).toBe(numberField(warmup, 'pid'));
    expect(invoker.stats()).toMatchObject({ coldStarts: 1, warmStarts: 2, prewarmedStarts: 1, warmupInvocations: 1, containers: 1, idleMemoryMBms: 256 * 1_500, reservedMemoryMB: 256 });
    // A cold start by a user activation is no prewarmed start, and the idle container reused later neither.
    const b = nodeAction('unwarmed', 'exports.main = () => ({});', { memory: 128 });
    await invoker.invoke(b, {}, contextOf());
    await invoker.invoke(b, {}, contextOf());
    expect(invoker.stats()).toMatchObject({ coldStarts: 2, warmStarts: 3, prewarmedStarts: 1, containers: 2, reservedMemoryMB: 384 });
    // Two first containers, one of them started by the warm-up.
    expect(invoker.stats()).toMatchObject({ warmupColdStarts: 1, coldStartCauses: { first: 2, changed: 0, busy: 0, expired: 0, evicted: 0, failed: 0 } });
    clock.now += 100;
    await invoker.close();
    // Closing ends both idle periods: 256 MB idle 1,500 + 100 ms, 128 MB idle 100 ms.
    expect(invoker.stats()).toMatchObject({ containers: 0, idleContainers: 0, reservedMemoryMB: 0, idleMemoryMBms: 256 * 1_600 + 128 * 100 });
  });

  it('keys warm containers by limits: a container started at 256 MB does not serve the action at 512 MB', async () => {
    const invoker = make();
    const code = 'exports.main = () => ({ pid: process.pid });';
    const at256 = await invoker.invoke(nodeAction('resized', code, { memory: 256 }), {}, contextOf());
    const at512 = await invoker.invoke(nodeAction('resized', code, { memory: 512 }), {}, contextOf());
    const again512 = await invoker.invoke(nodeAction('resized', code, { memory: 512 }), {}, contextOf());
    const halfCore = await invoker.invoke(nodeAction('resized', code, { memory: 512, cpu: 0.5 }), {}, contextOf());
    expect(at512.initTimeMs).toEqual(expect.any(Number));
    expect(numberField(at512, 'pid')).not.toBe(numberField(at256, 'pid'));
    expect(numberField(again512, 'pid')).toBe(numberField(at512, 'pid'));
    expect(numberField(halfCore, 'pid')).not.toBe(numberField(at512, 'pid'));
    // The first container is the action's first; the new memory and the new CPU limit are changes.
    expect(invoker.stats()).toMatchObject({ coldStarts: 3, warmupColdStarts: 0, coldStartCauses: { first: 1, changed: 2, busy: 0, expired: 0, evicted: 0, failed: 0 } });
  });

  it('says a cold start was needed because every container of the action was busy', async () => {
    const invoker = make();
    const a = nodeAction('concurrent', sleeper(300), { memory: 128 });
    const both = await Promise.all([invoker.invoke(a, {}, contextOf()), invoker.invoke(a, {}, contextOf())]);
    expect(numberField(both[0], 'pid')).not.toBe(numberField(both[1], 'pid'));
    expect(invoker.stats().coldStartCauses).toEqual({ first: 1, changed: 0, busy: 1, expired: 0, evicted: 0, failed: 0 });
  });

  it('says a cold start was needed because the last container expired after its keep-alive', async () => {
    const invoker = make({ keepAliveMs: 50 });
    const a = nodeAction('expiring', 'exports.main = () => ({ pid: process.pid });', { memory: 128 });
    await invoker.invoke(a, {}, contextOf());
    await new Promise((r) => setTimeout(r, 300));
    expect(invoker.stats().containers).toBe(0);
    const again = await invoker.invoke(a, {}, contextOf());
    expect(again.initTimeMs).toEqual(expect.any(Number));
    expect(invoker.stats().coldStartCauses).toEqual({ first: 1, changed: 0, busy: 0, expired: 1, evicted: 0, failed: 0 });
  });

  it('says a cold start was needed because the last container failed', async () => {
    const invoker = make();
    const a = nodeAction('exit-once', 'exports.main = (p) => (p.crash === true ? process.exit(3) : { pid: process.pid });', { memory: 128 });
    expect((await invoker.invoke(a, { crash: true }, contextOf())).status).toBe('action developer error');
    const again = await invoker.invoke(a, {}, contextOf());
    expect(again.status).toBe('success');
    expect(invoker.stats().coldStartCauses).toEqual({ first: 1, changed: 0, busy: 0, expired: 0, evicted: 0, failed: 1 });
  });

  it('evicts idle containers oldest-first when a new one would exceed userMemoryMB', async () => {
    const invoker = make({ userMemoryMB: 256 });
    const code = 'exports.main = () => ({ pid: process.pid });';
    const a = nodeAction('evict-a', code, { memory: 128 });
    const b = nodeAction('evict-b', code, { memory: 128 });
    const c = nodeAction('evict-c', code, { memory: 128 });
    const a1 = await invoker.invoke(a, {}, contextOf());
    const b1 = await invoker.invoke(b, {}, contextOf());
    expect(invoker.stats()).toMatchObject({ containers: 2, reservedMemoryMB: 256, evictions: 0 });
    // c needs 128 MB more: a, idle longest, goes.
    await invoker.invoke(c, {}, contextOf());
    expect(invoker.stats()).toMatchObject({ containers: 2, reservedMemoryMB: 256, evictions: 1 });
    const b2 = await invoker.invoke(b, {}, contextOf());
    expect(b2.initTimeMs).toBeUndefined();
    expect(numberField(b2, 'pid')).toBe(numberField(b1, 'pid'));
    // a again: cold; now c is the oldest idle one (b was used after it).
    const a2 = await invoker.invoke(a, {}, contextOf());
    expect(a2.initTimeMs).toEqual(expect.any(Number));
    expect(numberField(a2, 'pid')).not.toBe(numberField(a1, 'pid'));
    const b3 = await invoker.invoke(b, {}, contextOf());
    expect(numberField(b3, 'pid')).toBe(numberField(b1, 'pid'));
    expect(invoker.stats()).toMatchObject({ coldStarts: 4, warmStarts: 2, evictions: 2, containers: 2 });
    // a's second container: its first was evicted for c.
    expect(invoker.stats().coldStartCauses).toEqual({ first: 3, changed: 0, busy: 0, expired: 0, evicted: 1, failed: 0 });
  });

  it('makes activations wait in FIFO order while all memory is busy, and serves them as it frees', async () => {
    const invoker = make({ userMemoryMB: 256 });
    const busy1 = invoker.invoke(nodeAction('busy-1', sleeper(400), { memory: 128 }), {}, contextOf());
    const busy2 = invoker.invoke(nodeAction('busy-2', sleeper(700), { memory: 128 }), {}, contextOf());
    await new Promise((r) => setTimeout(r, 100));
    const q1 = invoker.invoke(nodeAction('queued-1', sleeper(0), { memory: 128 }), {}, contextOf());
    const q2 = invoker.invoke(nodeAction('queued-2', sleeper(0), { memory: 128 }), {}, contextOf());
    await new Promise((r) => setTimeout(r, 50));
    expect(invoker.stats()).toMatchObject({ waiting: 2, containers: 2, reservedMemoryMB: 256 });
    const [b1, b2, r1, r2] = await Promise.all([busy1, busy2, q1, q2]);
    for (const o of [b1, b2, r1, r2]) expect(o.status).toBe('success');
    // queued-1 got busy-1's memory when it was released (and evicted); queued-2 had to wait for busy-2 or queued-1.
    expect(numberField(r1, 'startedAt')).toBeGreaterThanOrEqual(numberField(b1, 'startedAt') + 400);
    expect(numberField(r2, 'startedAt')).toBeGreaterThanOrEqual(numberField(r1, 'startedAt'));
    expect(invoker.stats()).toMatchObject({ waiting: 0, coldStarts: 4, evictions: 2 });
    expect(invoker.stats().reservedMemoryMB).toBeLessThanOrEqual(256);
  });

  it('gives up waiting for memory at the action time limit, and refuses an action larger than all memory', async () => {
    const invoker = make({ userMemoryMB: 256 });
    const hog = invoker.invoke(nodeAction('hog', sleeper(800), { memory: 256 }), {}, contextOf());
    await new Promise((r) => setTimeout(r, 100));
    const starved = await invoker.invoke(nodeAction('starved', sleeper(0), { memory: 128, timeout: 200 }), {}, contextOf());
    expect(starved).toMatchObject({
      status: 'whisk internal error',
      result: { error: 'No memory was free in the invoker for the action (128 MB of 256 MB) within its time limit of 200 milliseconds.' },
    });
    expect(invoker.stats().waiting).toBe(0);
    expect((await hog).status).toBe('success');
    const huge = await invoker.invoke(nodeAction('huge', sleeper(0), { memory: 512 }), {}, contextOf());
    expect(huge).toMatchObject({ status: 'whisk internal error', result: { error: "The action's memory limit of 512 MB exceeds the invoker's user memory of 256 MB." } });
  });

  it('reports a JS heap that outgrows V8 heap limit (no cgroup) as out of memory', async () => {
    const invoker = make();
    const grow = nodeAction('heap-grow', 'exports.main = () => { const a = []; for (let i = 0; ; i++) a.push({ i, s: "x" + i }); };', { memory: 128 });
    const outcome = await invoker.invoke(grow, {}, contextOf());
    expect(outcome).toMatchObject({ status: 'action developer error', result: { error: OUT_OF_MEMORY_MESSAGE } });
    expect(outcome.logs.some((l) => /heap out of memory|Reached heap limit/.test(l))).toBe(true);
    expect(invoker.stats()).toMatchObject({ outOfMemoryKills: 1, containers: 0, reservedMemoryMB: 0 });
  }, 60_000);

  it('still reports a plain abnormal exit as such', async () => {
    const invoker = make();
    const outcome = await invoker.invoke(nodeAction('exit-3', 'exports.main = () => process.exit(3);'), {}, contextOf());
    expect(outcome.result).toEqual({ error: 'The action did not produce a valid response and exited unexpectedly.' });
    expect(invoker.stats().outOfMemoryKills).toBe(0);
  });

  it('answers waiting activations when closed', async () => {
    const invoker = make({ userMemoryMB: 128 });
    const busy = invoker.invoke(nodeAction('closing-busy', sleeper(5_000), { memory: 128 }), {}, contextOf());
    await new Promise((r) => setTimeout(r, 100));
    const waiting = invoker.invoke(nodeAction('closing-waiting', sleeper(0), { memory: 128 }), {}, contextOf());
    await new Promise((r) => setTimeout(r, 20));
    await invoker.close();
    expect(await waiting).toMatchObject({ status: 'whisk internal error', result: { error: 'The invoker is shut down.' } });
    expect((await busy).status).toBe('action developer error');
    expect(invoker.stats()).toMatchObject({ containers: 0, waiting: 0, reservedMemoryMB: 0 });
  });
});
