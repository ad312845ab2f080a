/**
 * Conductor actions on the local OpenWhisk, through the real `openwhisk`
 * client, with hand-written conductors registered in a RegistryInvoker: the
 * protocol of apache/openwhisk docs/conductors.md (continuations, state,
 * boxing, the primary and derived records, failures handed back to the
 * conductor, the limits).
 */
import openwhisk from 'openwhisk';
import { SeededRng } from '../../src/core/rng';
import { ACTION_SEQUENCE_LIMIT, CompositionMessages, isTruthy, readContinuation, resolveComponent } from '../../src/local-openwhisk/conductor';
import { generateAuthKey } from '../../src/local-openwhisk/ids';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../../src/local-openwhisk/local-openwhisk-server';
import { RegistryInvoker } from '../../src/local-openwhisk/registry-invoker';
import { ManualClock } from '../support/manual-clock';
import { isRecord, annotationsOf, rejected } from '../support/whisk-records';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** The params each registered action was called with, in call order. */
const calls: { action: string; params: Record<string, unknown> }[] = [];
function seen(action: string, params: Record<string, unknown>): void {
  calls.push({ action, params: { ...params } });
}

/** The docs' example: step 0 triple, step 1 increment, step 2 done. */
function tripleAndIncrement(input: Record<string, unknown>): unknown {
  seen('triple-and-increment', input);
  const { $step, ...params } = input;
  switch ($step ?? 0) {
    case 0:
      return { action: 'triple', params, state: { $step: 1 } };
    case 1:
      return { action: '/_/increment', params, state: { $step: 2 } };
    default:
      return { params };
  }
}

describe('conductor actions on the local OpenWhisk', () => {
  const clock = new ManualClock(T0);
  /** What the scripted conductor answers at each of its activations (by its `$i` state). */
  let script: unknown[] = [];
  const invoker = new RegistryInvoker(clock, {
    triple: { run: (p) => (seen('triple', p), { value: Number(p['value']) * 3 }), durationMs: 5 },
    increment: { run: (p) => (seen('increment', p), { value: Number(p['value']) + 1 }), durationMs: 7 },
    'triple-and-increment': { run: tripleAndIncrement, durationMs: 2 },
    echo: { run: (p) => (seen('echo', p), { ...p }), durationMs: 1 },
    boom: { run: (p) => (seen('boom', p), { error: { code: 'boom', message: 'it broke' } }), durationMs: 1 },
    noop: { run: () => ({}), durationMs: 0 },
    // Answers script[$i] at its i-th activation, and records what it got.
    scripted: {
      run: (input) => {
        seen('scripted', input);
        const i = typeof input['$i'] === 'number' ? input['$i'] : 0;
        const answer = script[i];
        return isRecord(answer) && isRecord(answer['state']) ? { ...answer, state: { ...answer['state'], $i: i + 1 } } : isRecord(answer) && !('state' in answer) ? { ...answer, state: { $i: i + 1 } } : answer;
      },
      durationMs: 1,
    },
    // Asks for `noop` until it is handed an error, then ends with it.
    looper: { run: (p) => (p['error'] === undefined ? { action: 'noop', params: {} } : { error: p['error'] }), durationMs: 0 },
    // Asks for a missing action forever: only the conductor limit stops it.
    seeker: { run: () => ({ action: 'missing' }), durationMs: 0 },
    // Runs the docs' composition as a component, then echoes what it returned.
    outer: {
      run: (p) => (seen('outer', p), p['$done'] === true ? { params: { inner: p['value'] } } : { action: 'triple-and-increment', params: { value: p['value'] }, state: { $done: true } }),
      durationMs: 1,
    },
    // Asks for echo on { x: 1 } unless given x = 1; then ends with it.
    plain: { run: (p) => (p['x'] === 1 ? { params: { echoed: 1 } } : { action: 'echo', params: { x: 1 }, got: p['x'] }), durationMs: 1 },
    // Sends a non-object state, and ends when it comes back boxed.
    boxer: { run: (p) => (seen('boxer', p), p['state'] === 7 ? { params: { back: p } } : { action: 'echo', params: { v: 1 }, state: 7 }), durationMs: 1 },
  });
  let server: LocalOpenWhisk;
  let ow: ReturnType<typeof openwhisk>;
  const conductor = [{ key: 'conductor', value: true }];

  beforeAll(async () => {
    server = await startLocalOpenWhisk({ auth: generateAuthKey(new SeededRng(41)), invoker, clock, rng: new SeededRng(42) });
    ow = openwhisk({ apihost: server.apiHost, api_key: server.apiKey });
    for (const name of ['triple', 'increment', 'echo', 'boom', 'noop']) await ow.actions.create({ name, action: 'function main() {}', kind: 'nodejs:20' });
    for (const name of ['triple-and-increment', 'scripted', 'looper', 'seeker', 'outer', 'boxer']) {
      await ow.actions.create({ name, action: { exec: { kind: 'nodejs:20', code: 'function main() {}' }, annotations: conductor } });
    }
    await ow.actions.update({ name: 'scripted', action: { exec: { kind: 'nodejs:20', code: 'function main() {}' }, annotations: conductor, parameters: [{ key: 'fromDefaults', value: 'd' }] } });
  });
  beforeEach(() => {
    calls.length = 0;
    script = [];
  });
  afterAll(async () => {
    await server.stop();
  });

  it("runs the docs' tripleAndIncrement: conductor, triple, conductor, increment, conductor; the primary record sums them", async () => {
    const record = await ow.actions.invoke({ name: 'triple-and-increment', blocking: true, params: { value: 3 } });
    expect(record.response).toEqual({ status: 'success', statusCode: 0, success: true, result: { value: 10 } });
    expect(calls).toEqual([
      { action: 'triple-and-increment', params: { value: 3 } },
      { action: 'triple', params: { value: 3 } },
      { action: 'triple-and-increment', params: { value: 9, $step: 1 } },
      { action: 'increment', params: { value: 9 } },
      { action: 'triple-and-increment', params: { value: 10, $step: 2 } },
    ]);
    expect(record.logs).toHaveLength(5);
    const derived = await Promise.all(record.logs.map((id) => ow.activations.get({ name: String(id) })));
    expect(derived.map((d) => d.name)).toEqual(['triple-and-increment', 'triple', 'triple-and-increment', 'increment', 'triple-and-increment']);
    for (const d of derived) {
      expect(d).toMatchObject({ cause: record.activationId });
      expect(annotationsOf(d)['causedBy']).toBe('sequence');
    }
    expect(record.duration).toBe(2 + 5 + 2 + 7 + 2);
    expect(record.start).toBe(T0);
    expect(record.end).toBe(T0 + 7);
    expect(record).not.toHaveProperty('cause');
    expect(annotationsOf(record)).toEqual({
      topmost: true,
      path: 'guest/triple-and-increment',
      kind: 'sequence',
      conductor: true,
      limits: { timeout: 60000, memory: 256, logs: 10, concurrency: 1 },
    });
  });

  it('answers a non-blocking invocation with the primary id at once; the record appears when the composition ends', async () => {
    const accepted = await ow.actions.invoke({ name: 'triple-and-increment', params: { value: 1 } });
    await server.settled();
    const record = await ow.activations.get({ name: accepted.activationId });
    expect(record).toMatchObject({ name: 'triple-and-increment', response: { success: true, result: { value: 4 } } });
    expect(record.logs).toHaveLength(5);
    const result = await ow.actions.invoke({ name: 'triple-and-increment', blocking: true, result: true, params: { value: 2 } });
    expect(result).toEqual({ value: 7 });
  });

  it('boxes a non-object params as { value } and a non-object state as { state }; a missing params gives the component {}', async () => {
    script = [{ action: 'echo', params: 5, state: { keep: 'k' } }, { action: 'echo' }, { params: 'done' }];
    const result = await ow.actions.invoke({ name: 'scripted', blocking: true, result: true, params: { a: 1 } });
    expect(result).toEqual({ value: 'done' });
    expect(calls.map((c) => c.params)).toEqual([
      { fromDefaults: 'd', a: 1 },
      { value: 5 },
      // The component's result, the state over it, and the conductor's default params under both.
      { fromDefaults: 'd', value: 5, keep: 'k', $i: 1 },
      {},
      { fromDefaults: 'd', $i: 2 },
    ]);
    expect(await ow.actions.invoke({ name: 'boxer', blocking: true, result: true })).toEqual({ back: { v: 1, state: 7 } });
  });

  it("ends with the last conductor result itself when it has no params, and with a conductor's { error } as an application error (502)", async () => {
    script = [{ summary: 'no params here' }];
    expect(await ow.actions.invoke({ name: 'scripted', blocking: true, result: true })).toEqual({ summary: 'no params here', state: { $i: 1 } });
    script = [{ error: { code: 'bad', message: 'conductor refused' } }];
    const failed = await rejected(ow.actions.invoke({ name: 'scripted', blocking: true }));
    expect(failed.statusCode).toBe(502);
    expect(isRecord(failed.body) ? failed.body['response'] : undefined).toEqual({
      status: 'application error',
      statusCode: 1,
      success: false,
      result: { error: { code: 'bad', message: 'conductor refused' }, state: { $i: 1 } },
    });
  });

  it("hands a component's error result back to the conductor, which decides (here: it ends with it)", async () => {
    script = [{ action: 'boom', params: { x: 1 } }, { action: 'echo', params: { after: 'boom' } }, { params: { finished: true } }];
    const result = await ow.actions.invoke({ name: 'scripted', blocking: true, result: true });
    expect(result).toEqual({ finished: true });
    expect(calls[2]).toEqual({ action: 'scripted', params: { fromDefaults: 'd', error: { code: 'boom', message: 'it broke' }, $i: 1 } });
  });

  it.each([
    ['a number', 42, CompositionMessages.componentInvalid(42), 'Failed to parse action name from json value 42 during composition.'],
    ['too many parts', 'a/b/c/d', CompositionMessages.componentInvalid('a/b/c/d'), 'Failed to parse action name from json value "a/b/c/d" during composition.'],
    ['an illegal name', 'bad$name', CompositionMessages.componentInvalid('bad$name'), 'Failed to parse action name from json value "bad$name" during composition.'],
    ['another namespace', '/other/echo', CompositionMessages.componentNotAccessible('other/echo'), "Failed entitlement check for action with name 'other/echo' during composition."],
    ['a missing action', 'pkg/missing', CompositionMessages.componentNotFound('guest/pkg/missing'), "Failed to resolve action with name 'guest/pkg/missing' during composition."],
  ])('does not invoke %s as the next action: the conductor runs again on { error } saying why', async (_what, action, message, text) => {
    expect(message).toBe(text);
    script = [{ action, params: { x: 1 }, state: { s: 1 } }, { params: { recovered: true } }];
    expect(await ow.actions.invoke({ name: 'scripted', blocking: true, result: true })).toEqual({ recovered: true });
    expect(calls.map((c) => c.action)).toEqual(['scripted', 'scripted']);
    expect(calls[1]?.params).toEqual({ fromDefaults: 'd', error: text, s: 1, $i: 1 });
  });

  it(`allows ${ACTION_SEQUENCE_LIMIT} component activations, then hands the conductor "${CompositionMessages.tooLong}"`, async () => {
    const failed = await rejected(ow.actions.invoke({ name: 'looper', blocking: true }));
    const body = isRecord(failed.body) ? failed.body : {};
    expect(body['response']).toMatchObject({ status: 'application error', result: { error: 'Too many actions in the composition.' } });
    const logs = Array.isArray(body['logs']) ? body['logs'] : [];
    // 50 components, the 51st conductor activation asks for one more and is refused, the 52nd ends with the error.
    expect(logs).toHaveLength(ACTION_SEQUENCE_LIMIT + ACTION_SEQUENCE_LIMIT + 2);
    const names = await Promise.all(logs.map(async (id) => (await ow.activations.get({ name: String(id) })).name));
    expect(names.filter((n) => n === 'noop')).toHaveLength(ACTION_SEQUENCE_LIMIT);
  });

  it(`stops after ${2 * ACTION_SEQUENCE_LIMIT + 1} conductor activations with "${CompositionMessages.tooLong}" as an application error`, async () => {
    const failed = await rejected(ow.actions.invoke({ name: 'seeker', blocking: true }));
    const body = isRecord(failed.body) ? failed.body : {};
    expect(body['response']).toEqual({ status: 'application error', statusCode: 1, success: false, result: { error: 'Too many actions in the composition.' } });
    expect(Array.isArray(body['logs']) ? body['logs'].length : 0).toBe(2 * ACTION_SEQUENCE_LIMIT + 1);
  });

  it("runs a conductor component as a nested composition: the outer logs hold only the inner primary id; the inner one is caused by the outer", async () => {
    const record = await ow.actions.invoke({ name: 'outer', blocking: true, params: { value: 2 } });
    expect(record.response?.result).toEqual({ inner: 7 });
    expect(record.logs).toHaveLength(3);
    const inner = await ow.activations.get({ name: String(record.logs[1]) });
    expect(inner).toMatchObject({ name: 'triple-and-increment', cause: record.activationId, response: { result: { value: 7 } } });
    expect(inner.logs).toHaveLength(5);
    expect(annotationsOf(inner)).toMatchObject({ topmost: false, causedBy: 'sequence', conductor: true, kind: 'sequence' });
  });

  it('runs a sequence component as one activation caused by the composition, and a conductor inside a sequence as a composition', async () => {
    await ow.actions.create({ name: 'triple-twice', action: { exec: { kind: 'sequence', components: ['/_/triple', '/_/triple'] } } });
    script = [{ action: 'triple-twice', params: { value: 1 } }, { params: { done: true } }];
    const record = await ow.actions.invoke({ name: 'scripted', blocking: true });
    expect(record.logs).toHaveLength(3);
    const seq = await ow.activations.get({ name: String(record.logs[1]) });
    expect(seq).toMatchObject({ name: 'triple-twice', cause: record.activationId, response: { result: { value: 9 } } });
    expect(calls.filter((c) => c.action === 'scripted')[1]?.params).toMatchObject({ value: 9 });

    await ow.actions.create({ name: 'seq-of-composition', action: { exec: { kind: 'sequence', components: ['/_/triple-and-increment', '/_/triple'] } } });
    const outer = await ow.actions.invoke({ name: 'seq-of-composition', blocking: true, params: { value: 1 } });
    expect(outer.response?.result).toEqual({ value: 12 });
    const first = await ow.activations.get({ name: String(outer.logs[0]) });
    expect(first.logs).toHaveLength(5);
    expect(annotationsOf(first)).toMatchObject({ conductor: true, causedBy: 'sequence', topmost: false });
  });

  it.each([
    ['false', 'a plain action', false, false],
    ['0', 'a plain action', 0, false],
    ['an empty string', 'a plain action', '', false],
    ['null', 'a plain action', null, false],
    ['true', 'a composition', true, true],
    ['1', 'a composition', 1, true],
    ['a non-empty string', 'a composition', 'yes', true],
    ['an object (the AST composer annotates)', 'a composition', { type: 'sequence' }, true],
  ])('runs an action with a conductor annotation of %s as %s', async (_what, _as, value, composition) => {
    expect(isTruthy(value)).toBe(composition);
    await ow.actions.update({ name: 'plain', action: { exec: { kind: 'nodejs:20', code: 'function main() {}' }, annotations: [{ key: 'conductor', value }] } });
    const record = await ow.actions.invoke({ name: 'plain', blocking: true, params: { x: 5 } });
    if (composition) {
      expect(record.response?.result).toEqual({ echoed: 1 });
      expect(annotationsOf(record)['conductor']).toBe(true);
      expect(record.logs).toHaveLength(3);
    } else {
      expect(record.response?.result).toEqual({ action: 'echo', params: { x: 1 }, got: 5 });
      expect(annotationsOf(record)).toMatchObject({ kind: 'nodejs:20' });
      expect(record.logs).toEqual([]);
    }
  });

  it('ignores the conductor annotation on a sequence, as OpenWhisk does', async () => {
    await ow.actions.create({ name: 'seq-annotated', action: { exec: { kind: 'sequence', components: ['/_/triple'] }, annotations: conductor } });
    const record = await ow.actions.invoke({ name: 'seq-annotated', blocking: true, params: { value: 2 } });
    expect(record.response?.result).toEqual({ value: 6 });
    expect(annotationsOf(record)['conductor']).toBeUndefined();
  });

  it('runs a composition fired by a trigger rule: the primary record is caused by the trigger activation and is topmost', async () => {
    await ow.triggers.create({ name: 'tick' });
    await ow.rules.create({ name: 'tick-compose', trigger: 'tick', action: 'triple-and-increment' });
    const fired = await ow.triggers.invoke({ name: 'tick', params: { value: 5 } });
    await server.settled();
    const runs: unknown[] = await ow.activations.list({ name: 'triple-and-increment', docs: true });
    const primary = runs.find((r) => isRecord(r) && r['cause'] === fired.activationId);
    expect(primary).toMatchObject({ response: { result: { value: 16 } } });
    expect(annotationsOf(primary)).toMatchObject({ topmost: true, causedBy: 'trigger', conductor: true });
    await ow.rules.delete({ name: 'tick-compose' });
    await ow.triggers.delete({ name: 'tick' });
  });
});

describe('reading continuations and component names', () => {
  it.each([
    [{ action: 'a', params: { x: 1 }, state: { s: 1 } }, { hasAction: true, action: 'a', params: { x: 1 }, state: { s: 1 } }],
    [{ params: [1, 2] }, { hasAction: false, action: undefined, params: { value: [1, 2] }, state: undefined }],
    [{ action: null, state: 'x' }, { hasAction: true, action: null, params: undefined, state: { state: 'x' } }],
    [{ value: 1 }, { hasAction: false, action: undefined, params: undefined, state: undefined }],
  ])('reads %j', (result, expected) => {
    expect(readContinuation(result)).toEqual(expected);
  });

  it.each([
    ['triple', { kind: 'path', path: { name: 'triple' }, name: 'guest/triple' }],
    ['/_/pkg/a', { kind: 'path', path: { packageName: 'pkg', name: 'a' }, name: 'guest/pkg/a' }],
    ['/guest/a', { kind: 'path', path: { name: 'a' }, name: 'guest/a' }],
    ['/ns/a', { kind: 'refused', reason: 'inaccessible', message: "Failed entitlement check for action with name 'ns/a' during composition." }],
    ['/', { kind: 'refused', reason: 'invalid', message: 'Failed to parse action name from json value "/" during composition.' }],
    [{ name: 'a' }, { kind: 'refused', reason: 'invalid', message: 'Failed to parse action name from json value {"name":"a"} during composition.' }],
  ])('resolves %j in namespace guest', (action, expected) => {
    expect(resolveComponent(action, 'guest')).toEqual(expected);
  });
});
