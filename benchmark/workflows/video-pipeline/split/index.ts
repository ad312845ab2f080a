/**
 * The `video-pipeline/split` action (nodejs:20, needs ffmpeg with libx264):
 * renders a test clip and splits it into 4 segments. Params and result: see
 * {@link parseSplitInput} and {@link splitVideo}; a bad param is answered
 * `{ error: { code: 'invalid-param', message } }`, a missing or failing
 * ffmpeg `{ error: { code: 'ffmpeg-missing' | 'ffmpeg-failed', message } }`,
 * a warm-up `{ warmed: true }`.
 */
import { wrapManagedAction } from '../../../../src/platform/managed-action';
import type { StageError, StageParams } from '../../real/stage-params';
import { runStage } from '../../real/stage-result';
import { parseSplitInput, splitVideo, type SplitResult } from './work';

/** The action's entry point. */
export const main = wrapManagedAction((params: StageParams): Promise<SplitResult | StageError> => runStage(params, parseSplitInput, splitVideo));
