/**
 * The three image classifiers of `ml-inference` (classify-a, -b, -c): small
 * convolutional networks in TensorFlow.js on its pure-JavaScript `cpu`
 * backend, with weights drawn from a seeded generator (He initialisation), so
 * each variant is a fixed, reproducible model without any download:
 *
 * ```
 * input S x S x 3 (normalised per channel)
 *   -> conv 3x3 (w1) + ReLU -> max-pool 2 -> conv 3x3 (w2) + ReLU -> max-pool 2
 *   -> conv 3x3 (w3) + ReLU -> global average pool -> dense (16 labels) -> softmax
 * ```
 *
 * The variants differ in seed and widths. `repeat` forward passes run as a
 * test-time-augmented ensemble (odd passes see the image mirrored), and the
 * labels' scores are the mean of the passes' softmax outputs. Every pass runs
 * inside `tf.tidy`; nothing but the cached weights outlives a call.
 */
import * as tf from '@tensorflow/tfjs';
import { base64Field, carryOf, intParam, InvalidParamError, numberField, objectParam, type StageParams } from './stage-params';
import { peakMemoryMB, type StageResultBase } from './stage-result';
import { seededRandom } from './seeded-random';
import { ML_INFERENCE_DEFAULTS as D, ML_INFERENCE_KEYS } from './workflow-inputs';

/** The classifier stages. */
export type ClassifierName = 'classify-a' | 'classify-b' | 'classify-c';

/** One variant of the network. */
export interface ClassifierVariant {
  /** Seed of its weights. */
  readonly seed: number;
  /** Output channels of its three convolutions. */
  readonly widths: readonly [number, number, number];
}

/** The three variants: different seeds and widths (c is the widest, b the narrowest). */
export const CLASSIFIER_VARIANTS: Readonly<Record<ClassifierName, ClassifierVariant>> = {
  'classify-a': { seed: 101, widths: [16, 32, 64] },
  'classify-b': { seed: 202, widths: [12, 24, 48] },
  'classify-c': { seed: 303, widths: [20, 40, 80] },
};

/** The labels the classifiers choose from. */
export const LABELS: readonly string[] = [
  'cat', 'dog', 'bird', 'car', 'bicycle', 'tree', 'house', 'boat',
  'flower', 'mountain', 'person', 'horse', 'train', 'plane', 'fish', 'cup',
];

/** A label and its score (the ensemble's mean softmax probability, in [0, 1]). */
export interface LabelScore {
  readonly label: string;
  readonly score: number;
}

/** The validated params of a classifier. */
export interface ClassifyInput {
  /** The resized image, `size * size * 3` RGB bytes. */
  readonly rgb: Buffer;
  /** Side of the image, pixels. */
  readonly size: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** Forward passes. */
  readonly repeat: number;
  readonly carry: Readonly<Record<string, unknown>>;
}

/** What a classifier answers. */
export interface ClassifyResult extends StageResultBase {
  /** The stage (variant) that classified. */
  readonly model: ClassifierName;
  /** The 3 best labels, best first, distinct. */
  readonly labels: readonly LabelScore[];
  /** `passes`, `multiplyAdds` (of all passes), `pixels` (per pass). */
  readonly work: { readonly passes: number; readonly multiplyAdds: number; readonly pixels: number };
}

function triple(value: unknown, name: string): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3) throw new InvalidParamError(`${name}: expected 3 numbers, found ${JSON.stringify(value) ?? 'nothing'}`);
  return [numberField(value[0], `${name}[0]`, 0, 1), numberField(value[1], `${name}[1]`, 0, 1), numberField(value[2], `${name}[2]`, 0, 1)];
}

/**
 * Params: `tensor` (resize's `{ size, rgb, mean, std }`), `repeat` (forward
 * passes, 1 to 1,000, default 8).
 * @throws InvalidParamError naming the bad param and value
 */
export function parseClassifyInput(params: StageParams): ClassifyInput {
  const tensor = objectParam(params, 'tensor', "resize's tensor { size, rgb, mean, std }");
  const size = tensor['size'];
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 16 || size > 512) {
    throw new InvalidParamError(`tensor.size: expected an integer from 16 to 512, found ${JSON.stringify(size) ?? 'nothing'}`);
  }
  const rgb = base64Field(tensor['rgb'], 'tensor.rgb');
  if (rgb.length !== size * size * 3) throw new InvalidParamError(`tensor.rgb: expected ${size * size * 3} bytes (${size} x ${size} x 3), found ${rgb.length}`);
  return {
    rgb,
    size,
    mean: triple(tensor['mean'], 'tensor.mean'),
    std: triple(tensor['std'], 'tensor.std'),
    repeat: intParam(params, 'repeat', { default: D.repeat, min: 1, max: 1000 }),
    carry: carryOf(params, ML_INFERENCE_KEYS),
  };
}

interface Weights {
  readonly convs: readonly tf.Tensor4D[];
  readonly dense: tf.Tensor2D;
}

const weightCache = new Map<ClassifierName, Weights>();
let backendReady: Promise<void> | null = null;

/** Selects the pure-JS `cpu` backend once per process (prod mode: no debug checks, no console notice). */
function cpuBackend(): Promise<void> {
  backendReady ??= (async () => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
    await tf.ready();
  })();
  return backendReady;
}

function heNormal(rng: ReturnType<typeof seededRandom>, count: number, fanIn: number): Float32Array {
  const out = new Float32Array(count);
  const scale = Math.sqrt(2 / fanIn);
  for (let i = 0; i < count; i++) out[i] = rng.normal() * scale;
  return out;
}

/** The variant's weights, drawn once per process from its seed. */
function weightsOf(name: ClassifierName): Weights {
  const cached = weightCache.get(name);
  if (cached !== undefined) return cached;
  const { seed, widths } = CLASSIFIER_VARIANTS[name];
  const rng = seededRandom(seed);
  const convs: tf.Tensor4D[] = [];
  let inChannels = 3;
  for (const width of widths) {
    convs.push(tf.tensor4d(heNormal(rng, 9 * inChannels * width, 9 * inChannels), [3, 3, inChannels, width]));
    inChannels = width;
  }
  const dense = tf.tensor2d(heNormal(rng, inChannels * LABELS.length, inChannels), [inChannels, LABELS.length]);
  const weights = { convs, dense };
  weightCache.set(name, weights);
  return weights;
}

/** Multiply-adds of one forward pass of `variant` on a `size` x `size` image. */
export function multiplyAddsPerPass(variant: ClassifierVariant, size: number): number {
  const [w1, w2, w3] = variant.widths;
  const s2 = Math.ceil(size / 2);
  const s4 = Math.ceil(s2 / 2);
  return size * size * w1 * 9 * 3 + s2 * s2 * w2 * 9 * w1 + s4 * s4 * w3 * 9 * w2 + w3 * LABELS.length;
}

/** The `k` best labels of a probability vector, best first (ties: lower index first). */
export function topLabels(probabilities: ArrayLike<number>, k: number): LabelScore[] {
  const order = Array.from({ length: probabilities.length }, (_, i) => i).sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  return order.slice(0, k).map((i) => ({ label: LABELS[i], score: probabilities[i] }));
}

/** Runs the `name` network `repeat` times on the image and answers its 3 best labels. */
export async function classifyImage(name: ClassifierName, input: ClassifyInput): Promise<ClassifyResult> {
  await cpuBackend();
  const { convs, dense } = weightsOf(name);
  const { size } = input;
  const pixels = size * size;
  const normalised = new Float32Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) normalised[p * 3 + c] = (input.rgb[p * 3 + c] / 255 - input.mean[c]) / Math.max(input.std[c], 1e-3);
  }
  const sum = new Float64Array(LABELS.length);
  const image = tf.tensor4d(normalised, [1, size, size, 3]);
  try {
    for (let pass = 0; pass < input.repeat; pass++) {
      const probabilities = tf.tidy(() => {
        let h: tf.Tensor4D = pass % 2 === 1 ? tf.reverse(image, 2) : image;
        convs.forEach((w, i) => {
          h = tf.relu(tf.conv2d(h, w, 1, 'same'));
          if (i < convs.length - 1) h = tf.maxPool(h, 2, 2, 'same');
        });
        const pooled = tf.mean(h, [1, 2]);
        return tf.softmax(tf.matMul(pooled, dense));
      });
      const values = probabilities.dataSync();
      probabilities.dispose();
      for (let i = 0; i < LABELS.length; i++) sum[i] += values[i];
    }
  } finally {
    image.dispose();
  }
  const mean = Array.from(sum, (v) => v / input.repeat);
  return {
    model: name,
    labels: topLabels(mean, 3),
    work: { passes: input.repeat, multiplyAdds: input.repeat * multiplyAddsPerPass(CLASSIFIER_VARIANTS[name], size), pixels },
    carry: input.carry,
    peakMemoryMB: peakMemoryMB(),
  };
}
