import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { main } from '../../../../benchmark/workflows/video-pipeline/split/index';
import { failure, ok } from '../real/stage-helpers';
import { probe, SMALL_CLIP } from '../real/video-helpers';
import { describeWithTool } from '../../../support/debian-tools';
const describeTool = describeWithTool('ffmpeg');

jest.setTimeout(30_000);

const splitFolders = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('aquatope-split-'));

describeTool('video-pipeline/split (ffmpeg)', () => {
  it('answers a warm-up at once', async () => {
    expect(await main({ __aquatope_warmup: true })).toEqual({ warmed: true });
  });

  it('renders duration x rate frames and cuts them into 4 segments whose frames (as ffprobe counts them) add up', async () => {
    const before = splitFolders().length;
    const r = await ok(main({ ...SMALL_CLIP }));
    expect(r.video).toMatchObject({ width: 160, height: 120, rate: 10, durationS: 2, frames: 20 });
    expect(r.segments.map((s) => s.index)).toEqual([0, 1, 2, 3]);
    const probed = r.segments.map((s) => probe(s.data));
    expect(probed.map((p) => p.frames)).toEqual(r.segments.map((s) => s.frames));
    expect(probed.reduce((n, p) => n + p.frames, 0)).toBe(20);
    for (const s of r.segments) {
      expect(s).toMatchObject({ width: 160, height: 120, bytes: Buffer.from(s.data, 'base64').length });
      expect(s.durationS).toBeCloseTo(0.5, 5);
    }
    expect(r.work).toEqual({ frames: 20, pixels: 20 * 160 * 120, bytes: r.video.bytes });
    expect(r.carry).toMatchObject({ preset: 'ultrafast', duration: 2 });
    expect(JSON.stringify(r).length).toBeLessThan(1024 * 1024);
    expect(splitFolders()).toHaveLength(before);
  });

  it('is deterministic for a seed (single-threaded x264) and differs for another seed', async () => {
    const a = await ok(main({ ...SMALL_CLIP, duration: 1 }));
    const b = await ok(main({ ...SMALL_CLIP, duration: 1 }));
    const c = await ok(main({ ...SMALL_CLIP, duration: 1, seed: 4 }));
    expect(b.video.sha256).toBe(a.video.sha256);
    expect(c.video.sha256).not.toBe(a.video.sha256);
  });

  it('renders more frames and pixels for a longer, larger or faster clip', async () => {
    const table: [Record<string, number>, number][] = [
      [{ duration: 1, rate: 8, width: 64, height: 48 }, 8 * 64 * 48],
      [{ duration: 2, rate: 8, width: 64, height: 48 }, 16 * 64 * 48],
      [{ duration: 2, rate: 8, width: 128, height: 96 }, 16 * 128 * 96],
      [{ duration: 2, rate: 16, width: 128, height: 96 }, 32 * 128 * 96],
    ];
    for (const [params, pixels] of table) expect((await ok(main({ seed: 1, ...params }))).work.pixels).toBe(pixels);
  });

  it.each([
    ['width', { width: 161 }, 'even'],
    ['height', { height: 8 }, 'found 8'],
    ['duration', { duration: 0 }, 'found 0'],
    ['rate', { rate: 'fast' }, 'found "fast"'],
  ])('names the bad param %s', async (name, params, shown) => {
    const error = await failure(main(params));
    expect(error.code).toBe('invalid-param');
    expect(error.message).toContain(`${name}:`);
    expect(error.message).toContain(shown);
  });
});
