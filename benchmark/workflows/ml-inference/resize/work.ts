/**
 * `ml-inference/resize`: decodes fetch's PNG with jimp, resizes it to the
 * classifiers' square input (`inputSize` x `inputSize`, bilinear) and answers
 * its raw RGB bytes base64 with each channel's mean and standard deviation,
 * which the classifiers normalise with.
 */
import type { JimpInstance } from 'jimp';
import { decodeImage } from '../../real/image-codec';
import { base64Field, carryOf, intParam, InvalidParamError, objectParam, type StageParams } from '../../real/stage-params';
import { peakMemoryMB, type StageResultBase } from '../../real/stage-result';
import { ML_INFERENCE_DEFAULTS as D, ML_INFERENCE_KEYS } from '../../real/workflow-inputs';

/** The validated params of resize. */
export interface ResizeInput {
  /** The encoded image (PNG or JPEG). */
  readonly encoded: Buffer;
  /** Side of the output square, pixels. */
  readonly inputSize: number;
  readonly carry: Readonly<Record<string, unknown>>;
}

/** The classifiers' input: a square RGB image, row-major, 3 bytes a pixel. */
export interface ImageTensor {
  /** Side of the square, pixels. */
  readonly size: number;
  readonly channels: 3;
  /** `size * size * 3` bytes (R, G, B per pixel, rows top to bottom), base64. */
  readonly rgb: string;
  /** Mean of each channel over the pixels, in [0, 1]. */
  readonly mean: readonly [number, number, number];
  /** Standard deviation of each channel, in [0, 1]. */
  readonly std: readonly [number, number, number];
}

/** What resize answers. */
export interface ResizeResult extends StageResultBase {
  readonly tensor: ImageTensor;
  /** Size of the image it decoded, pixels. */
  readonly source: { readonly width: number; readonly height: number };
  /** `decodedPixels` (source width x height), `outputPixels` (size x size), `inputBytes` (the encoded image). */
  readonly work: { readonly decodedPixels: number; readonly outputPixels: number; readonly inputBytes: number };
}

/**
 * Params: `image` (fetch's `{ png }`: base64), `inputSize` (pixels, 16 to
 * 512, default 64).
 * @throws InvalidParamError naming the bad param and value
 */
export function parseResizeInput(params: StageParams): ResizeInput {
  const image = objectParam(params, 'image', "fetch's image { png: base64 }");
  return {
    encoded: base64Field(image['png'], 'image.png'),
    inputSize: intParam(params, 'inputSize', { default: D.inputSize, min: 16, max: 512 }),
    carry: carryOf(params, ML_INFERENCE_KEYS),
  };
}

/** Decodes, resizes and measures the image. Work: the decoded pixels plus the resized ones. */
export async function resizeImage(input: ResizeInput): Promise<ResizeResult> {
  let image: JimpInstance;
  try {
    image = await decodeImage(input.encoded);
  } catch (err) {
    throw new InvalidParamError(`image.png: not a decodable image (${err instanceof Error ? err.message : String(err)})`);
  }
  const source = { width: image.bitmap.width, height: image.bitmap.height };
  image.resize({ w: input.inputSize, h: input.inputSize });
  const { data, width, height } = image.bitmap;
  const pixels = width * height;
  const rgb = Buffer.alloc(pixels * 3);
  const sum = [0, 0, 0];
  const sq = [0, 0, 0];
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) {
      const v = data[p * 4 + c];
      rgb[p * 3 + c] = v;
      sum[c] += v / 255;
      sq[c] += (v / 255) ** 2;
    }
  }
  const mean = (c: number): number => sum[c] / pixels;
  const std = (c: number): number => Math.sqrt(Math.max(0, sq[c] / pixels - mean(c) ** 2));
  return {
    tensor: { size: input.inputSize, channels: 3, rgb: rgb.toString('base64'), mean: [mean(0), mean(1), mean(2)], std: [std(0), std(1), std(2)] },
    source,
    work: { decodedPixels: source.width * source.height, outputPixels: pixels, inputBytes: input.encoded.length },
    carry: input.carry,
    peakMemoryMB: peakMemoryMB(),
  };
}
