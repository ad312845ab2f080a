/**
 * The ml-inference workflow as an openwhisk-composer composition, deployed as
 * the conductor action `ml-inference/invoke` (manifests/workflows.yaml; built
 * by `npm run build` into dist/workflows/ml-inference/invoke.zip):
 *
 *   fetch -> resize -> classify-a | classify-b | classify-c -> aggregate
 *
 * Params: the workflow's input (`seed`, `width`, `height`, `shapes`,
 * `inputSize`, `repeat`, `resamples`; see benchmark/workflows/real/workflow-inputs.ts),
 * given to fetch, which carries them on. The result is aggregate's result
 * plus `summary: { workflow, stages: { <stage>: { peakMemoryMB, work } } }`.
 * A stage that answers `{ error }` ends the composition with that `{ error }`.
 *
 * Fan-out without Redis (composer 0.12's `parallel` needs it; see
 * compositions/scheduler.js): the classify step is a function run inside the
 * conductor's activation that invokes the three classifiers through the
 * `openwhisk` client (the conductor has the API key: `provide-api-key`),
 * blocking, in parallel, each with resize's result, and answers
 * `{ branches: { 'classify-a': result, ... }, carry }`, aggregate's params.
 * The classifiers are top-level activations (not caused by the composition),
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
    settings: { workflow: 'ml-inference', fanOut: ['classify-a', 'classify-b', 'classify-c'] },
    /** Each finished stage's { peakMemoryMB, work }. */
    seen: {}
  },

  'ml-inference/fetch',
  function keepFetch (result) {
    seen.fetch = { peakMemoryMB: result.peakMemoryMB, work: result.work }
    return result
  },

  'ml-inference/resize',
  function keepResize (result) {
    seen.resize = { peakMemoryMB: result.peakMemoryMB, work: result.work }
    return result
  },

  ...fanOutSteps,

  'ml-inference/aggregate',
  function summarise (result) {
    seen.aggregate = { peakMemoryMB: result.peakMemoryMB, work: result.work }
    return Object.assign({}, result, { summary: { workflow: settings.workflow, stages: seen } })
  }
))
