/**
 * The video-pipeline workflow as an openwhisk-composer composition, deployed
 * as the conductor action `video-pipeline/invoke` (manifests/workflows.yaml;
 * built by `npm run build` into dist/workflows/video-pipeline/invoke.zip):
 *
 *   split -> transcode-1 | transcode-2 | transcode-3 | transcode-4 -> merge
 *
 * Params: the workflow's input (`seed`, `width`, `height`, `duration`,
 * `rate`, `preset`, `crf`; see benchmark/workflows/real/workflow-inputs.ts),
 * given to split, which carries them on. The result is merge's result
 * plus `summary: { workflow, stages: { <stage>: { peakMemoryMB, work } } }`.
 * A stage that answers `{ error }` ends the composition with that `{ error }`.
 *
 * Fan-out without Redis (composer 0.12's `parallel` needs it; see
 * compositions/scheduler.js): the transcode step is a function run inside the
 * conductor's activation that invokes the four transcoders through the
 * `openwhisk` client (the conductor has the API key: `provide-api-key`),
 * blocking, in parallel, each with split's result (each takes its own
 * segment), and answers `{ branches: { 'transcode-1': result, ... }, carry }`,
 * merge's params. The transcoders are top-level activations (not caused by the composition),
 * and the conductor activation waits for them.
 *
 * Composer rules that shape this file: functions are serialised to source
 * and run inside the conductor, so they cannot use this module's scope; they
 * see the `let` variables below by name, `require` (only `openwhisk` is
 * bundled) and `process.env`.
 */
'use strict'

const composer = require('openwhisk-composer')
const { answeringWarmups, fanOutSteps } = require('../real/composition-parts')

// A warm-up is answered by the conductor alone (see ../real/composition-parts.js).
module.exports = answeringWarmups(composer.let(
  {
    settings: { workflow: 'video-pipeline', fanOut: ['transcode-1', 'transcode-2', 'transcode-3', 'transcode-4'] },
    /** Each finished stage's { peakMemoryMB, work }. */
    seen: {}
  },

  'video-pipeline/split',
  function keepSplit (result) {
    seen.split = { peakMemoryMB: result.peakMemoryMB, work: result.work }
    return result
  },

  ...fanOutSteps,

  'video-pipeline/merge',
  function summarise (result) {
    seen.merge = { peakMemoryMB: result.peakMemoryMB, work: result.work }
    return Object.assign({}, result, { summary: { workflow: settings.workflow, stages: seen } })
  }
))
