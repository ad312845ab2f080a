/**
 * The `social-network/compose-post` action (nodejs:20): a seeded post with
 * text and a thumbnailed image (jimp). Params and result: see
 * {@link parseComposeInput} and {@link composePost}; a bad param is answered
 * `{ error: { code: 'invalid-param', message } }`, a warm-up `{ warmed: true }`.
 */
import { wrapManagedAction } from '../../../../src/platform/managed-action';
import type { StageError, StageParams } from '../../real/stage-params';
import { runStage } from '../../real/stage-result';
import { composePost, parseComposeInput, type ComposeResult } from './work';

/** The action's entry point. */
export const main = wrapManagedAction((params: StageParams): Promise<ComposeResult | StageError> => runStage(params, parseComposeInput, composePost));
