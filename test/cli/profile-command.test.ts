import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProfileArgs, runProfile } from '../../src/cli/profile-command';
import { buildWorkflows } from '../../src/deploy/build-actions';
import { probeCgroups } from '../../src/live/cgroup-v1';
import { parseProfile } from '../../src/workflow/profile';
import { SMALL_INPUTS } from '../benchmark/workflows/real/small-inputs';

const REPO = join(__dirname, '..', '..');

describe('parseProfileArgs', () => {
  it('fills the defaults: the 4 x 4 grid, 5 runs, benchmark/profiles/<workflow>.json', () => {
    expect(parseProfileArgs(['--workflow', 'video-pipeline'])).toEqual({
      workflow: 'video-pipeline',
      cpus: [0.25, 0.5, 1, 2],
      memoryMB: [128, 256, 512, 1024],
      invocations: 5,
      out: join('benchmark', 'profiles', 'video-pipeline.json'),
    });
  });

  it('reads every option', () => {
    expect(parseProfileArgs(['--workflow', 'social-network', '--cpus', '0.5, 1', '--memory', '256', '--invocations', '3', '--out', 'p.json'])).toEqual({
      workflow: 'social-network',
      cpus: [0.5, 1],
      memoryMB: [256],
      invocations: 3,
      out: 'p.json',
    });
  });

  it.each<[string, string[], string]>([
    ['no workflow', [], '--workflow: missing'],
    ['an unknown workflow', ['--workflow', 'ml'], '--workflow: unknown workflow "ml"'],
    ['a cpu of 0', ['--workflow', 'ml-inference', '--cpus', '0,1'], '--cpus: expected a comma list of positive numbers, found "0"'],
    ['a cpu that is not a number', ['--workflow', 'ml-inference', '--cpus', 'one'], '--cpus: expected a comma list of positive numbers, found "one"'],
    ['a fractional memory', ['--workflow', 'ml-inference', '--memory', '128.5'], '--memory: expected a comma list of positive whole numbers, found "128.5"'],
    ['a memory over 2048 MB', ['--workflow', 'ml-inference', '--memory', '4096'], "--memory: 4096 MB is outside OpenWhisk's action limits"],
    ['zero invocations', ['--workflow', 'ml-inference', '--invocations', '0'], '--invocations'],
  ])('rejects %s, naming it', (_what, args, message) => {
    expect(() => parseProfileArgs(args)).toThrow(message);
  });
});

const probe = probeCgroups();
if (!probe.writable) console.log(`profiling under real limits is skipped: ${probe.reason}`);
const withCgroups = probe.writable ? describe : describe.skip;

withCgroups('runProfile under real cgroup limits', () => {
  const work = mkdtempSync(join(tmpdir(), 'aquatope-profile-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('measures each stage of social-network at each configuration and writes a valid profile with its provenance', async () => {
    await buildWorkflows({ rootDir: REPO, outDir: join(work, 'dist') });
    const lines: string[] = [];
    const doc = await runProfile({
      workflow: 'social-network',
      cpus: [0.5, 1],
      memoryMB: [512],
      invocations: 2,
      out: join(work, 'p.json'),
      bundleDir: join(work, 'dist', 'workflows'),
      input: SMALL_INPUTS['social-network'],
      log: (line) => lines.push(line),
      warn: (line) => lines.push(`warning: ${line}`),
    });
    const profile = parseProfile(doc);
    expect(profile.stages.map((s) => s.name)).toEqual(['compose-post', 'text-filter', 'social-graph', 'store-post']);
    expect(profile.measurements).toHaveLength(8);
    // Small inputs: a warm run may take under a millisecond (activation durations are whole ms).
    for (const m of profile.measurements) {
      expect(m.runs).toHaveLength(2);
      for (const r of m.runs) {
        expect(Number.isFinite(r.latencyMs) && r.latencyMs >= 0).toBe(true);
        expect(r.peakMemoryMB).toBeGreaterThan(0);
      }
    }
    expect(profile.measurements.reduce((sum, m) => sum + m.runs.reduce((t, r) => t + r.latencyMs, 0), 0)).toBeGreaterThan(0);
    expect(doc.machine['limits']).toMatch(/^cgroup v1/);
    expect(doc.machine['cpus']).toBeGreaterThan(0);
    expect(Date.parse(doc.measuredAt)).toBeGreaterThan(Date.parse('2026-01-01'));
    expect(doc.qos.targetMs).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes('] social-graph at 512 MB'))).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('warning'))).toBe(false);
  }, 120_000);
});
