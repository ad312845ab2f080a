/**
 * The `ml-inference/classify-a` action (nodejs:20): the `classify-a` variant
 * of the seeded TensorFlow.js network (cpu backend) run `repeat` times on
 * resize's image, answering its 3 best labels. Params and result: see
 * {@link parseClassifyInput} and {@link classifyImage} (the three
 * classifiers share that code); a bad param is answered
 * `{ error: { code: 'invalid-param', message } }`, a warm-up `{ warmed: true }`.
 */
import { wrapManagedAction } from '../../../../src/platform/managed-action';
import { classifyImage, parseClassifyInput, type ClassifyInput, type ClassifyResult } from '../../real/image-classifier';
import type { StageError, StageParams } from '../../real/stage-params';
import { runStage } from '../../real/stage-result';

/** The action's entry point. */
export const main = wrapManagedAction(
  (params: StageParams): Promise<ClassifyResult | StageError> => runStage(params, parseClassifyInput, (input: ClassifyInput) => classifyImage('classify-a', input)),
);
