/** Shared by the video-pipeline tests: ffprobe's own count of a file's frames, and small test clips. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Small clips keep the tests quick: 160 x 120, 2 s at 10 fps (20 frames, 5 a segment). */
export const SMALL_CLIP = { seed: 3, width: 160, height: 120, duration: 2, rate: 10, preset: 'ultrafast' } as const;

/** Frames and duration of an MP4 (base64) as ffprobe counts them, decoding every frame. */
export function probe(base64: string): { frames: number; durationS: number } {
  const dir = mkdtempSync(join(tmpdir(), 'aquatope-probe-'));
  try {
    const file = join(dir, 'v.mp4');
    writeFileSync(file, Buffer.from(base64, 'base64'));
    const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height:format=duration', '-of', 'json', file], { encoding: 'utf8' });
    const parsed: unknown = JSON.parse(out);
    const streams = isRecord(parsed) && Array.isArray(parsed['streams']) ? parsed['streams'] : [];
    const [stream] = streams;
    const format = isRecord(parsed) ? parsed['format'] : undefined;
    return { frames: Number(isRecord(stream) ? stream['nb_read_frames'] : Number.NaN), durationS: Number(isRecord(format) ? format['duration'] : Number.NaN) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
