/** The video segments the video-pipeline stages pass to each other. */
import { base64Field, InvalidParamError, isRecord, preview } from './stage-params';

/** One H.264 MP4 segment, carried base64. */
export interface VideoSegment {
  /** 0-based position in the clip. */
  readonly index: number;
  /** Frame width, pixels. */
  readonly width: number;
  /** Frame height, pixels. */
  readonly height: number;
  /** Frames in the segment. */
  readonly frames: number;
  /** Length, seconds. */
  readonly durationS: number;
  /** Size of the MP4, bytes. */
  readonly bytes: number;
  /** The MP4 file, base64. */
  readonly data: string;
}

/** The number of segments split makes (one per transcode stage). */
export const SEGMENT_COUNT = 4;

function nonNegativeInt(value: unknown, where: string, positive: boolean): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (positive ? 1 : 0)) {
    throw new InvalidParamError(`${where}: expected ${positive ? 'a positive' : 'a non-negative'} integer, found ${preview(value)}`);
  }
  return value;
}

/**
 * A segment read from a param (`where` names it in errors, e.g. `segments[2]`), with its decoded bytes.
 * @throws InvalidParamError naming the field and the bad value
 */
export function parseSegment(value: unknown, where: string): { readonly segment: VideoSegment; readonly mp4: Buffer } {
  if (!isRecord(value)) throw new InvalidParamError(`${where}: expected a video segment { index, width, height, frames, data }, found ${preview(value)}`);
  const data = value['data'];
  const mp4 = base64Field(data, `${where}.data`);
  const durationS = value['durationS'];
  const segment: VideoSegment = {
    index: nonNegativeInt(value['index'], `${where}.index`, false),
    width: nonNegativeInt(value['width'], `${where}.width`, true),
    height: nonNegativeInt(value['height'], `${where}.height`, true),
    frames: nonNegativeInt(value['frames'], `${where}.frames`, false),
    durationS: typeof durationS === 'number' && Number.isFinite(durationS) ? durationS : 0,
    bytes: mp4.length,
    data: typeof data === 'string' ? data : '',
  };
  return { segment, mp4 };
}
