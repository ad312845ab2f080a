/**
 * The `social-network/text-filter` action (nodejs:20): the post's text
 * normalised, banned words masked, hashtags, mentions and links extracted.
 * Params and result: see {@link parseTextFilterInput} and {@link filterText};
 * a bad param is answered `{ error: { code: 'invalid-param', message } }`, a
 * warm-up `{ warmed: true }`.
 */
import { wrapManagedAction } from '../../../../src/platform/managed-action';
import type { StageError, StageParams } from '../../real/stage-params';
import { runStage } from '../../real/stage-result';
import { filterText, parseTextFilterInput, type TextFilterResult } from './work';

/** The action's entry point. */
export const main = wrapManagedAction((params: StageParams): Promise<TextFilterResult | StageError> => runStage(params, parseTextFilterInput, filterText));
