/**
 * `deployManifest` / `undeployManifest` against the local OpenWhisk API with
 * the real `openwhisk` client, the real bo-step bundle (built once into a
 * temporary folder) and the child-process invoker: the package, the action
 * with its limits, the trigger and the rule exist after a deploy and are gone
 * after an undeploy. The local server has no `/whisk.system/alarms`, so the
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
import { buildActions } from '../../src/deploy/build-actions';
import { deployManifest, statusOf, undeployManifest, type DeployOptions } from '../../src/deploy/deploy';
import { DeployError } from '../../src/deploy/manifest-entities';
import { ChildProcessInvoker } from '../../src/local-openwhisk/child-process-invoker';
import { generateAuthKey } from '../../src/local-openwhisk/ids';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../../src/local-openwhisk/local-openwhisk-server';

const REPO = join(__dirname, '..', '..');
const MANIFEST = join(REPO, 'manifests', 'manifest.yaml');
const DEPLOYMENT = join(REPO, 'manifests', 'deployment.yaml');
const wallClock = { nowMs: () => Date.now() };

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
  const bundleDir = join(work, 'dist', 'actions');
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
    await buildActions({ rootDir: REPO, outDir: join(work, 'dist'), only: ['bo-step', 'status'] });
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
    expect(await ow.packages.list()).toEqual([]);
  });

  it('deploys the package, the action with its limits, the trigger (without its missing feed, with a warning) and the rule', async () => {
    const report = await deployManifest(options());
    expect(report).toMatchObject({
      apiHost: server.apiHost,
      namespace: 'guest',
      packages: ['aquatope'],
      actions: ['aquatope/bo-step', 'aquatope/status'],
      triggers: ['bo-step-tick'],
      rules: ['bo-step-on-tick'],
      feeds: [{ trigger: 'bo-step-tick', feed: '/whisk.system/alarms/alarm', status: 'missing-provider' }],
    });
    expect(warnings.join('\n')).toMatch(/trigger bo-step-tick: created without its feed \/whisk\.system\/alarms\/alarm: its provider is missing/);
    expect(lines.join('\n')).toMatch(/Success: Deployment completed successfully/);

    const pkg = await ow.packages.get({ name: 'aquatope' });
    expect(pkg.actions?.map((a) => a.name).sort()).toEqual(['bo-step', 'status']);
    const action = await ow.actions.get({ name: 'aquatope/bo-step' });
    expect(action.limits).toMatchObject({ memory: 256, timeout: 60000 });
    expect(action.exec).toMatchObject({ kind: 'nodejs:20', binary: true });
    expect(kvs(action.parameters)).toEqual({ couchdbUrl: 'http://127.0.0.1:1' });
    const trigger = await ow.triggers.get({ name: 'bo-step-tick' });
    expect(kvs(trigger.parameters)).toEqual({ cron: '*/5 * * * *', trigger_payload: { workflow: 'ml-inference' } });
    expect(kvs(trigger.annotations)['feed']).toBeUndefined();
    const rule = await ow.rules.get({ name: 'bo-step-on-tick' });
    expect(rule).toMatchObject({ status: 'active', trigger: { path: 'guest', name: 'bo-step-tick' }, action: { path: 'guest/aquatope', name: 'bo-step' } });
  });

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
    await expect(deployManifest(options())).resolves.toMatchObject({ actions: ['aquatope/bo-step', 'aquatope/status'] });
    expect((await ow.actions.get({ name: 'aquatope/bo-step' })).version).toBe('0.0.2');
  });

  it('undeploys everything the manifest names, and undeploying again is a no-op', async () => {
    const report = await undeployManifest(options({ env: { __OW_API_HOST: server.apiHost, __OW_API_KEY: server.apiKey } }));
    expect(report).toMatchObject({ packages: ['aquatope'], actions: ['aquatope/bo-step', 'aquatope/status'], triggers: ['bo-step-tick'], rules: ['bo-step-on-tick'] });
    expect(await statusOfCall(ow.actions.get({ name: 'aquatope/bo-step' }))).toBe(404);
    expect(await statusOfCall(ow.triggers.get({ name: 'bo-step-tick' }))).toBe(404);
    expect(await statusOfCall(ow.rules.get({ name: 'bo-step-on-tick' }))).toBe(404);
    expect(await statusOfCall(ow.packages.get({ name: 'aquatope' }))).toBe(404);
    lines.length = 0;
    await expect(undeployManifest(options())).resolves.toMatchObject({ actions: ['aquatope/bo-step', 'aquatope/status'] });
    expect(lines.join('\n')).toMatch(/action \[aquatope\/bo-step\] was not deployed/);
  });

  it('with --skip-feeds, does not look for the provider and says the feed was skipped', async () => {
    const report = await deployManifest(options({ feeds: 'skip' }));
    expect(report.feeds).toEqual([{ trigger: 'bo-step-tick', feed: '/whisk.system/alarms/alarm', status: 'skipped' }]);
    expect(report.warnings.join('\n')).toMatch(/feeds skipped \(--skip-feeds\)/);
    await undeployManifest(options());
  });

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
    await buildActions({ rootDir: REPO, outDir: join(work, 'dist'), only: ['bo-step', 'status'] });
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
    const base = { manifestPath: MANIFEST, deploymentPath: DEPLOYMENT, env, bundleDir: join(work, 'dist', 'actions') };
    const report = await deployManifest({ ...base, feeds: 'require' });
    expect(report.feeds).toEqual([{ trigger: 'bo-step-tick', feed: '/whisk.system/alarms/alarm', status: 'created' }]);
    expect(report.warnings).toEqual([]);
    expect(kvs((await ow.triggers.get({ name: 'bo-step-tick' })).annotations)['feed']).toBe('/whisk.system/alarms/alarm');
    const created = { trigger: '/whisk.system/bo-step-tick', key: true, cron: '*/5 * * * *', payload: { workflow: 'ml-inference' } };
    // The deploy first deletes any old registration (ignored when none), then creates it.
    expect(await feedCalls()).toEqual([{ event: 'DELETE', trigger: '/whisk.system/bo-step-tick', key: true }, { event: 'CREATE', ...created }]);
    await undeployManifest(base);
    const calls = await feedCalls();
    expect(calls[calls.length - 1]).toEqual({ event: 'DELETE', trigger: '/whisk.system/bo-step-tick', key: true });
    expect(await statusOfCall(ow.triggers.get({ name: 'bo-step-tick' }))).toBe(404);
  }, 60_000);
});
