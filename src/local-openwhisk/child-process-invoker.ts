/**
 * An invoker that runs nodejs actions the way OpenWhisk's nodejs:20 runtime
 * does, one `node` process per container: the code is written to a work
 * directory (a base64 zip is unpacked), the process loads it once (the cold
 * start, reported as `initTimeMs`) and then runs `main` once per activation
 * with the `__OW_*` variables in its environment. A container runs one
 * activation at a time; an idle one is kept warm for the keep-alive time and
 * reused by the next activation of the same action version and limits.
 * stdout and stderr become the activation's logs; the action's time limit
 * kills the process.
 *
 * Live mode (`limits: 'cgroup'`): each container gets its own cgroup v1
 * groups, as `docker run --cpus --memory` gives OpenWhisk's containers, so
 * the action's memory limit and a CPU limit are enforced by the kernel for
 * the process and every process it starts. A container killed for memory is
 * reported with OpenWhisk's out-of-memory message. Containers share a memory
 * budget (`userMemoryMB`, OpenWhisk's invoker user memory): idle containers
 * are evicted oldest-first to make room, and activations wait in FIFO order
 * while every container is busy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Clock } from '../core/clock';
import { CgroupParent, DEFAULT_CGROUP_ROOT, groupPids, probeCgroups, readMemoryEvents, type ContainerGroup } from '../live/cgroup-v1';
import { isWarmupRequest } from '../platform/managed-action';
import { LAMBDA_MB_PER_CORE } from '../workflow/profile';
import { ACTION_RUNNER_SOURCE, ACTIVATION_SENTINEL } from './action-runner-source';
import { classifyResult, isJsonObject, timeoutMessage, type InvocationContext, type InvocationOutcome, type Invoker } from './invoker';
import { actionPath, type StoredAction } from './stored-entities';
import { readZip, ZipError } from './zip-reader';

/** How action processes are limited: `cgroup` by cgroup v1 groups (live mode), `none` only by V8's heap limit. */
export type LimitsMode = 'cgroup' | 'none';

/** Options of {@link ChildProcessInvoker}. */
export interface ChildProcessInvokerOptions {
  /** Read as epoch ms: log timestamps, init and run times, the idle-memory integral. */
  clock: Clock;
  /** Parent of the invoker's work directory (default the OS temp directory); the directory is removed by `close()`. */
  workDir?: string;
  /** The `node` executable (default: the one running this process). */
  nodePath?: string;
  /** How long an idle container is kept warm, ms (default 600,000: OpenWhisk's 10 minutes). */
  keepAliveMs?: number;
  /** Environment every action process starts with, before the `__OW_*` variables (default: only `PATH`). */
  env?: Record<string, string>;
  /**
   * `cgroup`: enforce each action's memory and CPU limits with cgroup v1
   * groups; when cgroups are not writable this is said once through `warn`
   * and actions run without limits ({@link ChildProcessInvoker.limitsEnforced}
   * is then false). `none` (the default): no cgroups.
   */
  limits?: LimitsMode;
  /** Where cgroup v1 controllers are mounted (default `/sys/fs/cgroup`). */
  cgroupRoot?: string;
  /**
   * The CPU limit, cores, of an action without `limits.cpu` (the CPU-limit
   * extension), from its memory limit in MB (default `memoryMB / 1769`: AWS
   * Lambda's one core per 1,769 MB).
   */
  cpuOfMemory?: (memoryMB: number) => number;
  /**
   * Memory all containers may reserve together, MB (default 8,192): each
   * container reserves its action's memory limit while it lives. A cold start
   * that would exceed it evicts idle containers oldest-first; when all are
   * busy, the activation waits (FIFO, at most its time limit).
   */
  userMemoryMB?: number;
  /** Receives warnings, one line each (default: written to stderr). */
  warn?: (line: string) => void;
  /** The POSIX shell that places a container's process in its groups before `node` starts (default `/bin/sh`). */
  shellPath?: string;
}

/**
 * Why a container had to be started, judged when its activation got the
 * memory for it:
 * - `first`: the action's first container;
 * - `changed`: no container of the action's current version and limits ever
 *   ran, but one of another version or limits did (a limits update, as the
 *   resource manager's probes make, or new code);
 * - `busy`: containers of this version and limits were alive, all busy;
 * - `expired`: this version and limits had containers, the last one removed
 *   after its keep-alive;
 * - `evicted`: ... the last one removed to make room for another action;
 * - `failed`: ... the last one removed after a failure (out of memory, time
 *   limit, a crash).
 */
export type ColdStartCause = 'first' | 'changed' | 'busy' | 'expired' | 'evicted' | 'failed';

/** Every {@link ColdStartCause}, in report order. */
export const COLD_START_CAUSES: readonly ColdStartCause[] = ['first', 'changed', 'busy', 'expired', 'evicted', 'failed'];

/** Why a container was removed. */
type Removal = 'keep-alive' | 'eviction' | 'failure';

const CAUSE_OF_REMOVAL: Readonly<Record<Removal, ColdStartCause>> = { 'keep-alive': 'expired', eviction: 'evicted', failure: 'failed' };

/** Counters of {@link ChildProcessInvoker.stats}. Counts are since construction. */
export interface ChildProcessInvokerStats {
  /** Containers started (a process spawned and initialised or not), warm-ups' included. */
  coldStarts: number;
  /** Of `coldStarts`, those a warm-up invocation started (no user activation waited for them). */
  warmupColdStarts: number;
  /** `coldStarts` by why each was needed (they sum to `coldStarts`). */
  coldStartCauses: Record<ColdStartCause, number>;
  /** Activations that reused an idle container. */
  warmStarts: number;
  /**
   * Warm starts that were the first activation other than a warm-up in a
   * container a warm-up (`{ "__aquatope_warmup": true }`) started: the cold
   * starts prewarming saved.
   */
  prewarmedStarts: number;
  /** Warm-up invocations received (cold or warm). */
  warmupInvocations: number;
  /** Containers alive now (busy and idle). */
  containers: number;
  /** Containers idle now. */
  idleContainers: number;
  /** Memory reserved by containers now, MB (limits, not usage). */
  reservedMemoryMB: number;
  /** Activations waiting for memory now. */
  waiting: number;
  /**
   * Memory containers spent idle, MB·ms (limit × time by the injected clock,
   * from a release to the reuse or removal; idle periods still running count
   * up to now).
   */
  idleMemoryMBms: number;
  /** Idle containers removed to make room for another (not keep-alive expiry). */
  evictions: number;
  /** Containers that died of memory exhaustion (cgroup OOM kill or V8 heap limit). */
  outOfMemoryKills: number;
  /** The largest peak memory of a container seen so far, MB (`memory.max_usage_in_bytes`; 0 without cgroups). */
  peakMemoryMB: number;
}

/** The message OpenWhisk gives when a container dies during a run. */
const ABNORMAL_RUN = 'The action did not produce a valid response and exited unexpectedly.';

/** The message OpenWhisk gives when a container is killed for exceeding its memory limit. */
export const OUT_OF_MEMORY_MESSAGE = 'The action exhausted its memory and was aborted.';

/** What V8 writes to stderr when the JS heap reaches `--max-old-space-size`. */
const V8_HEAP_OOM = /JavaScript heap out of memory|Reached heap limit/;

/**
 * Runs as `sh -c SCRIPT name cpuProcs memoryProcs node args…`: the shell
 * writes its own pid into both groups and then becomes `node`, so the
 * process is limited before any code runs. Paths come in as arguments, never
 * as shell text.
 */
const PLACE_IN_GROUPS = 'echo $$ > "$1" && echo $$ > "$2" && shift 2 && exec "$@"';

/** How long to wait for a dead process's last output, ms. */
const OUTPUT_DRAIN_MS = 500;

const MB = 2 ** 20;

type Stream = 'stdout' | 'stderr';

/** How waiting for the process ended. */
type Wait<T> = { kind: 'message'; message: T } | { kind: 'exit'; detail: string } | { kind: 'timeout' };

interface RunnerMessage {
  type: string;
  ok?: boolean;
  developer?: boolean;
  value?: unknown;
  error?: unknown;
}

function isRunnerMessage(value: unknown): value is RunnerMessage {
  return isJsonObject(value) && typeof value['type'] === 'string';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** SIGKILL, ignoring a process (or group, for a negative pid) already gone. */
function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // ESRCH: already gone.
  }
}

/** What a container was started with. */
interface ContainerSpec {
  key: string;
  memoryMB: number;
  cpuCores: number;
  group: ContainerGroup | undefined;
  startedByWarmup: boolean;
}

/** One action process. */
class Container {
  private sink: string[] | null = null;
  private readonly partial: Record<Stream, string> = { stdout: '', stderr: '' };
  private readonly sentinelSeen: Record<Stream, boolean> = { stdout: false, stderr: false };
  private lastMessage: RunnerMessage | null = null;
  private waiter: (() => void) | null = null;
  private exitDetail: string | null = null;
  idleTimer: NodeJS.Timeout | undefined;
  /** Since when the container is idle (clock ms), undefined while busy. */
  idleSince: number | undefined;
  /** Whether an activation other than a warm-up ran here. */
  servedUser = false;
  /** Whether V8 reported its heap limit reached. */
  heapExhausted = false;
  /** The group's OOM kills before the current activation. */
  oomBaseline = 0;
  /** Why it is removed, when not after a failure (set before `retire`). */
  removal: Removal | undefined;
  /** Set once removal started. */
  retired: Promise<boolean> | undefined;
  readonly exited: Promise<void>;
  /** Resolves when stdout and stderr are closed (all output read). */
  readonly drained: Promise<void>;

  constructor(
    readonly spec: ContainerSpec,
    private readonly child: ChildProcess,
    private readonly clock: Clock,
  ) {
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitDetail = signal === null ? `exit code ${code ?? 'unknown'}` : `signal ${signal}`;
        this.wake();
        resolve();
      });
      // Every error, not only the first: a failed spawn is followed by a failed send.
      child.on('error', (err) => {
        this.exitDetail ??= err.message;
        this.wake();
        // A process that never started emits no 'exit'.
        if (child.pid === undefined) resolve();
      });
    });
    this.drained = new Promise<void>((resolve) => {
      child.once('close', () => {
        this.flush('stdout');
        this.flush('stderr');
        resolve();
      });
      if (child.pid === undefined) child.once('error', () => resolve());
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.onData('stdout', chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.onData('stderr', chunk));
    child.on('message', (message: unknown) => {
      if (isRunnerMessage(message)) {
        this.lastMessage = message;
        this.wake();
      }
    });
  }

  get key(): string {
    return this.spec.key;
  }

  get alive(): boolean {
    return this.exitDetail === null;
  }

  /** Whether the process started at all (false when spawning failed, e.g. no such executable). */
  get started(): boolean {
    return this.child.pid !== undefined;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private onData(stream: Stream, chunk: string): void {
    const text = this.partial[stream] + chunk;
    const lines = text.split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.line(stream, line);
  }

  private flush(stream: Stream): void {
    if (this.partial[stream].length > 0) this.line(stream, this.partial[stream]);
    this.partial[stream] = '';
  }

  private line(stream: Stream, line: string): void {
    if (line.endsWith(ACTIVATION_SENTINEL)) {
      const before = line.slice(0, line.length - ACTIVATION_SENTINEL.length);
      if (before.length > 0) this.log(stream, before);
      this.sentinelSeen[stream] = true;
      this.wake();
      return;
    }
    if (stream === 'stderr' && V8_HEAP_OOM.test(line)) this.heapExhausted = true;
    this.log(stream, line);
  }

  private log(stream: Stream, line: string): void {
    this.sink?.push(`${new Date(this.clock.nowMs()).toISOString()} ${stream}: ${line}`);
  }

  /** Routes the process's output to `logs` (an activation's lines) from now on. */
  attach(logs: string[] | null): void {
    this.sink = logs;
  }

  /**
   * Sends `message` and waits for a reply of type `replyType` (and, when
   * `untilSentinels`, for both streams' end-of-activation lines), the process's
   * exit, or `timeoutMs`.
   */
  async exchange(message: Record<string, unknown>, accept: (m: RunnerMessage) => boolean, untilSentinels: boolean, timeoutMs: number): Promise<Wait<RunnerMessage>> {
    this.lastMessage = null;
    this.sentinelSeen.stdout = false;
    this.sentinelSeen.stderr = false;
    if (!this.alive) return { kind: 'exit', detail: this.exitDetail ?? 'exited' };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.wake();
    }, timeoutMs);
    try {
      this.child.send(message, (err) => {
        if (err === null) return;
        this.exitDetail ??= err.message;
        this.wake();
      });
      for (;;) {
        const m = this.lastMessage;
        if (m !== null && accept(m) && (!untilSentinels || (this.sentinelSeen.stdout && this.sentinelSeen.stderr))) return { kind: 'message', message: m };
        if (this.exitDetail !== null) return { kind: 'exit', detail: this.exitDetail };
        if (timedOut) return { kind: 'timeout' };
        await new Promise<void>((resolve) => {
          this.waiter = resolve;
        });
      }
    } catch (err) {
      return { kind: 'exit', detail: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Kills the process, its process group (what it started, unless that left
   * the group) and every process in its cgroups, then waits for the process
   * to be gone and (briefly) for its last output.
   */
  async kill(): Promise<void> {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const pid = this.child.pid;
    if (pid !== undefined) {
      // The process leads its own group (spawned detached): kill the whole group.
      killQuietly(-pid);
      if (this.alive) this.child.kill('SIGKILL');
    }
    await this.exited;
    this.sweepGroup();
    await Promise.race([this.drained, sleep(OUTPUT_DRAIN_MS)]);
  }

  /** SIGKILLs every pid still in the container's cgroups. */
  sweepGroup(): void {
    if (this.spec.group !== undefined) for (const pid of groupPids(this.spec.group)) killQuietly(pid);
  }
}

/** An activation waiting for a container. */
interface Waiter {
  key: string;
  memoryMB: number;
  grant: (grant: Grant) => void;
}

/** What a waiter gets: a warm container, memory reserved for a cold start, or nothing. */
type Grant = { kind: 'warm'; container: Container } | { kind: 'cold' } | { kind: 'timeout' } | { kind: 'closed' };

/** Runs nodejs actions in `node` child processes, keeping warm ones per action version and limits. */
export class ChildProcessInvoker implements Invoker {
  private readonly root: string;
  private readonly runnerPath: string;
  private readonly idle = new Map<string, Container[]>();
  private readonly all = new Set<Container>();
  private readonly queue: Waiter[] = [];
  private readonly parent: CgroupParent | undefined;
  private readonly userMemoryMB: number;
  private closed = false;
  private groupsMade = 0;
  /** Memory of live containers and granted cold starts, MB. */
  private reservedMB = 0;
  /** Part of `reservedMB` whose containers are being removed, MB. */
  private freeingMB = 0;
  private readonly counters = { coldStarts: 0, warmupColdStarts: 0, warmStarts: 0, prewarmedStarts: 0, warmupInvocations: 0, evictions: 0, outOfMemoryKills: 0, idleMemoryMBms: 0, peakBytes: 0 };
  private readonly causes: Record<ColdStartCause, number> = { first: 0, changed: 0, busy: 0, expired: 0, evicted: 0, failed: 0 };
  /** Per container key (action version and limits): why its last container was removed. */
  private readonly lastRemoval = new Map<string, Removal>();
  /** Actions (namespace/path) that have had a container. */
  private readonly actionsStarted = new Set<string>();

  constructor(private readonly options: ChildProcessInvokerOptions) {
    this.userMemoryMB = options.userMemoryMB ?? 8192;
    if (!(this.userMemoryMB > 0)) throw new RangeError(`userMemoryMB must be positive, got ${this.userMemoryMB}`);
    this.parent = (options.limits ?? 'none') === 'cgroup' ? this.openCgroups() : undefined;
    this.root = mkdtempSync(join(options.workDir ?? tmpdir(), 'aquatope-invoker-'));
    this.runnerPath = join(this.root, 'runner.js');
    writeFileSync(this.runnerPath, ACTION_RUNNER_SOURCE);
  }

  /** Whether memory and CPU limits are enforced by cgroups (false with `limits: 'none'` or when cgroups were not writable). */
  get limitsEnforced(): boolean {
    return this.parent !== undefined;
  }

  /** Processes alive now (busy and warm). */
  get containerCount(): number {
    return this.all.size;
  }

  /** The invoker's counters now. */
  stats(): ChildProcessInvokerStats {
    const now = this.options.clock.nowMs();
    let idleContainers = 0;
    let idleMemoryMBms = this.counters.idleMemoryMBms;
    for (const list of this.idle.values()) {
      for (const c of list) {
        idleContainers += 1;
        if (c.idleSince !== undefined) idleMemoryMBms += c.spec.memoryMB * (now - c.idleSince);
      }
    }
    return {
      coldStarts: this.counters.coldStarts,
      warmupColdStarts: this.counters.warmupColdStarts,
      coldStartCauses: { ...this.causes },
      warmStarts: this.counters.warmStarts,
      prewarmedStarts: this.counters.prewarmedStarts,
      warmupInvocations: this.counters.warmupInvocations,
      containers: this.all.size,
      idleContainers,
      reservedMemoryMB: this.reservedMB,
      waiting: this.queue.length,
      idleMemoryMBms,
      evictions: this.counters.evictions,
      outOfMemoryKills: this.counters.outOfMemoryKills,
      peakMemoryMB: this.counters.peakBytes / MB,
    };
  }

  /** The cgroup parent, or undefined after warning once why limits are off. */
  private openCgroups(): CgroupParent | undefined {
    const warn = this.options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
    const root = this.options.cgroupRoot ?? DEFAULT_CGROUP_ROOT;
    const probe = probeCgroups(root);
    if (!probe.writable) {
      warn(`aquatope: cgroup limits requested but cgroups are not writable (${probe.reason}); actions run WITHOUT memory and CPU limits`);
      return undefined;
    }
    try {
      return new CgroupParent(root);
    } catch (err) {
      warn(`aquatope: cgroup limits requested but ${err instanceof Error ? err.message : String(err)}; actions run WITHOUT memory and CPU limits`);
      return undefined;
    }
  }

  private warn(line: string): void {
    (this.options.warn ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  /** The CPU limit of `action`, cores: its `limits.cpu`, else `cpuOfMemory` of its memory. */
  private cpuCoresOf(action: StoredAction): number {
    return action.limits.cpu ?? (this.options.cpuOfMemory ?? ((mb: number) => mb / LAMBDA_MB_PER_CORE))(action.limits.memory);
  }

  /**
   * Runs one activation: in an idle container of the same action version and
   * limits when there is one (warm), else in a new one (cold: `initTimeMs` is
   * set), waiting first (FIFO, at most the action's time limit) when the new
   * container's memory does not fit in `userMemoryMB` even after evicting idle
   * containers. Never rejects: failures are outcomes.
   */
  async invoke(action: StoredAction, params: Record<string, unknown>, context: InvocationContext): Promise<InvocationOutcome> {
    const { clock } = this.options;
    const exec = action.exec;
    let begin = clock.nowMs();
    const logs: string[] = [];
    const failed = (error: string, extra: Partial<InvocationOutcome> = {}): InvocationOutcome => ({
      status: 'action developer error',
      result: { error },
      logs,
      durationMs: clock.nowMs() - begin,
      ...extra,
    });
    const internal = (error: string): InvocationOutcome => ({ ...failed(error), status: 'whisk internal error' });
    if (this.closed) return internal('The invoker is shut down.');
    if ('components' in exec) return internal('sequences are run by the controller, not the invoker');
    if (!exec.kind.startsWith('nodejs:')) return failed(`kind '${exec.kind}' is not supported by the local invoker (nodejs only)`);
    const main = exec.main ?? 'main';
    if (!/^[A-Za-z_$][\w$]*$/.test(main)) return failed(`exec.main '${main}' is not a JavaScript identifier`);
    const timeout = action.limits.timeout;
    const memoryMB = action.limits.memory;
    const cpuCores = this.cpuCoresOf(action);
    // The limits are part of the key: a container never serves an action whose limits changed.
    const actionId = `${action.namespace}/${actionPath(action)}`;
    const key = `${actionId}@${action.version}#${memoryMB}MB,${cpuCores}cores`;
    if (memoryMB > this.userMemoryMB) return internal(`The action's memory limit of ${memoryMB} MB exceeds the invoker's user memory of ${this.userMemoryMB} MB.`);
    const warmup = isWarmupRequest(params);
    if (warmup) this.counters.warmupInvocations += 1;

    const grant = await this.acquire(key, memoryMB, timeout);
    begin = clock.nowMs();
    if (grant.kind === 'closed') return internal('The invoker is shut down.');
    if (grant.kind === 'timeout') return internal(`No memory was free in the invoker for the action (${memoryMB} MB of ${this.userMemoryMB} MB) within its time limit of ${timeout} milliseconds.`);

    let container: Container;
    let initTimeMs: number | undefined;
    if (grant.kind === 'cold') {
      if (this.closed) {
        this.unreserve(memoryMB);
        return internal('The invoker is shut down.');
      }
      let dir: string;
      try {
        dir = this.codeDirectory(exec.code, exec.binary, main);
      } catch (err) {
        this.unreserve(memoryMB);
        const why = err instanceof ZipError ? `invalid zip: ${err.message}` : err instanceof Error ? err.message : String(err);
        return failed(`Initialization has failed due to: ${why}`, { initTimeMs: clock.nowMs() - begin });
      }
      let group: ContainerGroup | undefined;
      try {
        group = this.parent?.createContainer(`c${++this.groupsMade}`, { memoryMB, cpuCores });
      } catch (err) {
        this.unreserve(memoryMB);
        return internal(`The invoker could not limit the container: ${err instanceof Error ? err.message : String(err)}`);
      }
      this.causes[this.coldStartCause(actionId, key)] += 1;
      this.actionsStarted.add(actionId);
      container = this.spawnContainer({ key, memoryMB, cpuCores, group, startedByWarmup: warmup }, action, dir);
      this.counters.coldStarts += 1;
      if (warmup) this.counters.warmupColdStarts += 1;
      container.attach(logs);
      const init = await container.exchange({ type: 'init', dir, binary: exec.binary, main }, (m) => m.type === 'init-ok' || m.type === 'init-error', false, timeout);
      initTimeMs = clock.nowMs() - begin;
      if (init.kind !== 'message' || init.message.type !== 'init-ok') {
        const outOfMemory = await this.retire(container);
        if (init.kind === 'timeout') return failed(`The action exceeded its time limits of ${timeout} milliseconds during initialization.`, { initTimeMs, timedOut: true });
        if (init.kind === 'exit' && !container.started) return { ...failed(`The invoker could not start the action's process: ${init.detail}`, { initTimeMs }), status: 'whisk internal error' };
        if (init.kind === 'exit') return failed(outOfMemory ? OUT_OF_MEMORY_MESSAGE : 'The action did not initialize and exited unexpectedly.', { initTimeMs });
        return failed(`Initialization has failed due to: ${String(init.message.error)}`, { initTimeMs });
      }
    } else {
      container = grant.container;
      this.counters.warmStarts += 1;
      if (!warmup && container.spec.startedByWarmup && !container.servedUser) this.counters.prewarmedStarts += 1;
      container.attach(logs);
    }
    if (!warmup) container.servedUser = true;

    const env: Record<string, string> = {
      __OW_API_HOST: context.apiHost,
      __OW_API_KEY: context.apiKey,
      __OW_NAMESPACE: context.namespace,
      __OW_ACTION_NAME: `/${action.namespace}/${actionPath(action)}`,
      __OW_ACTION_VERSION: action.version,
      __OW_ACTIVATION_ID: context.activationId,
      __OW_DEADLINE: String(context.deadlineMs),
    };
    if (container.spec.group !== undefined) container.oomBaseline = readMemoryEvents(container.spec.group).oomKills;
    const run = await container.exchange({ type: 'run', params, env }, (m) => m.type === 'result', true, timeout);
    const timing = initTimeMs === undefined ? {} : { initTimeMs };
    if (run.kind === 'timeout') {
      await this.retire(container);
      return failed(timeoutMessage(timeout), { ...timing, timedOut: true });
    }
    if (run.kind === 'exit') {
      const outOfMemory = await this.retire(container);
      return failed(outOfMemory ? OUT_OF_MEMORY_MESSAGE : ABNORMAL_RUN, timing);
    }
    container.attach(null);
    this.notePeak(container);
    this.release(container);
    const m = run.message;
    const durationMs = clock.nowMs() - begin;
    if (m.ok === true) return { ...classifyResult(m.value), logs, durationMs, ...timing };
    const status = m.developer === true ? 'action developer error' : 'application error';
    return { status, result: { error: m.error ?? 'unknown error' }, logs, durationMs, ...timing };
  }

  /** Kills every process (and what they started), removes every cgroup made and the work directory. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.queue.splice(0)) w.grant({ kind: 'closed' });
    await Promise.all([...this.all].map((c) => this.retire(c)));
    this.idle.clear();
    if (this.parent !== undefined) {
      try {
        await this.parent.close();
      } catch (err) {
        this.warn(`aquatope: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Why a container of `key` (an action version and limits of `actionId`) must be started now. */
  private coldStartCause(actionId: string, key: string): ColdStartCause {
    for (const c of this.all) if (c.key === key) return 'busy';
    const removal = this.lastRemoval.get(key);
    if (removal !== undefined) return CAUSE_OF_REMOVAL[removal];
    return this.actionsStarted.has(actionId) ? 'changed' : 'first';
  }

  /** Waits (FIFO) for a warm container of `key` or memory for a new one, at most `timeoutMs`. */
  private acquire(key: string, memoryMB: number, timeoutMs: number): Promise<Grant> {
    return new Promise<Grant>((resolve) => {
      let done = false;
      const waiter: Waiter = {
        key,
        memoryMB,
        grant: (g) => {
          if (done) {
            // Granted after giving up: hand it back.
            if (g.kind === 'warm') this.release(g.container);
            else if (g.kind === 'cold') this.unreserve(memoryMB);
            return;
          }
          done = true;
          clearTimeout(timer);
          resolve(g);
        },
      };
      const timer = setTimeout(() => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        waiter.grant({ kind: 'timeout' });
        this.pump();
      }, timeoutMs);
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Serves waiters in order while the head can be served. */
  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const head = this.queue[0];
      const warm = this.takeIdle(head.key);
      if (warm !== undefined) {
        this.queue.shift();
        head.grant({ kind: 'warm', container: warm });
        continue;
      }
      if (!this.reserve(head.memoryMB)) return;
      this.queue.shift();
      head.grant({ kind: 'cold' });
    }
  }

  /**
   * Reserves `memoryMB` when it fits. Otherwise, when evicting idle containers
   * can make it fit, evicts them oldest-first (their removal pumps again);
   * otherwise leaves everything as is.
   */
  private reserve(memoryMB: number): boolean {
    if (this.reservedMB + memoryMB <= this.userMemoryMB) {
      this.reservedMB += memoryMB;
      return true;
    }
    const idle = [...this.idle.values()].flat().sort((a, b) => (a.idleSince ?? 0) - (b.idleSince ?? 0));
    const staying = () => this.reservedMB - this.freeingMB;
    const idleMB = idle.reduce((sum, c) => sum + c.spec.memoryMB, 0);
    if (staying() - idleMB + memoryMB > this.userMemoryMB) return false;
    for (const c of idle) {
      if (staying() + memoryMB <= this.userMemoryMB) break;
      this.counters.evictions += 1;
      c.removal = 'eviction';
      void this.retire(c);
    }
    return false;
  }

  private unreserve(memoryMB: number): void {
    this.reservedMB -= memoryMB;
    this.pump();
  }

  private removeFromIdle(container: Container): void {
    const list = this.idle.get(container.key);
    if (list === undefined) return;
    const rest = list.filter((c) => c !== container);
    if (rest.length > 0) this.idle.set(container.key, rest);
    else this.idle.delete(container.key);
  }

  /** Ends an idle period, adding it to the idle-memory integral. */
  private endIdle(container: Container): void {
    if (container.idleTimer !== undefined) clearTimeout(container.idleTimer);
    container.idleTimer = undefined;
    if (container.idleSince !== undefined) this.counters.idleMemoryMBms += container.spec.memoryMB * (this.options.clock.nowMs() - container.idleSince);
    container.idleSince = undefined;
  }

  private takeIdle(key: string): Container | undefined {
    const list = this.idle.get(key);
    while (list !== undefined && list.length > 0) {
      const c = list.pop();
      if (c === undefined) break;
      if (list.length === 0) this.idle.delete(key);
      this.endIdle(c);
      if (c.alive) return c;
      void this.retire(c);
    }
    return undefined;
  }

  private release(container: Container): void {
    if (this.closed || !container.alive) {
      void this.retire(container);
      return;
    }
    const list = this.idle.get(container.key) ?? [];
    list.push(container);
    this.idle.set(container.key, list);
    container.idleSince = this.options.clock.nowMs();
    container.idleTimer = setTimeout(() => {
      container.removal = 'keep-alive';
      void this.retire(container);
    }, this.options.keepAliveMs ?? 600_000);
    container.idleTimer.unref();
    this.pump();
  }

  private notePeak(container: Container): void {
    if (container.spec.group === undefined) return;
    this.counters.peakBytes = Math.max(this.counters.peakBytes, readMemoryEvents(container.spec.group).peakBytes);
  }

  /**
   * Removes a container: kills its processes, reads its memory group, removes
   * its cgroups, frees its memory and serves waiters. Resolves whether it died
   * of memory exhaustion (an OOM kill during its last activation, or V8's heap
   * limit); idempotent.
   */
  private retire(container: Container): Promise<boolean> {
    if (container.retired !== undefined) return container.retired;
    const ownsMemory = this.all.delete(container);
    if (ownsMemory) this.lastRemoval.set(container.key, container.removal ?? 'failure');
    const diedAlone = !container.alive;
    this.removeFromIdle(container);
    this.endIdle(container);
    if (ownsMemory) this.freeingMB += container.spec.memoryMB;
    container.retired = (async () => {
      await container.kill();
      const group = container.spec.group;
      let outOfMemory = container.heapExhausted;
      if (group !== undefined) {
        const events = readMemoryEvents(group);
        this.counters.peakBytes = Math.max(this.counters.peakBytes, events.peakBytes);
        if (events.oomKills > container.oomBaseline) outOfMemory = true;
        try {
          await this.parent?.removeContainer(group, { beforeRetry: () => container.sweepGroup() });
        } catch (err) {
          this.warn(`aquatope: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      outOfMemory &&= diedAlone;
      if (outOfMemory) this.counters.outOfMemoryKills += 1;
      if (ownsMemory) {
        this.freeingMB -= container.spec.memoryMB;
        this.reservedMB -= container.spec.memoryMB;
      }
      this.pump();
      return outOfMemory;
    })();
    return container.retired;
  }

  private spawnContainer(spec: ContainerSpec, action: StoredAction, dir: string): Container {
    const env = this.options.env ?? (process.env['PATH'] === undefined ? {} : { PATH: process.env['PATH'] });
    const nodePath = this.options.nodePath ?? process.execPath;
    // V8's heap limit at the memory limit: a JS heap that outgrows it dies in V8 ("heap out of memory")
    // when there is no cgroup; with one, the cgroup (which also counts the runtime, buffers and child
    // processes) usually kills first. Both are reported as out of memory.
    const nodeArgs = [`--max-old-space-size=${spec.memoryMB}`, this.runnerPath];
    const [command, args] =
      spec.group === undefined ? [nodePath, nodeArgs] : [this.options.shellPath ?? '/bin/sh', ['-c', PLACE_IN_GROUPS, 'aquatope-container', spec.group.cpuProcsFile, spec.group.memoryProcsFile, nodePath, ...nodeArgs]];
    const child = spawn(command, args, {
      cwd: dir,
      env: { ...env, __OW_NAMESPACE: action.namespace, __OW_ACTION_NAME: `/${action.namespace}/${actionPath(action)}` },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
      // Its own process group, so everything it starts can be killed with it.
      detached: true,
    });
    const container = new Container(spec, child, this.options.clock);
    this.all.add(container);
    return container;
  }

  /** The directory holding an action's code, written once per distinct code. */
  private codeDirectory(code: string, binary: boolean, main: string): string {
    const hash = createHash('sha256').update(binary ? 'zip:' : 'js:').update(main).update('\0').update(code).digest('hex').slice(0, 24);
    const dir = join(this.root, 'code', hash);
    if (existsSync(dir)) return dir;
    // Written synchronously, so no other activation sees a half-written directory.
    mkdirSync(dir, { recursive: true });
    if (binary) {
      try {
        for (const entry of readZip(Buffer.from(code, 'base64'))) {
          const file = join(dir, entry.path);
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, entry.data);
        }
      } catch (err) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    } else {
      // A plain file may declare `function main` without exporting it: export it, as the runtime's eval would find it.
      const shim = `\n;if (typeof module.exports[${JSON.stringify(main)}] !== 'function' && typeof ${main} === 'function') module.exports[${JSON.stringify(main)}] = ${main};\n`;
      writeFileSync(join(dir, 'index.js'), code + shim);
    }
    return dir;
  }
}
