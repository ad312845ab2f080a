/**
 * Fixtures of the load tests: the process tree under the test process, local
 * OpenWhisk instances with tiny `<workflow>/invoke` actions, fake locust
 * executables and small trace files.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openwhisk from 'openwhisk';
import { SeededRng } from '../../src/core/rng';
import { ChildProcessInvoker } from '../../src/local-openwhisk/child-process-invoker';
import { generateAuthKey } from '../../src/local-openwhisk/ids';
import type { Invoker } from '../../src/local-openwhisk/invoker';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../../src/local-openwhisk/local-openwhisk-server';
import { RegistryInvoker } from '../../src/local-openwhisk/registry-invoker';
import type { RuntimeHandle } from '../../src/load/run-load';

/** The workflows of the load (the defaults of `npm run load`). */
export const WORKFLOWS = ['ml-inference', 'video-pipeline', 'social-network'];

/** The action every workflow's `invoke` runs in the child-process OpenWhisk: ~50 ms, then `{ ok: true }`. */
export const SLEEP_ACTION = 'exports.main = async () => { await new Promise((r) => setTimeout(r, 50)); return { ok: true }; };';

const wallClock = { nowMs: () => Date.now() };

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** One process of /proc: its parent and state. */
interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly state: string;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const close = text.lastIndexOf(')');
    const [state, ppid] = text.slice(close + 2).split(' ');
    return { pid, ppid: Number(ppid), state };
  } catch {
    return undefined;
  }
}

/** Every live descendant of `root` (default: this process), by walking the /proc ppid chains. */
export function descendantPids(root: number = process.pid): number[] {
  const stats: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s !== undefined && s.state !== 'Z') stats.push(s);
  }
  const children = new Map<number, number[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const p = queue.shift() ?? root;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** Whether a process is alive (exists and is not a zombie). */
export function isAlive(pid: number): boolean {
  const s = readStat(pid);
  return s !== undefined && s.state !== 'Z';
}

/** Pids of live processes whose command line contains `needle`. */
export function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(needle) && isAlive(Number(name))) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Collects the descendants of this process every `everyMs` until stopped. */
export function watchDescendants(everyMs = 200): { seen: Set<number>; stop(): Set<number> } {
  const seen = new Set<number>(descendantPids());
  const timer = setInterval(() => descendantPids().forEach((p) => seen.add(p)), everyMs);
  return {
    seen,
    stop() {
      clearInterval(timer);
      descendantPids().forEach((p) => seen.add(p));
      return seen;
    },
  };
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A local OpenWhisk with a package per workflow and its `invoke` action. */
export interface WorkflowHost {
  readonly server: LocalOpenWhisk;
  /** A {@link RuntimeHandle} on it whose `stop` stops it (and removes its work directory). */
  readonly handle: RuntimeHandle;
}

async function startWorkflowHost(invoker: Invoker, seed: number, cleanUp: () => void): Promise<WorkflowHost> {
  const server = await startLocalOpenWhisk({ auth: generateAuthKey(new SeededRng(seed)), invoker, clock: wallClock, rng: new SeededRng(seed + 1) });
  const ow = openwhisk({ apihost: server.apiHost, api_key: server.apiKey });
  for (const wf of WORKFLOWS) {
    await ow.packages.create({ name: wf });
    await ow.actions.create({ name: `${wf}/invoke`, action: SLEEP_ACTION, kind: 'nodejs:20' });
  }
  let stopped: Promise<void> | undefined;
  return {
    server,
    handle: {
      apiHost: server.apiHost,
      apiKey: server.apiKey,
      stop() {
        stopped ??= server.stop().then(cleanUp);
        return stopped;
      },
    },
  };
}

/** The workflows' actions run as real `node` processes (ChildProcessInvoker): ~50 ms each. */
export async function startChildProcessWorkflowHost(seed: number): Promise<WorkflowHost> {
  const work = tempDir('aquatope-load-ow-');
  const invoker = new ChildProcessInvoker({ clock: wallClock, workDir: work });
  return startWorkflowHost(invoker, seed, () => rmSync(work, { recursive: true, force: true }));
}

/** The workflows' actions run in-process (RegistryInvoker): for tests that need the API, not the processes. */
export async function startInProcessWorkflowHost(seed: number): Promise<WorkflowHost> {
  const invoker = new RegistryInvoker(
    wallClock,
    Object.fromEntries(WORKFLOWS.map((wf) => [`${wf}/invoke`, { run: () => ({ ok: true }), durationMs: 1 }])),
  );
  return startWorkflowHost(invoker, seed, () => undefined);
}

/** An executable shell script. */
export function writeScript(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** An official Azure 2019 per-minute CSV (`HashOwner,HashApp,HashFunction,Trigger,1..M`) of the given rows. */
export function azure2019Csv(rows: readonly (readonly number[])[], trigger = 'http'): string {
  const minutes = rows[0]?.length ?? 0;
  const header = ['HashOwner', 'HashApp', 'HashFunction', 'Trigger', ...Array.from({ length: minutes }, (_, i) => String(i + 1))].join(',');
  return `${[header, ...rows.map((r, k) => [`owner${k}`, `app${k}`, `func${k}`, trigger, ...r].join(','))].join('\n')}\n`;
}
