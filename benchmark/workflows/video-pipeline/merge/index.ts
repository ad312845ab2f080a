/**
 * The `video-pipeline/merge` action (nodejs:20, needs ffmpeg): the four
 * transcoded segments concatenated and checked. Params and result: see
 * {@link parseMergeInput} and {@link mergeSegments}; a bad param is answered
 * `{ error: { code: 'invalid-param', message } }`, a missing or failing
 * ffmpeg `{ error: { code: 'ffmpeg-missing' | 'ffmpeg-failed', message } }`,
 * a warm-up `{ warmed: true }`.
 */
import { wrapManagedAction } from '../../../../src/platform/managed-action';
import type { StageError, StageParams } from '../../real/stage-params';
import { runStage } from '../../real/stage-result';
import { mergeSegments, parseMergeInput, type MergeResult } from './work';

/** The action's entry point. */
export const main = wrapManagedAction((params: StageParams): Promise<MergeResult | StageError> => runStage(params, parseMergeInput, mergeSegments));
