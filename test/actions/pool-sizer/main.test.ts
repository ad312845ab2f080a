import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import openwhisk from 'openwhisk';
import { main as collector } from '../../../actions/collector';
import { main as forecaster } from '../../../actions/forecaster';
import { main } from '../../../actions/pool-sizer';
import { SeededRng } from '../../../src/core/rng';
import { generateAuthKey } from '../../../src/local-openwhisk/ids';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../../../src/local-openwhisk/local-openwhisk-server';
import { RegistryInvoker } from '../../../src/local-openwhisk/registry-invoker';
import { wrapManagedAction } from '../../../src/platform/managed-action';
import { startEmbeddedCouchDb, type EmbeddedCouchDb } from '../../../src/store/embedded-couchdb';
import { storedForecastLevels } from '../../../src/scheduler/forecast-tick';
import { openStore } from '../../../src/store/store';
import { ManualClock } from '../../support/manual-clock';
import { storeParamCases } from '../../support/store-param-cases';

const good = { fireTime: '2024-05-01T10:01:00Z', couchdbUrl: 'http://127.0.0.1:1' };

describe('pool-sizer main', () => {
  it.each([
    ['fireTime', { ...good, fireTime: 'soon' }, 'fireTime: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found "soon"'],
    ['fireTime', { ...good, fireTime: '2024-05-01' }, 'fireTime: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found "2024-05-01"'],
    ['riskLevel', { ...good, riskLevel: 0 }, 'param riskLevel: expected a number strictly between 0 and 1, found 0'],
    ['riskLevel', { ...good, riskLevel: 1 }, 'param riskLevel: expected a number strictly between 0 and 1, found 1'],
    ['riskLevel', { ...good, riskLevel: 'safe' }, 'param riskLevel: expected a number strictly between 0 and 1, found "safe"'],
    ['headroomRiskLevel', { ...good, headroomRiskLevel: 1.5 }, 'param headroomRiskLevel: expected a number strictly between 0 and 1, found 1.5'],
    ['coldStartWorthGBs', { ...good, coldStartWorthGBs: 0 }, 'param coldStartWorthGBs: expected a finite number of GB-s > 0, found 0'],
    ['coldStartWorthGBs', { ...good, coldStartWorthGBs: 'a lot' }, 'param coldStartWorthGBs: expected a finite number of GB-s > 0, found "a lot"'],
    ['platformKeepAliveMinutes', { ...good, platformKeepAliveMinutes: 0 }, 'param platformKeepAliveMinutes: expected an integer >= 1 (minutes), found 0'],
    ['defaultMemoryMB', { ...good, defaultMemoryMB: -1 }, 'param defaultMemoryMB: expected an integer >= 1 (MB), found -1'],
    ['clusterMemoryMB', { ...good, clusterMemoryMB: 'lots' }, 'param clusterMemoryMB: expected an integer >= 1 (MB), found "lots"'],
    ['leaseMs', { ...good, leaseMs: 0 }, 'param leaseMs: expected a positive integer (ms), found 0'],
    ['couchdbUrl', { ...good, couchdbUrl: 'ftp://admin:secret@db' }, 'param couchdbUrl: expected an http:// or https:// CouchDB URL, found "ftp://admin:***@db"'],
    ['dbPrefix', { ...good, dbPrefix: 'Aquatope' }, 'param dbPrefix: expected a database prefix of a-z, 0-9, _ and -, starting with a letter, found "Aquatope"'],
    ['prewarmMode', { ...good, prewarmMode: 'stemcells' }, 'param prewarmMode: expected one of warmup, runtime-manifest, found "stemcells"'],
    [
      'prewarmMode',
      { ...good, prewarmMode: 'runtime-manifest' },
      'param prewarmMode: expected an admin URL (param prewarmAdminUrl or env AQUATOPE_PREWARM_ADMIN_URL) in mode runtime-manifest, found "runtime-manifest" with no admin URL',
    ],
    [
      'prewarmAdminUrl',
      { ...good, prewarmMode: 'runtime-manifest', prewarmAdminUrl: 'https://admin:pw@ctl' },
      'param prewarmAdminUrl: expected an http:// or https:// admin URL without credentials (set those in prewarmAdminAuth), found "https://admin:***@ctl"',
    ],
    ['prewarmAdminAuth', { ...good, prewarmAdminAuth: 'whisk_admin' }, 'param prewarmAdminAuth: expected admin credentials user:password, found "***"'],
    ['prewarmAdminTimeoutMs', { ...good, prewarmAdminTimeoutMs: -5 }, 'param prewarmAdminTimeoutMs: expected a positive integer (ms), found -5'],
    ['prewarmDefaultKind', { ...good, prewarmDefaultKind: ':20' }, 'param prewarmDefaultKind: expected a runtime kind such as nodejs:20, found ":20"'],
    [
      'prewarmBaseManifest',
      { ...good, prewarmBaseManifest: { runtimes: { nodejs: [{ image: 'x' }] } } },
      'param prewarmBaseManifest: expected a runtime manifest { "runtimes": { <family>: [ { "kind", "stemCells"?, ... } ] } } (a JSON object or its text); manifest.runtimes.nodejs[0].kind: expected a runtime kind such as "nodejs:20", found nothing, found {"runtimes":{"nodejs":[{"image":"x"}]}}',
    ],
  ])('a bad %s answers invalid-param naming it: %j', async (_param, params, message) => {
    expect(await main(params)).toEqual({ error: { code: 'invalid-param', message } });
  });

  storeParamCases(main, { fireTime: good.fireTime }, good);
});

describe('the scheduler chain on the embedded CouchDB and the local OpenWhisk: collector -> forecaster -> pool-sizer', () => {
  const T0 = Date.parse('2024-05-01T09:00:00Z');
  const MIN = 60_000;
  const clock = new ManualClock(T0);
  let couch: EmbeddedCouchDb;
  let server: LocalOpenWhisk;
  let ow: ReturnType<typeof openwhisk>;
  let mainRuns = 0;

  beforeAll(async () => {
    couch = await startEmbeddedCouchDb({ storage: { kind: 'memory' } });
    const invoker = new RegistryInvoker(clock, {
      resize: {
        run: wrapManagedAction(() => {
          mainRuns++;
          return { resized: true };
        }),
        durationMs: 3000,
      },
    });
    server = await startLocalOpenWhisk({ auth: generateAuthKey(new SeededRng(1)), invoker, clock, rng: new SeededRng(2) });
    ow = openwhisk({ apihost: server.apiHost, api_key: server.apiKey });
    await ow.actions.create({ name: 'resize', action: 'exports.main = () => ({})', kind: 'nodejs:20', limits: { memory: 512 } });
  }, 60_000);

  afterAll(async () => {
    await server.stop();
    await couch.stop();
  });

  it('collects 49 minutes of traffic, forecasts it with the committed model, stores the pool decision and prewarms the deficit by warm-up invocations', async () => {
    // 12 invocations a minute, 5 s apart, 3 s each, for 49 minutes.
    for (let m = 0; m < 49; m++) {
      for (let k = 0; k < 12; k++) {
        clock.now = T0 + m * MIN + k * 5000 + 100;
        await ow.actions.invoke({ name: 'resize', blocking: true });
      }
    }
    await server.settled();
    expect(mainRuns).toBe(588);
    const fireTime = new Date(T0 + 49 * MIN).toISOString();
    clock.now = T0 + 49 * MIN + 500;
    const bound = { couchdbUrl: couch.url, dbPrefix: 'chain_', apiHost: server.apiHost, apiKey: server.apiKey };

    // As a sequence runs them: each action gets the bound params and the previous action's answer.
    const collected = await collector({ ...bound, fireTime, collectorFirstMinutes: 49 });
    expect(collected).toMatchObject({ fireTime, range: { from: new Date(T0).toISOString(), to: fireTime }, activations: { counted: 588 } });
    const forecast = await forecaster({ ...bound, ...collected });
    expect(forecast).toMatchObject({ fireTime, firstMinute: fireTime, model: 'aquatope', windowMinutes: 49, functions: 1, forecast: 1, stored: 'created' });
    const sized = await main({ ...bound, ...forecast });
    expect(sized).toMatchObject({ fireTime, minute: fireTime, riskLevel: 0.95, forecastFunctions: 1, decision: 'created', tick: 'completed', forecast: { firstMinute: fireTime, ageMinutes: 0, level: 0.95 } });
    if ('error' in sized || 'skipped' in sized) throw new Error(JSON.stringify(sized));

    const store = await openStore({ url: couch.url, dbPrefix: 'chain_' });
    const decision = await store.poolDecisions.get(fireTime);
    const target = decision?.functions.find((f) => f.function === '/guest/resize');
    // One container was busy at a time (peak concurrency 1); the target at the 0.95-quantile of ~12 a minute of 3 s runs needs more.
    expect(target).toMatchObject({ memoryMB: 512 });
    expect(target?.warmContainers).toBeGreaterThan(1);
    expect(target?.prewarm).toBe((target?.warmContainers ?? 0) - 1);
    expect(sized.prewarms).toEqual([{ function: '/guest/resize', containers: target?.prewarm, warmed: target?.prewarm, failures: [], outcome: 'applied' }]);
    // The warm-ups reached the action and never ran its code.
    expect(mainRuns).toBe(588);
    const warmups = (await ow.activations.list({ name: 'resize', docs: true, limit: 50, since: T0 + 49 * MIN })).filter((a) => {
      const response: unknown = 'response' in a ? a.response : undefined;
      const result: unknown = typeof response === 'object' && response !== null && 'result' in response ? response.result : undefined;
      return typeof result === 'object' && result !== null && 'warmed' in result;
    });
    expect(warmups).toHaveLength(target?.prewarm ?? -1);
    expect((await store.appliedActions.historyOf('/guest/resize')).map((a) => a.change)).toEqual([
      { kind: 'prewarm', containers: target?.prewarm, keepAliveMinutes: 10, warmed: target?.prewarm },
    ]);
    // A repeated alarm applies nothing again.
    expect(await main({ ...bound, fireTime })).toEqual({ fireTime, skipped: 'already-done', fireTimeSource: 'param' });
    expect((await ow.activations.list({ name: 'resize', limit: 50, since: T0 + 49 * MIN })).length).toBe(target?.prewarm);

    // The next minute in mode runtime-manifest: the stem cells of the action's kind (read from OpenWhisk) and memory go to the admin endpoint.
    const posts: { authorization: string | undefined; body: string }[] = [];
    const manifest = { runtimes: { nodejs: [{ kind: 'nodejs:20', default: true, image: { name: 'action-nodejs-v20' }, stemCells: [{ initialCount: 2, memory: '256 MB' }] }], python: [{ kind: 'python:3', image: { name: 'py' } }] } };
    const admin = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        if (req.method === 'GET') res.end(JSON.stringify(manifest));
        else {
          posts.push({ authorization: req.headers.authorization, body });
          res.end('ok');
        }
      });
    });
    await new Promise<void>((resolve) => admin.listen(0, '127.0.0.1', resolve));
    try {
      const address: AddressInfo | string | null = admin.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const next = new Date(T0 + 50 * MIN).toISOString();
      clock.now = T0 + 50 * MIN + 500;
      const viaManifest = await main({ ...bound, fireTime: next, prewarmMode: 'runtime-manifest', prewarmAdminUrl: `http://127.0.0.1:${address.port}`, prewarmAdminAuth: 'whisk_admin:pw' });
      if ('error' in viaManifest || 'skipped' in viaManifest) throw new Error(JSON.stringify(viaManifest));
      const nextTarget = (await store.poolDecisions.get(next))?.functions.find((f) => f.function === '/guest/resize');
      const cells = [{ kind: 'nodejs:20', memoryMB: 512, count: nextTarget?.prewarm }];
      expect(viaManifest).toMatchObject({ prewarms: [], stemCells: { cells, skipped: [], outcome: 'applied' } });
      expect(posts.map((p) => p.authorization)).toEqual([`Basic ${Buffer.from('whisk_admin:pw').toString('base64')}`]);
      const posted: unknown = JSON.parse(posts[0].body);
      // Every runtime is kept; only the nodejs:20 512 MB stem cells are set.
      expect(posted).toMatchObject({ runtimes: { nodejs: [{ kind: 'nodejs:20', stemCells: [{ initialCount: 2, memory: '256 MB' }, ...((nextTarget?.prewarm ?? 0) > 0 ? [{ initialCount: nextTarget?.prewarm, memory: '512 MB' }] : [])] }], python: [{ kind: 'python:3' }] } });
      expect((await store.appliedActions.get('runtime-manifest', next, 'stem-cells'))?.change).toEqual({ kind: 'stem-cells', cells, skipped: [] });
    } finally {
      await new Promise<void>((resolve) => admin.close(() => resolve()));
    }

    // The same minute on databases of its own, with a cold-start worth bound on the forecaster and the pool sizer.
    const worthBound = { ...bound, dbPrefix: 'chainworth_', coldStartWorthGBs: 260 };
    const worthCollected = await collector({ ...worthBound, fireTime, collectorFirstMinutes: 49 });
    const worthForecast = await forecaster({ ...worthBound, ...worthCollected });
    expect(worthForecast).toMatchObject({ fireTime, forecast: 1, stored: 'created' });
    const worthStore = await openStore({ url: couch.url, dbPrefix: 'chainworth_' });
    // The forecaster stored the levels the worth rule reads.
    expect((await worthStore.forecasts.shardsAt(fireTime)).map((f) => f.levels)).toEqual([storedForecastLevels(0.95, 260)]);
    const worthSized = await main({ ...worthBound, ...worthForecast });
    expect(worthSized).toMatchObject({ fireTime, riskLevel: 0.5, coldStartWorthGBs: 260, forecastFunctions: 1, decision: 'created', forecast: { level: null } });
    const worthDecision = await worthStore.poolDecisions.get(fireTime);
    expect(worthDecision).toMatchObject({ riskLevel: 0.5, coldStartWorthGBs: 260 });
    const worthTarget = worthDecision?.functions.find((f) => f.function === '/guest/resize');
    // 512 MB idle for a minute is 30 GB-s: theta 30 / 260, level 0.885, read at the stored 0.9.
    expect((await worthStore.appliedActions.historyOf('/guest/resize')).map((a) => a.reason)).toEqual([
      `pool-sizer worth 260 GB-s (q0.9 at 512 MB): ${worthTarget?.warmContainers} warm wanted, 1 estimated warm`,
    ]);
  }, 120_000);
});
