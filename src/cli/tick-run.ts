import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runTickBench, type TickReport } from '../../benchmark/forecast-tick';
import { loadForecastModel } from '../adapters/model-files';
import { initTensorflow } from '../adapters/tfjs-backend';
import { aquatopeForecaster } from '../forecast/aquatope-forecaster';
import { readTrace } from '../trace/read-trace';
import { CANDIDATE_NAMES } from './forecast-options';
import { CANDIDATE_FORECASTERS } from './forecast-run';
import { generateSyntheticTrace } from '../trace/synthetic';
import { parsePositiveInt, parseSeed, UsageError } from './parse-options';
import { defaultModelDir } from './repo-paths';

export const TICK_OPTIONS_HELP = `bench tick options (one forecasting tick = every function's next 12 minutes, 64 samples):
  --trace FILE        invocation trace (default: a synthetic trace of 1,350 functions)
  --model DIR         forecaster (default: the committed models/default)
  --at MINUTE         first minute forecast, 0-based (default 960)
  --ticks N           consecutive minutes to time (default 10)
  --seed S            seed of the Monte Carlo samples (default 1)
  --forecaster NAME   aquatope (ours, the default) or a candidate: ${CANDIDATE_NAMES.join(', ')}
  --out DIR           where tick.json goes (default reports/tick)
`;

/** `aquatope bench tick ...`. */
export async function runTickCommand(args: string[]): Promise<{ report: TickReport; out: string }> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { trace: { type: 'string' }, model: { type: 'string' }, at: { type: 'string' }, ticks: { type: 'string' }, seed: { type: 'string' }, forecaster: { type: 'string' }, out: { type: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const at = values.at === undefined ? 960 : parsePositiveInt('--at', values.at);
  const ticks = values.ticks === undefined ? 10 : parsePositiveInt('--ticks', values.ticks);
  const seed = values.seed === undefined ? 1 : parseSeed('--seed', values.seed);
  const candidate = values.forecaster === undefined || values.forecaster === 'aquatope' ? undefined : CANDIDATE_NAMES.find((c) => c === values.forecaster);
  if (values.forecaster !== undefined && values.forecaster !== 'aquatope' && candidate === undefined) {
    throw new UsageError(`--forecaster: "${values.forecaster}" is not aquatope or a candidate forecaster (known: ${CANDIDATE_NAMES.join(', ')})`);
  }
  const trace = values.trace === undefined ? generateSyntheticTrace({ functions: 1350, minutes: at + ticks, seed }).trace : await readTrace(values.trace);
  if (at + ticks > trace.minutes) throw new UsageError(`--at ${at} --ticks ${ticks} runs past the trace's ${trace.minutes} minutes`);
  await initTensorflow();
  const model = await loadForecastModel(values.model ?? defaultModelDir());
  const report = runTickBench({
    source: trace.source,
    series: trace.functions.map((f) => f.counts),
    forecaster: candidate === undefined ? aquatopeForecaster(model) : CANDIDATE_FORECASTERS[candidate](model),
    horizon: model.network.horizon,
    minutes: Array.from({ length: ticks }, (_, i) => at + i),
    seed,
    clock: { nowMs: () => performance.now() },
    rssBytes: () => process.memoryUsage().rss,
  });
  const out = resolve(values.out ?? join('reports', 'tick'));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'tick.json'), `${JSON.stringify(report, null, 2)}\n`);
  return { report, out };
}
