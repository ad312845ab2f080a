import openwhisk from 'openwhisk';
import { main } from '../../../actions/collector';
import { SeededRng } from '../../../src/core/rng';
import { generateAuthKey } from '../../../src/local-openwhisk/ids';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../../../src/local-openwhisk/local-openwhisk-server';
import { RegistryInvoker } from '../../../src/local-openwhisk/registry-invoker';
import { WARMUP_PARAM, wrapManagedAction } from '../../../src/platform/managed-action';
import { startEmbeddedCouchDb, type EmbeddedCouchDb } from '../../../src/store/embedded-couchdb';
import { openStore } from '../../../src/store/store';
import { ManualClock } from '../../support/manual-clock';
import { storeParamCases } from '../../support/store-param-cases';

const good = { fireTime: '2024-05-01T10:01:00Z', couchdbUrl: 'http://127.0.0.1:1' };

describe('collector main', () => {
  it.each([
    ['fireTime', { ...good, fireTime: 'soon' }, 'fireTime: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found "soon"'],
    ['fireTime', { ...good, fireTime: 1714557900000 }, 'fireTime: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found 1714557900000'],
    ['fireTime', { ...good, fireTime: '2024-05-01T10:05:00' }, 'fireTime: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found "2024-05-01T10:05:00"'],
    ['workflows', { ...good, workflows: 'ml' }, 'workflows: expected an object of workflow name -> fully qualified action name (/namespace/[package/]name), found "ml"'],
    ['workflows.ml', { ...good, workflows: { ml: 'pipeline' } }, 'workflows.ml: expected a fully qualified action name /namespace/[package/]name, found "pipeline"'],
    ['workflows.ml', { ...good, workflows: { ml: 42 } }, 'workflows.ml: expected a fully qualified action name /namespace/[package/]name, found 42'],
    ['workflows.ml', { ...good, workflows: { ml: '/guest/a/b/c' } }, 'workflows.ml: expected a fully qualified action name /namespace/[package/]name, found "/guest/a/b/c"'],
    ['collectorFirstMinutes', { ...good, collectorFirstMinutes: 0 }, 'param collectorFirstMinutes: expected an integer >= 1 (minutes), found 0'],
    ['collectorLookbackMinutes', { ...good, collectorLookbackMinutes: -1 }, 'param collectorLookbackMinutes: expected an integer >= 0 (minutes), found -1'],
    ['collectorMaxMinutes', { ...good, collectorMaxMinutes: 'all' }, 'param collectorMaxMinutes: expected an integer >= 1 (minutes), found "all"'],
    ['managerPackage', { ...good, managerPackage: '/guest/aquatope' }, 'param managerPackage: expected an OpenWhisk package name, found "/guest/aquatope"'],
    ['leaseMs', { ...good, leaseMs: -5 }, 'param leaseMs: expected a positive integer (ms), found -5'],
    ['couchdbUrl', { ...good, couchdbUrl: 'ftp://admin:secret@db' }, 'param couchdbUrl: expected an http:// or https:// CouchDB URL, found "ftp://admin:***@db"'],
    ['dbPrefix', { ...good, dbPrefix: 'Aquatope' }, 'param dbPrefix: expected a database prefix of a-z, 0-9, _ and -, starting with a letter, found "Aquatope"'],
    ['apiKey', { ...good, apiKey: 'nocolon' }, 'param apiKey: expected an API key uuid:secret, found "***"'],
  ])('a bad %s answers invalid-param naming it: %j', async (_param, params, message) => {
    expect(await main(params)).toEqual({ error: { code: 'invalid-param', message } });
  });

  storeParamCases(main, { fireTime: good.fireTime }, good);
});

describe('collector main on the embedded CouchDB and the local OpenWhisk', () => {
  const T0 = Date.parse('2024-05-01T10:00:00Z');
  const clock = new ManualClock(T0);
  let couch: EmbeddedCouchDb;
  let server: LocalOpenWhisk;
  let ow: ReturnType<typeof openwhisk>;

  beforeAll(async () => {
    couch = await startEmbeddedCouchDb({ storage: { kind: 'memory' } });
    const invoker = new RegistryInvoker(clock, {
      resize: { run: wrapManagedAction(() => ({ resized: true })), durationMs: 200, coldInitMs: 50 },
      pipeline: { run: () => ({ done: true }), durationMs: 1500 },
      'aquatope/helper': { run: () => ({}), durationMs: 10 },
    });
    server = await startLocalOpenWhisk({ auth: generateAuthKey(new SeededRng(1)), invoker, clock, rng: new SeededRng(2) });
    ow = openwhisk({ apihost: server.apiHost, api_key: server.apiKey });
    await ow.actions.create({ name: 'resize', action: 'exports.main = () => ({})', kind: 'nodejs:20', limits: { memory: 512 } });
    await ow.actions.create({ name: 'pipeline', action: 'exports.main = () => ({})', kind: 'nodejs:20' });
    await ow.packages.create({ name: 'aquatope' });
    await ow.actions.create({ name: 'aquatope/helper', action: 'exports.main = () => ({})', kind: 'nodejs:20' });
  }, 60_000);

  afterAll(async () => {
    await server.stop();
    await couch.stop();
  });

  async function invokeAt(iso: string, name: string, params: Record<string, unknown> = {}): Promise<void> {
    clock.now = Date.parse(iso);
    await ow.actions.invoke({ name, params, blocking: true });
  }

  it('collects the minute\'s activations through the openwhisk client into the series, leaving out warm-ups and the manager\'s own actions', async () => {
    await invokeAt('2024-05-01T10:00:05Z', 'resize');
    await invokeAt('2024-05-01T10:00:10Z', 'resize');
    await invokeAt('2024-05-01T10:00:20Z', 'resize', { [WARMUP_PARAM]: true });
    await invokeAt('2024-05-01T10:00:30Z', 'aquatope/helper');
    await invokeAt('2024-05-01T10:00:40Z', 'pipeline');
    await server.settled();
    clock.now = Date.parse('2024-05-01T10:01:02Z');
    const params = {
      fireTime: '2024-05-01T10:01:00Z', couchdbUrl: couch.url, dbPrefix: 'collector_main_', apiHost: server.apiHost, apiKey: server.apiKey,
      workflows: { pipe: '/guest/pipeline' }, collectorFirstMinutes: 1,
    };
    const result = await main(params);
    expect(result).toMatchObject({
      fireTime: '2024-05-01T10:01:00.000Z', fireTimeSource: 'param', start: 'first-tick',
      range: { from: '2024-05-01T10:00:00.000Z', to: '2024-05-01T10:01:00.000Z' },
      activations: { listed: 5, counted: 3, manager: 1, warmups: 1, triggers: 0, unfinished: 0 },
      tick: 'completed',
    });
    const store = await openStore({ url: couch.url, dbPrefix: 'collector_main_' });
    expect(await store.series.get('2024-05-01T10:00:00Z')).toEqual({
      minute: '2024-05-01T10:00:00.000Z',
      functions: [
        // Its first run was cold (code init); its run time includes the init time, as OpenWhisk reports it.
        { function: '/guest/pipeline', invocations: 1, coldStarts: 1, peakConcurrency: 1, meanConcurrency: 1500 / 60_000, meanDurationMs: 1500, memoryMB: 256 },
        { function: '/guest/resize', invocations: 2, coldStarts: 1, peakConcurrency: 1, meanConcurrency: 450 / 60_000, meanDurationMs: 225, memoryMB: 512 },
      ],
      workflows: [{ workflow: 'pipe', invocations: 1, failures: 0, latenciesMs: [1500] }],
    });
    expect(await main(params)).toEqual({ fireTime: '2024-05-01T10:01:00.000Z', skipped: 'already-done', fireTimeSource: 'param' });
  }, 60_000);

  it('an unreachable OpenWhisk answers platform-error', async () => {
    const result = await main({ fireTime: '2024-05-01T10:02:00Z', couchdbUrl: couch.url, dbPrefix: 'collector_down_', apiHost: 'http://127.0.0.1:1', apiKey: 'u:k' });
    expect(result).toEqual({ error: { code: 'platform-error', message: expect.stringMatching(/^list the activations: list activations failed: /) } });
  }, 30_000);
});
