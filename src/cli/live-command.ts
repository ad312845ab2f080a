/**
 * The live local runtime from the command line:
 * - `npm start -- --live [options]`: the live loop ({@link runLiveSession}):
 *   Locust load shaped by the trace against the live runtime with the
 *   manager, then the same load against stock OpenWhisk at maximum
 *   resources; the report goes to `reports/live/live.{json,md}`;
 * - `npm run load` without `--host` starts the same live runtime, managed,
 *   through {@link startLiveRuntimeForLoad}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { workflowNames } from '../../benchmark/workflows';
import { parseLoadArgs } from '../load/load-options';
import { loadTraceForLoad } from '../load/load-trace';
import { runLoad, type RuntimeHandle } from '../load/run-load';
import { LiveRuntime, type LiveRuntimeOptions } from '../runtime/live-runtime';
import { liveSessionMarkdown, runLiveSession, type LiveSessionReport } from '../runtime/live-session';
import { LIVE_MAX_LIMITS, LIVE_SPACE, liveWorkflowsFromProfiles } from '../runtime/live-workflows';
import { parsePositiveInt, parseSeed, UsageError } from './parse-options';
import type { QosLevel } from '../../benchmark/workflows/modelled-workflow';

/** Defaults of `npm start -- --live`: ten trace minutes at twice real speed (5 minutes a run), a light load for 2 cores. */
export const LIVE_DEFAULTS = { minutes: '0:10', speedup: 2, maxUsers: 8, pacingS: 15, probeWindowS: 60, functionCount: 3, ratePerMinute: 3, qos: 'loose' } as const;

/**
 * The default driving functions of a live run: the {@link LIVE_DEFAULTS}.functionCount
 * trace rows with the fewest idle minutes over `minutes`, then whose mean count a
 * minute is closest to {@link LIVE_DEFAULTS}.ratePerMinute (a load 2 cores carry
 * at the default speedup), ties by row.
 */
export function pickLiveFunctions(counts: readonly ArrayLike<number>[], rows: readonly number[], count: number, ratePerMinute: number): number[] {
  const scored = counts.map((c, k) => {
    let total = 0;
    let idle = 0;
    for (let m = 0; m < c.length; m++) {
      total += c[m];
      if (c[m] === 0) idle++;
    }
    return { row: rows[k], idle, distance: Math.abs(total / Math.max(1, c.length) - ratePerMinute) };
  });
  scored.sort((a, b) => a.idle - b.idle || a.distance - b.distance || a.row - b.row);
  return scored.slice(0, count).map((s) => s.row);
}

export const LIVE_OPTIONS_HELP = `start --live options (the real workflows, for real, in real time; Locust load, then the baseline):
  --trace FILE        trace whose per-minute counts shape the load (default: the synthetic trace)
  --functions SPEC    trace rows driving the workflows, one workflow each round-robin (default: the
                      ${LIVE_DEFAULTS.functionCount} rows busy in every minute nearest ${LIVE_DEFAULTS.ratePerMinute} invocations a minute)
  --minutes A:B       trace minutes to replay (default ${LIVE_DEFAULTS.minutes})
  --speedup X         one trace minute lasts 60/X s (default ${LIVE_DEFAULTS.speedup})
  --max-users N       ceiling on Locust's users (default ${LIVE_DEFAULTS.maxUsers}: 2 cores)
  --pacing S          seconds between one user's requests (default ${LIVE_DEFAULTS.pacingS})
  --probe-window S    bo-step's probe window, seconds (default ${LIVE_DEFAULTS.probeWindowS})
  --qos LEVEL|FACTOR  the workflows' targets: tight, medium or loose (1.2, 1.6, 2.5 x the p95 at the
                      largest configurations of benchmark/profiles/<workflow>.json), or a number: that
                      many times it (e.g. 8, where a shared machine is slower than the profiles);
                      default ${LIVE_DEFAULTS.qos}
  --no-compare        skip the baseline run (openwhisk-default + max-resources)
  --seed S            seed (default 1)
  --out DIR           where live.json and live.md go (default reports/live)
`;

/** Parsed `start --live` options. */
export interface LiveCommand {
  readonly trace?: string;
  /** A --functions spec; absent: {@link pickLiveFunctions}. */
  readonly functions?: string;
  readonly minutes: string;
  readonly speedup: number;
  readonly maxUsers: number;
  readonly pacingS: number;
  readonly probeWindowMs: number;
  /** A level, or a factor of the p95 at the largest measured configurations. */
  readonly qos: QosLevel | number;
  readonly compare: boolean;
  readonly seed: number;
  readonly out: string;
}

function positiveNumber(flag: string, text: string): number {
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x <= 0) throw new UsageError(`${flag}: expected a finite number > 0, found ${JSON.stringify(text)}`);
  return x;
}

function parseLevel(text: string): QosLevel | number {
  if (text === 'tight' || text === 'medium' || text === 'loose') return text;
  const factor = Number(text);
  if (text.trim() !== '' && Number.isFinite(factor) && factor > 0) return factor;
  throw new UsageError(`--qos: expected tight, medium, loose or a factor > 0, found ${JSON.stringify(text)}`);
}

/** Parses `start --live`'s arguments (`--live` itself included). @throws UsageError naming the bad value */
export function parseLiveArgs(args: readonly string[]): LiveCommand {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      live: { type: 'boolean' },
      trace: { type: 'string' },
      functions: { type: 'string' },
      minutes: { type: 'string' },
      speedup: { type: 'string' },
      'max-users': { type: 'string' },
      pacing: { type: 'string' },
      'probe-window': { type: 'string' },
      qos: { type: 'string' },
      'no-compare': { type: 'boolean' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const cmd: LiveCommand = {
    ...(values.trace === undefined ? {} : { trace: values.trace }),
    ...(values.functions === undefined ? {} : { functions: values.functions }),
    minutes: values.minutes ?? LIVE_DEFAULTS.minutes,
    speedup: values.speedup === undefined ? LIVE_DEFAULTS.speedup : positiveNumber('--speedup', values.speedup),
    maxUsers: values['max-users'] === undefined ? LIVE_DEFAULTS.maxUsers : parsePositiveInt('--max-users', values['max-users']),
    pacingS: values.pacing === undefined ? LIVE_DEFAULTS.pacingS : positiveNumber('--pacing', values.pacing),
    probeWindowMs: 1000 * (values['probe-window'] === undefined ? LIVE_DEFAULTS.probeWindowS : positiveNumber('--probe-window', values['probe-window'])),
    qos: parseLevel(values.qos ?? LIVE_DEFAULTS.qos),
    compare: values['no-compare'] !== true,
    seed: values.seed === undefined ? 1 : parseSeed('--seed', values.seed),
    out: values.out ?? join('reports', 'live'),
  };
  // The load options are checked now, before anything starts (the host is given per run).
  parseLoadArgs(loadArgs(cmd, 'http://127.0.0.1:1', join(cmd.out, 'check')));
  return cmd;
}

/** The `npm run load` arguments of one live run. */
function loadArgs(cmd: LiveCommand, host: string, out: string, functions = cmd.functions ?? `first:${LIVE_DEFAULTS.functionCount}`): string[] {
  return [
    ...(cmd.trace === undefined ? [] : ['--trace', cmd.trace]),
    '--functions', functions,
    '--minutes', cmd.minutes,
    '--speedup', String(cmd.speedup),
    '--max-users', String(cmd.maxUsers),
    '--pacing', String(cmd.pacingS),
    '--seed', String(cmd.seed),
    '--host', host,
    '--out', out,
  ];
}

/** What the live runtime needs from the command line's world. */
export interface LiveWorld {
  readonly repo: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
  readonly probeWindowMs?: number;
  readonly seed?: number;
  /** The workflows' QoS level or factor (default medium: the profiles' own targets). */
  readonly qos?: QosLevel | number;
}

/** The live runtime's options for the repository's manifests, bundles and committed profiles (without `managed`). */
export async function liveRuntimeOptions(w: LiveWorld): Promise<Omit<LiveRuntimeOptions, 'managed'>> {
  const couchDbUrl = w.env['COUCHDB_URL'];
  let warned = false;
  return {
    manifestPath: join(w.repo, 'manifests', 'manifest.yaml'),
    deploymentPath: join(w.repo, 'manifests', 'deployment.yaml'),
    workflowsManifestPath: join(w.repo, 'manifests', 'workflows.yaml'),
    bundleDir: join(w.repo, 'dist', 'actions'),
    workflows: await liveWorkflowsFromProfiles(w.repo, workflowNames, w.qos ?? 'medium'),
    ...(couchDbUrl === undefined || couchDbUrl === '' ? {} : { couchDbUrl }),
    storage: { kind: 'memory' },
    startLimits: LIVE_MAX_LIMITS,
    space: LIVE_SPACE,
    probeWindowMs: w.probeWindowMs ?? LIVE_DEFAULTS.probeWindowS * 1000,
    seed: w.seed ?? 1,
    log: w.log,
    warn: (line) => {
      if (warned) return;
      warned = true;
      w.log(`warning: ${line}`);
    },
  };
}

/** `npm run load`'s runtime when no host is given: the live runtime with the manager and its alarms. */
export async function startLiveRuntimeForLoad(w: LiveWorld): Promise<RuntimeHandle> {
  const runtime = new LiveRuntime({ ...(await liveRuntimeOptions(w)), managed: true });
  const access = await runtime.start();
  runtime.startAlarms();
  w.log(`live local OpenWhisk on ${access.apiHost} (key ${access.apiKey})${runtime.limitsEnforced ? '' : ' WITHOUT limits'}`);
  return { apiHost: access.apiHost, apiKey: access.apiKey, stop: () => runtime.stop() };
}

/** Runs `start --live`: the session report and where it was written. */
export async function runLiveCommand(cmd: LiveCommand, w: LiveWorld): Promise<{ report: LiveSessionReport; out: string }> {
  const out = resolve(cmd.out);
  const minutes = parseLoadArgs(loadArgs(cmd, 'http://127.0.0.1:1', out)).minutes;
  let functions = cmd.functions;
  if (functions === undefined) {
    const all = await loadTraceForLoad({ ...(cmd.trace === undefined ? {} : { trace: cmd.trace }), functions: { kind: 'first', count: Number.MAX_SAFE_INTEGER }, minutes, seed: cmd.seed });
    functions = pickLiveFunctions(all.counts, all.rows, LIVE_DEFAULTS.functionCount, LIVE_DEFAULTS.ratePerMinute).join(',');
    w.log(`driving functions: rows ${functions} of ${all.trace.source}`);
  }
  const chosen = functions;
  const runtime = await liveRuntimeOptions({ ...w, probeWindowMs: cmd.probeWindowMs, seed: cmd.seed, qos: cmd.qos });
  const report = await runLiveSession({
    runtime,
    compare: cmd.compare,
    runLoad: async (access, run) => {
      w.log(`${run} run: Locust against ${access.apiHost}`);
      const result = await runLoad(parseLoadArgs(loadArgs(cmd, access.apiHost, join(out, run), chosen)), {
        env: { ...w.env, AQUATOPE_API_KEY: access.apiKey },
        log: (line) => w.log(`  ${line}`),
        startRuntime: () => Promise.reject(new Error('the live session gives the host')),
        locustfile: join(w.repo, 'locust', 'locustfile.py'),
      });
      const total = result.summary.aggregated;
      return { requests: total.requests, failures: total.failures, statsPath: result.statsFile };
    },
  });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'live.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'live.md'), liveSessionMarkdown(report));
  return { report, out };
}
