import * as tf from '@tensorflow/tfjs';
import type { Clock } from '../core/clock';
import type { Rng } from '../core/rng';
import type { ForecastModel } from './forecast-model';
import type { NetworkConfig, TrainingConfig } from './model-config';
import { encodeFeatures, type McMoments, monteCarlo } from './monte-carlo';
import { poissonLogNormalCdf } from './count-distribution';
import { poissonLogVariance } from './scaling';
import { buildEncoder, buildPredictor, dropoutMask, INPUT_FEATURES, variationalMask } from './network';
import { TIME_FEATURES } from './time-features';
import { buildTrainingData, type TrainingTrace, type WindowSet } from './training-data';

/** Progress of training, once per epoch. */
export interface TrainingProgress {
  readonly stage: 'encoder' | 'predictor' | 'noise';
  readonly epoch: number;
  readonly epochs: number;
  /** Mean training loss of the epoch (MSE, z units). */
  readonly loss: number;
  /** Validation loss after the epoch (MSE of a deterministic pass, z units). */
  readonly validationLoss: number;
}

export interface TrainInput {
  readonly traces: readonly TrainingTrace[];
  readonly network: NetworkConfig;
  readonly training: TrainingConfig;
  readonly seed: number;
  readonly rng: Rng;
  readonly clock: Clock;
  readonly onProgress?: (p: TrainingProgress) => void;
}

function shuffled(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

function gather(src: Float32Array, width: number, idx: Int32Array, from: number, to: number): Float32Array {
  const out = new Float32Array((to - from) * width);
  for (let k = from; k < to; k++) out.set(src.subarray(idx[k] * width, (idx[k] + 1) * width), (k - from) * width);
  return out;
}

function mse(pred: Float32Array, y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const d = pred[i] - y[i];
    s += d * d;
  }
  return y.length > 0 ? s / y.length : 0;
}

async function lossOf(r: tf.Scalar | tf.Scalar[] | number | number[]): Promise<number> {
  if (typeof r === 'number') return r;
  if (Array.isArray(r)) {
    const first = r[0];
    return typeof first === 'number' ? first : (await first.data())[0];
  }
  return (await r.data())[0];
}

function pretrainPredict(model: tf.LayersModel, set: WindowSet, cfg: NetworkConfig): Float32Array {
  const out = new Float32Array(set.n * cfg.horizon);
  const chunk = 1024;
  for (let from = 0; from < set.n; from += chunk) {
    const rows = Math.min(chunk, set.n - from);
    const data = tf.tidy(() => {
      const x = tf.tensor3d(set.x.subarray(from * cfg.window * INPUT_FEATURES, (from + rows) * cfg.window * INPUT_FEATURES), [rows, cfg.window, INPUT_FEATURES]);
      const last = tf.tensor2d(set.last.subarray(from * cfg.horizon, (from + rows) * cfg.horizon), [rows, cfg.horizon]);
      const r = model.predict([x, tf.ones([rows, cfg.window, cfg.encoderUnits]), last], { batchSize: rows });
      if (Array.isArray(r)) throw new TypeError('one output');
      return r.dataSync();
    });
    out.set(data, from * cfg.horizon);
  }
  return out;
}

function predictorPredict(model: tf.LayersModel, features: Float32Array, set: WindowSet, cfg: NetworkConfig): Float32Array {
  return tf.tidy(() => {
    const n = set.n;
    const r = model.predict([
      tf.tensor2d(features, [n, cfg.window]),
      tf.tensor2d(set.time, [n, TIME_FEATURES]),
      tf.ones([n, cfg.window]),
      tf.ones([n, cfg.predictorUnits[0]]),
      tf.ones([n, cfg.predictorUnits[1]]),
    ], { batchSize: Math.max(1, n) });
    if (Array.isArray(r)) throw new TypeError('one output');
    return Float32Array.from(r.dataSync());
  });
}

/** The 90% interval's coverage the noise calibration aims at on the validation split. */
export const CALIBRATION_TARGET = 0.9;

/**
 * Standard deviation in log1p units of the rate of row `r`, step `s`: the Monte
 * Carlo variance (z units, times scale^2), plus `factor` x the step's noise
 * factor x the window's local noise variance. The Poisson sampling noise of the
 * count is added by the count distribution ({@link poissonLogNormalCdf}), as the
 * forecaster does.
 */
function logSd(set: WindowSet, mc: McMoments, noise: readonly number[], horizon: number, r: number, s: number, factor: number): number {
  const i = r * horizon + s;
  return Math.sqrt(set.scale[r] * set.scale[r] * mc.variance[i] + factor * noise[s] * set.noise[r]);
}

/**
 * Mean over validation cells (window, step) of the randomised-PIT coverage of
 * the 90% interval (see expectedCoverage in metrics.ts) when the noise term is
 * multiplied by `factor`: 0.9 for a calibrated forecast of counts.
 */
export function validationCoverage(set: WindowSet, mc: McMoments, noise: readonly number[], horizon: number, factor: number): number {
  let covered = 0;
  for (let r = 0; r < set.n; r++) {
    for (let s = 0; s < horizon; s++) {
      const i = r * horizon + s;
      const mean = set.level[r] + set.scale[r] * mc.mean[i];
      const sd = logSd(set, mc, noise, horizon, r, s, factor);
      const y = set.counts[i];
      const a = poissonLogNormalCdf(y - 1, mean, sd);
      const b = poissonLogNormalCdf(y, mean, sd);
      covered += b - a > 0 ? Math.max(0, Math.min(b, 0.95) - Math.max(a, 0.05)) / (b - a) : a >= 0.05 && a <= 0.95 ? 1 : 0;
    }
  }
  return set.n > 0 ? covered / (set.n * horizon) : 0;
}

/**
 * Per horizon step, the factor that turns a window's local noise variance into
 * its inherent (overdispersion) noise variance: the validation residuals'
 * variance beyond the Monte Carlo and Poisson variances, over the mean local
 * noise (ratio of sums, >= 0). Residuals in log1p units, of the Monte Carlo mean.
 */
export function noiseFactors(set: WindowSet, mc: McMoments, horizon: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < horizon; s++) {
    let excess = 0;
    let local = 0;
    for (let r = 0; r < set.n; r++) {
      const i = r * horizon + s;
      const mean = set.level[r] + set.scale[r] * mc.mean[i];
      const resid = Math.log1p(set.counts[i]) - mean;
      excess += resid * resid - set.scale[r] * set.scale[r] * mc.variance[i] - poissonLogVariance(mean);
      local += set.noise[r];
    }
    out.push(local > 0 ? Math.max(0, excess / local) : 0);
  }
  return out;
}

/**
 * The factor on the noise term that makes the validation 90% interval cover
 * `target` of the cells (bisection on log factor in [1e-3, 1e3]). Counts are
 * integers and many minutes are zero, so a Gaussian fit of the residuals alone
 * does not give 90% coverage; the factor corrects the pooled (randomised-PIT) coverage, as
 * checked on held-out data in the model card.
 */
export function calibrateNoise(set: WindowSet, mc: McMoments, noise: readonly number[], horizon: number, target: number): { factor: number; coverage90: number } {
  let lo = Math.log(1e-3);
  let hi = Math.log(1e3);
  for (let k = 0; k < 30; k++) {
    const mid = (lo + hi) / 2;
    if (validationCoverage(set, mc, noise, horizon, Math.exp(mid)) < target) lo = mid;
    else hi = mid;
  }
  const factor = Math.exp(hi);
  return { factor, coverage90: validationCoverage(set, mc, noise, horizon, factor) };
}

/**
 * Trains the hybrid forecaster in two stages (DESIGN.md section 3): stage 1
 * fits the LSTM encoder-decoder on windows (MSE on the next `horizon` z values,
 * variational dropout on the encoder's outputs); stage 2 freezes the encoder
 * and fits the prediction network on its features plus the first target
 * minute's time features, with dropout. Then the inherent noise (Zhu and
 * Laptev 2017): the Poisson sampling variance of the count, plus each window's
 * local noise variance times a factor per horizon step fitted to the
 * validation residuals ({@link noiseFactors}) and one factor calibrated so the
 * validation 90% interval covers 90% ({@link calibrateNoise}). Every random draw (window sampling,
 * shuffling, initial weights, dropout masks) comes from `rng`.
 */
export async function trainForecaster(input: TrainInput): Promise<ForecastModel> {
  const { network: cfg, training: tc, rng } = input;
  const t0 = input.clock.nowMs();
  const data = buildTrainingData(input.traces, cfg, tc.windows, tc.validationShare, rng);
  const { train, validation } = data;
  const { encoder, pretrain } = buildEncoder(cfg, rng);
  pretrain.compile({ optimizer: tf.train.adam(tc.encoderLearningRate), loss: 'meanSquaredError' });
  const encoderLoss: { loss: number; validationLoss: number }[] = [];
  const xw = cfg.window * INPUT_FEATURES;
  for (let epoch = 0; epoch < tc.encoderEpochs; epoch++) {
    const order = shuffled(train.n, rng);
    let sum = 0;
    let batches = 0;
    for (let from = 0; from < train.n; from += tc.batchSize) {
      const to = Math.min(train.n, from + tc.batchSize);
      const rows = to - from;
      const x = tf.tensor3d(gather(train.x, xw, order, from, to), [rows, cfg.window, INPUT_FEATURES]);
      const last = tf.tensor2d(gather(train.last, cfg.horizon, order, from, to), [rows, cfg.horizon]);
      const y = tf.tensor2d(gather(train.y, cfg.horizon, order, from, to), [rows, cfg.horizon]);
      const mask = variationalMask(rows, cfg.window, cfg.encoderUnits, cfg.encoderDropout, rng);
      sum += await lossOf(await pretrain.trainOnBatch([x, mask, last], y));
      batches++;
      tf.dispose([x, last, y, mask]);
    }
    const validationLoss = mse(pretrainPredict(pretrain, validation, cfg), validation.y);
    encoderLoss.push({ loss: sum / Math.max(1, batches), validationLoss });
    input.onProgress?.({ stage: 'encoder', epoch: epoch + 1, epochs: tc.encoderEpochs, loss: sum / Math.max(1, batches), validationLoss });
  }
  pretrain.optimizer.dispose();

  const model0: ForecastModel = {
    network: cfg,
    encoder,
    predictor: buildPredictor(cfg, rng),
    noiseVariance: new Array<number>(cfg.horizon).fill(0),
    record: { seed: input.seed, training: tc, data: data.splits, encoderLoss, predictorLoss: [], trainingSeconds: 0 },
  };
  const trainFeatures = encodeFeatures(model0, train.x, train.n);
  const valFeatures = encodeFeatures(model0, validation.x, validation.n);
  const predictor = model0.predictor;
  predictor.compile({ optimizer: tf.train.adam(tc.predictorLearningRate), loss: 'meanSquaredError' });
  const predictorLoss: { loss: number; validationLoss: number }[] = [];
  const [u1, u2] = cfg.predictorUnits;
  for (let epoch = 0; epoch < tc.predictorEpochs; epoch++) {
    const order = shuffled(train.n, rng);
    let sum = 0;
    let batches = 0;
    for (let from = 0; from < train.n; from += tc.batchSize) {
      const to = Math.min(train.n, from + tc.batchSize);
      const rows = to - from;
      const inputs = [
        tf.tensor2d(gather(trainFeatures, cfg.window, order, from, to), [rows, cfg.window]),
        tf.tensor2d(gather(train.time, TIME_FEATURES, order, from, to), [rows, TIME_FEATURES]),
        dropoutMask(rows, cfg.window, cfg.encoderDropout, rng),
        dropoutMask(rows, u1, cfg.predictorDropout, rng),
        dropoutMask(rows, u2, cfg.predictorDropout, rng),
      ];
      const y = tf.tensor2d(gather(train.y, cfg.horizon, order, from, to), [rows, cfg.horizon]);
      sum += await lossOf(await predictor.trainOnBatch(inputs, y));
      batches++;
      tf.dispose([...inputs, y]);
    }
    const validationLoss = mse(predictorPredict(predictor, valFeatures, validation, cfg), validation.y);
    predictorLoss.push({ loss: sum / Math.max(1, batches), validationLoss });
    input.onProgress?.({ stage: 'predictor', epoch: epoch + 1, epochs: tc.predictorEpochs, loss: sum / Math.max(1, batches), validationLoss });
  }
  predictor.optimizer.dispose();

  const mc = monteCarlo(model0, valFeatures, validation.time, validation.n, tc.validationSamples, rng);
  const rawNoise = noiseFactors(validation, mc, cfg.horizon);
  const calibration = calibrateNoise(validation, mc, rawNoise, cfg.horizon, CALIBRATION_TARGET);
  const noiseVariance = rawNoise.map((v) => v * calibration.factor);
  input.onProgress?.({ stage: 'noise', epoch: 1, epochs: 1, loss: noiseVariance[0], validationLoss: noiseVariance[0] });
  return {
    ...model0,
    noiseVariance,
    record: {
      ...model0.record,
      predictorLoss,
      noiseCalibration: { rawNoiseVariance: rawNoise, factor: calibration.factor, validationCoverage90: calibration.coverage90, target: CALIBRATION_TARGET },
      trainingSeconds: (input.clock.nowMs() - t0) / 1000,
    },
  };
}
