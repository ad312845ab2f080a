/**
 * `ml-inference/fetch`: stands in for downloading the request's image (no
 * network): draws a seeded RGB image with jimp and encodes it as PNG, carried
 * base64 to resize.
 */
import { renderSeededImage } from '../../real/seeded-image';
import { carryOf, intParam, type StageParams } from '../../real/stage-params';
import { peakMemoryMB, sha256Hex, type StageResultBase } from '../../real/stage-result';
import { ML_INFERENCE_DEFAULTS as D, ML_INFERENCE_KEYS } from '../../real/workflow-inputs';

/** The validated params of fetch. */
export interface FetchInput {
  /** Seed of the image. */
  readonly seed: number;
  /** Image width, pixels. */
  readonly width: number;
  /** Image height, pixels. */
  readonly height: number;
  /** Shapes drawn over the gradient. */
  readonly shapes: number;
  /** Passed on to the later stages. */
  readonly carry: Readonly<Record<string, unknown>>;
}

/** The fetched image, as resize takes it. */
export interface FetchedImage {
  readonly format: 'png';
  /** Pixels. */
  readonly width: number;
  /** Pixels. */
  readonly height: number;
  /** Size of the PNG, bytes. */
  readonly bytes: number;
  /** Hex sha256 of the PNG. */
  readonly sha256: string;
  /** The PNG, base64. */
  readonly png: string;
}

/** What fetch answers. */
export interface FetchResult extends StageResultBase {
  readonly image: FetchedImage;
  /** `pixels` (width x height), `pixelsDrawn` (gradient plus shapes), `pngBytes`. */
  readonly work: { readonly pixels: number; readonly pixelsDrawn: number; readonly pngBytes: number };
}

/**
 * Params: `seed` (default 1), `width` and `height` (pixels, 8 to 4096,
 * default 1600 x 1200), `shapes` (0 to 10,000, default 40); the other
 * workflow params are carried on.
 * @throws InvalidParamError naming the bad param and value
 */
export function parseFetchInput(params: StageParams): FetchInput {
  return {
    seed: intParam(params, 'seed', { default: D.seed, min: 0, max: 4294967295 }),
    width: intParam(params, 'width', { default: D.width, min: 8, max: 4096 }),
    height: intParam(params, 'height', { default: D.height, min: 8, max: 4096 }),
    shapes: intParam(params, 'shapes', { default: D.shapes, min: 0, max: 10_000 }),
    carry: carryOf(params, ML_INFERENCE_KEYS),
  };
}

/** Draws and encodes the image. Work: width x height pixels (plus the shapes' pixels), and the PNG's deflate. */
export async function fetchImage(input: FetchInput): Promise<FetchResult> {
  const { image, pixelsDrawn } = renderSeededImage(input.width, input.height, input.seed, input.shapes);
  const png = await image.getBuffer('image/png');
  return {
    image: { format: 'png', width: input.width, height: input.height, bytes: png.length, sha256: sha256Hex(png), png: png.toString('base64') },
    work: { pixels: input.width * input.height, pixelsDrawn, pngBytes: png.length },
    carry: input.carry,
    peakMemoryMB: peakMemoryMB(),
  };
}
