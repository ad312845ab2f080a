import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SeededRng } from '../../src/core/rng';
import { generateAuthKey } from '../../src/local-openwhisk/ids';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../../src/local-openwhisk/local-openwhisk-server';
import { RegistryInvoker } from '../../src/local-openwhisk/registry-invoker';
import { WARMUP_PARAM, wrapManagedAction } from '../../src/platform/managed-action';
import { OpenWhiskPlatform, type OpenWhiskPlatformOptions } from '../../src/platform/openwhisk';
import type { ActivationPageQuery, CallControl, LimitsUpdate, OpenWhiskClientPort } from '../../src/platform/openwhisk-client-port';
import { CpuLimitUnsupportedError, PlatformError } from '../../src/platform/platform-error';

/** An error as the openwhisk client throws it: status code and response body. */
function httpError(statusCode: number, body: unknown = { error: `status ${statusCode}`, code: 'x' }): Error {
  return Object.assign(new Error(`HTTP ${statusCode}`), { statusCode, error: body });
}

/** A never-settling call that rejects once its signal aborts, as needle does. */
function hangUntilAborted(control: CallControl): Promise<unknown> {
  return new Promise((_resolve, reject) => {
    control.signal.addEventListener('abort', () => reject(new Error('Aborted by signal.')));
  });
}

type Step = (control: CallControl) => Promise<unknown>;

/** A scripted client: each method answers from its queue of steps, recording the calls. */
class FakeClient implements OpenWhiskClientPort {
  readonly calls: { method: string; args: unknown[]; signal: AbortSignal }[] = [];
  readonly steps: Record<string, Step[]> = {};
  pages: unknown[] = [];

  script(method: string, ...steps: Step[]): this {
    this.steps[method] = [...(this.steps[method] ?? []), ...steps];
    return this;
  }

  private next(method: string, args: unknown[], control: CallControl): Promise<unknown> {
    this.calls.push({ method, args, signal: control.signal });
    const step = this.steps[method]?.shift();
    if (step === undefined) return Promise.reject(new Error(`unscripted call ${method}`));
    return step(control);
  }

  listActivations(query: ActivationPageQuery, control: CallControl): Promise<unknown> {
    this.calls.push({ method: 'listActivations', args: [query], signal: control.signal });
    const step = this.steps['listActivations']?.shift();
    if (step !== undefined) return step(control);
    return Promise.resolve(this.pages.slice(query.skip, query.skip + query.limit));
  }
  getActivation(id: string, control: CallControl): Promise<unknown> {
    return this.next('getActivation', [id], control);
  }
  invokeAction(name: string, params: Record<string, unknown>, blocking: boolean, control: CallControl): Promise<unknown> {
    return this.next('invokeAction', [name, params, blocking], control);
  }
  fireTrigger(name: string, params: Record<string, unknown>, control: CallControl): Promise<unknown> {
    return this.next('fireTrigger', [name, params], control);
  }
  getAction(name: string, control: CallControl): Promise<unknown> {
    return this.next('getAction', [name], control);
  }
  updateActionLimits(name: string, limits: LimitsUpdate, control: CallControl): Promise<unknown> {
    return this.next('updateActionLimits', [name, limits], control);
  }
}

const ok =
  (value: unknown): Step =>
  () =>
    Promise.resolve(value);
const fail =
  (statusCode: number, body?: unknown): Step =>
  () =>
    Promise.reject(httpError(statusCode, body));

const ACTION = {
  namespace: 'guest/aquatope',
  name: 'collector',
  version: '0.0.3',
  exec: { kind: 'nodejs:20', binary: false },
  limits: { timeout: 60000, memory: 256, logs: 10, concurrency: 1 },
  annotations: [{ key: 'exec', value: 'nodejs:20' }],
};

function activation(id: string, start: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { activationId: id, name: 'collector', namespace: 'guest', start, end: start + 5, duration: 5, annotations: [{ key: 'path', value: 'guest/aquatope/collector' }], ...extra };
}

async function rejection(p: Promise<unknown>): Promise<PlatformError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PlatformError) return err;
    throw err;
  }
  throw new Error('expected a PlatformError');
}

describe('OpenWhiskPlatform over a scripted client', () => {
  let client: FakeClient;
  let sleeps: number[];
  const make = (extra: Partial<OpenWhiskPlatformOptions> = {}): OpenWhiskPlatform =>
    OpenWhiskPlatform.create({
      apiHost: 'http://127.0.0.1:1',
      apiKey: 'u:k',
      clientFactory: () => client,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...extra,
    });

  beforeEach(() => {
    client = new FakeClient();
    sleeps = [];
  });

  it('retries 429 and 503 with doubling backoff, then returns the answer', async () => {
    client.script('getAction', fail(429), fail(503), ok(ACTION));
    const action = await make().getAction('aquatope/collector');
    expect(action).toEqual({
      name: 'collector',
      namespace: 'guest/aquatope',
      version: '0.0.3',
      kind: 'nodejs:20',
      limits: { timeoutMs: 60000, memoryMB: 256, logsMB: 10, concurrency: 1 },
      annotations: [{ key: 'exec', value: 'nodejs:20' }],
    });
    expect(sleeps).toEqual([200, 400]);
    expect(client.calls).toHaveLength(3);
  });

  it('gives up after the last retry with a typed error naming the action, the status and the attempts', async () => {
    client.script('getAction', ...Array.from({ length: 5 }, () => fail(503, { error: 'System is overloaded, try again later.', code: 'c' })));
    const err = await rejection(make().getAction('aquatope/collector'));
    expect(err).toMatchObject({ kind: 'server', statusCode: 503, operation: 'get', entity: 'action aquatope/collector', attempts: 5 });
    expect(err.message).toBe('get action aquatope/collector failed: HTTP 503: System is overloaded, try again later. (after 5 attempts)');
    expect(sleeps).toEqual([200, 400, 800, 1600]);
  });

  it('caps the backoff at maxDelayMs and jitters it within [delay/2, delay] with an rng', async () => {
    client.script('getAction', ...Array.from({ length: 5 }, () => fail(500)), ok(ACTION));
    await make({ retry: { retries: 5, baseDelayMs: 1000, maxDelayMs: 3000 } }).getAction('a');
    expect(sleeps).toEqual([1000, 2000, 3000, 3000, 3000]);

    sleeps = [];
    client.script('getAction', fail(500), fail(500), ok(ACTION));
    await make({ rng: new SeededRng(5) }).getAction('a');
    expect(sleeps[0]).toBeGreaterThanOrEqual(100);
    expect(sleeps[0]).toBeLessThanOrEqual(200);
    expect(sleeps[1]).toBeGreaterThanOrEqual(200);
    expect(sleeps[1]).toBeLessThanOrEqual(400);
  });

  it.each([
    [400, 'bad-request'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [409, 'conflict'],
  ])('does not retry HTTP %i: one call, kind %s', async (status, kind) => {
    client.script('getAction', fail(status));
    const err = await rejection(make().getAction('x'));
    expect(err).toMatchObject({ kind, statusCode: status, attempts: 1 });
    expect(client.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('aborts a read at its timeout and retries it; the error says timeout', async () => {
    client.script('getAction', hangUntilAborted, hangUntilAborted);
    const err = await rejection(make({ timeoutMs: 20, retry: { retries: 1 } }).getAction('slow'));
    expect(err).toMatchObject({ kind: 'timeout', operation: 'get', entity: 'action slow', attempts: 2 });
    expect(err.message).toContain('no answer within 20 ms');
    expect(client.calls.map((c) => c.signal.aborted)).toEqual([true, true]);
  });

  it('does not repeat an invocation after a timeout or a network error (it may have run)', async () => {
    client.script('invokeAction', hangUntilAborted);
    expect(await rejection(make({ timeoutMs: 20 }).invokeNonBlocking('a'))).toMatchObject({ kind: 'timeout', attempts: 1 });
    client.script('invokeAction', () => Promise.reject(new Error('socket hang up')));
    expect(await rejection(make().invokeNonBlocking('a'))).toMatchObject({ kind: 'network', detail: 'socket hang up', attempts: 1 });
  });

  it('retries an invocation answered 429 (it was not run)', async () => {
    client.script('invokeAction', fail(429), ok({ activationId: 'abc' }));
    expect(await make().invokeNonBlocking('a', { x: 1 })).toEqual({ activationId: 'abc' });
    expect(client.calls.map((c) => c.args)).toEqual([
      ['a', { x: 1 }, false],
      ['a', { x: 1 }, false],
    ]);
  });

  it('returns a blocking invocation that failed (502 with the record) as completed, without retrying', async () => {
    const record = activation('f1', 1000, { response: { status: 'application error', statusCode: 1, success: false, result: { error: 'boom' } } });
    client.script('invokeAction', fail(502, record));
    const outcome = await make().invokeBlocking('aquatope/collector');
    expect(outcome).toEqual({
      kind: 'completed',
      activation: expect.objectContaining({ activationId: 'f1', response: { status: 'application error', success: false, result: { error: 'boom' } } }),
    });
    expect(client.calls).toHaveLength(1);
  });

  it('reads every page of activations since a time, until a short page', async () => {
    client.pages = [5, 4, 3, 2, 1].map((i) => activation(`a${i}`, 1000 * i));
    const all = await make().listActivationsSince(500, { pageSize: 2, uptoMs: 9000 });
    expect(all.map((a) => a.activationId)).toEqual(['a5', 'a4', 'a3', 'a2', 'a1']);
    expect(client.calls.map((c) => c.args[0])).toEqual([0, 2, 4].map((skip) => ({ skip, limit: 2, since: 500, upto: 9000, docs: false })));
    expect(all[0]).toMatchObject({ path: 'guest/aquatope/collector', start: 5000, duration: 5 });
  });

  it('asks one more page when the last one was full, and keeps an activation seen twice once', async () => {
    client.script('listActivations', ok([activation('b4', 4), activation('b3', 3)]), ok([activation('b3', 3), activation('b2', 2)]), ok([]));
    const all = await make().listActivationsSince(0, { pageSize: 2 });
    expect(all.map((a) => a.activationId)).toEqual(['b4', 'b3', 'b2']);
    expect(client.calls).toHaveLength(3);
  });

  it.each([
    ['not an array', { activations: [] }, 'the answer is not an array'],
    ['an item without a start', [{ activationId: 'z', name: 'n', namespace: 'guest' }], 'start is not a number'],
  ])('rejects an activation page that is %s', async (_what, page, message) => {
    client.script('listActivations', ok(page));
    const err = await rejection(make().listActivationsSince(0));
    expect(err.kind).toBe('invalid-response');
    expect(err.message).toContain(message);
  });

  it('refuses a CPU change on stock OpenWhisk, saying CPU follows memory, without calling the platform', async () => {
    const err = await rejection(make().updateActionLimits('aquatope/collector', { memoryMB: 512, cpu: 0.5 }));
    expect(err).toBeInstanceOf(CpuLimitUnsupportedError);
    expect(err.message).toContain('cannot set a CPU limit of 0.5 cores: stock OpenWhisk has no CPU limit, CPU follows memory');
    expect(client.calls).toEqual([]);
  });

  it('sends memory with the other current limits, and CPU only with the CPU-limit extension', async () => {
    client.script('getAction', ok(ACTION)).script('updateActionLimits', ok({ ...ACTION, limits: { ...ACTION.limits, memory: 1024, cpu: 0.5 } }));
    const updated = await make({ cpuLimitExtension: true }).updateActionLimits('aquatope/collector', { memoryMB: 1024, cpu: 0.5 });
    expect(client.calls[1]?.args).toEqual(['aquatope/collector', { timeout: 60000, memory: 1024, logs: 10, concurrency: 1, cpu: 0.5 }]);
    expect(updated.limits).toEqual({ timeoutMs: 60000, memoryMB: 1024, logsMB: 10, concurrency: 1, cpu: 0.5 });
  });

  it('sends no update when the action already has the limits, so its revision and warm containers stay', async () => {
    client.script('getAction', ok({ ...ACTION, limits: { ...ACTION.limits, cpu: 0.5 }, updated: 1_700_000_000_000 }));
    const same = await make({ cpuLimitExtension: true }).updateActionLimits('aquatope/collector', { memoryMB: 256, cpu: 0.5 });
    expect(client.calls.map((c) => c.method)).toEqual(['getAction']);
    expect(same).toMatchObject({ changed: false, version: '0.0.3', updatedMs: 1_700_000_000_000, limits: { memoryMB: 256, cpu: 0.5 } });
  });

  it.each([
    ['memory', { memoryMB: 512 }],
    ['the time limit', { memoryMB: 256, timeoutMs: 30_000 }],
    ['CPU', { memoryMB: 256, cpu: 1 }],
  ])('sends an update when %s differs', async (_what, change) => {
    client.script('getAction', ok({ ...ACTION, limits: { ...ACTION.limits, cpu: 0.5 } })).script('updateActionLimits', ok(ACTION));
    const updated = await make({ cpuLimitExtension: true }).updateActionLimits('aquatope/collector', change);
    expect(client.calls.map((c) => c.method)).toEqual(['getAction', 'updateActionLimits']);
    expect(updated.changed).toBe(true);
  });

  it.each([0, -128, 256.5])('rejects memoryMB %p before calling the platform', async (memoryMB) => {
    expect(await rejection(make().updateActionLimits('a', { memoryMB }))).toMatchObject({ kind: 'bad-request' });
    expect(client.calls).toEqual([]);
  });

  it('fireTrigger gives null when OpenWhisk answers 204 (no active rule)', async () => {
    client.script('fireTrigger', ok(''), ok({ activationId: 't1' }));
    const platform = make();
    expect(await platform.fireTrigger('every-minute')).toBeNull();
    expect(await platform.fireTrigger('every-minute', { tick: 1 })).toEqual({ activationId: 't1' });
  });

  it.each([-1, 1.5])('rejects a prewarm count of %p', async (count) => {
    await expect(make().prewarm('a', count)).rejects.toThrow(RangeError);
  });
});

describe('OpenWhiskPlatform against the local OpenWhisk with the real client', () => {
  const clock = { t: Date.UTC(2026, 0, 1), nowMs(): number { return this.t; } };
  const invoker = new RegistryInvoker(clock, {
    'aquatope/collector': { run: wrapManagedAction((p: Record<string, unknown>) => ({ counted: Number(p['n'] ?? 0) })), durationMs: 7 },
    'aquatope/broken': () => ({ error: 'no data' }),
    plain: () => ({ ran: true }),
  });
  let server: LocalOpenWhisk;
  let platform: OpenWhiskPlatform;

  beforeAll(async () => {
    server = await startLocalOpenWhisk({ auth: generateAuthKey(new SeededRng(11)), invoker, clock, rng: new SeededRng(12), cpuLimitExtension: true });
    platform = OpenWhiskPlatform.create({ env: { __OW_API_HOST: server.apiHost, __OW_API_KEY: server.apiKey }, sleep: async () => undefined });
    const deploy = OpenWhiskPlatform.create({ apiHost: server.apiHost, apiKey: server.apiKey });
    expect(deploy.config.source).toEqual({ apiHost: 'options', apiKey: 'options' });
    const ow = (await import('openwhisk')).default({ apihost: server.apiHost, api_key: server.apiKey });
    await ow.packages.create({ name: 'aquatope' });
    for (const name of ['aquatope/collector', 'aquatope/broken', 'plain']) await ow.actions.create({ name, action: 'exports.main = () => ({})', kind: 'nodejs:20' });
    await ow.triggers.create({ name: 'every-minute' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('reads its configuration from the env object it is given', () => {
    expect(platform.config).toMatchObject({ apiHost: server.apiHost, apiKey: server.apiKey, namespace: '_', source: { apiHost: 'env', apiKey: 'env' } });
  });

  it('invokes blocking (success and failure) and non-blocking, and reads the activation back', async () => {
    clock.t += 1000;
    const done = await platform.invokeBlocking('aquatope/collector', { n: 3 });
    expect(done).toMatchObject({ kind: 'completed', activation: { name: 'collector', duration: 7, response: { success: true, result: { counted: 3 } }, path: 'guest/aquatope/collector' } });
    const failed = await platform.invokeBlocking('aquatope/broken');
    expect(failed).toMatchObject({ kind: 'completed', activation: { statusCode: 1, response: { status: 'application error', success: false, result: { error: 'no data' } } } });
    const { activationId } = await platform.invokeNonBlocking('aquatope/collector', { n: 4 });
    await server.settled();
    expect(await platform.getActivation(activationId)).toMatchObject({ activationId, response: { result: { counted: 4 } } });
  });

  it('lists the activations since a time across pages', async () => {
    const since = (clock.t += 60_000);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.t += 1000;
      const r = await platform.invokeBlocking('aquatope/collector', { n: i });
      if (r.kind === 'completed') ids.push(r.activation.activationId);
    }
    const listed = await platform.listActivationsSince(since, { pageSize: 2, name: 'aquatope/collector' });
    expect(listed.map((a) => a.activationId)).toEqual([...ids].reverse());
    expect(listed.map((a) => a.start)).toEqual([5, 4, 3, 2, 1].map((k) => since + 1000 * k));
    const docs = await platform.listActivationsSince(since + 4000, { docs: true });
    expect(docs.map((a) => a.response?.result)).toEqual([{ counted: 4 }, { counted: 3 }]);
  });

  it('updates memory and, with the extension on both sides, CPU; the code and timeout stay', async () => {
    const ext = OpenWhiskPlatform.create({ apiHost: server.apiHost, apiKey: server.apiKey, cpuLimitExtension: true });
    const updated = await ext.updateActionLimits('aquatope/collector', { memoryMB: 512, cpu: 0.25 });
    expect(updated).toMatchObject({ changed: true, version: '0.0.2', limits: { memoryMB: 512, timeoutMs: 60000, cpu: 0.25 } });
    const back = await platform.getAction('aquatope/collector');
    expect(back.limits).toEqual({ timeoutMs: 60000, memoryMB: 512, logsMB: 10, concurrency: 1, cpu: 0.25 });
    // The same limits again: no new revision.
    const again = await ext.updateActionLimits('aquatope/collector', { memoryMB: 512, cpu: 0.25 });
    expect(again).toMatchObject({ changed: false, version: '0.0.2', updatedMs: updated.updatedMs });
    expect((await platform.getAction('aquatope/collector')).version).toBe('0.0.2');
  });

  it('prewarms with N concurrent warm-ups that a wrapped action answers without running main', async () => {
    const before = await platform.listActivationsSince(0, { name: 'aquatope/collector' });
    const report = await platform.prewarm('aquatope/collector', 3);
    expect(report).toEqual({ requested: 3, warmed: 3, failures: [] });
    const after = await platform.listActivationsSince(0, { name: 'aquatope/collector', docs: true });
    expect(after.length - before.length).toBe(3);
    expect(after.slice(0, 3).map((a) => a.response?.result)).toEqual([{ warmed: true }, { warmed: true }, { warmed: true }]);
  });

  it('reports warm-ups of an unwrapped action as failures that say so', async () => {
    const report = await platform.prewarm('plain', 2);
    expect(report.warmed).toBe(0);
    expect(report.failures).toEqual([expect.stringContaining('is the action wrapped with wrapManagedAction?'), expect.stringContaining('wrapManagedAction')]);
    expect(WARMUP_PARAM).toBe('__aquatope_warmup');
  });

  it('fires a trigger: null without rules', async () => {
    expect(await platform.fireTrigger('every-minute')).toBeNull();
  });

  it('turns 404 and 401 into typed errors naming the entity', async () => {
    expect(await rejection(platform.getAction('aquatope/nope'))).toMatchObject({ kind: 'not-found', statusCode: 404, entity: 'action aquatope/nope' });
    const wrong = OpenWhiskPlatform.create({ apiHost: server.apiHost, apiKey: 'u:wrong' });
    const err = await rejection(wrong.invokeBlocking('plain'));
    expect(err).toMatchObject({ kind: 'unauthorized', statusCode: 401, attempts: 1 });
    expect(err.message).toBe('invoke action plain failed: HTTP 401: The supplied authentication is invalid');
  });
});

describe('OpenWhiskPlatform timeouts on the real transport', () => {
  it('aborts a request that gets no answer and leaves no socket open', async () => {
    const sockets = new Set<Socket>();
    const silent = http.createServer(() => {
      // never answers
    });
    silent.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address: AddressInfo | string | null = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    const { port } = address;
    try {
      const platform = OpenWhiskPlatform.create({ apiHost: `http://127.0.0.1:${port}`, apiKey: 'u:k', timeoutMs: 100, retry: { retries: 0 } });
      const err = await rejection(platform.getActivation('a'.repeat(32)));
      expect(err).toMatchObject({ kind: 'timeout', entity: `activation ${'a'.repeat(32)}` });
      await new Promise((r) => setTimeout(r, 50));
      expect(sockets.size).toBe(0);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
