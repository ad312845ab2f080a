import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { main } from '../../../../benchmark/workflows/video-pipeline/merge/index';
import { main as split } from '../../../../benchmark/workflows/video-pipeline/split/index';
import { main as transcode1 } from '../../../../benchmark/workflows/video-pipeline/transcode-1/index';
import { main as transcode2 } from '../../../../benchmark/workflows/video-pipeline/transcode-2/index';
import { main as transcode3 } from '../../../../benchmark/workflows/video-pipeline/transcode-3/index';
import { main as transcode4 } from '../../../../benchmark/workflows/video-pipeline/transcode-4/index';
import { failure, ok } from '../real/stage-helpers';
import { probe, SMALL_CLIP } from '../real/video-helpers';
import { describeWithTool } from '../../../support/debian-tools';
const describeTool = describeWithTool('ffmpeg');

jest.setTimeout(30_000);

/** The transcoders' results for a clip, by stage name, as the composition's fan-out collects them. */
async function transcoded(params: Record<string, unknown>): Promise<Record<string, Record<string, unknown>>> {
  const s = { ...(await ok(split(params))) };
  return {
    'transcode-1': { ...(await ok(transcode1(s))) },
    'transcode-2': { ...(await ok(transcode2(s))) },
    'transcode-3': { ...(await ok(transcode3(s))) },
    'transcode-4': { ...(await ok(transcode4(s))) },
  };
}

function segmentOf(result: Record<string, unknown> | undefined): Record<string, unknown> {
  const segment = result?.['segment'];
  if (typeof segment !== 'object' || segment === null || Array.isArray(segment)) throw new Error('no segment');
  return { ...segment };
}

describeTool('video-pipeline/merge (ffmpeg concat demuxer)', () => {
  let branches: Record<string, Record<string, unknown>>;
  beforeAll(async () => {
    branches = await transcoded({ ...SMALL_CLIP });
  });

  it('answers a warm-up at once', async () => {
    expect(await main({ __aquatope_warmup: true })).toEqual({ warmed: true });
  });

  it('concatenates the four segments: its frame count is the sum of the segments\' as ffprobe counts them, its length the clip\'s', async () => {
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('aquatope-merge-')).length;
    const r = await ok(main({ branches, carry: {} }));
    const probed = Object.values(branches).map((b) => probe(String(segmentOf(b)['data'])).frames);
    expect(r.frames).toBe(probed.reduce((a, b) => a + b, 0));
    expect(r.frames).toBe(20);
    expect(r.segmentFrames).toEqual(probed);
    expect(r.durationS).toBeCloseTo(2, 1);
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.work).toMatchObject({ segments: 4, frames: 20, pixels: 20 * 160 * 120 });
    expect(r.bytes).toBeGreaterThan(0);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('aquatope-merge-'))).toHaveLength(before);
  });

  it('merges in index order whatever the order of the branches, and deterministically', async () => {
    const reversed = Object.fromEntries(Object.entries(branches).reverse());
    const a = await ok(main({ branches }));
    const b = await ok(main({ branches: reversed }));
    expect(b.sha256).toBe(a.sha256);
    const list = await ok(main({ segments: Object.values(branches).map(segmentOf) }));
    expect(list.sha256).toBe(a.sha256);
  });

  it('decodes more frames for a longer clip', async () => {
    const frames = [];
    for (const duration of [1, 3]) frames.push((await ok(main({ branches: await transcoded({ ...SMALL_CLIP, duration }) }))).work.frames);
    expect(frames).toEqual([10, 30]);
  });

  it('answers ffmpeg-missing, naming what to install, when there is no ffmpeg', async () => {
    const saved = process.env['FFMPEG_PATH'];
    process.env['FFMPEG_PATH'] = '/nonexistent/ffmpeg';
    try {
      const error = await failure(main({ branches }));
      expect(error).toEqual({ code: 'ffmpeg-missing', message: expect.stringContaining('ffmpeg not found ("/nonexistent/ffmpeg", from FFMPEG_PATH)') });
    } finally {
      if (saved === undefined) delete process.env['FFMPEG_PATH'];
      else process.env['FFMPEG_PATH'] = saved;
    }
  });

  it.each([
    ['branches', {}, 'nothing'],
    ['branches', { branches: {} }, '{}'],
    ['branches.transcode-1.segment', { branches: { 'transcode-1': { segment: 'x' } } }, '"x"'],
    ['segments', { segments: [] }, '[]'],
  ])('names the bad param %s', async (name, params, shown) => {
    const error = await failure(main(params));
    expect(error.code).toBe('invalid-param');
    expect(error.message).toContain(`${name}:`);
    expect(error.message).toContain(`found ${shown}`);
  });

  it('refuses two segments with the same index', async () => {
    const one = segmentOf(branches['transcode-1']);
    const error = await failure(main({ segments: [one, one] }));
    expect(error).toEqual({ code: 'invalid-param', message: 'segments: index 0 appears twice' });
  });
});
