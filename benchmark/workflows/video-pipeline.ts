import type { ModelledStageSpec, ModelledWorkflowSpec } from './modelled-workflow';

const transcode = (k: number): ModelledStageSpec => ({
  name: `transcode-${k}`,
  after: ['split'],
  benchmark: '311',
  workScale: 1,
  why: `311 compression (CPU-bound encoding of a downloaded input, then upload), one full run for segment ${k}: SeBS has no measured video transcoder`,
});

/**
 * A video pipeline: split a video into segments, transcode the segments in
 * parallel, merge them (the shape of the paper's video-processing workflow).
 *
 * ```
 * split -> transcode-1 | transcode-2 | transcode-3 | transcode-4 -> merge
 * ```
 */
export const VIDEO_PIPELINE: ModelledWorkflowSpec = {
  name: 'video-pipeline',
  description: 'split a video into four segments, transcode them in parallel, merge the result',
  stages: [
    {
      name: 'split',
      after: [],
      benchmark: '120',
      workScale: 2,
      why: '120 uploader at twice its work: download the source video and store its segments (I/O-bound, a larger object)',
    },
    transcode(1),
    transcode(2),
    transcode(3),
    transcode(4),
    {
      name: 'merge',
      after: ['transcode-1', 'transcode-2', 'transcode-3', 'transcode-4'],
      benchmark: '311',
      workScale: 0.5,
      why: '311 compression at half its work: concatenate the encoded segments into one archive and upload it',
    },
  ],
};
