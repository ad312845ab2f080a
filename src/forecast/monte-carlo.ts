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
 *
 * When the encoder has the layers `buildEncoder` makes ({@link directEncoder}),
 * they are applied step by step here, with the same operations in the same
 * order as the layers' own, so the features are the same to the bit (a test
 * checks it): through `predict`, the wasm backend's slice copies a whole
 * tensor for every slice it takes, and the LSTM takes 5 per minute (its input
 * minute and its four gates) and the per-minute projection another 48 of its
 * whole output, about 1 s of a 1,500-window call. Otherwise `predict` is used.
 */
export function encodeFeatures(model: ForecastModel, x: Float32Array, n: number): Float32Array {
  const { window: w, encoderUnits: u } = model.network;
  const out = new Float32Array(n * w);
  const direct = directEncoder(model.encoder);
  for (let from = 0; from < n; from += ENCODE_CHUNK) {
    const rows = Math.min(ENCODE_CHUNK, n - from);
    const chunk = x.subarray(from * w * INPUT_FEATURES, (from + rows) * w * INPUT_FEATURES);
    const data =
      direct !== undefined
        ? direct(chunk, rows, w)
        : tf.tidy(() => {
            const xt = tf.tensor3d(chunk, [rows, w, INPUT_FEATURES]);
            const mask = tf.ones([rows, w, u]);
            const r = model.encoder.predict([xt, mask], { batchSize: rows });
            if (Array.isArray(r)) throw new TypeError('encoder has one output');
            return r.dataSync();
          });
    out.set(data, from * w);
  }
  return out;
}

/** x [rows, window, features] flattened -> features [rows, window] flattened. */
type DirectEncoder = (x: Float32Array, rows: number, window: number) => Float32Array;

/**
 * The encoder of `buildEncoder` with its dropout mask all ones, step by step:
 * `encoder_lstm` (tanh, hard-sigmoid gates, bias; gate order i, f, c, o as
 * tfjs's LSTM cell), each minute's output projected by `encoder_projection`'s
 * kernel [units, 1] and bias. Each gate's pre-activation is
 * (x W_g + h U_g) + b_g with W_g, U_g, b_g the gate's columns, taken from the
 * layers' variables at each call of this function (encodeFeatures calls it each
 * time, so a model trained further is read as it is then).
 * Undefined when the model does not have those layers with that configuration
 * and those weight shapes.
 */
export function directEncoder(encoder: tf.LayersModel): DirectEncoder | undefined {
  const names = new Set(encoder.layers.map((l) => l.name));
  if (!names.has('encoder_lstm') || !names.has('encoder_projection') || !names.has('encoder_dropout')) return undefined;
  const lstm = encoder.getLayer('encoder_lstm');
  const c = lstm.getConfig();
  if (c.activation !== 'tanh' || c.recurrentActivation !== 'hardSigmoid' || c.useBias !== true || c.goBackwards !== false || c.returnSequences !== true) return undefined;
  const lw = lstm.getWeights();
  const pw = encoder.getLayer('encoder_projection').getWeights();
  if (lw.length !== 3 || pw.length !== 2) return undefined;
  const [kernel, recurrent, bias] = lw;
  const [projection, projectionBias] = pw;
  const units = recurrent.shape[0];
  const features = kernel.shape[0];
  if (kernel.rank !== 2 || recurrent.rank !== 2 || kernel.shape[1] !== 4 * units || recurrent.shape[1] !== 4 * units || bias.size !== 4 * units) return undefined;
  if (projection.rank !== 2 || projection.shape[0] !== units || projection.shape[1] !== 1 || projectionBias.size !== 1) return undefined;
  const hardSigmoid = (z: tf.Tensor): tf.Tensor => tf.clipByValue(tf.add(0.5, tf.mul(0.2, z)), 0, 1);
  return (x, rows, window) => {
    if (x.length !== rows * window * features) throw new RangeError(`encoder input has ${x.length} values, expected ${rows} x ${window} x ${features}`);
    // Each gate's columns: W_g [features, units], U_g [units, units], b_g [units].
    const gates = [0, 1, 2, 3].map((g) => ({
      w: tf.slice(kernel, [0, g * units], [features, units]),
      u: tf.slice(recurrent, [0, g * units], [units, units]),
      b: tf.slice(bias, [g * units], [units]),
    }));
    // Time-major copy, so that each minute's input is one contiguous block.
    const timeMajor = new Float32Array(x.length);
    for (let r = 0; r < rows; r++) {
      for (let t = 0; t < window; t++) {
        const src = (r * window + t) * features;
        timeMajor.set(x.subarray(src, src + features), (t * rows + r) * features);
      }
    }
    const out = new Float32Array(rows * window);
    let h: tf.Tensor2D = tf.zeros([rows, units]);
    let cell: tf.Tensor2D = tf.zeros([rows, units]);
    try {
      for (let t = 0; t < window; t++) {
        const [nextH, nextC, projected] = tf.tidy(() => {
          const xt = tf.tensor2d(timeMajor.subarray(t * rows * features, (t + 1) * rows * features), [rows, features]);
          const z = gates.map(({ w, u, b }) => tf.add(tf.add(tf.fused.matMul({ a: xt, b: w }), tf.fused.matMul({ a: h, b: u })), b));
          const i = hardSigmoid(z[0]);
          const f = hardSigmoid(z[1]);
          const c2: tf.Tensor2D = tf.add(tf.mul(f, cell), tf.mul(i, tf.tanh(z[2])));
          const o = hardSigmoid(z[3]);
          const h2: tf.Tensor2D = tf.mul(o, tf.tanh(c2));
          return [h2, c2, tf.fused.matMul({ a: h2, b: projection, bias: projectionBias })];
        });
        h.dispose();
        cell.dispose();
        h = nextH;
        cell = nextC;
        const column = projected.dataSync();
        projected.dispose();
        for (let r = 0; r < rows; r++) out[r * window + t] = column[r];
      }
    } finally {
      tf.dispose([h, cell, ...gates.flatMap(({ w, u, b }) => [w, u, b])]);
    }
    return out;
  };
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
