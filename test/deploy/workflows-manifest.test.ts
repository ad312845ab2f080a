/**
 * `manifests/workflows.yaml`, parsed as the deploy does (no build needed:
 * stand-in zips), and how `bundleDir` maps a manifest's zips: at their path
 * below the folder they share, so the by-file-name mapping of
 * `manifest.yaml` is unchanged and stages with the same name in different
 * workflow packages (or an action of the same name) never share a zip.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { workflowNames } from '../../benchmark/workflows/index';
import { REAL_WORKFLOWS } from '../../benchmark/workflows/real-workflows';
import { findWorkflowSources } from '../../src/deploy/workflow-sources';
import { bundleRootOf, loadManifest, processManifest } from '../../src/deploy/manifest';
import type { ManifestEntities } from '../../src/deploy/manifest-entities';

const REPO = join(__dirname, '..', '..');
const MANIFEST = join(REPO, 'manifests', 'workflows.yaml');

describe('manifests/workflows.yaml', () => {
  const bundles = mkdtempSync(join(tmpdir(), 'aquatope-workflows-manifest-'));
  let entities: ManifestEntities;
  beforeAll(() => {
    for (const w of findWorkflowSources(REPO)) {
      mkdirSync(join(bundles, w.name), { recursive: true });
      for (const name of [...w.stages.map((s) => s.name), 'invoke']) writeFileSync(join(bundles, w.name, `${name}.zip`), Buffer.from(`PK ${w.name}/${name}`));
    }
    entities = processManifest(loadManifest({ manifestPath: MANIFEST, env: {}, bundleDir: bundles }), { namesOnly: false });
  });
  afterAll(() => {
    rmSync(bundles, { recursive: true, force: true });
  });

  it('declares one package per workflow with every stage folder and the invoke conductor, and nothing else', () => {
    expect(entities.pkgAndDeps.map((p) => p.name)).toEqual([...workflowNames]);
    const declared = entities.actions.map((a) => a.name).sort();
    const sources = findWorkflowSources(REPO).flatMap((w) => [...w.stages.map((s) => `${w.name}/${s.name}`), ...(w.composition === undefined ? [] : [`${w.name}/invoke`])]);
    expect(declared).toEqual(sources.sort());
    expect(declared).toEqual(workflowNames.flatMap((w) => [...REAL_WORKFLOWS[w].stages.map((s) => s.action), `${w}/invoke`]).sort());
  });

  it('points each action at the zip the build writes, ../dist/workflows/<workflow>/<stage>.zip', () => {
    const loaded = loadManifest({ manifestPath: MANIFEST, env: {} });
    for (const f of loaded.functions) expect(f.path).toBe(join(REPO, 'dist', 'workflows', `${f.action}.zip`));
  });

  it('reads each action from its own workflow folder of bundleDir', () => {
    for (const action of entities.actions) {
      expect({ name: action.name, code: Buffer.isBuffer(action.action) ? action.action.toString('utf8') : undefined }).toEqual({ name: action.name, code: `PK ${action.name}` });
    }
  });

  it('gives every stage nodejs:20, 1,024 MB, 120 s and no API key; each conductor the conductor and provide-api-key annotations and 300 s', () => {
    for (const action of entities.actions) {
      expect(action.exec?.kind).toBe('nodejs:20');
      if (action.name.endsWith('/invoke')) {
        expect({ name: action.name, limits: action.limits, annotations: action.annotations }).toEqual({
          name: action.name,
          limits: { memory: 256, timeout: 300000, logs: 10 },
          annotations: expect.objectContaining({ conductor: true, 'provide-api-key': true }),
        });
      } else {
        expect({ name: action.name, limits: action.limits, key: action.annotations?.['provide-api-key'] }).toEqual({ name: action.name, limits: { memory: 1024, timeout: 120000, logs: 10 }, key: undefined });
      }
      expect(action.params).toBeUndefined();
    }
  });
});

describe('bundleDir', () => {
  const root = mkdtempSync(join(tmpdir(), 'aquatope-bundle-dir-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function manifest(name: string, functions: Record<string, Record<string, string>>): string {
    const lines = ['packages:'];
    for (const [pkg, actions] of Object.entries(functions)) {
      lines.push(`  ${pkg}:`, '    actions:');
      for (const [action, fn] of Object.entries(actions)) lines.push(`      ${action}:`, `        function: ${fn}`, '        runtime: nodejs:20');
    }
    const path = join(root, 'manifests', name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  it('is the deepest folder the zips share', () => {
    expect(bundleRootOf(['/r/dist/actions/a.zip', '/r/dist/actions/b.zip'])).toBe('/r/dist/actions');
    expect(bundleRootOf(['/r/dist/workflows/w1/s.zip', '/r/dist/workflows/w2/s.zip'])).toBe('/r/dist/workflows');
    expect(bundleRootOf(['/r/dist/actions/a.zip', '/r/dist/workflows/w/s.zip'])).toBe('/r/dist');
    expect(bundleRootOf(['/r/dist/ab/x.zip', '/r/dist/abc/y.zip'])).toBe('/r/dist');
    expect(bundleRootOf(['/r/x.zip'])).toBe('/r');
    expect(bundleRootOf([])).toBeUndefined();
  });

  it("maps manifest.yaml's zips by file name, as before", () => {
    const loaded = loadManifest({ manifestPath: join(REPO, 'manifests', 'manifest.yaml'), env: {}, allowUnset: true, bundleDir: '/b' });
    expect(loaded.functions.find((f) => f.action === 'aquatope/bo-step')?.path).toBe(join('/b', 'bo-step.zip'));
  });

  it('keeps stages of the same name in different packages apart, and apart from an action of that name', () => {
    const path = manifest('clash.yaml', {
      one: { 'transcode-1': '../dist/workflows/one/transcode-1.zip', invoke: '../dist/workflows/one/invoke.zip' },
      two: { 'transcode-1': '../dist/workflows/two/transcode-1.zip', invoke: '../dist/workflows/two/invoke.zip' },
      aquatope: { 'transcode-1': '../dist/actions/transcode-1.zip', inline: '../src/inline.js' },
    });
    const loaded = loadManifest({ manifestPath: path, env: {}, bundleDir: '/b' });
    expect(Object.fromEntries(loaded.functions.map((f) => [f.action, f.path]))).toEqual({
      'one/transcode-1': join('/b', 'workflows', 'one', 'transcode-1.zip'),
      'one/invoke': join('/b', 'workflows', 'one', 'invoke.zip'),
      'two/transcode-1': join('/b', 'workflows', 'two', 'transcode-1.zip'),
      'two/invoke': join('/b', 'workflows', 'two', 'invoke.zip'),
      'aquatope/transcode-1': join('/b', 'actions', 'transcode-1.zip'),
      'aquatope/inline': join(root, 'src', 'inline.js'),
    });
  });
});
