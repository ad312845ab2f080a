/**
 * The `ml-inference/aggregate` action (nodejs:20): the classifiers' labels
 * combined into the ensemble's answer and stored zlib-deflated. Params and
 * result: see {@link parseAggregateInput} and {@link aggregateLabels}; a bad
 * param is answered `{ error: { code: 'invalid-param', message } }`, a
 * warm-up `{ warmed: true }`.
 */
import { wrapManagedAction } from '../../../../src/platform/managed-action';
import type { StageError, StageParams } from '../../real/stage-params';
import { runStage } from '../../real/stage-result';
import { aggregateLabels, parseAggregateInput, type AggregateResult } from './work';

/** The action's entry point. */
export const main = wrapManagedAction((params: StageParams): Promise<AggregateResult | StageError> => runStage(params, parseAggregateInput, aggregateLabels));
