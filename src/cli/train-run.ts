import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { initTensorflow } from '../adapters/tfjs-backend';
import { saveForecastModel } from '../adapters/model-files';
import { modelCard, type HeldOutResult } from '../forecast/model-card';
import type { ForecastModel } from '../forecast/forecast-model';
import type { TrainingTrace } from '../forecast/training-data';
import { loadTrainingTraces, parseTrainArgs, trainWithProgress } from './train-command';

/** The machine, for model cards and benchmark reports. */
export function machineDescription(): string {
  const c = cpus();
  return `${c.length} x ${c[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, TensorFlow.js wasm backend`;
}

/** Evaluates held-out minutes of each trace; filled in by the forecast bench. */
export type HeldOutEvaluator = (model: ForecastModel, traces: readonly TrainingTrace[], seed: number) => Promise<HeldOutResult[]>;

/** `aquatope train ...`: trains, saves the model, writes CARD.md. */
export async function runTrain(args: string[], argv: readonly string[], evaluate?: HeldOutEvaluator): Promise<void> {
  const cmd = parseTrainArgs(args);
  const log = (line: string): void => {
    process.stderr.write(line);
  };
  const traces = await loadTrainingTraces(cmd, log);
  await initTensorflow();
  const model = await trainWithProgress(traces, cmd, { nowMs: () => performance.now() });
  const out = resolve(cmd.out);
  mkdirSync(out, { recursive: true });
  await saveForecastModel(model, out);
  const heldOut = evaluate === undefined ? [] : await evaluate(model, traces, cmd.seed);
  const command = `npm run train -- ${argv.slice(1).join(' ')}`.trim();
  writeFileSync(join(out, 'CARD.md'), modelCard(model, { name: basename(out), command, machine: machineDescription(), heldOut }));
  log(`model written to ${out} (forecaster.json, encoder/, predictor/, CARD.md)\n`);
}
