/**
 * The `video-pipeline/transcode-1` action (nodejs:20, needs ffmpeg with
 * libx264): re-encodes segment 0 (0-based) of split's result. Params and
 * result: see {@link parseTranscodeInput} and {@link transcodeSegment} (the
 * four transcoders share that code); a bad param is answered
 * `{ error: { code: 'invalid-param', message } }`, a missing or failing ffmpeg
 * `{ error: { code: 'ffmpeg-missing' | 'ffmpeg-failed', message } }`, a warm-up `{ warmed: true }`.
 */
import { wrapManagedAction } from '../../../../src/platform/managed-action';
import type { StageError, StageParams } from '../../real/stage-params';
import { runStage } from '../../real/stage-result';
import { parseTranscodeInput, transcodeSegment, type TranscodeResult } from '../../real/transcode-segment';

/** The action's entry point. */
export const main = wrapManagedAction(
  (params: StageParams): Promise<TranscodeResult | StageError> => runStage(params, (p) => parseTranscodeInput(p, 0), transcodeSegment),
);
