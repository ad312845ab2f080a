/**
 * The action bundles are self-contained: each zip, unpacked into an empty
 * directory with no `node_modules` anywhere above it, loads in a fresh `node`
 * process the way the nodejs:20 runtime loads it (`require` of the directory,
 * so the zip's `package.json` `main`) and its `main` answers a bad-params
 * call with a named `invalid-param` error. The repository's actions are built
 * once (one esbuild run) into a temporary directory, never into `dist/`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { BuildError, findActionSources, parseBundleSpec } from '../../src/deploy/action-sources';
import { buildActions, ZIP_PACKAGE_JSON, type BuiltAction } from '../../src/deploy/build-actions';
import { readZip } from '../../src/local-openwhisk/zip-reader';
import { startEmbeddedCouchDb } from '../../src/store/embedded-couchdb';
import { openStore } from '../../src/store/store';

const REPO = join(__dirname, '..', '..');

/** A bad-params call per action, and the param its error must name. Every action needs one. */
const BAD_PARAMS: Readonly<Record<string, { params: Record<string, unknown>; names: string }>> = {
  'bo-step': { params: {}, names: 'workflow' },
  status: { params: {}, names: 'couchdbUrl' },
  collector: { params: { workflows: { ml: 'pipeline' } }, names: 'workflows.ml' },
  forecaster: { params: { shard: { index: 3, count: 2 } }, names: 'shard.index' },
  'pool-sizer': { params: { riskLevel: 2 }, names: 'riskLevel' },
};

/**
 * Packages a bundled dependency requires only optionally, inside a try/catch,
 * and that are not installed: node-fetch (through TensorFlow.js, in the
 * forecaster) tries `encoding` for non-UTF-8 bodies and goes on without it.
 */
const OPTIONAL_REQUIRES: ReadonlySet<string> = new Set(['encoding']);

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** What the nodejs runtime does with a zip action: `require(dir)` (package.json `main`), then `main(params)`; prints the JSON result. */
const RUNNER = `
const exported = require(process.cwd());
if (typeof exported.main !== 'function') { console.error('no main export'); process.exit(3); }
Promise.resolve(exported.main(JSON.parse(process.argv[1]))).then(
  (r) => { process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n'); },
  (e) => { console.error('REJECTED ' + (e && e.stack || e)); process.exit(4); });
`;

function runMain(dir: string, params: Record<string, unknown>): RunResult {
  const r = spawnSync(process.execPath, ['-e', RUNNER, JSON.stringify(params)], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** {@link runMain} without blocking this process (so a server in it, e.g. the embedded CouchDB, can answer the child). */
function runMainAsync(dir: string, params: Record<string, unknown>): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['-e', RUNNER, JSON.stringify(params)], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolveRun({ status, stdout, stderr });
    });
  });
}

function resultOf(run: RunResult): unknown {
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`no result (exit ${String(run.status)}): ${run.stderr || run.stdout}`);
  return JSON.parse(line.slice('RESULT '.length));
}

function unzipInto(zip: Buffer, dir: string): string[] {
  const paths: string[] = [];
  for (const entry of readZip(zip)) {
    const target = join(dir, ...entry.path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entry.data);
    paths.push(entry.path);
  }
  return paths;
}

/** `node_modules` directories in `dir` or any parent (Node's module resolution would find them). */
function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  let d = dir;
  for (;;) {
    if (existsSync(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    const up = dirname(d);
    if (up === d || d === parse(d).root) break;
    d = up;
  }
  return found;
}

function isErrorAnswer(value: unknown): value is { error: { code: unknown; message: unknown } } {
  return typeof value === 'object' && value !== null && 'error' in value && typeof value.error === 'object' && value.error !== null && 'code' in value.error && 'message' in value.error;
}

describe('action bundles', () => {
  const work = mkdtempSync(join(tmpdir(), 'aquatope-bundles-'));
  let built: BuiltAction[] = [];

  beforeAll(async () => {
    built = await buildActions({ rootDir: REPO, outDir: join(work, 'dist') });
  }, 120_000);
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('builds every action folder, into <out>/actions/<name>/index.js and <name>.zip', () => {
    const names = findActionSources(REPO).map((s) => s.name);
    expect(names).toContain('bo-step');
    expect(built.map((b) => b.name)).toEqual(names);
    for (const b of built) {
      expect(b.bundlePath).toBe(join(work, 'dist', 'actions', b.name, 'index.js'));
      expect(b.zipPath).toBe(join(work, 'dist', 'actions', `${b.name}.zip`));
      expect(b.bundleBytes).toBe(readFileSync(b.bundlePath).length);
      expect(b.zipBytes).toBe(readFileSync(b.zipPath).length);
      expect(b.entries.slice(0, 2)).toEqual(['index.js', 'package.json']);
    }
  });

  it('has a bad-params case for every action', () => {
    expect(built.map((b) => b.name).filter((name) => BAD_PARAMS[name] === undefined)).toEqual([]);
  });

  it('bundles every dependency: the only require() calls left are Node built-ins', () => {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    for (const b of built) {
      const code = readFileSync(b.bundlePath, 'utf8');
      const required = [...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1] ?? '');
      expect({ action: b.name, nonBuiltins: [...new Set(required.filter((r) => !builtins.has(r) && !OPTIONAL_REQUIRES.has(r)))] }).toEqual({ action: b.name, nonBuiltins: [] });
      // An optional require is guarded: inside a try, so its absence is caught where it is made.
      for (const m of code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)) {
        if (OPTIONAL_REQUIRES.has(m[1] ?? '')) expect({ action: b.name, before: code.slice(Math.max(0, (m.index ?? 0) - 40), m.index) }).toEqual({ action: b.name, before: expect.stringContaining('try{') });
      }
    }
  });

  it.each(Object.keys(BAD_PARAMS))('%s: unzipped into an empty directory, main answers a named invalid-param error in a fresh node', (name) => {
    const b = built.find((x) => x.name === name);
    if (b === undefined) throw new Error(`action ${name} was not built`);
    const dir = mkdtempSync(join(tmpdir(), `aquatope-run-${name}-`));
    try {
      expect(nodeModulesAbove(dir)).toEqual([]);
      const paths = unzipInto(readFileSync(b.zipPath), dir);
      expect(paths).toEqual(b.entries);
      expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(ZIP_PACKAGE_JSON);
      const bad = BAD_PARAMS[name];
      if (bad === undefined) throw new Error(`no bad-params case for ${name}`);
      const run = runMain(dir, bad.params);
      const result = resultOf(run);
      expect(isErrorAnswer(result)).toBe(true);
      if (!isErrorAnswer(result)) return;
      expect(result.error.code).toBe('invalid-param');
      expect(String(result.error.message)).toContain(bad.names);
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the forecaster bundle', () => {
  const work = mkdtempSync(join(tmpdir(), 'aquatope-forecaster-bundle-'));
  let dir = '';

  beforeAll(async () => {
    const [b] = await buildActions({ rootDir: REPO, outDir: join(work, 'dist'), only: ['forecaster'] });
    if (b === undefined) throw new Error('forecaster not built');
    expect(b.entries).toEqual(expect.arrayContaining(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'models/default/forecaster.json', 'models/default/encoder/model.json', 'models/default/predictor/weights.bin']));
    dir = join(work, 'run');
    mkdirSync(dir);
    expect(nodeModulesAbove(dir)).toEqual([]);
    unzipInto(readFileSync(b.zipPath), dir);
  }, 120_000);
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('loads the model and the wasm backend from beside the bundle in a fresh node and forecasts with it', () => {
    const result = resultOf(runMain(dir, { describeModel: true }));
    expect(result).toMatchObject({ loadedModel: { dir: join(dir, 'models', 'default'), forecaster: 'aquatope', window: 48, horizon: 12, backend: 'wasm', cached: false } });
  });

  it('answers a real forecast tick against a CouchDB, from stored series', async () => {
    const couch = await startEmbeddedCouchDb({ storage: { kind: 'memory' } });
    try {
      const store = await openStore({ url: couch.url, dbPrefix: 'bundle_' });
      const T0 = Date.parse('2024-05-01T10:00:00Z');
      for (let m = 48; m >= 1; m--) {
        const n = 15 + (m % 4);
        await store.series.record(new Date(T0 - m * 60_000).toISOString(), [
          { function: '/guest/busy', invocations: n, coldStarts: 0, peakConcurrency: 1, meanConcurrency: 0.2, meanDurationMs: 800 },
        ]);
      }
      const run = await runMainAsync(dir, { fireTime: '2024-05-01T10:00:00Z', couchdbUrl: couch.url, dbPrefix: 'bundle_' });
      expect(resultOf(run)).toMatchObject({ firstMinute: '2024-05-01T10:00:00.000Z', model: 'aquatope', functions: 1, forecast: 1, stored: 'created', tick: 'completed' });
      const stored = await store.forecasts.get('2024-05-01T10:00:00Z');
      expect(stored?.functions[0]?.quantiles[1]?.every((q) => q > 5 && q < 40)).toBe(true);
    } finally {
      await couch.stop();
    }
  }, 90_000);
});

describe('declared extra files', () => {
  const root = mkdtempSync(join(tmpdir(), 'aquatope-extras-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function write(path: string, text: string): void {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }

  it('sit beside the bundle in the zip, where the bundled code finds them through __dirname', async () => {
    write('vendor/dist/a.wasm', 'AAA');
    write('vendor/dist/b.wasm', 'BBBB');
    write('vendor/dist/skip.js', 'no');
    write('models/tiny/model.json', '{"layers":2}');
    write('models/tiny/weights/w1.bin', 'W1');
    write(
      'actions/reader/bundle.json',
      JSON.stringify({ files: [{ from: 'vendor/dist/*.wasm' }, { from: 'models/tiny', to: 'models/default' }] }),
    );
    write(
      'actions/reader/index.ts',
      [
        "import { readFileSync } from 'node:fs';",
        "import { join } from 'node:path';",
        'export function main(params: Record<string, unknown>): Record<string, unknown> {',
        "  if (typeof params['file'] !== 'string') return { error: { code: 'invalid-param', message: `file: expected a path, found ${JSON.stringify(params['file'])}` } };",
        "  return { text: readFileSync(join(__dirname, params['file']), 'utf8') };",
        '}',
      ].join('\n'),
    );
    write('actions/helpers/util.ts', 'export const x = 1;');
    const [b] = await buildActions({ rootDir: root, outDir: join(root, 'out') });
    if (b === undefined) throw new Error('nothing built');
    expect(b.name).toBe('reader');
    expect(b.entries).toEqual(['index.js', 'package.json', 'a.wasm', 'b.wasm', 'models/default/model.json', 'models/default/weights/w1.bin']);
    expect(readFileSync(join(root, 'out', 'actions', 'reader', 'models', 'default', 'model.json'), 'utf8')).toBe('{"layers":2}');
    const dir = mkdtempSync(join(tmpdir(), 'aquatope-run-reader-'));
    try {
      unzipInto(readFileSync(b.zipPath), dir);
      expect(resultOf(runMain(dir, { file: 'models/default/weights/w1.bin' }))).toEqual({ text: 'W1' });
      expect(resultOf(runMain(dir, { file: 'b.wasm' }))).toEqual({ text: 'BBBB' });
      expect(resultOf(runMain(dir, {}))).toEqual({ error: { code: 'invalid-param', message: 'file: expected a path, found undefined' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('fail the build, naming the action and the path, when missing', async () => {
    write('actions/broken/index.ts', 'export function main() { return {}; }');
    write('actions/broken/bundle.json', JSON.stringify({ files: [{ from: 'models/absent' }] }));
    await expect(buildActions({ rootDir: root, outDir: join(root, 'out'), only: ['broken'] })).rejects.toThrow(
      /actions\/broken\/bundle\.json: files\[0\]\.from "models\/absent": no such file or directory/,
    );
    await expect(buildActions({ rootDir: root, outDir: join(root, 'out'), only: ['nope'] })).rejects.toThrow(/unknown action "nope"/);
  });

  it('are declared in a validated bundle.json', () => {
    expect(() => parseBundleSpec('{"files":[{"from":"/etc/passwd"}]}', 'x.json')).toThrow(new BuildError('x.json: files[0].from: expected a path relative to the repository root (no leading \'/\' or \'..\'), found "/etc/passwd"'));
    expect(() => parseBundleSpec('{"files":[{"from":"a","to":"../up"}]}', 'x.json')).toThrow(/files\[0\]\.to: expected a relative directory/);
    expect(() => parseBundleSpec('{"file":[]}', 'x.json')).toThrow(/unknown field "file"/);
    expect(() => parseBundleSpec('nope', 'x.json')).toThrow(/x\.json: not JSON/);
    expect(parseBundleSpec('{"files":[{"from":"a/*.wasm","to":"./wasm/"}]}', 'x.json')).toEqual([{ from: 'a/*.wasm', to: 'wasm' }]);
  });
});
