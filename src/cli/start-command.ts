/**
 * `aquatope start`: the local runtime. Parses the options, loads the trace,
 * runs {@link runLocalRuntime} with a progress bar and writes the report to
 * `reports/start/runtime.{json,md}`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { lookupWorkflow, workflowNames } from '../../benchmark/workflows';
import { ConfigError } from '../config/config-error';
import { loadConfig } from '../config/load-config';
import { clusterConfig } from '../sim/cluster-config';
import { runLocalRuntime, type LocalRuntimeReport, type RuntimeAccess } from '../runtime/local-runtime';
import { runtimeMarkdown } from '../runtime/runtime-report';
import { loadWorkload } from './load-workload';
import { parseMinuteRange, parsePositiveInt, parseSeed, UsageError } from './parse-options';
import { repoRoot } from './repo-paths';

/** Minutes `npm start` replays by default: long enough for the forecaster's 48-minute window to fill and the pool sizer to act for an hour. */
export const DEFAULT_START_MINUTES = { start: 0, end: 108 } as const;

/** Synthetic functions `npm start` replays by default. */
export const DEFAULT_START_FUNCTIONS = 200;

export const START_OPTIONS_HELP = `start options:
  --trace FILE        invocation trace to replay (default: the synthetic trace, ${DEFAULT_START_FUNCTIONS} functions)
  --functions N       first N functions of the trace
  --minutes A:B       minutes [A, B) to replay (default ${DEFAULT_START_MINUTES.start}:${DEFAULT_START_MINUTES.end})
  --seed S            seed of the arrivals and the synthetic trace (default 1)
  --out DIR           where runtime.json and runtime.md go (default reports/start)
  --hold              keep the API up after the run until Ctrl-C (for wsk / curl)
  --risk-level P      the pool sizer's risk level, in (0, 1) (default: the config's, 0.95)
  --cold-start-worth GBS
                      size pools by the idle GB-s one cold start is worth (the
                      simulator's aquatope-worth@GBS) instead of the risk level
`;

/** Parsed `start` options. */
export interface StartCommand {
  readonly trace?: string;
  readonly functions?: number;
  readonly minutes: { readonly start: number; readonly end: number };
  readonly seed: number;
  readonly out: string;
  readonly hold: boolean;
  /** Config params bound on the manager package (`riskLevel`, `coldStartWorthGBs`), validated as `loadConfig` does; empty: the defaults. */
  readonly managerParams: Readonly<Record<string, number>>;
}

/** `value` validated by `loadConfig` as param `key`. @throws UsageError naming the flag and the value */
function configNumber(flag: string, key: 'riskLevel' | 'coldStartWorthGBs', value: string): number {
  try {
    const parsed = loadConfig({ [key]: value }, {})[key];
    if (parsed === undefined) throw new UsageError(`--${flag} needs a value`);
    return parsed;
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`--${flag}: expected ${error.expected}, found ${error.shown}`);
    throw error;
  }
}

/** Parses `start`'s arguments. @throws UsageError (or node's ERR_PARSE_ARGS TypeError) naming the bad value. */
export function parseStartArgs(args: readonly string[]): StartCommand {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      trace: { type: 'string' },
      functions: { type: 'string' },
      minutes: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      hold: { type: 'boolean' },
      'risk-level': { type: 'string' },
      'cold-start-worth': { type: 'string' },
    },
  });
  const risk = values['risk-level'];
  const worth = values['cold-start-worth'];
  const managerParams = {
    ...(risk === undefined ? {} : { riskLevel: configNumber('risk-level', 'riskLevel', risk) }),
    ...(worth === undefined ? {} : { coldStartWorthGBs: configNumber('cold-start-worth', 'coldStartWorthGBs', worth) }),
  };
  const functions = values.functions === undefined ? (values.trace === undefined ? DEFAULT_START_FUNCTIONS : undefined) : parsePositiveInt('--functions', values.functions);
  return {
    ...(values.trace === undefined ? {} : { trace: values.trace }),
    ...(functions === undefined ? {} : { functions }),
    minutes: values.minutes === undefined ? DEFAULT_START_MINUTES : parseMinuteRange('--minutes', values.minutes),
    seed: values.seed === undefined ? 1 : parseSeed('--seed', values.seed),
    out: values.out ?? join('reports', 'start'),
    hold: values.hold === true,
    managerParams,
  };
}

function accessLines(access: RuntimeAccess): string {
  return [
    `local OpenWhisk API on ${access.apiHost} (namespace ${access.namespace})`,
    `  key: ${access.apiKey}`,
    `  wsk -i --apihost ${access.apiHost} --auth ${access.apiKey} action invoke aquatope/status -r`,
    `  curl -s -u ${access.apiKey} -X POST '${access.apiHost}/api/v1/namespaces/_/actions/aquatope/status?blocking=true&result=true'`,
    '',
  ].join('\n');
}

/** Runs `start`; the report and where it was written. */
export async function runStartCommand(cmd: StartCommand, env: Readonly<Record<string, string | undefined>>): Promise<{ report: LocalRuntimeReport; out: string }> {
  const loaded = await loadWorkload({
    ...(cmd.trace === undefined ? {} : { trace: cmd.trace }),
    ...(cmd.functions === undefined ? {} : { functions: cmd.functions }),
    minutes: cmd.minutes,
    seed: cmd.seed,
  });
  const root = repoRoot();
  const bar = new SingleBar({ format: 'minute {value}/{total} |{bar}| {eta}s left', stream: process.stderr, hideCursor: true, clearOnComplete: true });
  let barStarted = false;
  const couchDbUrl = env.COUCHDB_URL;
  // Each run starts from an empty embedded store (a run's databases have their own prefix, so nothing
  // of an earlier run would be read; this keeps .aquatope/ from growing run after run).
  const storageDir = join(root, '.aquatope', 'couchdb');
  if (couchDbUrl === undefined || couchDbUrl === '') rmSync(storageDir, { recursive: true, force: true });
  const report = await runLocalRuntime({
    workload: loaded.workload,
    workflows: workflowNames.map((name) => lookupWorkflow(name)),
    seed: cmd.seed,
    managerParams: cmd.managerParams,
    cluster: clusterConfig(),
    manifestPath: join(root, 'manifests', 'manifest.yaml'),
    deploymentPath: join(root, 'manifests', 'deployment.yaml'),
    bundleDir: join(root, 'dist', 'actions'),
    ...(couchDbUrl === undefined || couchDbUrl === '' ? {} : { couchDbUrl }),
    storage: { kind: 'leveldb', dir: storageDir },
    log: (line) => {
      if (!barStarted) process.stderr.write(`${line}\n`);
    },
    onReady: (access) => process.stderr.write(accessLines(access)),
    onMinute: (minute, minutes) => {
      if (!barStarted) {
        bar.start(minutes, 0);
        barStarted = true;
      }
      bar.update(minute);
      if (minute === minutes) bar.stop();
    },
    beforeStop: async (access) => {
      if (!cmd.hold) return;
      process.stderr.write(`\n--hold: the run is over and the API stays up until Ctrl-C.\n${accessLines(access)}`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    },
  });
  mkdirSync(cmd.out, { recursive: true });
  writeFileSync(join(cmd.out, 'runtime.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(cmd.out, 'runtime.md'), runtimeMarkdown(report));
  return { report, out: cmd.out };
}
