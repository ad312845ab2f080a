/**
 * The parts the three real workflows' compositions share (composer 0.12,
 * required by each benchmark/workflows/<workflow>/composition.js when
 * `npm run build` compiles it):
 *
 * - {@link answeringWarmups}: a warm-up invocation (`{ "__aquatope_warmup": true }`,
 *   the pool sizer's) only starts or keeps the conductor's container: it is
 *   answered `{ warmed: true }` at once and no stage runs;
 * - {@link fanOutSteps}: the fan-out without Redis (composer's `parallel`
 *   needs it): a function run inside the conductor's activation invokes the
 *   stages `settings.fanOut` of package `settings.workflow` through the
 *   `openwhisk` client (the conductor has the API key: `provide-api-key`),
 *   blocking, in parallel, each with the step's params, and answers
 *   `{ branches: { <stage>: result }, carry }`; a failed branch ends the
 *   composition with its `{ error }`. A second, synchronous step records each
 *   branch's `{ peakMemoryMB, work }` in `seen` (a `let` variable set after an
 *   `await` is not kept: composer saves them when the function returns its
 *   promise).
 *
 * Composer serialises functions to source and runs them inside the
 * conductor: these use no scope of this module, only the composition's `let`
 * variables `settings` and `seen` by name, `require` (only `openwhisk` is
 * bundled) and `process.env`.
 */
'use strict'

const composer = require('openwhisk-composer')

/** `body`, except that a warm-up invocation is answered `{ warmed: true }` without running it. */
exports.answeringWarmups = (body) => composer.if(
  function isWarmup (params) { return params.__aquatope_warmup === true },
  function warmed () { return { warmed: true } },
  body)

/** The fan-out step and the step that records its branches. */
exports.fanOutSteps = [
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
  function keepBranches (params) {
    for (const stage of settings.fanOut) seen[stage] = { peakMemoryMB: params.branches[stage].peakMemoryMB, work: params.branches[stage].work }
    return params
  }
]
