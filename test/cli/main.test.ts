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

/**
 * A one-column per-minute series (header `0`, one count per line): a slow
 * diurnal-ish sinusoid, an hourly wave, a timer-like constant floor and a
 * deterministic pseudo-noise (a multiplicative hash of the minute).
 */
function seriesFile(path: string, minutes: number): void {
  const lines = ['0'];
  for (let t = 0; t < minutes; t++) {
    const diurnal = 12 * Math.sin((2 * Math.PI * t) / 1440 - 1);
    const hourly = 5 * Math.sin((2 * Math.PI * t) / 60);
    const timer = 6;
    const noise = Math.imul(t + 1, 2654435761) >>> 29; // 0..7
    lines.push(String(Math.max(0, Math.round(14 + timer + diurnal + hourly + noise))));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('aquatope train, bench forecast and aquatope@<risk> (one small trained model)', () => {
  // Tests run in order: the model trained first is the one the benches load.
  const trace = join(work, 'diurnal.csv');
  const model = join(work, 'model');
  const trainArgs = ['--trace', trace, '--minutes', '0:500', '--epochs', '1', '--predictor-epochs', '1', '--windows', '200', '--seed', '4'];
  const heldOutModels = ['aquatope', 'aquatope-regime', 'aquatope-lstm', 'idle-hazard', 'aquatope-2023', 'last-value', 'moving-average'];
  let trained: ReturnType<typeof aquatope>;

  beforeAll(() => {
    seriesFile(trace, 700);
    trained = aquatope('train', ...trainArgs, '--out', model);
  }, 60_000);

  it('train writes the model files and a card with held-out metrics on the minutes after the range', () => {
    expect(trained.stderr).toContain(`model written to ${model}`);
    expect(trained.status).toBe(0);
    expect(trained.stdout).toBe('');
    for (const f of ['forecaster.json', 'encoder/model.json', 'encoder/weights.bin', 'predictor/model.json', 'predictor/weights.bin', 'CARD.md']) {
      expect(existsSync(join(model, f))).toBe(true);
    }
    const saved = JSON.parse(readFileSync(join(model, 'forecaster.json'), 'utf8'));
    expect(saved.format).toBe('aquatope-forecaster/1');
    expect(saved.record.seed).toBe(4);

    const card = readFileSync(join(model, 'CARD.md'), 'utf8');
    expect(card).toContain(`npm run train -- ${trainArgs.join(' ')} --out ${model}`);
    expect(card).toContain(`| ${trace} | 1 | 0:500 |`);
    const heldOut = card.indexOf('## Held-out metrics');
    expect(heldOut).toBeGreaterThan(0);
    const section = card.slice(heldOut);
    expect(section).toContain(`${trace}, minutes 500:700, 1 functions`);
    const num = String.raw`\d+\.\d+`;
    for (const name of heldOutModels) {
      expect(section).toMatch(new RegExp(`^\\| ${name} \\| ${num} \\| ${num} \\| ${num} \\| ${num} \\| ${num} \\| ${num} \\|$`, 'm'));
    }
  });

  it('train gives byte-identical weights for the same seed', () => {
    const again = join(work, 'model-again');
    const r = aquatope('train', ...trainArgs, '--out', again);
    expect(r.status).toBe(0);
    for (const f of ['encoder/weights.bin', 'predictor/weights.bin']) {
      const a = readFileSync(join(model, f));
      expect(a.length).toBeGreaterThan(0);
      expect(readFileSync(join(again, f)).equals(a)).toBe(true);
    }
  }, 60_000);

  it('train rejects a bad flag with exit code 2', () => {
    const r = aquatope('train', '--trace', trace, '--epochs', '0', '--out', join(work, 'never'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--epochs must be a positive integer, got "0"');
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('bench forecast scores the saved model and the baselines on the test minutes', () => {
    const out = join(work, 'forecast');
    const r = aquatope('bench', 'forecast', '--trace', trace, '--test-minutes', '500:700', '--model', model, '--out', out);
    expect(r.stderr).toContain(`report written to ${out}/forecast.{json,md}`);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(out, 'forecast.md'), 'utf8'));
    const report = JSON.parse(readFileSync(join(out, 'forecast.json'), 'utf8'));
    expect(report.trace.testMinutes).toEqual({ start: 500, end: 700 });
    expect(report.models.map((m: { name: string }) => m.name)).toEqual(heldOutModels);
    const rows: { mae: number; rmse: number; pinball: Record<string, number>; coverage90: number }[] = report.models;
    for (const m of rows) {
      for (const x of [m.mae, m.rmse, m.pinball.q50, m.pinball.q90, m.pinball.q99]) expect(Number.isFinite(x)).toBe(true);
      expect(m.coverage90).toBeGreaterThanOrEqual(0);
      expect(m.coverage90).toBeLessThanOrEqual(1);
    }
    const skipped = report.skipped.map((s: { name: string }) => s.name);
    expect(skipped).toContain('previous-day');
    expect(skipped).toContain('hybrid-histogram');
  }, 60_000);

  it('bench forecast rejects training minutes that overlap the test minutes', () => {
    const r = aquatope('bench', 'forecast', '--trace', trace, '--train-minutes', '0:500', '--test-minutes', '400:700', '--out', join(work, 'never'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--train-minutes "0:500"');
    expect(r.stderr).toContain('--test-minutes "400:700"');
    expect(r.stdout).toBe('');
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('bench forecast names the path of a missing model', () => {
    const r = aquatope('bench', 'forecast', '--trace', trace, '--test-minutes', '500:700', '--model', '/nonexistent', '--out', join(work, 'never'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('/nonexistent/forecaster.json');
    expect(r.stdout).toBe('');
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('bench keepalive runs aquatope@0.9 with the saved model on the same arrivals as the baseline', () => {
    const out = join(work, 'keepalive-aquatope');
    const r = aquatope('bench', 'keepalive', '--policies', 'openwhisk-default,aquatope@0.9', '--model', model, '--functions', '20', '--minutes', '60:150', '--seed', '2', '--out', out);
    expect(r.stderr).toContain(`loading the forecaster from ${model}`);
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'keepalive.json'), 'utf8'));
    const rows: { name: string; invocations: number }[] = report.policies;
    expect(rows.map((p) => p.name)).toEqual(['openwhisk-default', 'aquatope@0.9']);
    expect(rows[0].invocations).toBeGreaterThan(0);
    expect(rows[1].invocations).toBe(rows[0].invocations);
  }, 60_000);

  it('bench keepalive loads the model for aquatope-worth@<GB-s> alone and runs it on the same arrivals', () => {
    const out = join(work, 'keepalive-worth');
    const r = aquatope('bench', 'keepalive', '--policies', 'openwhisk-default,aquatope-worth@300', '--model', model, '--functions', '20', '--minutes', '60:150', '--seed', '2', '--out', out);
    expect(r.stderr).toContain(`loading the forecaster from ${model}`);
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'keepalive.json'), 'utf8'));
    const rows: { name: string; invocations: number }[] = report.policies;
    expect(rows.map((p) => p.name)).toEqual(['openwhisk-default', 'aquatope-worth@300']);
    expect(rows[1].invocations).toBe(rows[0].invocations);
  }, 60_000);

  it('bench keepalive rejects a risk outside (0, 1)', () => {
    const r = aquatope('bench', 'keepalive', '--policies', 'aquatope@1.5', '--model', model, '--out', join(work, 'never'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('"aquatope@1.5"');
    expect(r.stderr).toContain('"1.5"');
    expect(existsSync(join(work, 'never'))).toBe(false);
  });
});
