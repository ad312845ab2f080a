import { Jimp } from 'jimp';
import { main as fetch } from '../../../../benchmark/workflows/ml-inference/fetch/index';
import { main } from '../../../../benchmark/workflows/ml-inference/resize/index';
import { failure, ok } from '../real/stage-helpers';

async function fetched(width: number, height: number): Promise<Record<string, unknown>> {
  return { ...(await ok(fetch({ seed: 2, width, height, shapes: 6 }))) };
}

describe('ml-inference/resize', () => {
  it('answers a warm-up at once', async () => {
    expect(await main({ __aquatope_warmup: true })).toEqual({ warmed: true });
  });

  it("resizes fetch's image to inputSize x inputSize RGB bytes with per-channel mean and sd in [0, 1]", async () => {
    const input = await ok(fetch({ seed: 2, width: 96, height: 64, shapes: 6 }));
    const r = await ok(main({ ...input, inputSize: 24 }));
    expect(r.source).toEqual({ width: 96, height: 64 });
    expect(r.tensor.size).toBe(24);
    expect(Buffer.from(r.tensor.rgb, 'base64')).toHaveLength(24 * 24 * 3);
    for (const v of [...r.tensor.mean, ...r.tensor.std]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(r.work).toEqual({ decodedPixels: 96 * 64, outputPixels: 24 * 24, inputBytes: input.image.bytes });
  });

  it('keeps the colours: a flat red image resizes to red pixels with mean (1, 0, 0) and sd 0', async () => {
    const red = await new Jimp({ width: 40, height: 30, color: 0xff0000ff }).getBuffer('image/png');
    const r = await ok(main({ image: { png: red.toString('base64') }, inputSize: 16 }));
    const rgb = Buffer.from(r.tensor.rgb, 'base64');
    expect([rgb[0], rgb[1], rgb[2]]).toEqual([255, 0, 0]);
    expect(r.tensor.mean).toEqual([1, 0, 0]);
    expect(r.tensor.std.map((s) => Math.round(s * 1000))).toEqual([0, 0, 0]);
  });

  it('uses the carried inputSize (the workflow param) when there is no top-level one', async () => {
    const f = await ok(fetch({ width: 32, height: 32, inputSize: 20 }));
    expect((await ok(main({ ...f }))).tensor.size).toBe(20);
  });

  it('decodes more pixels for a larger source image', async () => {
    const decoded = [];
    for (const side of [32, 64, 128]) decoded.push((await ok(main({ ...(await fetched(side, side)), inputSize: 16 }))).work.decodedPixels);
    expect(decoded).toEqual([32 * 32, 64 * 64, 128 * 128]);
  });

  it.each([
    ['image', {}, 'nothing'],
    ['image.png', { image: { png: 'not base64!' } }, '"not base64!"'],
    ['image.png', { image: { png: Buffer.from('GIF89a....').toString('base64') } }, 'not a decodable image'],
    ['inputSize', { image: { png: 'iVBORw0KGgo=' }, inputSize: 8 }, '8'],
  ])('names the bad param %s', async (name, params, shown) => {
    const error = await failure(main(params));
    expect(error.code).toBe('invalid-param');
    expect(error.message).toContain(`${name}:`);
    expect(error.message).toContain(shown);
  });
});
