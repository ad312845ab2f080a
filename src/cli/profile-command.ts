/**
 * `npm run profile -- --workflow NAME [--cpus 0.25,0.5,1,2] [--memory
 * 128,256,512,1024] [--invocations N] [--out FILE]`: measures every stage of
 * a real workflow at each configuration under real limits (the live local
 * OpenWhisk: each activation in a child process in cgroups with the action's
 * CPU quota and memory limit) and writes a profile in the resource manager's
 * `--profile` format, with the machine and date (see src/profile/measure-profile.ts
 * for what is measured and how the target is set). Everything it starts (the
 * API, the action processes, their cgroups) is stopped at the end.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus as osCpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { isWorkflowName, workflowNames, type WorkflowName } from '../../benchmark/workflows';
import { MODELLED_PRICES, OVERHEAD_MS_PER_LEVEL, QOS_FACTORS, QOS_PERCENTILE } from '../../benchmark/workflows/modelled-workflow';
import { REAL_WORKFLOWS, stageInput } from '../../benchmark/workflows/real-workflows';
import { deployManifest } from '../deploy/deploy';
import { OpenWhiskPlatform } from '../platform/openwhisk';
import { measureProfile, type ProfileDocument } from '../profile/measure-profile';
import { openWhiskStageRunner } from '../profile/openwhisk-stage-runner';
import { startLiveOpenWhisk } from '../runtime/live-openwhisk';
import { buildStageGraph } from '../workflow/dag';
import { parsePositiveInt, UsageError } from './parse-options';
import { repoRoot } from './repo-paths';

/** Default grid of `npm run profile`. */
export const DEFAULT_PROFILE_CPUS: readonly number[] = [0.25, 0.5, 1, 2];
export const DEFAULT_PROFILE_MEMORY_MB: readonly number[] = [128, 256, 512, 1024];
/** Measured runs per stage and configuration by default. */
export const DEFAULT_PROFILE_INVOCATIONS = 5;

export const PROFILE_OPTIONS_HELP = `profile options:
  --workflow NAME     a real workflow (${workflowNames.join(', ')})
  --cpus A,B,...      CPU limits, cores (default ${DEFAULT_PROFILE_CPUS.join(',')})
  --memory A,B,...    memory limits, MB (default ${DEFAULT_PROFILE_MEMORY_MB.join(',')})
  --invocations N     measured runs per stage and configuration, after one warm-up (default ${DEFAULT_PROFILE_INVOCATIONS})
  --out FILE          where the profile goes (default benchmark/profiles/<workflow>.json)
`;

/** Parsed `profile` options. */
export interface ProfileCommand {
  readonly workflow: WorkflowName;
  readonly cpus: readonly number[];
  readonly memoryMB: readonly number[];
  readonly invocations: number;
  readonly out: string;
}

function numberList(flag: string, text: string, integer: boolean): number[] {
  const parts = text.split(',').map((s) => s.trim());
  return parts.map((p) => {
    const x = Number(p);
    if (p === '' || !Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x))) {
      throw new UsageError(`${flag}: expected a comma list of positive ${integer ? 'whole numbers' : 'numbers'}, found ${JSON.stringify(p)} in ${JSON.stringify(text)}`);
    }
    return x;
  });
}

/** Parses `profile`'s arguments. @throws UsageError naming the bad value */
export function parseProfileArgs(args: readonly string[]): ProfileCommand {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: { workflow: { type: 'string' }, cpus: { type: 'string' }, memory: { type: 'string' }, invocations: { type: 'string' }, out: { type: 'string' } },
  });
  if (values.workflow === undefined) throw new UsageError(`--workflow: missing (one of ${workflowNames.join(', ')})`);
  if (!isWorkflowName(values.workflow)) throw new UsageError(`--workflow: unknown workflow ${JSON.stringify(values.workflow)} (known: ${workflowNames.join(', ')})`);
  const cpus = values.cpus === undefined ? DEFAULT_PROFILE_CPUS : numberList('--cpus', values.cpus, false);
  const memoryMB = values.memory === undefined ? DEFAULT_PROFILE_MEMORY_MB : numberList('--memory', values.memory, true);
  for (const m of memoryMB) if (m < 128 || m > 2048) throw new UsageError(`--memory: ${m} MB is outside OpenWhisk's action limits (128 to 2048 MB)`);
  for (const c of cpus) if (c < 0.01 || c > 64) throw new UsageError(`--cpus: ${c} cores is outside 0.01 to 64`);
  return {
    workflow: values.workflow,
    cpus,
    memoryMB,
    invocations: values.invocations === undefined ? DEFAULT_PROFILE_INVOCATIONS : parsePositiveInt('--invocations', values.invocations),
    out: values.out ?? join('benchmark', 'profiles', `${values.workflow}.json`),
  };
}

/** Options of {@link runProfile} (the library the command and tests call). */
export interface RunProfileOptions extends ProfileCommand {
  /** Where the workflows' manifest is (default manifests/workflows.yaml of the repository; its bundles must be built). */
  readonly manifestPath?: string;
  /** Take the manifest's zips from this folder (`<bundleDir>/<workflow>/<stage>.zip`) instead of its paths. */
  readonly bundleDir?: string;
  /** Overrides of the workflow's input params (default: the workflow's defaults). */
  readonly input?: Readonly<Record<string, unknown>>;
  /** Enforce limits with cgroups (default) or run unlimited. */
  readonly limits?: 'cgroup' | 'none';
  readonly log: (line: string) => void;
  readonly warn: (line: string) => void;
}

/** Measures the workflow and answers the profile (not written). */
export async function runProfile(o: RunProfileOptions): Promise<ProfileDocument> {
  const real = REAL_WORKFLOWS[o.workflow];
  const stages = real.stages.map((s) => ({ name: s.name, after: [...s.after] }));
  const input = o.input ?? {};
  o.log(`preparing each stage's input by running its upstream stages in this process`);
  const inputs: Record<string, Record<string, unknown>> = {};
  for (const s of real.stages) inputs[s.name] = await stageInput(o.workflow, s.name, input);
  const live = await startLiveOpenWhisk({ limitedPackages: new Set([real.package]), seed: 1, warn: o.warn, ...(o.limits === undefined ? {} : { limits: o.limits }) });
  try {
    const { server } = live;
    await deployManifest({
      manifestPath: o.manifestPath ?? join(repoRoot(), 'manifests', 'workflows.yaml'),
      ...(o.bundleDir === undefined ? {} : { bundleDir: o.bundleDir }),
      env: {},
      apiHost: server.apiHost,
      apiKey: server.apiKey,
      feeds: 'skip',
      allowUnset: true,
      log: () => undefined,
      warn: () => undefined,
    });
    const platform = OpenWhiskPlatform.create({ apiHost: server.apiHost, apiKey: server.apiKey, namespace: server.namespace, cpuLimitExtension: true, env: {} });
    const enforced = live.limited.limitsEnforced;
    const configs = o.cpus.length * o.memoryMB.length;
    o.log(`profiling ${o.workflow}: ${stages.length} stages x ${configs} configurations x (1 warm-up + ${o.invocations} runs)${enforced ? '' : ' WITHOUT limits (cgroups not writable)'}`);
    const cpu = osCpus();
    const doc = await measureProfile(
      {
        workflow: o.workflow,
        stages,
        cpus: o.cpus,
        memoryMB: o.memoryMB,
        invocations: o.invocations,
        inputs,
        prices: MODELLED_PRICES,
        overheadMs: OVERHEAD_MS_PER_LEVEL * chainLength(stages),
        percentile: QOS_PERCENTILE,
        targetFactor: QOS_FACTORS.medium,
      },
      openWhiskStageRunner(platform, real.package, true),
      {
        measuredAt: new Date().toISOString(),
        machine: {
          cpus: cpu.length,
          cpuModel: cpu[0]?.model ?? 'unknown',
          memoryGiB: Math.round(totalmem() / 2 ** 30),
          kernel: release(),
          node: process.version,
          limits: enforced ? 'cgroup v1: cpu.cfs_quota_us and memory.limit_in_bytes per process' : 'unlimited (cgroups not writable)',
          input: JSON.stringify(input),
        },
      },
      (p) => o.log(`  [${p.done}/${p.total}] ${p.stage} at ${p.config.memoryMB} MB, ${p.config.cpu} cores: ${Number.isNaN(p.medianMs) ? 'out of memory' : `median ${Math.round(p.medianMs)} ms`}${p.outOfMemoryRuns > 0 && !Number.isNaN(p.medianMs) ? `, ${p.outOfMemoryRuns} out of memory` : ''}`),
    );
    return doc;
  } finally {
    await live.stop();
  }
}

/** Stages on the longest dependency chain (the composition's conductor runs between consecutive ones). */
function chainLength(stages: readonly { name: string; after: readonly string[] }[]): number {
  const graph = buildStageGraph(stages);
  const depth: number[] = stages.map(() => 1);
  for (const s of graph.order) for (const p of graph.predecessors[s]) depth[s] = Math.max(depth[s], depth[p] + 1);
  return Math.max(...depth);
}

/** Runs `profile` and writes the profile; its path. */
export async function runProfileCommand(cmd: ProfileCommand, log: (line: string) => void): Promise<string> {
  const doc = await runProfile({ ...cmd, log, warn: (line) => log(`warning: ${line}`) });
  mkdirSync(dirname(cmd.out), { recursive: true });
  writeFileSync(cmd.out, `${JSON.stringify(doc, null, 1)}\n`);
  log(`wrote ${cmd.out}: ${doc.measurements.length} measurements, target p${doc.qos.percentile} <= ${doc.qos.targetMs} ms`);
  return cmd.out;
}
