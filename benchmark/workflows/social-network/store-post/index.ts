/**
 * The `social-network/store-post` action (nodejs:20): the filtered post and
 * its followers' timeline entries serialised and deflated. Params and
 * result: see {@link parseStorePostInput} and {@link storePost}; a bad param
 * is answered `{ error: { code: 'invalid-param', message } }`, a warm-up
 * `{ warmed: true }`.
 */
import { wrapManagedAction } from '../../../../src/platform/managed-action';
import type { StageError, StageParams } from '../../real/stage-params';
import { runStage } from '../../real/stage-result';
import { parseStorePostInput, storePost, type StorePostResult } from './work';

/** The action's entry point. */
export const main = wrapManagedAction((params: StageParams): Promise<StorePostResult | StageError> => runStage(params, parseStorePostInput, storePost));
