/**
 * The program each action process runs, as the nodejs runtime's proxy does:
 * load the code once (init), then run `main` once per activation. It talks to
 * the invoker over Node's IPC channel; after each activation it writes
 * {@link ACTIVATION_SENTINEL} on stdout and stderr so the invoker knows the
 * activation's logs are complete. Kept as source text so it is written to the
 * work directory whether this project runs from TypeScript or from a bundle.
 */

/** The line the nodejs runtime writes at the end of each activation's output. */
export const ACTIVATION_SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';

/** The runner's JavaScript. Messages: `{type:'init', dir, binary, main}` and `{type:'run', params, env}`. */
export const ACTION_RUNNER_SOURCE = `'use strict';
const path = require('path');
const SENTINEL = ${JSON.stringify(ACTIVATION_SENTINEL)};
let userMain = null;

function load(msg) {
  const exported = msg.binary ? require(msg.dir) : require(path.join(msg.dir, 'index.js'));
  const fn = exported && exported[msg.main];
  if (typeof fn !== 'function') throw new Error("the action's code exports no function '" + msg.main + "'");
  return fn;
}

function errorValue(e) {
  if (e instanceof Error) return e.message;
  if (e !== null && typeof e === 'object' && Object.keys(e).length > 0) return e;
  return String(e);
}

function reply(message) {
  let text;
  try {
    text = JSON.stringify(message);
  } catch (e) {
    text = JSON.stringify({ type: 'result', ok: false, developer: true, error: 'The action did not produce a valid JSON response: ' + e.message });
  }
  process.stdout.write(SENTINEL + '\\n');
  process.stderr.write(SENTINEL + '\\n');
  process.send(JSON.parse(text));
}

process.on('message', async (msg) => {
  if (msg.type === 'init') {
    try {
      userMain = load(msg);
      process.send({ type: 'init-ok' });
    } catch (e) {
      process.send({ type: 'init-error', error: e && e.stack ? String(e.stack) : String(e) });
    }
    return;
  }
  if (msg.type === 'run') {
    for (const key of Object.keys(msg.env)) process.env[key] = msg.env[key];
    try {
      const value = await userMain(msg.params);
      reply({ type: 'result', ok: true, value: value === undefined ? {} : value });
    } catch (e) {
      reply({ type: 'result', ok: false, error: errorValue(e) });
    }
  }
});
process.on('disconnect', () => process.exit(0));
`;
