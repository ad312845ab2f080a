/**
 * An invoker that runs nodejs actions the way OpenWhisk's nodejs:20 runtime
 * does, one `node` process per container: the code is written to a work
 * directory (a base64 zip is unpacked), the process loads it once (the cold
 * start, reported as `initTimeMs`) and then runs `main` once per activation
 * with the `__OW_*` variables in its environment. A container runs one
 * activation at a time; an idle one is kept warm for the keep-alive time and
 * reused by the next activation of the same action version. stdout and stderr
 * become the activation's logs; the action's time limit kills the process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Clock } from '../core/clock';
import { ACTION_RUNNER_SOURCE, ACTIVATION_SENTINEL } from './action-runner-source';
import { classifyResult, isJsonObject, timeoutMessage, type InvocationContext, type InvocationOutcome, type Invoker } from './invoker';
import { actionPath, type StoredAction } from './stored-entities';
import { readZip, ZipError } from './zip-reader';

/** Options of {@link ChildProcessInvoker}. */
export interface ChildProcessInvokerOptions {
  /** Read as epoch ms: log timestamps, init and run times. */
  clock: Clock;
  /** Parent of the invoker's work directory (default the OS temp directory); the directory is removed by `close()`. */
  workDir?: string;
  /** The `node` executable (default: the one running this process). */
  nodePath?: string;
  /** How long an idle container is kept warm, ms (default 600,000: OpenWhisk's 10 minutes). */
  keepAliveMs?: number;
  /** Environment every action process starts with, before the `__OW_*` variables (default: only `PATH`). */
  env?: Record<string, string>;
}

/** The message OpenWhisk gives when a container dies during a run. */
const ABNORMAL_RUN = 'The action did not produce a valid response and exited unexpectedly.';

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

/** One action process. */
class Container {
  private sink: string[] | null = null;
  private readonly partial: Record<Stream, string> = { stdout: '', stderr: '' };
  private readonly sentinelSeen: Record<Stream, boolean> = { stdout: false, stderr: false };
  private lastMessage: RunnerMessage | null = null;
  private waiter: (() => void) | null = null;
  private exitDetail: string | null = null;
  idleTimer: NodeJS.Timeout | undefined;
  readonly exited: Promise<void>;

  constructor(
    readonly key: string,
    private readonly child: ChildProcess,
    private readonly clock: Clock,
  ) {
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitDetail = signal === null ? `exit code ${code ?? 'unknown'}` : `signal ${signal}`;
        this.flush('stdout');
        this.flush('stderr');
        this.wake();
        resolve();
      });
    });
    child.once('error', (err) => {
      this.exitDetail ??= err.message;
      this.wake();
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

  get alive(): boolean {
    return this.exitDetail === null;
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
      this.child.send(message);
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

  /** Kills the process and waits for it to be gone. */
  async kill(): Promise<void> {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Runs nodejs actions in `node` child processes, keeping warm ones per action version. */
export class ChildProcessInvoker implements Invoker {
  private readonly root: string;
  private readonly runnerPath: string;
  private readonly idle = new Map<string, Container[]>();
  private readonly all = new Set<Container>();
  private closed = false;

  constructor(private readonly options: ChildProcessInvokerOptions) {
    this.root = mkdtempSync(join(options.workDir ?? tmpdir(), 'aquatope-invoker-'));
    this.runnerPath = join(this.root, 'runner.js');
    writeFileSync(this.runnerPath, ACTION_RUNNER_SOURCE);
  }

  /** Processes alive now (busy and warm). */
  get containerCount(): number {
    return this.all.size;
  }

  async invoke(action: StoredAction, params: Record<string, unknown>, context: InvocationContext): Promise<InvocationOutcome> {
    const { clock } = this.options;
    const exec = action.exec;
    const begin = clock.nowMs();
    const logs: string[] = [];
    const failed = (error: string, extra: Partial<InvocationOutcome> = {}): InvocationOutcome => ({
      status: 'action developer error',
      result: { error },
      logs,
      durationMs: clock.nowMs() - begin,
      ...extra,
    });
    if (this.closed) return { ...failed('The invoker is shut down.'), status: 'whisk internal error' };
    if ('components' in exec) return { ...failed('sequences are run by the controller, not the invoker'), status: 'whisk internal error' };
    if (!exec.kind.startsWith('nodejs:')) return failed(`kind '${exec.kind}' is not supported by the local invoker (nodejs only)`);
    const main = exec.main ?? 'main';
    if (!/^[A-Za-z_$][\w$]*$/.test(main)) return failed(`exec.main '${main}' is not a JavaScript identifier`);
    const timeout = action.limits.timeout;
    const key = `${action.namespace}/${actionPath(action)}@${action.version}`;

    let container = this.takeIdle(key);
    let initTimeMs: number | undefined;
    if (container === undefined) {
      let dir: string;
      try {
        dir = this.codeDirectory(exec.code, exec.binary, main);
      } catch (err) {
        const why = err instanceof ZipError ? `invalid zip: ${err.message}` : err instanceof Error ? err.message : String(err);
        return failed(`Initialization has failed due to: ${why}`, { initTimeMs: clock.nowMs() - begin });
      }
      container = this.spawnContainer(key, action, dir);
      container.attach(logs);
      const init = await container.exchange({ type: 'init', dir, binary: exec.binary, main }, (m) => m.type === 'init-ok' || m.type === 'init-error', false, timeout);
      initTimeMs = clock.nowMs() - begin;
      if (init.kind !== 'message' || init.message.type !== 'init-ok') {
        await this.discard(container);
        if (init.kind === 'timeout') return failed(`The action exceeded its time limits of ${timeout} milliseconds during initialization.`, { initTimeMs, timedOut: true });
        if (init.kind === 'exit') return failed('The action did not initialize and exited unexpectedly.', { initTimeMs });
        return failed(`Initialization has failed due to: ${String(init.message.error)}`, { initTimeMs });
      }
    } else {
      container.attach(logs);
    }

    const env: Record<string, string> = {
      __OW_API_HOST: context.apiHost,
      __OW_API_KEY: context.apiKey,
      __OW_NAMESPACE: context.namespace,
      __OW_ACTION_NAME: `/${action.namespace}/${actionPath(action)}`,
      __OW_ACTION_VERSION: action.version,
      __OW_ACTIVATION_ID: context.activationId,
      __OW_DEADLINE: String(context.deadlineMs),
    };
    const run = await container.exchange({ type: 'run', params, env }, (m) => m.type === 'result', true, timeout);
    const timing = initTimeMs === undefined ? {} : { initTimeMs };
    if (run.kind === 'timeout') {
      await this.discard(container);
      return failed(timeoutMessage(timeout), { ...timing, timedOut: true });
    }
    if (run.kind === 'exit') {
      await this.discard(container);
      return failed(ABNORMAL_RUN, timing);
    }
    container.attach(null);
    this.release(container);
    const m = run.message;
    const durationMs = clock.nowMs() - begin;
    if (m.ok === true) return { ...classifyResult(m.value), logs, durationMs, ...timing };
    const status = m.developer === true ? 'action developer error' : 'application error';
    return { status, result: { error: m.error ?? 'unknown error' }, logs, durationMs, ...timing };
  }

  /** Kills every process and removes the work directory. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.all].map((c) => this.discard(c)));
    this.idle.clear();
    rmSync(this.root, { recursive: true, force: true });
  }

  private takeIdle(key: string): Container | undefined {
    const list = this.idle.get(key);
    while (list !== undefined && list.length > 0) {
      const c = list.pop();
      if (c === undefined) break;
      if (c.idleTimer !== undefined) clearTimeout(c.idleTimer);
      c.idleTimer = undefined;
      if (c.alive) return c;
      this.all.delete(c);
    }
    return undefined;
  }

  private release(container: Container): void {
    if (this.closed || !container.alive) {
      void this.discard(container);
      return;
    }
    const list = this.idle.get(container.key) ?? [];
    list.push(container);
    this.idle.set(container.key, list);
    container.idleTimer = setTimeout(() => {
      const l = this.idle.get(container.key);
      if (l !== undefined) this.idle.set(container.key, l.filter((c) => c !== container));
      void this.discard(container);
    }, this.options.keepAliveMs ?? 600_000);
    container.idleTimer.unref();
  }

  private async discard(container: Container): Promise<void> {
    this.all.delete(container);
    await container.kill();
  }

  private spawnContainer(key: string, action: StoredAction, dir: string): Container {
    const env = this.options.env ?? (process.env['PATH'] === undefined ? {} : { PATH: process.env['PATH'] });
    const child = spawn(this.options.nodePath ?? process.execPath, [`--max-old-space-size=${action.limits.memory}`, this.runnerPath], {
      cwd: dir,
      env: { ...env, __OW_NAMESPACE: action.namespace, __OW_ACTION_NAME: `/${action.namespace}/${actionPath(action)}` },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const container = new Container(key, child, this.options.clock);
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
