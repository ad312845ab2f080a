/**
 * The scheduler composition, compiled by `buildCompositions` (openwhisk-composer's
 * code generation, bundled) into a temporary folder, deployed as a conductor
 * action on the local OpenWhisk and invoked through the real `openwhisk`
 * client. The conductor's code runs in a child process, as a deployed action
 * would; its components `aquatope/collector`, `aquatope/forecaster` and
 * `aquatope/pool-sizer` are stand-ins in a RegistryInvoker that record what
 * they were given, so this test needs none of the real actions.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openwhisk from 'openwhisk';
import { SeededRng } from '../../src/core/rng';
import { buildCompositions, type BuiltComposition } from '../../src/deploy/build-actions';
import { compileComposition, conductorEntrySource, findCompositionSources } from '../../src/deploy/compose-conductor';
import { BuildError } from '../../src/deploy/action-sources';
import { ChildProcessInvoker } from '../../src/local-openwhisk/child-process-invoker';
import { isConductorAction } from '../../src/local-openwhisk/conductor';
import { generateAuthKey } from '../../src/local-openwhisk/ids';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../../src/local-openwhisk/local-openwhisk-server';
import { RegistryInvoker } from '../../src/local-openwhisk/registry-invoker';
import { RoutingInvoker } from '../../src/local-openwhisk/routing-invoker';
import { isRecord, annotationsOf } from '../support/whisk-records';

const REPO = join(__dirname, '..', '..');
const wallClock = { nowMs: () => Date.now() };
const STEPS = ['collector', 'forecaster', 'pool-sizer'] as const;
type Step = (typeof STEPS)[number];
const CONFIG = { couchdbUrl: 'http://user:pw@127.0.0.1:5984', dbPrefix: 'aq-test-' };
const FIRE = '2026-01-01T12:34:00.000Z';

/** The activation record a failed blocking invocation (502) carries. */
async function failedRecord(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Error && 'statusCode' in err && err.statusCode === 502 && 'error' in err && isRecord(err.error)) return err.error;
    throw err;
  }
  throw new Error('expected the invocation to fail with 502');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the scheduler composition as a conductor action on the local OpenWhisk', () => {
  const work = mkdtempSync(join(tmpdir(), 'aquatope-compose-'));
  /** Each stand-in call: step, params, and when it ended (epoch ms). */
  const calls: { step: Step; params: Record<string, unknown>; endedAt: number }[] = [];
  /** What each stand-in answers (default: a summary naming it and the shard). */
  let answer: (step: Step, params: Record<string, unknown>) => Promise<unknown> | unknown = () => undefined;
  const standIn =
    (step: Step) =>
    async (params: Record<string, unknown>): Promise<unknown> => {
      const given = await answer(step, params);
      calls.push({ step, params: { ...params }, endedAt: Date.now() });
      return given ?? { step, shard: params['shard'] ?? null, fireTime: params['fireTime'] };
    };
  const registry = new RegistryInvoker(wallClock, Object.fromEntries(STEPS.map((s) => [`aquatope/${s}`, standIn(s)])));
  let built: BuiltComposition;
  let server: LocalOpenWhisk;
  let ow: openwhisk.Client;

  beforeAll(async () => {
    const [scheduler] = await buildCompositions({ rootDir: REPO, outDir: join(work, 'dist'), only: ['scheduler'] });
    if (scheduler === undefined) throw new Error('the scheduler composition was not built');
    built = scheduler;
    const child = new ChildProcessInvoker({ clock: wallClock, workDir: work });
    const invoker = new RoutingInvoker([{ when: isConductorAction, invoker: child }], registry);
    server = await startLocalOpenWhisk({ auth: generateAuthKey(new SeededRng(51)), invoker, clock: wallClock, rng: new SeededRng(52) });
    ow = openwhisk({ apihost: server.apiHost, api_key: server.apiKey });
    await ow.packages.create({ name: 'aquatope' });
    for (const step of STEPS) await ow.actions.create({ name: `aquatope/${step}`, action: 'function main() {}', kind: 'nodejs:20' });
    // As composer's deploy creates it: the zip, composer's annotations (conductor: the AST, provide-api-key), a time limit above the forecaster's.
    await ow.actions.create({
      name: 'aquatope/scheduler',
      action: {
        exec: { kind: 'nodejs:20', code: readFileSync(built.zipPath).toString('base64'), binary: true },
        annotations: built.annotations,
        limits: { timeout: 180_000, memory: 256 },
      },
    });
  }, 120_000);
  beforeEach(() => {
    calls.length = 0;
    answer = () => undefined;
  });
  afterAll(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('is built with the annotations composer gives a conductor, and its JSON beside the zip', () => {
    expect(built.name).toBe('scheduler');
    expect(built.zipPath).toBe(join(work, 'dist', 'actions', 'scheduler.zip'));
    expect(built.entries).toEqual(['index.js', 'package.json']);
    const keys = Object.fromEntries(built.annotations.map((a) => [a.key, a.value]));
    expect(keys['provide-api-key']).toBe(true);
    expect(keys['composerVersion']).toBe('0.12.0');
    expect(isRecord(keys['conductor'])).toBe(true);
    const json: unknown = JSON.parse(readFileSync(built.compositionPath, 'utf8'));
    expect(isRecord(json) ? Object.keys(json) : []).toEqual(['composition', 'ast', 'version']);
  });

  it('runs collector, forecaster and pool-sizer in order, each with fireTime and the config, and answers the summary', async () => {
    const record = await ow.actions.invoke({ name: 'aquatope/scheduler', blocking: true, params: { fireTime: FIRE, ...CONFIG } });
    expect(calls.map((c) => c.step)).toEqual(['collector', 'forecaster', 'pool-sizer']);
    for (const c of calls) expect(c.params).toEqual({ fireTime: FIRE, ...CONFIG });
    expect(record.response).toEqual({
      status: 'success',
      statusCode: 0,
      success: true,
      result: {
        fireTime: FIRE,
        fireTimeSource: 'param',
        forecastShards: 1,
        collector: { step: 'collector', shard: null, fireTime: FIRE },
        forecaster: { step: 'forecaster', shard: null, fireTime: FIRE },
        poolSizer: { step: 'pool-sizer', shard: null, fireTime: FIRE },
      },
    });
    // Conductor, collector, conductor, forecaster, conductor, pool-sizer, conductor.
    expect(record.logs).toHaveLength(7);
    const derived = await Promise.all(record.logs.map((id) => ow.activations.get({ name: String(id) })));
    expect(derived.map((d) => d.name)).toEqual(['scheduler', 'collector', 'scheduler', 'forecaster', 'scheduler', 'pool-sizer', 'scheduler']);
    for (const d of derived) {
      expect(d).toMatchObject({ cause: record.activationId });
      expect(annotationsOf(d)['causedBy']).toBe('sequence');
    }
    expect(annotationsOf(record)).toMatchObject({ conductor: true, kind: 'sequence', topmost: true, path: 'guest/aquatope/scheduler' });
  }, 30_000);

  it.each(STEPS.map((step, i) => [step, STEPS.slice(0, i + 1)] as const))(
    'stops at a failing %s with its { error }, as an application error, without running the later steps',
    async (failing, ran) => {
      const error = { code: `${failing}-failed`, message: `${failing}: the store is unreachable` };
      answer = (step) => (step === failing ? { error, partial: 'dropped' } : undefined);
      const record = await failedRecord(ow.actions.invoke({ name: 'aquatope/scheduler', blocking: true, params: { fireTime: FIRE, ...CONFIG } }));
      expect(record['response']).toEqual({ status: 'application error', statusCode: 1, success: false, result: { error } });
      expect(calls.map((c) => c.step)).toEqual([...ran]);
      expect(Array.isArray(record['logs']) ? record['logs'].length : 0).toBe(2 * ran.length + 1);
    },
    30_000,
  );

  it.each([
    ['forecastShards 0', { forecastShards: 0 }, 'forecastShards: expected an integer from 1 to 64, found 0'],
    ['forecastShards 1.5', { forecastShards: 1.5 }, 'forecastShards: expected an integer from 1 to 64, found 1.5'],
    ['forecastShards "2"', { forecastShards: '2' }, 'forecastShards: expected an integer from 1 to 64, found "2"'],
    ['forecastShards 65', { forecastShards: 65 }, 'forecastShards: expected an integer from 1 to 64, found 65'],
    ['fireTime "yesterday"', { fireTime: 'yesterday' }, 'fireTime: expected an ISO 8601 time, found "yesterday"'],
    ['fireTime 42', { fireTime: 42 }, 'fireTime: expected an ISO 8601 time, found 42'],
  ])('refuses %s with a named invalid-param error before any step runs', async (_what, bad, message) => {
    const record = await failedRecord(ow.actions.invoke({ name: 'aquatope/scheduler', blocking: true, params: { fireTime: FIRE, ...CONFIG, ...bad } }));
    expect(record['response']).toMatchObject({ status: 'application error', result: { error: { code: 'invalid-param', message } } });
    expect(calls).toEqual([]);
  }, 30_000);

  it('without fireTime (a real alarm), fixes the current minute once, and every step gets the same one', async () => {
    const before = Date.now();
    const result: unknown = await ow.actions.invoke({ name: 'aquatope/scheduler', blocking: true, result: true, params: CONFIG });
    const fireTime = isRecord(result) ? result['fireTime'] : undefined;
    expect(typeof fireTime === 'string' ? fireTime : '').toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
    const ms = Date.parse(String(fireTime));
    expect(ms).toBeGreaterThan(before - 60_000);
    expect(ms).toBeLessThanOrEqual(Date.now());
    expect(result).toMatchObject({ fireTimeSource: 'clock' });
    expect(calls.map((c) => c.params['fireTime'])).toEqual([fireTime, fireTime, fireTime]);
  }, 30_000);

  it('fans the forecaster out over forecastShards parallel activations, each with its shard, and waits for all before pool-sizer', async () => {
    // Shard 0 is the slowest: the step must poll until it has ended.
    answer = async (step, params) => {
      const shard = params['shard'];
      if (step === 'forecaster' && isRecord(shard)) await sleep(shard['index'] === 0 ? 400 : 50);
      return undefined;
    };
    const record = await ow.actions.invoke({ name: 'aquatope/scheduler', blocking: true, params: { fireTime: FIRE, ...CONFIG, forecastShards: 3 } });
    const forecasts = calls.filter((c) => c.step === 'forecaster');
    expect(forecasts.map((c) => c.params).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      [0, 1, 2].map((index) => ({ fireTime: FIRE, ...CONFIG, shard: { index, count: 3 } })),
    );
    const poolSizer = calls.find((c) => c.step === 'pool-sizer');
    expect(poolSizer?.params).toEqual({ fireTime: FIRE, ...CONFIG });
    expect(Math.max(...forecasts.map((c) => c.endedAt))).toBeLessThanOrEqual(poolSizer?.endedAt ?? 0);
    const result = record.response?.result;
    expect(result).toMatchObject({ forecastShards: 3, collector: { step: 'collector' }, poolSizer: { step: 'pool-sizer' } });
    const forecaster = isRecord(result) ? result['forecaster'] : undefined;
    expect(forecaster).toMatchObject({
      shardCount: 3,
      shards: [0, 1, 2].map((index) => ({ index, result: { step: 'forecaster', shard: { index, count: 3 }, fireTime: FIRE } })),
    });
    // The shards ran as their own activations (invoked by the conductor through the API): their ids are in the summary.
    const shards = isRecord(forecaster) && Array.isArray(forecaster['shards']) ? forecaster['shards'] : [];
    for (const s of shards) {
      const id = isRecord(s) ? String(s['activationId']) : '';
      expect(await ow.activations.get({ name: id })).toMatchObject({ name: 'forecaster', response: { success: true } });
    }
    // Conductor, collector, conductor (the fan-out inside it), pool-sizer, conductor.
    expect(record.logs).toHaveLength(5);
  }, 30_000);

  it("stops with a failing shard's { error }, without running pool-sizer", async () => {
    const error = { code: 'model-missing', message: 'forecaster: no model at models/default' };
    answer = (step, params) => (step === 'forecaster' && isRecord(params['shard']) && params['shard']['index'] === 1 ? { error } : undefined);
    const record = await failedRecord(ow.actions.invoke({ name: 'aquatope/scheduler', blocking: true, params: { fireTime: FIRE, ...CONFIG, forecastShards: 2 } }));
    expect(record['response']).toEqual({ status: 'application error', statusCode: 1, success: false, result: { error } });
    expect(calls.map((c) => c.step).sort()).toEqual(['collector', 'forecaster', 'forecaster']);
  }, 30_000);

  it('answers a non-blocking invocation at once with the id of the record that appears when the chain ends', async () => {
    const accepted = await ow.actions.invoke({ name: 'aquatope/scheduler', params: { fireTime: FIRE, ...CONFIG } });
    await server.settled();
    expect(await ow.activations.get({ name: accepted.activationId })).toMatchObject({ name: 'scheduler', response: { success: true, result: { fireTime: FIRE } } });
    expect(calls.map((c) => c.step)).toEqual(['collector', 'forecaster', 'pool-sizer']);
  }, 30_000);

  it('runs when its alarm trigger fires through a rule, with the payload as params', async () => {
    await ow.triggers.create({ name: 'scheduler-tick' });
    await ow.rules.create({ name: 'scheduler-on-tick', trigger: 'scheduler-tick', action: 'aquatope/scheduler' });
    const fired = await ow.triggers.invoke({ name: 'scheduler-tick', params: { fireTime: FIRE, ...CONFIG } });
    await server.settled();
    const runs: unknown[] = await ow.activations.list({ name: 'aquatope/scheduler', docs: true, limit: 50 });
    const primary = runs.find((r) => isRecord(r) && r['cause'] === fired.activationId);
    expect(primary).toMatchObject({ response: { success: true, result: { fireTime: FIRE, poolSizer: { step: 'pool-sizer' } } } });
    expect(annotationsOf(primary)).toMatchObject({ conductor: true, causedBy: 'trigger', topmost: true });
    await ow.rules.delete({ name: 'scheduler-on-tick' });
    await ow.triggers.delete({ name: 'scheduler-tick' });
  }, 30_000);
});

describe('compiling compositions', () => {
  const root = mkdtempSync(join(tmpdir(), 'aquatope-compose-bad-'));
  beforeAll(() => {
    // openwhisk-composer resolves from the repository's node_modules through a link.
    writeFileSync(join(root, 'package.json'), '{}');
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function write(path: string, text: string): void {
    mkdirSync(join(root, ...path.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(root, path), text);
  }

  it('finds compositions/<name>.js, sorted, and none without the folder', () => {
    expect(findCompositionSources(REPO).map((c) => c.name)).toContain('scheduler');
    expect(findCompositionSources(join(root, 'absent'))).toEqual([]);
  });

  it('generates conductor code that runs with a require answering openwhisk from the bundle', () => {
    const [source] = findCompositionSources(REPO).filter((c) => c.name === 'scheduler');
    if (source === undefined) throw new Error('no scheduler composition');
    const compiled = compileComposition(REPO, source);
    const entry = conductorEntrySource(compiled);
    expect(entry).toContain("const bundled = { openwhisk: require('openwhisk') };");
    expect(entry).toContain(compiled.conductorCode);
    expect(compiled.json.version).toBe('0.12.0');
  });

  it.each([
    ['a bad file name', 'compositions/Bad_Name.js', 'module.exports = null', /compositions\/Bad_Name\.js: a composition file name must be kebab-case/],
    ['a module that is not a composition', 'compositions/not-one.js', 'module.exports = 42', /compositions\/not-one\.js: Invalid argument "composition" in "parse" combinator/],
    ['a module that throws', 'compositions/throws.js', "throw new Error('nope')", /compositions\/throws\.js: nope/],
    [
      'embedded action definitions',
      'compositions/embeds.js',
      "module.exports = require('openwhisk-composer').action('a', { action: function () { return {} } })",
      /compositions\/embeds\.js: embeds action definitions/,
    ],
  ])('refuses %s, naming the file', async (_what, path, text, message) => {
    rmSync(join(root, 'compositions'), { recursive: true, force: true });
    write(path, text);
    await expect(buildCompositions({ rootDir: root, outDir: join(root, 'out') })).rejects.toThrow(BuildError);
    await expect(buildCompositions({ rootDir: root, outDir: join(root, 'out') })).rejects.toThrow(message);
  });

  it('refuses a composition named like an action folder, and an unknown name in only', async () => {
    rmSync(join(root, 'compositions'), { recursive: true, force: true });
    write('compositions/twin.js', `module.exports = require('openwhisk-composer').sequence('a', 'b')`);
    write('actions/twin/index.ts', 'export function main() { return {}; }');
    await expect(buildCompositions({ rootDir: root, outDir: join(root, 'out') })).rejects.toThrow(/compositions\/twin\.js: its conductor action would have the name of actions\/twin/);
    await expect(buildCompositions({ rootDir: root, outDir: join(root, 'out'), only: ['nope'] })).rejects.toThrow(/unknown composition "nope" \(found: twin\)/);
  });
});
