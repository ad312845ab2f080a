import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const repo = resolve(__dirname, '../..');
const sharedData = resolve(repo, '../shared/data');
const work = mkdtempSync(join(tmpdir(), 'aquatope-cli-'));
const cli = join(work, 'cli.js');

beforeAll(() => {
  // The same bundle `npm start` and `npm run bench` run.
  buildSync({
    entryPoints: [join(repo, 'src/cli/main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outfile: cli,
    logLevel: 'error',
    nodePaths: [join(repo, 'node_modules')],
  });
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function aquatope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, NODE_PATH: join(repo, 'node_modules') } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withoutTiming(json: string): unknown {
  const r: { simulatedInvocationsPerSecond: number; policies: { wallSeconds: number }[] } = JSON.parse(json);
  r.simulatedInvocationsPerSecond = 0;
  for (const p of r.policies) p.wallSeconds = 0;
  return r;
}

describe('aquatope bench keepalive', () => {
  it('writes keepalive.json, .md and .svg and prints only the table on stdout', () => {
    const out = join(work, 'small');
    const r = aquatope('bench', 'keepalive', '--functions', '30', '--minutes', '0:90', '--seed', '3', '--policies', 'hybrid-histogram,oracle', '--out', out);
    expect(r.stderr).toContain(`report written to ${out}/keepalive.{json,md,svg}`);
    expect(r.status).toBe(0);
    const md = readFileSync(join(out, 'keepalive.md'), 'utf8');
    expect(r.stdout).toBe(md);
    const report = JSON.parse(readFileSync(join(out, 'keepalive.json'), 'utf8'));
    expect(report.seed).toBe(3);
    expect(report.trace.source).toBe('synthetic(seed=3)');
    expect(report.trace.functions).toBe(30);
    expect(report.trace.minutes).toEqual({ start: 0, end: 90 });
    expect(report.policies.map((p: { name: string }) => p.name)).toEqual(['openwhisk-default', 'hybrid-histogram', 'oracle']);
    expect(readFileSync(join(out, 'keepalive.svg'), 'utf8').startsWith('<svg')).toBe(true);
  });

  it('gives identical JSON for the same seed except the timing fields', () => {
    const a = join(work, 'a');
    const b = join(work, 'b');
    for (const out of [a, b]) {
      expect(aquatope('bench', 'keepalive', '--functions', '20', '--minutes', '0:60', '--seed', '9', '--out', out).status).toBe(0);
    }
    expect(withoutTiming(readFileSync(join(a, 'keepalive.json'), 'utf8'))).toEqual(withoutTiming(readFileSync(join(b, 'keepalive.json'), 'utf8')));
  });

  it.each([
    [['--minutes', '5:3'], 2, '--minutes "5:3": the start (5) must be below the end (3)'],
    [['--functions', '0'], 2, '--functions must be a positive integer, got "0"'],
    [['--seed=-1'], 2, '--seed must be an integer in [0, 4294967295], got "-1"'],
    [['--seed', '1.5'], 2, '--seed must be an integer in [0, 4294967295], got "1.5"'],
    [['--policies', 'oracle,lru'], 2, '--policies: unknown policy "lru"'],
    [['--bogus'], 2, "Unknown option '--bogus'"],
    [['--trace', '/nonexistent/trace.csv'], 1, '/nonexistent/trace.csv'],
  ])('rejects %j with exit code %i and a message naming the bad value', (args, status, message) => {
    const r = aquatope('bench', 'keepalive', ...args, '--out', join(work, 'never'));
    expect(r.status).toBe(status);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('names file, line and column of a malformed trace row', () => {
    const trace = join(work, 'bad_inv.csv');
    writeFileSync(trace, 'HashFunction,HashOwner,HashApp,minute_1,minute_2\nf,o,a,1,2\ng,o,a,3,x\n');
    const r = aquatope('bench', 'keepalive', '--trace', trace, '--out', join(work, 'never'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${trace}:3:5: expected a non-negative integer count, found "x"`);
  });

  it('rejects an unknown command and an unknown bench with the usage text', () => {
    const r1 = aquatope('frobnicate');
    expect(r1.status).toBe(2);
    expect(r1.stderr).toContain('unknown command "frobnicate"');
    expect(r1.stderr).toContain('usage:');
    const r2 = aquatope('bench', 'nope');
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain('unknown bench "nope"; known: keepalive');
  });

  const hasData = existsSync(sharedData);
  if (!hasData) console.warn(`skipping the shared-trace CLI test: ${sharedData} is absent`);
  (hasData ? it : it.skip)('reads the in-vitro Azure sample with its sibling duration and memory files', () => {
    const dir = join(sharedData, 'azure-functions-2019-invitro-resampled');
    const out = join(work, 'azure');
    const r = aquatope('bench', 'keepalive', '--trace', join(dir, '1350_inv.csv'), '--functions', '100', '--minutes', '0:120', '--policies', 'oracle', '--out', out);
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'keepalive.json'), 'utf8'));
    expect(report.trace.durationsFile).toBe(join(dir, '1350_run.csv'));
    expect(report.trace.memoryFile).toBe(join(dir, '1350_mem.csv'));
    expect(report.trace.durationSource).toEqual({ 'per-function': 100 });
    expect(report.trace.functions).toBe(100);
    expect(report.policies[0].invocations).toBe(report.trace.invocations);
  });
});
