/**
 * The local OpenWhisk of the live runtime, on its own: on loopback, with the
 * CPU-limit extension (`limits.cpu`, cores) and a key generated at start;
 * every action of the given packages (the workflows') runs in a child Node
 * process placed in cgroups whose CPU quota and memory limit are the
 * action's limits; every other action (the manager's) in a plain child
 * process. `npm run profile` uses it alone; {@link LiveRuntime} adds CouchDB,
 * the manager and its alarms.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock';
import { SeededRng } from '../core/rng';
import { ChildProcessInvoker } from '../local-openwhisk/child-process-invoker';
import { generateAuthKey } from '../local-openwhisk/ids';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../local-openwhisk/local-openwhisk-server';
import { RoutingInvoker } from '../local-openwhisk/routing-invoker';

/**
 * Memory the workflows' processes may reserve together by their limits, MB:
 * 20 GB of this 24 GB machine. OpenWhisk reserves a container's limit, not
 * its use; at 8 GB the 16 stage actions at 1,024 MB could not each keep one
 * warm process, and most activations of a first live run started cold.
 */
export const LIVE_USER_MEMORY_MB = 20_480;

/** Options of {@link startLiveOpenWhisk}. */
export interface LiveOpenWhiskOptions {
  /** Packages whose actions run under cgroup limits (the workflows'). */
  readonly limitedPackages: ReadonlySet<string>;
  /** Enforce limits with cgroup v1 (default) or run unlimited. */
  readonly limits?: 'cgroup' | 'none';
  /** How long an idle process is kept warm, ms (default 600,000: OpenWhisk's 10 minutes). */
  readonly keepAliveMs?: number;
  /** Memory the limited processes may hold together by their limits, MB (default {@link LIVE_USER_MEMORY_MB}). */
  readonly userMemoryMB?: number;
  /** Seed of the activation ids. */
  readonly seed: number;
  /** Said once, e.g. that cgroups are not writable. */
  readonly warn: (line: string) => void;
}

/** A running live OpenWhisk. */
export interface LiveOpenWhisk {
  readonly server: LocalOpenWhisk;
  /** The invoker of the limited packages (its accounting: `stats()`). */
  readonly limited: ChildProcessInvoker;
  /** Stops the API and kills every process it started (and removes their cgroups). */
  stop(): Promise<void>;
}

const realClock: Clock = { nowMs: () => Date.now() };

/** Starts it. */
export async function startLiveOpenWhisk(o: LiveOpenWhiskOptions): Promise<LiveOpenWhisk> {
  const env = { PATH: process.env.PATH ?? '' };
  const limited = new ChildProcessInvoker({
    clock: realClock,
    env,
    limits: o.limits ?? 'cgroup',
    warn: o.warn,
    keepAliveMs: o.keepAliveMs ?? 600_000,
    userMemoryMB: o.userMemoryMB ?? LIVE_USER_MEMORY_MB,
  });
  const plain = new ChildProcessInvoker({ clock: realClock, env });
  const invoker = new RoutingInvoker([{ when: (a) => a.packageName !== undefined && o.limitedPackages.has(a.packageName), invoker: limited }], plain);
  try {
    const server = await startLocalOpenWhisk({
      auth: generateAuthKey(new SeededRng(randomBytes(4).readUInt32LE(0))),
      invoker,
      clock: realClock,
      rng: new SeededRng(o.seed),
      cpuLimitExtension: true,
    });
    return { server, limited, stop: () => server.stop() };
  } catch (err) {
    await invoker.close();
    throw err;
  }
}
