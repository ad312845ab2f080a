/**
 * `aquatope bench system`: the workflows under trace-shaped load for a day
 * with a pool policy and a tuning method together (benchmark/system-bench.ts),
 * writing system.json and system.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSystemBench, SYSTEM_COMBINATIONS, systemMarkdown, type SystemReport } from '../../benchmark/system-bench';
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
  --out DIR           where system.json and system.md go (default reports/system)
`;

/** Runs `bench system` with `args`; returns the report and where it went. */
export async function runSystemCommand(args: readonly string[], log: (line: string) => void): Promise<{ report: SystemReport; out: string }> {
  const { values, positionals } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: true,
    options: { trace: { type: 'string' }, minutes: { type: 'string' }, seed: { type: 'string' }, model: { type: 'string' }, out: { type: 'string' }, functions: { type: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const seed = values.seed === undefined ? 1 : parseSeed('--seed', values.seed);
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
    combinations: SYSTEM_COMBINATIONS,
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
