/**
 * The wskdeploy manifest, parsed with `@adobe/aio-lib-runtime` (`setPaths`
 * and `processPackage`, as the deploy does): every action it names has its
 * source (an action folder or a composition) and is the zip the build
 * writes, every action folder and composition is declared, every rule's
 * trigger and action are declared, the limits, annotations and alarms are as
 * documented, and no secret is written in the files.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from '@adobe/aio-lib-runtime';
import { findActionSources } from '../../src/deploy/action-sources';
import { compileComposition, findCompositionSources } from '../../src/deploy/compose-conductor';
import { loadManifest, processManifest, type ManifestSources } from '../../src/deploy/manifest';
import { DeployError, type ManifestEntities } from '../../src/deploy/manifest-entities';

const REPO = join(__dirname, '..', '..');
const MANIFEST = join(REPO, 'manifests', 'manifest.yaml');
const DEPLOYMENT = join(REPO, 'manifests', 'deployment.yaml');
const ENV = { COUCHDB_URL: 'http://user:pw@127.0.0.1:5984', AQUATOPE_WORKFLOW: 'ml-inference' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function paramsOf(kvs: readonly { key: string; value: unknown }[] | undefined): Record<string, unknown> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key, kv.value]));
}

/** Every string under `value` whose key looks like it holds a secret or a location, with its path. */
function sensitiveStrings(value: unknown, path: string): { path: string; value: string }[] {
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const p = `${path}.${key}`;
    if (typeof item === 'string' && /url|key|secret|password|token|auth|host/i.test(key)) return [{ path: p, value: item }];
    return sensitiveStrings(item, p);
  });
}

describe('manifests/manifest.yaml', () => {
  const bundles = mkdtempSync(join(tmpdir(), 'aquatope-manifest-'));
  const actionNames = findActionSources(REPO).map((s) => s.name);
  const compositions = findCompositionSources(REPO);
  /** Everything the build makes a zip of: the action folders and the compositions' conductors. */
  const builtNames = [...actionNames, ...compositions.map((c) => c.name)];
  let entities: ManifestEntities;

  const sources = (extra: Partial<ManifestSources> = {}): ManifestSources => ({ manifestPath: MANIFEST, deploymentPath: DEPLOYMENT, env: ENV, bundleDir: bundles, ...extra });

  beforeAll(() => {
    // processPackage reads each action's zip: stand-ins, so this test needs no build.
    for (const name of builtNames) writeFileSync(join(bundles, `${name}.zip`), Buffer.from('PK stand-in'));
    entities = processManifest(loadManifest(sources()), { namesOnly: false });
  });
  afterAll(() => {
    rmSync(bundles, { recursive: true, force: true });
  });

  it('declares the aquatope package, every action folder actions/<name>/index.ts and every composition compositions/<name>.js, and nothing else', () => {
    expect(entities.pkgAndDeps.map((p) => p.name)).toEqual(['aquatope']);
    expect(actionNames).toEqual(expect.arrayContaining(['bo-step', 'status', 'collector', 'forecaster', 'pool-sizer']));
    expect(compositions.map((c) => c.name)).toEqual(['scheduler']);
    expect(entities.actions.map((a) => a.name).sort()).toEqual(builtNames.map((n) => `aquatope/${n}`).sort());
    for (const action of entities.actions) {
      const [pkg, name] = action.name.split('/');
      expect(pkg).toBe('aquatope');
      expect({ action: action.name, source: existsSync(join(REPO, 'actions', name ?? '', 'index.ts')) || existsSync(join(REPO, 'compositions', `${name ?? ''}.js`)) }).toEqual({
        action: action.name,
        source: true,
      });
    }
  });

  it("points each action at the zip npm run build writes, relative to the manifest's folder as wskdeploy reads it", () => {
    const loaded = loadManifest({ manifestPath: MANIFEST, deploymentPath: DEPLOYMENT, env: ENV });
    for (const f of loaded.functions) {
      const name = f.action.split('/')[1] ?? '';
      expect(f.path).toBe(join(REPO, 'dist', 'actions', `${name}.zip`));
    }
    expect(loaded.functions.length).toBe(entities.actions.length);
  });

  it('gives bo-step the nodejs:20 runtime, 256 MB and 60 s, and its CouchDB URL from the environment', () => {
    const boStep = entities.actions.find((a) => a.name === 'aquatope/bo-step');
    expect(boStep?.exec?.kind).toBe('nodejs:20');
    expect(boStep?.limits).toEqual({ memory: 256, timeout: 60000, logs: 10 });
    expect(boStep?.params).toEqual({ couchdbUrl: ENV.COUCHDB_URL });
    expect(Buffer.isBuffer(boStep?.action)).toBe(true);
  });

  it.each([
    ['collector', 256, 60000, true],
    ['forecaster', 512, 60000, false],
    ['pool-sizer', 256, 60000, true],
  ])('gives %s the nodejs:20 runtime, %i MB and %i ms, its CouchDB URL, and the API key: %s', (name, memory, timeout, apiKey) => {
    const action = entities.actions.find((a) => a.name === `aquatope/${name}`);
    expect(action?.exec?.kind).toBe('nodejs:20');
    expect(action?.limits).toEqual({ memory, timeout, logs: 10 });
    expect(action?.params).toEqual({ couchdbUrl: ENV.COUCHDB_URL });
    expect(action?.annotations?.['provide-api-key'] === true).toBe(apiKey);
    expect(action?.annotations?.['conductor']).toBeUndefined();
  });

  it("declares the scheduler composition's conductor action with the annotations composer gives it (conductor, provide-api-key) and a time limit above the forecaster's", () => {
    const scheduler = entities.actions.find((a) => a.name === 'aquatope/scheduler');
    expect(scheduler?.exec?.kind).toBe('nodejs:20');
    expect(scheduler?.limits).toEqual({ memory: 256, timeout: 180000, logs: 10 });
    expect(scheduler?.params).toBeUndefined();
    const [source] = compositions;
    if (source === undefined) throw new Error('no composition');
    const fromComposer = compileComposition(REPO, source).annotations.filter((a) => a.key === 'conductor' || a.key === 'provide-api-key');
    expect(fromComposer.map((a) => a.key)).toEqual(['conductor', 'provide-api-key']);
    for (const a of fromComposer) expect({ key: a.key, value: scheduler?.annotations?.[a.key] }).toEqual({ key: a.key, value: true });
    const forecaster = entities.actions.find((a) => a.name === 'aquatope/forecaster');
    expect(scheduler?.limits?.timeout ?? 0).toBeGreaterThan(forecaster?.limits?.timeout ?? Infinity);
  });

  it('fires bo-step every probe window and the scheduler every minute through the alarms feed, each by its rule', () => {
    const tick = entities.triggers.find((t) => t.name === 'bo-step-tick');
    expect(tick?.trigger?.feed).toBe('/whisk.system/alarms/alarm');
    expect(paramsOf(tick?.trigger?.parameters)).toEqual({ cron: '*/5 * * * *', trigger_payload: { workflow: ENV.AQUATOPE_WORKFLOW } });
    const schedulerTick = entities.triggers.find((t) => t.name === 'scheduler-tick');
    expect(schedulerTick?.trigger?.feed).toBe('/whisk.system/alarms/alarm');
    expect(paramsOf(schedulerTick?.trigger?.parameters)).toEqual({ cron: '* * * * *' });
    expect(entities.triggers.map((t) => t.name)).toEqual(['bo-step-tick', 'scheduler-tick']);
    expect(entities.rules).toEqual([
      { name: 'bo-step-on-tick', trigger: 'bo-step-tick', action: 'aquatope/bo-step' },
      { name: 'scheduler-on-tick', trigger: 'scheduler-tick', action: 'aquatope/scheduler' },
    ]);
  });

  it("binds every rule to a trigger and an action the manifest declares (and aio-lib-runtime's own check agrees)", () => {
    const triggers = new Set(entities.triggers.map((t) => t.name));
    const actions = new Set(entities.actions.map((a) => a.name));
    for (const rule of entities.rules) {
      expect(triggers.has(rule.trigger ?? '')).toBe(true);
      expect(actions.has(rule.action ?? '')).toBe(true);
    }
    const bad = join(bundles, 'bad-manifest.yaml');
    writeFileSync(
      bad,
      ['packages:', '  aquatope:', '    triggers:', '      t: {}', '    rules:', '      r:', '        trigger: t', '        action: forecaster', ''].join('\n'),
    );
    expect(() => processManifest(loadManifest({ manifestPath: bad, env: {} }), { namesOnly: false })).toThrow(/Action\/Trigger provided in the rule not found in manifest file/);
  });

  it('names the same entities without reading any zip (undeploy)', () => {
    const names = processManifest(loadManifest({ manifestPath: MANIFEST, deploymentPath: DEPLOYMENT, env: {}, allowUnset: true, bundleDir: join(bundles, 'absent') }), { namesOnly: true });
    expect(names.actions.map((a) => a.name)).toEqual(entities.actions.map((a) => a.name));
    expect(names.triggers.map((t) => t.name)).toEqual(entities.triggers.map((t) => t.name));
    expect(names.rules.map((r) => r.name)).toEqual(entities.rules.map((r) => r.name));
  });

  it('keeps secrets out of the repository: every URL, key or password input is a $VARIABLE placeholder', () => {
    const raw = utils.setPaths({ manifest: MANIFEST, deployment: DEPLOYMENT });
    if (!isRecord(raw)) throw new Error('setPaths gave no object');
    const found = [...sensitiveStrings(raw['packages'], 'manifest'), ...sensitiveStrings(raw['deploymentPackages'], 'deployment')];
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect({ path: f.path, placeholder: /^\$\{?[A-Z_][A-Z0-9_]*\}?$/.test(f.value) }).toEqual({ path: f.path, placeholder: true });
  });

  it('refuses to deploy with an unset variable, naming each and where it is used; --allow-unset leaves the input out', () => {
    expect(() => loadManifest(sources({ env: {} }))).toThrow(DeployError);
    expect(() => loadManifest(sources({ env: {} }))).toThrow(/unset environment variables COUCHDB_URL, AQUATOPE_WORKFLOW: used at .*manifest\.yaml: packages\.aquatope\.actions\.bo-step\.inputs\.couchdbUrl \(\$COUCHDB_URL\)/);
    const partial = processManifest(loadManifest(sources({ env: { AQUATOPE_WORKFLOW: 'w' }, allowUnset: true })), { namesOnly: false });
    expect(partial.actions.find((a) => a.name === 'aquatope/bo-step')?.params).toBeUndefined();
  });

  it("refuses a value with '$', which aio-lib-runtime would expand a second time", () => {
    expect(() => loadManifest(sources({ env: { ...ENV, COUCHDB_URL: 'http://u:pa$$@h:5984' } }))).toThrow(/COUCHDB_URL .*contains '\$'/);
  });

  it('says to build first when a zip is missing, naming each', () => {
    const absent = join(bundles, 'absent');
    const expected = entities.actions.map((a) => `${a.name}: no ${join(absent, `${a.name.split('/')[1] ?? ''}.zip`)}`).join('; ');
    expect(() => processManifest(loadManifest(sources({ bundleDir: absent })), { namesOnly: false })).toThrow(`${expected} (run npm run build first)`);
  });
});
