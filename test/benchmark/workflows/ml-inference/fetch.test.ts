import { decodeImage } from '../../../../benchmark/workflows/real/image-codec';
import { main } from '../../../../benchmark/workflows/ml-inference/fetch/index';
import { sha256Hex } from '../../../../benchmark/workflows/real/stage-result';
import { failure, ok, strictlyIncreasing } from '../real/stage-helpers';

describe('ml-inference/fetch', () => {
  it('answers a warm-up at once', async () => {
    expect(await main({ __aquatope_warmup: true })).toEqual({ warmed: true });
  });

  it('draws a width x height PNG, carried base64, with its size and sha256, and carries the workflow params on', async () => {
    const r = await ok(main({ seed: 5, width: 48, height: 32, shapes: 4, repeat: 2, inputSize: 16 }));
    const png = Buffer.from(r.image.png, 'base64');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(r.image).toMatchObject({ format: 'png', width: 48, height: 32, bytes: png.length, sha256: sha256Hex(png) });
    const decoded = await decodeImage(png);
    expect([decoded.bitmap.width, decoded.bitmap.height]).toEqual([48, 32]);
    expect(r.carry).toEqual({ seed: 5, width: 48, height: 32, shapes: 4, repeat: 2, inputSize: 16 });
    expect(r.peakMemoryMB).toBeGreaterThan(0);
  });

  it('is deterministic: the same seed gives the same PNG, another seed another', async () => {
    const a = await ok(main({ seed: 11, width: 40, height: 30 }));
    const b = await ok(main({ seed: 11, width: 40, height: 30 }));
    const c = await ok(main({ seed: 12, width: 40, height: 30 }));
    expect(b.image.sha256).toBe(a.image.sha256);
    expect(c.image.sha256).not.toBe(a.image.sha256);
  });

  it('does work in proportion to the image size and the shapes drawn', async () => {
    const sizes = [16, 32, 64];
    const pixels = [];
    for (const w of sizes) pixels.push((await ok(main({ width: w, height: w, shapes: 0 }))).work.pixels);
    expect(pixels).toEqual(sizes.map((w) => w * w));
    const drawn = [];
    for (const shapes of [0, 8, 32]) drawn.push((await ok(main({ width: 32, height: 32, shapes }))).work.pixelsDrawn);
    expect(strictlyIncreasing(drawn)).toBe(true);
  });

  it.each([
    ['width', { width: 4 }, '4'],
    ['width', { width: 'big' }, '"big"'],
    ['height', { height: 10.5 }, '10.5'],
    ['shapes', { shapes: -1 }, '-1'],
    ['seed', { seed: 'x' }, '"x"'],
  ])('names the bad param %s and its value', async (name, params, shown) => {
    const error = await failure(main(params));
    expect(error.code).toBe('invalid-param');
    expect(error.message).toContain(`${name}:`);
    expect(error.message).toContain(`found ${shown}`);
  });
});
