import { main as split } from '../../../../benchmark/workflows/video-pipeline/split/index';
import { main as transcode1 } from '../../../../benchmark/workflows/video-pipeline/transcode-1/index';
import { main as transcode2 } from '../../../../benchmark/workflows/video-pipeline/transcode-2/index';
import { main as transcode3 } from '../../../../benchmark/workflows/video-pipeline/transcode-3/index';
import { main as transcode4 } from '../../../../benchmark/workflows/video-pipeline/transcode-4/index';
import { failure, ok } from './stage-helpers';
import { probe, SMALL_CLIP } from './video-helpers';
import { describeWithTool } from '../../../support/debian-tools';
const describeTool = describeWithTool('ffmpeg');

jest.setTimeout(30_000);

const TRANSCODERS = [transcode1, transcode2, transcode3, transcode4];

describeTool('video-pipeline/transcode-1 .. -4 (real/transcode-segment.ts, ffmpeg libx264)', () => {
  let splitResult: Record<string, unknown>;
  beforeAll(async () => {
    splitResult = { ...(await ok(split({ ...SMALL_CLIP }))) };
  });

  it('answer a warm-up at once', async () => {
    for (const main of TRANSCODERS) expect(await main({ __aquatope_warmup: true })).toEqual({ warmed: true });
  });

  it("each takes its own segment of split's result and re-encodes it: same size, ffprobe's frame count, the preset and crf asked", async () => {
    const results = [];
    for (const main of TRANSCODERS) results.push(await ok(main(splitResult)));
    expect(results.map((r) => r.segment.index)).toEqual([0, 1, 2, 3]);
    for (const r of results) {
      expect(r.segment).toMatchObject({ width: 160, height: 120 });
      expect(probe(r.segment.data).frames).toBe(r.segment.frames);
      expect(r.encoding).toEqual({ codec: 'libx264', preset: 'ultrafast', crf: 23, inputBytes: r.work.inputBytes });
      expect(r.work).toMatchObject({ frames: r.segment.frames, pixels: r.segment.frames * 160 * 120, outputBytes: r.segment.bytes });
    }
    expect(results.reduce((n, r) => n + r.segment.frames, 0)).toBe(20);
  });

  it('takes an index or a single segment param, and a top-level preset or crf over the carried one', async () => {
    const byIndex = await ok(transcode1({ ...splitResult, index: 2 }));
    expect(byIndex.segment.index).toBe(2);
    const segments = splitResult['segments'];
    const one = Array.isArray(segments) ? segments[1] : undefined;
    const single = await ok(transcode1({ segment: one, crf: 40, preset: 'veryfast' }));
    expect(single.segment.index).toBe(1);
    expect(single.encoding).toMatchObject({ preset: 'veryfast', crf: 40 });
  });

  it('is deterministic, and a higher crf makes a smaller file', async () => {
    const a = await ok(transcode2({ ...splitResult, crf: 18 }));
    const b = await ok(transcode2({ ...splitResult, crf: 18 }));
    const c = await ok(transcode2({ ...splitResult, crf: 45 }));
    expect(b.sha256).toBe(a.sha256);
    expect(c.segment.bytes).toBeLessThan(a.segment.bytes);
  });

  it('encodes more pixels for a longer clip', async () => {
    const pixels = [];
    for (const duration of [1, 2, 4]) pixels.push((await ok(transcode3({ ...(await ok(split({ ...SMALL_CLIP, duration, rate: 8 }))) }))).work.pixels);
    // A quarter of duration x 8 frames, 160 x 120 each.
    expect(pixels).toEqual([2, 4, 8].map((frames) => frames * 160 * 120));
  });

  it('answers ffmpeg-failed with the tail of ffmpeg\'s stderr for a segment that is not a video', async () => {
    const error = await failure(transcode1({ segment: { index: 0, width: 16, height: 16, frames: 1, data: Buffer.from('not an mp4 file at all').toString('base64') } }));
    expect(error.code).toBe('ffmpeg-failed');
    expect(error.message).toMatch(/^transcode segment 0: ffmpeg exited with code \d+: .*in\.mp4/s);
  });

  it.each([
    ['segments', {}, 'nothing'],
    ['segments', { segments: [] }, 'no segment with index 3 among 0'],
    ['index', { segments: [], index: 4 }, 'found 4'],
    ['preset', { preset: 'turbo' }, 'found "turbo"'],
    ['crf', { crf: 52 }, 'found 52'],
    ['segment.data', { segment: { index: 0, width: 2, height: 2, frames: 1, data: '' } }, 'found ""'],
  ])('names the bad param %s', async (name, params, shown) => {
    const error = await failure(transcode4(params));
    expect(error.code).toBe('invalid-param');
    expect(error.message).toContain(`${name}:`);
    expect(error.message).toContain(shown);
  });
});
