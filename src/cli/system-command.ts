/**
 * `aquatope bench system`: the workflows under trace-shaped load for a day
 * with a pool policy and a tuning method together (benchmark/system-bench.ts),
 * writing system.json and system.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { poolName, runSystemBench, SYSTEM_COMBINATIONS, systemMarkdown, tuningName, type SystemCombination, type SystemReport } from '../../benchmark/system-bench';
import { validatePolicyNames } from '../pool/policy-registry';
import { isMethodName, METHOD_NAMES } from '../tuning/method-registry';
import { lookupWorkflow, workflowNames } from '../../benchmark/workflows';
import { loadForecastModel } from '../adapters/model-files';
import { initTensorflow } from '../adapters/tfjs-backend';
import { aquatopeForecaster } from '../forecast/aquatope-forecaster';
import { clusterConfig } from '../sim/cluster-config';
import { loadWorkload } from './load-workload';
import { parseMinuteRange, parsePositiveInt, parseSeed, UsageError } from './parse-options';
import { defaultModelDir } from './repo-paths';

/** Help text of `bench system`. */
export const SYSTEM_OPTIONS_HELP = `bench system options:
  --trace FILE        trace whose functions drive the workflows (default: the synthetic day)
  --minutes A:B       minutes of the trace (default: all, the synthetic day is 1,440)
  --seed S            seed of the synthetic trace and of every draw (default 1)
  --model DIR         forecaster of the aquatope@<risk> policy (default: the committed models/default)
  --combinations L    comma-separated [dag:]POLICY+METHOD[@pPERCENTILE[-MARGIN%]][/cpuR|/burst-cpuR]:
                      the method tunes for that percentile at the target less MARGIN%; dag: adds
                      workflow-aware prewarming to the policy; /cpuR caps CPU at R cores per GB
                      of memory; /burst-cpuR applies that cap to a workflow from the minute after
                      its load first asks an invoker for more cores than it has (default: the four of issue 4,
                      ${SYSTEM_COMBINATIONS.map(combinationName).join(', ')})
  --out DIR           where system.json and system.md go (default reports/system)
`;

/** The prefix that wraps a combination's policy in workflow-aware prewarming. */
const DAG_PREFIX = 'dag:';

/** A combination as `--combinations` spells it: [dag:]POLICY+{@link tuningName}. */
export function combinationName(c: SystemCombination): string {
  return `${poolName(c)}+${tuningName(c)}`;
}

/**
 * Parses `--combinations`: comma-separated [dag:]POLICY+METHOD[@pPERCENTILE[-MARGIN%]][/cpuRATIO|/burst-cpuRATIO],
 * for example `dag:aquatope@0.99+aquatope@p99.9-10%/cpu0.5,openwhisk-default+max-resources`
 * (`/cpuRATIO`: at most RATIO cores per GB of a stage's memory; `/burst-cpuRATIO`:
 * that cap from the minute after a workflow's load first oversubscribed an invoker).
 * @throws UsageError naming the bad entry: no `+`, an unknown policy or method,
 *   a percentile outside (0, 100), a margin outside [0, 100), a CPU cap that is not a number > 0.
 */
export function parseCombinations(text: string): SystemCombination[] {
  const entries = text.split(',').map((e) => e.trim());
  if (entries.some((e) => e === '')) throw new UsageError(`--combinations: empty entry in "${text}"`);
  return entries.map((entry) => {
    const plus = entry.lastIndexOf('+');
    if (plus <= 0 || plus === entry.length - 1) throw new UsageError(`--combinations: "${entry}" is not POLICY+METHOD[@pPERCENTILE]`);
    const pool = entry.slice(0, plus);
    const dag = pool.startsWith(DAG_PREFIX);
    const policy = dag ? pool.slice(DAG_PREFIX.length) : pool;
    const flag = dag ? { dagPrewarm: true } : {};
    const tuning = entry.slice(plus + 1);
    const burstAt = tuning.lastIndexOf(BURST_CAP_PREFIX);
    const capAt = tuning.lastIndexOf(CAP_PREFIX);
    if (burstAt >= 0 && capAt >= 0) throw new UsageError(`--combinations: "${entry}": use one of ${CAP_PREFIX}RATIO and ${BURST_CAP_PREFIX}RATIO, not both`);
    const suffixAt = burstAt >= 0 ? burstAt : capAt;
    const cap =
      burstAt >= 0
        ? { burstCpuPerGB: parseCpuCap(entry, BURST_CAP_PREFIX, tuning.slice(burstAt + BURST_CAP_PREFIX.length)) }
        : capAt >= 0
          ? { cpuPerGB: parseCpuCap(entry, CAP_PREFIX, tuning.slice(capAt + CAP_PREFIX.length)) }
          : {};
    const [method, percentileText, ...rest] = (suffixAt < 0 ? tuning : tuning.slice(0, suffixAt)).split('@');
    try {
      validatePolicyNames([policy]);
    } catch (e) {
      throw new UsageError(`--combinations: "${entry}": ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!isMethodName(method)) throw new UsageError(`--combinations: "${entry}": unknown method "${method}"; known: ${METHOD_NAMES.join(', ')}`);
    if (rest.length > 0) throw new UsageError(`--combinations: "${entry}" has more than one @`);
    if (percentileText === undefined) return { policy, method, ...flag, ...cap };
    const parts = /^p(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?)%)?$/.exec(percentileText);
    const percentile = parts === null ? NaN : Number(parts[1]);
    if (!(percentile > 0 && percentile < 100)) {
      throw new UsageError(`--combinations: "${entry}": expected @p<percentile strictly between 0 and 100>[-<margin>%], got "${percentileText}"`);
    }
    if (parts === null || parts[2] === undefined) return { policy, method, tunePercentile: percentile, ...flag, ...cap };
    const marginPct = Number(parts[2]);
    if (!(marginPct < 100)) throw new UsageError(`--combinations: "${entry}": the margin must be below 100%, got "${parts[2]}%"`);
    return { policy, method, tunePercentile: percentile, tuneMargin: marginPct / 100, ...flag, ...cap };
  });
}

/** Suffix of a cap on CPU per GB. */
const CAP_PREFIX = '/cpu';
/** Suffix of a cap on CPU per GB that takes effect after a burst. */
const BURST_CAP_PREFIX = '/burst-cpu';

/** The cores per GB of a `/cpuRATIO` or `/burst-cpuRATIO` suffix: a decimal number > 0. */
function parseCpuCap(entry: string, prefix: string, text: string): number {
  const value = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(value > 0)) throw new UsageError(`--combinations: "${entry}": expected ${prefix}<cores per GB, a number > 0>, got "${prefix}${text}"`);
  return value;
}

/** Runs `bench system` with `args`; returns the report and where it went. */
export async function runSystemCommand(args: readonly string[], log: (line: string) => void): Promise<{ report: SystemReport; out: string }> {
  const { values, positionals } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: true,
    options: { combinations: { type: 'string' }, trace: { type: 'string' }, minutes: { type: 'string' }, seed: { type: 'string' }, model: { type: 'string' }, out: { type: 'string' }, functions: { type: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const seed = values.seed === undefined ? 1 : parseSeed('--seed', values.seed);
  const combinations = values.combinations === undefined ? SYSTEM_COMBINATIONS : parseCombinations(values.combinations);
  const loaded = await loadWorkload({
    trace: values.trace,
    seed,
    minutes: values.minutes === undefined ? undefined : parseMinuteRange('--minutes', values.minutes),
    functions: values.functions === undefined ? undefined : parsePositiveInt('--functions', values.functions),
  });
  log(`loading the forecaster from ${values.model ?? defaultModelDir()}...`);
  await initTensorflow();
  const forecaster = aquatopeForecaster(await loadForecastModel(values.model ?? defaultModelDir()));
  const report = runSystemBench({
    trace: loaded.workload,
    workflows: workflowNames.map((n) => lookupWorkflow(n)),
    combinations,
    cluster: clusterConfig(),
    seed,
    forecaster,
    onProgress: log,
  });
  const out = values.out ?? join('reports', 'system');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'system.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'system.md'), systemMarkdown(report));
  return { report, out };
}
