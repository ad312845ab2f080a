import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SingleBar } from 'cli-progress';
import { DEFAULT_FORECAST_HORIZON, runForecastBench, type ForecastReport } from '../../benchmark/forecast-bench';
import { forecastMarkdown } from '../../benchmark/report/forecast-table';
import { loadForecastModel } from '../adapters/model-files';
import { initTensorflow } from '../adapters/tfjs-backend';
import { aquatopeForecaster, regimeForecaster } from '../forecast/aquatope-forecaster';
import { BayesianForecaster } from '../forecast/bayesian-forecaster';
import { IdleHazardForecaster } from '../forecast/idle-hazard';
import type { ForecastModel } from '../forecast/forecast-model';
import type { Forecaster } from '../forecast/forecast-types';
import type { HeldOutResult } from '../forecast/model-card';
import { INFERENCE_CONFIGS } from '../forecast/model-config';
import { naiveForecasters } from '../forecast/naive';
import type { TrainingTrace } from '../forecast/training-data';
import { readTrace } from '../trace/read-trace';
import type { CandidateForecasterName, ForecastCommand } from './forecast-options';
import { UsageError } from './parse-options';
import { defaultModelDir } from './repo-paths';
import { trainWithProgress } from './train-command';
import { DEFAULT_TRAINING } from '../forecast/model-config';

/** Forecasters `bench forecast --candidates` can add to the report, by name. */
export const CANDIDATE_FORECASTERS: Record<CandidateForecasterName, (model: ForecastModel) => Forecaster> = {
  'aquatope-tail': (model) => aquatopeForecaster(model, { adaptTail: true, name: 'aquatope-tail' }),
};

/**
 * Ours (`aquatope`), its parts on their own (the regime forecaster,
 * `aquatope-regime`, ours until the adaptive average; the network,
 * `aquatope-lstm`; the idle-time model, `idle-hazard`), the 2023 configuration
 * of the same network, and the naive baselines, in report order.
 */
export function benchForecasters(model: ForecastModel, candidates: readonly CandidateForecasterName[] = []): Forecaster[] {
  return [
    aquatopeForecaster(model),
    regimeForecaster(model),
    new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']),
    new IdleHazardForecaster(),
    new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-2023']),
    ...naiveForecasters(),
    ...candidates.map((name) => CANDIDATE_FORECASTERS[name](model)),
  ];
}

/** Test minutes per forecast call: about a thousand windows per call, whatever the function count. */
export function batchMinutesFor(functions: number): number {
  return Math.max(1, Math.min(240, Math.floor(1024 / Math.max(1, functions))));
}

function progress(label: string): SingleBar {
  return new SingleBar({
    stream: process.stderr,
    format: `{bar} {value}/{total} forecast calls | ${label} {task}`,
    noTTYOutput: !process.stderr.isTTY,
    notTTYSchedule: 10_000,
    hideCursor: true,
  });
}

interface SeriesSource {
  readonly source: string;
  readonly series: readonly Uint32Array[] | readonly Float64Array[];
  readonly originMinute: number;
}

function benchWithBar(
  src: SeriesSource,
  forecasters: readonly Forecaster[],
  test: { start: number; end: number },
  train: { start: number; end: number } | undefined,
  seed: number,
  batchMinutes: number,
): ForecastReport {
  const bar = progress(src.source);
  bar.start(1, 0, { task: '' });
  const report = runForecastBench({
    source: src.source,
    series: src.series,
    originMinute: src.originMinute,
    testMinutes: test,
    ...(train === undefined ? {} : { trainMinutes: train }),
    forecasters,
    horizon: DEFAULT_FORECAST_HORIZON,
    seed,
    clock: { nowMs: () => performance.now() },
    batchMinutes,
    onProgress: (done, total, name) => {
      bar.setTotal(total);
      bar.update(done, { task: name });
    },
  });
  bar.stop();
  return report;
}

/**
 * Scores a freshly trained model on the minutes of each training trace after
 * its training range (the held-out part), next to aquatope-2023 and the naive
 * baselines. Traces trained to their last minute have no held-out part.
 */
export function evaluateHeldOut(model: ForecastModel, traces: readonly TrainingTrace[], seed: number): { results: HeldOutResult[]; reports: ForecastReport[] } {
  const results: HeldOutResult[] = [];
  const reports: ForecastReport[] = [];
  for (const tr of traces) {
    const minutes = tr.series[0]?.length ?? 0;
    if (tr.range.end >= minutes) continue;
    const series = tr.series.map((s) => Float64Array.from(s));
    const test = { start: tr.range.end, end: minutes };
    const report = benchWithBar({ source: tr.source, series, originMinute: tr.originMinute }, benchForecasters(model), test, tr.range, seed, batchMinutesFor(series.length));
    reports.push(report);
    results.push({ source: tr.source, testMinutes: test, functions: series.length, rows: report.models });
  }
  return { results, reports };
}

/** `aquatope bench forecast ...`: trains on --train-minutes or loads a model, then scores --test-minutes. */
export async function runForecastCommand(cmd: ForecastCommand): Promise<{ report: ForecastReport; out: string }> {
  process.stderr.write(`reading ${cmd.trace}...\n`);
  const trace = await readTrace(cmd.trace);
  if (cmd.testMinutes.end > trace.minutes) {
    throw new UsageError(`--test-minutes ${cmd.testMinutes.start}:${cmd.testMinutes.end} runs past the end of ${cmd.trace} (${trace.minutes} minutes)`);
  }
  if (cmd.functions !== undefined && cmd.functions > trace.functions.length) {
    throw new UsageError(`--functions ${cmd.functions}: ${cmd.trace} has ${trace.functions.length} functions`);
  }
  const fns = trace.functions.slice(0, cmd.functions ?? trace.functions.length);
  const series = fns.map((f) => f.counts);
  await initTensorflow();
  let model: ForecastModel;
  if (cmd.trainMinutes !== undefined) {
    const training = { ...DEFAULT_TRAINING, ...(cmd.epochs === undefined ? {} : { encoderEpochs: cmd.epochs }) };
    model = await trainWithProgress([{ source: cmd.trace, series, originMinute: 0, range: cmd.trainMinutes }], { seed: cmd.seed, training }, { nowMs: () => performance.now() });
  } else {
    const dir = cmd.model ?? defaultModelDir();
    process.stderr.write(`loading the forecaster from ${dir}...\n`);
    model = await loadForecastModel(dir);
  }
  const report = benchWithBar({ source: cmd.trace, series, originMinute: 0 }, benchForecasters(model, cmd.candidates ?? []), cmd.testMinutes, cmd.trainMinutes, cmd.seed, cmd.batchMinutes ?? batchMinutesFor(series.length));
  const out = resolve(cmd.out);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'forecast.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'forecast.md'), forecastMarkdown(report));
  return { report, out };
}
