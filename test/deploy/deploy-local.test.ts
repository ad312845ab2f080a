/**
 * `deployManifest` / `undeployManifest` against the local OpenWhisk API with
 * the real `openwhisk` client, the real bundles of every action folder and
 * the compositions' conductors (built once into a temporary folder) and the
 * child-process invoker: the package, the actions with their limits and
 * annotations, the triggers and the rules exist after a deploy and are gone
 * after an undeploy; the deployed scheduler runs as a conductor action. The local server has no `/whisk.system/alarms`, so the
 * trigger is created without its feed and the deploy says so; a second server
 * whose namespace is `whisk.system` hosts a stand-in `alarms/alarm` feed
 * action, to check the feed is registered (CREATE) and removed (DELETE) as
 * `wsk` does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openwhisk from 'openwhisk';
import { SeededRng } from '../../src/core/rng';
import { buildAll } from '../../src/deploy/build-actions';
import { findActionSources } from '../../src/deploy/action-sources';
import { findCompositionSources } from '../../src/deploy/compose-conductor';
import { deployManifest, statusOf, undeployManifest, type DeployOptions } from '../../src/deploy/deploy';
import { DeployError } from '../../src/deploy/manifest-entities';
import { ChildProcessInvoker } from '../../src/local-openwhisk/child-process-invoker';
import { generateAuthKey } from '../../src/local-openwhisk/ids';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../../src/local-openwhisk/local-openwhisk-server';

const REPO = join(__dirname, '..', '..');
const MANIFEST = join(REPO, 'manifests', 'manifest.yaml');
const DEPLOYMENT = join(REPO, 'manifests', 'deployment.yaml');
const wallClock = { nowMs: () => Date.now() };
/** What the manifest deploys, in its order (the test of the manifest checks it against the action folders and compositions). */
const ACTIONS = ['aquatope/bo-step', 'aquatope/status', 'aquatope/collector', 'aquatope/forecaster', 'aquatope/pool-sizer', 'aquatope/scheduler'];
const TRIGGERS = ['bo-step-tick', 'scheduler-tick'];
const RULES = ['bo-step-on-tick', 'scheduler-on-tick'];
const ALARM = '/whisk.system/alarms/alarm';

/** Every action folder and composition, built once for both servers (one esbuild run for the actions). */
const built = mkdtempSync(join(tmpdir(), 'aquatope-deploy-build-'));
const bundleDir = join(built, 'dist', 'actions');
beforeAll(async () => {
  await buildAll({ rootDir: REPO, outDir: join(built, 'dist') });
}, 120_000);
afterAll(() => {
  rmSync(built, { recursive: true, force: true });
});

it('builds what the manifest deploys: every action folder and every composition', () => {
  const names = [...findActionSources(REPO), ...findCompositionSources(REPO)].map((s) => `aquatope/${s.name}`);
  expect(names.sort()).toEqual([...ACTIONS].sort());
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kvs(value: unknown): Record<string, unknown> {
  if (!Array.isArray(value)) return {};
  const out: Record<string, unknown> = {};
  for (const kv of value) if (isRecord(kv) && typeof kv['key'] === 'string') out[kv['key']] = kv['value'];
  return out;
}

async function statusOfCall(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return 200;
  } catch (err) {
    return statusOf(err);
  }
}

describe('deploy to the local OpenWhisk', () => {
  const work = mkdtempSync(join(tmpdir(), 'aquatope-deploy-'));
  let server: LocalOpenWhisk;
  let ow: openwhisk.Client;
  const lines: string[] = [];
  const warnings: string[] = [];
  const options = (extra: Partial<DeployOptions> = {}): DeployOptions => ({
    manifestPath: MANIFEST,
    deploymentPath: DEPLOYMENT,
    env: { COUCHDB_URL: 'http://127.0.0.1:1', AQUATOPE_WORKFLOW: 'ml-inference', __OW_API_HOST: server.apiHost, __OW_API_KEY: server.apiKey },
    bundleDir,
    log: (line) => lines.push(line),
    warn: (line) => warnings.push(line),
    ...extra,
  });

  beforeAll(async () => {
    const invoker = new ChildProcessInvoker({ clock: wallClock, workDir: work });
    server = await startLocalOpenWhisk({ auth: generateAuthKey(new SeededRng(21)), invoker, clock: wallClock, rng: new SeededRng(22) });
    ow = openwhisk({ apihost: server.apiHost, api_key: server.apiKey });
  }, 120_000);
  afterAll(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('with --require-feeds, fails before deploying anything when the alarms provider is missing', async () => {
    await expect(deployManifest(options({ feeds: 'require' }))).rejects.toThrow(new RegExp(`feed provider missing on ${server.apiHost}: /whisk.system/alarms/alarm \\(GET /whisk.system/alarms/alarm answered 403\\)`));
    expect(await ow.actions.list()).toEqual([]);
    expect(await ow.packages.list()).toEqual([]);
  });

  it('deploys the package, the actions with their limits, the triggers (without their missing feed, with a warning) and the rules', async () => {
    const report = await deployManifest(options());
    expect(report).toMatchObject({
      apiHost: server.apiHost,
      namespace: 'guest',
      packages: ['aquatope'],
      actions: ACTIONS,
      triggers: TRIGGERS,
      rules: RULES,
      feeds: TRIGGERS.map((trigger) => ({ trigger, feed: ALARM, status: 'missing-provider' })),
    });
    for (const trigger of TRIGGERS) expect(warnings.join('\n')).toContain(`trigger ${trigger}: created without its feed ${ALARM}: its provider is missing`);
    expect(lines.join('\n')).toMatch(/Success: Deployment completed successfully/);

    const pkg = await ow.packages.get({ name: 'aquatope' });
    expect(pkg.actions?.map((a) => a.name).sort()).toEqual(ACTIONS.map((a) => a.split('/')[1]).sort());
    const action = await ow.actions.get({ name: 'aquatope/bo-step' });
    expect(action.limits).toMatchObject({ memory: 256, timeout: 60000 });
    expect(action.exec).toMatchObject({ kind: 'nodejs:20', binary: true });
    expect(kvs(action.parameters)).toEqual({ couchdbUrl: 'http://127.0.0.1:1' });
    const trigger = await ow.triggers.get({ name: 'bo-step-tick' });
    expect(kvs(trigger.parameters)).toEqual({ cron: '*/5 * * * *', trigger_payload: { workflow: 'ml-inference' } });
    expect(kvs(trigger.annotations)['feed']).toBeUndefined();
    const rule = await ow.rules.get({ name: 'bo-step-on-tick' });
    expect(rule).toMatchObject({ status: 'active', trigger: { path: 'guest', name: 'bo-step-tick' }, action: { path: 'guest/aquatope', name: 'bo-step' } });

    const forecaster = await ow.actions.get({ name: 'aquatope/forecaster' });
    expect(forecaster.limits).toMatchObject({ memory: 512, timeout: 60000 });
    for (const name of ['collector', 'pool-sizer']) {
      const action = await ow.actions.get({ name: `aquatope/${name}` });
      expect(action.limits).toMatchObject({ memory: 256, timeout: 60000 });
      expect(kvs(action.annotations)['provide-api-key']).toBe(true);
    }
    const scheduler = await ow.actions.get({ name: 'aquatope/scheduler' });
    expect(scheduler.exec).toMatchObject({ kind: 'nodejs:20', binary: true });
    expect(scheduler.limits).toMatchObject({ memory: 256, timeout: 180000 });
    expect(kvs(scheduler.annotations)).toMatchObject({ conductor: true, 'provide-api-key': true });
    expect(kvs(scheduler.parameters)).toEqual({});
    expect(kvs((await ow.triggers.get({ name: 'scheduler-tick' })).parameters)).toEqual({ cron: '* * * * *' });
    expect(await ow.rules.get({ name: 'scheduler-on-tick' })).toMatchObject({ status: 'active', trigger: { name: 'scheduler-tick' }, action: { path: 'guest/aquatope', name: 'scheduler' } });
  }, 60_000);

  it('deployed the scheduler as a conductor action: it runs the real collector first, and ends with its error when CouchDB is unreachable', async () => {
    const failed: unknown = await ow.actions.invoke({ name: 'aquatope/scheduler', blocking: true, params: { fireTime: '2026-01-01T12:00:00.000Z' } }).catch((err: unknown) => (err instanceof Error && 'error' in err ? err.error : err));
    const logs = isRecord(failed) && Array.isArray(failed['logs']) ? failed['logs'] : [];
    // Conductor, collector, conductor: the chain stopped at the collector.
    expect(logs).toHaveLength(3);
    const collector = await ow.activations.get({ name: String(logs[1]) });
    expect(collector.name).toBe('collector');
    const error = isRecord(collector.response?.result) ? collector.response?.result['error'] : undefined;
    expect(isRecord(error) ? typeof error['code'] : undefined).toBe('string');
    expect(isRecord(failed) ? failed['response'] : undefined).toEqual({ status: 'application error', statusCode: 1, success: false, result: { error } });
    expect(kvs(isRecord(failed) ? failed['annotations'] : undefined)).toMatchObject({ conductor: true, kind: 'sequence' });
  }, 60_000);

  it('deployed a bundle that runs: invoked, and fired through the rule, bo-step answers named invalid-param errors', async () => {
    const direct = await ow.actions.invoke({ name: 'aquatope/bo-step', blocking: true, params: {} }).catch((err: unknown) => (err instanceof Error && 'error' in err ? err.error : err));
    expect(isRecord(direct) && isRecord(direct['response']) ? direct['response']['result'] : direct).toEqual({
      error: { code: 'invalid-param', message: 'workflow: expected a non-empty string, found nothing' },
    });
    const fired = await ow.triggers.invoke({ name: 'bo-step-tick', params: { workflow: 'ml-inference', fireTime: 'yesterday' } });
    expect(typeof fired.activationId).toBe('string');
    await server.settled();
    const runs = await ow.activations.list({ name: 'bo-step', docs: true });
    const result: unknown = isRecord(runs[0]) && isRecord(runs[0]['response']) ? runs[0]['response']['result'] : undefined;
    expect(isRecord(result) && isRecord(result['error']) ? result['error']['code'] : result).toBe('invalid-param');
    expect(isRecord(result) && isRecord(result['error']) ? String(result['error']['message']) : '').toMatch(/^fireTime: /);
  }, 60_000);

  it('deploys again over itself (every call is an update)', async () => {
    await expect(deployManifest(options())).resolves.toMatchObject({ actions: ACTIONS });
    expect((await ow.actions.get({ name: 'aquatope/bo-step' })).version).toBe('0.0.2');
  }, 60_000);

  it('undeploys everything the manifest names, and undeploying again is a no-op', async () => {
    const report = await undeployManifest(options({ env: { __OW_API_HOST: server.apiHost, __OW_API_KEY: server.apiKey } }));
    expect(report).toMatchObject({ packages: ['aquatope'], actions: ACTIONS, triggers: TRIGGERS, rules: RULES });
    for (const name of ACTIONS) expect({ name, status: await statusOfCall(ow.actions.get({ name })) }).toEqual({ name, status: 404 });
    for (const name of TRIGGERS) expect({ name, status: await statusOfCall(ow.triggers.get({ name })) }).toEqual({ name, status: 404 });
    for (const name of RULES) expect({ name, status: await statusOfCall(ow.rules.get({ name })) }).toEqual({ name, status: 404 });
    expect(await statusOfCall(ow.packages.get({ name: 'aquatope' }))).toBe(404);
    lines.length = 0;
    await expect(undeployManifest(options())).resolves.toMatchObject({ actions: ACTIONS });
    expect(lines.join('\n')).toMatch(/action \[aquatope\/bo-step\] was not deployed/);
  }, 60_000);

  it('with --skip-feeds, does not look for the provider and says the feed was skipped', async () => {
    const report = await deployManifest(options({ feeds: 'skip' }));
    expect(report.feeds).toEqual(TRIGGERS.map((trigger) => ({ trigger, feed: ALARM, status: 'skipped' })));
    expect(report.warnings.join('\n')).toMatch(/feeds skipped \(--skip-feeds\)/);
    await undeployManifest(options());
  }, 60_000);

  it('names what is missing: no API key, or a wrong one', async () => {
    await expect(deployManifest(options({ env: { COUCHDB_URL: 'x', AQUATOPE_WORKFLOW: 'w', __OW_API_HOST: server.apiHost } }))).rejects.toThrow(/OpenWhisk connection: .*no API key/);
    await expect(deployManifest(options({ apiKey: 'a:b' }))).rejects.toThrow(DeployError);
  });
});

describe('deploy with an alarms feed provider', () => {
  const work = mkdtempSync(join(tmpdir(), 'aquatope-deploy-feed-'));
  let server: LocalOpenWhisk;
  let ow: openwhisk.Client;
  /** A stand-in for /whisk.system/alarms/alarm: answers what it was asked. */
  const FEED = `function main(p) { return { event: p.lifecycleEvent, trigger: p.triggerName, key: p.authKey === process.env.__OW_API_KEY, cron: p.cron, payload: p.trigger_payload }; }`;

  beforeAll(async () => {
    const invoker = new ChildProcessInvoker({ clock: wallClock, workDir: work });
    server = await startLocalOpenWhisk({ auth: generateAuthKey(new SeededRng(31)), invoker, clock: wallClock, rng: new SeededRng(32), namespace: 'whisk.system' });
    ow = openwhisk({ apihost: server.apiHost, api_key: server.apiKey });
    await ow.packages.create({ name: 'alarms' });
    await ow.actions.create({ name: 'alarms/alarm', action: FEED, kind: 'nodejs:20' });
  }, 120_000);
  afterAll(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  async function feedCalls(): Promise<unknown[]> {
    await server.settled();
    const runs = await ow.activations.list({ name: 'alarm', docs: true });
    return runs
      .map((r) => (isRecord(r) && isRecord(r['response']) ? r['response']['result'] : undefined))
      .filter((r) => isRecord(r) && r['event'] !== undefined)
      .reverse();
  }

  it('registers the trigger with the feed (CREATE, with the cron and payload) and removes it on undeploy (DELETE)', async () => {
    const env = { COUCHDB_URL: 'http://127.0.0.1:1', AQUATOPE_WORKFLOW: 'ml-inference', __OW_API_HOST: server.apiHost, __OW_API_KEY: server.apiKey };
    const base = { manifestPath: MANIFEST, deploymentPath: DEPLOYMENT, env, bundleDir };
    const report = await deployManifest({ ...base, feeds: 'require' });
    expect(report.feeds).toEqual(TRIGGERS.map((trigger) => ({ trigger, feed: ALARM, status: 'created' })));
    expect(report.warnings).toEqual([]);
    for (const name of TRIGGERS) expect(kvs((await ow.triggers.get({ name })).annotations)['feed']).toBe(ALARM);
    // The deploy first deletes any old registration (ignored when none), then creates it.
    expect(await feedCalls()).toEqual([
      { event: 'DELETE', trigger: '/whisk.system/bo-step-tick', key: true },
      { event: 'CREATE', trigger: '/whisk.system/bo-step-tick', key: true, cron: '*/5 * * * *', payload: { workflow: 'ml-inference' } },
      { event: 'DELETE', trigger: '/whisk.system/scheduler-tick', key: true },
      { event: 'CREATE', trigger: '/whisk.system/scheduler-tick', key: true, cron: '* * * * *' },
    ]);
    await undeployManifest(base);
    const calls = await feedCalls();
    expect(calls.slice(-2)).toEqual(TRIGGERS.map((name) => ({ event: 'DELETE', trigger: `/whisk.system/${name}`, key: true })));
    for (const name of TRIGGERS) expect(await statusOfCall(ow.triggers.get({ name }))).toBe(404);
  }, 60_000);
});
