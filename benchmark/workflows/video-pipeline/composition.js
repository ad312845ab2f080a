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

// A warm-up invocation ({ "__aquatope_warmup": true }, the pool sizer's) only
// starts or keeps the conductor's container: answered at once, no stage runs.
module.exports = composer.if(
  function isWarmup (params) { return params.__aquatope_warmup === true },
  function warmed () { return { warmed: true } },
  composer.let(
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

  async function fanOut (params) {
    const ow = require('openwhisk')({ ignore_certs: process.env.__OW_IGNORE_CERTS === 'true' })
    const outcomes = await Promise.all(settings.fanOut.map((stage) =>
      ow.actions.invoke({ name: `${settings.workflow}/${stage}`, params, blocking: true, result: true }).then(
        (result) => ({ stage, result }),
        (err) => ({ stage, err }))))
    for (const o of outcomes) {
      if (o.err !== undefined) {
        const record = o.err && o.err.error
        const result = record && record.response ? record.response.result : undefined
        if (result && result.error !== undefined) return { error: result.error }
        return { error: { code: 'branch-failed', message: `${settings.workflow}/${o.stage}: ${o.err && o.err.message ? o.err.message : JSON.stringify(o.err)}` } }
      }
      if (o.result === null || typeof o.result !== 'object') return { error: { code: 'branch-failed', message: `${settings.workflow}/${o.stage}: no result` } }
      if (o.result.error !== undefined) return { error: o.result.error }
    }
    const branches = {}
    for (const o of outcomes) branches[o.stage] = o.result
    return { branches, carry: params.carry === undefined ? {} : params.carry }
  },
  // A let variable set after an await is not kept (composer saves them when the function returns its promise).
  function keepBranches (params) {
    for (const stage of settings.fanOut) seen[stage] = { peakMemoryMB: params.branches[stage].peakMemoryMB, work: params.branches[stage].work }
    return params
  },

  'video-pipeline/merge',
  function summarise (result) {
    seen.merge = { peakMemoryMB: result.peakMemoryMB, work: result.work }
    return Object.assign({}, result, { summary: { workflow: settings.workflow, stages: seen } })
  }
)
)
