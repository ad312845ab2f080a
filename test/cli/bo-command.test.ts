import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BoUsageError, parseBoArgs, runBoCommand } from '../../src/cli/bo-command';
import { tempFiles } from '../support/temp-files';

describe('parseBoArgs', () => {
  it('defaults to the medium target, 10 seeds, every method, reports/bo', () => {
    const cmd = parseBoArgs(['--workflow', 'ml-inference']);
    expect(cmd).toMatchObject({ workflows: ['ml-inference'], levels: ['medium'], seeds: 10, out: 'reports/bo', profiles: [], profileLevels: false });
    expect(cmd.methods[0]).toBe('aquatope');
  });

  it('expands all to every workflow and every level', () => {
    expect(parseBoArgs(['--workflow', 'all', '--qos', 'all'])).toMatchObject({ workflows: ['ml-inference', 'video-pipeline', 'social-network'], levels: ['tight', 'medium', 'loose'] });
  });

  it.each([
    [[], /exactly one of --workflow/],
    [['--workflow', 'x', '--profile', 'p.json'], /exactly one of --workflow/],
    [['--workflow', 'nope'], /unknown workflow "nope"/],
    [['--workflow', 'ml-inference', '--qos', 'strict'], /unknown level "strict"/],
    [['--workflow', 'ml-inference', '--methods', 'aquatope,magic'], /unknown method "magic"/],
    [['--workflow', 'ml-inference', '--seeds', '0'], /--seeds/],
    [['--profile', ',', '--qos', 'tight'], /--profile: expected FILE\[,FILE...\], found ","/],
    [['--workflow', 'ml-inference', 'extra'], /unexpected argument "extra"/],
  ])('rejects %p naming the bad value', (args, message) => {
    expect(() => parseBoArgs(args)).toThrow(BoUsageError);
    expect(() => parseBoArgs(args)).toThrow(message);
  });
});

describe('runBoCommand on a profile', () => {
  const files = tempFiles('bo-profile', '.json');
  const profile = {
    workflow: 'two-step',
    qos: { percentile: 90, targetMs: 700 },
    prices: { gbSecond: 0.0000166667, cpuCoreSecond: 0 },
    stages: [
      { name: 'split', after: [] },
      { name: 'extract', after: ['split'] },
    ],
    measurements: [
      { stage: 'split', config: { memoryMB: 256 }, latencyMs: [400, 420, 380, 410] },
      { stage: 'split', config: { memoryMB: 1024 }, latencyMs: [150, 160, 140, 155] },
      { stage: 'extract', config: { memoryMB: 128 }, latencyMs: [90], outOfMemory: true },
      { stage: 'extract', config: { memoryMB: 512 }, latencyMs: [300, 310, 290, 305] },
      { stage: 'extract', config: { memoryMB: 2048 }, latencyMs: [100, 110, 95, 105] },
    ],
  };

  it('tunes the measured configurations and writes bo.json, bo.md and bo.svg', async () => {
    const out = files.pathOf('out');
    const { reports } = await runBoCommand({ workflows: [], levels: ['medium'], profiles: [files.write(JSON.stringify(profile))], profileLevels: false, seeds: 2, methods: ['max-resources', 'power-tuning-qos'], out }, () => undefined);
    // Optimum: split must be fast (256 MB: 400 + 300 > 700 at p90), extract at 512 MB: 155 + 310 <= 700; 1024 + 512 is the cheapest feasible.
    expect(reports[0].optimum.config).toEqual([{ memoryMB: 1024, cpu: 1024 / 1769 }, { memoryMB: 512, cpu: 512 / 1769 }]);
    const written = JSON.parse(readFileSync(join(out, 'bo.json'), 'utf8'));
    expect(written.workflow).toBe('two-step');
    expect(written.methods.map((m: { name: string }) => m.name)).toEqual(['max-resources', 'power-tuning-qos']);
    expect(readFileSync(join(out, 'bo.md'), 'utf8')).toContain('# Resource manager: two-step, p90 <= 700 ms');
    expect(readFileSync(join(out, 'bo.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('with --qos, tunes each profile at each level, targets from its largest measured configurations', async () => {
    expect(parseBoArgs(['--profile', 'a.json,b.json', '--qos', 'all'])).toMatchObject({ profiles: ['a.json', 'b.json'], profileLevels: true, levels: ['tight', 'medium', 'loose'] });
    const out = files.pathOf('levels');
    const file = files.write(JSON.stringify(profile));
    const { reports } = await runBoCommand({ workflows: [], levels: ['tight', 'loose'], profiles: [file], profileLevels: true, seeds: 1, methods: ['max-resources'], out }, () => undefined);
    // Largest: split at 1024 MB, extract at 2048 MB; the p95 of their sum over 1,000 draws is 160 + 110 = 270 ms at most.
    const targets = reports.map((r) => r.qos);
    expect(targets[0].percentile).toBe(95);
    expect(targets[0].targetMs).toBeLessThanOrEqual(Math.ceil((1.2 * 270) / 10) * 10);
    expect(targets[0].targetMs).toBeGreaterThanOrEqual(Math.ceil((1.2 * 235) / 10) * 10);
    expect(targets[1].targetMs / targets[0].targetMs).toBeCloseTo(2.5 / 1.2, 1);
    expect(readFileSync(join(out, 'two-step-tight', 'bo.md'), 'utf8')).toContain(`p95 <= ${targets[0].targetMs} ms`);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('2 workflow x target combinations');
  });
});
