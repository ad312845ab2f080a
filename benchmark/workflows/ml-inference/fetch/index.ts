/**
 * The `ml-inference/fetch` action (nodejs:20): a seeded image, drawn and
 * PNG-encoded with jimp. Params and result: see {@link parseFetchInput} and
 * {@link fetchImage}; a bad param is answered `{ error: { code: 'invalid-param', message } }`,
 * a warm-up `{ warmed: true }`.
 */
import { wrapManagedAction } from '../../../../src/platform/managed-action';
import type { StageError, StageParams } from '../../real/stage-params';
import { runStage } from '../../real/stage-result';
import { fetchImage, parseFetchInput, type FetchResult } from './work';

/** The action's entry point. */
export const main = wrapManagedAction((params: StageParams): Promise<FetchResult | StageError> => runStage(params, parseFetchInput, fetchImage));
