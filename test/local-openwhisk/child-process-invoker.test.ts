import openwhisk from 'openwhisk';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRng } from '../../src/core/rng';
import { ChildProcessInvoker } from '../../src/local-openwhisk/child-process-invoker';
import { generateAuthKey } from '../../src/local-openwhisk/ids';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../../src/local-openwhisk/local-openwhisk-server';
import { makeZip } from './zip-fixture';
import { rejected } from '../support/whisk-records';

/** The real wall clock: these tests run real processes. */
const wallClock = { nowMs: () => Date.now() };

function annotationsOf(record: { annotations?: { key: string; value: unknown }[] }): Record<string, unknown> {
  return Object.fromEntries((record.annotations ?? []).map((a) => [a.key, a.value]));
}

const ENV_ACTION = `
const calls = { n: 0 };
async function main(params) {
  calls.n += 1;
  console.log('hello from', params.who);
  console.error('a warning');
  await new Promise((r) => setTimeout(r, 5));
  return {
    who: params.who,
    calls: calls.n,
    pid: process.pid,
    env: {
      apiHost: process.env.__OW_API_HOST,
      apiKey: process.env.__OW_API_KEY,
      namespace: process.env.__OW_NAMESPACE,
      actionName: process.env.__OW_ACTION_NAME,
      activationId: process.env.__OW_ACTIVATION_ID,
      deadline: Number(process.env.__OW_DEADLINE),
    },
  };
}
`;

describe('ChildProcessInvoker behind the local OpenWhisk', () => {
  let workDir: string;
  let invoker: ChildProcessInvoker;
  let server: LocalOpenWhisk;
  let ow: ReturnType<typeof openwhisk>;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'aquatope-cpi-test-'));
    invoker = new ChildProcessInvoker({ clock: wallClock, workDir });
    server = await startLocalOpenWhisk({ auth: generateAuthKey(new SeededRng(3)), invoker, clock: wallClock, rng: new SeededRng(4) });
    ow = openwhisk({ apihost: server.apiHost, api_key: server.apiKey });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('runs a real JS action with the __OW_* environment, cold (initTime) then warm in the same process', async () => {
    await ow.actions.create({ name: 'env', action: ENV_ACTION, kind: 'nodejs:20' });
    const cold = await ow.actions.invoke({ name: 'env', blocking: true, params: { who: 'ada' } });
    const warm = await ow.actions.invoke({ name: 'env', blocking: true, params: { who: 'bob' } });

    expect(cold.response).toMatchObject({ status: 'success', success: true, result: { who: 'ada', calls: 1 } });
    expect(cold.response?.result['env']).toEqual({
      apiHost: server.apiHost,
      apiKey: server.apiKey,
      namespace: 'guest',
      actionName: '/guest/env',
      activationId: cold.activationId,
      deadline: cold.start + 60_000,
    });
    expect(annotationsOf(cold)['initTime']).toEqual(expect.any(Number));
    expect(cold.logs).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z stdout: hello from ada$/), expect.stringMatching(/Z stderr: a warning$/)]);

    expect(warm.response?.result).toMatchObject({ who: 'bob', calls: 2, pid: cold.response?.result['pid'] });
    expect(warm.response?.result['env']).toMatchObject({ activationId: warm.activationId });
    expect(annotationsOf(warm)).not.toHaveProperty('initTime');
    expect(warm.logs).toHaveLength(2);
  });

  it('starts a second container for a concurrent activation of the same action', async () => {
    await ow.actions.create({ name: 'slow', action: 'exports.main = async () => { await new Promise((r) => setTimeout(r, 200)); return { pid: process.pid }; };', kind: 'nodejs:20' });
    const [a, b] = await Promise.all([ow.actions.invoke({ name: 'slow', blocking: true }), ow.actions.invoke({ name: 'slow', blocking: true })]);
    expect(a.response?.result['pid']).not.toEqual(b.response?.result['pid']);
    expect(annotationsOf(a)['initTime']).toEqual(expect.any(Number));
    expect(annotationsOf(b)['initTime']).toEqual(expect.any(Number));
  });

  it('lets an action call the API back with __OW_API_HOST and __OW_API_KEY', async () => {
    const code = `exports.main = async () => {
      const res = await fetch(process.env.__OW_API_HOST + '/api/v1/namespaces', {
        headers: { authorization: 'Basic ' + Buffer.from(process.env.__OW_API_KEY).toString('base64') },
      });
      return { status: res.status, namespaces: await res.json() };
    };`;
    await ow.actions.create({ name: 'callback', action: code, kind: 'nodejs:20' });
    expect(await ow.actions.invoke({ name: 'callback', blocking: true, result: true })).toEqual({ status: 200, namespaces: ['guest'] });
  });

  it('runs a binary (base64 zip) action with a custom main and its own modules', async () => {
    const zip = makeZip({
      'package.json': JSON.stringify({ main: 'lib/entry.js' }),
      'lib/entry.js': "const { double } = require('./math');\nexports.handler = (p) => ({ doubled: double(p.x) });\n",
      'lib/math.js': 'exports.double = (x) => 2 * x;\n',
    });
    // The client copies `exec` over the body it builds; `wsk` sets `binary` for a .zip file the same way.
    const options = { name: 'zipped', action: zip, kind: 'nodejs:20', exec: { main: 'handler', binary: true } };
    await ow.actions.create(options);
    expect((await ow.actions.get({ name: 'zipped' })).exec).toMatchObject({ kind: 'nodejs:20', binary: true, main: 'handler' });
    expect(await ow.actions.invoke({ name: 'zipped', blocking: true, result: true, params: { x: 21 } })).toEqual({ doubled: 42 });
  });

  it('kills an activation at its time limit: developer error, timeout annotation, process gone', async () => {
    await ow.actions.create({ name: 'forever', action: 'exports.main = () => new Promise(() => {});', kind: 'nodejs:20', limits: { timeout: 300 } });
    const before = invoker.containerCount;
    const f = await rejected(ow.actions.invoke({ name: 'forever', blocking: true }));
    expect(f.statusCode).toBe(502);
    expect(f.body).toMatchObject({
      response: { status: 'action developer error', statusCode: 2, result: { error: 'The action exceeded its time limits of 300 milliseconds.' } },
    });
    expect(f.body).toMatchObject({ annotations: expect.arrayContaining([{ key: 'timeout', value: true }]) });
    expect(invoker.containerCount).toBe(before);
  });

  it.each([
    ['a syntax error', 'syntax', 'exports.main = () => {', 'Initialization has failed due to: '],
    ['no main function', 'no-main', 'exports.other = () => ({});', "exports no function 'main'"],
    ['a process that exits while running', 'exits', 'exports.main = () => { process.exit(3); };', 'The action did not produce a valid response and exited unexpectedly.'],
    ['a zip that is not a zip', 'bad-zip', Buffer.from('not a zip at all, really not').toString('base64'), 'invalid zip: not a zip archive'],
  ])('reports %s as a developer error', async (_what, name, code, message) => {
    const options = { name, action: code, kind: 'nodejs:20', exec: { binary: name === 'bad-zip' } };
    await ow.actions.create(options);
    const f = await rejected(ow.actions.invoke({ name, blocking: true }));
    expect(f.statusCode).toBe(502);
    expect(f.body).toMatchObject({ response: { status: 'action developer error', result: { error: expect.stringContaining(message) } } });
  });

  it('reports a rejected promise as an application error with its message', async () => {
    await ow.actions.create({ name: 'rejects', action: "exports.main = async () => { throw new Error('nope'); };", kind: 'nodejs:20' });
    const f = await rejected(ow.actions.invoke({ name: 'rejects', blocking: true }));
    expect(f.body).toMatchObject({ response: { status: 'application error', result: { error: 'nope' } } });
  });

  it('leaves no process and no work directory after close', async () => {
    expect(invoker.containerCount).toBeGreaterThan(0);
    await invoker.close();
    expect(invoker.containerCount).toBe(0);
    expect(readdirSync(workDir)).toEqual([]);
  });
});
