import openwhisk from 'openwhisk';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRng } from '../../src/core/rng';
import { DEFAULT_CGROUP_ROOT, groupPids, listAquatopeGroups, probeCgroups } from '../../src/live/cgroup-v1';
import { ChildProcessInvoker, OUT_OF_MEMORY_MESSAGE } from '../../src/local-openwhisk/child-process-invoker';
import { generateAuthKey } from '../../src/local-openwhisk/ids';
import type { InvocationOutcome } from '../../src/local-openwhisk/invoker';
import { startLocalOpenWhisk } from '../../src/local-openwhisk/local-openwhisk-server';
import { rejected } from '../support/whisk-records';
import { contextOf, median, nodeAction, numberField, resultField, running, wallClock } from './live-fixtures';

const probe = probeCgroups(DEFAULT_CGROUP_ROOT);
if (!probe.writable) console.log(`skipping the real cgroup tests: ${probe.reason}`);
const live = probe.writable ? describe : describe.skip;

/** The groups this test process made (other processes may have their own). */
const ours = (): string[] => listAquatopeGroups().filter((p) => p.includes(`/aquatope-${process.pid}-`));

/** Where a process sits in a cgroup v1 controller, e.g. `/aquatope-12-1/c1`. */
function cgroupOf(pid: number, controller: 'cpu' | 'memory'): string {
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
    const [, controllers, path] = line.split(':');
    if (controllers !== undefined && path !== undefined && controllers.split(',').includes(controller)) return path;
  }
  throw new Error(`process ${pid} is in no ${controller} group`);
}

/** A fixed amount of CPU work: `iterations` chained SHA-256 hashes (not a timed loop). */
function hashWork(iterations: number): string {
  return `const { createHash } = require('crypto');
exports.main = () => {
  let h = Buffer.alloc(32);
  for (let i = 0; i < ${iterations}; i++) h = createHash('sha256').update(h).digest();
  return { digest: h.toString('hex') };
};`;
}

/** Allocates and fills 8 MB Buffers until something stops it. */
const BUFFER_HOG = 'exports.main = () => { const held = []; for (;;) held.push(Buffer.alloc(8 * 1024 * 1024, 1)); };';

live('ChildProcessInvoker with real cgroup v1 limits', () => {
  let workDir: string;
  const warnings: string[] = [];
  let invoker: ChildProcessInvoker;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'aquatope-cgroup-test-'));
    invoker = new ChildProcessInvoker({ clock: wallClock, workDir, limits: 'cgroup', warn: (l) => warnings.push(l) });
  });
  afterAll(async () => {
    await invoker.close();
    expect(ours()).toEqual([]);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('enforces limits without warning', () => {
    expect(invoker.limitsEnforced).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('places the process in its groups before the action code loads, with the limits written', async () => {
    // The module's top level runs at init: it already sees its own cgroups.
    const code = `const fs = require('fs');
const atLoad = fs.readFileSync('/proc/self/cgroup', 'utf8');
exports.main = () => ({ pid: process.pid, atLoad });`;
    const withCpu = await invoker.invoke(nodeAction('placed', code, { memory: 256, cpu: 0.25 }), {}, contextOf());
    const byMemory = await invoker.invoke(nodeAction('placed-lambda', code, { memory: 256 }), {}, contextOf());
    const expected: { outcome: InvocationOutcome; quota: number }[] = [
      { outcome: withCpu, quota: 25_000 },
      // No limits.cpu: 256 MB / 1769 MB per core.
      { outcome: byMemory, quota: 14_471 },
    ];
    for (const { outcome, quota } of expected) {
      const pid = numberField(outcome, 'pid');
      const cpu = cgroupOf(pid, 'cpu');
      const memory = cgroupOf(pid, 'memory');
      expect(cpu).toMatch(new RegExp(`^/aquatope-${process.pid}-\\d+/c\\d+$`));
      expect(memory).toBe(cpu);
      expect(String(resultField(outcome, 'atLoad'))).toContain(`:cpu:${cpu}`);
      expect(String(resultField(outcome, 'atLoad'))).toContain(`:memory:${memory}`);
      const dir = (c: string) => join(DEFAULT_CGROUP_ROOT, c, cpu);
      expect(readFileSync(join(dir('cpu'), 'cpu.cfs_period_us'), 'utf8').trim()).toBe('100000');
      expect(readFileSync(join(dir('cpu'), 'cpu.cfs_quota_us'), 'utf8').trim()).toBe(String(quota));
      expect(readFileSync(join(dir('memory'), 'memory.limit_in_bytes'), 'utf8').trim()).toBe(String(256 * 2 ** 20));
      const memsw = join(dir('memory'), 'memory.memsw.limit_in_bytes');
      if (readdirSync(dir('memory')).includes('memory.memsw.limit_in_bytes')) expect(readFileSync(memsw, 'utf8').trim()).toBe(String(256 * 2 ** 20));
    }
  });

  it('runs a CPU-bound action at 0.5 cores at least 1.5x as long as at 1 core (median of 3 warm runs)', async () => {
    // Several 100 ms CFS periods of work: the quota left in a period when a run starts is a head start of up to 50 ms at 0.5 cores.
    const code = hashWork(300_000);
    const actions = { full: nodeAction('hash-1', code, { memory: 256, cpu: 1 }), half: nodeAction('hash-0.5', code, { memory: 256, cpu: 0.5 }) };
    const colds = [await invoker.invoke(actions.full, {}, contextOf()), await invoker.invoke(actions.half, {}, contextOf())];
    for (const cold of colds) expect(cold).toMatchObject({ status: 'success', initTimeMs: expect.any(Number) });
    const durations: { full: number[]; half: number[] } = { full: [], half: [] };
    const order: ('full' | 'half')[] = ['full', 'half'];
    // Interleaved, so a load that comes and goes on the machine weighs on both alike.
    for (let i = 0; i < 3; i++) {
      for (const which of order) {
        const run = await invoker.invoke(actions[which], {}, contextOf());
        expect(run.status).toBe('success');
        expect(run.initTimeMs).toBeUndefined();
        expect(resultField(run, 'digest')).toBe(resultField(colds[0], 'digest'));
        durations[which].push(run.durationMs);
      }
    }
    const ratio = median(durations.half) / median(durations.full);
    console.log(`CPU-bound action, warm runs: 1 core ${durations.full.join('/')} ms, 0.5 cores ${durations.half.join('/')} ms, ratio of medians ${ratio.toFixed(2)}`);
    expect(ratio).toBeGreaterThanOrEqual(1.5);
  }, 60_000);

  it('reports an action filling Buffers beyond its 128 MB as out of memory, the group having recorded the kill', async () => {
    const before = invoker.stats().outOfMemoryKills;
    const outcome = await invoker.invoke(nodeAction('buffer-hog', BUFFER_HOG, { memory: 128, cpu: 1 }), {}, contextOf());
    expect(outcome).toMatchObject({ status: 'action developer error', result: { error: OUT_OF_MEMORY_MESSAGE } });
    const stats = invoker.stats();
    expect(stats.outOfMemoryKills).toBe(before + 1);
    // The peak the kernel recorded is the limit (usage never passes it).
    expect(stats.peakMemoryMB).toBeGreaterThanOrEqual(100);
    expect(stats.peakMemoryMB).toBeLessThanOrEqual(256);
    // The next activation starts a fresh container.
    const again = await invoker.invoke(nodeAction('buffer-hog', BUFFER_HOG, { memory: 128, cpu: 1 }), {}, contextOf());
    expect(again.initTimeMs).toEqual(expect.any(Number));
    expect(again.result).toEqual({ error: OUT_OF_MEMORY_MESSAGE });
  }, 60_000);

  it('reports a growing JS heap beyond 128 MB as out of memory (cgroup or V8, whichever stops it)', async () => {
    const grow = nodeAction('array-grow', 'exports.main = () => { const a = []; for (let i = 0; ; i++) a.push({ i, s: "x" + i }); };', { memory: 128, cpu: 1 });
    const outcome = await invoker.invoke(grow, {}, contextOf());
    expect(outcome).toMatchObject({ status: 'action developer error', result: { error: OUT_OF_MEMORY_MESSAGE } });
  }, 60_000);

  it('leaves no process and no cgroup behind after close, children and detached grandchildren included', async () => {
    const own = new ChildProcessInvoker({ clock: wallClock, workDir, limits: 'cgroup' });
    const code = `const { spawn } = require('child_process');
exports.main = () => {
  const child = spawn('sh', ['-c', 'sleep 30'], { stdio: 'ignore' });
  // Its own process group: only the cgroup still holds it.
  const escaped = spawn('sh', ['-c', 'sleep 30'], { stdio: 'ignore', detached: true });
  return { pid: process.pid, child: child.pid, escaped: escaped.pid };
};`;
    const outcome = await own.invoke(nodeAction('spawner', code, { memory: 128 }), {}, contextOf());
    expect(outcome.status).toBe('success');
    const pid = numberField(outcome, 'pid');
    const group = cgroupOf(pid, 'memory');
    const dirs = { cpuDir: join(DEFAULT_CGROUP_ROOT, 'cpu', group), memoryDir: join(DEFAULT_CGROUP_ROOT, 'memory', group) };
    await new Promise((r) => setTimeout(r, 100));
    const pids = groupPids(dirs);
    for (const p of [pid, numberField(outcome, 'child'), numberField(outcome, 'escaped')]) expect(pids).toContain(p);
    for (const p of pids) expect(running(p)).toBe(true);
    await own.close();
    for (const p of pids) expect(running(p)).toBe(false);
    expect(listAquatopeGroups().filter((p) => p.endsWith(group.split('/')[1]))).toEqual([]);
    expect(readdirSync(workDir).length).toBe(1);
  });

  it('fails a cold start whose shell cannot start, and leaves no group behind', async () => {
    const own = new ChildProcessInvoker({ clock: wallClock, workDir, limits: 'cgroup', shellPath: join(workDir, 'no-such-shell') });
    const outcome = await own.invoke(nodeAction('no-shell', 'exports.main = () => ({});', { memory: 128 }), {}, contextOf());
    expect(outcome).toMatchObject({ status: 'whisk internal error', result: { error: expect.stringContaining("The invoker could not start the action's process: spawn " + join(workDir, 'no-such-shell') + ' ENOENT') } });
    expect(own.stats()).toMatchObject({ containers: 0, reservedMemoryMB: 0 });
    await own.close();
  });

  it('shows the out-of-memory failure in the activation record of the local OpenWhisk', async () => {
    // A whole core (stock OpenWhisk has no limits.cpu): the 128 MB action would crawl at 128/1769 cores.
    const own = new ChildProcessInvoker({ clock: wallClock, workDir, limits: 'cgroup', cpuOfMemory: () => 1 });
    const server = await startLocalOpenWhisk({ auth: generateAuthKey(new SeededRng(7)), invoker: own, clock: wallClock, rng: new SeededRng(8) });
    try {
      const ow = openwhisk({ apihost: server.apiHost, api_key: server.apiKey });
      await ow.actions.create({ name: 'hog', action: BUFFER_HOG, kind: 'nodejs:20', limits: { memory: 128 } });
      const f = await rejected(ow.actions.invoke({ name: 'hog', blocking: true }));
      expect(f.statusCode).toBe(502);
      expect(f.body).toMatchObject({ response: { status: 'action developer error', success: false, result: { error: OUT_OF_MEMORY_MESSAGE } } });
      const id = f.body !== null && typeof f.body === 'object' && 'activationId' in f.body ? String(f.body.activationId) : '';
      const record = await ow.activations.get({ name: id });
      expect(record.response).toMatchObject({ status: 'action developer error', result: { error: OUT_OF_MEMORY_MESSAGE } });
      // What the manager's out-of-memory test looks for.
      expect(JSON.stringify(record.response?.result)).toMatch(/memory/i);
    } finally {
      await server.stop();
    }
    expect(own.containerCount).toBe(0);
  }, 60_000);
});
