import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import type { Clock } from '../core/clock';
import { SeededRng } from '../core/rng';
import type { ForecastModel } from '../forecast/forecast-model';
import { DEFAULT_NETWORK, DEFAULT_TRAINING, type TrainingConfig } from '../forecast/model-config';
import { trainForecaster } from '../forecast/train';
import type { TrainingTrace } from '../forecast/training-data';
import { readTrace } from '../trace/read-trace';
import { generateSyntheticTrace } from '../trace/synthetic';
import { parseMinuteRange, parsePositiveInt, parseSeed, UsageError } from './parse-options';
import { sharedDataDir } from './repo-paths';

/** The default model's training data: the first 16 hours of the 1,350-function day and the first 11 of the 14 days. */
export function defaultTrainingSpecs(dataDir: string): { file: string; minutes: { start: number; end: number } }[] {
  return [
    { file: join(dataDir, 'azure-functions-2019-invitro-resampled', '1350_inv.csv'), minutes: { start: 0, end: 960 } },
    {
      file: join(dataDir, 'azure-functions-2019-one-function-14days', '40d07b9935b0d765eec41cedf70847d06699c0df3e24e1216e0ca893e6e8f71d.csv'),
      minutes: { start: 0, end: 11 * 1440 },
    },
  ];
}

/** A parsed `train` command line. */
export interface TrainCommand {
  /** Trace files with the minutes to train on; empty = the defaults. */
  readonly traces: readonly { readonly file: string; readonly minutes?: { readonly start: number; readonly end: number } }[];
  readonly seed: number;
  readonly out: string;
  readonly training: TrainingConfig;
}

/**
 * Parses `train [--trace FILE [--minutes A:B]]... [--epochs N] [--predictor-epochs N]
 * [--windows N] [--seed S] [--out DIR]`. The n-th `--minutes` belongs to the
 * n-th `--trace`; a single `--minutes` applies to every trace.
 */
export function parseTrainArgs(args: string[]): TrainCommand {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      trace: { type: 'string', multiple: true },
      minutes: { type: 'string', multiple: true },
      epochs: { type: 'string' },
      'predictor-epochs': { type: 'string' },
      windows: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const files = values.trace ?? [];
  const ranges = (values.minutes ?? []).map((m) => parseMinuteRange('--minutes', m));
  if (ranges.length > 0 && files.length === 0) throw new UsageError('--minutes needs a --trace');
  if (ranges.length > 1 && ranges.length !== files.length) {
    throw new UsageError(`--minutes given ${ranges.length} times for ${files.length} --trace files; give one, or one per trace`);
  }
  const traces = files.map((file, i) => ({ file, minutes: ranges.length === 1 ? ranges[0] : ranges[i] }));
  const training: TrainingConfig = {
    ...DEFAULT_TRAINING,
    ...(values.epochs === undefined ? {} : { encoderEpochs: parsePositiveInt('--epochs', values.epochs) }),
    ...(values['predictor-epochs'] === undefined ? {} : { predictorEpochs: parsePositiveInt('--predictor-epochs', values['predictor-epochs']) }),
    ...(values.windows === undefined ? {} : { windows: parsePositiveInt('--windows', values.windows) }),
  };
  return {
    traces,
    seed: values.seed === undefined ? 1 : parseSeed('--seed', values.seed),
    out: values.out ?? join('models', 'default'),
    training,
  };
}

/** Reads the training traces (or the defaults: the shared files, else the synthetic day). */
export async function loadTrainingTraces(cmd: Pick<TrainCommand, 'traces' | 'seed'>, log: (line: string) => void): Promise<TrainingTrace[]> {
  let specs = cmd.traces;
  if (specs.length === 0) {
    const dir = sharedDataDir();
    const defaults = defaultTrainingSpecs(dir);
    if (defaults.every((d) => existsSync(d.file))) {
      specs = defaults;
    } else {
      log(`no --trace and ${dir} is absent: training on the synthetic trace (seed ${cmd.seed}), minutes 0:960\n`);
      const s = generateSyntheticTrace({ functions: 400, minutes: 1440, seed: cmd.seed });
      return [{ source: s.trace.source, series: s.trace.functions.map((f) => f.counts), originMinute: 0, range: { start: 0, end: 960 } }];
    }
  }
  const out: TrainingTrace[] = [];
  for (const spec of specs) {
    log(`reading ${spec.file}...\n`);
    const trace = await readTrace(spec.file);
    const range = spec.minutes ?? { start: 0, end: trace.minutes };
    if (range.end > trace.minutes) {
      throw new UsageError(`--minutes ${range.start}:${range.end} runs past the end of ${spec.file} (${trace.minutes} minutes)`);
    }
    out.push({ source: spec.file, series: trace.functions.map((f) => f.counts), originMinute: 0, range });
  }
  return out;
}

/** Trains with a progress bar on stderr (stage, epoch, loss, validation loss). */
export async function trainWithProgress(traces: readonly TrainingTrace[], cmd: Pick<TrainCommand, 'seed' | 'training'>, clock: Clock): Promise<ForecastModel> {
  const bar = new SingleBar({
    stream: process.stderr,
    format: '{bar} {stage} epoch {value}/{total} | loss {loss} | validation loss {val}',
    noTTYOutput: !process.stderr.isTTY,
    notTTYSchedule: 10_000,
    hideCursor: true,
  });
  bar.start(cmd.training.encoderEpochs, 0, { stage: 'encoder', loss: '-', val: '-' });
  const model = await trainForecaster({
    traces,
    network: DEFAULT_NETWORK,
    training: cmd.training,
    seed: cmd.seed,
    rng: new SeededRng(cmd.seed),
    clock,
    onProgress: (p) => {
      if (p.stage === 'noise') return;
      bar.setTotal(p.epochs);
      bar.update(p.epoch, { stage: p.stage, loss: p.loss.toFixed(4), val: p.validationLoss.toFixed(4) });
      if (!process.stderr.isTTY) process.stderr.write(`${p.stage} epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)} validation loss ${p.validationLoss.toFixed(4)}\n`);
    },
  });
  bar.stop();
  return model;
}
