/**
 * `video-pipeline/merge`: joins the four transcoded segments, in index order,
 * with ffmpeg's concat demuxer (stream copy), then decodes the merged file
 * once (single-threaded) to count its frames and measure its length. Answers
 * the merged file's size, frames, duration and sha256 (not the file: it stays
 * small for the composition's result).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseProgress, runFfmpeg, withTempDir } from '../../real/ffmpeg';
import { carryOf, InvalidParamError, isRecord, objectParam, preview, type StageParams } from '../../real/stage-params';
import { peakMemoryMB, sha256Hex, type StageResultBase } from '../../real/stage-result';
import { parseSegment, type VideoSegment } from '../../real/video-segment';
import { VIDEO_PIPELINE_KEYS } from '../../real/workflow-inputs';

/** The validated params of merge. */
export interface MergeInput {
  /** The segments in index order, with their bytes. */
  readonly segments: readonly { readonly segment: VideoSegment; readonly mp4: Buffer }[];
  readonly carry: Readonly<Record<string, unknown>>;
}

/** What merge answers. */
export interface MergeResult extends StageResultBase {
  /** Size of the merged MP4, bytes. */
  readonly bytes: number;
  /** Frames of the merged video, as ffmpeg decodes them. */
  readonly frames: number;
  /** Its length, seconds (ffmpeg's output time after decoding it). */
  readonly durationS: number;
  /** Hex sha256 of the merged MP4. */
  readonly sha256: string;
  /** Frames of each input segment (as the transcoders reported), in order. */
  readonly segmentFrames: readonly number[];
  /** `segments`, `inputBytes` (all segments), `frames` decoded, `pixels` decoded (frames x width x height). */
  readonly work: { readonly segments: number; readonly inputBytes: number; readonly frames: number; readonly pixels: number };
}

/**
 * Params: `branches` (the transcoders' results by stage name, each with its
 * `segment`, as the composition's fan-out collects them) or `segments` (a
 * list of segments). Needs at least one; indexes must be distinct.
 * @throws InvalidParamError naming the bad param and value
 */
export function parseMergeInput(params: StageParams): MergeInput {
  const carry = carryOf(params, VIDEO_PIPELINE_KEYS);
  let raw: { value: unknown; where: string }[];
  if (params['segments'] !== undefined) {
    const list = params['segments'];
    if (!Array.isArray(list) || list.length === 0) throw new InvalidParamError(`segments: expected a non-empty list of segments, found ${preview(list)}`);
    raw = list.map((value: unknown, i) => ({ value, where: `segments[${i}]` }));
  } else {
    const branches = objectParam(params, 'branches', "the transcoders' results by stage name (or a segments list)");
    const names = Object.keys(branches).sort();
    if (names.length === 0) throw new InvalidParamError('branches: expected at least one transcoder result, found {}');
    raw = names.map((name) => {
      const branch = branches[name];
      return { value: isRecord(branch) ? branch['segment'] : undefined, where: `branches.${name}.segment` };
    });
  }
  const segments = raw.map(({ value, where }) => parseSegment(value, where)).sort((a, b) => a.segment.index - b.segment.index);
  const dup = segments.find((s, i) => i > 0 && segments[i - 1].segment.index === s.segment.index);
  if (dup !== undefined) throw new InvalidParamError(`segments: index ${dup.segment.index} appears twice`);
  return { segments, carry };
}

/** Concatenates and checks the segments. Work: every frame decoded once, plus the copy. */
export async function mergeSegments(input: MergeInput): Promise<MergeResult> {
  return withTempDir('aquatope-merge', async (dir) => {
    const names = input.segments.map((s) => `seg${s.segment.index}.mp4`);
    await Promise.all(input.segments.map((s, i) => writeFile(join(dir, names[i]), s.mp4)));
    await writeFile(join(dir, 'list.txt'), names.map((n) => `file '${n}'\n`).join(''));
    await runFfmpeg(['-v', 'error', '-f', 'concat', '-safe', '0', '-i', 'list.txt', '-c', 'copy', '-map_metadata', '-1', '-fflags', '+bitexact', '-y', 'merged.mp4'], dir, 'merge: concatenating the segments');
    const { stdout } = await runFfmpeg(['-v', 'error', '-nostats', '-progress', 'pipe:1', '-threads', '1', '-i', 'merged.mp4', '-map', '0:v:0', '-f', 'null', '-'], dir, 'merge: decoding the merged video');
    const { frames, outTimeUs } = parseProgress(stdout, 'merge: decoding the merged video');
    const merged = await readFile(join(dir, 'merged.mp4'));
    const first = input.segments[0].segment;
    return {
      bytes: merged.length,
      frames,
      durationS: outTimeUs / 1e6,
      sha256: sha256Hex(merged),
      segmentFrames: input.segments.map((s) => s.segment.frames),
      work: { segments: input.segments.length, inputBytes: input.segments.reduce((n, s) => n + s.mp4.length, 0), frames, pixels: frames * first.width * first.height },
      carry: input.carry,
      peakMemoryMB: peakMemoryMB(),
    };
  });
}
