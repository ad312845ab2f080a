/**
 * The social-network workflow as an openwhisk-composer composition, deployed
 * as the conductor action `social-network/invoke` (manifests/workflows.yaml;
 * built by `npm run build` into dist/workflows/social-network/invoke.zip):
 *
 *   compose-post -> text-filter | social-graph -> store-post
 *
 * Params: the workflow's input (`seed`, `words`, `imageWidth`,
 * `imageHeight`, `thumbSize`, `users`, `passes`, `degree`, `depth`, `level`;
 * see benchmark/workflows/real/workflow-inputs.ts), given to compose-post,
 * which carries them on. The result is store-post's result
 * plus `summary: { workflow, stages: { <stage>: { peakMemoryMB, work } } }`.
 * A stage that answers `{ error }` ends the composition with that `{ error }`.
 *
 * Fan-out without Redis (composer 0.12's `parallel` needs it; see
 * compositions/scheduler.js): the middle step is a function run inside the
 * conductor's activation that invokes text-filter and social-graph through
 * the `openwhisk` client (the conductor has the API key: `provide-api-key`),
 * blocking, in parallel, each with compose-post's result, and answers
 * `{ branches: { 'text-filter': result, 'social-graph': result }, carry }`,
 * store-post's params. Both are top-level activations (not caused by the composition),
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
    settings: { workflow: 'social-network', fanOut: ['text-filter', 'social-graph'] },
    /** Each finished stage's { peakMemoryMB, work }. */
    seen: {}
  },

  'social-network/compose-post',
  function keepComposed (result) {
    seen['compose-post'] = { peakMemoryMB: result.peakMemoryMB, work: result.work }
    return result
  },

  ...fanOutSteps,

  'social-network/store-post',
  function summarise (result) {
    seen['store-post'] = { peakMemoryMB: result.peakMemoryMB, work: result.work }
    return Object.assign({}, result, { summary: { workflow: settings.workflow, stages: seen } })
  }
))
