/** Small workflow inputs for the tests (each stage runs in milliseconds, not in its default hundreds). */
import type { WorkflowName } from '../../../../benchmark/workflows/index';

/** Per workflow, an input that keeps every stage quick. */
export const SMALL_INPUTS: Readonly<Record<WorkflowName, Readonly<Record<string, unknown>>>> = {
  'ml-inference': { seed: 6, width: 64, height: 48, shapes: 6, inputSize: 16, repeat: 1, resamples: 200 },
  'video-pipeline': { seed: 3, width: 160, height: 120, duration: 2, rate: 10, preset: 'ultrafast', crf: 30 },
  'social-network': { seed: 2, words: 80, imageWidth: 64, imageHeight: 48, thumbSize: 16, users: 3000, passes: 2, degree: 3, depth: 3, level: 6 },
};
