/**
 * The work of `video-pipeline/transcode-1` .. `transcode-4` (one module, four
 * actions): takes its segment of split's result by index and re-encodes it
 * with ffmpeg's libx264 at the given `preset` and `crf`, single-threaded,
 * answering the new segment base64 with the frame count ffmpeg reports.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseProgress, runFfmpeg, withTempDir } from './ffmpeg';
import { carryOf, enumParam, intParam, InvalidParamError, isRecord, paramValue, preview, type StageParams } from './stage-params';
import { peakMemoryMB, sha256Hex, type StageResultBase } from './stage-result';
import { parseSegment, SEGMENT_COUNT, type VideoSegment } from './video-segment';
import { VIDEO_PIPELINE_DEFAULTS as D, VIDEO_PIPELINE_KEYS } from './workflow-inputs';

/** libx264's presets, fastest first (each slower one spends more CPU per frame). */
export const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;

/** A libx264 preset. */
export type X264Preset = (typeof X264_PRESETS)[number];

/** The validated params of a transcoder. */
export interface TranscodeInput {
  /** The segment to re-encode. */
  readonly segment: VideoSegment;
  /** Its MP4 bytes. */
  readonly mp4: Buffer;
  readonly preset: X264Preset;
  /** Constant rate factor, 0 to 51. */
  readonly crf: number;
  readonly carry: Readonly<Record<string, unknown>>;
}

/** What a transcoder answers. */
export interface TranscodeResult extends StageResultBase {
  /** The re-encoded segment (same index and size). */
  readonly segment: VideoSegment;
  /** Hex sha256 of the re-encoded MP4. */
  readonly sha256: string;
  readonly encoding: { readonly codec: 'libx264'; readonly preset: X264Preset; readonly crf: number; readonly inputBytes: number };
  /** `frames` encoded (ffmpeg's count), `pixels` (frames x width x height), `inputBytes`, `outputBytes`. */
  readonly work: { readonly frames: number; readonly pixels: number; readonly inputBytes: number; readonly outputBytes: number };
}

/**
 * Params: `segments` (split's list; this stage takes `segments[index]`) or
 * `segment` (one segment), `index` (0 to 3, default `defaultIndex`: the
 * stage's own, 0 for transcode-1), `preset` (a libx264 preset, default
 * `medium`), `crf` (0 to 51, default 23).
 * @throws InvalidParamError naming the bad param and value
 */
export function parseTranscodeInput(params: StageParams, defaultIndex: number): TranscodeInput {
  const preset = enumParam(params, 'preset', X264_PRESETS, X264_PRESETS.find((p) => p === D.preset) ?? 'medium');
  const crf = intParam(params, 'crf', { default: D.crf, min: 0, max: 51 });
  const carry = carryOf(params, VIDEO_PIPELINE_KEYS);
  const single = params['segment'];
  if (single !== undefined) return { ...parseSegment(single, 'segment'), preset, crf, carry };
  const index = intParam(params, 'index', { default: defaultIndex, min: 0, max: SEGMENT_COUNT - 1 });
  const segments = paramValue(params, 'segments');
  if (!Array.isArray(segments)) throw new InvalidParamError(`segments: expected split's list of segments (or a segment param), found ${preview(segments)}`);
  const found = segments.find((s: unknown) => isRecord(s) && s['index'] === index);
  if (found === undefined) throw new InvalidParamError(`segments: no segment with index ${index} among ${segments.length}`);
  return { ...parseSegment(found, `segments[${segments.indexOf(found)}]`), preset, crf, carry };
}

/** Re-encodes the segment. Work: its frames, at width x height, at the preset's cost per frame. */
export async function transcodeSegment(input: TranscodeInput): Promise<TranscodeResult> {
  const { segment } = input;
  return withTempDir('aquatope-transcode', async (dir) => {
    await writeFile(join(dir, 'in.mp4'), input.mp4);
    const what = `transcode segment ${segment.index}`;
    const { stdout } = await runFfmpeg(
      [
        '-v', 'error', '-nostats', '-progress', 'pipe:1', '-threads', '1', '-i', 'in.mp4', '-map', '0:v:0', '-an', '-filter_threads', '1',
        '-c:v', 'libx264', '-preset', input.preset, '-crf', String(input.crf), '-threads', '1', '-pix_fmt', 'yuv420p',
        '-map_metadata', '-1', '-fflags', '+bitexact', '-y', 'out.mp4',
      ],
      dir,
      what,
    );
    const { frames } = parseProgress(stdout, what);
    const out = await readFile(join(dir, 'out.mp4'));
    return {
      segment: { ...segment, frames, bytes: out.length, data: out.toString('base64') },
      sha256: sha256Hex(out),
      encoding: { codec: 'libx264', preset: input.preset, crf: input.crf, inputBytes: input.mp4.length },
      work: { frames, pixels: frames * segment.width * segment.height, inputBytes: input.mp4.length, outputBytes: out.length },
      carry: input.carry,
      peakMemoryMB: peakMemoryMB(),
    };
  });
}
