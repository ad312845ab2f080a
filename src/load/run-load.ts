/**
 * `npm run load`: Locust load shaped by an Azure trace against an OpenWhisk
 * host. Everything is validated first (options, locust, the trace, the host
 * and its key); then the runtime is started when no host is given, locust
 * runs `locust/locustfile.py` headless to the end of the shape, and its
 * statistics are read back. Whatever was started (the locust process group,
 * the runtime) is stopped on every path: success, error, time limit, SIGINT.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '../cli/repo-paths';
import { errorMessage, HostUnreachableError, LoadInterruptedError, LoadRunError, LoadValidationError } from './load-errors';
import type { LoadOptions } from './load-options';
import { buildLoadPlan, type LoadPlan } from './load-plan';
import { loadTraceForLoad, locustTraceArgs } from './load-trace';
import { findLocust, runLocust, type LocustExit } from './locust-process';
import { parseLocustStats, summaryMarkdown, type LoadSummary } from './locust-stats';
import { DEFAULT_PROBE_TIMEOUT_MS, probeHost } from './probe-host';

/** The environment variables the key is read from, in order (`uuid:secret`). */
export const API_KEY_ENV: readonly string[] = ['AQUATOPE_API_KEY', '__OW_API_KEY'];

/** Default margin of the client-side time limit over the shape's duration, ms: locust's start (reading the trace) and its shutdown. */
export const DEFAULT_TIMEOUT_MARGIN_MS = 60_000;

/** Prefix of Locust's CSV files in the output directory (`locust_stats.csv`, …). */
export const LOCUST_CSV_PREFIX = 'locust';

/** A runtime started for the run (the local one when no `--host` is given). */
export interface RuntimeHandle {
  /** `http://host:port` of its OpenWhisk API. */
  readonly apiHost: string;
  /** `uuid:secret`. */
  readonly apiKey: string;
  /** Stops it and everything it started. */
  stop(): Promise<void>;
}

/** Where interrupts (SIGINT, SIGTERM) come from. */
export interface InterruptSource {
  /** Calls `handler` on each interrupt until the returned function is called. */
  subscribe(handler: () => void): () => void;
}

/** The process's SIGINT and SIGTERM (while subscribed, they do not end the process). */
export const processInterrupts: InterruptSource = {
  subscribe(handler) {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
};

/** What {@link runLoad} needs from outside. */
export interface LoadDeps {
  /** The environment: `PATH` (to find locust), the key with `--host`, and the base of locust's environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Progress lines and locust's output, one line each. */
  readonly log: (line: string) => void;
  /** Starts the runtime when no `--host` is given. */
  readonly startRuntime: () => Promise<RuntimeHandle>;
  /** The locust executable (default: {@link findLocust}). */
  readonly locustPath?: string;
  /** The locustfile (default `<repo>/locust/locustfile.py`). */
  readonly locustfile?: string;
  /** Interrupts that stop the run (default {@link processInterrupts}). */
  readonly interrupts?: InterruptSource;
  /** Client-side timeout of each host probe, ms (default {@link DEFAULT_PROBE_TIMEOUT_MS}). */
  readonly probeTimeoutMs?: number;
  /** Margin of the run's time limit over the shape's duration, ms (default {@link DEFAULT_TIMEOUT_MARGIN_MS}). */
  readonly timeoutMarginMs?: number;
  /** Wait between SIGTERM and SIGKILL when locust is stopped, ms (default 5000). */
  readonly killGraceMs?: number;
  /** Told locust's pid (= its process group) once it runs. */
  readonly onLocustStarted?: (pid: number) => void;
}

/** The outcome of a run. */
export interface LoadResult {
  readonly summary: LoadSummary;
  readonly plan: LoadPlan;
  /** The host the load went to. */
  readonly host: string;
  /** Trace rows replayed, in load order. */
  readonly rows: readonly number[];
  /** How locust ended (exit code 1 when some request failed). */
  readonly locust: LocustExit;
  /** Absolute output directory. */
  readonly out: string;
  /** The stats file read. */
  readonly statsFile: string;
}

/** The key in `env`, checked to be `uuid:secret`. */
export function apiKeyFrom(env: Readonly<Record<string, string | undefined>>): string {
  for (const name of API_KEY_ENV) {
    const key = env[name];
    if (key === undefined || key === '') continue;
    const colon = key.indexOf(':');
    if (colon <= 0 || colon === key.length - 1) throw new LoadValidationError(`${name} must be an OpenWhisk key uuid:secret`);
    return key;
  }
  throw new LoadValidationError(`--host needs an OpenWhisk API key: set ${API_KEY_ENV.join(' or ')} to uuid:secret`);
}

/** Locust's environment: the given one without LOCUST_* settings (they would change the run) or other keys, plus the key. */
function locustEnv(env: Readonly<Record<string, string | undefined>>, apiKey: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k.startsWith('LOCUST_') || API_KEY_ENV.includes(k)) continue;
    out[k] = v;
  }
  out['AQUATOPE_API_KEY'] = apiKey;
  // The locustfile ends the run if this process dies (locust is in its own process group, so no signal would reach it).
  out['AQUATOPE_PARENT_PID'] = String(process.pid);
  out['PYTHONUNBUFFERED'] = '1';
  out['PYTHONDONTWRITEBYTECODE'] = '1';
  return out;
}

/** Runs a load; see the module comment. @throws LoadValidationError, HostUnreachableError, LoadRunError, LoadInterruptedError */
export async function runLoad(options: LoadOptions, deps: LoadDeps): Promise<LoadResult> {
  const log = deps.log;
  const interrupt = new AbortController();
  let interrupts = 0;
  const unsubscribe = (deps.interrupts ?? processInterrupts).subscribe(() => {
    interrupts++;
    log(interrupts === 1 ? 'interrupted: stopping everything that was started' : 'interrupted again: still stopping');
    interrupt.abort();
  });
  const checkInterrupt = (): void => {
    if (interrupt.signal.aborted) throw new LoadInterruptedError('interrupted before the load started; nothing is left running');
  };
  let runtime: RuntimeHandle | undefined;
  try {
    // 1. Everything that needs no host.
    const locustPath = deps.locustPath ?? findLocust(deps.env);
    const locustfile = resolve(deps.locustfile ?? join(repoRoot(), 'locust', 'locustfile.py'));
    if (!existsSync(locustfile)) throw new LoadValidationError(`the locustfile ${locustfile} is missing`);
    log(options.trace === undefined ? `generating the synthetic trace (seed ${options.seed})...` : `reading ${options.trace}...`);
    const load = await loadTraceForLoad(options);
    const plan = buildLoadPlan({ counts: load.counts, speedup: options.speedup, pacingS: options.pacingS, maxUsers: options.maxUsers, workflows: options.workflows });
    if (plan.peakUsers === 0) {
      throw new LoadValidationError(
        `the chosen functions (rows ${load.rows.join(',')}) ask for no users in minutes ${options.minutes.start}:${options.minutes.end} ` +
          `(at speedup ${options.speedup} and pacing ${options.pacingS} s every minute rounds to 0): choose other --functions, --minutes, or a larger --speedup`,
      );
    }
    log(
      `rows ${load.rows.join(',')} of ${load.trace.source}, minutes ${options.minutes.start}:${options.minutes.end}, ` +
        `${plan.minuteS.toFixed(1)} s per minute (${plan.durationS.toFixed(0)} s), users per minute [${plan.users.join(',')}], at most ~${plan.plannedRequests} requests`,
    );
    checkInterrupt();
    // 2. A given host must answer, with a key.
    const probeTimeoutMs = deps.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    let target: { readonly host: string; readonly apiKey: string } | undefined;
    if (options.host !== undefined) {
      const apiKey = apiKeyFrom(deps.env);
      await probeHost(options.host, { apiKey, workflows: options.workflows, timeoutMs: probeTimeoutMs });
      target = { host: options.host, apiKey };
      checkInterrupt();
    }
    // 3. The output directory (old CSV files removed, so stale numbers are never read).
    const out = resolve(options.out);
    try {
      mkdirSync(out, { recursive: true });
    } catch (e) {
      throw new LoadValidationError(`--out ${out}: cannot create the directory (${errorMessage(e)})`);
    }
    for (const suffix of ['stats', 'stats_history', 'failures', 'exceptions']) rmSync(join(out, `${LOCUST_CSV_PREFIX}_${suffix}.csv`), { force: true });
    const traceArgs = locustTraceArgs(load, options.minutes, out);
    if (traceArgs.converted) log(`wrote the chosen functions as an Azure 2019 per-minute trace: ${traceArgs.trace}`);
    // 4. The runtime, when no host is given.
    if (target === undefined) {
      log('starting the local runtime...');
      runtime = await deps.startRuntime();
      checkInterrupt();
      target = { host: runtime.apiHost, apiKey: runtime.apiKey };
      try {
        await probeHost(target.host, { apiKey: target.apiKey, workflows: options.workflows, timeoutMs: probeTimeoutMs });
      } catch (e) {
        if (e instanceof LoadValidationError) throw new LoadRunError(`the started runtime is not usable: ${e.message}`);
        throw e;
      }
      log(`local runtime up on ${target.host}`);
      checkInterrupt();
    }
    const { host, apiKey } = target;
    // 5. Locust.
    const csvPrefix = join(out, LOCUST_CSV_PREFIX);
    const args = [
      '-f', locustfile,
      '--headless',
      '--only-summary',
      '--host', host,
      '--csv', csvPrefix,
      '--exit-code-on-error', '1',
      '--trace', traceArgs.trace,
      '--functions', traceArgs.functions,
      '--minutes', traceArgs.minutes,
      '--speedup', String(options.speedup),
      '--max-users', String(options.maxUsers),
      '--pacing', String(options.pacingS),
      '--workflows', options.workflows.join(','),
      '--params', JSON.stringify(options.params),
      '--seed', String(options.seed),
    ];
    const timeoutMs = Math.ceil(plan.durationS * 1000) + (deps.timeoutMarginMs ?? DEFAULT_TIMEOUT_MARGIN_MS);
    log(`running ${locustPath} against ${host} for ${plan.durationS.toFixed(0)} s (stopped after ${(timeoutMs / 1000).toFixed(1)} s)`);
    const exit = await runLocust({
      locustPath,
      args,
      env: locustEnv(deps.env, apiKey),
      cwd: out,
      log: (line) => log(`locust | ${line}`),
      timeoutMs,
      ...(deps.killGraceMs === undefined ? {} : { killGraceMs: deps.killGraceMs }),
      signal: interrupt.signal,
      ...(deps.onLocustStarted === undefined ? {} : { onSpawn: deps.onLocustStarted }),
    });
    const statsFile = `${csvPrefix}_stats.csv`;
    if (exit.aborted) {
      if (existsSync(statsFile)) {
        try {
          log('partial statistics (until the interrupt):');
          summaryMarkdown(parseLocustStats(readFileSync(statsFile, 'utf8'), statsFile)).trimEnd().split('\n').forEach((l) => log(l));
        } catch (e) {
          log(`no partial statistics: ${errorMessage(e)}`);
        }
      }
      throw new LoadInterruptedError(`interrupted after ${(exit.elapsedMs / 1000).toFixed(1)} s: locust and the runtime were stopped`);
    }
    if (exit.timedOut) {
      throw new LoadRunError(`locust did not finish within ${(timeoutMs / 1000).toFixed(1)} s (the shape lasts ${plan.durationS.toFixed(0)} s): it was stopped`);
    }
    if (exit.code !== 0 && exit.code !== 1) {
      throw new LoadRunError(`locust exited with ${exit.code === null ? `signal ${exit.signal ?? '?'}` : `code ${exit.code}`} (see its output above)`);
    }
    if (!existsSync(statsFile)) throw new LoadRunError(`locust wrote no statistics (${statsFile} is missing)`);
    const summary = parseLocustStats(readFileSync(statsFile, 'utf8'), statsFile);
    const result: LoadResult = { summary, plan, host, rows: load.rows, locust: exit, out, statsFile };
    writeFileSync(join(out, 'load-summary.json'), `${JSON.stringify({ host, rows: load.rows, options, plan, summary, locustExitCode: exit.code, elapsedMs: exit.elapsedMs }, null, 2)}\n`);
    return result;
  } catch (e) {
    if (e instanceof HostUnreachableError || e instanceof LoadValidationError || e instanceof LoadRunError || e instanceof LoadInterruptedError) throw e;
    if (interrupt.signal.aborted) throw new LoadInterruptedError(`interrupted: ${errorMessage(e)}`);
    throw e;
  } finally {
    if (runtime !== undefined) {
      log('stopping the local runtime...');
      try {
        await runtime.stop();
      } catch (e) {
        log(`stopping the runtime failed: ${errorMessage(e)}`);
      }
    }
    unsubscribe();
  }
}
