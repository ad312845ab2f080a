import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/rng';
import type { ForecastModel } from './forecast-model';
import { dropoutMask, INPUT_FEATURES } from './network';
import { TIME_FEATURES } from './time-features';

/** Rows per encoder call; bounds the size of one LSTM batch. */
const ENCODE_CHUNK = 2048;
/** Rows (samples x windows) per prediction-network call; bounds memory to a few tens of MB. */
const MC_ROWS = 65_536;

/**
 * The frozen encoder's features [n, window] for `x` [n, window, 5], one
 * deterministic pass (no dropout on the recurrence), in chunks.
 */
export function encodeFeatures(model: ForecastModel, x: Float32Array, n: number): Float32Array {
  const { window: w, encoderUnits: u } = model.network;
  const out = new Float32Array(n * w);
  for (let from = 0; from < n; from += ENCODE_CHUNK) {
    const rows = Math.min(ENCODE_CHUNK, n - from);
    const data = tf.tidy(() => {
      const xt = tf.tensor3d(x.subarray(from * w * INPUT_FEATURES, (from + rows) * w * INPUT_FEATURES), [rows, w, INPUT_FEATURES]);
      const mask = tf.ones([rows, w, u]);
      const r = model.encoder.predict([xt, mask], { batchSize: rows });
      if (Array.isArray(r)) throw new TypeError('encoder has one output');
      return r.dataSync();
    });
    out.set(data, from * w);
  }
  return out;
}

/** Monte Carlo moments of the prediction network's z outputs, each [n, horizon]. */
export interface McMoments {
  readonly mean: Float32Array;
  readonly variance: Float32Array;
  /** Mean over samples of the de-normalised counts, when levels and scales were given. */
  readonly countMean?: Float32Array;
}

/**
 * Runs the prediction network `samples` times with fresh dropout masks (Monte
 * Carlo dropout) on the features [n, window] and time features [n, 4], all
 * samples of a chunk in one batched forward pass inside `tf.tidy`, and returns
 * the per-output mean and (population) variance. With `level` and `scale` it
 * also returns the mean count expm1(level + z * scale), clipped at 0.
 */
export function monteCarlo(
  model: ForecastModel,
  features: Float32Array,
  time: Float32Array,
  n: number,
  samples: number,
  rng: Rng,
  scaling?: { readonly level: Float64Array; readonly scale: Float64Array },
): McMoments {
  const { window: w, horizon: h, predictorUnits, encoderDropout, predictorDropout } = model.network;
  const mean = new Float32Array(n * h);
  const variance = new Float32Array(n * h);
  const countMean = scaling === undefined ? undefined : new Float32Array(n * h);
  const chunk = Math.max(1, Math.floor(MC_ROWS / samples));
  for (let from = 0; from < n; from += chunk) {
    const rows = Math.min(chunk, n - from);
    const total = rows * samples;
    const masks = [dropoutMask(total, w, encoderDropout, rng), dropoutMask(total, predictorUnits[0], predictorDropout, rng), dropoutMask(total, predictorUnits[1], predictorDropout, rng)];
    const [m, v, c] = tf.tidy(() => {
      const f = tf.tensor2d(features.subarray(from * w, (from + rows) * w), [rows, w]);
      const t = tf.tensor2d(time.subarray(from * TIME_FEATURES, (from + rows) * TIME_FEATURES), [rows, TIME_FEATURES]);
      const fs = tf.tile(f, [samples, 1]);
      const ts = tf.tile(t, [samples, 1]);
      const r = model.predictor.predict([fs, ts, ...masks], { batchSize: total });
      if (Array.isArray(r)) throw new TypeError('predictor has one output');
      const z = r.reshape([samples, rows, h]);
      const moments = tf.moments(z, 0);
      let cm: tf.Tensor | undefined;
      if (scaling !== undefined) {
        const lv = tf.tensor2d(Float32Array.from(scaling.level.subarray(from, from + rows)), [rows, 1]);
        const sc = tf.tensor2d(Float32Array.from(scaling.scale.subarray(from, from + rows)), [rows, 1]);
        cm = tf.mean(tf.relu(tf.expm1(z.mul(sc).add(lv))), 0);
      }
      return [moments.mean.dataSync(), moments.variance.dataSync(), cm === undefined ? undefined : cm.dataSync()];
    });
    for (const mask of masks) mask.dispose();
    mean.set(m, from * h);
    variance.set(v, from * h);
    if (countMean !== undefined && c !== undefined) countMean.set(c, from * h);
  }
  return countMean === undefined ? { mean, variance } : { mean, variance, countMean };
}
