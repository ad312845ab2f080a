import type { ModelledStageSpec, ModelledWorkflowSpec } from './modelled-workflow';

const classify = (name: string, model: string): ModelledStageSpec => ({
  name,
  after: ['resize'],
  benchmark: '411',
  workScale: 1,
  why: `one full 411 image-recognition run (ResNet-50 on PyTorch), the ${model} model of the ensemble`,
});

/**
 * An ML inference pipeline with a parallel fan-out, in the spirit of the
 * AQUATOPE paper's ML workflows: fetch an image, resize it, run three models
 * on it in parallel, aggregate their answers.
 *
 * ```
 * fetch -> resize -> classify-a | classify-b | classify-c -> aggregate
 * ```
 */
export const ML_INFERENCE: ModelledWorkflowSpec = {
  name: 'ml-inference',
  description: 'fetch an image, resize it, three image classifiers in parallel, aggregate the labels',
  stages: [
    {
      name: 'fetch',
      after: [],
      benchmark: '120',
      workScale: 1,
      why: '120 uploader: moves a file from a URL into object storage, the I/O-bound ingest of the request',
    },
    {
      name: 'resize',
      after: ['fetch'],
      benchmark: '210_python',
      workScale: 1,
      why: '210 thumbnailer (Python, the runtime of the models): decode and resize the image to the models\' input',
    },
    classify('classify-a', 'first'),
    classify('classify-b', 'second'),
    classify('classify-c', 'third'),
    {
      name: 'aggregate',
      after: ['classify-a', 'classify-b', 'classify-c'],
      benchmark: '120',
      workScale: 0.5,
      why: '120 uploader at half its work: combines the labels and stores a small result object',
    },
  ],
};
