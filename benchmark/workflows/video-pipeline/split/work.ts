/**
 * `video-pipeline/split`: renders its own clip with ffmpeg (the `testsrc`
 * pattern, hue-rotated by the seed, H.264 without B-frames and with a key
 * frame at every quarter),
 * then splits it into 4 segments with the segment muxer (stream copy), carried
 * base64 to the transcoders. At the defaults (320 x 240, 8 s, 25 fps) the
 * four segments are about 60 KB together.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FfmpegError, runFfmpeg, withTempDir } from '../../real/ffmpeg';
import { carryOf, intParam, InvalidParamError, type StageParams } from '../../real/stage-params';
import { peakMemoryMB, sha256Hex, type StageResultBase } from '../../real/stage-result';
import { SEGMENT_COUNT, type VideoSegment } from '../../real/video-segment';
import { VIDEO_PIPELINE_DEFAULTS as D, VIDEO_PIPELINE_KEYS } from '../../real/workflow-inputs';

/** The validated params of split. */
export interface SplitInput {
  /** Seed of the clip (its hue). */
  readonly seed: number;
  /** Frame width, pixels (even). */
  readonly width: number;
  /** Frame height, pixels (even). */
  readonly height: number;
  /** Clip length, seconds. */
  readonly duration: number;
  /** Frames per second. */
  readonly rate: number;
  readonly carry: Readonly<Record<string, unknown>>;
}

/** What split answers. */
export interface SplitResult extends StageResultBase {
  /** The whole rendered clip (not carried: only its size and hash). */
  readonly video: { readonly width: number; readonly height: number; readonly rate: number; readonly durationS: number; readonly frames: number; readonly bytes: number; readonly sha256: string };
  /** The 4 segments, in order. */
  readonly segments: readonly VideoSegment[];
  /** `frames` rendered, `pixels` (frames x width x height), `bytes` (of the clip). */
  readonly work: { readonly frames: number; readonly pixels: number; readonly bytes: number };
}

function evenParam(params: StageParams, name: string, fallback: number, max: number): number {
  const value = intParam(params, name, { default: fallback, min: 16, max });
  if (value % 2 !== 0) throw new InvalidParamError(`${name}: expected an even integer (H.264 4:2:0 needs even sizes), found ${value}`);
  return value;
}

/**
 * Params: `seed` (default 1), `width` and `height` (even pixels, 16 to
 * 1920 x 1080, default 320 x 240), `duration` (seconds, 1 to 60, default 8),
 * `rate` (frames per second, 4 to 60, default 25).
 * @throws InvalidParamError naming the bad param and value
 */
export function parseSplitInput(params: StageParams): SplitInput {
  return {
    seed: intParam(params, 'seed', { default: D.seed, min: 0, max: 4294967295 }),
    width: evenParam(params, 'width', D.width, 1920),
    height: evenParam(params, 'height', D.height, 1080),
    duration: intParam(params, 'duration', { default: D.duration, min: 1, max: 60 }),
    rate: intParam(params, 'rate', { default: D.rate, min: 4, max: 60 }),
    carry: carryOf(params, VIDEO_PIPELINE_KEYS),
  };
}

/** The hue rotation of a seed's clip, degrees. */
export function hueOf(seed: number): number {
  return (seed * 47) % 360;
}

/** `seg0.mp4,0.000000,2.000000` lines of the segment muxer's CSV list. */
function parseSegmentList(text: string): { file: string; start: number; end: number }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [file, start, end] = line.split(',');
      return { file: file ?? '', start: Number(start), end: Number(end) };
    });
}

/** Renders the clip and splits it. Work: duration x rate frames of width x height. */
export async function splitVideo(input: SplitInput): Promise<SplitResult> {
  const { width, height, duration, rate } = input;
  const quarter = duration / SEGMENT_COUNT;
  return withTempDir('aquatope-split', async (dir) => {
    await runFfmpeg(
      [
        '-v', 'error', '-filter_threads', '1',
        '-f', 'lavfi', '-i', `testsrc=duration=${duration}:size=${width}x${height}:rate=${rate},hue=h=${hueOf(input.seed)}`,
        // No B-frames: decode order is display order, so the cuts land exactly on the forced key frames.
        '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '0', '-threads', '1', '-pix_fmt', 'yuv420p',
        '-force_key_frames', `expr:gte(t,n_forced*${quarter})`, '-map_metadata', '-1', '-fflags', '+bitexact', '-y', 'clip.mp4',
      ],
      dir,
      'split: rendering the clip',
    );
    const times = Array.from({ length: SEGMENT_COUNT - 1 }, (_, k) => String((k + 1) * quarter)).join(',');
    await runFfmpeg(
      ['-v', 'error', '-i', 'clip.mp4', '-map', '0:v:0', '-c', 'copy', '-f', 'segment', '-segment_times', times, '-reset_timestamps', '1', '-segment_list', 'segments.csv', '-segment_list_type', 'csv', '-fflags', '+bitexact', 'seg%d.mp4'],
      dir,
      'split: cutting the segments',
    );
    const listed = parseSegmentList(await readFile(join(dir, 'segments.csv'), 'utf8'));
    if (listed.length !== SEGMENT_COUNT) throw new FfmpegError('ffmpeg-failed', `split: the segment muxer made ${listed.length} segments of the ${duration} s clip, expected ${SEGMENT_COUNT}`);
    const clip = await readFile(join(dir, 'clip.mp4'));
    // A segment runs from its start to the next one's start (the muxer's list, exact without B-frames).
    const frames = duration * rate;
    const starts = [...listed.map((entry) => entry.start), duration];
    const segments = await Promise.all(
      listed.map(async (entry, index): Promise<VideoSegment> => {
        const mp4 = await readFile(join(dir, entry.file));
        const durationS = starts[index + 1] - starts[index];
        const segmentFrames = Math.round(starts[index + 1] * rate) - Math.round(starts[index] * rate);
        return { index, width, height, frames: segmentFrames, durationS, bytes: mp4.length, data: mp4.toString('base64') };
      }),
    );
    return {
      video: { width, height, rate, durationS: duration, frames, bytes: clip.length, sha256: sha256Hex(clip) },
      segments,
      work: { frames, pixels: frames * width * height, bytes: clip.length },
      carry: input.carry,
      peakMemoryMB: peakMemoryMB(),
    };
  });
}
