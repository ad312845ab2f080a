/**
 * The `social-network/social-graph` action (nodejs:20): the seeded follower
 * graph built and searched breadth-first from the post's author. Params and
 * result: see {@link parseSocialGraphInput} and {@link lookupFollowers}; a
 * bad param is answered `{ error: { code: 'invalid-param', message } }`, a
 * warm-up `{ warmed: true }`.
 */
import { wrapManagedAction } from '../../../../src/platform/managed-action';
import type { StageError, StageParams } from '../../real/stage-params';
import { runStage } from '../../real/stage-result';
import { lookupFollowers, parseSocialGraphInput, type SocialGraphResult } from './work';

/** The action's entry point. */
export const main = wrapManagedAction((params: StageParams): Promise<SocialGraphResult | StageError> => runStage(params, parseSocialGraphInput, lookupFollowers));
