/**
 * Seeded test images, drawn with jimp (pure JavaScript): a two-colour
 * gradient and `shapes` filled rectangles and discs blended over it, so the
 * image has edges and colour (no per-pixel noise: that would make the PNG
 * several hundred KB, too much to carry between actions). The same seed and
 * size give the same pixels.
 */
import { Jimp, type JimpInstance } from 'jimp';
import { seededRandom, type SeededRandom } from './seeded-random';

/** A rendered image and what drawing it cost. */
export interface SeededImage {
  readonly image: JimpInstance;
  /** Pixels written: the gradient's plus every shape's covered pixels. */
  readonly pixelsDrawn: number;
}

function colour(rng: SeededRandom): [number, number, number] {
  return [rng.int(256), rng.int(256), rng.int(256)];
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/**
 * Draws a `width` x `height` RGB image (opaque RGBA in jimp's bitmap) from `seed`.
 * @param width pixels, a positive integer
 * @param height pixels, a positive integer
 * @param seed the generator's seed
 * @param shapes number of rectangles and discs drawn over the gradient
 */
export function renderSeededImage(width: number, height: number, seed: number, shapes: number): SeededImage {
  const rng = seededRandom(seed);
  const image = new Jimp({ width, height, color: 0x000000ff });
  const data = image.bitmap.data;
  const [r0, g0, b0] = colour(rng);
  const [r1, g1, b1] = colour(rng);
  const diagonal = Math.max(1, width + height - 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x + y) / diagonal;
      const i = (y * width + x) * 4;
      data[i] = clampByte(r0 + (r1 - r0) * t);
      data[i + 1] = clampByte(g0 + (g1 - g0) * (y / Math.max(1, height - 1)));
      data[i + 2] = clampByte(b0 + (b1 - b0) * (x / Math.max(1, width - 1)));
      data[i + 3] = 255;
    }
  }
  let pixelsDrawn = width * height;
  for (let s = 0; s < shapes; s++) {
    const [r, g, b] = colour(rng);
    const alpha = 0.35 + 0.6 * rng.next();
    const cx = rng.int(width);
    const cy = rng.int(height);
    const rx = 1 + rng.int(Math.max(1, Math.floor(width / 5)));
    const ry = 1 + rng.int(Math.max(1, Math.floor(height / 5)));
    const disc = rng.next() < 0.5;
    const x0 = Math.max(0, cx - rx);
    const x1 = Math.min(width - 1, cx + rx);
    const y0 = Math.max(0, cy - ry);
    const y1 = Math.min(height - 1, cy + ry);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        if (disc) {
          const dx = (x - cx) / rx;
          const dy = (y - cy) / ry;
          if (dx * dx + dy * dy > 1) continue;
        }
        const i = (y * width + x) * 4;
        data[i] = clampByte(data[i] * (1 - alpha) + r * alpha);
        data[i + 1] = clampByte(data[i + 1] * (1 - alpha) + g * alpha);
        data[i + 2] = clampByte(data[i + 2] * (1 - alpha) + b * alpha);
        pixelsDrawn++;
      }
    }
  }
  return { image, pixelsDrawn };
}
