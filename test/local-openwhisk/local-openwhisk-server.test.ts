import openwhisk from 'openwhisk';
import { SeededRng } from '../../src/core/rng';
import { generateAuthKey } from '../../src/local-openwhisk/ids';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../../src/local-openwhisk/local-openwhisk-server';
import { RegistryInvoker } from '../../src/local-openwhisk/registry-invoker';
import { ManualClock } from '../support/manual-clock';

/** A clock the test moves by hand (epoch ms). */
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** The status code and body of a rejected client call. */
async function failure(p: Promise<unknown>): Promise<{ statusCode: unknown; body: unknown; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Error && 'statusCode' in err && 'error' in err) return { statusCode: err.statusCode, body: err.error, message: err.message };
    throw err;
  }
  throw new Error('expected the call to fail');
}

function annotationsOf(record: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof record === 'object' && record !== null && 'annotations' in record && Array.isArray(record.annotations)) {
    for (const kv of record.annotations) if (typeof kv === 'object' && kv !== null && 'key' in kv && typeof kv.key === 'string') out[kv.key] = kv.value;
  }
  return out;
}

describe('local OpenWhisk through the real openwhisk client', () => {
  const clock = new ManualClock(T0);
  const auth = generateAuthKey(new SeededRng(1));
  const invoker = new RegistryInvoker(clock, {
    hello: { run: (p) => ({ greeting: `hello ${String(p['name'] ?? 'world')}` }), durationMs: 12, coldInitMs: 30 },
    'tools/add': { run: (p) => ({ sum: Number(p['a']) + Number(p['b']) }), durationMs: 5 },
    fails: { run: () => ({ error: 'boom' }), durationMs: 3 },
    throws: () => {
      throw new Error('kaput');
    },
    logger: (p, ctx) => {
      ctx.log(`got ${JSON.stringify(p)}`);
      ctx.log(`activation ${ctx.activationId}`);
      return { ok: true };
    },
    counter: { run: (p) => ({ n: p['n'] }), durationMs: 1 },
    internal: () => Promise.resolve('not an object'),
  });
  let server: LocalOpenWhisk;
  let ow: ReturnType<typeof openwhisk>;

  beforeAll(async () => {
    server = await startLocalOpenWhisk({ auth, invoker, clock, rng: new SeededRng(2) });
    ow = openwhisk({ apihost: server.apiHost, api_key: server.apiKey });
    for (const name of ['hello', 'fails', 'throws', 'logger', 'counter', 'internal']) {
      await ow.actions.create({ name, action: 'function main() {}', kind: 'nodejs:20' });
    }
  });
  afterAll(async () => {
    await server.stop();
  });

  /** A raw request with the right key: for bodies and queries the client would not send. */
  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${server.apiHost}/api/v1${path}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(server.apiKey).toString('base64')}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text.length === 0 ? undefined : JSON.parse(text) };
  }

  it('listens on 127.0.0.1 and lists the one namespace', async () => {
    expect(server.apiHost).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await ow.namespaces.list()).toEqual(['guest']);
  });

  it('creates a package and an action in it, with default limits, version 0.0.1 and the exec annotation', async () => {
    const pkg = await ow.packages.create({ name: 'tools', package: { parameters: [{ key: 'b', value: 10 }] } });
    expect(pkg).toMatchObject({ namespace: 'guest', name: 'tools', version: '0.0.1', binding: {}, actions: [] });
    const created = await ow.actions.create({ name: 'tools/add', action: 'exports.main = (p) => p', kind: 'nodejs:20', limits: { memory: 512 } });
    expect(created).toMatchObject({
      namespace: 'guest/tools',
      name: 'add',
      version: '0.0.1',
      exec: { kind: 'nodejs:20', code: 'exports.main = (p) => p', binary: false },
      limits: { timeout: 60000, memory: 512, logs: 10, concurrency: 1 },
      annotations: [{ key: 'exec', value: 'nodejs:20' }],
    });
    const got = await ow.packages.get({ name: 'tools' });
    expect(got.actions?.map((a) => a.name)).toEqual(['add']);
  });

  it('updates an action with overwrite: bumps the version and merges limits, keeping the code', async () => {
    await ow.actions.create({ name: 'upd', action: 'exports.main = () => ({})', kind: 'nodejs:20', limits: { timeout: 5000 } });
    const updated = await ow.actions.update({ name: 'upd', limits: { memory: 1024 } });
    expect(updated).toMatchObject({ version: '0.0.2', limits: { timeout: 5000, memory: 1024 }, exec: { code: 'exports.main = () => ({})' } });
    const options = { name: 'upd', code: false };
    const withoutCode = await ow.actions.get(options);
    expect(withoutCode.exec).toEqual({ kind: 'nodejs:20', binary: false });
    await ow.actions.delete({ name: 'upd' });
    expect((await failure(ow.actions.get({ name: 'upd' }))).statusCode).toBe(404);
  });

  it('invokes blocking with result=true: the result, with package parameters merged under the call parameters', async () => {
    expect(await ow.actions.invoke({ name: 'tools/add', blocking: true, result: true, params: { a: 1 } })).toEqual({ sum: 11 });
    expect(await ow.actions.invoke({ name: 'tools/add', blocking: true, result: true, params: { a: 1, b: 2 } })).toEqual({ sum: 3 });
  });

  it('invokes blocking: the activation record, timed by the clock, cold (initTime) then warm', async () => {
    clock.now = T0 + 1000;
    const cold = await ow.actions.invoke({ name: 'hello', blocking: true, params: { name: 'ada' } });
    expect(cold).toMatchObject({
      namespace: 'guest',
      name: 'hello',
      version: '0.0.1',
      start: T0 + 1000,
      end: T0 + 1000 + 42,
      duration: 42,
      statusCode: 0,
      response: { status: 'success', statusCode: 0, success: true, result: { greeting: 'hello ada' } },
      logs: [],
    });
    expect(cold.activationId).toMatch(/^[0-9a-f]{32}$/);
    expect(annotationsOf(cold)).toMatchObject({ path: 'guest/hello', kind: 'nodejs:20', initTime: 30, timeout: false, waitTime: 0 });
    const warm = await ow.actions.invoke({ name: 'hello', blocking: true });
    expect(warm.duration).toBe(12);
    expect(annotationsOf(warm)).not.toHaveProperty('initTime');
  });

  it('invokes non-blocking: 202 with an id; the record, result and logs are there once it ends', async () => {
    const { activationId } = await ow.actions.invoke({ name: 'logger', params: { x: 1 } });
    expect(activationId).toMatch(/^[0-9a-f]{32}$/);
    await server.settled();
    const record = await ow.activations.get({ name: activationId });
    expect(record.response).toMatchObject({ success: true, result: { ok: true } });
    expect(await ow.activations.result({ name: activationId })).toEqual({ status: 'success', statusCode: 0, success: true, result: { ok: true } });
    const { logs } = await ow.activations.logs({ name: activationId });
    expect(logs).toEqual([`${new Date(clock.now).toISOString()} stdout: got {"x":1}`, `${new Date(clock.now).toISOString()} stdout: activation ${activationId}`]);
  });

  it('an action returning {error} is a failed activation: 502 with the record on a blocking invoke', async () => {
    const f = await failure(ow.actions.invoke({ name: 'fails', blocking: true }));
    expect(f.statusCode).toBe(502);
    expect(f.body).toMatchObject({ name: 'fails', statusCode: 1, response: { status: 'application error', statusCode: 1, success: false, result: { error: 'boom' } } });
    expect(f.message).toContain('boom');
  });

  it('an action that throws is an application error with its message; a non-object result a developer error', async () => {
    const thrown = await failure(ow.actions.invoke({ name: 'throws', blocking: true }));
    expect(thrown.statusCode).toBe(502);
    expect(thrown.body).toMatchObject({ response: { status: 'application error', result: { error: 'kaput' } } });
    const bad = await failure(ow.actions.invoke({ name: 'internal', blocking: true }));
    expect(bad.statusCode).toBe(502);
    expect(bad.body).toMatchObject({ statusCode: 2, response: { status: 'action developer error', result: { error: 'The action did not produce a valid JSON response.' } } });
  });

  it('answers blocking result=true with the bare result: 200 on success, 502 with {error} on failure', async () => {
    const ok = await api('POST', '/namespaces/_/actions/hello?blocking=true&result=true', { name: 'bo' });
    expect([ok.status, ok.body]).toEqual([200, { greeting: 'hello bo' }]);
    const failed = await api('POST', '/namespaces/_/actions/fails?blocking=true&result=true', {});
    expect([failed.status, failed.body]).toEqual([502, { error: 'boom' }]);
  });

  it('answers a wrong key with 401 and OpenWhisk error body {error, code}', async () => {
    const wrong = openwhisk({ apihost: server.apiHost, api_key: `${auth.uuid}:not-the-secret` });
    const f = await failure(wrong.actions.list());
    expect(f.statusCode).toBe(401);
    expect(f.body).toEqual({ error: 'The supplied authentication is invalid', code: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('answers a missing entity with 404 and a second create with 409', async () => {
    const missing = await failure(ow.actions.get({ name: 'nope' }));
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toEqual({ error: 'The requested resource does not exist.', code: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect((await failure(ow.actions.invoke({ name: 'nope', blocking: true }))).statusCode).toBe(404);
    expect((await failure(ow.activations.get({ name: '0'.repeat(32) }))).statusCode).toBe(404);
    const again = await failure(ow.actions.create({ name: 'hello', action: 'x', kind: 'nodejs:20' }));
    expect(again.statusCode).toBe(409);
    expect(again.body).toMatchObject({ error: 'resource already exists' });
    expect((await failure(ow.actions.create({ name: 'ghost/a', action: 'x', kind: 'nodejs:20' }))).statusCode).toBe(404);
  });

  it('refuses another namespace with 403', async () => {
    const f = await failure(ow.actions.list({ namespace: 'someone-else' }));
    expect(f.statusCode).toBe(403);
  });

  it.each([
    ['an unknown kind', { exec: { kind: 'python:3', code: 'x' } }, 'exec.kind'],
    ['no code', { exec: { kind: 'nodejs:20' } }, 'exec.code'],
    ['a non-boolean binary', { exec: { kind: 'nodejs:20', code: 'x', binary: 'yes' } }, 'exec.binary'],
    ['a main that is not an identifier', { exec: { kind: 'nodejs:20', code: 'x', main: 'a-b' } }, 'exec.main'],
    ['memory below 128 MB', { exec: { kind: 'nodejs:20', code: 'x' }, limits: { memory: 64 } }, 'limits.memory: expected an integer from 128 to 2048 MB, found 64'],
    ['a fractional timeout', { exec: { kind: 'nodejs:20', code: 'x' }, limits: { timeout: 1.5 } }, 'limits.timeout'],
    ['concurrency 0', { exec: { kind: 'nodejs:20', code: 'x' }, limits: { concurrency: 0 } }, 'limits.concurrency'],
    ['parameters not an array', { exec: { kind: 'nodejs:20', code: 'x' }, parameters: { a: 1 } }, 'parameters: expected an array'],
    ['a parameter without key', { exec: { kind: 'nodejs:20', code: 'x' }, parameters: [{ value: 1 }] }, 'parameters[0].key'],
    ['an empty sequence', { exec: { kind: 'sequence', components: [] } }, 'exec.components'],
    ['no exec at all', {}, 'exec: missing'],
  ])('rejects an action body with %s: 400 naming the field', async (_what, body, fragment) => {
    const f = await api('PUT', '/namespaces/_/actions/bad', body);
    expect(f.status).toBe(400);
    expect(f.body).toMatchObject({ error: expect.stringContaining(fragment) });
    expect((await failure(ow.actions.get({ name: 'bad' }))).statusCode).toBe(404);
  });

  it('lists activations newest first, paged by skip/limit, filtered by name, since and upto', async () => {
    const times = [T0 + 10_000, T0 + 20_000, T0 + 30_000, T0 + 40_000, T0 + 50_000];
    const ids: string[] = [];
    for (const [i, t] of times.entries()) {
      clock.now = t;
      const a = await ow.actions.invoke({ name: 'counter', blocking: true, params: { n: i } });
      ids.push(a.activationId);
    }
    const newestFirst = [...ids].reverse();
    const pages = [];
    for (let skip = 0; skip < 6; skip += 2) pages.push(await ow.activations.list({ name: 'counter', skip, limit: 2 }));
    expect(pages.map((p) => p.map((a) => a.activationId))).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);
    expect(pages[0]?.[0]).not.toHaveProperty('response');
    const window = await ow.activations.list({ name: 'counter', since: times[1], upto: times[3], docs: true });
    expect(window.map((a) => a.activationId)).toEqual([ids[3], ids[2], ids[1]]);
    expect(window.map((a) => ('response' in a && typeof a.response === 'object' && a.response !== null && 'result' in a.response ? a.response.result : undefined))).toEqual([{ n: 3 }, { n: 2 }, { n: 1 }]);
    expect(await ow.activations.list({ name: 'counter', count: true })).toEqual({ activations: 5 });
    const packaged = await ow.activations.list({ name: 'tools/add' });
    expect(packaged.length).toBe(2);
  });

  it.each([
    ['limit=201', "The value '201' is not in the range of 0 to 200 for activations."],
    ['skip=-1', "The value '-1' is not greater than or equal to 0 for activations."],
    ['limit=ten', "The value 'ten' is not an integer for activations."],
    ['since=yesterday', 'Parameter is not a valid value for epoch seconds: yesterday'],
    ['name=a/b/c', "Parameter may be a 'simple' name or 'package-name/simple' name: a/b/c"],
    ['docs=true&count=true', "The parameter 'docs' is not permitted with 'count'."],
  ])('rejects the activation list query %s with 400: %s', async (query, message) => {
    const res = await api('GET', `/namespaces/_/activations?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: message, code: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it.each([
    ['a body that is not JSON', '{"exec":', 'The request content was malformed:'],
    ['a body that is an array', '[1]', 'body: expected a JSON object'],
  ])('rejects %s with 400', async (_what, body, fragment) => {
    const res = await api('PUT', '/namespaces/_/actions/raw', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.stringContaining(fragment) });
  });

  it('answers a request without credentials with 401', async () => {
    const res = await fetch(`${server.apiHost}/api/v1/namespaces`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'The supplied authentication is invalid' });
  });

  it('fires a trigger: its rule invokes the action with the trigger and fire parameters; a disabled rule does not', async () => {
    await ow.triggers.create({ name: 'tick', trigger: { parameters: [{ key: 'a', value: 2 }] } });
    await ow.rules.create({ name: 'tick-add', trigger: 'tick', action: 'tools/add' });
    const trigger = await ow.triggers.get({ name: 'tick' });
    expect(trigger.rules).toEqual({ 'guest/tick-add': { action: { name: 'add', path: 'guest/tools' }, status: 'active' } });
    expect(await ow.rules.get({ name: 'tick-add' })).toMatchObject({ status: 'active', trigger: { name: 'tick', path: 'guest' }, action: { name: 'add', path: 'guest/tools' } });

    clock.now = T0 + 100_000;
    const fired = await ow.triggers.invoke({ name: 'tick', params: { b: 5 } });
    await server.settled();
    const triggerRecord = await ow.activations.get({ name: fired.activationId });
    expect(triggerRecord).toMatchObject({ name: 'tick', response: { success: true, result: { a: 2, b: 5 } } });
    const ruleLog: unknown = JSON.parse(String(triggerRecord.logs[0]));
    expect(ruleLog).toMatchObject({ statusCode: 0, success: true, rule: 'guest/tick-add', action: 'guest/tools/add' });
    const childId = typeof ruleLog === 'object' && ruleLog !== null && 'activationId' in ruleLog ? String(ruleLog.activationId) : '';
    const child = await ow.activations.get({ name: childId });
    expect(child).toMatchObject({ name: 'add', cause: fired.activationId, response: { result: { sum: 7 } } });

    await ow.rules.disable({ name: 'tick-add' });
    expect(await ow.rules.get({ name: 'tick-add' })).toMatchObject({ status: 'inactive' });
    const idle = await ow.triggers.invoke({ name: 'tick' });
    expect(idle).not.toHaveProperty('activationId');
    await ow.rules.enable({ name: 'tick-add' });
    expect(await ow.rules.get({ name: 'tick-add' })).toMatchObject({ status: 'active' });
    expect((await ow.rules.list()).map((r) => r.name)).toEqual(['tick-add']);
    await ow.rules.delete({ name: 'tick-add' });
    await ow.triggers.delete({ name: 'tick' });
    expect((await failure(ow.triggers.get({ name: 'tick' }))).statusCode).toBe(404);
  });

  it('refuses a rule whose action does not exist with 404 naming it', async () => {
    await ow.triggers.create({ name: 'lonely' });
    const f = await failure(ow.rules.create({ name: 'dangling', trigger: 'lonely', action: 'missing-action' }));
    expect(f.statusCode).toBe(404);
    expect(f.body).toMatchObject({ error: "The requested resource 'guest/missing-action' does not exist." });
  });

  it('runs a sequence: each component an activation caused by the sequence, the last result its result', async () => {
    await ow.actions.create({ name: 'add-then-hello', action: { exec: { kind: 'sequence', components: ['/guest/tools/add', '/_/hello'] } } });
    const record = await ow.actions.invoke({ name: 'add-then-hello', blocking: true, params: { a: 1, b: 1 } });
    expect(record.response).toMatchObject({ success: true, result: { greeting: 'hello world' } });
    expect(record.logs).toHaveLength(2);
    const first = await ow.activations.get({ name: String(record.logs[0]) });
    expect(first).toMatchObject({ name: 'add', cause: record.activationId, response: { result: { sum: 2 } } });
    expect(annotationsOf(first)['causedBy']).toBe('sequence');
    expect(annotationsOf(record)).toMatchObject({ kind: 'sequence', topmost: true });
  });

  it('refuses to delete a package that still holds actions with 409', async () => {
    const f = await failure(ow.packages.delete({ name: 'tools' }));
    expect(f.statusCode).toBe(409);
    expect(f.body).toMatchObject({ error: 'Package not empty (contains 1 entity)' });
  });
});
