import type { ForecastModel } from './forecast-model';

/** One model's held-out scores, as the forecast bench reports them. */
export interface HeldOutRow {
  readonly name: string;
  readonly mae: number;
  readonly rmse: number;
  readonly pinball: { readonly q50: number; readonly q90: number; readonly q99: number };
  readonly coverage90: number;
}

/** Held-out evaluation of one trace. */
export interface HeldOutResult {
  readonly source: string;
  readonly testMinutes: { readonly start: number; readonly end: number };
  readonly functions: number;
  readonly rows: readonly HeldOutRow[];
}

/** What the card says beyond the model itself. */
export interface CardInput {
  readonly name: string;
  /** The command that trained the model (so the card says how to reproduce it). */
  readonly command: string;
  readonly machine: string;
  readonly heldOut: readonly HeldOutResult[];
}

const f = (x: number, d = 4): string => (Number.isFinite(x) ? x.toFixed(d) : String(x));

/** The model card (CARD.md): data, split, hyperparameters, training time, held-out metrics. */
export function modelCard(model: ForecastModel, input: CardInput): string {
  const r = model.record;
  const n = model.network;
  const t = r.training;
  const lines: string[] = [];
  lines.push(`# Forecaster model card: ${input.name}`, '');
  lines.push('The hybrid Bayesian forecaster of DESIGN.md section 3: an LSTM encoder-decoder pretrained on per-minute invocation windows, then a prediction network on the frozen encoder\'s features with Monte Carlo dropout, plus an inherent noise variance estimated on a validation split. One global model for every function: counts are scaled per window (log1p, minus the last minute\'s log1p, over the window\'s standard deviation of log1p, floor 0.2), with log1p(count) / 10 as a magnitude channel beside it. A forecast minute\'s count is Poisson given its rate, the rate log1p-normal with the Monte Carlo plus inherent variance.', '');
  lines.push('## Reproduce', '', '```', input.command, '```', '');
  lines.push(`Seed ${r.seed}. Every random draw (window sampling, shuffling, initial weights, dropout masks) comes from this seed; the wasm backend's arithmetic is deterministic on one machine, so the same command on the same machine gives the same weights.`, '');
  lines.push('## Data', '', '| trace | functions | minutes read | validation from minute | training windows | validation windows |', '|---|---:|---|---:|---:|---:|');
  for (const d of r.data) lines.push(`| ${d.source} | ${d.functions} | ${d.range.start}:${d.range.end} | ${d.validationStart} | ${d.trainWindows} | ${d.validationWindows} |`);
  lines.push('', 'Split: within each trace\'s range, windows whose 12 target minutes end before the last ' + `${Math.round(t.validationShare * 100)}% are for training; windows whose targets lie in it are for validation (early stopping is not used; validation gives the losses below and the noise variance). Minutes after each range were not used for training: they are the held-out data scored below.`, '');
  lines.push('## Hyperparameters', '', '| setting | value |', '|---|---|');
  lines.push(`| input window, horizon | ${n.window} min, ${n.horizon} min |`);
  lines.push(`| encoder | LSTM ${n.encoderUnits} units over ${n.window} steps of (z, sin/cos hour, sin/cos weekday), variational dropout ${n.encoderDropout}, projected to 1 value per step |`);
  lines.push(`| decoder (pretraining only) | LSTM ${n.decoderUnits} units, dense ${n.window + n.horizon}->${n.decoderDense}->${n.horizon} with the last ${n.horizon} inputs |`);
  lines.push(`| prediction network | dense ${n.window + 4}->${n.predictorUnits[0]}->${n.predictorUnits[1]}->${n.horizon}, dropout ${n.encoderDropout} on features, ${n.predictorDropout} on hidden layers |`);
  lines.push(`| training windows per epoch | ${t.windows} (equal share per trace) |`);
  lines.push(`| stage 1 | ${t.encoderEpochs} epochs, Adam lr ${t.encoderLearningRate}, batch ${t.batchSize}, MSE |`);
  lines.push(`| stage 2 | ${t.predictorEpochs} epochs, Adam lr ${t.predictorLearningRate}, batch ${t.batchSize}, MSE |`);
  lines.push(`| noise variance per step (z units) | ${model.noiseVariance.map((v) => f(v, 3)).join(', ')} |`);
  const c = r.noiseCalibration;
  if (c !== undefined) {
    lines.push(`| noise calibration | residual variance x ${f(c.factor, 3)}, so the validation 90% interval covers ${f(c.validationCoverage90, 3)} (target ${c.target}) |`);
  }
  lines.push('');
  lines.push('## Training', '', `${f(r.trainingSeconds, 0)} s on ${input.machine}.`, '', '| stage | epoch | loss | validation loss |', '|---|---:|---:|---:|');
  r.encoderLoss.forEach((e, i) => lines.push(`| encoder-decoder | ${i + 1} | ${f(e.loss)} | ${f(e.validationLoss)} |`));
  r.predictorLoss.forEach((e, i) => lines.push(`| prediction network | ${i + 1} | ${f(e.loss)} | ${f(e.validationLoss)} |`));
  lines.push('');
  lines.push('## Held-out metrics', '');
  if (input.heldOut.length === 0) {
    lines.push('None: every minute of the training traces was in the training range.', '');
  }
  for (const h of input.heldOut) {
    lines.push(`${h.source}, minutes ${h.testMinutes.start}:${h.testMinutes.end}, ${h.functions} functions, one-minute-ahead forecasts (counts per minute):`, '');
    lines.push('| model | MAE | RMSE | pinball q50 | pinball q90 | pinball q99 | 90% coverage |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const row of h.rows) {
      lines.push(`| ${row.name} | ${f(row.mae)} | ${f(row.rmse)} | ${f(row.pinball.q50)} | ${f(row.pinball.q90)} | ${f(row.pinball.q99)} | ${f(row.coverage90, 3)} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
