/**
 * The `ml-inference/resize` action (nodejs:20): fetch's PNG decoded and
 * resized to the classifiers' input with jimp. Params and result: see
 * {@link parseResizeInput} and {@link resizeImage}; a bad param is answered
 * `{ error: { code: 'invalid-param', message } }`, a warm-up `{ warmed: true }`.
 */
import { wrapManagedAction } from '../../../../src/platform/managed-action';
import type { StageError, StageParams } from '../../real/stage-params';
import { runStage } from '../../real/stage-result';
import { parseResizeInput, resizeImage, type ResizeResult } from './work';

/** The action's entry point. */
export const main = wrapManagedAction((params: StageParams): Promise<ResizeResult | StageError> => runStage(params, parseResizeInput, resizeImage));
