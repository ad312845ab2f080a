/**
 * The one-minute scheduler chain as an openwhisk-composer composition:
 *
 *   collector -> forecaster (one activation, or N shards in parallel) -> pool-sizer
 *
 * `npm run build` compiles it with openwhisk-composer 0.12 into its conductor
 * action, `dist/actions/scheduler.zip` (see src/deploy/compose-conductor.ts);
 * the manifest deploys that as `aquatope/scheduler` with the annotations
 * `conductor: true` and `provide-api-key: true`, and the `scheduler-tick`
 * alarm (every minute) runs it through a rule. `compose compositions/scheduler.js`
 * (composer's own command) reads this file too.
 *
 * Params (the trigger's payload, or `wsk action invoke aquatope/scheduler -p ...`):
 * - `fireTime`: the tick's minute, ISO 8601. When absent (a real alarm sends
 *   no time), the start of the current UTC minute by the conductor's clock,
 *   fixed once here, so all three steps work on the same minute.
 * - `forecastShards`: how many parallel forecaster activations (integer 1 to
 *   64, default 1).
 * - the config params (`couchdbUrl`, `dbPrefix`, ...), usually bound as the
 *   actions' default parameters; whatever is given here is passed on.
 *
 * Data flow: every step gets the same params, the invocation's (with
 * `fireTime` filled in, without `forecastShards`): they are saved in a
 * composer `let` variable and restored after each step, so no step's result
 * wipes what the next needs. The forecaster shards get `shard: {index, count}`
 * besides. The result is the tick's summary
 * `{ fireTime, fireTimeSource: 'param' | 'clock', forecastShards, collector, forecaster, poolSizer }`
 * (each step's own result). A step that returns `{ error }` ends the chain:
 * the composition's result is that `{ error }` (the steps' `{ code, message }`),
 * an application error, and the later steps do not run. A bad
 * `fireTime` or `forecastShards` is answered `{ error: { code: 'invalid-param', message } }`
 * before any step runs.
 *
 * Fan-out without Redis: composer 0.12's `parallel` and `map` keep the
 * branches' results in Redis, which is not available here (nor on a stock
 * OpenWhisk), and the conductor protocol invokes one action per
 * continuation. So with `forecastShards` > 1 the forecast step is a function
 * run inside the conductor's own activation: through the `openwhisk` client
 * (the conductor has the API key: `provide-api-key`) it invokes the N shards
 * non-blocking, then polls their activation records (100 ms doubling to 2 s)
 * until all have ended or the conductor activation's deadline less 5 s has
 * passed. Its result is `{ shardCount, shards: [{ index, activationId, result }] }`;
 * a shard that failed ends the chain with that shard's `{ error }`, a shard
 * that cannot be invoked or has no result by the deadline with
 * `{ error: { code: 'shard-invoke-failed' | 'shard-timeout', message } }`.
 * Costs of the choice: the shards are top-level activations (their records
 * are not caused by the composition; the step's result lists their ids), and
 * the conductor activation waits while they run, so the scheduler action's
 * time limit (180 s in the manifest) must exceed the forecaster's (60 s).
 * With `forecastShards` = 1 (the default) the forecaster is an ordinary
 * component of the composition, invoked by the controller.
 *
 * Composer rules that shape this file: functions are serialised to source
 * and run inside the conductor, so they cannot use anything of this module's
 * scope; they see the `let` variables below by name, `require` (only
 * `openwhisk` is bundled) and `process.env`.
 */
'use strict'

const composer = require('openwhisk-composer')

module.exports = composer.let(
  {
    /** The params every step gets (set by the first function). */
    input: null,
    /** `param` or `clock`: where `fireTime` came from. */
    fireTimeSource: null,
    /** The number of forecaster activations. */
    shardCount: 1,
    collected: null,
    forecast: null,
    settings: { forecaster: 'aquatope/forecaster', maxShards: 64, pollMs: 100, pollMaxMs: 2000, deadlineMarginMs: 5000, defaultWaitMs: 55000 }
  },

  // Check the composition's own params, fix the minute, save the params.
  function prepare (params) {
    const shards = params.forecastShards === undefined ? 1 : params.forecastShards
    if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1 || shards > settings.maxShards) {
      return { error: { code: 'invalid-param', message: `forecastShards: expected an integer from 1 to ${settings.maxShards}, found ${JSON.stringify(params.forecastShards)}` } }
    }
    let fireTime = params.fireTime
    fireTimeSource = 'param'
    if (fireTime === undefined) {
      fireTime = new Date(Math.floor(Date.now() / 60000) * 60000).toISOString()
      fireTimeSource = 'clock'
    } else if (typeof fireTime !== 'string' || Number.isNaN(Date.parse(fireTime))) {
      return { error: { code: 'invalid-param', message: `fireTime: expected an ISO 8601 time, found ${JSON.stringify(fireTime)}` } }
    }
    shardCount = shards
    input = Object.assign({}, params, { fireTime })
    delete input.forecastShards
    return input
  },

  'aquatope/collector',
  function keepCollected (result) {
    collected = result
    return input
  },

  composer.if(
    function sharded () { return shardCount > 1 },
    async function fanOut (params) {
      const ow = require('openwhisk')({ ignore_certs: process.env.__OW_IGNORE_CERTS === 'true' })
      const name = settings.forecaster
      const count = shardCount
      const envDeadline = Number(process.env.__OW_DEADLINE)
      const deadline = Number.isFinite(envDeadline) ? envDeadline - settings.deadlineMarginMs : Date.now() + settings.defaultWaitMs
      const ids = []
      for (let index = 0; index < count; index++) ids.push(null)
      const launched = await Promise.all(ids.map((_, index) =>
        ow.actions.invoke({ name, params: Object.assign({}, params, { shard: { index, count } }) }).then(
          (answer) => { ids[index] = answer.activationId; return null },
          (err) => `shard ${index}: ${err && err.message ? err.message : String(err)}`)))
      const refused = launched.filter((why) => why !== null)
      if (refused.length > 0) {
        return { error: { code: 'shard-invoke-failed', message: `invoking ${name} (${count} shards) failed for ${refused.join('; ')}` } }
      }
      const records = ids.map(() => null)
      let waitMs = settings.pollMs
      for (;;) {
        const pending = ids.map((id, index) => index).filter((index) => records[index] === null)
        await Promise.all(pending.map((index) => ow.activations.get({ name: ids[index] }).then(
          (record) => { records[index] = record },
          () => undefined)))
        const missing = ids.map((id, index) => index).filter((index) => records[index] === null)
        if (missing.length === 0) break
        if (Date.now() + waitMs > deadline) {
          return { error: { code: 'shard-timeout', message: `${name}: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} (activation${missing.length > 1 ? 's' : ''} ${missing.map((i) => ids[i]).join(', ')}) had no result before this step's deadline` } }
        }
        await new Promise((resolve) => setTimeout(resolve, waitMs))
        waitMs = Math.min(2 * waitMs, settings.pollMaxMs)
      }
      const shards = records.map((record, index) => ({ index, activationId: ids[index], result: record.response ? record.response.result : undefined }))
      const failed = records.findIndex((record) => !record.response || record.response.success !== true)
      if (failed >= 0) {
        const result = shards[failed].result
        return result && result.error !== undefined ? { error: result.error } : { error: { code: 'shard-failed', message: `${name}: shard ${failed} of ${count} (activation ${ids[failed]}) failed without an error field` } }
      }
      return { shardCount: count, shards }
    },
    'aquatope/forecaster'),
  function keepForecast (result) {
    forecast = result
    return input
  },

  'aquatope/pool-sizer',
  function summarise (result) {
    return { fireTime: input.fireTime, fireTimeSource, forecastShards: shardCount, collector: collected, forecaster: forecast, poolSizer: result }
  }
)
