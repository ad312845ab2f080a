/**
 * Finding and running the `locust` executable: in its own process group (so
 * the whole group can be stopped), output streamed line by line, a
 * client-side time limit, and a stop on request (SIGINT forwarding).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { LoadValidationError } from './load-errors';

/** Where Debian's `python3-locust` puts the executable: tried first. */
export const DEBIAN_LOCUST = '/usr/bin/locust';

/** Default wait between SIGTERM and SIGKILL when locust is stopped, ms. */
export const DEFAULT_KILL_GRACE_MS = 5000;

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The locust executable: {@link DEBIAN_LOCUST}, else the first `locust` on `PATH`.
 *
 * @param env the environment whose `PATH` is searched
 * @param debianPath tried before `PATH` (default {@link DEBIAN_LOCUST})
 * @throws LoadValidationError saying to install Debian's python3-locust when there is none
 */
export function findLocust(env: Readonly<Record<string, string | undefined>>, debianPath: string = DEBIAN_LOCUST): string {
  if (isExecutableFile(debianPath)) return debianPath;
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'locust');
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new LoadValidationError(
    `locust not found (not at ${debianPath}, not on PATH): install Debian's python3-locust (sudo apt-get install python3-locust)`,
  );
}

/** Options of {@link runLocust}. */
export interface RunLocustOptions {
  /** The executable (see {@link findLocust}). */
  readonly locustPath: string;
  /** Its arguments (never a secret: they show in `ps`). */
  readonly args: readonly string[];
  /** Its whole environment (secrets go here). */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Receives each line of its stdout and stderr. */
  readonly log: (line: string) => void;
  /** Client-side limit on the whole run, ms: then it is stopped and the result says `timedOut`. */
  readonly timeoutMs: number;
  /** Wait between SIGTERM and SIGKILL, ms (default {@link DEFAULT_KILL_GRACE_MS}). */
  readonly killGraceMs?: number;
  /** Aborting it stops locust (SIGTERM to its group, then SIGKILL after the grace time). */
  readonly signal?: AbortSignal;
  /** Told the pid once locust is started (it is also its process group id). */
  readonly onSpawn?: (pid: number) => void;
}

/** How a locust run ended. */
export interface LocustExit {
  /** Its exit code (`null` when killed by a signal). */
  readonly code: number | null;
  /** The signal that ended it, if any. */
  readonly signal: NodeJS.Signals | null;
  /** Stopped by the time limit. */
  readonly timedOut: boolean;
  /** Stopped by the abort signal. */
  readonly aborted: boolean;
  /** Wall time, ms. */
  readonly elapsedMs: number;
}

/** Signals a whole process group; false when it no longer exists. */
function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs locust to its end, or stops it at the time limit or on abort. When it
 * has ended, whatever is left of its process group is killed, so nothing
 * it started outlives the call.
 *
 * @throws Error when it cannot be started (the spawn fails)
 */
export function runLocust(options: RunLocustOptions): Promise<LocustExit> {
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const started = Date.now();
  return new Promise<LocustExit>((resolve, reject) => {
    const child = spawn(options.locustPath, [...options.args], {
      cwd: options.cwd,
      env: { ...options.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const streams = [child.stdout, child.stderr].map((stream) => {
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (line) => options.log(line));
      return new Promise<void>((done) => lines.once('close', () => done()));
    });
    const stop = (): void => {
      if (pid === undefined || killTimer !== undefined) return;
      killGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), grace);
    };
    const limit = setTimeout(() => {
      timedOut = true;
      options.log(`locust: still running after the ${(options.timeoutMs / 1000).toFixed(0)} s limit; stopping it`);
      stop();
    }, options.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    if (options.signal?.aborted === true) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanUp = (): void => {
      clearTimeout(limit);
      if (killTimer !== undefined) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (e) => {
      cleanUp();
      reject(e);
    });
    child.once('spawn', () => {
      if (pid !== undefined) options.onSpawn?.(pid);
    });
    child.once('exit', (code, signal) => {
      cleanUp();
      // Anything locust left in its group goes with it.
      if (pid !== undefined) killGroup(pid, 'SIGKILL');
      // The output pipes close once every writer is gone; give stragglers a moment.
      const drained = Promise.all(streams).then(() => undefined);
      const bound = new Promise<void>((done) => setTimeout(done, 1000).unref());
      void Promise.race([drained, bound]).then(() =>
        resolve({ code, signal, timedOut, aborted, elapsedMs: Date.now() - started }),
      );
    });
  });
}
